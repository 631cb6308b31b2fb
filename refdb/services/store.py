"""The one writer: every record that enters the database — loaded, imported or authored — is
stored here.

``write(session, dataset)`` takes records of the definition (``refdb.records``) and, kind by kind
in reference order (people, sources, tags, claims, quotes, comments):

1. resolves every key it refers to once (this write's records first, then the database, read in
   chunks), and verifies every anchor once against its source's text;
2. builds each record's row and its link rows (names, contributors, tags, citations, ...);
3. compares them with what the database holds, in bulk (one SELECT per table per chunk), and
   writes only the difference: new rows in one INSERT per table, changed rows in one UPDATE per
   table, replaced links as one DELETE and one INSERT.

So loading the same file twice changes nothing, a re-load of an unchanged dump only reads, and a
new record costs the same whether it comes from a file, an import or ``refdb add``.  Unknown
references and anchors that do not match are InputErrors naming the record; the caller's
transaction makes the write all-or-nothing.  Writing many records into an empty database suspends
the full-text triggers and rebuilds the index once at the end.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from refdb.db import fts
from refdb.errors import InputError
from refdb.models import (
    KEYED,
    Citation,
    ClaimRelation,
    ClaimSubject,
    ClaimTag,
    CommentClaim,
    Contributor,
    Curation,
    PersonName,
    QuoteClaim,
)
from refdb.records import (
    RECORDS,
    SECTION_OF,
    ClaimRec,
    CommentRec,
    Dataset,
    NameRec,
    QuoteRec,
    Record,
    SourceRec,
)
from refdb.services import anchors
from refdb.textnorm import has_cyrillic, padded, romanize

CHUNK = 500
BULK_THRESHOLD = 1000  # new records in an empty database before the index is rebuilt once instead
KINDS = tuple(RECORDS)
TABLES: dict[str, Table] = {kind: model.__table__ for kind, model in KEYED.items()}  # type: ignore[misc]

# record field -> column, where the names differ; every other scalar field is its column's namesake
COLUMN_OF: dict[str, dict[str, str]] = {
    "person": {"name": "display_name", "native": "native_name"},
    "source": {"type": "csl_type"},
}
# fields that are not columns of their own: references, dates, and what the reader resolves
SPECIAL: dict[str, set[str]] = {
    "source": {"issued", "text_file"},
    "quote": {"speaker", "origin", "found_in", "anchor"},
    "comment": {"author", "answers", "source", "date", "anchor"},
}


def _scalar_fields(kind: str) -> list[tuple[str, str]]:
    """(record attribute, column) for every field stored as it is in the record's own table."""
    table = TABLES[kind]
    rename = COLUMN_OF.get(kind, {})
    out = []
    for f in msgspec.structs.fields(RECORDS[kind]):
        if f.encode_name in SPECIAL.get(kind, set()):
            continue
        column = rename.get(f.encode_name, f.name)
        if column in table.c:
            out.append((f.name, column))
    return out


SCALARS: dict[str, list[tuple[str, str]]] = {kind: _scalar_fields(kind) for kind in KINDS}


@dataclass
class LoadReport:
    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        parts = []
        for label, counter in (("added", self.added), ("updated", self.updated), ("unchanged", self.unchanged)):
            total = sum(counter.values())
            detail = ", ".join(_plural(counter[k], k) for k in KINDS if counter[k])
            parts.append(f"{label} {total}" + (f" ({detail})" if detail else ""))
        return "; ".join(parts)


def person_name_rows(
    display: str, native: str | None, variants: Iterable[NameRec]
) -> list[tuple[str, str, str | None, str | None]]:
    """Every name a person goes by, as (name, kind, scheme, note): display, native, the recorded
    variants, then the romanizations derived from a Cyrillic name that no recorded name gives."""
    rows: list[tuple[str, str, str | None, str | None]] = [(display, "display", None, None)]
    if native:
        rows.append((native, "native", None, None))
    rows.extend((v.name, v.kind, v.scheme, v.note) for v in variants)
    cyrillic = next((n for n in (native, display) if n and has_cyrillic(n)), None)
    if cyrillic:
        known = {padded(name) for name, *_ in rows}
        for scheme in ("ALA-LC", "common English"):
            latin = romanize(cyrillic, scheme)
            if padded(latin) not in known:
                rows.append((latin, "romanized", scheme, None))
                known.add(padded(latin))
    return rows


def title_norm(title: str | None, short_title: str | None) -> str:
    """The folded title words a lookup by title matches (one definition for every writer)."""
    return padded(" ".join(filter(None, [title, short_title])))


def own_row(kind: str, rec: Any) -> dict[str, Any]:
    """A record's row in its own table, but for the references to other records (which the writer
    resolves): every scalar field in its column, and the columns derived from fields."""
    row = {column: getattr(rec, attr) for attr, column in SCALARS[kind]}
    if kind == "source":
        year, month, day = rec.issued_date or (None, None, None)
        row.update(issued_year=year, issued_month=month, issued_day=day, issued_literal=rec.issued_literal,
                   title_norm=title_norm(rec.title, rec.short_title))  # fmt: skip
    return row


# -- links: the rows of other tables that belong to one record ------------------------------------


@dataclass(frozen=True)
class Link:
    table: Table
    owner: str  # the column holding the owning record's id
    columns: tuple[str, ...]
    ordered: bool = False  # compared in order (by id) rather than as a set
    scope: tuple[str, str] | None = None  # a fixed column value (curation's record_kind)


def _link(model: Any, owner: str, *columns: str, ordered: bool = False) -> Link:
    table: Table = model.__table__
    return Link(table, owner, columns, ordered)


LINKS: dict[str, dict[str, Link]] = {
    "person": {"names": _link(PersonName, "person_id", "name", "kind", "scheme", "note", "norm", ordered=True)},
    "source": {"contributors": _link(Contributor, "source_id", "role", "position", "person_id")},
    "tag": {},
    "claim": {
        "tags": _link(ClaimTag, "claim_id", "tag_id"),
        "about": _link(ClaimSubject, "claim_id", "person_id", "position"),
        "citations": _link(Citation, "claim_id", "source_id", "position", "stance", "locator", "label",
                           "anchor_exact", "anchor_prefix", "anchor_suffix", "anchor_start", "note"),
        "relations": _link(ClaimRelation, "from_claim_id", "to_claim_id", "relation", "note"),
    },
    "quote": {"claims": _link(QuoteClaim, "quote_id", "claim_id")},
    "comment": {"disputes": _link(CommentClaim, "comment_id", "claim_id", "stance", "note")},
}
CURATION: Table = Curation.__table__  # type: ignore[assignment]


def _curation_link(kind: str) -> Link:
    return Link(CURATION, "record_id", ("field", "basis"), scope=("record_kind", kind))


class Store:
    """One write: the ids it knows (this write's and the database's) and what it did."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.report = LoadReport()
        self.ids: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        self.texts: dict[int, str | None] = {}

    # -- references ------------------------------------------------------------------------------
    def prefetch(self, kind: str, keys: Iterable[str]) -> None:
        table = TABLES[kind]
        missing = sorted({k for k in keys if k not in self.ids[kind]})
        for chunk in _chunks(missing):
            for key, rid in self.session.execute(select(table.c.key, table.c.id).where(table.c.key.in_(chunk))):
                self.ids[kind][key] = rid

    def id(self, kind: str, key: str, loc: str) -> int:
        try:
            return self.ids[kind][key]
        except KeyError:
            raise InputError(f"unknown {kind} '{key}' (not in the file or the database)", location=loc) from None

    def source_text(self, source_id: int) -> str | None:
        if source_id not in self.texts:
            table = TABLES["source"]
            self.texts[source_id] = self.session.scalar(select(table.c.text).where(table.c.id == source_id))
        return self.texts[source_id]

    # -- the write ---------------------------------------------------------------------------------
    def write(self, dataset: Dataset, *, suspend: bool | None = None) -> LoadReport:
        """``suspend``: rebuild the search index once at the end instead of row by row (default: when
        many records go into an empty database; False when the caller manages the index itself)."""
        sections = [(kind, getattr(dataset, SECTION_OF[kind])) for kind in KINDS]
        for kind, records in sections:
            self.prefetch(kind, (r.key for r in records))
        if suspend is None:
            new = sum(1 for kind, records in sections for r in records if r.key not in self.ids[kind])
            suspend = new >= BULK_THRESHOLD and database_is_empty(self.session)
        if suspend:
            suspend_index(self.session)
        for kind, records in sections:
            if records:
                self._write_kind(kind, records)
        if suspend:
            resume_index(self.session)
        self.session.expire_all()  # ORM objects read before this write see its rows
        return self.report

    def _write_kind(self, kind: str, records: list[Any]) -> None:
        refs: Callable[[list[Any]], None] = getattr(self, f"_prefetch_{kind}", lambda records: None)
        refs(records)
        existing = {r.key: self.ids[kind][r.key] for r in records if r.key in self.ids[kind]}
        rows = [self._row(kind, rec) for rec in records]
        changed = self._store_rows(kind, records, rows, existing)
        if kind == "source":
            for rec in records:
                self.texts[self.ids["source"][rec.key]] = rec.text
        owners = [self.ids[kind][r.key] for r in records]
        links: dict[str, list[list[tuple[Any, ...]]]] = {name: [] for name in LINKS[kind]}
        for rec, owner in zip(records, owners, strict=True):
            for name, values in self._links(kind, rec, owner).items():
                links[name].append(values)
        old = {existing[r.key] for r in records if r.key in existing}
        for name, link in LINKS[kind].items():
            changed |= self._store_links(link, owners, links[name], old)
        curation = [sorted(getattr(r, "curated", {}).items()) for r in records]
        changed |= self._store_links(_curation_link(kind), owners, curation, old)
        for rec in records:
            rid = self.ids[kind][rec.key]
            if rec.key not in existing:
                self.report.added[kind] += 1
            elif rid in changed:
                self.report.updated[kind] += 1
            else:
                self.report.unchanged[kind] += 1

    def _store_rows(self, kind: str, records: list[Any], rows: list[dict[str, Any]],
                    existing: dict[str, int]) -> set[int]:  # fmt: skip
        """Insert the new rows, update the changed ones; the ids of changed records."""
        table = TABLES[kind]
        fresh = [row for rec, row in zip(records, rows, strict=True) if rec.key not in existing]
        for key, rid in zip((row["key"] for row in fresh), insert_rows(self.session, table, fresh), strict=True):
            self.ids[kind][key] = rid
        changed: set[int] = set()
        olds = [(existing[rec.key], row) for rec, row in zip(records, rows, strict=True) if rec.key in existing]
        if not olds:
            return changed
        columns = list(olds[0][1])
        current: dict[int, tuple[Any, ...]] = {}
        for chunk in _chunks([rid for rid, _ in olds]):
            query = select(table.c.id, *(table.c[c] for c in columns)).where(table.c.id.in_(chunk))
            current.update((r[0], tuple(r[1:])) for r in self.session.execute(query))
        updates = []
        for rid, row in olds:
            if current.get(rid) != tuple(row[c] for c in columns):
                changed.add(rid)
                updates.append({"_id": rid, **{f"_{c}": row[c] for c in columns}})
        if updates:
            statement = update(table).where(table.c.id == bindparam("_id"))
            statement = statement.values({c: bindparam(f"_{c}") for c in columns})
            self.session.execute(statement, updates, execution_options={"synchronize_session": False})
        return changed

    def _store_links(self, link: Link, owners: list[int], desired: list[list[tuple[Any, ...]]],
                     old: set[int]) -> set[int]:  # fmt: skip
        """Replace the links of every owner whose links differ; the owners whose links changed."""
        table = link.table
        current: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        olds = [o for o in owners if o in old]
        for chunk in _chunks(olds):
            query = select(table.c[link.owner], *(table.c[c] for c in link.columns)).where(
                table.c[link.owner].in_(chunk)
            )
            if link.scope is not None:
                query = query.where(table.c[link.scope[0]] == link.scope[1])
            if link.ordered:
                query = query.order_by(table.c[link.owner], table.c.id)
            for row in self.session.execute(query):
                current[row[0]].append(tuple(row[1:]))
        replace: list[int] = []
        for owner, values in zip(owners, desired, strict=True):
            have = current.get(owner, [])
            same = have == values if link.ordered else sorted(have, key=repr) == sorted(values, key=repr)
            if not same:
                replace.append(owner)
        if not replace:
            return set()
        stale = [o for o in replace if o in old and current.get(o)]
        for chunk in _chunks(stale):
            statement = delete(table).where(table.c[link.owner].in_(chunk))
            if link.scope is not None:
                statement = statement.where(table.c[link.scope[0]] == link.scope[1])
            self.session.execute(statement)
        wanted = set(replace)
        rows: list[dict[str, Any]] = []
        for owner, values in zip(owners, desired, strict=True):
            if owner in wanted:
                fixed = {link.scope[0]: link.scope[1]} if link.scope else {}
                rows.extend({link.owner: owner, **fixed, **dict(zip(link.columns, v, strict=True))} for v in values)
        if rows:
            self.session.execute(insert(table), rows)
        return {o for o in replace if o in old}

    # -- rows per kind -------------------------------------------------------------------------------
    def _row(self, kind: str, rec: Any) -> dict[str, Any]:
        row = own_row(kind, rec)
        references: Callable[[Any], dict[str, Any]] | None = getattr(self, f"_row_{kind}", None)
        if references is not None:
            row.update(references(rec))
        return row

    def _prefetch_source(self, records: list[SourceRec]) -> None:
        self.prefetch("person", (c.person for r in records for c in r.contributors))

    def _prefetch_claim(self, records: list[ClaimRec]) -> None:
        self.prefetch("tag", (t for r in records for t in r.tags))
        self.prefetch("person", (p for r in records for p in r.about))
        self.prefetch("source", (c.source for r in records for c in r.citations))
        # claims first, so that relations may point at any claim of this write
        self.prefetch("claim", (rel.claim for r in records for rel in r.relations))

    def _prefetch_quote(self, records: list[QuoteRec]) -> None:
        self.prefetch("person", (r.speaker for r in records if r.speaker))
        self.prefetch("source", (p.source for r in records for p in (r.origin, r.found_in) if p))
        self.prefetch("claim", (c for r in records for c in r.claims))

    def _prefetch_comment(self, records: list[CommentRec]) -> None:
        self.prefetch("person", (r.author for r in records if r.author))
        self.prefetch("source", (s for r in records for s in (r.answers, r.source) if s))
        self.prefetch("claim", (d.claim for r in records for d in r.disputes))

    def _row_quote(self, rec: QuoteRec) -> dict[str, Any]:
        found = self.id("source", rec.found_in.source, rec.loc) if rec.found_in else None
        prefix = rec.anchor.prefix if rec.anchor else None
        suffix = rec.anchor.suffix if rec.anchor else None
        start = None
        if found is not None and (self.source_text(found) is not None or rec.anchor is not None):
            assert rec.found_in is not None
            # the quote's own text is the exact part of its anchor; without context it must be unique
            start = anchors.verify(self.source_text(found), rec.text, prefix, suffix, what=f"quote {rec.key}",
                                   source_key=rec.found_in.source, loc=rec.loc)  # fmt: skip
        return {
            "speaker_id": self.id("person", rec.speaker, rec.loc) if rec.speaker else None,
            "origin_source_id": self.id("source", rec.origin.source, rec.loc) if rec.origin else None,
            "origin_locator": rec.origin.locator if rec.origin else None,
            "origin_label": rec.origin.label if rec.origin else None,
            "found_source_id": found,
            "found_locator": rec.found_in.locator if rec.found_in else None,
            "found_label": rec.found_in.label if rec.found_in else None,
            "anchor_prefix": prefix, "anchor_suffix": suffix, "anchor_start": start,
        }  # fmt: skip

    def _row_comment(self, rec: CommentRec) -> dict[str, Any]:
        answers = self.id("source", rec.answers, rec.loc)
        start = None
        if rec.anchor is not None:  # where the comment stands in the text it answers
            start = anchors.verify(self.source_text(answers), rec.text, rec.anchor.prefix, rec.anchor.suffix,
                                   what=f"comment {rec.key}", source_key=rec.answers, loc=rec.loc)  # fmt: skip
        year, month, day = rec.date_parts or (None, None, None)
        return {
            "author_id": self.id("person", rec.author, rec.loc) if rec.author else None,
            "date_year": year, "date_month": month, "date_day": day,
            "answers_source_id": answers,
            "source_id": self.id("source", rec.source, rec.loc) if rec.source else None,
            "anchor_prefix": rec.anchor.prefix if rec.anchor else None,
            "anchor_suffix": rec.anchor.suffix if rec.anchor else None,
            "anchor_start": start,
        }  # fmt: skip

    # -- links per kind ------------------------------------------------------------------------------
    def _links(self, kind: str, rec: Any, owner: int) -> dict[str, list[tuple[Any, ...]]]:
        if kind == "person":
            return {"names": [(n, k, s, note, padded(n))
                              for n, k, s, note in person_name_rows(rec.name, rec.native, rec.variants)]}  # fmt: skip
        if kind == "source":
            positions: Counter[str] = Counter()
            contributors = []
            for c in rec.contributors:  # positions count from 1 within each role, in file order
                positions[c.role] += 1
                contributors.append((c.role, positions[c.role], self.id("person", c.person, rec.loc)))
            return {"contributors": contributors}
        if kind == "claim":
            return self._claim_links(rec)
        if kind == "quote":
            return {"claims": [(self.id("claim", c, rec.loc),) for c in rec.claims]}
        if kind == "comment":
            return {"disputes": [(self.id("claim", d.claim, d.loc or rec.loc), d.stance, d.note)
                                 for d in rec.disputes]}  # fmt: skip
        return {}

    def _claim_links(self, rec: ClaimRec) -> dict[str, list[tuple[Any, ...]]]:
        citations = []
        for position, cit in enumerate(rec.citations, start=1):
            loc = cit.loc or rec.loc
            sid = self.id("source", cit.source, loc)
            anchor = cit.anchor
            start = None
            if anchor is not None:
                start = anchors.verify(self.source_text(sid), anchor.exact, anchor.prefix, anchor.suffix,
                                       what=f"claim {rec.key}", source_key=cit.source, loc=loc)  # fmt: skip
            citations.append((sid, position, cit.stance, cit.locator, cit.label,
                              anchor.exact if anchor else None, anchor.prefix if anchor else None,
                              anchor.suffix if anchor else None, start, cit.note))  # fmt: skip
        return {
            "tags": [(self.id("tag", t, rec.loc),) for t in rec.tags],
            "about": [(self.id("person", p, rec.loc), i) for i, p in enumerate(rec.about, start=1)],
            "citations": citations,
            "relations": [(self.id("claim", r.claim, r.loc or rec.loc), r.relation, r.note) for r in rec.relations],
        }


def write(session: Session, dataset: Dataset) -> LoadReport:
    """Store the records (the caller owns the transaction)."""
    return Store(session).write(dataset)


def write_records(session: Session, kind: str, records: list[Record]) -> LoadReport:
    """Store records of one kind."""
    return write(session, Dataset(**{SECTION_OF[kind]: records}))  # type: ignore[arg-type]


# -- helpers ----------------------------------------------------------------------------------------


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert keyed rows in one executemany and return their ids, in order.

    Not ``INSERT ... RETURNING``: with ordered results SQLAlchemy sends SQLite one statement per row
    and splices the results (quadratic: 7 s for 10,000 sources); reading the ids back by key is
    linear, and keys are unique.
    """
    if not rows:
        return []
    session.execute(insert(table), rows)
    ids: dict[str, int] = {}
    keys = [row["key"] for row in rows]
    for chunk in _chunks(keys):
        ids.update(session.execute(select(table.c.key, table.c.id).where(table.c.key.in_(chunk))).all())
    return [ids[key] for key in keys]


def database_is_empty(session: Session) -> bool:
    return not any(
        session.scalar(select(func.count()).select_from(select(TABLES[kind].c.id).limit(1).subquery()))
        for kind in ("source", "claim", "quote", "comment")
    )


def suspend_for(session: Session, kind: str) -> int:
    """Suspend the search triggers for a bulk insert of one kind; returns the id the new rows follow.

    Safe under concurrency: on SQLite the writer holds the database lock, and on PostgreSQL the
    trigger change locks the table against other writers until this transaction ends, so every row
    above the returned id is this transaction's.
    """
    since = session.scalar(select(func.max(TABLES[kind].c.id))) or 0
    suspend_index(session)
    return int(since)


def resume_for(session: Session, kind: str, since: int) -> None:
    dialect = session.get_bind().dialect.name
    for statement in fts.index_since_statements(dialect, kind):
        session.execute(text(statement), {"since": since})
    for statement in fts.resume_triggers_statements(dialect):
        session.execute(text(statement))


def suspend_index(session: Session) -> None:
    for statement in fts.suspend_statements(session.get_bind().dialect.name):
        session.execute(text(statement))


def resume_index(session: Session) -> None:
    for statement in fts.resume_statements(session.get_bind().dialect.name):
        session.execute(text(statement))


def _plural(n: int, kind: str) -> str:
    if n == 1:
        return f"1 {kind}"
    return f"{n} {'people' if kind == 'person' else kind + 's'}"


__all__ = ["LoadReport", "Store", "insert_rows", "own_row", "person_name_rows", "title_norm",
           "write"]
