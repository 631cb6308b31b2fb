"""A non-editable install works from any directory: migrations and seed data ship inside the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_migrations_seed_and_the_citation_filter_and_works_installed(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = dist.glob("refdb-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("refdb/_migrations/env.py", "refdb/_migrations/versions/0001_initial_schema.py",
                     "refdb/_migrations/versions/0002_search_index.py", "refdb/_seed/stalin-and-his-generals.yaml",
                     "refdb/_seed/stalin-and-his-generals.txt", "refdb/engines/citeproc_collect.lua"):  # fmt: skip
        assert required in names, required
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "REFDB_DATABASE_URL": str(tmp_path / "installed.sqlite")}

    def refdb(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "refdb", *args], cwd=elsewhere, env=env, capture_output=True,
                              text=True, timeout=120, check=False)  # fmt: skip

    where = subprocess.run([sys.executable, "-c", "import refdb, refdb.resources as r; print(refdb.__file__); "
                            "print(r.migrations_dir()); print(r.seed_dataset())"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    assert all(path.startswith(str(target)) for path in where), where
    seeded = refdb("seed")
    assert seeded.returncode == 0, seeded.stderr
    claims = refdb("claims", "--source", "glantz", "--format", "json")
    assert [c["key"] for c in json.loads(claims.stdout)] == ["factor-continuity"]
    assert refdb("cite", "factor-continuity").stdout.startswith("1. David M. Glantz, Colossus Reborn")
