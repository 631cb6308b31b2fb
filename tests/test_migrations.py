"""Migrations: the models are the truth, the chain goes up and down, and data survives the trip."""

from __future__ import annotations

from refdb import db, migrate
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
