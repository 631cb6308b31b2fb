"""Importers and exporters: pure functions, records in, text out.

The record type every format speaks is a CSL-JSON item (a plain ``dict`` in the
shape of the official schema, ``../shared/reference/csl-schema/csl-data.json``):
``id``, ``type``, ``title``, ``author: [{family, given, ...}]``,
``issued: {"date-parts": [[2006]]}`` ...  Services turn database rows into these
items and back; formats never import models, services or SQLAlchemy.

The registry is a plain dict from a lowercase format id to the module that
implements it, imported lazily so that a command only pays for what it uses.
Each module offers ``dumps(items) -> Iterator[str]`` (streamed chunks) and, where
the format can be read, ``loads(text, *, source_name, errors=None) -> list[ParsedItem]``.

``loads`` raises an :class:`~refdb.errors.InputError` on the first malformed
entry.  Given a list as ``errors``, it appends each malformed entry's error there
instead (the same error it would have raised), goes on with the next entry and
returns the good ones; a problem with the file as a whole still raises, and then
leaves ``errors`` as it was.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, cast

from refdb.errors import InputError, UsageError

CslItem = dict[str, Any]


@dataclass(frozen=True)
class ParsedItem:
    """One record read from a file, with where it came from (for error messages and reports)."""

    item: CslItem
    location: str  # "refs.bib:12" or "refs.ris, record 3"
    # False when the file gave no key and the reader made ``id`` up (a RIS record without ID)
    key_given: bool = True
    # what the reader could not use: the file's own field or tag names ("file", "timestamp", "L1")
    unused: tuple[str, ...] = ()
    # what a user should hear about whatever the options ("unknown entry type '@foo', read as document")
    warnings: tuple[str, ...] = ()
    # what the reader changed, for --verbose ("date-time 2013-10-30T11:20:51 read as the date 2013-10-30")
    details: tuple[str, ...] = ()


class ExportFormat(Protocol):
    def dumps(self, items: Iterable[CslItem]) -> Iterator[str]: ...


class ImportFormat(Protocol):
    def loads(
        self, text: str, *, source_name: str, errors: list[InputError] | None = None
    ) -> list[ParsedItem]: ...


# format id -> (module, file suffixes, readable?)
_REGISTRY: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "bibtex": ("refdb.formats.bibtex", (".bib", ".bibtex"), True),
    "ris": ("refdb.formats.ris", (".ris",), True),
    "csljson": ("refdb.formats.csljson", (".json", ".csljson"), True),
    "csv": ("refdb.formats.csv", (".csv",), False),
}


def export_format_names() -> list[str]:
    return list(_REGISTRY)


def import_format_names() -> list[str]:
    return [name for name, (_, _, readable) in _REGISTRY.items() if readable]


def _module(name: str, *, readable: bool) -> ModuleType:
    names = import_format_names() if readable else export_format_names()
    if name not in names:
        raise UsageError(f"unknown format '{name}'; choose one of: {', '.join(names)}")
    return importlib.import_module(_REGISTRY[name][0])


def exporter(name: str) -> ExportFormat:
    return cast(ExportFormat, _module(name, readable=False))


def importer(name: str) -> ImportFormat:
    return cast(ImportFormat, _module(name, readable=True))


def format_for_path(path: Path) -> str:
    """The readable format a file's suffix names; a clear error when it names none."""
    suffix = path.suffix.lower()
    for name, (_, suffixes, readable) in _REGISTRY.items():
        if readable and suffix in suffixes:
            return name
    raise UsageError(
        f"{path}: cannot tell the format from the suffix '{suffix}'; "
        f"pass --format ({', '.join(import_format_names())})"
    )
