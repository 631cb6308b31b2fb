#!/usr/bin/env python3
"""refdb's benchmark: every figure of the "Fast at every scale" issue, measured in one run, each beside
its baseline, and written to BENCHMARKS.md.

    python scripts/bench.py --size 10k            # or: make bench BENCH_ARGS="--size 100k"
    python scripts/bench.py --size 100k --only cold,inprocess,search

Whole processes are timed with time.perf_counter around the child (spawn to exit); peak memory is
the child's own "Maximum resident set size" from wait4(), the number /usr/bin/time -v prints (its
children included, so pandoc counts for `refdb bibliography`).  Commands of a figure run
interleaved (refdb, baseline, refdb, ...), after one untimed warm-up each, and the median is
reported; cold commands run --runs times (15), slow ones as often as --budget seconds allow (at
least once).  The machine is shared, so CPU time (user + sys) is recorded beside the wall time.

Everything expensive is cached in .bench/, keyed by size: the generated databases and BibTeX files
(rebuilt when scripts/generate.py or the schema revision changes), an empty migrated database for
the import, the peers' virtualenv (.bench/venv: papis and sqlite-utils, from PyPI) and the papis
library.  Results of each size are kept in .bench/results-SIZE.json, and BENCHMARKS.md shows the
latest run of every size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
BASELINES = SCRIPTS / "bench_baselines"
BENCH = ROOT / ".bench"
PY = sys.executable
REFDB = str(Path(PY).with_name("refdb"))
PEER_VENV = BENCH / "venv"
PEER_PACKAGES = ("papis", "sqlite-utils")
PAPIS_MAX_DOCS = 10_000
PAPIS_IMPORT_ENTRIES = 200  # papis adds ~5 documents a second, one at a time
FIGURES = ("cold", "inprocess", "import", "export", "bibliography", "search", "peers", "map", "dossier", "web", "stream",
           "stream-pg")
GROUPS = ("cold query", "in-process", "import", "export", "bibliography", "search", "peers", "map", "dossier", "web",
          "stream", "growth")  # the table's numbers
MAP_TARGET = 10.0  # seconds: `refdb map` of a tag with 200 claims (issue 14)
SEED_AUTHOR = "Glantz"  # the seed's author of a source claims are cited to (README: refdb claims --source glantz)
MEMORY_LIMIT_MB = 150.0
MEMORY_GROWTH_MB = 15.0  # "independent of size": the large database's peak within this of the seed's


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ running processes


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Command:
    name: str
    argv: list[str]
    stdout: Path | None = None  # None: /dev/null
    env: dict[str, str] | None = None
    setup: Callable[[], None] | None = None  # untimed, before every run
    check: Callable[[Path | None], None] | None = None  # on the warm-up's output
    runs: list[Run] = field(default_factory=list)
    ok: tuple[int, ...] = (0,)  # exit codes of a successful run (`refdb check` exits 1 when it finds problems)

    def median(self, attr: str = "wall") -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    def peak(self) -> float:
        return max(r.rss_mb for r in self.runs)


TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


def run_once(cmd: Command) -> Run:
    """One run: wall time around the child, its CPU time and peak memory.

    Peak memory comes from /usr/bin/time (its "Maximum resident set size", -f %M): a child forked
    from this process itself would report at least this process's own size, as Linux counts the
    pages a fork shares with its parent.  Without /usr/bin/time, wait4()'s figure is used instead.
    """
    if cmd.setup is not None:
        cmd.setup()
    tmp = BENCH / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    err_path, rss_path = tmp / "stderr.txt", tmp / "maxrss.txt"
    argv = [TIME, "-f", "%M", "-o", str(rss_path), *cmd.argv] if TIME else cmd.argv
    env = {**os.environ, **(cmd.env or {})}
    with open(cmd.stdout or os.devnull, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in cmd.ok:
        raise SystemExit(
            f"bench: '{' '.join(cmd.argv)}' exited {proc.returncode}:\n{err_path.read_text(errors='replace')[-2000:]}"
        )
    rss_kb = float(rss_path.read_text().split()[-1]) if TIME else usage.ru_maxrss
    return Run(wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024)


def measure(commands: list[Command], runs: int, budget: float | None = None) -> None:
    """Warm up each command once (checking its output), then run them interleaved.

    Cold commands (``budget`` None) run ``runs`` times each.  Slow ones run as often as ``budget``
    seconds per command allow (at most ``runs``, at least once); one whose warm-up took longer than
    the budget keeps that run as its only measurement rather than paying for it twice.
    """
    todo: dict[str, int] = {}
    for cmd in commands:
        warm = run_once(cmd)
        if cmd.check is not None:
            cmd.check(cmd.stdout)
        if budget is None:
            todo[cmd.name] = runs
        elif warm.wall >= budget:
            cmd.runs.append(warm)
            todo[cmd.name] = 0
        else:
            todo[cmd.name] = min(runs, max(1, int(budget / max(warm.wall, 1e-3))))
    for index in range(max(todo.values(), default=0)):
        order = commands if index % 2 == 0 else list(reversed(commands))
        for cmd in order:
            if index < todo[cmd.name]:
                cmd.runs.append(run_once(cmd))
    for cmd in commands:
        log(f"    {cmd.name:<44} {cmd.median():8.3f} s  (cpu {cmd.median('cpu'):.3f} s, "
            f"{len(cmd.runs)} runs, peak {cmd.peak():.0f} MB)")  # fmt: skip


# ------------------------------------------------------------------------------------- results


@dataclass
class Figure:
    group: str
    name: str
    refdb: float
    baseline: float | None
    baseline_name: str
    unit: str = "s"
    target: float | None = None  # the ratio (or, for unit MB, the value) at or below which it is met
    target_text: str = ""
    cpu_ratio: float | None = None
    runs: str = ""
    note: str = ""
    met_override: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.refdb / self.baseline  # type: ignore[operator]

    @property
    def met(self) -> bool | None:
        if self.met_override is not None:
            return self.met_override
        if self.target is None:
            return None
        value = self.refdb if self.unit == "MB" and self.baseline is None else self.ratio
        return value is not None and value <= self.target


class Results:
    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.on_add: Callable[[], object] | None = None  # called after every figure: the bench saves them

    def add(self, group: str, name: str, refdb: Command | float, baseline: Command | float | None,
            baseline_name: str, *, target: float | None = None, target_text: str = "", unit: str = "s",
            note: str = "", met: bool | None = None) -> Figure:  # fmt: skip
        cpu_ratio = None
        runs = ""
        if isinstance(refdb, Command):
            runs = str(len(refdb.runs))
            if isinstance(baseline, Command):
                runs += f"/{len(baseline.runs)}"
                cpu_ratio = refdb.median("cpu") / baseline.median("cpu") if baseline.median("cpu") else None
        value = refdb.median() if isinstance(refdb, Command) else refdb
        base = baseline.median() if isinstance(baseline, Command) else baseline
        fig = Figure(group, name, value, base, baseline_name, unit, target, target_text, cpu_ratio, runs, note, met)
        self.figures.append(fig)
        if self.on_add is not None:
            self.on_add()
        mark = {True: "met", False: "MISSED", None: ""}[fig.met]
        ratio = f"{fig.ratio:.2f}x" if fig.ratio is not None else ""
        log(f"  {name}: {value:.3f} {unit} vs {baseline_name} {'' if base is None else f'{base:.3f}'} {ratio} {mark}")
        return fig


# ---------------------------------------------------------------------------------------- caches


def _digest(*paths: Path) -> str:
    h = hashlib.sha1()
    for path in paths:
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _head_revision() -> str:
    from refdb.db import HEAD_REVISION

    return HEAD_REVISION


def _schema_digest() -> str:
    """The schema as the migrations (and the search index's DDL) make it: a cached database older than it is stale."""
    return _digest(*sorted((ROOT / "migrations" / "versions").glob("*.py")), ROOT / "refdb" / "db" / "fts.py")


def _cache_key() -> str:
    return f"{_digest(SCRIPTS / 'generate.py')}-{_head_revision()}-{_schema_digest()}"


def data_size(size: str) -> str:
    """1m is the same database as 100k (the issue's 1M-claim database): one file serves both."""
    return "100k" if size == "1m" else size


def ensure_db(size: str) -> tuple[Path, dict[str, Any]]:
    size = data_size(size)
    path = BENCH / f"{size}.sqlite"
    meta_path = Path(f"{path}.meta.json")
    key = _cache_key()
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("cache_key") == key:
            return path, meta
    log(f"generating the {size} database (cached in {path}) ...")
    t = time.perf_counter()
    subprocess.run([PY, str(SCRIPTS / "generate.py"), "--size", size, "--out", str(path)], check=True)
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {"size": size}
    meta["cache_key"] = key
    meta["generated_in"] = time.perf_counter() - t
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return path, meta


def ensure_bibtex(size: str, entries: int) -> Path:
    size = data_size(size)
    path = BENCH / f"{size}-{entries}.bib"
    stamp = Path(f"{path}.key")
    key = _cache_key()
    if path.exists() and stamp.exists() and stamp.read_text() == key:
        return path
    log(f"writing {entries:,} BibTeX entries (cached in {path}) ...")
    subprocess.run([PY, str(SCRIPTS / "generate.py"), "--size", size, "--bibtex", str(path), "--entries",
                    str(entries)], check=True)  # fmt: skip
    stamp.write_text(key)
    return path


def ensure_empty_db() -> Path:
    path = BENCH / f"empty-{_head_revision()}-{_schema_digest()}.sqlite"
    for stale in BENCH.glob("empty-*.sqlite"):
        if stale != path:
            stale.unlink()
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        subprocess.run([REFDB, "--db", str(partial), "db", "upgrade"], check=True, capture_output=True)
        os.replace(partial, path)
    return path


def ensure_peer_venv() -> Path:
    bin_dir = PEER_VENV / "bin"
    if all((bin_dir / exe).exists() for exe in ("papis", "sqlite-utils")):
        return bin_dir
    log(f"creating {PEER_VENV} with {', '.join(PEER_PACKAGES)} (once) ...")
    subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], check=True)
    return bin_dir


def papis_env() -> dict[str, str]:
    home = BENCH / "papis" / "home"
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(BENCH / "papis" / "cache"), "XDG_DATA_HOME": str(home / ".local" / "share")}  # fmt: skip


def _papis_config(lib: Path) -> dict[str, str]:
    env = papis_env()
    config = Path(env["XDG_CONFIG_HOME"]) / "papis" / "config"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[settings]\ndefault-library = bench\n\n[bench]\ndir = {lib}\n")
    return env


def ensure_papis_library(bin_dir: Path, bib: Path) -> tuple[Path, int]:
    """A papis library of the same BibTeX: papis' reader, papis' format, one folder per document."""
    root = BENCH / "papis"
    lib = root / f"lib-{bib.stem}"
    stamp = root / f"lib-{bib.stem}.docs"
    key = Path(f"{bib}.key").read_text()
    if not (lib.exists() and stamp.exists() and stamp.read_text().split()[-1] == key):
        shutil.rmtree(lib, ignore_errors=True)
        shutil.rmtree(root / "cache", ignore_errors=True)
        lib.mkdir(parents=True)
        log(f"writing a papis library of {bib.name} at {lib} (once) ...")
        subprocess.run([str(bin_dir / "python"), str(BASELINES / "papis_library.py"), str(bib), str(lib)],
                       check=True, stderr=subprocess.DEVNULL)  # fmt: skip
        stamp.write_text(f"{sum(1 for _ in lib.iterdir())} {key}")
    _papis_config(lib)
    return lib, int(stamp.read_text().split()[0])


def papis_import_seconds(bin_dir: Path, bib: Path) -> float:
    """`papis bibtex read FILE import --all` into an empty library: one run, cached (papis does not change)."""
    cache = BENCH / "papis" / f"import-{bib.stem}.json"
    if cache.exists():
        return float(json.loads(cache.read_text())["seconds"])
    lib = BENCH / "papis" / "import-lib"
    shutil.rmtree(lib, ignore_errors=True)
    lib.mkdir(parents=True)
    env = _papis_config(lib)
    log(f"timing papis' own import of {bib.name} (once) ...")
    run = run_once(Command("papis import", [str(bin_dir / "papis"), "bibtex", "read", str(bib), "import", "--all"],
                           env=env))  # fmt: skip
    docs = sum(1 for _ in lib.iterdir())
    shutil.rmtree(lib, ignore_errors=True)
    shutil.rmtree(BENCH / "papis" / "cache", ignore_errors=True)
    cache.write_text(json.dumps({"seconds": run.wall, "docs": docs}) + "\n")
    return run.wall


# ------------------------------------------------------------------------------------ checks


def expect_json_records(count: int | None = None, at_least: int = 1) -> Callable[[Path | None], None]:
    def check(path: Path | None) -> None:
        assert path is not None
        data = json.loads(path.read_text(encoding="utf-8"))
        if count is not None and len(data) != count:
            raise SystemExit(f"bench: {path.name}: {len(data)} records, expected {count}")
        if len(data) < at_least:
            raise SystemExit(f"bench: {path.name}: {len(data)} records, expected at least {at_least}")

    return check


def expect_entries(count: int, marker: str) -> Callable[[Path | None], None]:
    def check(path: Path | None) -> None:
        assert path is not None
        found = path.read_text(encoding="utf-8").count(marker)
        if found < count:
            raise SystemExit(f"bench: {path.name}: {found} entries, expected {count}")

    return check


# ------------------------------------------------------------------------------------ figures


def out(name: str) -> Path:
    path = BENCH / "tmp" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _fresh_sqlite(empty: Path, path: Path) -> Callable[[], None]:
    def setup() -> None:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(empty, path)
    return setup


def fig_cold(res: Results, seed_db: Path, db: Path, meta: dict[str, Any], runs: int) -> dict[str, Command]:
    """Cold `claims --source`: against the Typer + SQLAlchemy Core floor (issue 17's target, 1.1x), the
    ORM floor (issue 6's), a bare sqlite3 script, and sqlite-utils answering the floor's SQL."""
    log("1. cold `refdb claims --source NAME --format json`")
    sys.path.insert(0, str(BASELINES))
    from claims_sqlite import SQL, params  # type: ignore[import-not-found]

    bin_dir = ensure_peer_venv()
    author = meta["bench_author"]
    cmds = []
    per = 5
    for label, path, name, count in (("seed", seed_db, SEED_AUTHOR, None), (meta["size"], db, author, 20)):
        check = expect_json_records(count)
        p = params(name)
        cmds += [
            Command(f"refdb claims ({label})", [REFDB, "--db", str(path), "claims", "--source", name, "--format",
                                                "json"], out(f"claims-{label}.json"), check=check),
            Command(f"typer+sqlalchemy core floor ({label})", [PY, str(BASELINES / "claims_core.py"), str(path), name],
                    out(f"claims-core-{label}.json"), check=check),
            Command(f"typer+sqlalchemy orm floor ({label})", [PY, str(BASELINES / "claims_orm.py"), str(path), name],
                    out(f"claims-orm-{label}.json"), check=check),
            Command(f"bare sqlite3 floor ({label})", [PY, str(BASELINES / "claims_sqlite.py"), str(path), name],
                    out(f"claims-sqlite-{label}.json"), check=check),
            Command(f"sqlite-utils query ({label})", [str(bin_dir / "sqlite-utils"), "query", str(path), SQL,
                    "-p", "key", p["key"], "-p", "like", p["like"]], out(f"claims-sqlite-utils-{label}.json"),
                    check=check),
        ]  # fmt: skip
    measure(cmds, runs)
    for i, label in ((0, "seed db"), (per, f"{meta['size']} db")):
        refdb, core, orm, bare, utils = cmds[i : i + per]
        res.add("cold query", f"`refdb claims --source` cold, {label}", refdb, core, "Typer+SQLAlchemy Core floor",
                target=1.1, target_text="≤ 1.1x the Core floor")  # fmt: skip
        res.add("cold query", f"`refdb claims --source` cold, {label}", refdb, orm, "Typer+SQLAlchemy ORM floor",
                target_text="(reported)")  # fmt: skip
        res.add("cold query", f"`refdb claims --source` cold, {label}", refdb, utils,
                "`sqlite-utils query`, the floor's SQL", target_text="(reported)")  # fmt: skip
        res.add("cold query", f"`refdb claims --source` cold, {label}", refdb, bare, "bare sqlite3 script",
                target_text="(reported)")  # fmt: skip
    return {"claims": cmds[per], "orm": cmds[per + 2]}


def _capture(url: str, call: Callable[[Any], Any]) -> list[tuple[str, Any]]:
    """The SQL statements (and parameters) refdb emits for one call, from SQLAlchemy's cursor events."""
    from sqlalchemy import event

    from refdb.db import get_engine, session_scope

    engine = get_engine(url)
    captured: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"):
            captured.append((statement, parameters))

    with session_scope(url) as session:
        call(session)  # the schema check and first-use caches happen outside the capture
    # listen before the session's connection exists: a connection only fires the events its engine
    # had when it was checked out
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with session_scope(url) as session:
            call(session)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return captured


def _interleaved(refdb_call: Callable[[], Any], raw_call: Callable[[], Any], calls: int,
                 cap: float) -> tuple[float, float, int]:  # fmt: skip
    """Median seconds per call of each, in alternating blocks, ``calls`` each or until ``cap`` s each."""
    a: list[float] = []
    b: list[float] = []
    spent_a = spent_b = 0.0
    block = 25
    while len(a) < calls and (max(spent_a, spent_b) < cap or len(a) < 25):
        for fn, times in ((refdb_call, a), (raw_call, b)):
            for _ in range(block):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
        spent_a, spent_b = sum(a), sum(b)
    return statistics.median(a), statistics.median(b), len(a)


def _inprocess(url: str, path: Path, call: Callable[[Any], Any], calls: int, cap: float,
               only_matching: str | None = None) -> tuple[float, float, int, int]:  # fmt: skip
    from refdb.db import session_scope

    statements = _capture(url, call)
    if only_matching is not None:
        statements = [s for s in statements if only_matching in s[0]]
    conn = sqlite3.connect(path)

    def raw() -> None:
        for statement, parameters in statements:
            conn.execute(statement, parameters).fetchall()

    raw()
    with session_scope(url) as session:
        mine, theirs, n = _interleaved(lambda: call(session), raw, calls, cap)
    conn.close()
    return mine, theirs, n, len(statements)


def fig_inprocess(res: Results, seed_db: Path, db: Path, meta: dict[str, Any], calls: int, cap: float) -> None:
    log("2. in-process list_claims(session, source=...) vs raw sqlite3 on the same SQL")
    from refdb.services.queries import list_claims

    for label, path, name in (("seed db", seed_db, SEED_AUTHOR), (f"{meta['size']} db", db, meta["bench_author"])):
        url = f"sqlite:///{path}"
        mine, theirs, n, statements = _inprocess(url, path, lambda s, name=name: list_claims(s, source=name), calls, cap)
        log(f"    {label}: refdb {mine * 1e3:.3f} ms, raw {theirs * 1e3:.3f} ms per call ({n} calls, {statements} statements)")
        res.add("in-process", f"`list_claims(source=…)` in-process, {label}", mine * 1e3, theirs * 1e3,
                f"raw sqlite3, the same {statements} statements", unit="ms", target=3.0,
                target_text="≤ 3x raw sqlite3", note=f"median of {n} calls each")  # fmt: skip


def fig_import(res: Results, size: str, bib: Path, entries: int, budget: float) -> dict[str, Command]:
    log(f"3. `refdb import` of {entries:,} BibTeX entries into an empty database")
    empty = ensure_empty_db()
    target_db = BENCH / "tmp" / "import.sqlite"

    fresh = _fresh_sqlite(empty, target_db)

    cmds = [
        Command("refdb import", [REFDB, "--db", str(target_db), "import", str(bib)], setup=fresh),
        Command("bibtexparser.parse_string alone", [PY, str(BASELINES / "parse_bibtexparser.py"), str(bib)]),
        Command("refdb.formats.bibtex.loads alone", [PY, str(BASELINES / "parse_refdb.py"), str(bib)]),
    ]
    measure(cmds, 15, budget)
    added = sqlite3.connect(target_db).execute("SELECT count(*) FROM source").fetchone()[0]
    if added != entries:
        raise SystemExit(f"bench: the import added {added} sources, expected {entries}")
    name = f"`refdb import` {entries:,} entries (cold)"
    res.add("import", name, cmds[0], cmds[1], "bibtexparser.parse_string alone", target=1.5,
            target_text="≤ 1.5x the parse alone")  # fmt: skip
    res.add("import", name, cmds[0], cmds[2], "refdb.formats.bibtex.loads alone", target_text="(reported)")
    res.add("import", "`refdb.formats.bibtex.loads` (cold)", cmds[2], cmds[1], "bibtexparser.parse_string alone",
            target_text="(reported)")  # fmt: skip
    res.add("import", f"`refdb import` {entries:,} entries, peak memory", cmds[0].peak(), None, "", unit="MB",
            target=300.0, target_text="≤ 300 MB", note=f"the parse alone: {cmds[1].peak():.0f} MB (bibtexparser), "
            f"{cmds[2].peak():.0f} MB (refdb's reader, whole)")  # fmt: skip
    return {"parse": cmds[1]}


def fig_export(res: Results, seed_db: Path, db: Path, meta: dict[str, Any], budget: float) -> dict[str, Command]:
    log(f"4. `refdb export` of all {meta['sources']:,} sources")
    done: dict[str, Command] = {}
    for fmt, marker in (("csljson", '"id"'), ("bibtex", "\n@")):
        count = meta["sources"] - (1 if fmt == "bibtex" else 0)  # the first BibTeX entry has no newline before it
        cmds = [
            Command(f"refdb export {fmt}", [REFDB, "--db", str(db), "export", "--format", fmt],
                    out(f"export.{fmt}"), check=expect_entries(count, marker)),
            Command(f"bare loop {fmt}", [PY, str(BASELINES / "export_sqlite.py"), str(db), fmt],
                    out(f"export-floor.{fmt}"), check=expect_entries(count, marker)),
            Command(f"refdb export {fmt} (seed db)", [REFDB, "--db", str(seed_db), "export", "--format", fmt],
                    out(f"export-seed.{fmt}")),
            Command(f"bare loop {fmt} (seed db)", [PY, str(BASELINES / "export_sqlite.py"), str(seed_db), fmt],
                    out(f"export-floor-seed.{fmt}")),
        ]
        measure(cmds, 15, budget)
        refdb, floor, seed, floor_seed = cmds
        done[fmt] = refdb
        done[f"export floor {fmt}"] = floor
        res.add("export", f"`refdb export --format {fmt}` (cold)", refdb, floor, "bare sqlite3 → serializer loop",
                target=2.0, target_text="≤ 2x the bare loop")  # fmt: skip
        res.add("export", f"`refdb export --format {fmt}`, the {meta['sources']:,} sources' share (db − seed db)",
                refdb.median() - seed.median(), floor.median() - floor_seed.median(), "the bare loop's, likewise",
                target_text="(reported: start-up taken out)")
        res.add("export", f"`refdb export --format {fmt}` peak memory", refdb.peak(), None, "", unit="MB",
                target=MEMORY_LIMIT_MB, target_text=f"≤ {MEMORY_LIMIT_MB:.0f} MB",
                note=f"bare loop: {floor.peak():.0f} MB")  # fmt: skip
        growth = refdb.peak() - seed.peak()
        res.add("export", f"`refdb export --format {fmt}` peak memory, {meta['size']} db vs seed db", refdb.peak(),
                seed.peak(), "the same command on the seed db (6 sources)", unit="MB", target=None,
                target_text=f"independent of size: growth ≤ {MEMORY_GROWTH_MB:.0f} MB",
                note=f"growth {growth:+.0f} MB", met=growth <= MEMORY_GROWTH_MB)  # fmt: skip
    return done


def fig_bibliography(res: Results, db10k: Path, budget: float) -> None:
    log("5. `refdb bibliography` of 10,000 sources vs the citation engine alone")
    from refdb.engines.citeproc import DEFAULT_STYLE, _pandoc, resolve_style

    items = BENCH / "tmp" / "bibliography-items.json"
    subprocess.run([REFDB, "--db", str(db10k), "export", "--format", "csljson", "--output", str(items), "--force"],
                   check=True, capture_output=True)  # fmt: skip
    doc = BENCH / "tmp" / "nocite.md"
    doc.write_text("---\nnocite: |\n  @*\n---\n", encoding="utf-8")
    style = resolve_style(DEFAULT_STYLE)
    cmds = [
        Command("refdb bibliography (10k sources)", [REFDB, "--db", str(db10k), "bibliography"],
                out("bibliography.txt"), check=expect_lines(10_000)),
        Command("pandoc --citeproc (same CSL-JSON)", [_pandoc(), str(doc), "--citeproc", "--csl", str(style),
                "--bibliography", str(items), "-t", "plain", "--wrap=none"], out("bibliography-pandoc.txt")),
    ]
    measure(cmds, 15, budget)
    res.add("bibliography", "`refdb bibliography` 10,000 sources (cold)", cmds[0], cmds[1],
            "the pandoc binary alone, same items and style", target_text="(no target in the issue)")  # fmt: skip


def expect_lines(count: int) -> Callable[[Path | None], None]:
    def check(path: Path | None) -> None:
        assert path is not None
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines < count:
            raise SystemExit(f"bench: {path.name}: {lines} lines, expected {count}")

    return check


DOSSIER_CLAIMS = 1000
DOSSIER_SECONDS = 60.0
DOSSIER_MEMORY_MB = 300.0


def fig_dossier(res: Results, seed_db: Path, db: Path, runs: int, budget: float, quick: bool,
                big_in_quick: bool = False) -> None:
    """`refdb dossier` to DOCX: the whole seed against one bare pandoc run over the same document and
    items (its own Markdown output, citations kept), and 1,000 claims of the generated database."""
    log("9. `refdb dossier` (DOCX, Chicago notes) vs pandoc alone on the same document and items")
    from refdb.engines.citeproc import DEFAULT_STYLE, _pandoc, resolve_style

    style = str(resolve_style(DEFAULT_STYLE))
    tmp = BENCH / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    seed_md = tmp / "dossier-seed.md"
    subprocess.run([REFDB, "--db", str(seed_db), "dossier", "-o", str(seed_md), "--force"], check=True,
                   capture_output=True)  # fmt: skip
    docx = tmp / "dossier.docx"
    cmds = [
        Command("refdb dossier (seed, all claims)", [REFDB, "--db", str(seed_db), "dossier", "-o", str(docx),
                "--force"]),
        Command("pandoc --citeproc (same document)", [_pandoc(), str(seed_md), "--citeproc", "--csl", style,
                "-M", "reference-section-title=Bibliography", "-o", str(tmp / "dossier-pandoc.docx")]),
        Command("typer+sqlalchemy floor (seed)", [PY, str(BASELINES / "claims_orm.py"), str(seed_db), SEED_AUTHOR]),
    ]  # fmt: skip
    measure(cmds, runs, budget)
    res.add("dossier", "`refdb dossier` of the whole seed to DOCX (cold)", cmds[0], cmds[1],
            "the pandoc binary alone on the dossier's own Markdown", target=1.5, target_text="<= 1.5x")  # fmt: skip
    floor = cmds[2].median() + cmds[1].median()
    res.add("dossier", "`refdb dossier` of the whole seed to DOCX (cold)", cmds[0], floor,
            "the Typer+SQLAlchemy floor plus the bare pandoc run", target_text="(reported)",
            note=f"floor {cmds[2].median():.3f} s + pandoc {cmds[1].median():.3f} s")  # fmt: skip
    if quick and not big_in_quick:
        log("    (the 1,000-claim dossier runs in the full bench: --size 10k, or --quick --only dossier)")
        return
    with sqlite3.connect(db) as conn:
        keys = [k for (k,) in conn.execute("SELECT key FROM claim ORDER BY key LIMIT ?", (DOSSIER_CLAIMS,))]
    argv = [REFDB, "--db", str(db), "dossier", *(a for k in keys for a in ("--claim", k))]
    big = [Command(f"refdb dossier ({len(keys):,} claims)", [*argv, "-o", str(docx), "--force"])]
    if not quick:
        big_md = tmp / "dossier-big.md"
        subprocess.run([*argv, "-o", str(big_md), "--force"], check=True, capture_output=True)
        big.append(Command("pandoc --citeproc (same document)", [_pandoc(), str(big_md), "--citeproc", "--csl",
                           style, "-o", str(tmp / "dossier-big-pandoc.docx")]))  # fmt: skip
    measure(big, runs, budget)
    seconds = big[0].median()
    res.add("dossier", f"`refdb dossier` of {len(keys):,} claims to DOCX (cold)", big[0],
            big[1] if len(big) > 1 else None, "the pandoc binary alone on the dossier's own Markdown",
            target_text=f"< {DOSSIER_SECONDS:.0f} s", met=seconds < DOSSIER_SECONDS)  # fmt: skip
    res.add("dossier", f"`refdb dossier` of {len(keys):,} claims: peak memory", big[0].peak(), None, "",
            unit="MB", target=DOSSIER_MEMORY_MB, target_text=f"<= {DOSSIER_MEMORY_MB:.0f} MB",
            note="refdb and pandoc (the largest process of the tree)")  # fmt: skip


def fig_search(res: Results, db: Path, meta: dict[str, Any], runs: int, calls: int, cap: float,
               reuse: dict[str, Command]) -> None:  # fmt: skip
    word = meta["search_word"]
    log(f"6. `refdb search {word}` vs the raw FTS5 query")
    cmds = [
        Command(f"refdb search {word}", [REFDB, "--db", str(db), "search", word, "--format", "json"],
                out("search.json"), check=expect_json_records(50)),
        Command("raw FTS5 script", [PY, str(BASELINES / "search_sqlite.py"), str(db), word, "50"],
                out("search-floor.json"), check=expect_json_records(50)),
    ]
    measure(cmds, runs)
    cmds.append(reuse.get("orm") or Command("typer+sqlalchemy floor (claims)", [PY, str(BASELINES / "claims_orm.py"),
                str(db), meta["bench_author"]], out("search-orm.json")))  # fmt: skip
    if not cmds[-1].runs:
        measure(cmds[-1:], runs)
    res.add("search", f"`refdb search {word}` cold", cmds[0], cmds[1], "bare sqlite3 script, same MATCH and LIMIT",
            target=2.0, target_text="≤ 2x raw FTS")  # fmt: skip
    res.add("search", f"`refdb search {word}` cold", cmds[0], cmds[2], "Typer+SQLAlchemy ORM floor (claims)",
            target_text="(reported)", note="the floor measured in figure 1")  # fmt: skip
    from refdb.services.search import search

    url = f"sqlite:///{db}"
    mine, theirs, n, _ = _inprocess(url, db, lambda s: search(s, word, limit=50), calls, cap, only_matching="MATCH")
    res.add("search", f"`search({word!r}, limit=50)` in-process", mine * 1e3, theirs * 1e3,
            "the same FTS5 statement, raw sqlite3", unit="ms", target=2.0, target_text="≤ 2x raw FTS",
            note=f"median of {n} calls each")  # fmt: skip


def fig_peers(res: Results, size: str, db: Path, meta: dict[str, Any], runs: int, budget: float,
              reuse: dict[str, Command]) -> None:  # fmt: skip
    log("7. peers: sqlite-utils and papis")
    bin_dir = ensure_peer_venv()
    sys.path.insert(0, str(BASELINES))
    from claims_sqlite import SQL, params  # type: ignore[import-not-found]

    author = meta["bench_author"]
    p = params(author)
    cmds = [
        reuse.get("claims") or Command(f"refdb claims ({meta['size']})", [REFDB, "--db", str(db), "claims", "--source",
                author, "--format", "json"], out("peer-claims.json"), check=expect_json_records(20)),
        Command("sqlite-utils query (same SQL)", [str(bin_dir / "sqlite-utils"), "query", str(db), SQL,
                "-p", "key", p["key"], "-p", "like", p["like"]], out("peer-sqlite-utils.json"),
                check=expect_json_records(20)),
    ]
    measure([c for c in cmds if not c.runs], runs)
    res.add("peers", f"`refdb claims --source` cold, {meta['size']} db", cmds[0], cmds[1],
            "`sqlite-utils query`, the floor's SQL", target_text="(reported)")  # fmt: skip

    db10k, meta10k = ensure_db("10k") if data_size(size) != "10k" else (db, meta)
    docs = min(PAPIS_MAX_DOCS, meta10k["sources"])
    bib = ensure_bibtex("10k", docs)
    lib, n = ensure_papis_library(bin_dir, bib)
    env = papis_env()
    papis = [str(bin_dir / "papis"), "-l", str(lib)]
    subprocess.run([*papis, "list", "--all"], env={**os.environ, **env}, check=True, capture_output=True)  # cache
    pairs = [
        ("list every document",
         Command("refdb sources --format json", [REFDB, "--db", str(db10k), "sources", "--format", "json"],
                 out("peer-sources.json"), check=expect_json_records(n)),
         Command("papis list --all --format …", [*papis, "list", "--all", "--format", "{doc[ref]}: {doc[title]}"],
                 out("peer-papis-list.txt"), env=env, check=expect_lines(n))),
        ("find an author's works",
         Command(f"refdb sources {author}", [REFDB, "--db", str(db10k), "sources", author, "--format", "json"],
                 out("peer-sources-author.json"), check=expect_json_records(1)),
         Command(f"papis list --all author:{author}", [*papis, "list", "--all", f"author:{author}"],
                 out("peer-papis-author.txt"), env=env, check=expect_lines(1))),
        ("export every document as BibTeX",
         reuse["bibtex"] if "bibtex" in reuse and data_size(size) == "10k" else  # measured in figure 4
         Command("refdb export --format bibtex", [REFDB, "--db", str(db10k), "export", "--format", "bibtex"],
                 out("peer-export.bib"), check=expect_entries(n - 1, "\n@")),
         Command("papis export --all --format bibtex", [*papis, "export", "--all", "--format", "bibtex"],
                 out("peer-papis-export.bib"), env=env, check=expect_entries(n - 1, "\n@"))),
    ]  # fmt: skip
    for what, mine, theirs in pairs:
        todo = [theirs] if mine.runs else [mine, theirs]
        measure(todo, runs, None if what.startswith("find") else budget)
        lookup = what.startswith("find")  # issue 17: ≤ 0.8x papis; the others: faster than papis
        res.add("peers", f"{what}, {n:,} documents: `{mine.name}`", mine, theirs, f"`{theirs.name}`",
                target=0.8 if lookup else 1.0, target_text="≤ 0.8x papis" if lookup else "faster than papis")  # fmt: skip
        if lookup and "sources big" in reuse:  # the same lookup on the 100k db (papis holds at most 10,000)
            res.add("peers", f"{what}: `{reuse['sources big'].name}`, {meta['sources']:,} sources, vs papis on {n:,}",
                    reuse["sources big"], theirs, f"`{theirs.name}`", target=0.8, target_text="≤ 0.8x papis")  # fmt: skip
    small = ensure_bibtex("10k", PAPIS_IMPORT_ENTRIES)
    theirs_s = papis_import_seconds(bin_dir, small)
    empty = ensure_empty_db()
    target_db = BENCH / "tmp" / "import-peer.sqlite"

    fresh = _fresh_sqlite(empty, target_db)

    mine_cmd = Command("refdb import", [REFDB, "--db", str(target_db), "import", str(small)], setup=fresh)
    measure([mine_cmd], runs, budget)
    res.add("peers", f"import {PAPIS_IMPORT_ENTRIES} BibTeX entries into an empty library: `refdb import`", mine_cmd,
            theirs_s, "`papis bibtex read … import --all` (one run, cached)", target=1.0,
            target_text="faster than papis")  # fmt: skip


def expect_map(claims: int, fmt: str) -> Callable[[Path | None], None]:
    def check(path: Path | None) -> None:
        assert path is not None
        data = path.read_bytes()
        if fmt == "png":
            if not data.startswith(b"\x89PNG\r\n\x1a\n"):
                raise SystemExit(f"bench: {path.name} is not a PNG")
            return
        found = data.count(b'class="node claim ')
        if found < claims:
            raise SystemExit(f"bench: {path.name}: {found} claims drawn, expected at least {claims}")

    return check


def fig_map(res: Results, db: Path, meta: dict[str, Any], runs: int, budget: float) -> None:
    tag, claims = meta.get("map_tag", "bench-map"), int(meta.get("map_claims", 200))
    log(f"8. `refdb map --tag {tag}`: the argument map of {claims} claims, laid out and drawn by Graphviz")
    dot = out("map.dot")
    subprocess.run([REFDB, "--db", str(db), "map", "--tag", tag, "--format", "dot", "--output", str(dot), "--force"],
                   check=True, capture_output=True)  # fmt: skip
    nodes = dot.read_text(encoding="utf-8").count(" [shape=")
    cmds = [
        Command(f"refdb map --tag {tag} (svg)", [REFDB, "--db", str(db), "map", "--tag", tag], out("map.svg"),
                check=expect_map(claims, "svg")),
        Command(f"refdb map --tag {tag} --format png", [REFDB, "--db", str(db), "map", "--tag", tag, "--format", "png"],
                out("map.png"), check=expect_map(claims, "png")),
        Command("pygraphviz alone, same DOT (svg)", [PY, str(BASELINES / "map_graphviz.py"), str(dot), "svg"],
                out("map-floor.svg"), check=expect_map(claims, "svg")),
    ]  # fmt: skip
    measure(cmds, runs, budget)
    svg, png, floor = cmds
    for cmd, what in ((svg, "SVG"), (png, "PNG")):
        res.add("map", f"`refdb map --tag` of {claims} claims ({nodes} nodes), {what}, cold", cmd, floor,
                "pygraphviz alone on the same DOT (svg)", target_text=f"≤ {MAP_TARGET:.0f} s",
                met=cmd.median() <= MAP_TARGET)  # fmt: skip


# --------------------------------------------------------------------------------- the report


def fig_growth(res: Results, engine: str, small: str, big: str, sizes: tuple[str, str], author: str,
               runs: int) -> dict[str, Command]:  # fmt: skip
    """Issue 17: lookups by author stay flat as the database grows.  `claims --source` and `sources
    AUTHOR`, cold, on the smaller and the larger database (``small``, ``big``: a path or a URL),
    interleaved; the target is the time's growth."""
    suffix = "" if engine == "SQLite" else f", {engine}"
    tag = engine.lower()
    cmds: dict[str, Command] = {}
    for label, db in zip(sizes, (small, big), strict=True):
        cmds[f"claims {label}"] = Command(
            f"refdb claims --source {author} ({label}{suffix})",
            [REFDB, "--db", db, "claims", "--source", author, "--format", "json"],
            out(f"growth-{tag}-claims-{label}.json"), check=expect_json_records(20))  # fmt: skip
        cmds[f"sources {label}"] = Command(
            f"refdb sources {author} ({label}{suffix})", [REFDB, "--db", db, "sources", author, "--format", "json"],
            out(f"growth-{tag}-sources-{label}.json"), check=expect_json_records())  # fmt: skip
    log(f"10. lookups by author, {sizes[0]} → {sizes[1]} db{suffix}")
    measure(list(cmds.values()), runs)
    for what, command in (("claims", "claims --source"), ("sources", "sources")):
        res.add("growth", f"`refdb {command} {author}` cold, {sizes[0]} → {sizes[1]} db{suffix}",
                cmds[f"{what} {sizes[1]}"], cmds[f"{what} {sizes[0]}"], f"the same on the {sizes[0]} db", target=1.2,
                target_text="time growth ≤ 1.2x")  # fmt: skip
    return cmds


def _memory_rows(res: Results, pairs: list[tuple[str, Command, Command]], size: str, ref: str) -> None:
    """Each command's peak on the large db, against the same command's on the reference db: the
    issue's ≤ 150 MB and ≤ 15 MB growth."""
    for name, big, small in pairs:
        growth = big.peak() - small.peak()
        res.add("stream", f"{name} peak memory, {size} db vs {ref} db", big.peak(), small.peak(),
                f"the same command on the {ref} db", unit="MB", target_text=f"≤ {MEMORY_LIMIT_MB:.0f} MB, growth ≤ "
                f"{MEMORY_GROWTH_MB:.0f} MB", note=f"growth {growth:+.0f} MB",
                met=big.peak() <= MEMORY_LIMIT_MB and growth <= MEMORY_GROWTH_MB)  # fmt: skip


def _linear_rows(res: Results, pairs: list[tuple[str, Command, Command]], meta: dict[str, Any], ref: str,
                 ref_claims: int | None) -> None:  # fmt: skip
    """`check` and `claims --disputed` against the same on the reference db: with the 10k db (a tenth
    of the claims) the issue's linear target, ≤ 11x; beside the seed only reported."""
    for name, big, small in pairs:
        if ref == "10k":
            res.add("stream", f"{name}, {meta.get('claims', 0):,} vs {ref_claims or 0:,} claims", big, small,
                    f"the same on the {ref} db", target=11.0, target_text="linear: ≤ 11x")  # fmt: skip
        else:
            res.add("stream", name, big, None, "", target_text="(reported: the linear target needs 1M)")


def fig_stream(res: Results, ref_db: Path, ref: str, ref_claims: int | None, db: Path, meta: dict[str, Any],
               budget: float) -> None:  # fmt: skip
    """Issue 17: the whole-database commands stream, in time linear and in memory flat.  ``ref_db`` is
    the smaller database growth is measured against: the 10k db (100,000 claims) beside the 100k db
    (1,000,000), as the issue defines growth; the seed beside the 10k db."""
    log(f"9. whole-database commands: dump, load, claims --format json, check (issue 17); reference: {ref} db")
    dump_file, empty = out("stream-dump.yaml"), ensure_empty_db()
    target = BENCH / "tmp" / "stream-load.sqlite"
    floor_target = BENCH / "tmp" / "stream-floor.sqlite"
    cmds = {
        "dump": Command("refdb dump", [REFDB, "--db", str(db), "dump"], dump_file),
        "dump floor": Command("sqlite3 -> libyaml loop", [PY, str(BASELINES / "dump_libyaml.py"), str(db)],
                              out("stream-floor.yaml")),
        "dump ref": Command(f"refdb dump ({ref} db)", [REFDB, "--db", str(ref_db), "dump"], out(f"stream-{ref}.yaml")),
        "claims": Command("refdb claims --format json", [REFDB, "--db", str(db), "claims", "--format", "json"],
                          out("stream-claims.json"), check=expect_json_records(meta.get("claims"))),
        "claims floor": Command("sqlite3 -> json loop", [PY, str(BASELINES / "claims_json.py"), str(db)],
                                out("stream-claims-floor.json"), check=expect_json_records(meta.get("claims"))),
        "claims ref": Command(f"refdb claims --format json ({ref} db)",
                              [REFDB, "--db", str(ref_db), "claims", "--format", "json"], out(f"stream-claims-{ref}.json")),
        "check": Command("refdb check --format json", [REFDB, "--db", str(db), "check", "--format", "json"],
                         out("stream-check.json"), ok=(0, 1)),
        "check ref": Command(f"refdb check --format json ({ref} db)", [REFDB, "--db", str(ref_db), "check", "--format",
                             "json"], out(f"stream-check-{ref}.json"), ok=(0, 1)),
        "disputed": Command("refdb claims --disputed", [REFDB, "--db", str(db), "claims", "--disputed", "--format",
                                                        "json"], out("stream-disputed.json")),
        "disputed ref": Command(f"refdb claims --disputed ({ref} db)", [REFDB, "--db", str(ref_db), "claims",
                                "--disputed", "--format", "json"], out(f"stream-disputed-{ref}.json")),
    }  # fmt: skip
    measure([cmds[k] for k in ("dump", "dump floor", "dump ref")], 3, budget)
    measure([cmds[k] for k in ("claims", "claims floor", "claims ref", "disputed", "disputed ref", "check",
                               "check ref")], 5, budget)  # fmt: skip
    loads = [
        Command("refdb load (empty db)", [REFDB, "--db", str(target), "load", str(dump_file)],
                setup=_fresh_sqlite(empty, target)),
        Command("executemany of the same rows", [PY, str(BASELINES / "load_executemany.py"), str(db), str(floor_target)],
                setup=_fresh_sqlite(empty, floor_target)),
    ]  # fmt: skip
    measure(loads, 2, budget)
    reload = Command("refdb load (unchanged re-load)", [REFDB, "--db", str(target), "load", str(dump_file)])
    measure([reload], 2, budget)
    ref_load = Command(f"refdb load ({ref} dump, empty db)", [REFDB, "--db", str(target), "load",
                       str(out(f"stream-{ref}.yaml"))], setup=_fresh_sqlite(empty, target))  # fmt: skip
    measure([ref_load], 3, budget)
    res.add("stream", f"`refdb dump`, {meta['size']} db", cmds["dump"], cmds["dump floor"],
            "sqlite3 → libyaml loop, same records", target=2.0, target_text="≤ 2x the bare loop")  # fmt: skip
    res.add("stream", "`refdb load` of that dump into an empty db", loads[0], loads[1],
            "plain executemany of the same rows", target=2.0, target_text="≤ 2x executemany")  # fmt: skip
    res.add("stream", "`refdb load`, unchanged re-load vs first load", reload, loads[0], "the first load",
            target=0.2, target_text="≤ 0.2x the first load")  # fmt: skip
    res.add("stream", f"`refdb claims --format json`, all {meta.get('claims', 0):,}", cmds["claims"],
            cmds["claims floor"], "sqlite3 → json loop", target=2.0, target_text="≤ 2x the bare loop")  # fmt: skip
    _linear_rows(res, [("`refdb check`", cmds["check"], cmds["check ref"]),
                       ("`refdb claims --disputed`", cmds["disputed"], cmds["disputed ref"])], meta, ref, ref_claims)
    _memory_rows(res, [("`refdb dump`", cmds["dump"], cmds["dump ref"]), ("`refdb load`", loads[0], ref_load),
                       ("`refdb claims --format json`", cmds["claims"], cmds["claims ref"]),
                       ("`refdb check`", cmds["check"], cmds["check ref"]),
                       ("`refdb claims --disputed`", cmds["disputed"], cmds["disputed ref"])], meta["size"], ref)


def fig_stream_pg(res: Results, db: Path, meta: dict[str, Any], ref_db: Path, ref: str, ref_claims: int | None,
                  bib: Path | None, entries: int, reuse: dict[str, Command], runs: int, budget: float) -> None:  # fmt: skip
    """Figure 9 on PostgreSQL: a throw-away server started here as the tests start theirs (tests/pg.py:
    initdb + pg_ctl on 127.0.0.1, durability off).  The generated databases get into it the way a
    team's would: `refdb load` of the SQLite databases' dumps (the first-load figure; the reference
    db's too, for growth), then the same commands as on SQLite, each beside its floor run against the
    same server (the baselines take a PostgreSQL URL: psycopg straight to libyaml / json, plain
    executemany).  With the 10k db as the reference it adds the lookups' growth, and, when figures 3
    and 4 ran, the import into PostgreSQL and the export from it.  Wall times are the fair ones here:
    most of a PostgreSQL command's CPU is the server's, which the client's CPU time leaves out."""
    log("9 (PostgreSQL). whole-database commands on PostgreSQL")
    sys.path.insert(0, str(ROOT))
    from tests.pg import PostgresBackend

    dumps = {}
    for name, from_db in (("stream-dump.yaml", db), (f"stream-{ref}.yaml", ref_db)):
        dumps[name] = out(name)
        if not dumps[name].exists():
            subprocess.run([REFDB, "--db", str(from_db), "dump", "-o", str(dumps[name]), "--force"], check=True,
                           capture_output=True)  # fmt: skip
    pg = PostgresBackend(BENCH / "tmp")
    try:
        empty = pg.new_url()
        subprocess.run([REFDB, "--db", empty, "db", "upgrade"], check=True, capture_output=True)  # migrated, empty
        template = empty.rsplit("/", 1)[1]

        def fresh(name: str) -> Callable[[], None]:
            def setup() -> None:
                pg.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                pg.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{pg.strategy}')
            return setup

        target, floor_target = pg._url("refdb_bench_load"), pg._url("refdb_bench_floor")
        ref_url = pg._url("refdb_bench_ref")
        loads = [
            Command("refdb load (PostgreSQL, empty db)", [REFDB, "--db", target, "load", str(dumps["stream-dump.yaml"])],
                    setup=fresh("refdb_bench_load")),
            Command("executemany of the same rows (PostgreSQL)", [PY, str(BASELINES / "load_executemany.py"), str(db),
                    floor_target], setup=fresh("refdb_bench_floor")),
        ]  # fmt: skip
        measure(loads, 1, budget)
        reload = Command("refdb load (PostgreSQL, unchanged re-load)", [REFDB, "--db", target, "load",
                         str(dumps["stream-dump.yaml"])])  # fmt: skip
        measure([reload], 1, budget)
        res.add("stream", "`refdb load` of that dump into an empty db, PostgreSQL", loads[0], loads[1],
                "plain executemany of the same rows", target=2.0, target_text="≤ 2x executemany")  # fmt: skip
        res.add("stream", "`refdb load`, unchanged re-load vs first load, PostgreSQL", reload, loads[0], "the first load",
                target=0.2, target_text="≤ 0.2x the first load")  # fmt: skip
        source = target  # the loaded database: what the other commands read
        cmds = {
            "dump": Command("refdb dump (PostgreSQL)", [REFDB, "--db", source, "dump"], out("stream-pg-dump.yaml")),
            "dump floor": Command("psycopg -> libyaml loop", [PY, str(BASELINES / "dump_libyaml.py"), source],
                                  out("stream-pg-floor.yaml")),
            "dump ref": Command(f"refdb dump (PostgreSQL, {ref} db)", [REFDB, "--db", ref_url, "dump"],
                                out(f"stream-pg-dump-{ref}.yaml")),
            "claims": Command("refdb claims --format json (PostgreSQL)", [REFDB, "--db", source, "claims", "--format",
                                                                          "json"], out("stream-pg-claims.json"),
                              check=expect_json_records(meta.get("claims"))),
            "claims floor": Command("psycopg -> json loop", [PY, str(BASELINES / "claims_json.py"), source],
                                    out("stream-pg-claims-floor.json"), check=expect_json_records(meta.get("claims"))),
            "claims ref": Command(f"refdb claims --format json (PostgreSQL, {ref} db)", [REFDB, "--db", ref_url,
                                  "claims", "--format", "json"], out(f"stream-pg-claims-{ref}.json")),
            "check": Command("refdb check (PostgreSQL)", [REFDB, "--db", source, "check", "--format", "json"],
                             out("stream-pg-check.json"), ok=(0, 1)),
            "check ref": Command(f"refdb check (PostgreSQL, {ref} db)", [REFDB, "--db", ref_url, "check", "--format",
                                 "json"], out(f"stream-pg-check-{ref}.json"), ok=(0, 1)),
            "disputed": Command("refdb claims --disputed (PostgreSQL)", [REFDB, "--db", source, "claims", "--disputed",
                                                                          "--format", "json"], out("stream-pg-disputed.json")),
            "disputed ref": Command(f"refdb claims --disputed (PostgreSQL, {ref} db)", [REFDB, "--db", ref_url,
                                    "claims", "--disputed", "--format", "json"], out(f"stream-pg-disputed-{ref}.json")),
        }  # fmt: skip
        # the big db's figures first, each saved as it is measured (a stopped run keeps them), then the
        # reference db's for growth
        measure([cmds[k] for k in ("claims", "claims floor", "disputed", "check")], 1, budget)
        res.add("stream", f"`refdb claims --format json`, all {meta.get('claims', 0):,}, PostgreSQL", cmds["claims"],
                cmds["claims floor"], "psycopg → json loop", target=2.0, target_text="≤ 2x the bare loop")  # fmt: skip
        measure([cmds["dump"], cmds["dump floor"]], 1, budget)
        res.add("stream", f"`refdb dump`, {meta['size']} db, PostgreSQL", cmds["dump"], cmds["dump floor"],
                "psycopg → libyaml loop, same records", target=2.0, target_text="≤ 2x the bare loop")  # fmt: skip
        ref_load = Command(f"refdb load (PostgreSQL, {ref} dump, empty db)", [REFDB, "--db", ref_url, "load",
                           str(dumps[f"stream-{ref}.yaml"])], setup=fresh("refdb_bench_ref"))  # fmt: skip
        measure([ref_load], 1, budget)
        measure([cmds[k] for k in ("dump ref", "claims ref", "disputed ref", "check ref")], 1, budget)
        _linear_rows(res, [("`refdb check` (PostgreSQL)", cmds["check"], cmds["check ref"]),
                           ("`refdb claims --disputed` (PostgreSQL)", cmds["disputed"], cmds["disputed ref"])],
                     meta, ref, ref_claims)  # fmt: skip
        _memory_rows(res, [("`refdb dump` (PostgreSQL)", cmds["dump"], cmds["dump ref"]),
                           ("`refdb load` (PostgreSQL)", loads[0], ref_load),
                           ("`refdb claims --format json` (PostgreSQL)", cmds["claims"], cmds["claims ref"]),
                           ("`refdb check` (PostgreSQL)", cmds["check"], cmds["check ref"]),
                           ("`refdb claims --disputed` (PostgreSQL)", cmds["disputed"], cmds["disputed ref"])],
                     meta["size"], ref)  # fmt: skip
        if ref == "10k":
            fig_growth(res, "PostgreSQL", ref_url, source, (ref, meta["size"]), meta["bench_author"], runs)
        _export_import_pg(res, source, meta, bib, entries, reuse, budget, fresh, pg._url("refdb_bench_import"))
    finally:
        from refdb import db as refdb_db

        refdb_db.dispose_all()
        pg.close()


def _export_import_pg(res: Results, source: str, meta: dict[str, Any], bib: Path | None, entries: int,
                      reuse: dict[str, Command], budget: float, fresh: Callable[[str], Callable[[], None]],
                      import_url: str) -> None:  # fmt: skip
    """Figures 3 and 4 on PostgreSQL, beside the floors measured on SQLite in this run (the parse
    alone is the same work whatever the database; the export's bare loop reads SQLite: there is no
    PostgreSQL one, so that ratio carries the server's share too)."""
    for fmt, marker in (("csljson", '"id"'), ("bibtex", "\n@")):
        floor = reuse.get(f"export floor {fmt}")
        if floor is None:
            continue
        count = meta["sources"] - (1 if fmt == "bibtex" else 0)
        mine = Command(f"refdb export {fmt} (PostgreSQL)", [REFDB, "--db", source, "export", "--format", fmt],
                       out(f"export-pg.{fmt}"), check=expect_entries(count, marker))
        measure([mine], 3, budget)
        res.add("export", f"`refdb export --format {fmt}` (cold), PostgreSQL", mine, floor,
                "bare sqlite3 → serializer loop (figure 4: SQLite's)", target=2.0,
                target_text="≤ 2x the bare loop")  # fmt: skip
        res.add("export", f"`refdb export --format {fmt}` peak memory, PostgreSQL", mine.peak(), None, "", unit="MB",
                target=MEMORY_LIMIT_MB, target_text=f"≤ {MEMORY_LIMIT_MB:.0f} MB")  # fmt: skip
    parse = reuse.get("parse")
    if bib is None or parse is None:
        return
    name = import_url.rsplit("/", 1)[1]
    mine = Command("refdb import (PostgreSQL)", [REFDB, "--db", import_url, "import", str(bib)], setup=fresh(name))
    measure([mine], 3, budget)
    res.add("import", f"`refdb import` {entries:,} entries (cold), PostgreSQL", mine, parse,
            "bibtexparser.parse_string alone (figure 3)", target=1.5, target_text="≤ 1.5x the parse alone")  # fmt: skip
    res.add("import", f"`refdb import` {entries:,} entries, peak memory, PostgreSQL", mine.peak(), None, "", unit="MB",
            target=300.0, target_text="≤ 300 MB")  # fmt: skip


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "refdb"],
                               capture_output=True, text=True).stdout.strip()  # fmt: skip
        commit += " (refdb/ has uncommitted changes)" if dirty else ""
    except OSError:
        commit = "unknown"
    return {"nproc": nproc, "cpu": cpu, "memory": memory, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(), "commit": commit,
            "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else ""}  # fmt: skip


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "ms":
        return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def table(result: dict[str, Any]) -> list[str]:
    lines = ["| # | figure | refdb | baseline | ratio | target | met? | cpu ratio | runs | note |",
             "| --- | --- | ---: | --- | ---: | --- | --- | ---: | ---: | --- |"]  # fmt: skip
    groups = {g: i for i, g in enumerate(GROUPS, 1)}
    for f in result["figures"]:
        fig = Figure(**f)
        base = f"{_fmt(fig.baseline, fig.unit)} ({fig.baseline_name})" if fig.baseline is not None else "—"
        ratio = f"{fig.ratio:.2f}x" if fig.ratio is not None else "—"
        met = {True: "yes", False: "**no**", None: ""}[fig.met]
        cpu = f"{fig.cpu_ratio:.2f}x" if fig.cpu_ratio is not None else ""
        lines.append(f"| {groups[fig.group]} | {fig.name} | {_fmt(fig.refdb, fig.unit)} | {base} | {ratio} | "
                     f"{fig.target_text} | {met} | {cpu} | {fig.runs} | {fig.note} |")  # fmt: skip
    return lines


def _kept_sections(path: Path, sizes: list[str]) -> dict[str, str]:
    """The "## --size X" sections of the existing report for sizes without a results file here (a
    checkout that has not run them), so that writing one size's figures keeps the others' tables."""
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    analysis = ROOT / "docs" / "benchmarks-analysis.md"
    if analysis.exists():
        first = analysis.read_text(encoding="utf-8").split("\n", 1)[0]
        text = text.split(first, 1)[0]
    out: dict[str, str] = {}
    for block in re.split(r"(?m)^(?=## --size )", text)[1:]:
        size = block.split()[2]
        if size not in sizes and not (BENCH / f"results-{size}.json").exists():
            out[size] = block
    return out


def write_report(path: Path, sizes: list[str] | None = None) -> None:
    if sizes is None:  # every size's last run, and the partial runs of sizes without a full one
        sizes = [p.name[len("results-"):-len(".json")] for p in sorted(BENCH.glob("results-*.json"))]
        sizes = [s for s in sizes if not s.endswith("-quick")]
    lines = [
        "# Benchmarks",
        "",
        "Written by `scripts/bench.py` (`make bench BENCH_ARGS='--size 10k'`); every table is one run, refdb and its",
        "baselines measured side by side, interleaved.  Times are medians of whole processes (spawn to exit, cold:",
        "a new process each run, the database in the OS page cache) unless the figure says in-process; \"cpu ratio\"",
        "is the same ratio on user+sys CPU time, which a busy machine disturbs less than wall time.  Peak memory is",
        "the process's maximum resident set size as `/usr/bin/time` reports it (`%M`, children included: pandoc).",
        "The databases are made by `scripts/generate.py` (deterministic, `--seed 1941`); the seed db is `refdb seed`.",
        "A cold refdb command pays ~0.45 s of Python + SQLAlchemy + Typer start-up before its own work, so against",
        "a standard-library script (no such start-up) a small job's ratio is mostly start-up: the \"share\" rows take",
        "it out.  Ratios within ~5% of a target flip between runs on this shared machine.",
        "",
        "Baselines (`scripts/bench_baselines/`): `claims_sqlite.py` (standard library only, one joined query, 20",
        "rows as JSON), `claims_orm.py` (Typer + SQLAlchemy ORM, five minimal models, the same query: the floor of",
        "the stack refdb is built on), `search_sqlite.py` (refdb's FTS5 statement, raw), `export_sqlite.py`",
        "(sqlite3 rows → json.dumps / an f-string BibTeX writer), `parse_bibtexparser.py` and `parse_refdb.py`",
        "(the parse alone), `map_graphviz.py` (pygraphviz alone drawing the DOT `refdb map` wrote); peers papis",
        "and sqlite-utils live in their own virtualenv, `.bench/venv`.",
        "",
    ]
    kept = _kept_sections(path, sizes)
    order = ("10k", "100k", "1m")
    for size in sorted([*sizes, *kept], key=lambda s: (order.index(s.split("-")[0]) if s.split("-")[0] in order
                                                         else len(order), s)):  # fmt: skip
        if size in kept:  # a size not measured on this machine: its table as the bench wrote it then
            lines += [kept[size].rstrip(), ""]
            continue
        result = json.loads((BENCH / f"results-{size}.json").read_text())
        m = result["machine"]
        meta = result["meta"]
        lines += [
            f"## --size {size}" + (" (--quick: 5 runs, smoke test)" if size.endswith("-quick") else ""),
            "",
            f"{result['date']}, {result['seconds']:.0f} s in all. Machine: {m['nproc']} CPUs ({m['cpu']}), "
            f"{m['memory']} memory, Python {m['python']}, SQLite {m['sqlite']}, {m['platform']}; refdb at "
            f"{m['commit']}. Load average {result['load_before']} before, {result['load_after']} after "
            "(the machine is shared).",
            "",
            f"Database: {meta.get('counts', {}).get('source', meta.get('sources')):,} sources, "
            f"{meta.get('counts', {}).get('claim', meta.get('claims')):,} claims, "
            f"{meta.get('counts', {}).get('citation', 0):,} citations, "
            f"{meta.get('counts', {}).get('person', 0):,} people, "
            f"{meta.get('counts', {}).get('person_name', 0):,} names ({result['db_mb']:.0f} MB); query author "
            f"`{meta['bench_author']}` (20 claims), search word `{meta['search_word']}`.",
            "",
            *table(result),
            "",
        ]
        if result.get("notes"):
            lines += [f"- {note}" for note in result["notes"]] + [""]
    analysis = ROOT / "docs" / "benchmarks-analysis.md"  # the hand-written reading of the figures
    if analysis.exists():
        lines += [analysis.read_text(encoding="utf-8").rstrip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------------------------------- web


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """`refdb serve` on 127.0.0.1 only, on a free port; returned once it answers."""
    import socket

    port = _free_port()
    with open(out(f"serve-{port}.log"), "wb") as errors:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen([REFDB, "--db", str(db), "serve", "--port", str(port), "--workers", str(workers)],
                                stdout=subprocess.DEVNULL, stderr=errors)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench: refdb serve exited {proc.returncode}: {out(f'serve-{port}.log').read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("bench: refdb serve did not listen within 60 s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _fetch(conn: Any, path: str) -> float:
    t = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t
    if response.status != 200 or not body:
        raise SystemExit(f"bench: GET {path} answered {response.status}")
    return elapsed


def _latencies(port: int, paths: list[str], count: int) -> list[float]:
    """Sequential requests over one keep-alive connection, each path in turn, after one warm-up of each."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for path in paths:
        _fetch(conn, path)
    times = [_fetch(conn, paths[i % len(paths)]) for i in range(count)]
    conn.close()
    return times


def _first(port: int, path: str) -> float:
    """One request, the first of its kind: no warm-up."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        return _fetch(conn, path)
    finally:
        conn.close()


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _claim_keys(db: Path, n: int) -> list[str]:
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT c.key FROM claim c JOIN citation ci ON ci.claim_id = c.id GROUP BY c.id "
        "ORDER BY count(*) DESC, c.key LIMIT ?", (n,)
    ).fetchall()
    middle = conn.execute("SELECT key FROM claim ORDER BY key LIMIT 1 OFFSET (SELECT count(*) / 2 FROM claim)").fetchone()
    conn.close()
    return [r[0] for r in rows] + [middle[0]]


def _concurrent(port: int, paths: list[str], clients: int, seconds: float) -> tuple[int, int, list[float]]:
    """``clients`` threads, each its own keep-alive connection, for ``seconds``: (requests, errors, latencies)."""
    import http.client
    import threading

    stop = time.perf_counter() + seconds
    lock = threading.Lock()
    times: list[float] = []
    errors = [0]

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = offset
        mine: list[float] = []
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += 1
            try:
                mine.append(_fetch(conn, path))
            except (OSError, SystemExit, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(times) + errors[0], errors[0], times


def fig_web(res: Results, seed_db: Path, db: Path, meta: dict[str, Any], requests: int, clients: int,
            seconds: float) -> None:  # fmt: skip
    """`refdb serve` over HTTP on 127.0.0.1: the claim page and the claims list, then concurrent clients."""
    log("10. `refdb serve`: claim page and claims list over HTTP (127.0.0.1), then concurrent clients")
    author = meta["bench_author"]
    for label, path, name in (("seed db", seed_db, SEED_AUTHOR), (f"{meta['size']} db", db, author)):
        keys = _claim_keys(path, 5)
        proc, port = _serve(path, 1)
        try:
            claim = _latencies(port, [f"/claims/{keys[0]}"], requests)
            first = [_first(port, f"/claims/{k}?style=apa") for k in keys[1:4]]
            lists = {
                "first page": _latencies(port, ["/claims"], requests),
                f"filtered (source={name})": _latencies(port, [f"/claims?source={name}"], requests),
                "a page from the middle (keyset)": _latencies(port, [f"/claims?after={keys[-1]}"], requests),
                f"search as you type (q={meta['search_word']})": _latencies(
                    port, [f"/claims?q={meta['search_word']}"], requests
                ),
            }
            api = _latencies(port, [f"/api/claims/{keys[0]}"], requests)
        finally:
            _stop(proc)
        ms = 1e3
        res.add("web", f"claim page, {label} (p95; median {statistics.median(claim) * ms:.1f} ms)", _p95(claim) * ms,
                None, "", unit="ms", target_text="p95 ≤ 50 ms", met=_p95(claim) * ms <= 50,
                note=f"{len(claim)} requests; notes rendered once, then kept")  # fmt: skip
        res.add("web", f"claim page first view, {label}", statistics.median(first) * ms, None, "", unit="ms",
                target_text="(reported)", note="a new claim or style: one pandoc run for its notes")  # fmt: skip
        for what, times in lists.items():
            res.add("web", f"claims list, {what}, {label} (p95; median {statistics.median(times) * ms:.1f} ms)",
                    _p95(times) * ms, None, "", unit="ms", target_text="p95 ≤ 100 ms", met=_p95(times) * ms <= 100,
                    note=f"{len(times)} requests")  # fmt: skip
        res.add("web", f"/api/claims/KEY, {label} (p95; median {statistics.median(api) * ms:.1f} ms)",
                _p95(api) * ms, None, "", unit="ms", target_text="(reported)", note=f"{len(api)} requests")  # fmt: skip
    keys = _claim_keys(db, 5)
    paths = [f"/claims/{keys[0]}", "/claims", f"/claims?source={author}", f"/claims?after={keys[-1]}",
             f"/api/claims/{keys[1]}"]  # fmt: skip
    workers = min(4, os.cpu_count() or 1)
    proc, port = _serve(db, workers)
    try:
        _concurrent(port, paths, clients, 2.0)  # warm every worker (its first pandoc run is not the measure)
        total, errors, times = _concurrent(port, paths, clients, seconds)
    finally:
        _stop(proc)
    res.add("web", f"{clients} concurrent clients for {seconds:g} s, {meta['size']} db, {workers} workers (p95)",
            _p95(times) * 1e3 if times else 0.0, None, "", unit="ms", target_text="no error", met=errors == 0,
            note=f"{total} requests, {errors} errors, {total / seconds:.0f} requests/s; median "
            f"{statistics.median(times) * 1e3:.1f} ms")  # fmt: skip


# ---------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["10k", "100k", "1m"], default="10k")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--runs", type=int, default=15, help="runs of each cold command (default 15)")
    parser.add_argument("--budget", type=float, default=6.0,
                        help="seconds per slow command (import, export, bibliography): as many runs as fit, at least one")  # fmt: skip
    parser.add_argument("--calls", type=int, default=1000, help="in-process calls of each side (default 1000)")
    parser.add_argument("--cap", type=float, default=3.0, help="in-process: stop a side after this many seconds")
    parser.add_argument("--only", default=",".join(FIGURES), help=f"figures to run, of {','.join(FIGURES)}")
    parser.add_argument("--prepare", action="store_true", help="only build the cached databases, files and venv")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run of a few minutes: 5 runs, 2 s budgets (the map: its warm-up run), 40 web requests and "
                        "4 s of 20 concurrent clients, no bibliography, no peers and no 1,000-claim dossier "
                        "(unless --only names them); write it elsewhere with --out")
    args = parser.parse_args(argv)
    args.only_given = args.only if args.only != parser.get_default("only") else ""
    if args.quick:
        args.runs, args.budget, args.calls, args.cap = min(args.runs, 5), min(args.budget, 2.0), 200, 1.0
        if args.out == parser.get_default("out"):
            args.out = BENCH / "BENCHMARKS-quick.md"
        if args.only == ",".join(FIGURES):
            args.only = "cold,inprocess,import,export,search,map,dossier,web"
    only = set(args.only.split(","))
    if unknown := only - set(FIGURES):
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    BENCH.mkdir(exist_ok=True)
    started = time.perf_counter()
    load_before = machine()["load"]

    prepared = time.perf_counter()
    seed_db = BENCH / "seed.sqlite"
    seed_key = Path(f"{seed_db}.key")
    if not (seed_db.exists() and seed_key.exists() and seed_key.read_text() == _cache_key()):
        subprocess.run([PY, str(SCRIPTS / "generate.py"), "--size", "seed", "--out", str(seed_db)], check=True)
        seed_key.write_text(_cache_key())
    db, meta = ensure_db(args.size)
    meta = {**meta, "size": args.size}
    entries = 10_000 if data_size(args.size) == "10k" else 100_000
    bib = ensure_bibtex(args.size, entries) if "import" in only else None
    db10k = ensure_db("10k")[0] if only & {"bibliography", "cold", "stream", "stream-pg"} else None
    # growth (issue 17) is measured from the 10k db (100,000 claims) to the 100k one (1,000,000);
    # a 10k run measures it from the seed
    if data_size(args.size) == "10k":
        ref_db, ref, ref_claims = seed_db, "seed", None
    else:
        assert db10k is not None
        ref_db, ref, ref_claims = db10k, "10k", ensure_db("10k")[1].get("claims")
    if "peers" in only:
        bin_dir = ensure_peer_venv()
        ensure_papis_library(bin_dir, ensure_bibtex("10k", PAPIS_MAX_DOCS))
        ensure_bibtex("10k", PAPIS_IMPORT_ENTRIES)
    prepared = time.perf_counter() - prepared
    log(f"prepared in {prepared:.1f} s (databases, BibTeX, peers' venv: cached in {BENCH})")
    if args.prepare:
        return 0

    res = Results()
    reuse: dict[str, Command] = {}
    t = time.perf_counter()

    def save(final: bool) -> tuple[str, dict[str, Any]]:
        """The results so far as .bench/results-LABEL.json: after every figure, so that a run stopped
        part-way (a long --size 1m run) keeps what it measured; ``final`` at the end."""
        seconds = time.perf_counter() - t
        notes = [
            f"Measuring took {seconds:.0f} s; preparing (cached databases, BibTeX, peers' venv) {prepared:.0f} s "
            f"more this time (the {data_size(args.size)} database took {meta.get('timings', {}).get('total', 0):.0f} s "
            "to generate when it was made).",
        ]
        if args.size == "1m":
            notes.append("--size 1m uses the 100k database: 100,000 sources and 1,000,000 claims, as the issue defines it.")
        if ref == "10k" and only & {"stream", "stream-pg"}:
            notes.append("Growth (issue 17) is measured from the 10k db (10,000 sources, 100,000 claims) to this one, "
                         "in the same run: peak memory (≤ 15 MB), `check` and `claims --disputed` (linear: ≤ 11x), the "
                         "lookups by author (≤ 1.2x). The PostgreSQL figures load both SQLite dbs' dumps into one "
                         "throw-away server; its export is set beside SQLite's bare loop (there is no PostgreSQL one) "
                         "and its import beside the same parse alone.")  # fmt: skip
        if "peers" in only:
            notes.append(f"papis' library holds {PAPIS_MAX_DOCS:,} documents (one folder each, at most 10,000 by design), "
                         "the 10k database's sources read from the same BibTeX by papis' own reader "
                         "(scripts/bench_baselines/papis_library.py); papis runs with its cache warm, refdb on the 10k "
                         f"db. papis' own import is timed on {PAPIS_IMPORT_ENTRIES} entries: it adds one document at a "
                         "time, searching the library for duplicates first (~0.2 s each and growing).")  # fmt: skip
        result = {
            "size": args.size,
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": seconds,
            "machine": machine(),
            "load_before": load_before,
            "load_after": machine()["load"],
            "meta": {k: v for k, v in meta.items() if k != "timings"} | {"timings": meta.get("timings", {})},
            "db_mb": db.stat().st_size / 1e6,
            "figures": [asdict(f) for f in sorted(res.figures, key=lambda f: GROUPS.index(f.group))],
            "notes": notes,
        }
        if only != set(FIGURES) and not args.quick:
            previous = BENCH / f"results-{args.size}.json"
            if previous.exists():  # keep the other figures of the last full run
                old = json.loads(previous.read_text())
                ran = {f.group for f in res.figures}
                result["figures"] = [f for f in old["figures"] if f["group"] not in ran] + result["figures"]
                result["figures"].sort(key=lambda f: GROUPS.index(f["group"]))
                result["notes"].append(f"Figures {', '.join(sorted(ran))} are from this run; the others from an earlier one.")
        label = f"{args.size}-quick" if args.quick else args.size
        if only != set(FIGURES) and not args.quick and not (BENCH / f"results-{args.size}.json").exists():
            # no full run of this size here: these figures get a table of their own, the size's earlier
            # table (from BENCHMARKS.md) is kept as it was
            label = f"{args.size}-only-{'-'.join(sorted(only))}"
        if not final:
            result["notes"].append("Partial: the run stopped before its end; these are the figures it had measured.")
        (BENCH / f"results-{label}.json").write_text(json.dumps(result, indent=2) + "\n")
        return label, result

    res.on_add = lambda: save(False)
    if "cold" in only:
        reuse.update(fig_cold(res, seed_db, db, meta, args.runs))
        if ref == "10k":
            growth = fig_growth(res, "SQLite", str(ref_db), str(db), (ref, args.size), meta["bench_author"], args.runs)
            reuse["sources big"] = growth[f"sources {args.size}"]
    if "inprocess" in only:
        fig_inprocess(res, seed_db, db, meta, args.calls, args.cap)
    if "import" in only:
        assert bib is not None
        reuse.update(fig_import(res, args.size, bib, entries, args.budget))
    if "export" in only:
        reuse.update(fig_export(res, seed_db, db, meta, args.budget))
    if "bibliography" in only:
        assert db10k is not None
        fig_bibliography(res, db10k, args.budget)
    if "search" in only:
        fig_search(res, db, meta, args.runs, args.calls, args.cap, reuse)
    if "peers" in only:
        fig_peers(res, args.size, db, meta, args.runs, args.budget, reuse)
    if "map" in only:
        fig_map(res, db, meta, args.runs, args.budget)
    if "dossier" in only:
        fig_dossier(res, seed_db, db, args.runs, args.budget, args.quick, big_in_quick="dossier" in args.only_given)
    if "web" in only:
        quick = args.quick
        fig_web(res, seed_db, db, meta, 40 if quick else 300, 20, 4.0 if quick else 30.0)
    if "stream" in only:
        fig_stream(res, ref_db, ref, ref_claims, db, meta, args.budget)
    if "stream-pg" in only:
        fig_stream_pg(res, db, meta, ref_db, ref, ref_claims, bib, entries, reuse, args.runs, args.budget)
    label, result = save(True)
    seconds = result["seconds"]
    write_report(args.out, [label] if args.quick else None)
    log(f"wrote {args.out} ({seconds:.0f} s measuring, {time.perf_counter() - started:.0f} s in all)")
    print("\n".join(table(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
