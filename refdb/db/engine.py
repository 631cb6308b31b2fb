"""Engines: one per URL per process, configured for the backend, and what the driver's errors mean.

SQLite: the driver's own transaction handling is switched off and refdb emits ``BEGIN`` itself
(``BEGIN IMMEDIATE`` for writers, so concurrent writers queue on the busy timeout instead of failing
on lock upgrade), with foreign keys on and WAL journaling, and ``refdb_fold`` (the search index's
fold, :func:`refdb.textnorm.search_fold`) registered on every connection.  PostgreSQL: a writer blocked by another's
lock gives up after the same busy timeout (``lock_timeout``).  SQLAlchemy is imported on first use.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refdb.config import redact
from refdb.errors import ConflictError, DatabaseError

if TYPE_CHECKING:
    from sqlalchemy import Engine

BUSY_TIMEOUT_S = 60.0  # how long a writer waits for another's lock; REFDB_BUSY_TIMEOUT overrides

_engines: dict[str, Engine] = {}


def busy_timeout_s() -> float:
    """Seconds a writer waits for another writer's lock before giving up (REFDB_BUSY_TIMEOUT)."""
    try:
        value = float(os.environ.get("REFDB_BUSY_TIMEOUT", BUSY_TIMEOUT_S))
    except ValueError:
        return BUSY_TIMEOUT_S
    return value if value > 0 else BUSY_TIMEOUT_S


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
                _check_sqlite_file(path)
            engine = create_engine(url, connect_args={"timeout": busy_timeout_s()})
            _configure_sqlite(engine, event)
        else:
            lock_ms = int(busy_timeout_s() * 1000)
            # Custom plans only: psycopg prepares a statement on its fifth run, and PostgreSQL may then
            # keep one generic plan for it, made while a load's tables were still nearly empty.  The
            # id read-back by 1,000 keys got a sequential scan over ARRAY[$1, ..., $1000] that way,
            # 1.4 s a statement at 100,000 sources (auto_explain, BENCHMARKS.md); a custom plan
            # sees the keys and the table as they are.
            options = f"-c lock_timeout={lock_ms} -c plan_cache_mode=force_custom_plan"
            engine = create_engine(url, connect_args={"options": options})
            _quiet_psycopg_cleanup()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise DatabaseError(f"cannot use database URL '{redact(url)}': {exc}") from None
    except ImportError as exc:
        raise DatabaseError(
            f"cannot use database URL '{redact(url)}': its driver is not installed ({exc.name or exc})"
        ) from None
    from refdb.db.digests import install

    install(engine)  # writes other than a streamed load's make the stored record digests stale
    _engines[url] = engine
    return engine


def _ignored_while_failing(record: Any) -> bool:
    """False for psycopg's "error ignored terminating/exiting/in rollback" warnings, True for the rest."""
    return not str(record.msg).startswith("error ignored")


def _quiet_psycopg_cleanup() -> None:
    """Keep psycopg's "error ignored ..." warnings off stderr.

    psycopg logs them while an exception is already on its way out, when cleaning up after it fails
    too: Ctrl-C during an ``executemany`` cancels the statement, and ending the pipeline then reports
    the cancellation once more.  refdb reports the exception itself, in one line; psycopg's other
    warnings (an unknown server time zone, a failed cancellation) still reach stderr.
    """
    import logging

    logger = logging.getLogger("psycopg")
    if _ignored_while_failing not in logger.filters:
        logger.addFilter(_ignored_while_failing)


def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    from refdb.config import default_database_path

    # the default file's directory is made on first use; platformdirs is imported only for a file
    # named as the default one (config.default_database_path), not for every --db
    if path.name == "refdb.sqlite" and path.parent == default_database_path().parent:
        path.parent.mkdir(parents=True, exist_ok=True)  # the user data directory, on first use
    elif not path.parent.is_dir():
        raise DatabaseError(f"cannot create the database {path}: the directory {path.parent} does not exist")


def _configure_sqlite(engine: Engine, event: Any) -> None:
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        register_functions(dbapi_connection)
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


def register_functions(dbapi_connection: Any) -> None:
    """The SQL functions refdb's SQLite schema calls: ``refdb_fold``, the search index's fold
    (:mod:`refdb.db.fts`; its triggers call it on every write).  A raw ``sqlite3`` connection that
    writes to a refdb file must register them too (scripts/generate.py does)."""
    from refdb.textnorm import search_fold

    dbapi_connection.create_function("refdb_fold", 1, search_fold, deterministic=True)


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


# ------------------------------------------------------------------------ the driver's errors


def first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def is_conflict(exc: Any) -> bool:
    """An integrity violation, or PostgreSQL's serialization failure, deadlock, lock not available."""
    from sqlalchemy.exc import IntegrityError

    if isinstance(exc, IntegrityError):
        return True
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in {"40001", "40P01", "55P03"}


def translate_operational_error(exc: Any, url: str) -> DatabaseError | ConflictError:
    message = first_line(exc)
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if "locked" in message or "busy" in message or sqlstate == "55P03":
        return ConflictError(
            f"the database is busy: another refdb process held the write lock for more than "
            f"{busy_timeout_s():g} s; nothing was changed, run the command again"
        )
    if "not a database" in message or "malformed" in message:
        return DatabaseError(f"{redact(url)} is not a refdb database (or it is damaged): {message}")
    return DatabaseError(f"cannot use the database {redact(url)}: {message}")
