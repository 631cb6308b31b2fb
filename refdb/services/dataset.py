"""Load a dataset into the database, and export the database as a dataset.

``load_dataset`` merges: records are matched by key, new ones added, changed ones updated,
identical ones left alone, nothing deleted, so loading the same file twice changes nothing.
Every reference (a claim citing a source key) must resolve in the file or the database, and
every anchor must match its source's text once; otherwise an InputError names the record and
the caller's transaction rolls the whole load back.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from refdb.errors import InputError
from refdb.formats import dataset as fmt
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
    Person,
    PersonName,
    Quote,
    QuoteClaim,
    Source,
    Tag,
)
from refdb.models.people import DERIVED_NAME_KINDS
from refdb.services import anchors
from refdb.textnorm import has_cyrillic, padded, romanize


@dataclass
class LoadReport:
    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        kinds = ["person", "source", "tag", "claim", "quote", "comment"]
        parts = []
        for label, counter in (
            ("added", self.added),
            ("updated", self.updated),
            ("unchanged", self.unchanged),
        ):
            total = sum(counter.values())
            detail = ", ".join(_plural(counter[k], k) for k in kinds if counter[k])
            parts.append(f"{label} {total}" + (f" ({detail})" if detail else ""))
        return "; ".join(parts)


def _set(obj: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _date_parts(date: fmt.PartialDate | None) -> tuple[int | None, int | None, int | None]:
    return date if date is not None else (None, None, None)


def person_name_rows(
    person: Person, variants: Iterable[fmt.NameRec]
) -> list[tuple[str, str, str | None, str | None]]:
    """Every name a person goes by, as (name, kind, scheme, note): display, native, then variants."""
    rows: list[tuple[str, str, str | None, str | None]] = [(person.display_name, "display", None, None)]
    if person.native_name:
        rows.append((person.native_name, "native", None, None))
    variants = list(variants)
    rows.extend((v.name, v.kind, v.scheme, v.note) for v in variants)
    cyrillic = next((n for n in (person.native_name, person.display_name) if n and has_cyrillic(n)), None)
    if cyrillic:
        known = {padded(name) for name, *_ in rows}
        for scheme in ("ALA-LC", "common English"):
            latin = romanize(cyrillic, scheme)
            if padded(latin) not in known:
                rows.append((latin, "romanized", scheme, None))
                known.add(padded(latin))
    return rows


def sync_person_names(session: Session, person: Person, variants: Iterable[fmt.NameRec]) -> bool:
    desired = person_name_rows(person, variants)
    current = [(n.name, n.kind, n.scheme, n.note) for n in person.names]
    if current == desired:
        return False
    person.names.clear()
    session.flush()
    for name, kind, scheme, note in desired:
        person.names.append(PersonName(name=name, kind=kind, scheme=scheme, note=note, norm=padded(name)))
    return True


class _Loader:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.report = LoadReport()
        self.people: dict[str, Person] = {}
        self.sources: dict[str, Source] = {}
        self.tags: dict[str, Tag] = {}
        self.claims: dict[str, Claim] = {}

    # -- lookups that see both the file and the database ------------------------------------
    def _get(self, model: Any, cache: dict[str, Any], key: str, what: str, loc: str) -> Any:
        if key not in cache:
            obj = self.session.scalar(select(model).where(model.key == key))
            if obj is None:
                raise InputError(f"unknown {what} '{key}' (not in the file or the database)", location=loc)
            cache[key] = obj
        return cache[key]

    def person(self, key: str, loc: str) -> Person:
        return self._get(Person, self.people, key, "person", loc)  # type: ignore[no-any-return]

    def source(self, key: str, loc: str) -> Source:
        return self._get(Source, self.sources, key, "source", loc)  # type: ignore[no-any-return]

    def tag(self, key: str, loc: str) -> Tag:
        return self._get(Tag, self.tags, key, "tag", loc)  # type: ignore[no-any-return]

    def claim(self, key: str, loc: str) -> Claim:
        return self._get(Claim, self.claims, key, "claim", loc)  # type: ignore[no-any-return]

    def _existing(self, model: Any, keys: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for obj in self.session.scalars(select(model).where(model.key.in_(chunk))):
                found[obj.key] = obj
        return found

    def _tally(self, kind: str, is_new: bool, changed: bool) -> None:
        counter = self.report.added if is_new else self.report.updated if changed else self.report.unchanged
        counter[kind] += 1

    def _curation(self, kind: str, record_id: int, curated: dict[str, str]) -> bool:
        rows = self.session.scalars(
            select(Curation).where(Curation.record_kind == kind, Curation.record_id == record_id)
        ).all()
        if {r.field: r.basis for r in rows} == curated:
            return False
        for row in rows:
            self.session.delete(row)
        self.session.flush()
        self.session.add_all(
            Curation(record_kind=kind, record_id=record_id, field=f, basis=b)
            for f, b in sorted(curated.items())
        )
        return True

    # -- sections ------------------------------------------------------------------------------
    def load_people(self, records: list[fmt.PersonRec]) -> None:
        existing = self._existing(Person, [r.key for r in records])
        for rec in records:
            person = existing.get(rec.key)
            is_new = person is None
            if person is None:
                person = Person(key=rec.key, display_name=rec.name)
                self.session.add(person)
            changed = _set(
                person,
                {
                    "display_name": rec.name,
                    "family": rec.family,
                    "given": rec.given,
                    "particle": rec.particle,
                    "native_name": rec.native,
                    "note": rec.note,
                },
            )
            self.session.flush()
            changed |= sync_person_names(self.session, person, rec.variants)
            changed |= self._curation("person", person.id, rec.curated)
            self.people[rec.key] = person
            self._tally("person", is_new, changed)

    def load_sources(self, records: list[fmt.SourceRec]) -> None:
        existing = self._existing(Source, [r.key for r in records])
        for rec in records:
            source = existing.get(rec.key)
            is_new = source is None
            if source is None:
                source = Source(key=rec.key, csl_type=rec.type, title=rec.title, title_norm="")
                self.session.add(source)
            year, month, day = _date_parts(rec.issued)
            changed = _set(
                source,
                {
                    "csl_type": rec.type,
                    "source_class": rec.source_class,
                    "genre": rec.genre,
                    "title": rec.title,
                    "short_title": rec.short_title,
                    "container_title": rec.container_title,
                    "publisher": rec.publisher,
                    "place": rec.place,
                    "issued_year": year,
                    "issued_month": month,
                    "issued_day": day,
                    "issued_literal": rec.issued_literal,
                    "edition": rec.edition,
                    "volume": rec.volume,
                    "issue": rec.issue,
                    "pages": rec.pages,
                    "url": rec.url,
                    "isbn": rec.isbn,
                    "doi": rec.doi,
                    "language": rec.language,
                    "note": rec.note,
                    "text": rec.text,
                    "title_norm": padded(" ".join(filter(None, [rec.title, rec.short_title]))),
                },
            )
            desired = [
                (c.role, i, self.person(c.person, rec.loc).id)
                for i, c in enumerate([c for c in rec.contributors], start=1)
            ]
            desired = _renumber_by_role(desired)
            current = sorted((c.role, c.position, c.person_id) for c in source.contributors)
            if current != sorted(desired):
                source.contributors.clear()
                self.session.flush()
                source.contributors.extend(
                    Contributor(role=role, position=pos, person_id=pid) for role, pos, pid in desired
                )
                changed = True
            self.session.flush()
            changed |= self._curation("source", source.id, rec.curated)
            self.sources[rec.key] = source
            self._tally("source", is_new, changed)

    def load_tags(self, records: list[fmt.TagRec]) -> None:
        existing = self._existing(Tag, [r.key for r in records])
        for rec in records:
            tag = existing.get(rec.key)
            is_new = tag is None
            if tag is None:
                tag = Tag(key=rec.key, label=rec.label)
                self.session.add(tag)
            changed = _set(tag, {"label": rec.label, "description": rec.description})
            self.tags[rec.key] = tag
            self._tally("tag", is_new, changed)
        self.session.flush()

    def load_claims(self, records: list[fmt.ClaimRec]) -> None:
        existing = self._existing(Claim, [r.key for r in records])
        for rec in records:  # first pass: the claims themselves, so relations can point at any
            claim = existing.get(rec.key)
            if claim is None:
                claim = Claim(key=rec.key, text=rec.text, kind=rec.kind)
                self.session.add(claim)
            self.claims[rec.key] = claim
        self.session.flush()
        for rec in records:
            claim = self.claims[rec.key]
            is_new = rec.key not in existing
            changed = _set(claim, {"text": rec.text, "kind": rec.kind, "note": rec.note})
            changed |= self._sync_links(
                ClaimTag,
                ClaimTag.claim_id == claim.id,
                ("tag_id",),
                [(self.tag(t, rec.loc).id,) for t in rec.tags],
                lambda v, c=claim: ClaimTag(claim_id=c.id, tag_id=v[0]),
                ordered=False,
            )
            changed |= self._sync_links(
                ClaimSubject,
                ClaimSubject.claim_id == claim.id,
                ("person_id", "position"),
                [(self.person(p, rec.loc).id, i) for i, p in enumerate(rec.about, start=1)],
                lambda v, c=claim: ClaimSubject(claim_id=c.id, person_id=v[0], position=v[1]),
            )
            changed |= self._sync_citations(claim, rec)
            changed |= self._sync_links(
                ClaimRelation,
                ClaimRelation.from_claim_id == claim.id,
                ("to_claim_id", "relation", "note"),
                [(self._related(rec, r), r.relation, r.note) for r in rec.relations],
                lambda v, c=claim: ClaimRelation(
                    from_claim_id=c.id, to_claim_id=v[0], relation=v[1], note=v[2]
                ),
                ordered=False,
            )
            changed |= self._curation("claim", claim.id, rec.curated)
            self._tally("claim", is_new, changed)

    def _related(self, rec: fmt.ClaimRec, rel: fmt.RelationRec) -> int:
        if rel.claim == rec.key:
            raise InputError(
                f"claim {rec.key}: a claim cannot be related to itself ({rel.relation})", location=rel.loc
            )
        return self.claim(rel.claim, rel.loc).id

    def _sync_citations(self, claim: Claim, rec: fmt.ClaimRec) -> bool:
        desired = []
        for position, cit in enumerate(rec.citations, start=1):
            source = self.source(cit.source, cit.loc)
            exact = prefix = suffix = None
            start = None
            if cit.anchor is not None:
                exact, prefix, suffix = cit.anchor.exact, cit.anchor.prefix, cit.anchor.suffix
                assert exact is not None
                start = anchors.verify(
                    source.text,
                    exact,
                    prefix,
                    suffix,
                    what=f"claim {rec.key}",
                    source_key=source.key,
                    loc=cit.loc,
                )
            desired.append(
                (
                    source.id,
                    position,
                    cit.stance,
                    cit.locator,
                    cit.label,
                    exact,
                    prefix,
                    suffix,
                    start,
                    cit.note,
                )
            )
        current = [
            (
                c.source_id,
                c.position,
                c.stance,
                c.locator,
                c.label,
                c.anchor_exact,
                c.anchor_prefix,
                c.anchor_suffix,
                c.anchor_start,
                c.note,
            )
            for c in claim.citations
        ]
        if current == desired:
            return False
        claim.citations.clear()
        self.session.flush()
        fields = (
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
        )
        claim.citations.extend(Citation(**dict(zip(fields, row, strict=True))) for row in desired)
        return True

    def _sync_links(
        self,
        model: Any,
        where: Any,
        cols: tuple[str, ...],
        desired: list[tuple[Any, ...]],
        make: Any,
        *,
        ordered: bool = True,
    ) -> bool:
        rows = self.session.scalars(select(model).where(where)).all()
        current = [tuple(getattr(r, c) for c in cols) for r in rows]
        same = sorted(current, key=repr) == sorted(desired, key=repr)
        if same:
            return False
        self.session.execute(delete(model).where(where))
        self.session.add_all(make(v) for v in desired)
        self.session.flush()
        return True

    def load_quotes(self, records: list[fmt.QuoteRec]) -> None:
        existing = self._existing(Quote, [r.key for r in records])
        for rec in records:
            quote = existing.get(rec.key)
            is_new = quote is None
            if quote is None:
                quote = Quote(key=rec.key, text=rec.text)
                self.session.add(quote)
            origin = self.source(rec.origin.source, rec.loc) if rec.origin else None
            found = self.source(rec.found_in.source, rec.loc) if rec.found_in else None
            start = None
            if found is not None and (found.text is not None or rec.anchor is not None):
                # the quote's own text is the exact part of its anchor; without prefix/suffix it must be unique
                start = anchors.verify(
                    found.text,
                    rec.text,
                    rec.anchor.prefix if rec.anchor else None,
                    rec.anchor.suffix if rec.anchor else None,
                    what=f"quote {rec.key}",
                    source_key=found.key,
                    loc=rec.loc,
                )
            elif rec.anchor is not None:
                raise InputError(f"quote {rec.key}: an anchor needs found_in", location=rec.loc)
            changed = _set(
                quote,
                {
                    "text": rec.text,
                    "speaker_id": self.person(rec.speaker, rec.loc).id if rec.speaker else None,
                    "origin_source_id": origin.id if origin else None,
                    "origin_locator": rec.origin.locator if rec.origin else None,
                    "origin_label": rec.origin.label if rec.origin else None,
                    "found_source_id": found.id if found else None,
                    "found_locator": rec.found_in.locator if rec.found_in else None,
                    "found_label": rec.found_in.label if rec.found_in else None,
                    "anchor_prefix": rec.anchor.prefix if rec.anchor else None,
                    "anchor_suffix": rec.anchor.suffix if rec.anchor else None,
                    "anchor_start": start,
                    "language": rec.language,
                    "note": rec.note,
                },
            )
            self.session.flush()
            changed |= self._sync_links(
                QuoteClaim,
                QuoteClaim.quote_id == quote.id,
                ("claim_id",),
                [(self.claim(c, rec.loc).id,) for c in rec.claims],
                lambda v, q=quote: QuoteClaim(quote_id=q.id, claim_id=v[0]),
                ordered=False,
            )
            changed |= self._curation("quote", quote.id, rec.curated)
            self._tally("quote", is_new, changed)

    def load_comments(self, records: list[fmt.CommentRec]) -> None:
        existing = self._existing(Comment, [r.key for r in records])
        for rec in records:
            comment = existing.get(rec.key)
            is_new = comment is None
            answers = self.source(rec.answers, rec.loc)
            if comment is None:
                comment = Comment(key=rec.key, text=rec.text, answers_source_id=answers.id)
                self.session.add(comment)
            start = None
            if rec.anchor is not None:  # where the comment stands in the text it answers
                start = anchors.verify(
                    answers.text,
                    rec.text,
                    rec.anchor.prefix,
                    rec.anchor.suffix,
                    what=f"comment {rec.key}",
                    source_key=answers.key,
                    loc=rec.loc,
                )
            year, month, day = _date_parts(rec.date)
            changed = _set(
                comment,
                {
                    "text": rec.text,
                    "author_id": self.person(rec.author, rec.loc).id if rec.author else None,
                    "author_label": rec.author_label,
                    "date_year": year,
                    "date_month": month,
                    "date_day": day,
                    "answers_source_id": answers.id,
                    "source_id": self.source(rec.source, rec.loc).id if rec.source else None,
                    "anchor_prefix": rec.anchor.prefix if rec.anchor else None,
                    "anchor_suffix": rec.anchor.suffix if rec.anchor else None,
                    "anchor_start": start,
                    "note": rec.note,
                },
            )
            self.session.flush()
            changed |= self._sync_links(
                CommentClaim,
                CommentClaim.comment_id == comment.id,
                ("claim_id", "stance", "note"),
                [(self.claim(d.claim, d.loc).id, d.stance, d.note) for d in rec.disputes],
                lambda v, c=comment: CommentClaim(comment_id=c.id, claim_id=v[0], stance=v[1], note=v[2]),
                ordered=False,
            )
            changed |= self._curation("comment", comment.id, rec.curated)
            self._tally("comment", is_new, changed)


def _renumber_by_role(rows: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Positions count from 1 within each role, in file order."""
    counters: Counter[str] = Counter()
    out = []
    for role, _, person_id in rows:
        counters[role] += 1
        out.append((role, counters[role], person_id))
    return out


def load_dataset(session: Session, dataset: fmt.Dataset) -> LoadReport:
    """Merge a parsed dataset into the database (the caller owns the transaction).

    Records the database does not hold yet are bulk-inserted (``services.bulk``); records it holds
    are compared field by field and link by link, and only what differs is written.
    """
    from refdb.services import bulk

    loader = _Loader(session)
    sections = [("person", "people"), ("source", "sources"), ("tag", "tags"), ("claim", "claims"),
                ("quote", "quotes"), ("comment", "comments")]  # fmt: skip
    new: dict[str, list[Any]] = {}
    old: dict[str, list[Any]] = {}
    for kind, section in sections:
        records = getattr(dataset, section)
        existing = set(loader._existing(bulk.MODELS[kind], [r.key for r in records]))
        new[section] = [r for r in records if r.key not in existing]
        old[section] = [r for r in records if r.key in existing]
    total_new = sum(len(v) for v in new.values())
    suspend = total_new >= bulk.BULK_THRESHOLD and bulk.database_is_empty(session)
    if suspend:
        bulk.suspend_index(session)
    inserter = bulk.Bulk(session, loader.report.added)
    for _, section in sections:
        if new[section]:
            getattr(inserter, section)(new[section])
    inserter.finish()
    if suspend:
        bulk.resume_index(session)
    session.flush()
    loader.load_people(old["people"])
    loader.load_sources(old["sources"])
    loader.load_tags(old["tags"])
    loader.load_claims(old["claims"])
    loader.load_quotes(old["quotes"])
    loader.load_comments(old["comments"])
    session.flush()
    return loader.report


# ------------------------------------------------------------------------------------------------
# export


def export_dataset(session: Session, only: tuple[str, str] | None = None) -> fmt.Dataset:
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

    variants: dict[int, list[fmt.NameRec]] = defaultdict(list)
    for n in links(
        select(PersonName).order_by(PersonName.person_id, PersonName.id), PersonName.person_id, "person"
    ):
        if n.kind not in DERIVED_NAME_KINDS:
            variants[n.person_id].append(fmt.NameRec(name=n.name, kind=n.kind, scheme=n.scheme, note=n.note))
    people = [
        fmt.PersonRec(
            key=p.key,
            name=p.display_name,
            family=p.family,
            given=p.given,
            particle=p.particle,
            native=p.native_name,
            variants=variants[p.id],
            note=p.note,
            curated=curated[("person", p.id)],
        )
        for p in rows("person")
    ]

    contributors: dict[int, list[fmt.ContributorRec]] = defaultdict(list)
    for c in links(
        select(Contributor).order_by(Contributor.source_id, Contributor.role, Contributor.position),
        Contributor.source_id,
        "source",
    ):
        contributors[c.source_id].append(fmt.ContributorRec(person=person_key[c.person_id], role=c.role))
    sources = [
        fmt.SourceRec(
            key=s.key,
            type=s.csl_type,
            title=s.title,
            source_class=s.source_class,
            genre=s.genre,
            short_title=s.short_title,
            container_title=s.container_title,
            contributors=contributors[s.id],
            publisher=s.publisher,
            place=s.place,
            issued=(s.issued_year, s.issued_month, s.issued_day) if s.issued_year is not None else None,
            issued_literal=s.issued_literal,
            edition=s.edition,
            volume=s.volume,
            issue=s.issue,
            pages=s.pages,
            url=s.url,
            isbn=s.isbn,
            doi=s.doi,
            language=s.language,
            note=s.note,
            text=s.text,
            curated=curated[("source", s.id)],
        )
        for s in rows("source")
    ]
    tags = [fmt.TagRec(key=t.key, label=t.label, description=t.description) for t in rows("tag")]

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
    citations: dict[int, list[fmt.CitationRec]] = defaultdict(list)
    for cit in links(
        select(Citation).order_by(Citation.claim_id, Citation.position), Citation.claim_id, "claim"
    ):
        anchor = (
            fmt.Anchor(exact=cit.anchor_exact, prefix=cit.anchor_prefix, suffix=cit.anchor_suffix)
            if cit.anchor_exact is not None
            else None
        )
        citations[cit.claim_id].append(
            fmt.CitationRec(
                source=source_key[cit.source_id],
                stance=cit.stance,
                locator=cit.locator,
                label=cit.label,
                anchor=anchor,
                note=cit.note,
            )
        )
    relations: dict[int, list[fmt.RelationRec]] = defaultdict(list)
    for rel in links(select(ClaimRelation), ClaimRelation.from_claim_id, "claim"):
        relations[rel.from_claim_id].append(
            fmt.RelationRec(relation=rel.relation, claim=claim_key[rel.to_claim_id], note=rel.note)
        )
    claims = [
        fmt.ClaimRec(
            key=c.key,
            text=c.text,
            kind=c.kind,
            tags=claim_tags[c.id],
            about=subjects[c.id],
            citations=citations[c.id],
            relations=relations[c.id],
            note=c.note,
            curated=curated[("claim", c.id)],
        )
        for c in rows("claim")
    ]

    quote_claims: dict[int, list[str]] = defaultdict(list)
    for qc in links(select(QuoteClaim), QuoteClaim.quote_id, "quote"):
        quote_claims[qc.quote_id].append(claim_key[qc.claim_id])
    quotes = []
    for q in rows("quote"):
        anchor = None
        if q.anchor_prefix is not None or q.anchor_suffix is not None:
            anchor = fmt.Anchor(prefix=q.anchor_prefix, suffix=q.anchor_suffix)
        quotes.append(
            fmt.QuoteRec(
                key=q.key,
                text=q.text,
                speaker=person_key[q.speaker_id] if q.speaker_id else None,
                origin=fmt.PlaceRec(source_key[q.origin_source_id], q.origin_locator, q.origin_label)
                if q.origin_source_id
                else None,
                found_in=fmt.PlaceRec(source_key[q.found_source_id], q.found_locator, q.found_label)
                if q.found_source_id
                else None,
                anchor=anchor,
                claims=quote_claims[q.id],
                language=q.language,
                note=q.note,
                curated=curated[("quote", q.id)],
            )
        )

    disputes: dict[int, list[fmt.DisputeRec]] = defaultdict(list)
    for cc in links(select(CommentClaim), CommentClaim.comment_id, "comment"):
        disputes[cc.comment_id].append(
            fmt.DisputeRec(claim=claim_key[cc.claim_id], stance=cc.stance, note=cc.note)
        )
    comments = []
    for cm in rows("comment"):
        anchor = None
        if cm.anchor_prefix is not None or cm.anchor_suffix is not None:
            anchor = fmt.Anchor(prefix=cm.anchor_prefix, suffix=cm.anchor_suffix)
        comments.append(
            fmt.CommentRec(
                key=cm.key,
                text=cm.text,
                answers=source_key[cm.answers_source_id],
                author=person_key[cm.author_id] if cm.author_id else None,
                author_label=cm.author_label,
                date=(cm.date_year, cm.date_month, cm.date_day) if cm.date_year is not None else None,
                source=source_key[cm.source_id] if cm.source_id else None,
                anchor=anchor,
                disputes=disputes[cm.id],
                note=cm.note,
                curated=curated[("comment", cm.id)],
            )
        )
    return fmt.Dataset(
        people=people, sources=sources, tags=tags, claims=claims, quotes=quotes, comments=comments
    )


def _plural(n: int, kind: str) -> str:
    if n == 1:
        return f"1 {kind}"
    return f"{n} {'people' if kind == 'person' else kind + 's'}"
