"""The read side of the pages a reader browses: one source, one person, a source's anchored passages.

Like ``queries``, each answer is a fixed, small number of statements and plain records out; the
listings themselves (claims, quotes, sources, people) are ``queries``' own, shared with the CLI.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from refdb.dates import format_partial
from refdb.errors import NotFoundError
from refdb.models import (
    Citation,
    Claim,
    ClaimSubject,
    Contributor,
    Person,
    PersonName,
    Source,
    Tag,
)
from refdb.services.queries import _curated, list_comments, list_quotes

Record = dict[str, Any]


def _get(session: Session, model: Any, key: str, what: str) -> Any:
    obj = session.scalar(select(model).where(model.key == key))
    if obj is None:
        shown = key if len(key) <= 80 else key[:77] + "..."
        raise NotFoundError(f"no {what} with key '{shown}'")
    return obj


def source_detail(session: Session, key: str) -> Record:
    """A source's full record, the claims cited to it with locators, its quotes and the comments on it."""
    source: Source = _get(session, Source, key, "source")
    contributors = [
        {"person": pkey, "name": name, "role": role}
        for pkey, name, role in session.execute(
            select(Person.key, Person.display_name, Contributor.role)
            .join(Person, Person.id == Contributor.person_id)
            .where(Contributor.source_id == source.id)
            .order_by(Contributor.role, Contributor.position)
        )
    ]
    claims = [
        {"claim": ckey, "kind": kind, "text": text, "stance": stance, "locator": locator, "label": label,
         "anchor": anchor, "note": note}
        for ckey, kind, text, stance, locator, label, anchor, note in session.execute(
            select(Claim.key, Claim.kind, Claim.text, Citation.stance, Citation.locator, Citation.label,
                   Citation.anchor_exact, Citation.note)
            .join(Claim, Claim.id == Citation.claim_id)
            .where(Citation.source_id == source.id)
            .order_by(Claim.key, Citation.position)
        )
    ]  # fmt: skip
    quotes = list_quotes(session, source_id=source.id)
    comments = list_comments(session, answers_id=source.id)
    return {
        "key": source.key,
        "type": source.csl_type,
        "class": source.source_class,
        "genre": source.genre,
        "title": source.title,
        "short_title": source.short_title,
        "contributors": contributors,
        "container_title": source.container_title,
        "publisher": source.publisher,
        "place": source.place,
        "issued": format_partial((source.issued_year, source.issued_month, source.issued_day))
        or source.issued_literal,
        "edition": source.edition,
        "volume": source.volume,
        "issue": source.issue,
        "pages": source.pages,
        "url": source.url,
        "isbn": source.isbn,
        "doi": source.doi,
        "language": source.language,
        "note": source.note,
        "has_text": source.text is not None,
        "claims": claims,
        "quotes": quotes,
        "comments": comments,
        "curated": _curated(session, "source", source.id),
    }


def source_text(session: Session, key: str) -> tuple[str | None, list[Record]]:
    """The text a source holds (None when none) and every passage anchored in it, by position.

    Each passage is ``{kind, key, start, end}``: claim anchors (a citation's exact text), quotes
    found in the source, and counter-comments anchored in it, where each matches now.
    """
    text, passages, _ = source_anchors(session, key)
    return text, passages


def source_anchors(session: Session, key: str) -> tuple[str | None, list[Record], list[Record]]:
    """The text, its anchored passages (as :func:`source_text`), and the anchors in trouble.

    By ``refdb check``'s rule (:func:`refdb.services.check.anchor_state`): an anchor that matches
    the text exactly once is a passage, where it matches now; one that no longer does is not marked
    anywhere but listed, ``{kind, key, exact, problem}``, in the order ``refdb check`` reports it,
    and so is one whose passage moved (marked where it is now).
    """
    from refdb.services.check import anchor_state, iter_anchors

    source: Source = _get(session, Source, key, "source")
    if source.text is None:
        return None, [], []
    text = source.text
    passages: list[Record] = []
    stale: list[Record] = []
    for anchor in list(iter_anchors(session, source.id)):
        found, problem = anchor_state(text, anchor)
        if found is not None and anchor.exact:
            passages.append({"kind": anchor.kind, "key": anchor.key, "start": found, "end": found + len(anchor.exact)})
        if problem is not None:
            stale.append({"kind": anchor.kind, "key": anchor.key, "exact": anchor.exact, "problem": problem,
                          "moved": found is not None})  # fmt: skip
    passages.sort(key=lambda m: (int(m["start"]), -int(m["end"]), str(m["kind"]), str(m["key"])))
    return text, passages, stale


def person_detail(session: Session, key: str) -> Record:
    """A person: every recorded name, the quotes they spoke, the claims about them, the works they made."""
    person: Person = _get(session, Person, key, "person")
    names = [
        {"name": name, "kind": kind, "scheme": scheme, "note": note}
        for name, kind, scheme, note in session.execute(
            select(PersonName.name, PersonName.kind, PersonName.scheme, PersonName.note)
            .where(PersonName.person_id == person.id)
            .order_by(PersonName.id)
        )
    ]
    claims = [
        {"claim": ckey, "kind": kind, "text": text}
        for ckey, kind, text in session.execute(
            select(Claim.key, Claim.kind, Claim.text)
            .join(ClaimSubject, ClaimSubject.claim_id == Claim.id)
            .where(ClaimSubject.person_id == person.id)
            .order_by(Claim.key)
        )
    ]
    work = Source
    works = [
        {"source": skey, "title": title, "role": role, "issued": format_partial((y, m, d)) or literal}
        for skey, title, role, y, m, d, literal in session.execute(
            select(work.key, work.title, Contributor.role, work.issued_year, work.issued_month,
                   work.issued_day, work.issued_literal)
            .join(Contributor, Contributor.source_id == work.id)
            .where(Contributor.person_id == person.id)
            .order_by(work.key, Contributor.role)
        )
    ]  # fmt: skip
    comments = list_comments(session, author_id=person.id)
    return {
        "key": person.key,
        "name": person.display_name,
        "family": person.family,
        "given": person.given,
        "particle": person.particle,
        "native": person.native_name,
        "names": names,
        "note": person.note,
        "quotes": list_quotes(session, speaker_id=person.id),
        "comments": comments,
        "claims": claims,
        "works": works,
        "curated": _curated(session, "person", person.id),
    }


def list_tags(session: Session) -> list[Record]:
    """Every theme tag, by key."""
    return [
        {"key": key, "label": label, "description": description}
        for key, label, description in session.execute(
            select(Tag.key, Tag.label, Tag.description).order_by(Tag.key)
        )
    ]


def quote_detail(session: Session, key: str) -> Record:
    """One quote's record (as ``refdb quotes`` lists it), or NotFoundError."""
    found = list_quotes(session, key=key)
    if not found:
        raise NotFoundError(f"no quote with key '{key[:80]}'")
    return found[0]


def comment_detail(session: Session, key: str) -> Record:
    """One counter-comment's record (as ``refdb comments`` lists it), or NotFoundError."""
    found = list_comments(session, key=key)
    if not found:
        raise NotFoundError(f"no counter-comment with key '{key[:80]}'")
    return found[0]


def source_has_text(session: Session, key: str) -> bool:
    return bool(session.scalar(select(Source.text.is_not(None)).where(Source.key == key)))
