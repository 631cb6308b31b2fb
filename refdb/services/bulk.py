"""Bulk insertion of new dataset records: one INSERT per table per section, not one ORM object each.

``load_dataset`` sends the records whose keys the database does not hold yet here, and the
records it already holds through the comparing loader.  References are resolved against this
load's new records and the database (prefetched in chunks), anchors are verified exactly as the
loader verifies them, and unknown references are InputErrors naming the record.

Loading into an empty database suspends the full-text triggers and rebuilds the index once at the
end, in the same transaction (the triggers make bulk inserts ~14x slower).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from refdb.db import fts
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
from refdb.services import anchors
from refdb.textnorm import padded

MODELS: dict[str, Any] = dict(KEYED)
CHUNK = 500
BULK_THRESHOLD = 1000  # records in an empty database before the index is rebuilt once instead


class Bulk:
    def __init__(self, session: Session, added: Counter[str]) -> None:
        self.session = session
        self.added = added
        self.ids: dict[str, dict[str, int]] = {kind: {} for kind in MODELS}
        self.texts: dict[int, str | None] = {}
        self.curations: list[dict[str, Any]] = []

    # -- references -----------------------------------------------------------------------------
    def prefetch(self, kind: str, keys: set[str]) -> None:
        model = MODELS[kind]
        missing = sorted(k for k in keys if k not in self.ids[kind])
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            for key, rid in self.session.execute(select(model.key, model.id).where(model.key.in_(chunk))):
                self.ids[kind][key] = rid

    def id(self, kind: str, key: str, loc: str) -> int:
        try:
            return self.ids[kind][key]
        except KeyError:
            raise InputError(
                f"unknown {kind} '{key}' (not in the file or the database)", location=loc
            ) from None

    def source_text(self, source_id: int) -> str | None:
        if source_id not in self.texts:
            self.texts[source_id] = self.session.scalar(select(Source.text).where(Source.id == source_id))
        return self.texts[source_id]

    def _insert(self, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        return insert_rows(self.session, model, rows)

    def _curate(self, kind: str, record_id: int, curated: dict[str, str]) -> None:
        self.curations.extend(
            {"record_kind": kind, "record_id": record_id, "field": f, "basis": b}
            for f, b in sorted(curated.items())
        )

    # -- sections -------------------------------------------------------------------------------
    def people(self, records: list[fmt.PersonRec]) -> None:
        from refdb.services.dataset import person_name_rows

        rows = [{"key": r.key, "display_name": r.name, "family": r.family, "given": r.given,
                 "particle": r.particle, "native_name": r.native, "note": r.note} for r in records]  # fmt: skip
        names: list[dict[str, Any]] = []
        for rec, pid in zip(records, self._insert(Person, rows), strict=True):
            self.ids["person"][rec.key] = pid
            shadow = Person(display_name=rec.name, native_name=rec.native)
            for name, kind, scheme, note in person_name_rows(shadow, rec.variants):
                names.append({"person_id": pid, "name": name, "kind": kind, "scheme": scheme, "note": note,
                              "norm": padded(name)})  # fmt: skip
            self._curate("person", pid, rec.curated)
        if names:
            self.session.execute(insert(PersonName), names)
        self.added["person"] += len(records)

    def sources(self, records: list[fmt.SourceRec]) -> None:
        self.prefetch("person", {c.person for r in records for c in r.contributors})
        contributors_of = []
        for rec in records:
            positions: Counter[str] = Counter()
            contributors = []
            for c in rec.contributors:
                positions[c.role] += 1
                contributors.append((c.role, positions[c.role], self.id("person", c.person, rec.loc)))
            contributors_of.append(contributors)
        rows: list[dict[str, Any]] = []
        for r in records:
            year, month, day = r.issued if r.issued is not None else (None, None, None)
            rows.append({
                "key": r.key, "csl_type": r.type, "source_class": r.source_class, "genre": r.genre,
                "title": r.title, "short_title": r.short_title, "container_title": r.container_title,
                "publisher": r.publisher, "place": r.place, "issued_year": year, "issued_month": month,
                "issued_day": day, "issued_literal": r.issued_literal, "edition": r.edition, "volume": r.volume, "issue": r.issue, "pages": r.pages,
                "url": r.url, "isbn": r.isbn, "doi": r.doi, "language": r.language, "note": r.note, "text": r.text,
                "title_norm": padded(" ".join(filter(None, [r.title, r.short_title]))),
            })  # fmt: skip
        links: list[dict[str, Any]] = []
        for rec, sid, contributors in zip(records, self._insert(Source, rows), contributors_of, strict=True):
            self.ids["source"][rec.key] = sid
            self.texts[sid] = rec.text
            links.extend({"source_id": sid, "role": role, "position": pos, "person_id": pid}
                         for role, pos, pid in contributors)  # fmt: skip
            self._curate("source", sid, rec.curated)
        if links:
            self.session.execute(insert(Contributor), links)
        self.added["source"] += len(records)

    def tags(self, records: list[fmt.TagRec]) -> None:
        rows = [{"key": r.key, "label": r.label, "description": r.description} for r in records]
        for rec, tid in zip(records, self._insert(Tag, rows), strict=True):
            self.ids["tag"][rec.key] = tid
        self.added["tag"] += len(records)

    def claims(self, records: list[fmt.ClaimRec]) -> None:
        self.prefetch("tag", {t for r in records for t in r.tags})
        self.prefetch("person", {p for r in records for p in r.about})
        self.prefetch("source", {c.source for r in records for c in r.citations})
        self.prefetch("claim", {rel.claim for r in records for rel in r.relations})
        rows = [{"key": r.key, "text": r.text, "kind": r.kind, "note": r.note} for r in records]
        ids = self._insert(Claim, rows)
        for rec, cid in zip(records, ids, strict=True):
            self.ids["claim"][rec.key] = cid
        tags: list[dict[str, Any]] = []
        subjects: list[dict[str, Any]] = []
        citations: list[dict[str, Any]] = []
        relations: list[dict[str, Any]] = []
        for rec, cid in zip(records, ids, strict=True):
            tags.extend({"claim_id": cid, "tag_id": self.id("tag", t, rec.loc)} for t in rec.tags)
            subjects.extend({"claim_id": cid, "person_id": self.id("person", p, rec.loc), "position": i}
                            for i, p in enumerate(rec.about, start=1))  # fmt: skip
            for position, cit in enumerate(rec.citations, start=1):
                sid = self.id("source", cit.source, cit.loc or rec.loc)
                anchor = cit.anchor
                start = None
                if anchor is not None:
                    assert anchor.exact is not None
                    start = anchors.verify(self.source_text(sid), anchor.exact, anchor.prefix, anchor.suffix,
                                           what=f"claim {rec.key}", source_key=cit.source, loc=cit.loc or rec.loc)  # fmt: skip
                citations.append({
                    "claim_id": cid, "source_id": sid, "position": position, "stance": cit.stance,
                    "locator": cit.locator, "label": cit.label, "note": cit.note,
                    "anchor_exact": anchor.exact if anchor else None, "anchor_prefix": anchor.prefix if anchor else None,
                    "anchor_suffix": anchor.suffix if anchor else None, "anchor_start": start,
                })  # fmt: skip
            for rel in rec.relations:
                if rel.claim == rec.key:
                    raise InputError(
                        f"claim {rec.key}: a claim cannot {rel.relation} itself", location=rel.loc
                    )
                relations.append({"from_claim_id": cid, "to_claim_id": self.id("claim", rel.claim, rel.loc or rec.loc),
                                  "relation": rel.relation, "note": rel.note})  # fmt: skip
            self._curate("claim", cid, rec.curated)
        for model, rows_ in ((ClaimTag, tags), (ClaimSubject, subjects), (Citation, citations),
                             (ClaimRelation, relations)):  # fmt: skip
            if rows_:
                self.session.execute(insert(model), rows_)
        self.added["claim"] += len(records)

    def quotes(self, records: list[fmt.QuoteRec]) -> None:
        self.prefetch("person", {r.speaker for r in records if r.speaker})
        self.prefetch("source", {p.source for r in records for p in (r.origin, r.found_in) if p})
        self.prefetch("claim", {c for r in records for c in r.claims})
        rows: list[dict[str, Any]] = []
        for rec in records:
            found = self.id("source", rec.found_in.source, rec.loc) if rec.found_in else None
            start = None
            prefix = rec.anchor.prefix if rec.anchor else None
            suffix = rec.anchor.suffix if rec.anchor else None
            if found is not None and (self.source_text(found) is not None or rec.anchor is not None):
                assert rec.found_in is not None
                start = anchors.verify(self.source_text(found), rec.text, prefix, suffix, what=f"quote {rec.key}",
                                       source_key=rec.found_in.source, loc=rec.loc)  # fmt: skip
            elif rec.anchor is not None:
                raise InputError(f"quote {rec.key}: an anchor needs found_in", location=rec.loc)
            rows.append({
                "key": rec.key, "text": rec.text,
                "speaker_id": self.id("person", rec.speaker, rec.loc) if rec.speaker else None,
                "origin_source_id": self.id("source", rec.origin.source, rec.loc) if rec.origin else None,
                "origin_locator": rec.origin.locator if rec.origin else None,
                "origin_label": rec.origin.label if rec.origin else None,
                "found_source_id": found, "found_locator": rec.found_in.locator if rec.found_in else None,
                "found_label": rec.found_in.label if rec.found_in else None,
                "anchor_prefix": prefix, "anchor_suffix": suffix, "anchor_start": start,
                "language": rec.language, "note": rec.note,
            })  # fmt: skip
        links: list[dict[str, Any]] = []
        for rec, qid in zip(records, self._insert(Quote, rows), strict=True):
            self.ids["quote"][rec.key] = qid
            links.extend({"quote_id": qid, "claim_id": self.id("claim", c, rec.loc)} for c in rec.claims)
            self._curate("quote", qid, rec.curated)
        if links:
            self.session.execute(insert(QuoteClaim), links)
        self.added["quote"] += len(records)

    def comments(self, records: list[fmt.CommentRec]) -> None:
        self.prefetch("person", {r.author for r in records if r.author})
        self.prefetch("source", {s for r in records for s in (r.answers, r.source) if s})
        self.prefetch("claim", {d.claim for r in records for d in r.disputes})
        rows: list[dict[str, Any]] = []
        for rec in records:
            answers = self.id("source", rec.answers, rec.loc)
            start = None
            if rec.anchor is not None:
                start = anchors.verify(self.source_text(answers), rec.text, rec.anchor.prefix, rec.anchor.suffix,
                                       what=f"comment {rec.key}", source_key=rec.answers, loc=rec.loc)  # fmt: skip
            year, month, day = rec.date if rec.date is not None else (None, None, None)
            rows.append({
                "key": rec.key, "text": rec.text,
                "author_id": self.id("person", rec.author, rec.loc) if rec.author else None,
                "author_label": rec.author_label, "date_year": year, "date_month": month, "date_day": day,
                "answers_source_id": answers,
                "source_id": self.id("source", rec.source, rec.loc) if rec.source else None,
                "anchor_prefix": rec.anchor.prefix if rec.anchor else None,
                "anchor_suffix": rec.anchor.suffix if rec.anchor else None, "anchor_start": start, "note": rec.note,
            })  # fmt: skip
        links: list[dict[str, Any]] = []
        for rec, cid in zip(records, self._insert(Comment, rows), strict=True):
            self.ids["comment"][rec.key] = cid
            links.extend({"comment_id": cid, "claim_id": self.id("claim", d.claim, d.loc or rec.loc),
                          "stance": d.stance, "note": d.note} for d in rec.disputes)  # fmt: skip
            self._curate("comment", cid, rec.curated)
        if links:
            self.session.execute(insert(CommentClaim), links)
        self.added["comment"] += len(records)

    def finish(self) -> None:
        if self.curations:
            self.session.execute(insert(Curation), self.curations)
            self.curations = []


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert keyed rows in one executemany and return their ids, in order.

    Not ``INSERT ... RETURNING``: with ordered results SQLAlchemy sends SQLite one statement per row
    and splices the results (quadratic: 7 s for 10,000 sources); reading the ids back by key is
    linear, and keys are unique.
    """
    if not rows:
        return []
    table = model.__table__
    session.execute(insert(table), rows)
    ids: dict[str, int] = {}
    keys = [row["key"] for row in rows]
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        ids.update(session.execute(select(table.c.key, table.c.id).where(table.c.key.in_(chunk))).all())
    return [ids[key] for key in keys]


def database_is_empty(session: Session) -> bool:
    return not any(
        session.scalar(select(func.count()).select_from(select(model.id).limit(1).subquery()))
        for model in (Source, Claim, Quote, Comment)
    )


def suspend_for(session: Session, kind: str) -> int:
    """Suspend the search triggers for a bulk insert of one kind; returns the id the new rows follow.

    Safe under concurrency: on SQLite the writer holds the database lock, and on PostgreSQL the
    trigger change locks the table against other writers until this transaction ends, so every row
    above the returned id is this transaction's.
    """
    model = MODELS[kind]
    since = session.scalar(select(func.max(model.id))) or 0
    suspend_index(session)
    return int(since)


def resume_for(session: Session, kind: str, since: int) -> None:
    dialect = session.get_bind().dialect.name
    session.execute(text(fts.index_since_sql(dialect, kind)), {"since": since})
    for statement in fts.resume_triggers_statements(dialect):
        session.execute(text(statement))


def suspend_index(session: Session) -> None:
    for statement in fts.suspend_statements(session.get_bind().dialect.name):
        session.execute(text(statement))


def resume_index(session: Session) -> None:
    for statement in fts.resume_statements(session.get_bind().dialect.name):
        session.execute(text(statement))
