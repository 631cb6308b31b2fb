"""No import circles anywhere in refdb/, and migrations that cannot change after they are written."""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from pathlib import Path

import grimp

from refdb.resources import migrations_dir

# A circle the lead's one-writer rewrite (issue 10) removes, in files this branch may not touch.
# When it is gone this test fails until the entry is deleted, so the list can only shrink.
KNOWN_CIRCLES: list[frozenset[str]] = []


def _strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1 or node in edges.get(node, ()):
                    groups.append(group)
    return groups


def _circle(graph: grimp.ImportGraph, group: set[str]) -> str:
    """One concrete circle through a group, as 'a -> b -> a', with the lines that import."""
    start = min(group)
    for nxt in sorted(graph.find_modules_directly_imported_by(start) & group):
        chain = graph.find_shortest_chain(nxt, start) if nxt != start else (start,)
        if chain:
            path = [start, *chain]
            hops = []
            for importer, imported in itertools.pairwise(path):
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = ", ".join(f"l.{d['line_number']}" for d in details)
                hops.append(f"{importer} -> {imported} ({lines})")
            return "; ".join(hops)
    return " <-> ".join(sorted(group))


def test_there_is_no_import_circle_inside_refdb() -> None:
    graph = grimp.build_graph("refdb", cache_dir=None)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    groups = _strongly_connected(edges)
    unknown = [g for g in groups if frozenset(g) not in KNOWN_CIRCLES]
    assert not unknown, "import circles in refdb/:\n" + "\n".join(_circle(graph, g) for g in unknown)
    gone = [sorted(k) for k in KNOWN_CIRCLES if k not in {frozenset(g) for g in groups}]
    assert not gone, f"these circles are gone: delete them from KNOWN_CIRCLES: {gone}"


def test_importing_the_db_layer_loads_neither_sqlalchemy_nor_alembic() -> None:
    """They load when a function needs them: ``refdb --help`` and query commands stay light."""
    probe = (
        "import sys\n"
        "import refdb.db, refdb.db.backup, refdb.db.fts, refdb.db.migrate\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic'}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_the_circle_finder_finds_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(map(sorted, _strongly_connected(edges))) == [["a", "b", "c"], ["e"]]


# ------------------------------------------------------------------------- frozen migrations

ALLOWED_ROOTS = {"alembic", "sqlalchemy"} | (set(sys.stdlib_module_names) - {"importlib"})


def _revisions() -> list[Path]:
    paths = sorted((migrations_dir() / "versions").glob("*.py"))
    assert paths, f"no revision files under {migrations_dir()}"
    return paths


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) for every import, and for every __import__/importlib call (a way around them)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.lineno, "." * node.level + (node.module or "")))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in {"__import__", "import_module"}:
                out.append((node.lineno, f"{name}(...)"))
    return out


def _forbidden(source: str) -> list[str]:
    return [
        f"l.{line}: {module}"
        for line, module in sorted(_imports(ast.parse(source)))
        if module.split(".")[0] not in ALLOWED_ROOTS
    ]


def test_a_revision_imports_only_alembic_sqlalchemy_and_the_standard_library() -> None:
    problems = {path.name: _forbidden(path.read_text(encoding="utf-8")) for path in _revisions()}
    problems = {name: found for name, found in problems.items() if found}
    assert not problems, (
        "a migration must carry the DDL it runs, not import code that can change later: "
        f"{problems}"
    )


def test_the_revision_guard_catches_live_imports() -> None:
    source = (
        "from __future__ import annotations\n"
        "import sqlalchemy as sa\n"
        "from alembic import op\n"
        "from refdb.db import fts\n"
        "from . import helpers\n"
        "import importlib\n"
        "def upgrade():\n"
        "    importlib.import_module('refdb.db.fts')\n"
        "    __import__('refdb')\n"
    )
    assert _forbidden(source) == [
        "l.4: refdb.db",
        "l.5: .",
        "l.6: importlib",
        "l.8: import_module(...)",
        "l.9: __import__(...)",
    ]
