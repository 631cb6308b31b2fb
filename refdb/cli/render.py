"""Output rendering: records (dicts) to table, JSON, CSV or Markdown.  Data to stdout, notes to stderr."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TextIO

import typer

from refdb.formats.locator import locator_text

Record = dict[str, Any]
__all__ = ["Column", "OutputFormat", "Record", "cell", "emit", "locator_text", "md_escape", "note"]
_SPACES = re.compile(r"\s")  # what textwrap turns into spaces before it measures


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Record], Any]
    width: int | None = None  # wrap at this width in tables
    bold: bool = False  # the value marks words in **bold** (a search snippet): Markdown keeps the marks


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    return str(value)


def note(message: str) -> None:
    typer.echo(message, err=True)


def emit(
    records: Iterable[Record],
    fmt: OutputFormat,
    columns: Sequence[Column],
    *,
    empty: str,
    out: TextIO | None = None,
) -> None:
    """Records to ``out``.  JSON and CSV are written as the records come (a listing streams, memory
    stays flat); a table or Markdown measures its columns, so it reads them all first."""
    out = out or sys.stdout
    items = iter(records)
    first = next(items, _NONE)
    if fmt is OutputFormat.json:
        _json(first, items, out)
        out.flush()
        return
    if first is _NONE:
        note(empty)
        if fmt is OutputFormat.csv:
            _csv([], columns, out)
        return
    assert isinstance(first, dict)
    if fmt is OutputFormat.csv:
        _csv(itertools.chain([first], items), columns, out)
    elif fmt is OutputFormat.markdown:
        _markdown([first, *items], columns, out)
    else:
        _table([first, *items], columns, out)
    out.flush()


_NONE: Any = object()


FAST_AFTER = 500  # records: a longer listing switches to msgspec's encoder (which a short one need not load)


def _json(first: Any, rest: Iterator[Record], out: TextIO) -> None:
    """``json.dumps(list(records), ensure_ascii=False, indent=2)``, byte for byte, a record at a time.

    After the first FAST_AFTER records, through msgspec's encoder and formatter, which write the same
    text for records (text, whole numbers, null, true/false, lists and mappings) at ~5x the speed
    of ``json.dumps`` with an indent (a Python loop); tests/services/test_streaming.py holds them
    to ``json.dumps``'s bytes.
    """
    if first is _NONE:
        out.write("[]\n")
        return

    out.write("[\n  ")
    out.write(json.dumps(first, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    for record in itertools.islice(rest, FAST_AFTER):  # a JSON string holds no raw newline: each is layout
        out.write(",\n  ")
        out.write(json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    more = next(rest, _NONE)
    if more is not _NONE:
        import msgspec

        encode, layout = msgspec.json.Encoder().encode, msgspec.json.format
        for record in itertools.chain([more], rest):
            out.write(",\n  ")
            out.write(layout(encode(record), indent=2).decode().replace("\n", "\n  "))
    out.write("\n]\n")


def _csv(records: Iterable[Record], columns: Sequence[Column], out: TextIO) -> None:
    import csv

    from refdb.formats.csv import neutralize

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.header for c in columns])
    for record in records:
        writer.writerow([neutralize(cell(c.value(record))) for c in columns])


_MD_SPECIALS = str.maketrans({ch: f"\\{ch}" for ch in "\\`*_{}[]<>|#"})


def md_escape(text: str) -> str:
    return " ".join(text.translate(_MD_SPECIALS).split())


def md_escape_bold(text: str) -> str:
    """Escape a text whose ``**`` marks are refdb's own bold: the marks stay, everything else is escaped."""
    return " ".join("**".join(part.translate(_MD_SPECIALS) for part in text.split("**")).split())


def _markdown(records: Sequence[Record], columns: Sequence[Column], out: TextIO) -> None:
    out.write("| " + " | ".join(md_escape(c.header) for c in columns) + " |\n")
    out.write("|" + "|".join("---" for _ in columns) + "|\n")
    for record in records:
        cells = [(md_escape_bold if c.bold else md_escape)(cell(c.value(record))) for c in columns]
        out.write("| " + " | ".join(cells) + " |\n")


def _table(records: Sequence[Record], columns: Sequence[Column], out: TextIO) -> None:
    """Columns aligned by display width: a CJK character takes two cells, a combining mark none."""
    total = shutil.get_terminal_size((120, 24)).columns
    rows = [[cell(c.value(r)) for c in columns] for r in records]
    widths = []
    for i, column in enumerate(columns):
        natural = max(
            [_cells(column.header)]
            + [max((_cells(x) for x in row[i].split("\n")), default=0) for row in rows]
        )
        widths.append(min(natural, column.width) if column.width else natural)
    spare = total - sum(widths) - 2 * (len(columns) - 1)
    if spare > 0:  # give room back to the wrapped columns, first come first served
        for i, column in enumerate(columns):
            if column.width and spare > 0:
                natural = max(_cells(row[i]) for row in rows)
                extra = min(spare, max(0, natural - widths[i]))
                widths[i] += extra
                spare -= extra
    lines = ["  ".join(_ljust(c.header, w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        wrapped = [_wrap(text, w) or [""] for text, w in zip(row, widths, strict=True)]
        for k in range(max(len(x) for x in wrapped)):
            lines.append(
                "  ".join(
                    _ljust(x[k] if k < len(x) else "", w) for x, w in zip(wrapped, widths, strict=True)
                ).rstrip()
            )
    out.write("\n".join(lines) + "\n")


# Display width.  Text of one-cell characters only (ASCII, Latin, Greek, Cyrillic, general
# punctuation) is measured with len() and wrapped by textwrap, as it always was; text with a wide or
# a zero-width character (CJK, combining marks) by wcwidth, imported only then: it counts the
# terminal cells a string takes, two for a CJK character and none for a combining mark.
_NARROW = re.compile(
    "[\\x00-\\x7f\\u00a0-\\u02ff\\u0370-\\u0482\\u048a-\\u052f\\u2010-\\u2027\\u2030-\\u205e]*"
)


def _cells(text: str) -> int:
    if _NARROW.fullmatch(text):
        return len(text)
    import wcwidth

    return int(wcwidth.width(_SPACES.sub(" ", text)))


def _ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - _cells(text))


def _wrap(text: str, width: int) -> list[str]:
    if _NARROW.fullmatch(text):
        return textwrap.wrap(text, width)
    import wcwidth

    return list(wcwidth.wrap(text, width))
