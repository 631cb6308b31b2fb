"""refdb check: clean after the seed; each kind of problem is found and makes the exit non-zero."""

from __future__ import annotations

import json

from sqlalchemy import text

from refdb import db
from tests.conftest import BACKEND, Cli


def _problems(cli: Cli) -> list[dict[str, str]]:
    result = cli("check", "--format", "json")
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_seed_is_clean(cli: Cli) -> None:
    result = cli("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "check: no problems found\n")


def test_each_problem_is_reported(cli: Cli) -> None:
    cli("add", "claim", "Nobody says this.", "--key", "orphan-claim")
    cli("add", "source", "An Unused Book: With a Subtitle", "--key", "unused-book")
    cli("add", "person", "G. Zhukov", "--key", "zhukov-again")
    found = {(p["kind"], p["key"], p["check"]) for p in _problems(cli)}
    assert found == {
        ("claim", "orphan-claim", "asserted"),
        ("source", "unused-book", "cited"),
        ("source", "unused-book", "short title"),
        ("person", "zhukov", "duplicates"),
    }
    assert cli("check").exit_code == 1


def test_an_anchor_that_no_longer_matches_is_reported(cli: Cli, db_url: str) -> None:
    with db.session_scope(db_url, write=True) as session:
        session.execute(
            text("UPDATE source SET text = replace(text, 'touched us deeply', 'moved us') WHERE key = :k"),
            {"k": "stalin-and-his-generals"},
        )
    problems = _problems(cli)
    assert {"kind": "quote", "key": "vasilevskii-attention", "check": "anchor",
            "problem": "its text no longer matches 'stalin-and-his-generals' exactly once"} in problems  # fmt: skip


def test_missing_search_triggers_are_reported_and_reindex_repairs_the_index(cli: Cli, db_url: str) -> None:
    name = "search_fts_claim_ai" if BACKEND == "sqlite" else "search_fts_claim_sync ON claim"
    with db.session_scope(db_url, write=True) as session:
        session.execute(text(f"DROP TRIGGER {name}"))
        session.execute(text("DELETE FROM search_fts WHERE kind = 'claim'"))
    checks = {p["check"] for p in _problems(cli)}
    assert checks == {"search index"}
    assert cli("db", "reindex").exit_code == 0
    problems = _problems(cli)
    assert [p["problem"].startswith("sync triggers missing") for p in problems] == [True]
