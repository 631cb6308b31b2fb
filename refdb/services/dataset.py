"""Load a dataset into the database, and export the database as a dataset.

``load_dataset`` hands the records to the one writer (``services.store``): records are matched by
key, new ones added, changed ones updated, identical ones left alone, nothing deleted, so loading
the same file twice changes nothing.  ``export_dataset`` reads the tables back into records of the
definition, table by table (no query per record).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from refdb.models import (
    KEYED,
    Citation,
    Claim,
    ClaimRelation,
    ClaimSubject,
    ClaimTag,
    Comment,
    CommentClaim,
    Contributor,
    Curation,
    DigestEpoch,
    Person,
    PersonName,
    Quote,
    QuoteClaim,
    RecordDigest,
    Source,
    SourceAlias,
    Tag,
)
from refdb.models.people import DERIVED_NAME_KINDS
from refdb.records import (
    Anchor,
    CitationRec,
    ClaimRec,
    CommentRec,
    Context,
    ContributorRec,
    Dataset,
    DisputeRec,
    NameRec,
    PersonRec,
    PlaceRec,
    QuoteRec,
    RelationRec,
    SourceRec,
    TagRec,
)
from refdb.records.defs import KIND_OF, SECTION_OF, date_text
from refdb.services.store import SCALARS, LoadReport, database_is_empty, write, write_batches


def load_dataset(session: Session, dataset: Dataset) -> LoadReport:
    """Merge a parsed dataset into the database (the caller owns the transaction)."""
    return write(session, dataset)


PAGE = 1000  # records read or written at a time: memory holds one page, whatever the database's size
BULK_BYTES = 256 * 1024  # a file this large into an empty database: the search index is rebuilt once


def load_file(session: Session, path: Path, *, batch: int = PAGE) -> LoadReport:
    """Merge a dataset file into the database a batch of records at a time (memory stays flat).

    For files laid out as a dump is; raises :class:`refdb.formats.dataset.NotStreamable` (or the
    first problem's InputError) otherwise, and the caller rolls back and reads the file whole
    (:func:`refdb.formats.dataset.parse` and :func:`load_dataset`), which names any problem.

    A record whose text is exactly the text it was last loaded from, with nothing written to the
    database since but streamed loads, is not parsed again (``refdb.db.digests``): a re-load of
    an unchanged dump reads the file, hashes each record's text and looks the digests up.
    """
    from refdb.db.digests import trusted
    from refdb.formats import dataset as fmt
    from refdb.services.history_file import store_history

    try:
        size = path.stat().st_size
    except OSError:
        raise fmt.NotStreamable() from None  # the whole-file reader says what is wrong with the path
    skipped: Counter[str] = Counter()
    history: list[Any] = []

    def batches() -> Iterator[tuple[str, list[Any]]]:
        for section, records, unchanged in fmt.iter_batches(path, source_name=str(path), base_dir=path.parent,
                                                            known=_known(session), batch=batch):  # fmt: skip
            if section == "history":
                history.extend(records)
                continue
            skipped[KIND_OF[section]] += unchanged
            if records:
                yield KIND_OF[section], records

    suspend = size >= BULK_BYTES and database_is_empty(session)
    with trusted(session.connection()):
        report = write_batches(session, batches(), suspend=suspend, keep_digests=True)
        if history:
            store_history(session, history)
    report.unchanged.update(skipped)
    return report


def _known(session: Session) -> Callable[[str, list[str]], dict[str, str]]:
    """The digests of record texts the database holds as they made them: {digest: key}."""
    digests, epoch = _t(RecordDigest), _t(DigestEpoch)

    def known(kind: str, wanted: list[str]) -> dict[str, str]:
        table = _t(KEYED[kind])
        found: dict[str, str] = {}
        for chunk in _chunks(wanted, 500):
            # by the digest's index (a digest names its section, so one of another kind never matches
            # these; the kind is checked all the same, here rather than where it would steer the plan)
            query = (select(digests.c.digest, digests.c.kind, table.c.key)
                     .join(table, table.c.id == digests.c.record_id)
                     .where(digests.c.digest.in_(chunk), digests.c.epoch == select(epoch.c.epoch).scalar_subquery()))  # fmt: skip
            found.update((digest, key) for digest, of, key in session.execute(query) if of == kind)
        return found

    return known


def copy_database(source: Session, target: Session) -> LoadReport:
    """Every record of one database into another, a page at a time (the caller copies the history)."""
    pages = ((KIND_OF[section], records) for section, records in iter_pages(source))
    return write_batches(target, pages, suspend=database_is_empty(target))


def _batched(records: Iterable[tuple[str, Any]], size: int) -> Iterator[tuple[str, list[Any]]]:
    """(section, record) pairs as (kind, batch) lists of one kind, at most ``size`` long."""
    batch: list[Any] = []
    current: str | None = None
    for section, record in records:
        if batch and (section != current or len(batch) >= size):
            yield KIND_OF[current or section], batch
            batch = []
        current = section
        batch.append(record)
    if batch and current is not None:
        yield KIND_OF[current], batch


def _scalars(kind: str, row: Any) -> dict[str, Any]:
    """A record's own fields from its table row, by the definition's field-to-column mapping."""
    return {attr: getattr(row, column) for attr, column in SCALARS[kind]}


def _t(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def export_dataset(session: Session, only: tuple[str, str] | None = None) -> Dataset:
    """The whole database as dataset records (or, with ``only=(kind, key)``, that one record).

    Holds everything in memory: for the whole database, :func:`iter_pages` streams instead.
    """
    data = Dataset()
    if only is not None:
        found = export_record(session, *only)
        if found is not None:
            getattr(data, SECTION_OF[only[0]]).append(found)
        return data
    for section, records in iter_pages(session, only=only):
        getattr(data, section).extend(records)
    return data


def iter_pages(
    session: Session, *, only: tuple[str, str] | None = None, page: int = PAGE
) -> Iterator[tuple[str, list[Any]]]:
    """The database as (section, records) pages, each section's records in key order.

    Keyset pagination: each page is the next ``page`` rows by key, and its nested records (names,
    citations, ...) are read for that page alone, joined to the keys they refer to, so memory holds
    one page and the statements per page are fixed.  Key order is byte order (``COLLATE "C"`` on
    PostgreSQL), the order a dump sorts in.  ``only=(kind, key)``: that one record.
    """
    conn = session.connection()
    byte_order = conn.dialect.name == "postgresql"
    for kind, section in SECTION_OF.items():
        if only is not None and only[0] != kind:
            continue
        table = _t(KEYED[kind])
        key = table.c.key.collate("C") if byte_order else table.c.key
        last: str | None = None
        while True:
            query = _MAIN[kind]()
            if only is not None:
                query = query.where(table.c.key == only[1])
            elif last is not None:
                query = query.where(key > last)
            rows = list(conn.execute(query.order_by(key).limit(page)))
            if rows or last is None:
                yield section, _build(kind, conn, rows) if rows else []
            if len(rows) < page or only is not None:
                break
            last = rows[-1].key


def export_record(session: Session, kind: str, key: str) -> Any | None:
    """One record, as the whole export gives it, read from its own rows alone (None when absent).

    What the history snapshots before and after every change: the statements are built once (the
    key and ids are bound when they run), so a record costs its few indexed reads and no more.
    """
    conn = session.connection()
    rows = list(conn.execute(_one(kind), {"key": key}))
    return _build(kind, conn, rows)[0] if rows else None


@functools.cache
def _one(kind: str) -> Any:
    return _MAIN[kind]().where(_t(KEYED[kind]).c.key == bindparam("key"))


def _main_person() -> Any:
    return select(_t(Person))


def _main_source() -> Any:
    return select(_t(Source))


def _main_tag() -> Any:
    return select(_t(Tag))


def _main_claim() -> Any:
    return select(_t(Claim))


def _main_quote() -> Any:
    quote, person, origin, found = _t(Quote), _t(Person).alias("speaker"), _t(Source).alias("origin"), \
        _t(Source).alias("found")  # fmt: skip
    return select(quote, person.c.key.label("speaker_key"), origin.c.key.label("origin_key"),
                  found.c.key.label("found_key")).select_from(
        quote.outerjoin(person, person.c.id == quote.c.speaker_id)
        .outerjoin(origin, origin.c.id == quote.c.origin_source_id)
        .outerjoin(found, found.c.id == quote.c.found_source_id)
    )  # fmt: skip


def _main_comment() -> Any:
    comment, person, answers, own = _t(Comment), _t(Person).alias("author"), _t(Source).alias("answers"), \
        _t(Source).alias("own")  # fmt: skip
    return select(comment, person.c.key.label("author_key"), answers.c.key.label("answers_key"),
                  own.c.key.label("own_key")).select_from(
        comment.outerjoin(person, person.c.id == comment.c.author_id)
        .join(answers, answers.c.id == comment.c.answers_source_id)
        .outerjoin(own, own.c.id == comment.c.source_id)
    )  # fmt: skip


_MAIN: dict[str, Callable[[], Any]] = {
    "person": _main_person, "source": _main_source, "tag": _main_tag, "claim": _main_claim,
    "quote": _main_quote, "comment": _main_comment,
}  # fmt: skip


def _grouped(conn: Any, query: Any, params: dict[str, Any] | None = None) -> dict[int, list[Any]]:
    """Rows of a link query, by their first column (the owner's id)."""
    out: dict[int, list[Any]] = defaultdict(list)
    for row in conn.execute(query, params):
        out[row[0]].append(row)
    return out


def _build(kind: str, conn: Any, rows: list[Any]) -> list[Any]:
    """One page of records of a kind from their rows, with their nested records (a statement each)."""
    ids = [r.id for r in rows]
    curated: dict[int, dict[str, str]] = defaultdict(dict)
    for chunk in _chunks(ids):
        for record_id, field, basis in conn.execute(_curation(), {"kind": kind, "ids": chunk}):
            curated[record_id][field] = basis
    return _BUILDERS[kind](conn, rows, ids, curated)


@functools.cache
def _curation() -> Any:
    curation = _t(Curation)
    return select(curation.c.record_id, curation.c.field, curation.c.basis).where(
        curation.c.record_kind == bindparam("kind"), curation.c.record_id.in_(bindparam("ids", expanding=True))
    )


def _chunks(ids: list[Any], size: int = 900) -> Iterator[list[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _links(conn: Any, ids: list[int], make: Callable[[Any], Any]) -> dict[int, list[Any]]:
    """The rows ``make(ids)`` selects, by owner.  A link query depends on nothing but its ids, so
    each is built once (``make`` given an expanding parameter) and the ids are bound when it runs:
    building a statement costs more than running it on a page of one record."""
    query = _LINK_QUERIES.get(make.__code__)
    if query is None:
        query = _LINK_QUERIES[make.__code__] = make(bindparam("ids", expanding=True))
    out: dict[int, list[Any]] = defaultdict(list)
    for chunk in _chunks(ids):
        for owner, rows in _grouped(conn, query, {"ids": chunk}).items():
            out[owner].extend(rows)
    return out


_LINK_QUERIES: dict[Any, Any] = {}  # by the code of the builder's lambda that makes it


def _people(conn: Any, rows: list[Any], ids: list[int], curated: dict[int, dict[str, str]]) -> list[Any]:
    name = _t(PersonName)
    names = _links(conn, ids, lambda chunk: select(name.c.person_id, name.c.name, name.c.kind, name.c.scheme,
                                                   name.c.note).where(name.c.person_id.in_(chunk),
                                                                      name.c.kind.not_in(DERIVED_NAME_KINDS))
                   .order_by(name.c.person_id, name.c.id))  # fmt: skip
    return [
        PersonRec(**_scalars("person", p), curated=curated[p.id],
                  variants=[NameRec(name=n.name, kind=n.kind, scheme=n.scheme, note=n.note) for n in names[p.id]])
        for p in rows
    ]  # fmt: skip


def _sources(conn: Any, rows: list[Any], ids: list[int], curated: dict[int, dict[str, str]]) -> list[Any]:
    contributor, person, alias = _t(Contributor), _t(Person), _t(SourceAlias)
    contributors = _links(conn, ids, lambda chunk: select(contributor.c.source_id, person.c.key, contributor.c.role)
                          .join(person, person.c.id == contributor.c.person_id)
                          .where(contributor.c.source_id.in_(chunk))
                          .order_by(contributor.c.source_id, contributor.c.role, contributor.c.position))  # fmt: skip
    aliases = _links(conn, ids, lambda chunk: select(alias.c.source_id, alias.c.alias)
                     .where(alias.c.source_id.in_(chunk)).order_by(alias.c.source_id, alias.c.id))  # fmt: skip
    return [
        SourceRec(
            **_scalars("source", s),
            contributors=[ContributorRec(person=c.key, role=c.role) for c in contributors[s.id]],
            aliases=[a.alias for a in aliases[s.id]],
            issued=date_text((s.issued_year, s.issued_month, s.issued_day))
            if s.issued_year is not None
            else s.issued_literal,
            curated=curated[s.id],
        )
        for s in rows
    ]


def _tags(conn: Any, rows: list[Any], ids: list[int], curated: dict[int, dict[str, str]]) -> list[Any]:
    return [TagRec(**_scalars("tag", t)) for t in rows]


def _claims(conn: Any, rows: list[Any], ids: list[int], curated: dict[int, dict[str, str]]) -> list[Any]:
    claim_tag, tag, subject, person = _t(ClaimTag), _t(Tag), _t(ClaimSubject), _t(Person)
    citation, source, relation, other = _t(Citation), _t(Source), _t(ClaimRelation), _t(Claim).alias("other")
    tags = _links(conn, ids, lambda chunk: select(claim_tag.c.claim_id, tag.c.key)
                  .join(tag, tag.c.id == claim_tag.c.tag_id).where(claim_tag.c.claim_id.in_(chunk)))  # fmt: skip
    about = _links(conn, ids, lambda chunk: select(subject.c.claim_id, person.c.key)
                   .join(person, person.c.id == subject.c.person_id).where(subject.c.claim_id.in_(chunk))
                   .order_by(subject.c.claim_id, subject.c.position))  # fmt: skip
    citations = _links(conn, ids, lambda chunk: select(citation, source.c.key.label("source_key"))
                       .join(source, source.c.id == citation.c.source_id).where(citation.c.claim_id.in_(chunk))
                       .order_by(citation.c.claim_id, citation.c.position))  # fmt: skip
    relations = _links(conn, ids, lambda chunk: select(relation.c.from_claim_id, relation.c.relation, other.c.key,
                                                       relation.c.note)
                       .join(other, other.c.id == relation.c.to_claim_id)
                       .where(relation.c.from_claim_id.in_(chunk)))  # fmt: skip
    # a citation row's first column is its own id: regroup by claim
    by_claim: dict[int, list[CitationRec]] = defaultdict(list)
    for cits in citations.values():
        for cit in cits:
            anchor = (Anchor(exact=cit.anchor_exact, prefix=cit.anchor_prefix, suffix=cit.anchor_suffix)
                      if cit.anchor_exact is not None else None)  # fmt: skip
            by_claim[cit.claim_id].append(CitationRec(source=cit.source_key, stance=cit.stance, locator=cit.locator,
                                                      label=cit.label, anchor=anchor, note=cit.note))  # fmt: skip
    return [
        ClaimRec(
            **_scalars("claim", c),
            tags=[t.key for t in tags[c.id]],
            about=[p.key for p in about[c.id]],
            citations=by_claim[c.id],
            relations=[RelationRec(relation=r.relation, claim=r.key, note=r.note) for r in relations[c.id]],
            curated=curated[c.id],
        )
        for c in rows
    ]


def _quotes(conn: Any, rows: list[Any], ids: list[int], curated: dict[int, dict[str, str]]) -> list[Any]:
    quote_claim, claim = _t(QuoteClaim), _t(Claim)
    claims = _links(conn, ids, lambda chunk: select(quote_claim.c.quote_id, claim.c.key)
                    .join(claim, claim.c.id == quote_claim.c.claim_id).where(quote_claim.c.quote_id.in_(chunk)))  # fmt: skip
    out = []
    for q in rows:
        context: Context | None = None
        if q.anchor_prefix is not None or q.anchor_suffix is not None:
            context = Context(prefix=q.anchor_prefix, suffix=q.anchor_suffix)
        out.append(
            QuoteRec(
                **_scalars("quote", q),
                speaker=q.speaker_key,
                origin=PlaceRec(source=q.origin_key, locator=q.origin_locator, label=q.origin_label)
                if q.origin_key else None,
                found_in=PlaceRec(source=q.found_key, locator=q.found_locator, label=q.found_label)
                if q.found_key else None,
                anchor=context,
                claims=[c.key for c in claims[q.id]],
                curated=curated[q.id],
            )
        )  # fmt: skip
    return out


def _comments(conn: Any, rows: list[Any], ids: list[int], curated: dict[int, dict[str, str]]) -> list[Any]:
    comment_claim, claim = _t(CommentClaim), _t(Claim)
    disputes = _links(conn, ids, lambda chunk: select(comment_claim.c.comment_id, claim.c.key, comment_claim.c.stance,
                                                      comment_claim.c.note)
                      .join(claim, claim.c.id == comment_claim.c.claim_id)
                      .where(comment_claim.c.comment_id.in_(chunk)))  # fmt: skip
    out = []
    for cm in rows:
        anchor: Context | None = None
        if cm.anchor_prefix is not None or cm.anchor_suffix is not None:
            anchor = Context(prefix=cm.anchor_prefix, suffix=cm.anchor_suffix)
        out.append(
            CommentRec(
                **_scalars("comment", cm),
                answers=cm.answers_key,
                author=cm.author_key,
                date=date_text((cm.date_year, cm.date_month, cm.date_day))
                if cm.date_year is not None
                else None,
                source=cm.own_key,
                anchor=anchor,
                disputes=[DisputeRec(claim=d.key, stance=d.stance, note=d.note) for d in disputes[cm.id]],
                curated=curated[cm.id],
            )
        )
    return out


_BUILDERS: dict[str, Callable[[Any, list[Any], list[int], dict[int, dict[str, str]]], list[Any]]] = {
    "person": _people, "source": _sources, "tag": _tags, "claim": _claims, "quote": _quotes, "comment": _comments,
}  # fmt: skip
