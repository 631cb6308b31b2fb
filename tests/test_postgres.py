"""PostgreSQL-only checks: the server the suite runs on, the CLI on a server URL, a server that is down.

``make test`` runs the whole suite twice, with ``REFDB_TEST_BACKEND=sqlite`` and ``=postgresql``.
These tests are about the server itself, so they run in the PostgreSQL pass only: the skip below is
the one place the suite skips by backend, and it skips nothing that the other pass does not cover.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import BACKEND, Backend, invoke

# Collected only in the PostgreSQL pass (tests/conftest.py: collect_ignore); the guard stays for direct runs.
pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL pass only (REFDB_TEST_BACKEND)")


def _connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    from tests.pg import conninfo

    return psycopg.connect(conninfo(url), autocommit=True, connect_timeout=10)


def test_the_server_listens_on_127_0_0_1(backend: Backend, empty_url: str) -> None:
    url = make_url(empty_url)
    assert url.drivername == "postgresql+psycopg"
    if getattr(backend, "server", None) is None:  # REFDB_TEST_PG_URL: a server someone else runs
        assert url.host
        return
    assert url.host == "127.0.0.1"
    with socket.create_connection(("127.0.0.1", url.port), timeout=5):
        pass
    with _connect(empty_url) as conn:
        row = conn.execute("SELECT host(inet_server_addr()), current_setting('server_encoding')").fetchone()
    assert row == ("127.0.0.1", "UTF8")


def test_the_unaccent_extension_is_available(empty_url: str) -> None:
    with _connect(empty_url) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        row = conn.execute("SELECT unaccent('Róbërts Хрущёв')").fetchone()
    assert row == ("Roberts Хрущев",)


def test_seed_and_claims_through_the_cli_on_a_server_url(empty_url: str) -> None:
    assert empty_url.startswith("postgresql+psycopg://")
    seeded = invoke(empty_url, "seed")
    assert seeded.exit_code == 0, seeded.output
    assert "added 60 " in seeded.stderr
    result = invoke(empty_url, "claims", "--source", "glantz", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["key"] for r in records] == ["factor-continuity"]
    assert records[0]["citations"][0]["locator"] == "534–5"
    current = invoke(empty_url, "db", "current")
    assert current.exit_code == 0 and current.stdout.startswith(empty_url.split("://")[0] + "://")


def test_the_installed_command_takes_the_url_from_the_environment(db_url: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "refdb", "claims", "--source", "glantz", "--format", "json"],
        env={"REFDB_DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert [r["key"] for r in json.loads(proc.stdout)] == ["factor-continuity"]


@pytest.mark.parametrize("command", [("claims",), ("seed",), ("db", "current"), ("db", "upgrade")])
def test_a_server_that_is_not_there_is_one_error_line_without_the_password(command: tuple[str, ...]) -> None:
    url = "postgresql+psycopg://u:secret@127.0.0.1:1/x"
    result = invoke(url, *command)
    assert result.exception is None, result.exception
    assert result.exit_code == 6, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: cannot use the database postgresql+psycopg://u:***@127.0.0.1:1/x: ")
    assert "secret" not in result.output
    assert "Traceback" not in result.output


def test_copy_from_sqlite_to_postgresql_and_back(tmp_path, empty_url: str) -> None:  # type: ignore[no-untyped-def]
    sqlite_url = f"sqlite:///{tmp_path / 'thesis.sqlite'}"
    assert invoke(sqlite_url, "seed").exit_code == 0
    assert invoke(sqlite_url, "add", "claim", "Ещё одно утверждение.", "--key", "cyrillic-claim").exit_code == 0
    result = invoke(sqlite_url, "db", "copy", "--to", empty_url)
    assert result.exit_code == 0, result.output
    assert invoke(empty_url, "dump").stdout == invoke(sqlite_url, "dump").stdout
    back = f"sqlite:///{tmp_path / 'back.sqlite'}"
    assert invoke(empty_url, "db", "copy", "--to", back).exit_code == 0
    assert invoke(back, "dump").stdout == invoke(sqlite_url, "dump").stdout
    hits = invoke(empty_url, "search", "утверждение", "--format", "json")
    assert json.loads(hits.stdout)[0]["key"] == "cyrillic-claim"
