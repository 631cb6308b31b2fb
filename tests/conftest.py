"""Test fixtures: every test gets its own real, migrated database.

The backend comes from ``REFDB_TEST_BACKEND`` (``sqlite``, the default, or ``postgresql``).
A seeded template is built once per session; each test gets a copy (a file copy on SQLite,
``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), so tests are isolated and fast.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from refdb import db as refdb_db
from refdb.cli.main import app

# The read-only reference files: $REFDB_SHARED, else ../shared beside the checkout, else /work/shared.
SHARED = Path(
    os.environ.get("REFDB_SHARED")
    or next(
        (
            str(p)
            for p in (Path(__file__).resolve().parents[2] / "shared", Path("/work/shared"))
            if p.is_dir()
        ),
        str(Path(__file__).resolve().parents[2] / "shared"),
    )
)
ESSAY = SHARED / "seed" / "stalin-and-his-generals.txt"
BACKEND = os.environ.get("REFDB_TEST_BACKEND", "sqlite")

# PostgreSQL-only checks run in the PostgreSQL pass of `make test`; the SQLite pass does not collect them.
collect_ignore = ["db/test_postgres.py"] if BACKEND != "postgresql" else []

# Generated data can be slow to build on a loaded 2-core machine; that is not a failure of the code.
settings.register_profile("refdb", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("refdb")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true", help="Run soak and property tests at their full size.")


def pytest_configure(config: pytest.Config) -> None:
    if not (SHARED / "reference").is_dir():
        raise pytest.UsageError(
            f"the shared reference files are not at {SHARED}; set REFDB_SHARED to the shared/ directory"
        )
    if config.getoption("--full"):
        os.environ.setdefault("REFDB_HYPOTHESIS_EXAMPLES", "1000")
        os.environ.setdefault("REFDB_SOAK_SECONDS", "60")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Backend:
    """Creates databases for tests on one engine."""

    name = "sqlite"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counter = 0

    def new_url(self) -> str:
        self.counter += 1
        return f"sqlite:///{self.root / f'db{self.counter}.sqlite'}"

    def copy(self, template_url: str) -> str:
        url = self.new_url()
        src = refdb_db.sqlite_path(template_url)
        dst = refdb_db.sqlite_path(url)
        assert src is not None and dst is not None
        refdb_db.dispose_all()
        shutil.copyfile(src, dst)
        return url

    def close(self) -> None:
        pass


def _make_backend(root: Path) -> Backend:
    if BACKEND == "sqlite":
        return Backend(root)
    if BACKEND == "postgresql":
        from tests.pg import PostgresBackend

        return PostgresBackend(root)
    raise pytest.UsageError(f"REFDB_TEST_BACKEND must be sqlite or postgresql, not {BACKEND!r}")


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    b = _make_backend(tmp_path_factory.mktemp("dbs"))
    yield b
    refdb_db.dispose_all()
    b.close()


def invoke(
    url: str | None, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> Result:
    runner = CliRunner()
    argv = (["--db", url] if url else []) + list(args)
    result = runner.invoke(app, argv, input=input, env=env, catch_exceptions=True)
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    return Result(result.exit_code, result.stdout, result.stderr, exc)


@pytest.fixture(scope="session")
def seeded_template(backend: Backend) -> str:
    url = backend.new_url()
    result = invoke(url, "seed")
    assert result.exit_code == 0, result.output
    refdb_db.dispose_all()
    return url


@pytest.fixture
def db_url(backend: Backend, seeded_template: str) -> Iterator[str]:
    """A fresh copy of the seeded database."""
    url = backend.copy(seeded_template)
    yield url
    refdb_db.dispose_all()


@pytest.fixture
def empty_url(backend: Backend) -> Iterator[str]:
    """A new, empty database (migrated on first use)."""
    url = backend.new_url()
    yield url
    refdb_db.dispose_all()


Cli = Callable[..., Result]


@pytest.fixture
def cli(db_url: str) -> Cli:
    """Run refdb against the seeded copy: ``cli("claims", "--source", "glantz")``."""

    def run(*args: str, **kwargs: Any) -> Result:
        return invoke(db_url, *args, **kwargs)

    return run


@pytest.fixture
def dump_of() -> Callable[[str], str]:
    """The full dump of a database, to compare before and after a refused command."""

    def dump(url: str) -> str:
        result = invoke(url, "dump")
        assert result.exit_code == 0, result.output
        return result.stdout

    return dump
