"""Crash safety with real processes and real signals: one command is one transaction.

``refdb import`` of a 20,000-entry BibTeX file and ``refdb load`` of a big dataset are started as
subprocesses (``python -m refdb``) and killed with SIGKILL at several points: during start-up and
parsing (fixed times after the start) and while the write transaction is open (fixed delays after it
is seen to have begun: on SQLite the write lock is held, on PostgreSQL the backend has a transaction
id).  After every kill the database dumps exactly as before, ``refdb check`` is clean (and on SQLite
``PRAGMA integrity_check`` says ok), and finally the same command runs to completion.  SIGINT is
turned into one line and exit 130, with nothing changed.

``pytest --full`` (which sets REFDB_SOAK_SECONDS) adds more kill points.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from refdb import db as refdb_db
from refdb import records
from refdb.formats import dataset as fmt
from tests.conftest import BACKEND, invoke

FULL = "REFDB_SOAK_SECONDS" in os.environ
BIB_ENTRIES = 20_000
DATASET_SOURCES = 5_000
# kills at these times after the start (start-up, reading and parsing the file) ...
EARLY_KILLS_S = [0.2, 0.5, 1.0, 1.5] + ([0.8, 1.2] if FULL else [])
# ... and at these delays after the write transaction is seen to be open
WRITE_KILLS_S = [0.0, 1.0] + ([0.3, 0.6, 1.5, 2.0] if FULL else [])
LOAD_EARLY_KILLS_S = [0.3, 0.8] + ([0.5] if FULL else [])
# the load's write phase is short (bulk inserts), so its kill points are fractions of a measured one
LOAD_WRITE_KILL_FRACTIONS = [0.0, 0.25, 0.5] + ([0.1, 0.35, 0.6] if FULL else [])
WRITE_PHASE_TIMEOUT_S = 60.0
INTERRUPTED = "Error: interrupted; the transaction was rolled back and nothing was changed\n"


def refdb_argv(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "refdb", "--db", url, *args]


def _default_sigint() -> None:
    # A test run started in the background (`cmd &` in a script) inherits SIGINT ignored, and Python
    # then never turns Ctrl-C into KeyboardInterrupt; give the command the disposition a terminal gives.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        refdb_argv(url, *args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        preexec_fn=_default_sigint,
    )  # fmt: skip


def run(url: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        refdb_argv(url, *args), capture_output=True, text=True, timeout=timeout, check=False
    )


# --- is the write transaction open? ----------------------------------------------------------------


def _sqlite_writer_active(url: str) -> bool:
    """Someone holds SQLite's write lock (refdb writes in BEGIN IMMEDIATE transactions)."""
    path = refdb_db.sqlite_path(url)
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    finally:
        conn.close()


class _PgProbe:
    """A backend with a transaction id has written in its open transaction."""

    def __init__(self, url: str) -> None:
        import psycopg

        from tests.pg import conninfo

        self.conn = psycopg.connect(conninfo(url), autocommit=True)

    def __call__(self) -> bool:
        row = self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        ).fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        self.conn.close()


def wait_for_write_phase(proc: subprocess.Popen[str], probe: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WRITE_PHASE_TIMEOUT_S
    while not probe():
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(
                f"the command ended (exit {proc.returncode}) before its write transaction was seen:\n{err}"
            )
        if time.monotonic() > deadline:
            proc.kill()
            proc.communicate()
            pytest.fail("the write transaction did not start within a minute")
        time.sleep(0.01)


@pytest.fixture
def probe(db_url: str) -> Iterator[Callable[[], bool]]:
    if BACKEND == "sqlite":
        yield lambda: _sqlite_writer_active(db_url)
        return
    pg = _PgProbe(db_url)
    yield pg
    pg.close()


# --- what must hold after a crash -------------------------------------------------------------------


def dump(url: str) -> str:
    refdb_db.dispose_all()  # fresh connections: see the database as a new process would
    result = invoke(url, "dump")
    assert result.exit_code == 0, result.output
    return result.stdout


def assert_intact(url: str, before: str, what: str) -> None:
    assert dump(url) == before, f"{what}: the database changed"
    check = invoke(url, "check")
    assert check.exit_code == 0, f"{what}: refdb check found problems:\n{check.output}"
    if BACKEND == "sqlite":
        conn = sqlite3.connect(refdb_db.sqlite_path(url))
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], what
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], what
        finally:
            conn.close()


def kill(
    proc: subprocess.Popen[str], sig: int, what: str, in_transaction: Callable[[], bool] | None = None
) -> str:
    """Send ``sig`` to a command that must still be running; its stderr.

    With ``in_transaction``, the command is first stopped (SIGSTOP) and its write transaction must
    still be open: a signal that lands after the commit would prove nothing.
    """
    if proc.poll() is not None:
        _, err = proc.communicate()
        pytest.fail(
            f"{what}: the command finished (exit {proc.returncode}) before the signal; "
            f"the kill points assume a slower machine, give it a bigger file\n{err}"
        )
    if in_transaction is not None:
        proc.send_signal(signal.SIGSTOP)
        if not in_transaction():
            proc.kill()
            proc.communicate()
            pytest.fail(
                f"{what}: the transaction had already ended; the kill point is too late for this machine"
            )
    proc.send_signal(sig)
    if in_transaction is not None and sig != signal.SIGKILL:
        proc.send_signal(signal.SIGCONT)  # a stopped process handles SIGINT once it runs again
    _, err = proc.communicate(timeout=120)
    return err


# --- the inputs ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_bib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 BibTeX entries, with names in several scripts and LaTeX accents."""
    rng = random.Random(20_000)
    families = [
        "Smith",
        "Ivanov",
        'M{\\"u}ller',
        "Dupont",
        "Garc{\\'\\i}a",
        "Рокоссовский",
        "Nowak",
        "Παππάς",
    ]
    givens = ["Anna", "Boris", "Carl", "Dana", "Emil", "Fiona", "Gleb", "Hana"]
    path = tmp_path_factory.mktemp("crash") / "big.bib"
    with path.open("w", encoding="utf-8") as out:
        for i in range(BIB_ENTRIES):
            kind = "article" if i % 3 == 0 else "book"
            where = (
                f"journal = {{Journal {i % 50}}},\n  volume = {{{i % 40}}}"
                if kind == "article"
                else (f"publisher = {{Press {i % 37}}},\n  address = {{London}}")
            )
            out.write(
                f"@{kind}{{k{i},\n  author = {{{rng.choice(families)}{i % 700} and {rng.choice(givens)} "
                f"{rng.choice(families)}}},\n  title = {{A history of things, part {i}}},\n  {where},\n"
                f"  year = {{{1900 + i % 120}}},\n  pages = {{{i % 300}--{i % 300 + 20}}}\n}}\n\n"
            )
    return path


@pytest.fixture(scope="module")
def big_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset file of ~15,000 records that reference each other (people, sources, tags, claims)."""
    people = [
        records.PersonRec(key=f"p{i}", name=f"Person{i} Family{i}", family=f"Family{i}", given=f"Person{i}",
                      native=f"Персона{i}" if i % 5 == 0 else None)
        for i in range(DATASET_SOURCES // 4)
    ]  # fmt: skip
    sources = [
        records.SourceRec(key=f"s{i}", type="book", title=f"A history of things, volume {i}", publisher="Press",
                      contributors=[records.ContributorRec(person=f"p{i % len(people)}")],
                      issued=f"{1900 + i % 100}-{1 + i % 12:02d}")
        for i in range(DATASET_SOURCES)
    ]  # fmt: skip
    tags = [records.TagRec(key=f"t{i}", label=f"Tag {i}") for i in range(20)]
    claims = [
        records.ClaimRec(key=f"c{i}", text=f"Claim number {i} about things", kind="factual", tags=[f"t{i % 20}"],
                     about=[f"p{i % len(people)}"],
                     citations=[records.CitationRec(source=f"s{i}", stance="asserts", locator=str(i % 400))])
        for i in range(DATASET_SOURCES // 2)
    ]  # fmt: skip
    path = tmp_path_factory.mktemp("crash") / "big.yaml"
    path.write_text(
        fmt.dumps(records.Dataset(people=people, sources=sources, tags=tags, claims=claims)), encoding="utf-8"
    )
    return path


# --- the tests -------------------------------------------------------------------------------------


def _kill_repeatedly(
    url: str, args: tuple[str, ...], early: list[float], during_write: list[float],
    probe: Callable[[], bool], what: str,
) -> int:  # fmt: skip
    before = dump(url)
    count = 0
    for delay in early:
        proc = start(url, *args)
        time.sleep(delay)
        kill(proc, signal.SIGKILL, f"{what} killed {delay} s after the start")
        count += 1
        assert_intact(url, before, f"{what} killed {delay} s after the start")
    for delay in during_write:
        proc = start(url, *args)
        wait_for_write_phase(proc, probe)
        time.sleep(delay)
        kill(proc, signal.SIGKILL, f"{what} killed {delay} s into its transaction", probe)
        count += 1
        assert_intact(url, before, f"{what} killed {delay} s into its transaction")
    return count


def test_import_killed_at_any_point_changes_nothing_and_then_completes(
    db_url: str, big_bib: Path, probe: Callable[[], bool]
) -> None:
    count = _kill_repeatedly(db_url, ("import", str(big_bib)), EARLY_KILLS_S, WRITE_KILLS_S, probe, "import")
    assert count >= 6

    done = run(db_url, "import", str(big_bib))
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == f"{big_bib}: added {BIB_ENTRIES}, merged 0, skipped 0"
    if FULL:  # and once more: nothing is doubled
        again = run(db_url, "import", str(big_bib))
        assert again.returncode == 0, again.stderr
        assert again.stderr.splitlines()[0] == f"{big_bib}: added 0, merged 0, skipped {BIB_ENTRIES}"


def write_phase_seconds(url: str, args: tuple[str, ...], probe: Callable[[], bool]) -> float:
    """Run a command to completion; how long its write transaction was seen open."""
    proc = start(url, *args)
    wait_for_write_phase(proc, probe)
    began = time.monotonic()
    while probe():
        time.sleep(0.005)
    ended = time.monotonic()
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return ended - began


def test_load_killed_at_any_point_changes_nothing_and_then_completes(
    db_url: str, big_dataset: Path, probe: Callable[[], bool], backend: Any, seeded_template: str
) -> None:
    args = ("load", str(big_dataset))
    scratch = backend.copy(seeded_template)
    scratch_probe = _PgProbe(scratch) if BACKEND == "postgresql" else (lambda: _sqlite_writer_active(scratch))
    try:
        seconds = write_phase_seconds(scratch, args, scratch_probe)
    finally:
        if isinstance(scratch_probe, _PgProbe):
            scratch_probe.close()
    delays = [round(f * seconds, 2) for f in LOAD_WRITE_KILL_FRACTIONS]
    count = _kill_repeatedly(db_url, args, LOAD_EARLY_KILLS_S, delays, probe, "load")
    assert count >= 5

    done = run(db_url, *args)
    assert done.returncode == 0, done.stderr
    people, sources, claims = DATASET_SOURCES // 4, DATASET_SOURCES, DATASET_SOURCES // 2
    added = people + sources + 20 + claims
    assert done.stderr == (
        f"{big_dataset}: added {added} ({people} people, {sources} sources, 20 tags, {claims} claims); "
        "updated 0; unchanged 0\n"
    )


@pytest.mark.parametrize("when", ["while parsing", "in the transaction"])
def test_sigint_rolls_back_and_says_so_in_one_line(
    db_url: str, big_bib: Path, probe: Callable[[], bool], when: str
) -> None:
    before = dump(db_url)
    proc = start(db_url, "import", str(big_bib))
    if when == "while parsing":
        time.sleep(1.0)
    else:
        wait_for_write_phase(proc, probe)
        time.sleep(0.3)
    err = kill(proc, signal.SIGINT, f"SIGINT {when}", probe if when == "in the transaction" else None)
    assert proc.returncode == 130, err
    assert err == INTERRUPTED
    assert_intact(db_url, before, f"SIGINT {when}")
