"""Sessions: one command = one transaction, on a database at the newest schema.

:func:`session_scope` commits on success and rolls back on any error; services flush, never
commit.  Before the first session on a database, :func:`ensure_schema` migrates a new, empty one
(Alembic is imported then, and only then) and refuses an outdated or foreign one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from refdb.db.engine import first_line, get_engine, is_conflict, is_sqlite, translate_operational_error
from refdb.db.schema import HEAD_REVISION, current_revision, remember_schema_check, schema_checked
from refdb.errors import ConflictError, DatabaseError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session


@contextmanager
def session_scope(url: str, *, write: bool = False, check_schema: bool = True) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on any error."""
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.orm import Session

    from refdb.db.digests import watch_sessions

    watch_sessions()
    engine = get_engine(url)
    if check_schema:
        ensure_schema(url)
    bind: Engine
    if write:
        bind = engine.execution_options(refdb_write=True)
    elif not is_sqlite(url):
        # a reader sees one snapshot (dump, export, backup read many tables); SQLite's WAL read
        # transaction already does, PostgreSQL's default READ COMMITTED would not
        bind = engine.execution_options(isolation_level="REPEATABLE READ")
    else:
        bind = engine
    session = Session(bind=bind, autoflush=False, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise translate_operational_error(exc, url) from None
    except DBAPIError as exc:
        session.rollback()
        if is_conflict(exc):
            raise ConflictError(f"the database refused the change: {first_line(exc)}") from None
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_scope(url: str, *, check_schema: bool = True) -> Iterator[Connection]:
    """A read-only transaction on a Core connection: what a read command needs, and no ORM import.

    The same snapshot rules as :func:`session_scope` for readers (PostgreSQL at REPEATABLE READ);
    the read services take this connection where they take a session."""
    from sqlalchemy.exc import OperationalError

    engine = get_engine(url)
    if check_schema:
        ensure_schema(url)
    bind = engine if is_sqlite(url) else engine.execution_options(isolation_level="REPEATABLE READ")
    try:
        with bind.connect() as conn, conn.begin():
            yield conn
    except OperationalError as exc:
        raise translate_operational_error(exc, url) from None


def ensure_schema(url: str) -> None:
    """Migrate a new, empty database to the head; refuse an outdated or foreign one."""
    if schema_checked(url):
        return
    revision = current_revision(url)
    if revision is None:
        from refdb.db.migrate import upgrade

        upgrade(url, "head")
    elif revision != HEAD_REVISION:
        from refdb.db.migrate import known_revisions

        if revision in known_revisions():
            raise DatabaseError(
                f"the database is at schema revision {revision}, this refdb needs {HEAD_REVISION}: "
                "run 'refdb db upgrade' (an SQLite file is backed up first)"
            )
        raise DatabaseError(
            f"the database is at schema revision {revision}, which this refdb does not know "
            "(made by a newer refdb?)"
        )
    remember_schema_check(url)
