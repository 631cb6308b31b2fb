"""Sessions: one transaction per block; the schema is checked (and a new database migrated) first."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from refdb import db
from refdb.errors import ConflictError, DatabaseError

TAGS = text("SELECT key FROM tag WHERE key LIKE 'zz-%' ORDER BY key")


def test_a_block_that_ends_commits(db_url: str) -> None:
    with db.session_scope(db_url, write=True) as session:
        session.execute(text("INSERT INTO tag (key, label) VALUES ('zz-1', 'one')"))
    with db.session_scope(db_url) as session:
        assert session.scalars(TAGS).all() == ["zz-1"]


def test_a_block_that_raises_rolls_back(db_url: str) -> None:
    with pytest.raises(RuntimeError), db.session_scope(db_url, write=True) as session:
        session.execute(text("INSERT INTO tag (key, label) VALUES ('zz-2', 'two')"))
        session.flush()
        raise RuntimeError("stop")
    with db.session_scope(db_url) as session:
        assert session.scalars(TAGS).all() == []


def test_a_refused_change_is_a_conflict_and_changes_nothing(db_url: str) -> None:
    refused = pytest.raises(ConflictError, match="the database refused the change")
    with refused, db.session_scope(db_url, write=True) as session:
        session.execute(text("INSERT INTO tag (key, label) VALUES ('zz-3', 'three')"))
        session.execute(text("INSERT INTO tag (key, label) VALUES ('zz-3', 'again')"))
    with db.session_scope(db_url) as session:
        assert session.scalars(TAGS).all() == []


def test_the_first_session_on_an_empty_database_migrates_it(empty_url: str) -> None:
    assert db.current_revision(empty_url) is None
    with db.session_scope(empty_url) as session:
        assert session.scalar(text("SELECT count(*) FROM claim")) == 0
    assert db.current_revision(empty_url) == db.HEAD_REVISION


def test_a_database_from_a_newer_refdb_is_refused(db_url: str) -> None:
    with db.get_engine(db_url).begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.forget_schema_check(db_url)
    refused = pytest.raises(DatabaseError, match="revision 9999, which this refdb does not know")
    with refused, db.session_scope(db_url):
        pass


def test_a_database_that_is_not_refdb_is_refused(empty_url: str) -> None:
    with db.get_engine(empty_url).begin() as conn:
        conn.execute(text("CREATE TABLE notes (body text)"))
    with pytest.raises(DatabaseError, match="holds tables but is not a refdb database"):
        db.current_revision(empty_url)
