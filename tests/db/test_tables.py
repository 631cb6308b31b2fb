"""The read path's Core tables are the models' tables, column for column, and load no ORM."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_tables_are_current() -> None:
    render = runpy.run_path(str(ROOT / "scripts" / "gen_tables.py"))["render"]
    assert (ROOT / "refdb" / "db" / "tables.py").read_text(encoding="utf-8") == render(), (
        "refdb/db/tables.py is stale: run python scripts/gen_tables.py"
    )


def test_the_tables_have_the_models_columns() -> None:
    from refdb.db import tables
    from refdb.models import Base

    assert set(tables.every_table().tables) == set(Base.metadata.tables)
    for name, model_table in Base.metadata.tables.items():
        core = tables.metadata.tables[name]
        assert [(c.name, repr(c.type), c.primary_key, c.nullable) for c in core.columns] == [
            (c.name, repr(c.type), c.primary_key, c.nullable) for c in model_table.columns
        ]


def test_importing_the_tables_loads_no_orm() -> None:
    probe = "import sys, refdb.db.tables; print(any(m.startswith('sqlalchemy.orm') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == "False"
