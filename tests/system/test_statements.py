"""No N+1: every read command runs the same number of SQL statements however many rows it returns."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

from refdb import db, records
from refdb.formats import dataset as fmt
from tests.conftest import Backend, Cli, invoke

COMMANDS = [
    ("claims",),
    ("claims", "--source", "bulk"),
    ("claims", "--person", "Bulk Author"),
    ("claims", "--tag", "bulk"),
    ("claims", "--disputed"),
    ("claim", "bulk-claim-1"),
    ("quotes",),
    ("quotes", "--source", "bulk"),
    ("comments",),
    ("sources",),
    ("people",),
    ("search", "bulk"),
    ("export", "--format", "csljson"),
    ("map", "--tag", "bulk", "--depth", "2", "--format", "json"),
    ("dump",),
    ("dossier", "--tag", "bulk"),
    ("dossier", "--source", "bulk"),
    ("render", "--print-data"),
    ("claims", "--format", "json"),
    ("claims", "--format", "csv"),
    ("quotes", "--format", "json"),
    ("comments", "--format", "csv"),
    ("sources", "--format", "json"),
    ("people", "--format", "json"),
    ("check", "--format", "json"),
    ("db", "backup", "{tmp}/backup"),
]


@contextmanager
def _counting(url: str) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = db.get_engine(url)

    def count(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _bulk(n: int) -> str:
    people = [records.PersonRec(key="bulk-author", name="Bulk Author", family="Author", given="Bulk")]
    sources = [records.SourceRec(key=f"bulk-{i}", type="book", title=f"Bulk Book {i}", short_title=f"Bulk {i}",
                             contributors=[records.ContributorRec(person="bulk-author")], issued="2000")
               for i in range(n)]  # fmt: skip
    tags = [records.TagRec(key="bulk", label="Bulk")]
    claims = [records.ClaimRec(key=f"bulk-claim-{i}", text=f"Bulk claim {i}.", kind="factual", tags=["bulk"],
                           about=["bulk-author"],
                           citations=[records.CitationRec(source=f"bulk-{i}", stance="asserts", locator=str(i))],
                           relations=[records.RelationRec(relation="contradicts", claim="factor-charm")])
              for i in range(n)]  # fmt: skip
    quotes = [records.QuoteRec(key=f"bulk-quote-{i}", text=f"Bulk words {i}", speaker="bulk-author",
                           origin=records.PlaceRec(source=f"bulk-{i}", locator="1"), claims=[f"bulk-claim-{i}"])
              for i in range(n)]  # fmt: skip
    comments = [records.CommentRec(key=f"bulk-comment-{i}", text=f"Bulk reply {i}", answers=f"bulk-{i}",
                               disputes=[records.DisputeRec(claim=f"bulk-claim-{i}")]) for i in range(n)]  # fmt: skip
    return fmt.dumps(records.Dataset(people=people, sources=sources, tags=tags, claims=claims, quotes=quotes,
                                 comments=comments))  # fmt: skip


def _counts(cli: Cli, url: str, tmp: Path) -> dict[tuple[str, ...], int]:
    out = {}
    for command in COMMANDS:
        argv = [arg.format(tmp=tmp) for arg in command]
        if command[:2] == ("db", "backup"):
            argv.append("--force")
        cli(*argv)  # warm: schema check, engine
        with _counting(url) as statements:
            result = cli(*argv)
        assert result.exit_code == 0, (command, result.output)
        out[command] = len(statements)
    return out


def test_statement_counts_do_not_grow_with_rows(cli: Cli, db_url: str, tmp_path: Path) -> None:
    small, large = tmp_path / "small.yaml", tmp_path / "large.yaml"
    small.write_text(_bulk(2), encoding="utf-8")
    large.write_text(_bulk(40), encoding="utf-8")
    assert cli("load", str(small)).exit_code == 0
    few = _counts(cli, db_url, tmp_path)
    assert cli("load", str(large)).exit_code == 0
    many = _counts(cli, db_url, tmp_path)
    assert many == few


def test_streamed_commands_read_a_page_at_a_time(
    cli: Cli, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With pages of 10 rows, 40 rows cost a few pages' statements: a fixed number per page, none per row."""
    from refdb.services import dataset, queries

    large = tmp_path / "large.yaml"
    large.write_text(_bulk(40), encoding="utf-8")
    assert cli("load", str(large)).exit_code == 0
    baseline = _counts(cli, db_url, tmp_path)
    monkeypatch.setattr(queries, "PAGE", 10)
    monkeypatch.setattr(dataset, "PAGE", 10)
    paged = _counts(cli, db_url, tmp_path)
    for command in COMMANDS:
        pages = 40 // 10 + 2  # the bulk rows, the seed's, and the page that finds the end
        assert paged[command] <= baseline[command] * pages, (command, baseline[command], paged[command])
        assert paged[command] - baseline[command] < 40, command  # not one statement per row


@pytest.mark.parametrize("reload", [False, True], ids=["load", "unchanged re-load"])
def test_load_statements_do_not_grow_with_rows(
    backend: Backend, seeded_template: str, tmp_path: Path, reload: bool
) -> None:
    """A load (and a re-load of the same file, which only reads) runs per table, not per record."""
    counts = []
    for n in (2, 40):
        url = backend.copy(seeded_template)
        path = tmp_path / f"bulk-{n}.yaml"
        path.write_text(_bulk(n), encoding="utf-8")
        if reload:
            assert invoke(url, "load", str(path)).exit_code == 0
        with _counting(url) as statements:
            result = invoke(url, "load", str(path))
        assert result.exit_code == 0, result.output
        assert ("unchanged 0" in result.stderr) is not reload, result.stderr
        counts.append(len(statements))
        db.dispose_all()
    assert counts[0] == counts[1], counts
@pytest.mark.parametrize(
    ("command", "expected"),
    # a name filter first reads the candidate people's names in one statement (the name rules of
    # lookup.person_ids run in Python: initials, inverted and family-first order), then the listing
    [(("claims", "--source", "glantz"), 2), (("claims", "--person", "Zhukov, G. K."), 2), (("claims",), 1)],
)
def test_the_listing_query_is_one_statement(cli: Cli, db_url: str, command: tuple[str, ...], expected: int) -> None:
    cli(*command)
    with _counting(db_url) as statements:
        cli(*command)
    data = [s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    assert len(data) == expected, data
