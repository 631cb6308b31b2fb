"""Engines: one per URL, configured for the backend; the busy timeout; SQLite file paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from refdb.db import engine as db_engine
from refdb.errors import DatabaseError


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 60.0), ("2.5", 2.5), ("0", 60.0), ("-3", 60.0), ("soon", 60.0)]
)
def test_the_busy_timeout_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: float
) -> None:
    if value is None:
        monkeypatch.delenv("REFDB_BUSY_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("REFDB_BUSY_TIMEOUT", value)
    assert db_engine.busy_timeout_s() == expected


def test_sqlite_path(tmp_path: Path) -> None:
    assert db_engine.sqlite_path(f"sqlite:///{tmp_path}/a.sqlite") == tmp_path / "a.sqlite"
    assert db_engine.sqlite_path("sqlite://") is None
    assert db_engine.sqlite_path("sqlite:///:memory:") is None
    assert db_engine.sqlite_path("postgresql+psycopg://u@127.0.0.1/x") is None


def test_one_engine_per_url(db_url: str) -> None:
    assert db_engine.get_engine(db_url) is db_engine.get_engine(db_url)


def test_the_connection_is_configured_for_the_backend(db_url: str) -> None:
    engine = db_engine.get_engine(db_url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == int(db_engine.busy_timeout_s() * 1000)
        else:
            timeout = conn.execute(text("SHOW lock_timeout")).scalar()
            assert timeout in {f"{int(db_engine.busy_timeout_s())}s", f"{int(db_engine.busy_timeout_s() / 60)}min"}
            # a prepared statement is planned for the keys and the table it meets, not once for all
            assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"


def test_a_missing_directory_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match=r"the directory .*/nowhere does not exist"):
        db_engine.get_engine(f"sqlite:///{tmp_path}/nowhere/a.sqlite")


def test_a_url_without_a_driver_names_the_driver_and_hides_the_password() -> None:
    with pytest.raises(DatabaseError) as caught:
        db_engine.get_engine("mysql://user:secret@127.0.0.1:1/x")
    assert "secret" not in str(caught.value)
    assert "its driver is not installed" in str(caught.value)


def test_psycopgs_cleanup_warnings_are_dropped_and_its_others_are_not(caplog: pytest.LogCaptureFixture) -> None:
    # Ctrl-C in an executemany: psycopg cancels the statement, then warns "error ignored terminating
    # <Pipeline>" on stderr beside refdb's one line about the interruption (tests/system/test_crash.py).
    import logging

    db_engine.get_engine("postgresql+psycopg://refdb@127.0.0.1:1/never_connected")  # no connection yet
    logger = logging.getLogger("psycopg")
    with caplog.at_level(logging.WARNING, logger="psycopg"):
        logger.warning("error ignored terminating %r: %s", "<psycopg.Pipeline>", "canceling statement due to user request")
        logger.warning("error ignored in rollback on %s: %s", "<connection>", "server closed the connection")
        logger.warning("unknown PostgreSQL timezone: %r; will use UTC", "Mars/Olympus")
    assert caplog.messages == ["unknown PostgreSQL timezone: 'Mars/Olympus'; will use UTC"]
