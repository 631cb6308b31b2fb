"""``search``: ranked full-text search over claims, quotes, comments and sources.

One function, one small module per backend (SQLite FTS5, PostgreSQL text search), the same
records out: ``kind``, ``key``, ``text`` or ``title``, ``speaker`` where there is one, ``snippet``
with the matched words in ``**bold**``, and ``rank`` (1 is the best match).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from refdb.services.search.query import parse

KINDS = ("claim", "quote", "comment", "source")
Record = dict[str, Any]


def search(session: Session, text: str, *, kinds: list[str] | None = None, limit: int = 50) -> list[Record]:
    query = parse(text)
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from refdb.services.search import _sqlite as backend
    else:
        from refdb.services.search import _postgresql as backend  # type: ignore[no-redef]
    kinds = kinds or list(KINDS)
    hits = backend.search(session, query, kinds, limit)
    return _details(session, hits, kinds)


def _details(session: Session, hits: list[tuple[str, str, str]], kinds: list[str]) -> list[Record]:
    """Add each hit's text or title and speaker: one query per kind searched, however many hits."""
    from sqlalchemy import select

    from refdb.models import Claim, Comment, Person, Quote, Source

    by_kind: dict[str, list[str]] = {kind: [] for kind in kinds}
    for kind, key, _ in hits:
        by_kind.setdefault(kind, []).append(key)
    info: dict[tuple[str, str], Record] = {}
    if "claim" in by_kind:
        for key, text in session.execute(
            select(Claim.key, Claim.text).where(Claim.key.in_(by_kind["claim"]))
        ):
            info[("claim", key)] = {"text": text}
    if "quote" in by_kind:
        for key, text, speaker in session.execute(
            select(Quote.key, Quote.text, Person.display_name)
            .outerjoin(Person, Person.id == Quote.speaker_id)
            .where(Quote.key.in_(by_kind["quote"]))
        ):
            info[("quote", key)] = {"text": text, "speaker": speaker}
    if "comment" in by_kind:
        for key, text, author, label in session.execute(
            select(Comment.key, Comment.text, Person.display_name, Comment.author_label)
            .outerjoin(Person, Person.id == Comment.author_id)
            .where(Comment.key.in_(by_kind["comment"]))
        ):
            info[("comment", key)] = {"text": text, "speaker": author or label}
    if "source" in by_kind:
        for key, title in session.execute(
            select(Source.key, Source.title).where(Source.key.in_(by_kind["source"]))
        ):
            info[("source", key)] = {"title": title}
    out = []
    for rank, (kind, key, snippet) in enumerate(hits, start=1):
        record: Record = {
            "kind": kind,
            "key": key,
            **info.get((kind, key), {}),
            "snippet": snippet,
            "rank": rank,
        }
        out.append(record)
    return out
