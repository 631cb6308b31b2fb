"""Writing with refdb: the records a dossier lays out, and the data a manuscript's citations expand to.

Plain records out (dicts ready for JSON), in a fixed number of statements however many claims are
asked for: one per kind of related data, over chunks of ids (no N+1).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from refdb.errors import NotFoundError
from refdb.models import (
    Citation,
    Claim,
    ClaimRelation,
    ClaimSubject,
    ClaimTag,
    Comment,
    CommentClaim,
    Curation,
    Person,
    Quote,
    QuoteClaim,
    Source,
    Tag,
)
from refdb.services import lookup
from refdb.services.citations import CslItem, iter_items

Record = dict[str, Any]
FOR_STANCES = ("asserts", "supports", "reports")
AGAINST_STANCES = ("rejects", "disputes")
_CHUNK = 900


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _cite(key: str, locator: str | None, label: str | None) -> Record:
    return {"id": key, "locator": locator, "label": label or "page"}


# --- the filter's data ----------------------------------------------------------------------------


def writing_data(
    session: Session,
    *,
    claims: Iterable[str] | None = None,
    quotes: Iterable[str] | None = None,
    every_source: bool = True,
) -> tuple[Record, list[CslItem]]:
    """The filter's data for these claim and quote keys (None: all), and the CSL items they cite.

    Keys the database does not hold are left out (the filter reports the one a document cites).
    ``sources`` in the data lists every source key (``every_source``), so a plain ``@KEY`` is
    checked as well; without it, the keys of the items returned.
    """
    claim_rows = _claims_by_key(session, claims)
    data: Record = {"refdb-writing": 1, "claims": {}, "quotes": {}, "sources": []}
    source_ids: set[int] = set()
    by_id = {row.id: row.key for row in claim_rows}
    for claim_id in by_id:
        data["claims"][by_id[claim_id]] = {"for": [], "against": []}
    for chunk in _chunks(list(by_id)):
        for row in session.execute(
            select(Citation.claim_id, Citation.source_id, Source.key, Citation.stance, Citation.locator,
                   Citation.label)
            .join(Source, Source.id == Citation.source_id)
            .where(Citation.claim_id.in_(chunk))
            .order_by(Citation.claim_id, Citation.position)
        ):  # fmt: skip
            group = "for" if row.stance in FOR_STANCES else "against"
            data["claims"][by_id[row.claim_id]][group].append(_cite(row.key, row.locator, row.label))
            source_ids.add(row.source_id)
    for quote in _quotes_by_key(session, quotes):
        data["quotes"][quote["key"]] = {"origin": quote["origin"], "found": quote["found"]}
        source_ids.update(quote["source_ids"])
    items = list(iter_items(session, sorted(source_ids))) if source_ids else []
    if every_source:
        data["sources"] = list(session.scalars(select(Source.key).order_by(Source.key)))
    else:
        data["sources"] = sorted(str(item["id"]) for item in items)
    return data, items


def source_items(session: Session, keys: Iterable[str]) -> list[CslItem]:
    """CSL items for the source keys the database holds (unknown keys are left out)."""
    wanted = sorted(set(keys))
    ids: list[int] = []
    for start in range(0, len(wanted), _CHUNK):
        ids += session.scalars(select(Source.id).where(Source.key.in_(wanted[start : start + _CHUNK])))
    return list(iter_items(session, sorted(ids))) if ids else []


def _claims_by_key(session: Session, keys: Iterable[str] | None) -> list[Any]:
    query = select(Claim.id, Claim.key)
    if keys is None:
        return list(session.execute(query.order_by(Claim.key)))
    wanted = sorted(set(keys))
    rows: list[Any] = []
    for start in range(0, len(wanted), _CHUNK):
        rows += session.execute(query.where(Claim.key.in_(wanted[start : start + _CHUNK])))
    return sorted(rows, key=lambda row: row.key)


def _quotes_by_key(session: Session, keys: Iterable[str] | None) -> list[Record]:
    origin, found = aliased(Source), aliased(Source)
    query = (
        select(Quote.key, origin.id.label("oid"), origin.key.label("okey"), Quote.origin_locator,
               Quote.origin_label, found.id.label("fid"), found.key.label("fkey"), Quote.found_locator,
               Quote.found_label)
        .outerjoin(origin, origin.id == Quote.origin_source_id)
        .outerjoin(found, found.id == Quote.found_source_id)
    )  # fmt: skip
    if keys is None:
        rows = list(session.execute(query.order_by(Quote.key)))
    else:
        wanted = sorted(set(keys))
        rows = []
        for start in range(0, len(wanted), _CHUNK):
            rows += session.execute(query.where(Quote.key.in_(wanted[start : start + _CHUNK])))
    return [
        {
            "key": r.key,
            "origin": _cite(r.okey, r.origin_locator, r.origin_label) if r.okey else None,
            "found": _cite(r.fkey, r.found_locator, r.found_label) if r.fkey else None,
            "source_ids": [i for i in (r.oid, r.fid) if i is not None],
        }
        for r in rows
    ]


# --- the dossier ----------------------------------------------------------------------------------


def select_claims(
    session: Session, *, claims: Sequence[str] = (), tags: Sequence[str] = (), sources: Sequence[str] = ()
) -> list[int]:
    """Claim ids, sorted by key: the named claims, those with any named tag, those citing any named
    source (a key, an author's name or title words); every claim when nothing is named."""
    if not claims and not tags and not sources:
        return list(session.scalars(select(Claim.id).order_by(Claim.key)))
    ids: set[int] = set()
    for key in claims:
        ids.add(lookup.get_claim(session, key.strip()).id)
    for tag in tags:
        tag_id = lookup.get_tag(session, tag.strip().lower()).id
        ids.update(session.scalars(select(ClaimTag.claim_id).where(ClaimTag.tag_id == tag_id)))
    for source in sources:
        matching = list(session.scalars(lookup.source_ids(session, source)))
        if not matching:
            raise NotFoundError(f"no source matches '{source}'")
        for chunk in _chunks(matching):
            ids.update(session.scalars(select(Citation.claim_id).where(Citation.source_id.in_(chunk))))
    ordered: list[tuple[str, int]] = []
    for chunk in _chunks(sorted(ids)):
        ordered += [(k, i) for i, k in session.execute(select(Claim.id, Claim.key).where(Claim.id.in_(chunk)))]
    return [claim_id for _, claim_id in sorted(ordered)]


def dossier_records(session: Session, claim_ids: Sequence[int]) -> tuple[list[Record], list[CslItem]]:
    """Every selected claim with what a dossier prints of it, and the CSL items of what they cite."""
    claims: dict[int, Record] = {}
    for chunk in _chunks(list(claim_ids)):
        for row in session.execute(
            select(Claim.id, Claim.key, Claim.kind, Claim.text, Claim.note).where(Claim.id.in_(chunk))
        ):
            claims[row.id] = {
                "key": row.key, "kind": row.kind, "text": row.text, "note": row.note, "tags": [],
                "about": [], "citations": [], "quotes": [], "comments": [], "relations": [], "curated": [],
            }  # fmt: skip
    ids = [i for i in claim_ids if i in claims]
    source_ids: set[int] = set()
    quote_ids: dict[int, list[int]] = defaultdict(list)
    other = aliased(Claim)
    origin, found = aliased(Source), aliased(Source)
    for chunk in _chunks(ids):
        for claim_id, label in session.execute(
            select(ClaimTag.claim_id, Tag.label).join(Tag, Tag.id == ClaimTag.tag_id)
            .where(ClaimTag.claim_id.in_(chunk)).order_by(ClaimTag.claim_id, Tag.key)
        ):  # fmt: skip
            claims[claim_id]["tags"].append(label)
        for claim_id, name in session.execute(
            select(ClaimSubject.claim_id, Person.display_name).join(Person, Person.id == ClaimSubject.person_id)
            .where(ClaimSubject.claim_id.in_(chunk)).order_by(ClaimSubject.claim_id, ClaimSubject.position)
        ):  # fmt: skip
            claims[claim_id]["about"].append(name)
        for cit in session.execute(
            select(Citation.claim_id, Citation.source_id, Source.key, Citation.stance, Citation.locator,
                   Citation.label, Citation.anchor_exact, Citation.note)
            .join(Source, Source.id == Citation.source_id)
            .where(Citation.claim_id.in_(chunk)).order_by(Citation.claim_id, Citation.position)
        ):  # fmt: skip
            claims[cit.claim_id]["citations"].append(
                {"source": cit.key, "stance": cit.stance, "locator": cit.locator, "label": cit.label or "page",
                 "anchor": cit.anchor_exact, "note": cit.note}
            )  # fmt: skip
            source_ids.add(cit.source_id)
        for q in session.execute(
            select(QuoteClaim.claim_id, Quote.id, Quote.key, Quote.text, Person.display_name, Quote.note,
                   Quote.language, origin.id.label("oid"), origin.key.label("okey"), Quote.origin_locator,
                   Quote.origin_label, found.id.label("fid"), found.key.label("fkey"), Quote.found_locator,
                   Quote.found_label)
            .join(Quote, Quote.id == QuoteClaim.quote_id)
            .outerjoin(Person, Person.id == Quote.speaker_id)
            .outerjoin(origin, origin.id == Quote.origin_source_id)
            .outerjoin(found, found.id == Quote.found_source_id)
            .where(QuoteClaim.claim_id.in_(chunk)).order_by(QuoteClaim.claim_id, Quote.key)
        ):  # fmt: skip
            claims[q.claim_id]["quotes"].append(
                {"key": q.key, "text": q.text, "speaker": q.display_name, "note": q.note, "language": q.language,
                 "origin": _cite(q.okey, q.origin_locator, q.origin_label) if q.okey else None,
                 "found": _cite(q.fkey, q.found_locator, q.found_label) if q.fkey else None}
            )  # fmt: skip
            quote_ids[q.id].append(q.claim_id)
            source_ids.update(i for i in (q.oid, q.fid) if i is not None)
        answered = aliased(Source)
        cited = aliased(Source)
        for cm in session.execute(
            select(CommentClaim.claim_id, CommentClaim.stance, CommentClaim.note.label("link_note"), Comment.key,
                   Comment.text, Comment.note, Person.display_name, Comment.author_label, Comment.date_year,
                   Comment.date_month, Comment.date_day, answered.key.label("answers"),
                   cited.id.label("cid"), cited.key.label("ckey"))
            .join(Comment, Comment.id == CommentClaim.comment_id)
            .outerjoin(Person, Person.id == Comment.author_id)
            .join(answered, answered.id == Comment.answers_source_id)
            .outerjoin(cited, cited.id == Comment.source_id)
            .where(CommentClaim.claim_id.in_(chunk)).order_by(CommentClaim.claim_id, Comment.key)
        ):  # fmt: skip
            claims[cm.claim_id]["comments"].append(
                {"key": cm.key, "text": cm.text, "author": cm.display_name or cm.author_label or "anonymous",
                 "date": _date(cm.date_year, cm.date_month, cm.date_day), "stance": cm.stance,
                 "link_note": cm.link_note, "note": cm.note, "answers": cm.answers, "source": cm.ckey}
            )  # fmt: skip
            if cm.cid is not None:
                source_ids.add(cm.cid)
        for direction, mine, theirs in (
            ("out", ClaimRelation.from_claim_id, ClaimRelation.to_claim_id),
            ("in", ClaimRelation.to_claim_id, ClaimRelation.from_claim_id),
        ):
            for claim_id, relation, key, text, note in session.execute(
                select(mine, ClaimRelation.relation, other.key, other.text, ClaimRelation.note)
                .join(other, other.id == theirs)
                .where(mine.in_(chunk)).order_by(mine, other.key)
            ):  # fmt: skip
                claims[claim_id]["relations"].append(
                    {"direction": direction, "relation": relation, "claim": key, "text": text, "note": note}
                )
    _add_curation(session, claims, source_ids, quote_ids)
    items = list(iter_items(session, sorted(source_ids))) if source_ids else []
    return [claims[i] for i in ids], items


def _add_curation(
    session: Session, claims: dict[int, Record], source_ids: set[int], quote_ids: dict[int, list[int]]
) -> None:
    """Each claim's curated fields, and those of the sources and quotes it cites, with the basis."""
    by_claim: dict[int, list[Record]] = defaultdict(list)
    for chunk in _chunks(list(claims)):
        for record_id, field, basis in session.execute(
            select(Curation.record_id, Curation.field, Curation.basis)
            .where(Curation.record_kind == "claim", Curation.record_id.in_(chunk))
            .order_by(Curation.record_id, Curation.field)
        ):
            by_claim[record_id].append({"record": "claim", "key": claims[record_id]["key"], "field": field,
                                        "basis": basis})  # fmt: skip
    source_curation: dict[str, list[Record]] = defaultdict(list)
    for chunk in _chunks(sorted(source_ids)):
        for key, field, basis in session.execute(
            select(Source.key, Curation.field, Curation.basis)
            .join(Source, Source.id == Curation.record_id)
            .where(Curation.record_kind == "source", Curation.record_id.in_(chunk))
            .order_by(Source.key, Curation.field)
        ):
            source_curation[key].append({"record": "source", "key": key, "field": field, "basis": basis})
    quote_curation: dict[str, list[Record]] = defaultdict(list)
    for chunk in _chunks(sorted(quote_ids)):
        for key, field, basis in session.execute(
            select(Quote.key, Curation.field, Curation.basis)
            .join(Quote, Quote.id == Curation.record_id)
            .where(Curation.record_kind == "quote", Curation.record_id.in_(chunk))
            .order_by(Quote.key, Curation.field)
        ):
            quote_curation[key].append({"record": "quote", "key": key, "field": field, "basis": basis})
    for claim_id, claim in claims.items():
        curated = list(by_claim.get(claim_id, []))
        seen: set[str] = set()
        for citation in claim["citations"]:
            if citation["source"] not in seen:
                seen.add(citation["source"])
                curated += source_curation.get(citation["source"], [])
        for quote in claim["quotes"]:
            curated += quote_curation.get(quote["key"], [])
        claim["curated"] = curated


def _date(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None:
        return None
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
