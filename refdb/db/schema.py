"""Which schema revision a database is at: one small query on ``alembic_version``, no Alembic.

A process checks each database once (see :func:`refdb.db.session.ensure_schema`); a migration
forgets that check, so the next session looks again.
"""

from __future__ import annotations

from refdb.config import redact
from refdb.db.engine import get_engine, translate_operational_error
from refdb.errors import DatabaseError

# The newest migration.  tests/db/test_migrations.py checks it equals Alembic's head.
HEAD_REVISION = "0009_fold"

_checked: set[str] = set()


def current_revision(url: str) -> str | None:
    """The schema revision recorded in the database, with one small query (no Alembic import).

    Returns None for an empty database; raises DatabaseError for a database that has tables
    but is not a refdb database, or cannot be opened.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    engine = get_engine(url)
    try:
        with engine.connect() as conn:
            try:
                row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            except DBAPIError:
                conn.rollback()
                from sqlalchemy import inspect

                if inspect(conn).get_table_names():
                    raise DatabaseError(
                        f"{redact(url)} holds tables but is not a refdb database (no alembic_version)"
                    ) from None
                return None
            return None if row is None else str(row[0])
    except DBAPIError as exc:
        raise translate_operational_error(exc, url) from None


def schema_checked(url: str) -> bool:
    """Whether this process has found the database at the head already."""
    return url in _checked


def remember_schema_check(url: str) -> None:
    _checked.add(url)


def forget_schema_check(url: str) -> None:
    _checked.discard(url)
