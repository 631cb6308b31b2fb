"""Consistent copies of an SQLite database file, taken while others read and write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from refdb.errors import DatabaseError


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
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"cannot back up {source}: {exc}") from None
    tmp.replace(target)
