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
from refdb.errors import ConflictError, InputError
from refdb.models import (
    KEYED,
    Citation,
    ClaimRelation,
    ClaimSubject,
    ClaimTag,
    CommentClaim,
    Contributor,
    Curation,
    DigestEpoch,
    NameWord,
    PersonName,
    QuoteClaim,
    RecordDigest,
    SourceAlias,
    TitleWord,
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
        for label, counter in (
            ("added", self.added),
            ("updated", self.updated),
            ("unchanged", self.unchanged),
        ):
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
    "person": {
        "names": _link(PersonName, "person_id", "name", "kind", "scheme", "note", "norm", ordered=True)
    },
    "source": {
        "contributors": _link(Contributor, "source_id", "role", "position", "person_id"),
        "aliases": _link(SourceAlias, "source_id", "alias", ordered=True),
    },
    "tag": {},
    "claim": {
        "tags": _link(ClaimTag, "claim_id", "tag_id"),
        "about": _link(ClaimSubject, "claim_id", "person_id", "position"),
        "citations": _link(
            Citation,
            "claim_id",
            "source_id",
            "position",
            "stance",
            "locator",
            "label",
            "anchor_exact",
            "anchor_prefix",
            "anchor_suffix",
            "anchor_start",
            "note",
        ),
        "relations": _link(ClaimRelation, "from_claim_id", "to_claim_id", "relation", "note"),
    },
    "quote": {"claims": _link(QuoteClaim, "quote_id", "claim_id")},
    "comment": {"disputes": _link(CommentClaim, "comment_id", "claim_id", "stance", "note")},
}
CURATION: Table = Curation.__table__  # type: ignore[assignment]
NAMES: Table = LINKS["person"]["names"].table
NAME_WORD: Table = NameWord.__table__  # type: ignore[assignment]
TITLE_WORD: Table = TitleWord.__table__  # type: ignore[assignment]
DIGESTS: Table = RecordDigest.__table__  # type: ignore[assignment]
EPOCH: Table = DigestEpoch.__table__  # type: ignore[assignment]
MAX_WORD = 100  # as the word tables hold them (a lookup also checks the whole text)


def words_of(norm: str | None) -> set[str]:
    """The words of a folded, padded text (``person_name.norm``, ``source.title_norm``) as the word
    tables hold them: where a lookup by name or title words starts."""
    return {word[:MAX_WORD] for word in (norm or "").split()}


def _curation_link(kind: str) -> Link:
    return Link(CURATION, "record_id", ("field", "basis"), scope=("record_kind", kind))


class Store:
    """One write: the ids it knows (this write's and the database's) and what it did."""

    def __init__(self, session: Session, expect: dict[tuple[str, str], int] | None = None) -> None:
        """``expect``: the version each (kind, key) must still have, or the write is refused with a
        ConflictError (an edit based on what someone else has changed since)."""
        self.session = session
        self.expect = expect or {}
        self.report = LoadReport()
        self.ids: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        self.texts: dict[int, str | None] = {}
        self.alias_ids: dict[
            str, int
        ] = {}  # source alias -> source id (references only, never a record's key)
        # (claim id, its relations as (target key, relation, note, loc), existed, changed otherwise)
        self.deferred: list[tuple[int, list[tuple[str, str, str | None, str]], bool, bool]] = []

    # -- references ------------------------------------------------------------------------------
    def prefetch(self, kind: str, keys: Iterable[str]) -> None:
        table = TABLES[kind]
        missing = sorted({k for k in keys if k not in self.ids[kind]})
        for chunk in _chunks(missing):
            for key, rid in self.session.execute(
                select(table.c.key, table.c.id).where(table.c.key.in_(chunk))
            ):
                self.ids[kind][key] = rid
        if kind == "source":  # a reference may name a source by one of its aliases
            aliases: Table = SourceAlias.__table__  # type: ignore[assignment]
            unresolved = [k for k in missing if k not in self.ids[kind]]
            for chunk in _chunks(unresolved):
                query = select(aliases.c.alias, aliases.c.source_id).where(aliases.c.alias.in_(chunk))
                self.alias_ids.update((alias, sid) for alias, sid in self.session.execute(query))

    def id(self, kind: str, key: str, loc: str) -> int:
        try:
            return self.ids[kind][key]
        except KeyError:
            if kind == "source" and key in self.alias_ids:
                return self.alias_ids[key]
            raise InputError(
                f"unknown {kind} '{key}' (not in the file or the database)", location=loc
            ) from None

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
        if dataset.history:  # a dump's history, kept under its change numbers
            from refdb.services.history_file import store_history

            store_history(self.session, dataset.history)
        self.session.expire_all()  # ORM objects read before this write see its rows
        return self.report

    def write_batches(self, batches: Iterable[tuple[str, list[Any]]], *, suspend: bool = False,
                      keep_digests: bool = False) -> LoadReport:  # fmt: skip
        """Store records arriving in batches, each of one kind, the kinds in reference order (a
        stream: a dump read a page at a time, another database's pages).  Memory holds one batch:
        what the store knows of ids and texts is forgotten after each (references are read back
        by key), and a claim's relations to claims not yet written wait for the end.

        ``keep_digests`` (a streamed load, inside :func:`refdb.db.digests.trusted`): each record's
        digest of its text (``rec.__dict__['_digest']``) is stored for it, so that a re-load of the
        same text may skip it; a changed source raises the epoch first (other records may refer to
        it by an alias or anchor in its text), so that no digest stored before counts."""
        if suspend:
            suspend_index(self.session)
        if keep_digests:
            self._drop_stale_digests()
        for kind, records in batches:
            if not records:
                continue
            self.prefetch(kind, (r.key for r in records))
            changed = self._write_kind(kind, records, defer=True)
            if keep_digests:
                if kind == "source" and changed:
                    from refdb.db.digests import raise_epoch

                    raise_epoch(self.session.connection())
                self._keep_digests(kind, records)
            self.ids = {k: {} for k in KINDS}
            self.texts = {}
        self._write_deferred()
        if suspend:
            resume_index(self.session)
        self.session.expire_all()
        return self.report

    def _epoch(self) -> int:
        return int(self.session.scalar(select(EPOCH.c.epoch)) or 0)

    def _drop_stale_digests(self) -> None:
        """The digests of earlier epochs count no more: gone, so that the table holds one epoch."""
        self.session.execute(delete(DIGESTS).where(DIGESTS.c.epoch != self._epoch()))

    def _keep_digests(self, kind: str, records: list[Any]) -> None:
        """This batch's records are as their texts made them: their digests replace any they had."""
        owners = [self.ids[kind][r.key] for r in records]
        for chunk in _chunks(owners):
            self.session.execute(delete(DIGESTS).where(DIGESTS.c.kind == kind, DIGESTS.c.record_id.in_(chunk)))
        epoch = self._epoch()
        rows = [{"kind": kind, "record_id": owner, "digest": digest, "epoch": epoch}
                for owner, rec in zip(owners, records, strict=True) if (digest := rec.__dict__.get("_digest"))]  # fmt: skip
        if rows:
            self.session.execute(insert(DIGESTS), rows)

    def _write_kind(self, kind: str, records: list[Any], *, defer: bool = False) -> set[int]:
        """Store one kind's records; the ids of the existing records that changed."""
        refs: Callable[[list[Any]], None] = getattr(self, f"_prefetch_{kind}", lambda records: None)
        refs(records)
        existing = {r.key: self.ids[kind][r.key] for r in records if r.key in self.ids[kind]}
        self._check_versions(kind, existing)
        rows = [self._row(kind, rec) for rec in records]
        changed = self._store_rows(kind, records, rows, existing)
        if kind == "source":
            for rec in records:
                self.texts[self.ids["source"][rec.key]] = rec.text
            self._check_aliases(records)
        owners = [self.ids[kind][r.key] for r in records]
        # relations to claims this write has not reached yet (a stream) are stored at its end
        later = ({i for i, r in enumerate(records) if any(rel.claim not in self.ids["claim"] for rel in r.relations)}
                 if defer and kind == "claim" else set())  # fmt: skip
        links: dict[str, list[list[tuple[Any, ...]]]] = {name: [] for name in LINKS[kind]}
        for i, (rec, owner) in enumerate(zip(records, owners, strict=True)):
            for name, values in self._links(kind, rec, owner, relations=i not in later).items():
                links[name].append(values)
        old = {existing[r.key] for r in records if r.key in existing}
        for name, link in LINKS[kind].items():
            if name == "relations" and later:
                ready = [owners[i] for i in range(len(records)) if i not in later]
                changed |= self._store_links(link, ready, links[name], old)
            else:
                changed |= self._store_links(link, owners, links[name], old)
        curation = [sorted(getattr(r, "curated", {}).items()) for r in records]
        changed |= self._store_links(_curation_link(kind), owners, curation, old)
        table = TABLES[kind]
        for chunk in _chunks(sorted(changed)):
            self.session.execute(update(table).where(table.c.id.in_(chunk)).values(version=table.c.version + 1))
        for i, rec in enumerate(records):
            rid = self.ids[kind][rec.key]
            if i in later:
                relations = [(rel.claim, rel.relation, rel.note, rel.loc or rec.loc) for rel in rec.relations]
                self.deferred.append((rid, relations, rec.key in existing, rid in changed))
            else:
                self._count(kind, rec.key not in existing, rid in changed)
        return changed

    def _count(self, kind: str, added: bool, changed: bool) -> None:
        if added:
            self.report.added[kind] += 1
        elif changed:
            self.report.updated[kind] += 1
        else:
            self.report.unchanged[kind] += 1

    def _write_deferred(self) -> None:
        """The relations that waited for the claims they point at, and the counts of their claims."""
        link = LINKS["claim"]["relations"]
        for chunk in _chunks(self.deferred):
            self.prefetch("claim", (target for _, relations, _, _ in chunk for target, *_ in relations))
            owners = [rid for rid, *_ in chunk]
            desired = [[(self.id("claim", target, loc), relation, note) for target, relation, note, loc in relations]
                       for _, relations, _, _ in chunk]  # fmt: skip
            old = {rid for rid, _, existed, _ in chunk if existed}
            changed = self._store_links(link, owners, desired, old)
            for rid, _, existed, before in chunk:
                self._count("claim", not existed, before or rid in changed)
        self.deferred = []

    def _check_versions(self, kind: str, existing: dict[str, int]) -> None:
        """Refuse the write when a record is no longer at the version its edit was based on.  The
        conditional UPDATE locks the row (PostgreSQL) or the database (SQLite) until the end of the
        transaction, so no other writer slips in between the check and the write."""
        table = TABLES[kind]
        for (k, key), version in self.expect.items():
            if k != kind:
                continue
            rid = existing.get(key)
            found = None
            if rid is not None:
                statement = update(table).where(table.c.id == rid, table.c.version == version)
                found = self.session.execute(statement.values(version=table.c.version)).rowcount  # type: ignore[attr-defined]
            if not found:
                now = self.session.scalar(select(table.c.version).where(table.c.key == key))
                state = f"is at version {now}" if now is not None else "has been removed"
                raise ConflictError(
                    f"{kind} '{key}' was changed by someone else: your edit was based on version {version}, "
                    f"it {state} now; nothing was saved"
                )

    def _store_rows(self, kind: str, records: list[Any], rows: list[dict[str, Any]],
                    existing: dict[str, int]) -> set[int]:  # fmt: skip
        """Insert the new rows, update the changed ones; the ids of changed records."""
        table = TABLES[kind]
        fresh = [row for rec, row in zip(records, rows, strict=True) if rec.key not in existing]
        fresh_ids = insert_rows(self.session, table, fresh)
        for key, rid in zip((row["key"] for row in fresh), fresh_ids, strict=True):
            self.ids[kind][key] = rid
        if kind == "source":
            self._replace_words(TITLE_WORD, "source_id", {rid: words_of(row["title_norm"])
                                                          for rid, row in zip(fresh_ids, fresh, strict=True)}, [])  # fmt: skip
        changed: set[int] = set()
        olds = [
            (existing[rec.key], row) for rec, row in zip(records, rows, strict=True) if rec.key in existing
        ]
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
        if kind == "source" and updates:
            at = columns.index("title_norm")
            retitled = {rid: words_of(row["title_norm"]) for rid, row in olds
                        if rid in changed and current[rid][at] != row["title_norm"]}  # fmt: skip
            self._replace_words(TITLE_WORD, "source_id", retitled, list(retitled))
        return changed

    def _replace_words(self, table: Table, owner: str, words: dict[int, set[str]], stale: list[int]) -> None:
        """The word rows of these owners (the ``stale`` ones had words before): a DELETE, an INSERT."""
        for chunk in _chunks(stale):
            self.session.execute(delete(table).where(table.c[owner].in_(chunk)))
        rows = [{"word": word, owner: rid} for rid, ws in words.items() for word in sorted(ws)]
        if rows:
            self.session.execute(insert(table), rows)

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
                rows.extend(
                    {link.owner: owner, **fixed, **dict(zip(link.columns, v, strict=True))} for v in values
                )
        if rows:
            self.session.execute(insert(table), rows)
        if table is NAMES:  # a person's name words follow their names
            at = link.columns.index("norm")
            desired_of = dict(zip(owners, desired, strict=True))
            self._replace_words(NAME_WORD, "person_id",
                                {o: set().union(*(words_of(v[at]) for v in desired_of[o])) for o in replace},
                                [o for o in replace if o in old])  # fmt: skip
        return {o for o in replace if o in old}

    def _check_aliases(self, records: list[SourceRec]) -> None:
        """An alias names one source: never another source's key or alias (nor its own key)."""
        owner: dict[str, str] = {}
        for rec in records:
            for alias in rec.aliases:
                if alias == rec.key or owner.setdefault(alias, rec.key) != rec.key:
                    other = "its own key" if alias == rec.key else f"an alias of '{owner[alias]}' too"
                    raise InputError(
                        f"field 'aliases': '{alias}' is {other}", location=rec.loc or f"source {rec.key}"
                    )
        table, aliases = TABLES["source"], SourceAlias.__table__
        keys = {r.key: r for r in records}
        for chunk in _chunks(sorted(keys)):
            query = (
                select(aliases.c.alias, table.c.key)
                .join(table, table.c.id == aliases.c.source_id)
                .where(aliases.c.alias.in_(chunk))
            )
            for alias, key in self.session.execute(query):
                if key != alias and owner.get(alias) is None:
                    raise InputError(f"the key '{alias}' is an alias of source '{key}' already",
                                     location=keys[alias].loc or f"source {alias}")  # fmt: skip
        if not owner:
            return
        for chunk in _chunks(sorted(owner)):
            for key in self.session.scalars(select(table.c.key).where(table.c.key.in_(chunk))):
                raise InputError(f"field 'aliases': '{key}' is the key of another source",
                                 location=f"source {owner[key]}")  # fmt: skip
            query = (
                select(aliases.c.alias, table.c.key)
                .join(table, table.c.id == aliases.c.source_id)
                .where(aliases.c.alias.in_(chunk))
            )
            for alias, key in self.session.execute(query):
                if key != owner[alias] and key not in {r.key for r in records}:
                    raise InputError(f"field 'aliases': '{alias}' is an alias of '{key}' already",
                                     location=f"source {owner[alias]}")  # fmt: skip

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
    def _links(self, kind: str, rec: Any, owner: int, *, relations: bool = True) -> dict[str, list[tuple[Any, ...]]]:
        if kind == "person":
            return {"names": [(n, k, s, note, padded(n))
                              for n, k, s, note in person_name_rows(rec.name, rec.native, rec.variants)]}  # fmt: skip
        if kind == "source":
            positions: Counter[str] = Counter()
            contributors = []
            for c in rec.contributors:  # positions count from 1 within each role, in file order
                positions[c.role] += 1
                contributors.append((c.role, positions[c.role], self.id("person", c.person, rec.loc)))
            return {"contributors": contributors, "aliases": [(a,) for a in rec.aliases]}
        if kind == "claim":
            return self._claim_links(rec, relations=relations)
        if kind == "quote":
            return {"claims": [(self.id("claim", c, rec.loc),) for c in rec.claims]}
        if kind == "comment":
            return {"disputes": [(self.id("claim", d.claim, d.loc or rec.loc), d.stance, d.note)
                                 for d in rec.disputes]}  # fmt: skip
        return {}

    def _claim_links(self, rec: ClaimRec, *, relations: bool = True) -> dict[str, list[tuple[Any, ...]]]:
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
        out: dict[str, list[tuple[Any, ...]]] = {
            "tags": [(self.id("tag", t, rec.loc),) for t in rec.tags],
            "about": [(self.id("person", p, rec.loc), i) for i, p in enumerate(rec.about, start=1)],
            "citations": citations,
        }
        if relations:
            out["relations"] = [(self.id("claim", r.claim, r.loc or rec.loc), r.relation, r.note)
                                for r in rec.relations]  # fmt: skip
        return out


def write(session: Session, dataset: Dataset) -> LoadReport:
    """Store the records (the caller owns the transaction)."""
    return Store(session).write(dataset)


def write_batches(session: Session, batches: Iterable[tuple[str, list[Any]]], *, suspend: bool = False,
                  keep_digests: bool = False) -> LoadReport:  # fmt: skip
    """Store a stream of batches of records (see :meth:`Store.write_batches`)."""
    return Store(session).write_batches(batches, suspend=suspend, keep_digests=keep_digests)


def write_records(session: Session, kind: str, records: list[Record],
                  expect: dict[tuple[str, str], int] | None = None) -> LoadReport:  # fmt: skip
    """Store records of one kind (``expect``: the versions they must still be at)."""
    return Store(session, expect).write(Dataset(**{SECTION_OF[kind]: records}))  # type: ignore[arg-type]


def version_of(session: Session, kind: str, key: str, *, lock: bool = False) -> int | None:
    """The record's version: 1 when stored, raised by every write that changes it.  ``lock``: hold
    the row until the transaction ends (PostgreSQL; SQLite's writer holds the whole database)."""
    table = TABLES[kind]
    query = select(table.c.version).where(table.c.key == key)
    found = session.scalar(query.with_for_update() if lock else query)
    return int(found) if found is not None else None


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
           "version_of", "words_of", "write", "write_batches"]
