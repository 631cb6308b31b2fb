"""``search``: ranked full-text search over claims, quotes, comments, sources, people and passages.

One function, one small module per backend (SQLite FTS5, PostgreSQL text search) over the same
folded index (:mod:`refdb.db.fts`), the same records out: ``kind``, ``key``, ``text``, ``title`` or
``name``, ``speaker`` where there is one, ``paragraph`` for a passage (the paragraph of the source's
text, counted from 1), ``snippet`` with the matched words in ``**bold**``, and ``rank`` (1 is the
best match).  Passages follow the other hits: a passage is one paragraph of a text a source holds,
matched paragraph by paragraph (an excluded word excludes the paragraph, not the whole text).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from refdb.services.search.query import Query, parse

KINDS = ("claim", "quote", "comment", "source", "person", "passage")
Record = dict[str, Any]


def search(session: Session, text: str, *, kinds: list[str] | None = None, limit: int = 50) -> list[Record]:
    query = parse(text)
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from refdb.services.search import _sqlite as backend
    else:
        from refdb.services.search import _postgresql as backend  # type: ignore[no-redef]
    kinds = list(dict.fromkeys(kinds or KINDS))
    records: list[Record] = []
    plain = [k for k in kinds if k != "passage"]
    if plain:
        records = _details(session, query, backend.search(session, query, plain, limit), plain)
    if "passage" in kinds:
        texts = backend.search(session, Query(query.groups, ()), ["passage"], limit)
        records += _passages(session, query, [key for _, key in texts], max(0, limit - len(records)))
    for rank, record in enumerate(records, start=1):
        record["rank"] = rank
    return records


def _details(session: Session, query: Query, hits: list[tuple[str, str]], kinds: list[str]) -> list[Record]:
    """Each hit's text or title, speaker and snippet: the same queries per kind searched, however many
    hits (and whichever kinds they are)."""
    from sqlalchemy import select

    from refdb.models import Claim, Comment, Contributor, Person, PersonName, Quote, Source
    from refdb.services.search.highlight import snippet

    by_kind: dict[str, list[str]] = {kind: [] for kind in kinds}
    for kind, key in hits:
        by_kind[kind].append(key)
    info: dict[tuple[str, str], Record] = {}
    if "claim" in by_kind:
        for key, text in session.execute(select(Claim.key, Claim.text).where(Claim.key.in_(by_kind["claim"]))):
            info[("claim", key)] = {"text": text, "snippet": snippet(query, text)}
    if "quote" in by_kind:
        for key, text, speaker in session.execute(
            select(Quote.key, Quote.text, Person.display_name)
            .outerjoin(Person, Person.id == Quote.speaker_id)
            .where(Quote.key.in_(by_kind["quote"]))
        ):
            info[("quote", key)] = {"text": text, "speaker": speaker, "snippet": snippet(query, text)}
    if "comment" in by_kind:
        for key, text, author, label in session.execute(
            select(Comment.key, Comment.text, Person.display_name, Comment.author_label)
            .outerjoin(Person, Person.id == Comment.author_id)
            .where(Comment.key.in_(by_kind["comment"]))
        ):
            info[("comment", key)] = {"text": text, "speaker": author or label, "snippet": snippet(query, text)}
    if "source" in by_kind:
        names: dict[str, list[str]] = defaultdict(list)
        for key, name in session.execute(
            select(Source.key, Person.display_name)
            .join(Contributor, Contributor.source_id == Source.id)
            .join(Person, Person.id == Contributor.person_id)
            .where(Source.key.in_(by_kind["source"]))
            .order_by(Source.key, Contributor.role, Contributor.position)
        ):
            names[key].append(name)
        for s in session.scalars(select(Source).where(Source.key.in_(by_kind["source"]))):
            fields = (s.title, s.short_title, s.container_title, "; ".join(names[s.key]), s.publisher, s.place, s.note)
            info[("source", s.key)] = {"title": s.title, "snippet": snippet(query, *fields)}
    if "person" in by_kind:
        forms: dict[str, list[str]] = defaultdict(list)
        for key, display, name in session.execute(
            select(Person.key, Person.display_name, PersonName.name)
            .outerjoin(PersonName, PersonName.person_id == Person.id)
            .where(Person.key.in_(by_kind["person"]))
            .order_by(Person.key, PersonName.id)
        ):
            forms[key] += [display] if not forms[key] else []
            if name and name not in forms[key]:
                forms[key].append(name)
        for key, names_of in forms.items():
            info[("person", key)] = {"name": names_of[0], "snippet": snippet(query, *names_of)}
    return [{"kind": kind, "key": key, **info.get((kind, key), {"snippet": ""})} for kind, key in hits]


def _passages(session: Session, query: Query, keys: list[str], limit: int) -> list[Record]:
    """One record per paragraph of the sources' texts that the query matches, sources in rank order."""
    from sqlalchemy import select

    from refdb.models import Source
    from refdb.services.search.highlight import passages

    texts = {key: (title, text) for key, title, text in session.execute(
        select(Source.key, Source.title, Source.text).where(Source.key.in_(keys))
    )}  # fmt: skip
    out: list[Record] = []
    for key in keys:
        title, text = texts.get(key, (None, None))
        for number, shown in passages(query, text or ""):
            if len(out) >= limit:
                return out
            out.append({"kind": "passage", "key": key, "title": title, "paragraph": number, "snippet": shown})
    return out
