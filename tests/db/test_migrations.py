"""Migrations: the models are the truth, the chain goes up and down, and data survives the trip.

The search index's DDL is frozen in its revision; ``refdb.db.fts`` (which bulk loads and reindex use
at run time) must describe the index the migrations actually built.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

from sqlalchemy import text

from refdb import db
from refdb.db import fts, migrate
from tests.conftest import invoke


def test_head_constant_matches_alembic() -> None:
    assert migrate.head() == db.HEAD_REVISION


def test_no_drift_between_models_and_migrations(empty_url: str) -> None:
    migrate.upgrade(empty_url, "head")
    migrate.check(empty_url)  # raises DatabaseError on drift


def test_upgrade_downgrade_upgrade_on_an_empty_database(empty_url: str) -> None:
    migrate.upgrade(empty_url, "head")
    migrate.downgrade(empty_url, "base")
    assert db.current_revision(empty_url) is None
    migrate.upgrade(empty_url, "head")
    assert db.current_revision(empty_url) == db.HEAD_REVISION
    migrate.check(empty_url)


def test_every_step_down_and_up_keeps_the_seeded_data(db_url: str, dump_of) -> None:  # type: ignore[no-untyped-def]
    before = dump_of(db_url)
    revisions = migrate.known_revisions()  # newest first
    for target in revisions[1:]:
        migrate.downgrade(db_url, target)
        migrate.upgrade(db_url, "head")
        assert dump_of(db_url) == before, target
    migrate.check(db_url)


def test_cli_db_commands(empty_url: str) -> None:
    result = invoke(empty_url, "db", "current")
    assert "revision none (empty database)" in result.stdout
    assert invoke(empty_url, "db", "upgrade").exit_code == 0
    assert (
        f"revision {db.HEAD_REVISION}; head {db.HEAD_REVISION}" in invoke(empty_url, "db", "current").stdout
    )
    result = invoke(empty_url, "db", "downgrade", "base")
    assert result.exit_code == 0, result.output
    result = invoke(empty_url, "db", "downgrade", "nonsense")
    assert result.exit_code != 0 and result.stderr.startswith("Error: cannot downgrade to 'nonsense'")


def test_an_outdated_database_is_refused_with_advice(db_url: str) -> None:
    revisions = migrate.known_revisions()
    if len(revisions) < 2:
        return
    migrate.downgrade(db_url, revisions[1])
    db.forget_schema_check(db_url)
    result = invoke(db_url, "claims")
    assert result.exit_code == 6
    assert "run 'refdb db upgrade'" in result.stderr


def test_db_copy_moves_everything(db_url: str, empty_url: str, dump_of) -> None:  # type: ignore[no-untyped-def]
    result = invoke(db_url, "db", "copy", "--to", empty_url)
    assert result.exit_code == 0, result.output
    assert dump_of(empty_url) == dump_of(db_url)
    assert invoke(db_url, "db", "copy", "--to", db_url).exit_code == 2


def test_index_follows_every_write_after_every_migration(db_url: str) -> None:
    """A batch rebuild can drop FTS triggers; after each step down and up, new rows must be found."""
    revisions = migrate.known_revisions()
    for i, target in enumerate([*revisions[1:], "head"]):
        if target != "head":
            migrate.downgrade(db_url, target)
        migrate.upgrade(db_url, "head")
        word = f"zeppelinword{i}"
        result = invoke(db_url, "add", "claim", f"A {word} claim.", "--key", f"z-{i}", "--kind", "factual")
        assert result.exit_code == 0, result.output
        hits = json.loads(invoke(db_url, "search", word, "--format", "json").stdout)
        assert [h["key"] for h in hits] == [f"z-{i}"], target


def _pg_function_body(statement: str) -> str:
    match = re.search(r"AS \$\$(.*)\$\$$", statement, re.S)
    assert match, statement
    return match.group(1)


def test_the_migrated_search_index_is_what_fts_defines(empty_url: str) -> None:
    """Editing fts.py without a migration that applies the change fails here."""
    migrate.upgrade(empty_url, "head")
    engine = db.get_engine(empty_url)
    dialect = engine.dialect.name
    with engine.connect() as conn:
        if dialect == "sqlite":
            stored = {
                str(row[0])
                for row in conn.execute(
                    text("SELECT sql FROM sqlite_master WHERE name LIKE 'search_fts%' AND sql IS NOT NULL")
                )
            }
            created = [s for s in fts.create_statements(dialect) if s.startswith("CREATE")]
            assert set(created) <= stored, set(created) - stored
            triggers = {
                str(row[0])
                for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            }
        else:
            bodies = {
                str(name): str(src)
                for name, src in conn.execute(
                    text("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'search_fts_%'")
                )
            }
            expected = {
                re.match(r"CREATE OR REPLACE FUNCTION (\w+)\(", s).group(1): _pg_function_body(s)  # type: ignore[union-attr]
                for s in fts.trigger_statements(dialect)
                if s.startswith("CREATE OR REPLACE FUNCTION")
            }
            assert bodies == expected
            fold = conn.scalar(text("SELECT prosrc FROM pg_proc WHERE proname = 'refdb_fold'"))
            assert fold == re.search(r"\$fold\$(.*)\$fold\$", fts.pg_fold_function(), re.S).group(1)  # type: ignore[union-attr]
            triggers = {
                str(row[0])
                for row in conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
            }
    assert set(fts.trigger_names(dialect)) <= triggers
    assert set(fts.trigger_names(dialect)) == {t for t in triggers if t.startswith("search_fts")}


def test_the_runtime_statements_keep_the_index_in_step(db_url: str) -> None:
    """Suspend, resume and rebuild (bulk loads, reindex) leave the index as the triggers keep it."""
    engine = db.get_engine(db_url)
    dialect = engine.dialect.name
    snapshot = "SELECT rowid, kind, key, title, body FROM search_fts ORDER BY rowid"
    with engine.begin() as conn:
        before = conn.execute(text(snapshot)).all()
        for statement in [*fts.suspend_statements(dialect), *fts.resume_statements(dialect)]:
            conn.execute(text(statement))
        assert conn.execute(text(snapshot)).all() == before
        for statement in fts.rebuild_sql(dialect):
            conn.execute(text(statement))
        assert conn.execute(text(snapshot)).all() == before
    result = invoke(db_url, "add", "claim", "A quixoticword claim.", "--key", "q-1", "--kind", "factual")
    assert result.exit_code == 0, result.output
    hits = json.loads(invoke(db_url, "search", "quixoticword", "--format", "json").stdout)
    assert [h["key"] for h in hits] == ["q-1"]


def test_a_query_on_a_migrated_database_loads_no_migration_code(db_url: str) -> None:
    probe = (
        "import sys\n"
        "from refdb.cli.main import app\n"
        "try:\n"
        "    app(sys.argv[1:], prog_name='refdb')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('refdb.db', 'alembic'))), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, "--db", db_url, "claims", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stderr.strip().splitlines()[-1]
    assert loaded == str(["refdb.db", "refdb.db.digests", "refdb.db.engine", "refdb.db.schema", "refdb.db.session",
                         "refdb.db.tables"])
