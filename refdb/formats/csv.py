"""CSV: one row per item for spreadsheets (export only).

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) get a leading ``'``, as OWASP recommends
against CSV injection; nothing else is changed.  Rows end in CRLF (RFC 4180).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from refdb.dates import csl_date_text
from refdb.formats import CslItem
from refdb.formats.names import format_names

#: Column header -> CSL variable.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "id"),
    ("type", "type"),
    ("title", "title"),
    ("title-short", "title-short"),
    ("authors", "author"),
    ("editors", "editor"),
    ("container-title", "container-title"),
    ("publisher", "publisher"),
    ("publisher-place", "publisher-place"),
    ("issued", "issued"),
    ("edition", "edition"),
    ("volume", "volume"),
    ("issue", "issue"),
    ("page", "page"),
    ("URL", "URL"),
    ("DOI", "DOI"),
    ("ISBN", "ISBN"),
    ("language", "language"),
    ("accessed", "accessed"),
    ("ISSN", "ISSN"),
    ("archive", "archive"),
    ("archive-place", "archive-place"),
    ("archive_location", "archive_location"),
    ("abstract", "abstract"),
    ("keywords", "keyword"),
    ("note", "note"),
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would take for a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def dumps(items: Iterable[CslItem]) -> Iterator[str]:
    """The header row, then one row per item (one chunk each)."""
    yield _row([header for header, _ in COLUMNS])
    for item in items:
        yield _row([neutralize(_cell(item, variable)) for _, variable in COLUMNS])


def _row(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def _cell(item: CslItem, variable: str) -> str:
    value = item.get(variable)
    if value is None or isinstance(value, bool):
        return ""
    if variable in ("author", "editor"):
        return format_names(value)
    if variable in ("issued", "accessed"):
        return csl_date_text(value)
    return str(value)
