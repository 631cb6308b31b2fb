"""SQLite FTS5 over folded text: bm25 ranking (titles weigh double)."""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from refdb.services.search.query import Query, to_fts5

_SQL = text(
    "SELECT kind, key FROM search_fts WHERE search_fts MATCH :match AND kind IN :kinds "
    "ORDER BY bm25(search_fts, 0, 0, 2.0, 1.0), rowid LIMIT :limit"
).bindparams(bindparam("kinds", expanding=True))


def search(session: Session, query: Query, kinds: list[str], limit: int) -> list[tuple[str, str]]:
    rows = session.execute(_SQL, {"match": to_fts5(query), "kinds": kinds, "limit": limit})
    return [(kind, key) for kind, key in rows]
