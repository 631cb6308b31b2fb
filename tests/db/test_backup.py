"""SQLite backups: consistent copies, checked before a restore, taken before a schema change.

These work on SQLite files whatever the test backend (PostgreSQL is backed up with a dataset dump,
tested in tests/system/test_concurrency.py and tests/db/test_postgres.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from refdb import db
from refdb.db import backup, migrate
from refdb.errors import InputError


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "live.sqlite"
    migrate.upgrade(f"sqlite:///{path}", "head")
    db.dispose_all()
    _run(path, "INSERT INTO tag (key, label) VALUES ('t', 'a tag')")
    yield path
    db.dispose_all()


def _run(path: Path, statement: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute(statement).fetchall()


def _tags(path: Path) -> list[str]:
    return [str(row[0]) for row in _run(path, "SELECT key FROM tag ORDER BY key")]


def test_a_backup_is_a_checked_self_contained_copy(sqlite_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.refdb"
    backup.sqlite_backup(sqlite_db, target)
    assert not (tmp_path / "copy.refdb.partial").exists()
    assert backup.check_sqlite_backup(target, migrate.known_revisions()) == migrate.head()
    assert _tags(target) == ["t"]
    assert _run(target, "PRAGMA journal_mode") == [("delete",)]


def test_a_restore_puts_the_backup_back(sqlite_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.refdb"
    backup.sqlite_backup(sqlite_db, target)
    _run(sqlite_db, "DELETE FROM tag")
    backup.sqlite_restore(target, sqlite_db)
    assert _tags(sqlite_db) == ["t"]


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database, only notes\n" * 100)
    with pytest.raises(InputError, match="not a refdb SQLite backup"):
        backup.check_sqlite_backup(notes, migrate.known_revisions())
    with pytest.raises(InputError, match="no such backup file"):
        backup.check_sqlite_backup(tmp_path / "missing", migrate.known_revisions())


def test_a_backup_from_an_unknown_schema_is_refused(sqlite_db: Path) -> None:
    _run(sqlite_db, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(InputError, match="schema 9999"):
        backup.check_sqlite_backup(sqlite_db, migrate.known_revisions())


def test_a_schema_change_backs_up_a_file_first(sqlite_db: Path) -> None:
    url = f"sqlite:///{sqlite_db}"
    saved = backup.backup_before_schema_change(url, migrate.head())
    assert saved is not None and Path(saved).name.startswith(f"live.sqlite.{migrate.head()}.")
    assert _tags(Path(saved)) == ["t"]
    assert backup.backup_before_schema_change(url, None) is None  # an empty database: nothing to keep
    assert backup.backup_before_schema_change("postgresql+psycopg://u@127.0.0.1/x", "0002") is None
