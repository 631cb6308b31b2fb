"""Load a dataset into the database, and export the database as a dataset.

``load_dataset`` hands the records to the one writer (``services.store``): records are matched by
key, new ones added, changed ones updated, identical ones left alone, nothing deleted, so loading
the same file twice changes nothing.  ``export_dataset`` reads the tables back into records of the
definition, table by table (no query per record).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from refdb.models import (
    KEYED,
    Citation,
    Claim,
    ClaimRelation,
    ClaimSubject,
    ClaimTag,
    CommentClaim,
    Contributor,
    Curation,
    Person,
    PersonName,
    QuoteClaim,
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
from refdb.records.defs import date_text
from refdb.services.store import SCALARS, LoadReport, write


def load_dataset(session: Session, dataset: Dataset) -> LoadReport:
    """Merge a parsed dataset into the database (the caller owns the transaction)."""
    return write(session, dataset)


def _scalars(kind: str, row: Any) -> dict[str, Any]:
    """A record's own fields from its table row, by the definition's field-to-column mapping."""
    return {attr: getattr(row, column) for attr, column in SCALARS[kind]}


def export_dataset(session: Session, only: tuple[str, str] | None = None) -> Dataset:
    """The whole database as dataset records, read table by table (no query per record).

    ``only=(kind, key)`` exports that one record (kind: person, source, tag, claim, quote, comment).
    """
    models: dict[str, Any] = dict(KEYED)

    def rows(kind: str) -> Any:
        model = models[kind]
        if only is None:
            return session.scalars(select(model))
        if only[0] != kind:
            return []
        return session.scalars(select(model).where(model.key == only[1]))

    def links(query: Any, column: Any, kind: str) -> Any:
        if only is None:
            return session.scalars(query)
        if only[0] != kind:
            return []
        model = models[kind]
        return session.scalars(query.where(column.in_(select(model.id).where(model.key == only[1]))))

    person_key = dict(session.execute(select(Person.id, Person.key)).all())
    source_key = dict(session.execute(select(Source.id, Source.key)).all())
    tag_key = dict(session.execute(select(Tag.id, Tag.key)).all())
    claim_key = dict(session.execute(select(Claim.id, Claim.key)).all())

    curated: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    curation_query = select(Curation)
    if only is not None:
        curation_query = curation_query.where(
            Curation.record_kind == only[0],
            Curation.record_id.in_(select(models[only[0]].id).where(models[only[0]].key == only[1])),
        )
    for row in session.scalars(curation_query):
        curated[(row.record_kind, row.record_id)][row.field] = row.basis

    variants: dict[int, list[NameRec]] = defaultdict(list)
    for n in links(
        select(PersonName).order_by(PersonName.person_id, PersonName.id), PersonName.person_id, "person"
    ):
        if n.kind not in DERIVED_NAME_KINDS:
            variants[n.person_id].append(NameRec(name=n.name, kind=n.kind, scheme=n.scheme, note=n.note))
    people = [
        PersonRec(**_scalars("person", p), variants=variants[p.id], curated=curated[("person", p.id)])
        for p in rows("person")
    ]

    contributors: dict[int, list[ContributorRec]] = defaultdict(list)
    for c in links(
        select(Contributor).order_by(Contributor.source_id, Contributor.role, Contributor.position),
        Contributor.source_id,
        "source",
    ):
        contributors[c.source_id].append(ContributorRec(person=person_key[c.person_id], role=c.role))
    aliases: dict[int, list[str]] = defaultdict(list)
    for a in links(select(SourceAlias).order_by(SourceAlias.source_id, SourceAlias.id), SourceAlias.source_id,
                   "source"):  # fmt: skip
        aliases[a.source_id].append(a.alias)
    sources = [
        SourceRec(
            **_scalars("source", s),
            contributors=contributors[s.id],
            aliases=aliases[s.id],
            issued=date_text((s.issued_year, s.issued_month, s.issued_day)) if s.issued_year is not None
            else s.issued_literal,
            curated=curated[("source", s.id)],
        )
        for s in rows("source")
    ]
    tags = [TagRec(**_scalars("tag", t)) for t in rows("tag")]

    claim_tags: dict[int, list[str]] = defaultdict(list)
    for ct in links(select(ClaimTag), ClaimTag.claim_id, "claim"):
        claim_tags[ct.claim_id].append(tag_key[ct.tag_id])
    subjects: dict[int, list[str]] = defaultdict(list)
    for cs in links(
        select(ClaimSubject).order_by(ClaimSubject.claim_id, ClaimSubject.position),
        ClaimSubject.claim_id,
        "claim",
    ):
        subjects[cs.claim_id].append(person_key[cs.person_id])
    citations: dict[int, list[CitationRec]] = defaultdict(list)
    for cit in links(
        select(Citation).order_by(Citation.claim_id, Citation.position), Citation.claim_id, "claim"
    ):
        anchor = (
            Anchor(exact=cit.anchor_exact, prefix=cit.anchor_prefix, suffix=cit.anchor_suffix)
            if cit.anchor_exact is not None
            else None
        )
        citations[cit.claim_id].append(
            CitationRec(
                source=source_key[cit.source_id],
                stance=cit.stance,
                locator=cit.locator,
                label=cit.label,
                anchor=anchor,
                note=cit.note,
            )
        )
    relations: dict[int, list[RelationRec]] = defaultdict(list)
    for rel in links(select(ClaimRelation), ClaimRelation.from_claim_id, "claim"):
        relations[rel.from_claim_id].append(
            RelationRec(relation=rel.relation, claim=claim_key[rel.to_claim_id], note=rel.note)
        )
    claims = [
        ClaimRec(
            **_scalars("claim", c),
            tags=claim_tags[c.id],
            about=subjects[c.id],
            citations=citations[c.id],
            relations=relations[c.id],
            curated=curated[("claim", c.id)],
        )
        for c in rows("claim")
    ]

    quote_claims: dict[int, list[str]] = defaultdict(list)
    for qc in links(select(QuoteClaim), QuoteClaim.quote_id, "quote"):
        quote_claims[qc.quote_id].append(claim_key[qc.claim_id])
    quotes = []
    for q in rows("quote"):
        context: Context | None = None
        if q.anchor_prefix is not None or q.anchor_suffix is not None:
            context = Context(prefix=q.anchor_prefix, suffix=q.anchor_suffix)
        quotes.append(
            QuoteRec(
                **_scalars("quote", q),
                speaker=person_key[q.speaker_id] if q.speaker_id else None,
                origin=PlaceRec(source=source_key[q.origin_source_id], locator=q.origin_locator,
                                label=q.origin_label) if q.origin_source_id else None,
                found_in=PlaceRec(source=source_key[q.found_source_id], locator=q.found_locator,
                                  label=q.found_label) if q.found_source_id else None,
                anchor=context,
                claims=quote_claims[q.id],
                curated=curated[("quote", q.id)],
            )
        )

    disputes: dict[int, list[DisputeRec]] = defaultdict(list)
    for cc in links(select(CommentClaim), CommentClaim.comment_id, "comment"):
        disputes[cc.comment_id].append(
            DisputeRec(claim=claim_key[cc.claim_id], stance=cc.stance, note=cc.note)
        )
    comments = []
    for cm in rows("comment"):
        anchor_c: Context | None = None
        if cm.anchor_prefix is not None or cm.anchor_suffix is not None:
            anchor_c = Context(prefix=cm.anchor_prefix, suffix=cm.anchor_suffix)
        comments.append(
            CommentRec(
                **_scalars("comment", cm),
                answers=source_key[cm.answers_source_id],
                author=person_key[cm.author_id] if cm.author_id else None,
                date=date_text((cm.date_year, cm.date_month, cm.date_day)) if cm.date_year is not None else None,
                source=source_key[cm.source_id] if cm.source_id else None,
                anchor=anchor_c,
                disputes=disputes[cm.id],
                curated=curated[("comment", cm.id)],
            )
        )
    return Dataset(
        people=people, sources=sources, tags=tags, claims=claims, quotes=quotes, comments=comments
    )


