"""The streamed BibTeX reader gives what the whole-text reader gives: items, errors and lines.

``iter_loads`` parses a chunk of blocks at a time (what keeps `refdb import` of a big file in flat
memory); here every chunk size down to one block is compared with one chunk holding the whole
text, on the shared samples, the library fixtures and texts made to break across chunks:
duplicates of a key or a macro in an earlier chunk, macros defined chunks before their use,
unterminated entries cut at a chunk's end, an extra brace, @comment-like types, a BOM.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from refdb.errors import InputError
from refdb.formats.bibtex import iter_loads
from tests.conftest import SHARED

WHOLE = 10**9

TRICKY = [
    "@string{pub = {Yale University Press}}\n@book{a, title = {A}, publisher = pub, year = 1999}\n"
    "@book{b, title = {B}, publisher = pub # { and Co.}, year = 2000}\n@book{a, title = {Again}}\n",
    "@book{a, title = {A}}\n@book{b, title = {B}\n@book{c, title = {C}}\n@book{d, title = {D}}\n",
    "@book{a, title = {A}}}\n, year = 1999}\n@book{b, title = {B}}\n",
    "\ufeff@string{x = {X}}\n@string{x = {Y}}\n@article{k1, title = x, author = {Doe, Jane and Roe, R.}}\n",
    "@commentary{c1, title = {On it}}\n@comment{ignored}\n@misc{m, note = {a @ sign}}\n",
    "@book{a, title = {A}}\n@book{b, title = {B}, title = {twice}}\n@book{a, title = {A2}}\n@book{a, title = {A3}}\n",
    "@book{a, title = {unterminated\n  @book{inner, title = {I}},\n}\n@book{z, title = {Z}}\n",
    "@book{last, title = {never closed}\n",
    "@misc{u, title = undefinedmacro}\n@misc{v, title = {V}}\n",
    "no entries at all\n",
]


def _read(text: str, chunk: int, collect: bool) -> tuple[list[tuple[str, object]], list[str], str | None]:
    errors: list[InputError] | None = [] if collect else None
    items: list[tuple[str, object]] = []
    raised = None
    try:
        for parsed in iter_loads(text, source_name="t.bib", errors=errors, chunk=chunk):
            items.append((parsed.location, parsed.item))
    except InputError as exc:
        raised = str(exc)
    return items, [str(e) for e in errors or []], raised


def _texts() -> list[str]:
    paths = sorted((SHARED / "reference" / "bibtex-samples").glob("*.bib"))
    paths += sorted((Path(__file__).parent / "library").glob("*.bib"))
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths] + TRICKY


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_every_chunk_size_reads_what_the_whole_text_reads(chunk: int) -> None:
    for text in _texts():
        for collect in (False, True):
            assert _read(text, chunk, collect) == _read(text, WHOLE, collect), (chunk, collect, text[:200])


def test_the_tricky_texts_say_what_they_should() -> None:
    _, errors, _ = _read(TRICKY[0], 1, True)
    assert errors == ["t.bib:4: duplicate citation key 'a' (first used on line 2)"]
    _, errors, _ = _read(TRICKY[5], 1, True)
    assert any("duplicate citation key 'a' (first used on line 1)" in e and e.startswith("t.bib:4") for e in errors)
    _, errors, _ = _read(TRICKY[1], 1, True)
    assert any("is not terminated before the next entry on line 3" in e for e in errors), errors
