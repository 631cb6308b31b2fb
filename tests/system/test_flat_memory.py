"""Flat memory: the commands that touch the whole database hold a page of it, not all of it.

Two generated databases, ten times apart in size (scripts/generate.py's realistic shapes, small
enough for CI), and every streaming command run on each as a real ``python -m refdb`` process.
Its peak resident memory (the kernel's ``ru_maxrss`` for that one child, from ``os.wait4``) must
not grow by more than a small bound from the small database to the large one.  Before streaming,
``refdb dump`` grew by ~12 KB per record (1.5 GB at 126,000 records): here that would be ~130 MB.
Resource-based, not time-based: nothing here depends on the machine's speed.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from refdb import db as refdb_db
from tests.conftest import BACKEND, Backend, invoke

ROOT = Path(__file__).resolve().parents[2]
SMALL = (100, 1_000)  # sources, claims
LARGE = (1_000, 10_000)
GROWTH_KB = 15 * 1024  # the bound for 10k -> 100k sources; here 10x as well


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("refdb_generate", ROOT / "scripts" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["refdb_generate"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@dataclass
class Database:
    url: str
    dump: Path  # its dump, for the load commands
    records: int


@pytest.fixture(scope="module")
def databases(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Database]]:
    generate = _generator()
    root = tmp_path_factory.mktemp("flat")
    out = {}
    for name, (sources, claims) in (("small", SMALL), ("large", LARGE)):
        path = root / f"{name}.sqlite"
        generate.build(path, generate.Shape(sources=sources, claims=claims), 1941)
        url = f"sqlite:///{path}"
        if BACKEND == "postgresql":  # the same records in a PostgreSQL database, by the streaming copy
            target = backend.new_url()
            result = invoke(url, "db", "copy", "--to", target)
            assert result.exit_code == 0, result.output
            url = target
        dump = root / f"{name}.yaml"
        result = invoke(url, "dump", "--output", str(dump))
        assert result.exit_code == 0, result.output
        refdb_db.dispose_all()
        out[name] = Database(url, dump, int(result.stderr.split()[1]))
    yield out
    refdb_db.dispose_all()


def peak_kb(url: str, *args: str, cwd: Path) -> int:
    """Run ``refdb --db URL ARGS`` and return its peak resident memory in KB (Linux: ru_maxrss)."""
    with open(cwd / "stdout", "wb") as out, open(cwd / "stderr", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "refdb", "--db", url, *args], stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors = (cwd / "stderr").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode in (0, 1), (args, proc.returncode, errors)  # check exits 1 for its findings
    return int(usage.ru_maxrss)


COMMANDS: list[tuple[str, ...]] = [
    ("dump",),
    ("claims", "--format", "json"),
    ("claims", "--format", "csv"),
    ("quotes", "--format", "json"),
    ("comments", "--format", "csv"),
    ("sources", "--format", "json"),
    ("sources", "--format", "csv"),
    ("people", "--format", "json"),
    ("check", "--format", "json"),
    ("export", "--format", "csljson"),
    ("export", "--format", "bibtex"),
    ("search", "Kursk", "--limit", "10000", "--format", "json"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_peak_memory_does_not_grow_with_the_database(
    databases: dict[str, Database], command: tuple[str, ...], tmp_path: Path
) -> None:
    small = peak_kb(databases["small"].url, *command, cwd=tmp_path)
    large = peak_kb(databases["large"].url, *command, cwd=tmp_path)
    assert large - small <= GROWTH_KB, (command, small, large)


def _fresh(backend: Backend, tmp_path: Path, name: str) -> str:
    if BACKEND == "postgresql":
        return backend.new_url()
    return f"sqlite:///{tmp_path / name}"


def test_load_and_reload_and_copy_and_backup_stay_flat(
    databases: dict[str, Database], backend: Backend, tmp_path: Path
) -> None:
    peaks: dict[str, dict[str, int]] = {}
    for size, database in databases.items():
        target = _fresh(backend, tmp_path, f"{size}-load.sqlite")
        copy = _fresh(backend, tmp_path, f"{size}-copy.sqlite")
        backup = tmp_path / f"{size}.backup"
        peaks[size] = {"load": peak_kb(target, "load", str(database.dump), cwd=tmp_path)}
        peaks[size]["re-load"] = peak_kb(target, "load", str(database.dump), cwd=tmp_path)
        reloaded = (tmp_path / "stderr").read_text(encoding="utf-8")
        assert f"added 0; updated 0; unchanged {database.records} " in reloaded, reloaded
        peaks[size]["db copy"] = peak_kb(database.url, "db", "copy", "--to", copy, cwd=tmp_path)
        peaks[size]["db backup"] = peak_kb(database.url, "db", "backup", str(backup), cwd=tmp_path)
        # what was loaded and copied is what was dumped, byte for byte
        for url in (target, copy):
            result = invoke(url, "dump")
            assert result.exit_code == 0, result.output
            assert result.stdout == database.dump.read_text(encoding="utf-8")
        refdb_db.dispose_all()
    for name in peaks["small"]:
        assert peaks["large"][name] - peaks["small"][name] <= GROWTH_KB, (name, peaks)


def _bibtex(path: Path, sources: int) -> Path:
    import random

    generate = _generator()
    shape = generate.Shape(sources=sources, claims=sources)
    rng = random.Random(1941)
    people = generate.make_people(rng, shape.people)
    generate.write_bibtex(path, generate.csl_items(generate.make_sources(rng, sources, people), people, sources))
    return path


def test_import_streams_the_parse(backend: Backend, tmp_path: Path) -> None:
    """`refdb import` of 2,000 and of 20,000 BibTeX entries: the parse is streamed and what the import
    keeps of the entries it wrote is their index, so the peak grows by far less than the entries'
    parse (whole, that grew by ~7.8 KB an entry: ~140 MB here); the text itself is read whole."""
    peaks = {}
    for n in (2_000, 20_000):
        path = _bibtex(tmp_path / f"{n}.bib", n)
        target = _fresh(backend, tmp_path, f"import-{n}.sqlite")
        peaks[n] = peak_kb(target, "import", str(path), cwd=tmp_path)
        assert f"added {n}," in (tmp_path / "stderr").read_text(encoding="utf-8")
        refdb_db.dispose_all()
    # measured: +42 MB (the text read whole, the index of 20,000 works, bounded name caches)
    assert peaks[20_000] - peaks[2_000] <= 4 * GROWTH_KB, peaks
