"""A source's full text from the file a curator has: plain text or Markdown as it is, HTML and PDF
turned into text (paragraphs separated by blank lines, as the reading view and the locators count
them).

HTML: the standard library's parser; the text of the body, one paragraph per block element (``p``,
headings, list items, ``blockquote``, ``div`` ...), spaces collapsed inside a paragraph, scripts,
styles and the head left out; entities decoded.  PDF: pypdf's text of each page, the lines of a page
joined into paragraphs (a blank or indented line starts one; a line short of the page's measure that ends a
sentence, or one under half of it, ends one: a heuristic, so check the reading view), pages joined by a paragraph break; a PDF with no text layer (a scan) is an InputError that says to run OCR first.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from refdb.errors import InputError
from refdb.formats.text import decode

SUFFIXES = {".txt": "text", ".md": "text", ".markdown": "text", ".text": "text", ".html": "html",
            ".htm": "html", ".xhtml": "html", ".pdf": "pdf"}  # fmt: skip
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "section", "article",
           "header", "footer", "aside", "td", "th", "dt", "dd", "figcaption", "br", "hr", "tr", "title"}  # fmt: skip
_SKIP = {"script", "style", "head", "noscript", "template", "svg"}
_SPACE = re.compile(r"\s+")
_ENDS = set(".!?:;\"”’»)")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.current)).strip()
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    parser._flush()
    return "\n\n".join(parser.paragraphs) + "\n"


def pdf_text(data: bytes, *, source_name: str) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise InputError(f"not a readable PDF ({exc})", location=source_name) from None
    paragraphs: list[str] = []
    for page in pages:
        lines = page.splitlines()
        full = max((len(line.strip()) for line in lines), default=0)
        current: list[str] = []
        for line in lines:
            stripped = line.strip()
            if not stripped or (line[:1].isspace() and current):  # a blank or an indented line starts one
                if current:
                    paragraphs.append(" ".join(current))
                current = []
            if stripped:
                current.append(stripped)
                # a line short of the measure that ends a sentence ends its paragraph, as does a
                # line under half the measure (a heading)
                if len(stripped) < 0.5 * full or (stripped[-1] in _ENDS and len(stripped) < 0.9 * full):
                    paragraphs.append(" ".join(current))
                    current = []
        if current:
            paragraphs.append(" ".join(current))
    text = "\n\n".join(_SPACE.sub(" ", p).strip() for p in paragraphs if p.strip())
    if not text:
        raise InputError("the PDF has no text layer (a scan?); run OCR on it first", location=source_name)
    return text + "\n"


def document_text(path: Path) -> str:
    """The text of a plain-text, Markdown, HTML or PDF file, by its suffix (plain text otherwise)."""
    from refdb.formats.text import read_bytes

    return document_bytes_text(read_bytes(path), str(path))


def document_bytes_text(data: bytes, name: str) -> str:
    """The text of a file's bytes (an upload), read by the suffix of its ``name`` as :func:`document_text`
    reads a file; a PDF is also known by its signature, whatever its name."""
    kind = "pdf" if data.startswith(b"%PDF-") else SUFFIXES.get(Path(name).suffix.lower(), "text")
    if kind == "pdf":
        return pdf_text(data, source_name=name)
    text = decode(data, source_name=name)
    return html_text(text) if kind == "html" else text
