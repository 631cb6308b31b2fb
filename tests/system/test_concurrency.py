"""Concurrent writers and readers in real OS processes.

Each worker is its own Python process that calls the CLI in-process in a loop (the Click command
``refdb.cli.main.app`` builds, built once, ``.main([...], standalone_mode=False)``): that keeps start-up
cost out of the loop while the processes still write to the database concurrently.  Workers wait for a start signal (a file) so
they really overlap, append every acknowledged write to their own file, and report every failure.

* 8 processes x 50 ``refdb add claim``: every write present afterwards exactly once.
* a soak: 8 writers and 4 readers (``claims``, ``search``, ``dump``) for REFDB_SOAK_SECONDS (10 s by
  default, 60 with ``pytest --full``): every acknowledged write present once, no reader error.
* ``refdb db backup`` while writers run: the backup passes ``refdb db restore``'s checks (and SQLite's
  integrity check) and holds every write acknowledged before it began.
* a writer blocked beyond its timeout (REFDB_BUSY_TIMEOUT) fails with one line, nothing changed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from refdb import db as refdb_db
from refdb.formats import dataset as fmt
from tests.conftest import BACKEND, invoke

SOAK_SECONDS = float(os.environ.get("REFDB_SOAK_SECONDS", "10"))
PROCESSES = 8
WRITES_EACH = 50
READERS = 4

WORKER = textwrap.dedent(
    r"""
    import contextlib, io, json, sys, time, traceback
    from pathlib import Path

    from typer.main import get_command

    from refdb.cli.main import app

    cli = get_command(app)  # what app([...]) builds on every call: build it once, keep its commands
    role, url, name, count, seconds, log, go = sys.argv[1:8]
    count, seconds = int(count), float(seconds)

    def call(*args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(["--db", url, *args], standalone_mode=False)
            except BaseException:  # a traceback is a failure like any other
                code, err = -1, io.StringIO(traceback.format_exc())
        return code, out.getvalue(), err.getvalue()

    code, _, err = call("claims", "--tag", "soak", "--format", "json")  # warm up: import what a command needs
    assert code == 0, err
    Path(log + ".ready").touch()
    while not Path(go).exists():  # start together
        time.sleep(0.005)
    deadline = time.monotonic() + seconds
    with open(log, "a", encoding="utf-8", buffering=1) as ack:
        n = 0
        while (n < count) if seconds == 0 else (time.monotonic() < deadline):
            if role == "writer":
                key = f"w-{name}-{n}"
                code, out, err = call("add", "claim", f"Concurrent write {name} {n}.", "--key", key,
                                      "--tag", "soak", "--about", "stalin")
                ack.write((key if code == 0 else "FAILED " + json.dumps([key, code, err])) + "\n")
            else:
                what = [("claims", "--format", "json"), ("search", "concurrent", "--format", "json",
                        "--limit", "10000"), ("dump",)][n % 3]
                code, out, err = call(*what)
                if code != 0:
                    ack.write("FAILED " + json.dumps([what, code, err]) + "\n")
                    continue
                if what[0] == "dump":  # a dump must parse, and be one snapshot: each claim whole
                    from refdb.formats import dataset as fmt

                    mine = [c for c in fmt.parse(out, source_name="dump").claims if c.key.startswith("w-")]
                    whole = all(c.tags == ["soak"] and c.about == ["stalin"] for c in mine)
                    keys = [c.key for c in mine]
                else:
                    keys, whole = [r["key"] for r in json.loads(out) if r["key"].startswith("w-")], True
                ack.write(json.dumps([what[0], keys, whole]) + "\n")
            n += 1
    """
)


@contextmanager
def workers(
    url: str, tmp: Path, roles: list[str], *, count: int = 0, seconds: float = 0
) -> Iterator[list[Path]]:
    """Start one process per role, let them go together; yield their logs; wait and check exits."""
    go = tmp / "go"
    go.unlink(missing_ok=True)
    logs, procs = [], []
    for i, role in enumerate(roles):
        log = tmp / f"{role}-{i}.log"
        log.unlink(missing_ok=True)
        Path(f"{log}.ready").unlink(missing_ok=True)
        logs.append(log)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER, role, url, str(i), str(count), str(seconds), str(log), str(go)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            )
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while not all(Path(f"{log}.ready").exists() for log in logs):  # all warmed up, at the start line
        if any(proc.poll() is not None for proc in procs) or time.monotonic() > deadline:
            for proc in procs:
                proc.kill()
            pytest.fail(
                "a worker did not reach the start line:\n" + "".join(p.communicate()[1] for p in procs)
            )
        time.sleep(0.02)
    go.touch()
    try:
        yield logs
    finally:
        for proc in procs:
            try:
                _, err = proc.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
            assert proc.returncode == 0, err


def acknowledged(logs: list[Path]) -> tuple[list[str], list[str]]:
    """(acknowledged writer keys, failure lines) from the logs."""
    keys, failures = [], []
    for log in logs:
        if not log.exists():  # a worker that has written nothing yet
            continue
        for line in log.read_text(encoding="utf-8").splitlines():
            (failures if line.startswith("FAILED ") else keys).append(line)
    return keys, failures


def claims_now(url: str) -> list[dict[str, Any]]:
    refdb_db.dispose_all()
    result = invoke(url, "claims", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def assert_each_once(url: str, keys: list[str]) -> None:
    claims = [c for c in claims_now(url) if c["key"].startswith("w-") or c["text"].startswith("Concurrent")]
    counts = Counter(c["key"] for c in claims)
    assert sorted(counts) == sorted(keys), "acknowledged writes missing, or unacknowledged ones present"
    assert set(counts.values()) == {1}
    texts = Counter(c["text"] for c in claims)
    assert set(texts.values()) == {1}, "a write was stored twice under different keys"
    for claim in claims:
        _, name, n = claim["key"].split("-")
        assert claim["text"] == f"Concurrent write {name} {n}."
        assert claim["tags"] == ["soak"] and claim["about"] == ["Joseph Stalin"], claim


@pytest.fixture
def url(db_url: str) -> str:
    result = invoke(db_url, "add", "tag", "Soak", "--key", "soak")
    assert result.exit_code == 0, result.output
    refdb_db.dispose_all()
    return db_url


def test_8_processes_x_50_writes_each_are_all_there_once(url: str, tmp_path: Path) -> None:
    with workers(url, tmp_path, ["writer"] * PROCESSES, count=WRITES_EACH) as logs:
        pass
    keys, failures = acknowledged(logs)
    assert failures == []
    assert len(keys) == PROCESSES * WRITES_EACH == 400
    assert_each_once(url, keys)


def test_soak_writers_and_readers(url: str, tmp_path: Path) -> None:
    roles = ["writer"] * PROCESSES + ["reader"] * READERS
    with workers(url, tmp_path, roles, seconds=SOAK_SECONDS) as logs:
        pass
    writer_logs, reader_logs = logs[:PROCESSES], logs[PROCESSES:]
    keys, failures = acknowledged(writer_logs)
    assert failures == []
    assert len(keys) >= PROCESSES, "the writers hardly wrote"
    assert_each_once(url, keys)

    reads: Counter[str] = Counter()
    acked = set(keys)
    for log in reader_logs:
        for line in log.read_text(encoding="utf-8").splitlines():
            assert not line.startswith("FAILED "), line
            what, seen, whole = json.loads(line)
            reads[what] += 1
            assert set(seen) <= acked and len(seen) == len(set(seen)), what
            # one snapshot on both engines (PostgreSQL readers run at REPEATABLE READ)
            assert whole, f"{what} saw a claim without its tag or subject"
    assert min(reads["claims"], reads["search"], reads["dump"]) >= 1, reads


def test_backup_while_writers_run_restores_and_holds_what_was_acknowledged(
    url: str, empty_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.refdb"
    with workers(url, tmp_path, ["writer"] * 4, seconds=6) as logs:
        deadline = time.monotonic() + 5  # the first acknowledged writes (a loaded machine is slow to start)
        before_backup, _ = acknowledged(logs)
        while len(before_backup) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
            before_backup, _ = acknowledged(logs)
        result = invoke(url, "db", "backup", str(backup))
        assert result.exit_code == 0 and result.exception is None, result.output
        after_backup, _ = acknowledged(logs)
    keys, failures = acknowledged(logs)
    assert failures == []
    assert len(after_backup) < len(keys), "the writers had stopped before the backup ended"
    assert len(before_backup) > 0, "the writers had not started before the backup"

    if BACKEND == "sqlite":
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            conn.close()
    refdb_db.dispose_all()
    restored = invoke(empty_url, "db", "restore", str(backup))
    assert restored.exit_code == 0 and restored.exception is None, restored.output
    in_backup = {c["key"] for c in claims_now(empty_url) if c["key"].startswith("w-")}
    assert set(before_backup) <= in_backup <= set(keys)
    for writer in range(4):  # one snapshot: each writer's first n writes, no gaps
        numbers = sorted(int(k.rsplit("-", 1)[1]) for k in in_backup if k.startswith(f"w-{writer}-"))
        assert numbers == list(range(len(numbers)))
    check = invoke(empty_url, "check", "--format", "json")  # the new claims cite no source, nothing else
    assert check.exception is None, check.output
    assert [
        p for p in json.loads(check.stdout) if not (p["check"] == "asserted" and p["key"] in in_backup)
    ] == []


def test_a_writer_blocked_beyond_its_timeout_fails_with_one_line(url: str) -> None:
    env = {**os.environ, "REFDB_BUSY_TIMEOUT": "1"}
    argv = [sys.executable, "-m", "refdb", "--db", url, "add", "claim", "Blocked.", "--key", "blocked"]
    with hold_write_lock(url):
        try:
            # the writer gives up after its 1 s; the 30 s only catch one that would wait for ever (start-up
            # alone can take seconds on a loaded machine, so a tighter bound measured the machine, not refdb)
            proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail("the writer was still waiting after 30 s: REFDB_BUSY_TIMEOUT was not applied")
    assert proc.returncode == 4, proc.stderr
    assert proc.stderr == (
        "Error: the database is busy: another refdb process held the write lock for more than 1 s; "
        "nothing was changed, run the command again\n"
    )
    assert "blocked" not in {c["key"] for c in claims_now(url)}


@contextmanager
def hold_write_lock(url: str) -> Iterator[None]:
    if BACKEND == "sqlite":
        conn = sqlite3.connect(refdb_db.sqlite_path(url), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    import psycopg

    from tests.pg import conninfo

    with psycopg.connect(conninfo(url)) as conn:
        conn.execute("LOCK TABLE claim IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()


def test_a_dump_is_one_snapshot(url: str) -> None:
    """A write committed while ``refdb dump`` is between its queries is in the dump whole, or not at all.

    The write (a new source by a new author) is committed by another process just before the dump
    reads the contributor table, after it has read the people.
    """
    from sqlalchemy import event

    engine = refdb_db.get_engine(url)
    fired: list[subprocess.CompletedProcess[str]] = []

    def write_now(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not fired and "FROM contributor" in statement:
            fired.append(subprocess.run(
                [sys.executable, "-m", "refdb", "--db", url, "add", "source", "Snapshot test",
                 "--key", "snapshot-test", "--author", "Newman, Nora"],
                capture_output=True, text=True, timeout=120, check=False,
            ))  # fmt: skip

    event.listen(engine, "before_cursor_execute", write_now)
    try:
        result = invoke(url, "dump")
    finally:
        event.remove(engine, "before_cursor_execute", write_now)
    assert fired and fired[0].returncode == 0, fired and fired[0].stderr
    assert result.exception is None, f"{type(result.exception).__name__}: {result.exception}"
    assert result.exit_code == 0, result.output
    dumped = fmt.parse(result.stdout, source_name="dump")
    people = {p.key for p in dumped.people}
    sources = {s.key: s for s in dumped.sources}
    if "snapshot-test" in sources:
        assert {c.person for c in sources["snapshot-test"].contributors} <= people
    else:
        assert not any(p.startswith("newman") for p in people), "the new author without the new source"
