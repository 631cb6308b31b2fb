"""Importing sources from BibTeX, RIS and CSL-JSON: add what is new, merge duplicates, never double.

A duplicate is (in this order): the same DOI; the same ISBN on the same kind of work (a chapter
carries its book's ISBN and is not a duplicate of the book or of its sibling chapters); or the same
normalised title, first author and year.  Two works that share a DOI but differ in both title and
year are a cataloguing error: both are kept and the clash reported, never merged.

Nothing is dropped in silence: the fields no source field holds are counted in the report (and
listed per record with ``--verbose``); an imported citation key is kept, as the new source's key when
it is a valid key nobody uses, otherwise as an alias of the source (``refdb`` accepts an alias
wherever it takes a source key).  Merging fills the fields the
existing record lacks and never overwrites one.

New people and sources, and the fields a merge fills, are written by the one writer
(``services.store``), in chunks: one statement per table per chunk, not one ORM object at a time.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from refdb import dates
from refdb.errors import InputError
from refdb.formats import ParsedItem, identifiers
from refdb.formats.cleaning import clean_item
from refdb.formats.csljson import SOURCE_VARIABLES
from refdb.models import Contributor, Person, Source, SourceAlias
from refdb.records import ContributorRec, Dataset, PersonRec, SourceRec
from refdb.services import store
from refdb.textnorm import fold, slugify
from refdb.vocab import CSL_TYPES

_ROLES = ("author", "editor", "translator", "container-author", "collection-editor")
_KEY_OK = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# record field <- CSL variable, the title aside (a merge never fills a title: it found the work by it)
_SCALARS = {var: name for name, var in SOURCE_VARIABLES if name != "title"}
# the variables a source holds; anything else an item has is reported as not stored
_STORED = frozenset({"id", "type", "citation-key", "custom", "title", "issued", "accessed", *_SCALARS,
                     *_ROLES})  # fmt: skip
CHUNK = 1000
# works that carry their container's ISBN: never the same work as another that carries it too
PART_TYPES = frozenset({"chapter", "entry", "entry-dictionary", "entry-encyclopedia", "paper-conference"})


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    merged: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (location, key, fields filled)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (location, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (location, what): always shown
    details: list[tuple[str, str]] = field(default_factory=list)  # (location, what changed): --verbose
    unstored: list[tuple[str, list[str]]] = field(default_factory=list)  # (location, fields not stored)
    aliases: list[tuple[str, str, str]] = field(default_factory=list)  # (location, alias, source key)

    def summary(self) -> str:
        text = f"added {len(self.added)}, merged {len(self.merged)}, skipped {len(self.skipped)}"
        if self.warnings:
            text += f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}"
        if self.unstored:
            fields = sum(len(f) for _, f in self.unstored)
            text += (f"; {fields} field{'s' if fields != 1 else ''} not stored in {len(self.unstored)} "
                     f"record{'s' if len(self.unstored) != 1 else ''}")  # fmt: skip
        return text


def norm_doi(doi: str | None) -> str | None:
    return identifiers.normalize_doi(doi)


def norm_isbn(isbn: str | None) -> str | None:
    """ISBN-13 digits (ISBN-10s converted), or None."""
    return identifiers.isbn_key(isbn)


def _title_key(title: str | None, family: str | None, year: int | None) -> tuple[str, str, int] | None:
    """Normalised title, first author and year (0 for undated works); None for an untitled work."""
    if not title or not fold(title):
        return None
    return (fold(title), fold(family or ""), year or 0)


def _fingerprint(item: dict[str, Any]) -> str:
    import json

    fields = ("type", "title", "issued", *_ROLES, *(v for v in _SCALARS if v != "note"))
    content = {k: item[k] for k in fields if item.get(k) not in (None, "", [], {})}
    return json.dumps(content, sort_keys=True, ensure_ascii=False)


def _first_family(item: dict[str, Any]) -> str | None:
    for name in item.get("author") or item.get("editor") or []:
        return str(name.get("family") or name.get("literal") or "") or None
    return None


def _year(item: dict[str, Any]) -> int | None:
    return dates.csl_year(item.get("issued"))


class _Index:
    """What the database (and this import so far) holds, for duplicate detection."""

    def __init__(self, session: Session) -> None:
        self.doi: dict[str, tuple[int, str, str, int | None]] = {}
        self.isbn: dict[tuple[str, str], int] = {}
        self.title: dict[tuple[str, str, int], int] = {}
        self.keys: set[str] = set()
        self.aliases: set[str] = set(session.scalars(select(SourceAlias.alias)))
        self.fingerprints: dict[str, int] | None = None
        self.pending_fingerprints: dict[str, int] = {}
        self.pending: dict[int, SourceRec] = {}  # records added by this import, by provisional (negative) id
        self.entries: dict[int, list[tuple[dict[Any, Any], Any]]] = {}  # where a provisional id stands
        first_author = (
            select(Contributor.source_id, Person.family, Person.display_name)
            .join(Person, Person.id == Contributor.person_id)
            .where(Contributor.position == 1, Contributor.role.in_(("author", "editor")))
            .order_by(Contributor.role)
            .subquery()
        )
        rows = session.execute(
            select(Source.id, Source.key, Source.csl_type, Source.title, Source.doi, Source.isbn,
                   Source.issued_year, first_author.c.family, first_author.c.display_name)
            .outerjoin(first_author, first_author.c.source_id == Source.id)
        )  # fmt: skip
        for sid, key, ctype, title, doi, isbn, year, family, display in rows:
            self.add(sid, key, ctype, title, doi, isbn, year, family or display)

    def add(self, sid: int, key: str, ctype: str, title: str | None, doi: str | None, isbn: str | None,
            year: int | None, family: str | None) -> None:  # fmt: skip
        self.keys.add(key)
        kept: list[tuple[dict[Any, Any], Any]] = []
        if (d := norm_doi(doi)) is not None and d not in self.doi:
            self.doi[d] = (sid, key, fold(title or ""), year)
            kept.append((self.doi, d))
        if (i := norm_isbn(isbn)) is not None and ctype not in PART_TYPES and (i, ctype) not in self.isbn:
            self.isbn[(i, ctype)] = sid
            kept.append((self.isbn, (i, ctype)))
        if (t := _title_key(title, family, year)) is not None and t not in self.title:
            self.title[t] = sid
            kept.append((self.title, t))
        if sid < 0 and kept:  # a provisional id: where it stands, for :meth:`written`
            self.entries[sid] = kept

    def same_record(self, session: Session, item: dict[str, Any]) -> int | None:
        """The source whose CSL record equals this one but for its id (built on first use)."""
        if self.fingerprints is None:
            from refdb.services.citations import iter_items

            ids = {
                key: sid
                for sid, key in session.execute(select(Source.id, Source.key).where(Source.title.is_(None)))
            }
            self.fingerprints = {}
            for existing in iter_items(session, sorted(ids.values())) if ids else []:
                self.fingerprints.setdefault(_fingerprint(existing), ids[existing["id"]])
            self.fingerprints.update(self.pending_fingerprints)
        return self.fingerprints.get(_fingerprint(item))

    def remember(self, item: dict[str, Any], sid: int) -> None:
        table = self.fingerprints if self.fingerprints is not None else self.pending_fingerprints
        fingerprint = _fingerprint(item)
        if fingerprint not in table or self.fingerprints is None:
            table[fingerprint] = sid
            if sid < 0:
                self.entries.setdefault(sid, []).append((table, fingerprint))

    def written(self, ids: dict[str, int]) -> None:
        """These pending records are in the database now, under these ids: a later duplicate of one
        is merged there, and the record itself is let go (memory holds one batch of records)."""
        real = {provisional: ids[rec.key] for provisional, rec in self.pending.items() if rec.key in ids}
        for provisional, sid in real.items():
            del self.pending[provisional]
            for table, k in self.entries.pop(provisional, ()):
                tables = [table]
                if table is self.pending_fingerprints and self.fingerprints is not None:
                    tables.append(self.fingerprints)  # copied there when they were first needed
                for each in tables:
                    value = each.get(k)
                    if value == provisional:
                        each[k] = sid
                    elif isinstance(value, tuple) and value[0] == provisional:
                        each[k] = (sid, *value[1:])

    def free_alias(self, alias: str) -> bool:
        return alias not in self.aliases and alias not in self.keys

    def unique_key(self, wanted: str) -> str:
        base = wanted.lower()
        base = re.sub(r"[^a-z0-9._-]+", "-", base).strip("-._") or "source"
        if not _KEY_OK.match(base):
            base = "s-" + base
        base = base[:190]
        key, n = base, 2
        while key in self.keys:
            key, n = f"{base}-{n}", n + 1
        self.keys.add(key)
        return key


class _People:
    """Find or create the people behind CSL names (by key: new people are written in bulk later)."""

    def __init__(self, session: Session, writer: store.Store) -> None:
        self.writer = writer
        self.by_name: dict[tuple[str, str], str] = {}
        self.keys: set[str] = set(session.scalars(select(Person.key)))
        for key, family, given, display in session.execute(
            select(Person.key, Person.family, Person.given, Person.display_name).order_by(Person.id)
        ):
            self.by_name.setdefault(self._norm(family, given, display), key)
        self.pending: list[PersonRec] = []

    @staticmethod
    def _norm(family: str | None, given: str | None, display: str | None) -> tuple[str, str]:
        if family:
            return (fold(family), fold(given or ""))
        return ("", fold(display or ""))

    def ref(self, name: dict[str, Any]) -> str:
        """The key of the person named; created (later, in bulk) if nobody matches."""
        family = name.get("family")
        given = name.get("given")
        particle = name.get("non-dropping-particle") or name.get("dropping-particle")
        literal = name.get("literal")
        display = literal or " ".join(filter(None, [given, particle, family]))
        handle = self._norm(family, given, display)
        if handle in self.by_name:
            return self.by_name[handle]
        key_base = slugify(" ".join(filter(None, [family or literal, given])), max_words=4) or "person"
        key, n = key_base, 2
        while key in self.keys:
            key, n = f"{key_base}-{n}", n + 1
        self.keys.add(key)
        self.pending.append(PersonRec(key=key, name=display or key, family=family or None, given=given or None,
                                      particle=particle or None))  # fmt: skip
        self.by_name[handle] = key
        return key

    def flush(self) -> None:
        if self.pending:
            self.writer.write(Dataset(people=self.pending), suspend=False)
            self.pending = []


def _source_rec(item: dict[str, Any], key: str, location: str, aliases: list[str]) -> SourceRec:
    title = item.get("title")
    title = title.strip() or None if isinstance(title, str) else None
    ctype = item.get("type")
    if ctype not in CSL_TYPES:
        raise InputError(f"'{ctype}' is not a CSL item type", location=location, field="type")
    fields: dict[str, Any] = {}
    for var, name in _SCALARS.items():
        value = item.get(var)
        fields[name] = str(value).strip() or None if value not in (None, "") else None
    return SourceRec(key=key, type=ctype, title=title, issued=_issued(item), accessed=_accessed(item),
                     aliases=aliases, **fields)  # fmt: skip


def _accessed(item: dict[str, Any]) -> str | None:
    columns = dates.csl_columns(item.get("accessed"))
    return dates.format_partial(columns) if columns[0] is not None else None


def _wanted_keys(item: dict[str, Any], key_given: bool = True) -> list[str]:
    """The citation keys the item comes with, the one its manuscripts cite first."""
    names = ("citation-key", "id") if key_given else ("citation-key",)
    keys = [str(item[k]).strip() for k in names if item.get(k) not in (None, "")]
    custom = item.get("custom")
    if isinstance(custom, dict) and isinstance(custom.get("aliases"), list):
        keys += [str(a).strip() for a in custom["aliases"]]
    return [k for k in dict.fromkeys(keys) if k and len(k) <= 200]


def _unstored(entry: ParsedItem, cleaned: dict[str, Any]) -> list[str]:
    """The file's fields the reader could not use and the item's variables no source field holds."""
    return sorted({*entry.unused, *(k for k in cleaned if k not in _STORED)})


def _issued(item: dict[str, Any]) -> str | None:
    """The item's date as the dataset writes it: a calendar date, or the date as written."""
    columns = dates.csl_columns(item.get("issued"))
    if columns[0] is not None:
        return dates.format_partial(columns)
    return dates.csl_literal(item.get("issued"))


def import_items(
    session: Session,
    parsed: Iterable[ParsedItem],
    *,
    skip_bad: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Add new sources, merge duplicates; the caller's transaction makes it all-or-nothing.

    ``parsed`` may be a stream (``bibtex.iter_loads``): it is read once, a batch at a time, and what
    this import has written is kept only as the index of what it holds (keys, identifiers, titles),
    so memory does not grow with the entries' texts."""
    stream = iter(parsed)
    head = list(itertools.islice(stream, store.BULK_THRESHOLD))
    report = ImportReport()
    # a large import suspends the search triggers and indexes its new sources once at the end
    suspended = store.suspend_for(session, "source") if len(head) >= store.BULK_THRESHOLD else None
    writer = store.Store(session)
    index = _Index(session)
    people = _People(session, writer)
    batch: list[tuple[SourceRec, dict[str, list[str]]]] = []
    for n, entry in enumerate(itertools.chain(head, stream), start=1):
        if n == len(head) + 1:
            head = []
        item, changes = clean_item(entry.item)
        location = entry.location
        report.warnings += [(location, w) for w in entry.warnings]
        report.details += [(location, d) for d in (*entry.details, *changes)]
        if unstored := _unstored(entry, item):
            report.unstored.append((location, unstored))
        try:
            _one(session, item, location, index, people, batch, report, entry.key_given)
        except InputError as exc:
            if not skip_bad:
                raise
            report.skipped.append((location, exc.message))
        if len(batch) >= CHUNK:
            _write(writer, batch, people, index)
            batch = []
        if progress is not None:
            progress(n)
    _write(writer, batch, people, index)
    if suspended is not None:
        store.resume_for(session, "source", suspended)
    return report


def _one(session: Session, item: dict[str, Any], location: str, index: _Index, people: _People,
         batch: list[Any], report: ImportReport, key_given: bool = True) -> None:  # fmt: skip
    title = item.get("title") if isinstance(item.get("title"), str) else None
    year = _year(item)
    doi = norm_doi(item.get("DOI"))
    isbn = norm_isbn(item.get("ISBN"))
    ctype = str(item.get("type"))
    duplicate: int | None = None
    clash: str | None = None
    if doi is not None and doi in index.doi:
        sid, key, other_title, other_year = index.doi[doi]
        if fold(title or "") != other_title and year != other_year:
            clash = key
        else:
            duplicate = sid
    if duplicate is None and isbn is not None and ctype not in PART_TYPES:
        duplicate = index.isbn.get((isbn, ctype))
    if duplicate is None and (t := _title_key(title, _first_family(item), year)) is not None:
        duplicate = index.title.get(t)
    if duplicate is None and t is None:  # an untitled work: only an identical record is the same
        duplicate = index.same_record(session, item)
    wanted = _wanted_keys(item, key_given)
    if duplicate is not None:
        _merge(session, people.writer, duplicate, item, location, report, index, wanted)
        return
    if wanted and _KEY_OK.match(wanted[0]) and wanted[0] not in index.keys and wanted[0] not in index.aliases:
        key = wanted[0]
        index.keys.add(key)
    else:
        made_up = str(item.get("id") or slugify(f"{_first_family(item) or ''} {title or ''} {year or ''}"))
        key = index.unique_key(wanted[0] if wanted else made_up)
    aliases = [a for a in wanted if a != key and index.free_alias(a)]
    index.aliases.update(aliases)
    report.aliases += [(location, a, key) for a in aliases]
    for lost in (a for a in wanted if a != key and a not in aliases):
        report.warnings.append((location, f"citation key '{lost}' already names another source; "
                                          f"this one is '{key}'"))  # fmt: skip
    if clash is not None:
        report.warnings.append((location, f"shares DOI {doi} with '{clash}' but differs in title and year: "
                                          f"kept both as different works ('{key}' and '{clash}'); "
                                          "a cataloguing error to resolve by hand"))  # fmt: skip
    rec = _source_rec(item, key, location, aliases)
    names = {role: [people.ref(name) for name in item.get(role) or []] for role in _ROLES}
    batch.append((rec, names))
    index.pending[-len(report.added) - 1] = rec
    issued = rec.issued_date
    index.add(-len(report.added) - 1, key, ctype, rec.title, rec.doi, rec.isbn, issued[0] if issued else None,
              _first_family(item))  # fmt: skip
    if t is None:
        index.remember(item, -len(report.added) - 1)
    report.added.append(key)


def _merge(session: Session, writer: store.Store, source_id: int, item: dict[str, Any], location: str,
           report: ImportReport, index: _Index, wanted: list[str]) -> None:  # fmt: skip
    """Fill the fields the duplicate lacks from the item; never overwrite one.  The item's citation
    keys become aliases of the duplicate, so that manuscripts citing them still resolve."""
    if source_id < 0:  # a duplicate of an entry earlier in this same import, not written yet
        rec = index.pending[source_id]
    else:
        from refdb.services.dataset import export_dataset

        key = session.scalar(select(Source.key).where(Source.id == source_id))
        rec = export_dataset(session, only=("source", str(key))).sources[0]
    filled = []
    changes: dict[str, Any] = {}
    for var, name in _SCALARS.items():
        value = item.get(var)
        if value not in (None, "") and getattr(rec, name) in (None, ""):
            changes[name] = str(value).strip()
            filled.append(name)
    if rec.issued is None and _issued(item) is not None:
        changes["issued"] = _issued(item)
        filled.append("issued")
    if rec.accessed is None and _accessed(item) is not None:
        changes["accessed"] = _accessed(item)
        filled.append("accessed")
    new_aliases = [a for a in wanted if a != rec.key and a not in rec.aliases and index.free_alias(a)]
    for lost in (a for a in wanted if a != rec.key and a not in rec.aliases and a not in new_aliases):
        if _names_other_source(session, index, lost, rec.key):
            report.warnings.append((location, f"citation key '{lost}' already names another source; "
                                              f"merged into '{rec.key}'"))  # fmt: skip
    if new_aliases:
        index.aliases.update(new_aliases)
        changes["aliases"] = [*rec.aliases, *new_aliases]
        filled.append("aliases")
        report.aliases += [(location, a, rec.key) for a in new_aliases]
    if not filled:
        report.skipped.append((location, f"duplicate of '{rec.key}', earlier in this file" if source_id < 0
                               else f"already in the database as '{rec.key}'"))  # fmt: skip
        return
    if source_id < 0:
        for name, value in changes.items():
            setattr(rec, name, value)
    else:
        writer.write(Dataset(sources=[msgspec.structs.replace(rec, **changes)]), suspend=False)
    report.merged.append((location, rec.key, filled))


def _names_other_source(session: Session, index: _Index, key: str, own: str) -> bool:
    """Whether ``key`` is the key or an alias of a source other than ``own``."""
    if key not in index.keys and key not in index.aliases:
        return False
    owner = session.scalar(select(Source.key).where(Source.key == key)) or session.scalar(
        select(Source.key)
        .join(SourceAlias, SourceAlias.source_id == Source.id)
        .where(SourceAlias.alias == key)
    )
    return owner is not None and owner != own


def _write(writer: store.Store, batch: list[tuple[SourceRec, dict[str, list[str]]]], people: _People,
           index: _Index) -> None:  # fmt: skip
    if not batch:
        return
    people.flush()
    records = []
    for rec, names in batch:
        contributors = []
        for role, keys in names.items():
            for key in dict.fromkeys(keys):  # a name given twice in one role is one contributor
                contributors.append(ContributorRec(person=key, role=role))  # type: ignore[arg-type]  # one of _ROLES
        rec.contributors = contributors
        records.append(rec)
    writer.write(Dataset(sources=records), suspend=False)
    index.written({rec.key: writer.ids["source"][rec.key] for rec in records})
    writer.texts.clear()  # the store's memory of source texts (anchors): none is needed any more
