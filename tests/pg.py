"""The PostgreSQL test backend: a real server, one database per test.

* ``REFDB_TEST_PG_URL`` (e.g. ``postgresql+psycopg://user@127.0.0.1:5432/postgres``) names a server
  to use; its databases are called ``refdb_test_<pid>_<n>`` and dropped at the end.
* Otherwise a throw-away cluster is started here: ``initdb`` in a temporary directory, ``pg_ctl start``
  on 127.0.0.1 and a free port, durability off (fsync, synchronous_commit, full_page_writes), and
  ``pg_ctl stop`` in :meth:`PostgresBackend.close` (and at exit, as a safety net).  As root, initdb
  and pg_ctl run as the ``postgres`` system user, which owns the cluster's directory.
  ``scripts/ensure-postgres.sh`` installs the binaries when there are none.

A seeded template is copied with ``CREATE DATABASE ... TEMPLATE``.  When no server can be had, the
session stops with a message saying why: the PostgreSQL run never skips.
"""

from __future__ import annotations

import atexit
import glob
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

from refdb import db as refdb_db
from refdb.config import redact

ENV_SERVER_URL = "REFDB_TEST_PG_URL"
SUPERUSER = "refdb"
SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
SHM_MIN_FREE = 2 * 1024**3  # each test database takes ~8 MB
HINT = "run scripts/ensure-postgres.sh (it installs PostgreSQL with apt-get), or set REFDB_TEST_PG_URL"


def _fail(message: str) -> None:
    """Stop the whole session: a PostgreSQL run without a server is a failure, not a skip."""
    pytest.exit(f"PostgreSQL test backend: {message}", returncode=1)


def find_binary(name: str) -> str | None:
    """``name`` on PATH, else in the newest ``/usr/lib/postgresql/<version>/bin``."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> float:
        try:
            return float(Path(path).parts[-3])
        except ValueError:
            return 0.0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version, reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop_on_sigterm() -> None:
    """A CI timeout sends SIGTERM: end the session like Ctrl-C so the server is stopped, not orphaned."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:

        def interrupt(_signum: int, _frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, interrupt)


def _scratch_dir() -> str | None:
    """A RAM disk when there is room: creating a database writes ~300 files, slow on some disks."""
    shm = "/dev/shm"
    try:
        stat = os.statvfs(shm)
    except OSError:
        return None
    if stat.f_bavail * stat.f_frsize >= SHM_MIN_FREE and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return None  # e.g. Docker's 64 MB /dev/shm: the system's temporary directory


def conninfo(sqlalchemy_url: str) -> str:
    """A libpq URI for psycopg from an SQLAlchemy URL (``postgresql+psycopg://`` → ``postgresql://``)."""
    from sqlalchemy.engine import make_url

    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class LocalServer:
    """A throw-away cluster started with initdb and pg_ctl."""

    def __init__(self) -> None:
        initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
        if initdb is None or pg_ctl is None:
            _fail(f"no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin; {HINT}")
        assert initdb is not None and pg_ctl is not None
        self.initdb, self.pg_ctl = initdb, pg_ctl
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        # Not under pytest's tmp_path: that is private to root (0700), the postgres user could not reach it.
        self.dir = Path(tempfile.mkdtemp(prefix="refdb-pg-", dir=_scratch_dir()))
        self.data = self.dir / "pgdata"
        self.log = self.dir / "server.log"
        self.port = 0
        self.running = False
        if self.as_postgres:
            try:
                shutil.chown(self.dir, "postgres", "postgres")
            except (LookupError, PermissionError) as exc:
                self._cleanup_dir()
                _fail(f"running as root, but cannot hand {self.dir} to the 'postgres' user ({exc}); {HINT}")
        atexit.register(self.stop)
        _stop_on_sigterm()
        self._initdb()
        self._start()

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        if self.as_postgres:
            if shutil.which("runuser"):
                cmd = ["runuser", "-u", "postgres", "--", *argv]
            else:
                cmd = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]
        else:
            cmd = list(argv)
        return subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True, check=False, timeout=120)

    def _initdb(self) -> None:
        base = [self.initdb, "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync"]
        proc = self._run(*base, "--locale=C.UTF-8")
        if proc.returncode != 0:  # no C.UTF-8 locale on this system: the plain C locale will do
            shutil.rmtree(self.data, ignore_errors=True)
            proc = self._run(*base, "--no-locale")
        if proc.returncode != 0:
            self._cleanup_dir()
            _fail(f"initdb failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")

    def _start(self) -> None:
        last = ""
        for _attempt in range(3):  # the free port can be taken between the probe and the start
            self.port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} {SERVER_OPTIONS}"
            proc = self._run(
                self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
            )
            if proc.returncode == 0:
                self.running = True
                return
            last = proc.stdout + proc.stderr + self._log_tail()
        self.stop()
        _fail(f"pg_ctl could not start a server in {self.data}:\n{last}")

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.running:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False
        self._cleanup_dir()

    def _cleanup_dir(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresBackend:
    """Creates databases for tests on a PostgreSQL server (see the module docstring)."""

    name = "postgresql"

    def __init__(self, root: Path) -> None:
        import psycopg

        self.root = root
        self.counter = 0
        self.created: list[str] = []
        self.server: LocalServer | None = None
        external = os.environ.get(ENV_SERVER_URL)
        if external:
            self.server_url = external
            self.prefix = f"refdb_test_{os.getpid()}_"  # a shared server: do not collide with other runs
        else:
            self.server = LocalServer()
            self.server_url = self.server.url
            self.prefix = "refdb_test_"
        try:
            self.admin: Any = psycopg.connect(conninfo(self.server_url), autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            self.close()
            _fail(f"cannot connect to {redact(self.server_url)}: {exc}")
        row = self.admin.execute(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'unaccent'"
        ).fetchone()
        if not row or row[0] == 0:
            self.close()
            _fail("the server lacks the 'unaccent' extension (the postgresql-contrib package); " + HINT)
        # PostgreSQL 15 copies a template through the WAL by default; a file copy is faster here.
        self.strategy = " STRATEGY FILE_COPY" if self.admin.info.server_version >= 150000 else ""

    def _url(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.server_url).set(database=database).render_as_string(hide_password=False)

    def _create(self, options: str) -> str:
        self.counter += 1
        name = f"{self.prefix}{self.counter}"
        if self.server is None:  # a shared server may hold a leftover of an interrupted run
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.execute(f'CREATE DATABASE "{name}" {options}')
        self.created.append(name)
        return name

    def new_url(self) -> str:
        name = self._create(f"TEMPLATE template0 ENCODING 'UTF8'{self.strategy}")
        return self._url(name)

    def copy(self, template_url: str) -> str:
        from sqlalchemy.engine import make_url

        template = make_url(template_url).database
        refdb_db.dispose_all()
        # CREATE DATABASE ... TEMPLATE needs the template to have no other sessions.
        self.admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (template,),
        )
        return self._url(self._create(f'TEMPLATE "{template}"{self.strategy}'))

    def close(self) -> None:
        admin = getattr(self, "admin", None)
        if admin is not None:
            if self.server is None:  # a shared server: leave nothing behind
                refdb_db.dispose_all()
                for name in self.created:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
            self.admin = None
        if self.server is not None:
            self.server.stop()
