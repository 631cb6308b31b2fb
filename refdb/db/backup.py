"""Backups: consistent copies taken while others read and write, and checked restores.

SQLite: the online backup API copies a consistent snapshot page by page, even under concurrent
writers.  PostgreSQL: a backup is a dataset dump (``refdb dump``'s format), and ``pg_dump`` is the
tool for a server-level copy; a restore loads the dump into an empty database (``refdb db
backup``/``restore`` do that part above, through the services).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from refdb.db.engine import sqlite_path
from refdb.errors import ConflictError, DatabaseError, InputError


def backup_before_schema_change(url: str, revision: str | None) -> str | None:
    """Copy an SQLite file aside (online backup API) before its schema is rewritten.

    Returns the backup's path, or None when there is nothing to keep (an empty database, or a
    server database: back those up with pg_dump or 'refdb dump').
    """
    path = sqlite_path(url)
    if path is None or revision is None or not path.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{revision}.{stamp}.bak")
    sqlite_backup(path, target)
    return str(target)


def sqlite_backup(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent snapshot, even under concurrent writers."""
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"cannot back up {source}: {exc}") from None
    tmp.replace(target)


def check_sqlite_backup(path: Path, known_revisions: list[str]) -> str:
    """The schema revision of a backup file, after checking it is a sound refdb database."""
    if not path.is_file():
        raise InputError("no such backup file", location=str(path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            if result is None or result[0] != "ok":
                raise InputError(f"the backup fails SQLite's integrity check: {result}", location=str(path))
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"not a refdb SQLite backup ({exc})", location=str(path)) from None
    if row is None or row[0] not in known_revisions:
        raise InputError(
            f"made by a refdb this one does not know (schema {row[0] if row else 'none'})", location=str(path)
        )
    return str(row[0])


def sqlite_restore(backup: Path, target: Path) -> None:
    """Copy a checked backup over the live database with the backup API (an atomic replacement of pages)."""
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target, timeout=60)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise ConflictError(
                f"the database is busy; close other refdb processes and retry ({exc})"
            ) from None
        raise DatabaseError(f"cannot restore into {target}: {exc}") from None
