"""PostgreSQL text search over folded text: a tsvector column under a GIN index, ts_rank."""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from refdb.services.search.query import Query, to_tsquery

_SQL = text(
    "SELECT kind, key FROM search_fts, to_tsquery('simple', :tsq) AS q "
    "WHERE tsv @@ q AND kind IN :kinds ORDER BY ts_rank(tsv, q) DESC, rowid LIMIT :limit"
).bindparams(bindparam("kinds", expanding=True))


def search(session: Session, query: Query, kinds: list[str], limit: int) -> list[tuple[str, str]]:
    rows = session.execute(_SQL, {"tsq": to_tsquery(query), "kinds": kinds, "limit": limit})
    return [(kind, key) for kind, key in rows]
