"""Which words of a text a query matches, and the snippet that shows them in ``**bold**``.

Pure functions over the original text: every word is folded as the index folds it
(:func:`refdb.textnorm.search_fold`), so the snippet bolds exactly the words the engine matched, and
both engines show the same snippet.  Also decides which paragraphs of a source's text (passages)
match a query.
"""

from __future__ import annotations

import re

from refdb.services.search.query import Query, Term
from refdb.textnorm import search_fold

WINDOW = 16  # words a snippet shows
_TOKEN = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0483-\u0489])+")
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n")


class Text:
    """A text's words: their spans in the original and their folded forms (a word may fold to several)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] = []
        self.words: list[tuple[str, int]] = []  # (folded word, index into spans)
        for match in _TOKEN.finditer(text):
            folded = (search_fold(match.group()) or "").split()
            if not folded:
                continue
            for word in folded:
                self.words.append((word, len(self.spans)))
            self.spans.append(match.span())

    def find(self, term: Term) -> set[int]:
        """The spans a term matches (a phrase: consecutive words; a prefix: its last word's start)."""
        out: set[int] = set()
        n = len(term.words)
        for i in range(len(self.words) - n + 1):
            ok = True
            for j, want in enumerate(term.words):
                word = self.words[i + j][0]
                last = j == n - 1
                if not (word == want or (last and term.prefix and word.startswith(want))):
                    ok = False
                    break
            if ok:
                out.update(self.words[i + j][1] for j in range(n))
        return out

    def matches(self, query: Query) -> set[int] | None:
        """The matched spans when the text satisfies the query (every group, no exclusion), else None."""
        found: set[int] = set()
        for group in query.groups:
            hit = set().union(*(self.find(t) for t in group))
            if not hit:
                return None
            found |= hit
        if any(self.find(t) for t in query.excluded):
            return None
        return found

    def hits(self, query: Query) -> set[int]:
        """Every span any positive term matches (for a snippet, whether or not the text satisfies)."""
        return set().union(*(self.find(t) for group in query.groups for t in group))

    def snippet(self, marked: set[int]) -> str:
        """About WINDOW words around the first marked one, marked words in **bold**, … where cut."""
        if not self.spans:
            return _squash(self.text)
        first = min(marked) if marked else 0
        start = max(0, min(first - 4, len(self.spans) - WINDOW))
        end = min(len(self.spans), start + WINDOW)
        out = []
        pos = self.spans[start][0]
        for i in range(start, end):
            a, b = self.spans[i]
            out.append(self.text[pos:a])
            out.append(f"**{self.text[a:b]}**" if i in marked else self.text[a:b])
            pos = b
        if end == len(self.spans):
            out.append(self.text[pos:])
        head = "…" if start > 0 else _lead(self.text[: self.spans[0][0]])
        tail = "…" if end < len(self.spans) else ""
        return head + _squash("".join(out)) + tail


def _squash(text: str) -> str:
    return " ".join(text.split())


def _lead(text: str) -> str:
    return _squash(text)


def snippet(query: Query, *texts: str | None) -> str:
    """The snippet of the first text the query's words occur in (else of the first text, unbolded)."""
    present = [t for t in texts if t]
    for text in present:
        words = Text(text)
        marked = words.hits(query)
        if marked:
            return words.snippet(marked)
    return Text(present[0]).snippet(set()) if present else ""


def paragraphs(text: str) -> list[str]:
    """A source's text as paragraphs (separated by blank lines), numbered from 1 by their position."""
    return [p.strip() for p in _PARAGRAPH.split(text) if p.strip()]


def passages(query: Query, text: str) -> list[tuple[int, str]]:
    """(paragraph number, snippet) of every paragraph that satisfies the query."""
    out = []
    for number, paragraph in enumerate(paragraphs(text), start=1):
        words = Text(paragraph)
        marked = words.matches(query)
        if marked is not None:
            out.append((number, words.snippet(marked)))
    return out
