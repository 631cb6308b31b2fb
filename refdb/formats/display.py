"""How records read on a screen: locators, links, paragraphs, highlighted passages, snippets.

Pure functions shared by the command line and the web pages, so the two print a locator, split
a text into numbered paragraphs and mark an anchored passage the same way.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser


def locator_text(label: str | None, locator: str | None) -> str:
    """``pp. 159–62``, ``p. 4``, ``¶ 5``, ``chapter 3``: a locator as a note prints it."""
    if not locator:
        return ""
    if label in (None, "page"):
        return f"p{'p' if any(ch in locator for ch in '-–,') else ''}. {locator}"
    if label == "paragraph":
        return f"¶ {locator}"
    return f"{label} {locator}"


_SAFE_SCHEMES = ("http://", "https://")


def safe_url(url: str | None) -> str | None:
    """The URL when it may be a link (http or https), else None: ``javascript:`` is never a link."""
    if not url:
        return None
    stripped = url.strip()
    if any(ch.isspace() or ord(ch) < 0x20 for ch in stripped):
        return None
    return stripped if stripped.lower().startswith(_SAFE_SCHEMES) else None


@dataclass(frozen=True)
class Paragraph:
    number: int | None  # None: the title line
    start: int  # offsets into the text
    end: int


_BLANK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def paragraphs(text: str) -> list[Paragraph]:
    """The text's paragraphs (blocks between blank lines), numbered as the locators count them.

    A first block that is one short line is the title, unnumbered; the paragraphs after it are
    numbered from 1 (the seed's "¶ 4" is the fourth block after the title).  Otherwise every
    block is numbered from 1.
    """
    blocks: list[tuple[int, int]] = []
    pos = 0
    for match in _BLANK.finditer(text):
        if text[pos : match.start()].strip():
            blocks.append((pos, match.start()))
        pos = match.end()
    if text[pos:].strip():
        blocks.append((pos, len(text.rstrip())))
    out: list[Paragraph] = []
    titled = (
        len(blocks) > 1
        and "\n" not in text[blocks[0][0] : blocks[0][1]].strip()
        and (blocks[0][1] - blocks[0][0] <= 200)
    )
    for index, (start, end) in enumerate(blocks):
        if titled and index == 0:
            out.append(Paragraph(None, start, end))
        else:
            out.append(Paragraph(index if titled else index + 1, start, end))
    return out


@dataclass(frozen=True)
class Mark:
    """An anchored passage: ``text[start:end]`` is the exact text of a claim's anchor or a quote."""

    start: int
    end: int
    kind: str  # claim | quote | comment
    key: str


@dataclass(frozen=True)
class Piece:
    start: int  # offset into the text
    text: str
    marks: tuple[Mark, ...]  # the passages covering it, innermost (shortest) first


def segments(text: str, start: int, end: int, marks: Sequence[Mark]) -> list[Piece]:
    """``text[start:end]`` cut where passages begin and end; each piece with the marks covering it.

    Overlapping and nested passages are kept apart: a piece covered by two passages carries both.
    """
    inside = [m for m in marks if m.start < end and m.end > start and m.end > m.start]
    cuts = sorted({start, end, *(max(m.start, start) for m in inside), *(min(m.end, end) for m in inside)})
    out: list[Piece] = []
    for left, right in itertools.pairwise(cuts):
        covering = tuple(
            sorted((m for m in inside if m.start <= left and m.end >= right), key=lambda m: m.end - m.start)
        )
        out.append(Piece(left, text[left:right], covering))
    return out


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet's ``**matched**`` words as (text, matched) pieces, for any output to mark."""
    parts = snippet.split("**")
    return [(part, index % 2 == 1) for index, part in enumerate(parts) if part]


_INLINE_TAGS = {"i": "i", "em": "em", "b": "b", "strong": "strong", "sup": "sup", "sub": "sub"}


class _Inline(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INLINE_TAGS:
            self.out.append(f"<{tag}>")
            self.open.append(tag)
        elif tag == "span" and ("class", "smallcaps") in attrs:
            self.out.append('<span class="smallcaps">')
            self.open.append("span")
        elif tag == "span":
            self.open.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INLINE_TAGS or tag == "span":
            while self.open:
                last = self.open.pop()
                if last:
                    self.out.append(f"</{last}>")
                if last == tag or (tag == "span" and last in ("", "span")):
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))


def inline_html(fragment: str) -> str:
    """An HTML fragment (a formatted citation) reduced to text and inline emphasis, all escaped.

    Links, attributes, scripts and every other element are dropped (their text kept), so a
    citation whose URL is ``javascript:...`` shows the URL as text, never as a link.
    """
    parser = _Inline()
    parser.feed(fragment)
    parser.close()
    parser.out.extend(f"</{tag}>" for tag in reversed(parser.open) if tag)
    return "".join(parser.out)
