"""Engine, sessions and the schema revision check.

* One command = one transaction: :func:`session_scope` commits on success and rolls back
  on any error.  Services flush, never commit.
* SQLite: the driver's own transaction handling is switched off and refdb emits ``BEGIN``
  itself (``BEGIN IMMEDIATE`` for writers, so concurrent writers queue on the busy timeout
  instead of failing on lock upgrade), with foreign keys on and WAL journaling.
* Start-up cost: the schema check is one small query on ``alembic_version``; Alembic is
  imported only when a database must actually be migrated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refdb.config import redact
from refdb.errors import ConflictError, DatabaseError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

# The newest migration.  tests/test_migrations.py checks it equals Alembic's head.
HEAD_REVISION = "0002"
BUSY_TIMEOUT_S = 60.0  # how long a writer waits for another's lock; REFDB_BUSY_TIMEOUT overrides


def busy_timeout_s() -> float:
    """Seconds a writer waits for another writer's lock before giving up (REFDB_BUSY_TIMEOUT)."""
    import os

    try:
        value = float(os.environ.get("REFDB_BUSY_TIMEOUT", BUSY_TIMEOUT_S))
    except ValueError:
        return BUSY_TIMEOUT_S
    return value if value > 0 else BUSY_TIMEOUT_S


_engines: dict[str, Engine] = {}


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for memory databases and other backends."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def get_engine(url: str) -> Engine:
    """One engine per URL per process, configured for the backend."""
    if url in _engines:
        return _engines[url]
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        if is_sqlite(url):
            path = sqlite_path(url)
            if path is not None:
                if path.is_dir():
                    raise DatabaseError(f"{path} is a directory, not a database file")
                from refdb.config import default_database_path

                if path.parent == default_database_path().parent:
                    path.parent.mkdir(parents=True, exist_ok=True)  # the user data directory, on first use
                elif not path.parent.is_dir():
                    raise DatabaseError(
                        f"cannot create the database {path}: the directory {path.parent} does not exist"
                    )
            engine = create_engine(url, connect_args={"timeout": busy_timeout_s()})
            _configure_sqlite(engine, event)
        else:
            # a writer blocked by another's lock gives up after the busy timeout, as on SQLite
            lock_ms = int(busy_timeout_s() * 1000)
            engine = create_engine(url, connect_args={"options": f"-c lock_timeout={lock_ms}"})
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise DatabaseError(f"cannot use database URL '{redact(url)}': {exc}") from None
    except ImportError as exc:
        raise DatabaseError(
            f"cannot use database URL '{redact(url)}': its driver is not installed ({exc.name or exc})"
        ) from None
    _engines[url] = engine
    return engine


def _configure_sqlite(engine: Engine, event: Any) -> None:
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # refdb emits BEGIN itself (see below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s() * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL: readers never block the writer and a crash mid-write leaves the last commit intact
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("refdb_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@contextmanager
def session_scope(url: str, *, write: bool = False, check_schema: bool = True) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on any error."""
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.orm import Session

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
        if _is_conflict(exc):
            raise ConflictError(f"the database refused the change: {_first_line(exc)}") from None
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def _is_conflict(exc: Any) -> bool:
    from sqlalchemy.exc import IntegrityError

    if isinstance(exc, IntegrityError):
        return True
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


def translate_operational_error(exc: Any, url: str) -> DatabaseError | ConflictError:
    message = _first_line(exc)
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if "locked" in message or "busy" in message or sqlstate == "55P03":
        return ConflictError(
            f"the database is busy: another refdb process held the write lock for more than "
            f"{busy_timeout_s():g} s; nothing was changed, run the command again"
        )
    if "not a database" in message or "malformed" in message:
        return DatabaseError(f"{redact(url)} is not a refdb database (or it is damaged): {message}")
    return DatabaseError(f"cannot use the database {redact(url)}: {message}")


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


_checked: set[str] = set()


def ensure_schema(url: str) -> None:
    """Migrate a new, empty database to the head; refuse an outdated or foreign one."""
    if url in _checked:
        return
    revision = current_revision(url)
    if revision is None:
        from refdb.migrate import upgrade

        upgrade(url, "head")
    elif revision != HEAD_REVISION:
        from refdb.migrate import known_revisions

        if revision in known_revisions():
            raise DatabaseError(
                f"the database is at schema revision {revision}, this refdb needs {HEAD_REVISION}: "
                "run 'refdb db upgrade' (an SQLite file is backed up first)"
            )
        raise DatabaseError(
            f"the database is at schema revision {revision}, which this refdb does not know "
            "(made by a newer refdb?)"
        )
    _checked.add(url)


def forget_schema_check(url: str) -> None:
    _checked.discard(url)
