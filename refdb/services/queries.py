"""The read side: the questions users ask, answered as plain records (dicts ready for JSON).

Each listing is a fixed, small number of statements however many rows it returns (no N+1):
one query for the rows, one per kind of related data, keyed by id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import String, and_, bindparam, case, cast, func, select, union

from refdb.db import tables as tb
from refdb.services import lookup
from refdb.vocab import ASSERTING_STANCES, OPPOSING_STANCES

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    Reader: TypeAlias = Session | Connection  # a read service runs on either (the CLI's readers pass a Connection)

Record = dict[str, Any]


@cache
def _alias(table: Any, name: str) -> Any:
    """One alias per (table, name) for the process: a new alias per call costs more than its query
    (SQLAlchemy adapts and memoizes every column of an alias on first use)."""
    return table.alias(name)


def format_partial(date: Any) -> str | None:
    """:func:`refdb.dates.format_partial`, imported when a listing first prints a date."""
    from refdb.dates import format_partial as fmt

    return fmt(date)


def _conn(session: Any) -> Any:
    """The connection a session (or a connection: the read commands pass one) runs on."""
    from sqlalchemy.engine import Connection

    return session if isinstance(session, Connection) else session.connection()


def _in_chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


def _tags_for(session: Reader, claim_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for chunk in _in_chunks(claim_ids):
        rows = session.execute(
            select(tb.claim_tag.c.claim_id, tb.tag.c.key)
            .join(tb.tag, tb.tag.c.id == tb.claim_tag.c.tag_id)
            .where(tb.claim_tag.c.claim_id.in_(chunk))
            .order_by(tb.tag.c.key)
        )
        for claim_id, key in rows:
            out[claim_id].append(key)
    return out


def _subjects_for(session: Reader, claim_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for chunk in _in_chunks(claim_ids):
        rows = session.execute(
            select(tb.claim_subject.c.claim_id, tb.person.c.display_name)
            .join(tb.person, tb.person.c.id == tb.claim_subject.c.person_id)
            .where(tb.claim_subject.c.claim_id.in_(chunk))
            .order_by(tb.claim_subject.c.claim_id, tb.claim_subject.c.position)
        )
        for claim_id, name in rows:
            out[claim_id].append(name)
    return out


_SEP = "\x1f"  # the ASCII unit separator joins aggregated values; it cannot occur in stored text


def list_claims(
    session: Reader,
    *,
    source: str | None = None,
    person: str | None = None,
    tag: str | None = None,
    kind: str | None = None,
    disputed: bool = False,
    after: str | None = None,
    limit: int | None = None,
    descending: bool = False,
    keys: list[str] | None = None,
) -> list[Record]:
    """Claims, with the citations that matched (all of a claim's citations when no source is given)."""
    return list(iter_claims(session, source=source, person=person, tag=tag, kind=kind, disputed=disputed, after=after, limit=limit, descending=descending, keys=keys))


def iter_claims(
    session: Reader,
    *,
    source: str | None = None,
    person: str | None = None,
    tag: str | None = None,
    kind: str | None = None,
    disputed: bool = False,
    after: str | None = None,
    limit: int | None = None,
    descending: bool = False,
    keys: list[str] | None = None,
) -> Iterator[Record]:
    """:func:`list_claims`, streamed: memory holds one page of claims, whatever the database's size.

    ``after`` and ``limit`` page through the claims in key order, ``descending`` in reverse (keyset
    pagination: a page starts after the last key shown, found through the key's unique index, never
    by counting rows).  ``keys`` keeps only the claims with these keys (a search's hits).

    One Core statement (plus one for --disputed): the claim rows joined to their citations, with
    tags and subjects aggregated in correlated subqueries.  The statement is built once per shape
    of question and cached with bound parameters: building a statement costs more than running it.
    """
    params: dict[str, Any] = {}
    source_shape = None
    if source is not None:
        source_shape, values = lookup.source_params(session, source)
        params.update(values)
    if person is not None:
        params.update(lookup.person_params(session, person))
    if tag is not None:
        params["tag_ids"] = lookup.tag_ids(session, tag)
    if kind is not None:
        params["kind"] = kind
    if keys is not None:
        params["keys"] = keys
    if limit is not None:
        params["limit"] = limit
        if after is not None:
            params["after"] = after
    query = _claims_statement(
        source_shape, person is not None, tag is not None, disputed, kind is not None,
        (descending, after is not None) if limit is not None else None, keys is not None,
    )  # fmt: skip
    page: list[tuple[int, Record]] = []
    record: Record | None = None
    current = None
    for row in _streamed(session, query, params):
        if row.id != current:
            if record is not None:
                page.append((current, record))  # type: ignore[arg-type]
                if len(page) >= PAGE:
                    yield from _claims_page(session, page, disputed)
                    page = []
            subjects = sorted(
                (part.split(":", 1) for part in (row.about or "").split(_SEP) if part),
                key=lambda pair: int(pair[0]),
            )
            record = {
                "key": row.key, "kind": row.kind, "text": row.text,
                "tags": sorted(t for t in (row.tags or "").split(_SEP) if t),
                "about": [name for _, name in subjects], "citations": [],
            }  # fmt: skip
            current = row.id
        assert record is not None
        if row.source is not None:
            record["citations"].append(
                {
                    "source": row.source,
                    "title": row.title,
                    "stance": row.stance,
                    "locator": row.locator,
                    "label": row.label,
                }
            )
    if record is not None:
        page.append((current, record))  # type: ignore[arg-type]
    if page or disputed:
        yield from _claims_page(session, page, disputed)

PAGE = 900  # rows handled at a time by the streamed listings (and the ids of one IN list)


def _streamed(session: Reader, query: Any, params: dict[str, Any] | None = None) -> Any:
    """A statement's rows, fetched from the cursor a page at a time (server-side on PostgreSQL)."""
    return _conn(session).execution_options(yield_per=PAGE).execute(query, params or {})


def _pages(rows: Any) -> Iterator[list[Any]]:
    """Rows in pages of PAGE; one empty page when there are none (a listing's statements are fixed)."""
    page: list[Any] = []
    sent = False
    for row in rows:
        page.append(row)
        if len(page) >= PAGE:
            yield page
            page, sent = [], True
    if page or not sent:
        yield page


def _claims_page(session: Reader, page: list[tuple[int, Record]], disputed: bool) -> Iterator[Record]:
    if disputed:
        disputes = _disputes_for(session, [claim_id for claim_id, _ in page])
        for claim_id, record in page:
            record["disputed_by"] = disputes.get(claim_id, [])
    for _, record in page:
        yield record


@lru_cache(maxsize=64)
def _claims_statement(
    source_shape: tuple[int, bool] | None,
    person: bool,
    tag: bool,
    disputed: bool,
    kind: bool = False,
    paged: tuple[bool, bool] | None = None,
    keyed: bool = False,
) -> Any:
    """``paged``: (descending, has a keyset) for one page of claims, None for all of them."""
    claim, citation, source_t = tb.claim, tb.citation, tb.source
    claim_tag, tag_t, subject, person_t = (
        tb.claim_tag,
        tb.tag,
        tb.claim_subject,
        tb.person,
    )
    join_on = citation.c.claim_id == claim.c.id
    conditions: list[Any] = []
    if source_shape is not None:
        matching = lookup.source_ids_template(source_shape).cte("matching")  # scanned once, used twice
        in_sources = citation.c.source_id.in_(select(matching.c[0]))
        join_on = and_(join_on, in_sources)
        conditions.append(claim.c.id.in_(select(citation.c.claim_id).where(in_sources)))
    if person:
        people = lookup.person_ids_template().subquery()
        conditions.append(
            claim.c.id.in_(select(subject.c.claim_id).where(subject.c.person_id.in_(select(people.c[0]))))
        )
    if tag:
        conditions.append(
            claim.c.id.in_(
                select(claim_tag.c.claim_id).where(claim_tag.c.tag_id.in_(bindparam("tag_ids", expanding=True)))
            )
        )
    if disputed:
        conditions.append(
            claim.c.id.in_(
                union(
                    select(tb.comment_claim.c.claim_id).where(tb.comment_claim.c.stance.in_(("disputes", "rejects"))),
                    select(tb.claim_relation.c.to_claim_id).where(tb.claim_relation.c.relation == "contradicts"),
                    select(tb.citation.c.claim_id).where(tb.citation.c.stance.in_(("disputes", "rejects"))),
                )
            )
        )
    if kind:
        conditions.append(claim.c.kind == bindparam("kind"))
    if keyed:
        conditions.append(claim.c.key.in_(bindparam("keys", expanding=True)))
    key_order: Any = claim.c.key
    if paged is not None:
        descending, keyset = paged
        key_order = claim.c.key.desc() if descending else claim.c.key
        if keyset:
            conditions.append(
                claim.c.key < bindparam("after") if descending else claim.c.key > bindparam("after")
            )
        page = select(claim.c.id).where(*conditions).order_by(key_order).limit(bindparam("limit"))
        conditions = [claim.c.id.in_(page)]
    tags = (
        select(func.aggregate_strings(tag_t.c.key, _SEP))
        .select_from(claim_tag.join(tag_t, tag_t.c.id == claim_tag.c.tag_id))
        .where(claim_tag.c.claim_id == claim.c.id)
        .scalar_subquery()
    )
    about = (
        select(func.aggregate_strings(cast(subject.c.position, String) + ":" + person_t.c.display_name, _SEP))
        .select_from(subject.join(person_t, person_t.c.id == subject.c.person_id))
        .where(subject.c.claim_id == claim.c.id)
        .scalar_subquery()
    )
    return (
        select(
            claim.c.id, claim.c.key, claim.c.kind, claim.c.text, tags.label("tags"), about.label("about"),
            source_t.c.key.label("source"), source_t.c.title, citation.c.stance, citation.c.locator,
            citation.c.label,
        )
        .select_from(claim.outerjoin(citation, join_on).outerjoin(source_t, source_t.c.id == citation.c.source_id))
        .where(*conditions)
        .order_by(key_order, citation.c.position)
    )  # fmt: skip


def _citations_for(
    session: Reader, claim_ids: list[int], source_ids: list[int] | None
) -> dict[int, list[Record]]:
    out: dict[int, list[Record]] = defaultdict(list)
    for chunk in _in_chunks(claim_ids):
        query = (
            select(
                tb.citation.c.claim_id, tb.source.c.key, tb.source.c.title, tb.citation.c.stance, tb.citation.c.locator, tb.citation.c.label
            )
            .join(tb.source, tb.source.c.id == tb.citation.c.source_id)
            .where(tb.citation.c.claim_id.in_(chunk))
            .order_by(tb.citation.c.claim_id, tb.citation.c.position)
        )
        if source_ids is not None:
            query = query.where(tb.citation.c.source_id.in_(source_ids))
        for claim_id, key, title, stance, locator, label in session.execute(query):
            out[claim_id].append(
                {"source": key, "title": title, "stance": stance, "locator": locator, "label": label}
            )
    return out


def _disputes_for(session: Reader, claim_ids: list[int]) -> dict[int, list[Record]]:
    """What disputes each claim: counter-comments, contradicting claims, rejecting sources."""
    out: dict[int, list[Record]] = defaultdict(list)
    other = _alias(tb.claim, "other_claim")
    for chunk in _in_chunks(claim_ids):
        for claim_id, key, stance in session.execute(
            select(tb.comment_claim.c.claim_id, tb.comment.c.key, tb.comment_claim.c.stance)
            .join(tb.comment, tb.comment.c.id == tb.comment_claim.c.comment_id)
            .where(tb.comment_claim.c.claim_id.in_(chunk), tb.comment_claim.c.stance.in_(("disputes", "rejects")))
            .order_by(tb.comment.c.key)
        ):
            out[claim_id].append({"kind": "comment", "key": key, "stance": stance})
        for claim_id, key in session.execute(
            select(tb.claim_relation.c.to_claim_id, other.c.key)
            .join(other, other.c.id == tb.claim_relation.c.from_claim_id)
            .where(tb.claim_relation.c.to_claim_id.in_(chunk), tb.claim_relation.c.relation == "contradicts")
            .order_by(other.c.key)
        ):
            out[claim_id].append({"kind": "claim", "key": key, "stance": "contradicts"})
        for claim_id, key, stance in session.execute(
            select(tb.citation.c.claim_id, tb.source.c.key, tb.citation.c.stance)
            .join(tb.source, tb.source.c.id == tb.citation.c.source_id)
            .where(tb.citation.c.claim_id.in_(chunk), tb.citation.c.stance.in_(("disputes", "rejects")))
            .order_by(tb.source.c.key)
        ):
            out[claim_id].append({"kind": "source", "key": key, "stance": stance})
    return out


def _curated(session: Reader, kind: str, record_id: int) -> dict[str, str]:
    rows = session.execute(
        select(tb.curation.c.field, tb.curation.c.basis).where(
            tb.curation.c.record_kind == kind, tb.curation.c.record_id == record_id
        )
    )
    return {f: b for f, b in rows}


def claim_detail(session: Reader, key: str) -> Record:
    """One claim: who asserts it, on what evidence, its quotes, and what disputes or relates to it."""
    claim = lookup.claim_row(session, key)
    citations = _citations_for(session, [claim.id], None)[claim.id]
    for cit, row in zip(
        citations,
        session.execute(
            select(tb.citation.c.note, tb.citation.c.anchor_exact)
            .where(tb.citation.c.claim_id == claim.id)
            .order_by(tb.citation.c.position)
        ),
        strict=True,
    ):
        cit["note"] = row.note
        cit["anchor"] = row.anchor_exact
    quotes = list_quotes(session, claim_id=claim.id)
    comments = list_comments(session, claim_id=claim.id)
    other = _alias(tb.claim, "other_claim")
    outgoing = [
        {"relation": rel, "claim": k, "text": t, "note": n}
        for rel, k, t, n in session.execute(
            select(tb.claim_relation.c.relation, other.c.key, other.c.text, tb.claim_relation.c.note)
            .join(other, other.c.id == tb.claim_relation.c.to_claim_id)
            .where(tb.claim_relation.c.from_claim_id == claim.id)
            .order_by(other.c.key)
        )
    ]
    incoming = [
        {"relation": rel, "claim": k, "text": t, "note": n}
        for rel, k, t, n in session.execute(
            select(tb.claim_relation.c.relation, other.c.key, other.c.text, tb.claim_relation.c.note)
            .join(other, other.c.id == tb.claim_relation.c.from_claim_id)
            .where(tb.claim_relation.c.to_claim_id == claim.id)
            .order_by(other.c.key)
        )
    ]
    return {
        "key": claim.key,
        "kind": claim.kind,
        "text": claim.text,
        "note": claim.note,
        "tags": _tags_for(session, [claim.id]).get(claim.id, []),
        "about": _subjects_for(session, [claim.id]).get(claim.id, []),
        "asserted_by": [c["source"] for c in citations if c["stance"] in ASSERTING_STANCES],
        "rejected_by": [c["source"] for c in citations if c["stance"] in OPPOSING_STANCES],
        "citations": citations,
        "quotes": quotes,
        "comments": comments,
        "relations": outgoing,
        "related_from": incoming,
        "curated": _curated(session, "claim", claim.id),
    }


def list_quotes(
    session: Reader,
    *,
    speaker: str | None = None,
    source: str | None = None,
    claim: str | None = None,
    speaker_id: int | None = None,
    source_id: int | None = None,
    key: str | None = None,
    claim_id: int | None = None,
) -> list[Record]:
    return list(iter_quotes(session, speaker=speaker, source=source, claim=claim, speaker_id=speaker_id, source_id=source_id, key=key, claim_id=claim_id))


def iter_quotes(
    session: Reader,
    *,
    speaker: str | None = None,
    source: str | None = None,
    claim: str | None = None,
    speaker_id: int | None = None,
    source_id: int | None = None,
    key: str | None = None,
    claim_id: int | None = None,
) -> Iterator[Record]:
    """Streamed a page at a time. Quotes; ``speaker_id``, ``source_id`` and ``claim_id`` select by one record's id (its page)."""
    origin = _alias(tb.source, "origin")
    found = _alias(tb.source, "found_in")
    query = (
        select(
            tb.quote.c.id,
            tb.quote.c.key,
            tb.quote.c.text,
            tb.person.c.display_name,
            origin.c.key,
            origin.c.title,
            tb.quote.c.origin_locator,
            tb.quote.c.origin_label,
            found.c.key,
            found.c.title,
            tb.quote.c.found_locator,
            tb.quote.c.found_label,
            tb.quote.c.note,
        )
        .outerjoin(tb.person, tb.person.c.id == tb.quote.c.speaker_id)
        .outerjoin(origin, origin.c.id == tb.quote.c.origin_source_id)
        .outerjoin(found, found.c.id == tb.quote.c.found_source_id)
    )
    if speaker is not None:
        ids: list[int] = lookup.person_ids(session, speaker)
        query = query.where(tb.quote.c.speaker_id.in_(ids))
    if source is not None:
        source_ids: list[int] = list(session.scalars(lookup.source_ids(session, source)))
        query = query.where(
            (tb.quote.c.origin_source_id.in_(source_ids)) | (tb.quote.c.found_source_id.in_(source_ids))
        )
    if key is not None:
        query = query.where(tb.quote.c.key == key)
    if speaker_id is not None:
        query = query.where(tb.quote.c.speaker_id == speaker_id)
    if source_id is not None:
        query = query.where((tb.quote.c.origin_source_id == source_id) | (tb.quote.c.found_source_id == source_id))
    if claim is not None:
        claim_id = lookup.claim_row(session, claim).id
    if claim_id is not None:
        query = query.where(tb.quote.c.id.in_(select(tb.quote_claim.c.quote_id).where(tb.quote_claim.c.claim_id == claim_id)))
    for rows in _pages(_streamed(session, query.order_by(tb.quote.c.key))):
        claims: dict[int, list[str]] = defaultdict(list)
        for chunk in _in_chunks([r[0] for r in rows]):
            for quote_id, key in session.execute(
                select(tb.quote_claim.c.quote_id, tb.claim.c.key)
                .join(tb.claim, tb.claim.c.id == tb.quote_claim.c.claim_id)
                .where(tb.quote_claim.c.quote_id.in_(chunk))
                .order_by(tb.claim.c.key)
            ):
                claims[quote_id].append(key)
        for qid, key, text, speaker_name, okey, otitle, oloc, olabel, fkey, ftitle, floc, flabel, note in rows:
            yield {
                "key": key,
                "text": text,
                "speaker": speaker_name,
                "origin": {"source": okey, "title": otitle, "locator": oloc, "label": olabel} if okey else None,
                "found_in": {"source": fkey, "title": ftitle, "locator": floc, "label": flabel} if fkey else None,
                "claims": claims.get(qid, []),
                "note": note,
            }



def list_comments(
    session: Reader,
    *,
    claim: str | None = None,
    answers_id: int | None = None,
    author_id: int | None = None,
    key: str | None = None,
    claim_id: int | None = None,
) -> list[Record]:
    return list(iter_comments(session, claim=claim, answers_id=answers_id, author_id=author_id, key=key, claim_id=claim_id))


def iter_comments(
    session: Reader,
    *,
    claim: str | None = None,
    answers_id: int | None = None,
    author_id: int | None = None,
    key: str | None = None,
    claim_id: int | None = None,
) -> Iterator[Record]:
    """Streamed a page at a time. Counter-comments; ``answers_id``, ``author_id``, ``claim_id``: by the answered source's, author's or claim's id."""
    answered = _alias(tb.source, "answered")
    query = (
        select(
            tb.comment.c.id,
            tb.comment.c.key,
            tb.comment.c.text,
            tb.person.c.display_name,
            tb.comment.c.author_label,
            tb.comment.c.date_year,
            tb.comment.c.date_month,
            tb.comment.c.date_day,
            answered.c.key,
            tb.comment.c.note,
        )
        .outerjoin(tb.person, tb.person.c.id == tb.comment.c.author_id)
        .join(answered, answered.c.id == tb.comment.c.answers_source_id)
    )
    if key is not None:
        query = query.where(tb.comment.c.key == key)
    if answers_id is not None:
        query = query.where(tb.comment.c.answers_source_id == answers_id)
    if author_id is not None:
        query = query.where(tb.comment.c.author_id == author_id)
    if claim is not None:
        claim_id = lookup.claim_row(session, claim).id
    if claim_id is not None:
        query = query.where(
            tb.comment.c.id.in_(select(tb.comment_claim.c.comment_id).where(tb.comment_claim.c.claim_id == claim_id))
        )
    for rows in _pages(_streamed(session, query.order_by(tb.comment.c.key))):
        links: dict[int, list[Record]] = defaultdict(list)
        for chunk in _in_chunks([r[0] for r in rows]):
            for comment_id, key, stance, note in session.execute(
                select(tb.comment_claim.c.comment_id, tb.claim.c.key, tb.comment_claim.c.stance, tb.comment_claim.c.note)
                .join(tb.claim, tb.claim.c.id == tb.comment_claim.c.claim_id)
                .where(tb.comment_claim.c.comment_id.in_(chunk))
                .order_by(tb.claim.c.key)
            ):
                links[comment_id].append({"claim": key, "stance": stance, "note": note})
        for cid, key, text, author, label, year, month, day, answers, note in rows:
            yield {
                "key": key,
                "text": text,
                "author": author or label or "anonymous",
                "date": format_partial((year, month, day)),
                "answers": answers,
                "claims": links.get(cid, []),
                "note": note,
            }



def list_sources(session: Reader, *, match: str | None = None) -> list[Record]:
    return list(iter_sources(session, match=match))


def iter_sources(session: Reader, *, match: str | None = None) -> Iterator[Record]:
    """:func:`list_sources`, streamed a page at a time."""
    query = select(
        tb.source.c.id,
        tb.source.c.key,
        tb.source.c.csl_type,
        tb.source.c.source_class,
        tb.source.c.genre,
        tb.source.c.title,
        tb.source.c.short_title,
        tb.source.c.publisher,
        tb.source.c.place,
        tb.source.c.issued_year,
        tb.source.c.issued_month,
        tb.source.c.issued_day,
        tb.source.c.issued_literal,
        tb.source.c.container_title,
        tb.source.c.edition,
        tb.source.c.volume,
        tb.source.c.issue,
        tb.source.c.pages,
        tb.source.c.url,
        tb.source.c.isbn,
        tb.source.c.doi,
        tb.source.c.language,
        tb.source.c.note,
    )
    order: list[Any] = [tb.source.c.key]
    if match is not None:  # an exact key first, then the name and title matches
        query = query.where(tb.source.c.id.in_(lookup.source_ids(session, match, every=True)))
        order.insert(0, case((tb.source.c.key == match.strip().lower(), 0), else_=1))
    for rows in _pages(_streamed(session, query.order_by(*order))):
        people: dict[int, list[Record]] = defaultdict(list)
        for chunk in _in_chunks([r.id for r in rows]):
            for source_id, role, name in session.execute(
                select(tb.contributor.c.source_id, tb.contributor.c.role, tb.person.c.display_name)
                .join(tb.person, tb.person.c.id == tb.contributor.c.person_id)
                .where(tb.contributor.c.source_id.in_(chunk))
                .order_by(tb.contributor.c.source_id, tb.contributor.c.role, tb.contributor.c.position)
            ):
                people[source_id].append({"name": name, "role": role})
        for r in rows:
            yield {
                "key": r.key,
                "type": r.csl_type,
                "class": r.source_class,
                "genre": r.genre,
                "title": r.title,
                "short_title": r.short_title,
                "contributors": people.get(r.id, []),
                "publisher": r.publisher,
                "place": r.place,
                "issued": format_partial((r.issued_year, r.issued_month, r.issued_day)) or r.issued_literal,
                "container_title": r.container_title,
                "edition": r.edition,
                "volume": r.volume,
                "issue": r.issue,
                "pages": r.pages,
                "url": r.url,
                "isbn": r.isbn,
                "doi": r.doi,
                "language": r.language,
                "note": r.note,
            }


def list_people(session: Reader, *, match: str | None = None) -> list[Record]:
    return list(iter_people(session, match=match))


def iter_people(session: Reader, *, match: str | None = None) -> Iterator[Record]:
    """:func:`list_people`, streamed a page at a time."""
    query = select(tb.person.c.id, tb.person.c.key, tb.person.c.display_name, tb.person.c.native_name, tb.person.c.note)
    order: list[Any] = [tb.person.c.key]
    if match is not None:  # an exact key first, then the people a name matches
        query = query.where(tb.person.c.id.in_(lookup.person_ids(session, match)))
        order.insert(0, case((tb.person.c.key == match.strip().lower(), 0), else_=1))
    for rows in _pages(_streamed(session, query.order_by(*order))):
        variants: dict[int, list[Record]] = defaultdict(list)
        for chunk in _in_chunks([r.id for r in rows]):
            for person_id, name, kind, scheme in session.execute(
                select(tb.person_name.c.person_id, tb.person_name.c.name, tb.person_name.c.kind, tb.person_name.c.scheme)
                .where(tb.person_name.c.person_id.in_(chunk), tb.person_name.c.kind.not_in(tb.DERIVED_NAME_KINDS))
                .order_by(tb.person_name.c.person_id, tb.person_name.c.id)
            ):
                variants[person_id].append({"name": name, "kind": kind, "scheme": scheme})
        for r in rows:
            yield {
                "key": r.key,
                "name": r.display_name,
                "native": r.native_name,
                "variants": variants.get(r.id, []),
                "note": r.note,
            }
