"""Hostile content: spreadsheet formulas, NUL bytes, markup, YAML tags, symlinks, and SQL built from strings.

* CSV (``export --format csv`` and every listing's ``--format csv``) puts a ``'`` before a cell that
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and changes nothing else.
* A NUL byte in imported or typed text is refused on both engines, with one line, nothing written.
* Markdown and HTML output escape what would be markup; HTML keeps only CSL's own rich-text tags.
* Dataset YAML is only ever safe-loaded: a ``!!python/...`` tag is refused and runs nothing.
* ``--output`` never overwrites without ``--force`` and never writes through a symbolic link.
* No SQL is built from strings anywhere in ``refdb/`` except the allow-listed ``refdb/db/fts.py``.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from refdb.formats.csv import dumps as csv_dumps
from refdb.formats.csv import neutralize
from tests.conftest import Cli, Result, invoke

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPO = Path(__file__).resolve().parents[2]


def _ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.stdout


def _one_error(result: Result) -> str:
    assert result.exception is None, repr(result.exception)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: "), result.stderr
    return result.stderr


# --- CSV: formulas neutralised, nothing else changed ---------------------------------------------

TITLES = {
    "f-eq": '=HYPERLINK("http://evil.example","click")',
    "f-plus": "+1 555 0100",
    "f-minus": "-2+3",
    "f-at": "@SUM(A1:A9)",
    "f-tab": "\t=cmd|' /C calc'!A0",  # the command line strips the tab; the '=' is still neutralised
    "plain": "An ordinary title",
    "inner": "a=b, c+d, e-f, g@h and \"quotes\", 'apostrophes', commas; and a\ttab",
    "minus-inside": "Stalin's Wars: 1939–1953 - a history",
}


def _csv_rows(text: str) -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


def test_csv_export_neutralises_formulas_and_changes_nothing_else(cli: Cli) -> None:
    for key, title in TITLES.items():
        _ok(cli, "add", "source", "--key", key, "--publisher", title, "--note", title, "--", title)
    stored = {s["key"]: s for s in json.loads(_ok(cli, "sources", "--format", "json"))}
    assert stored["f-tab"]["title"] == TITLES["f-tab"].strip()
    rows = _csv_rows(_ok(cli, "export", "--format", "csv"))
    for key in TITLES:
        for column, field in (("title", "title"), ("publisher", "publisher")):
            value = stored[key][field]
            expected = "'" + value if value.startswith(FORMULA_STARTS) else value
            assert rows[key][column] == expected, (key, column)
    # the seed's own sources come out untouched
    assert rows["roberts-stalins-wars"]["title"] == "Stalin's Wars: From World War to Cold War, 1939–1953"


def test_csv_listing_neutralises_formulas(cli: Cli) -> None:
    _ok(cli, "add", "claim", "--key", "formula-claim", "--", "=1+2 is a formula")
    _ok(cli, "add", "claim", "--key", "minus-claim", "--", "-1 is a number, @home a handle")
    rows = {r["KEY"]: r for r in csv.DictReader(io.StringIO(_ok(cli, "claims", "--format", "csv")))}
    assert rows["formula-claim"]["CLAIM"] == "'=1+2 is a formula"
    assert rows["minus-claim"]["CLAIM"] == "'-1 is a number, @home a handle"
    assert rows["stalin-always-listened"]["CLAIM"] == (
        "Stalin always listened to and took the advice of his high command."
    )


def test_csv_formatter_neutralises_tab_and_carriage_return() -> None:
    """The command line strips leading whitespace, so the tab and CR cases are checked on the formatter."""
    items = [
        {"id": "tab", "type": "book", "title": "\t=cmd", "publisher": "\r@x"},
        {"id": "inner", "type": "book", "title": "a\tb\rc", "publisher": "x=y"},
    ]
    rows = _csv_rows("".join(csv_dumps(items)))
    assert rows["tab"]["title"] == "'\t=cmd"
    assert rows["tab"]["publisher"] == "'\r@x"
    assert rows["inner"]["title"] == "a\tb\rc"
    assert rows["inner"]["publisher"] == "x=y"
    assert [neutralize(s) for s in ("=", "+", "-", "@", "\t", "\r", "", "a=", "'=")] == [
        "'=",
        "'+",
        "'-",
        "'@",
        "'\t",
        "'\r",
        "",
        "a=",
        "'=",
    ]


# --- NUL bytes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("nul.bib", b"@book{a,\n  title = {Before\x00after},\n  year = 2000\n}\n"),
        ("nul.ris", b"TY  - BOOK\nTI  - Before\x00after\nER  - \n"),
        ("nul.json", b'[{"id": "a", "type": "book", "title": "Before\x00after"}]'),
        ("esc.json", b'[{"id": "a", "type": "book", "title": "Before\\u0000after"}]'),
        (
            "esc-name.json",
            b'[{"id": "a", "type": "book", "title": "T", "author": [{"family": "N\\u0000l"}]}]',
        ),
        ("esc-custom.json", b'[{"id": "a", "type": "book", "title": "T", "custom": {"k": ["\\u0000"]}}]'),
        ("nul.yaml", b'refdb: 1\ntags:\n  - {key: t, label: "Before\x00after"}\n'),
        ("esc.yaml", b'refdb: 1\ntags:\n  - {key: t, label: "Before\\0after"}\n'),
    ],
)
def test_nul_bytes_in_files_are_refused(
    db_url: str, dump_of: Callable[[str], str], tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = dump_of(db_url)
    result = invoke(db_url, "load" if name.endswith(".yaml") else "import", str(path))
    assert "NUL" in _one_error(result)
    assert result.exit_code == 5
    assert dump_of(db_url) == before


@pytest.mark.parametrize(
    "args",
    [
        ("add", "claim", "Before\x00after"),
        ("add", "source", "Title", "--publisher", "Before\x00after"),
        ("add", "person", "Before\x00after"),
        ("add", "tag", "Before\x00after"),
        ("edit", "claim", "stalin-always-listened", "--set", "text=Before\x00after"),
    ],
    ids=["claim", "source-publisher", "person", "tag", "edit"],
)
def test_nul_bytes_typed_on_the_command_line_are_refused(
    db_url: str, dump_of: Callable[[str], str], args: tuple[str, ...]
) -> None:
    before = dump_of(db_url)
    assert "NUL" in _one_error(invoke(db_url, *args))
    assert dump_of(db_url) == before


# --- Markdown and HTML -----------------------------------------------------------------------------

HOSTILE_TEXT = "Pipes | stars * underscores _ and <script>alert(1)</script> [x](javascript:alert(1)) # h"


def test_markdown_table_escapes_markup(cli: Cli) -> None:
    _ok(cli, "add", "claim", HOSTILE_TEXT, "--key", "md-test", "--tag", "purges")
    table = _ok(cli, "claims", "--tag", "purges", "--format", "markdown")
    [row] = [line for line in table.splitlines() if line.startswith("| md-test ")]
    header = table.splitlines()[0]
    unescaped_pipes = re.compile(r"(?<!\\)\|")
    assert len(unescaped_pipes.findall(row)) == len(unescaped_pipes.findall(header))
    assert "Pipes \\| stars \\* underscores \\_ and \\<script\\>alert(1)\\</script\\>" in row
    assert "\\[x\\](javascript:alert(1)) \\# h" in row
    assert "<script>" not in table

    detail = _ok(cli, "claim", "md-test", "--format", "markdown")
    assert "<script>" not in detail and "\\<script\\>" in detail


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


@pytest.mark.parametrize(
    "title",
    [
        "<script>alert(1)</script> & Co",
        "<i onmouseover=alert(1)>Hover</i> <a href='javascript:alert(1)'>link</a> "
        "<span style='background:url(javascript:alert(1))'>sp</span> <img src=x onerror=alert(1)>",
    ],
    ids=["script", "attributes"],
)
def test_html_citations_escape_markup(cli: Cli, title: str) -> None:
    _ok(cli, "add", "source", title, "--key", "xss", "--author", "Evil, Eve", "--issued", "2001")
    _ok(cli, "add", "claim", "A claim citing a hostile title.", "--key", "xss-claim")
    _ok(cli, "link", "cite", "xss-claim", "xss", "--stance", "asserts", "--locator", "5")
    for args in (("cite", "xss-claim"), ("bibliography", "--source", "xss")):
        html = _ok(cli, *args, "--format", "html")
        assert "&lt;" in html and "<script" not in html.lower()
        parser = _Tags()
        parser.feed(html)
        # the page's own list and CSL's rich-text formatting, and no attribute but class
        assert parser.tags <= {"ol", "ul", "li", "h2", "em", "i", "strong", "b", "sup", "sub", "span"}, (
            parser.tags
        )
        assert parser.attributes <= {"class"}, parser.attributes


def test_markdown_citations_escape_markup(cli: Cli) -> None:
    _ok(cli, "add", "source", "<script>alert(1)</script> [x](javascript:alert(1))", "--key", "xss",
        "--author", "Evil, Eve", "--issued", "2001")  # fmt: skip
    _ok(cli, "add", "claim", "A claim citing a hostile title.", "--key", "xss-claim")
    _ok(cli, "link", "cite", "xss-claim", "xss", "--stance", "asserts")
    markdown = _ok(cli, "cite", "xss-claim", "--format", "markdown")
    assert "<script>" not in markdown.lower() and "\\<" in markdown
    assert not re.search(r"(?<!\\)\]\(javascript", markdown), "a live link"


# --- YAML is only safe-loaded ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        '!!python/object/apply:os.system ["echo pwned; touch {marker}"]',
        '!!python/object/new:os.system ["echo pwned; touch {marker}"]',
        "!!python/name:os.system",
        '!!python/object/apply:subprocess.check_output [["sh", "-c", "echo pwned; touch {marker}"]]',
    ],
    ids=["apply", "new", "name", "subprocess"],
)
def test_a_python_tag_in_a_dataset_is_refused_and_runs_nothing(
    db_url: str, dump_of: Callable[[str], str], tmp_path: Path, payload: str
) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(
        "refdb: 1\ntags:\n  - key: t\n    label: " + payload.replace("{marker}", str(marker)) + "\n"
    )
    before = dump_of(db_url)
    # a real process, so that anything the payload printed would be seen on its stdout and stderr
    proc = subprocess.run(
        [sys.executable, "-m", "refdb", "--db", db_url, "load", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 5
    assert proc.stdout == ""
    assert re.fullmatch(
        rf"Error: {re.escape(str(path))}:4: YAML syntax error: could not determine a constructor for the "
        r"tag '?tag:yaml.org,2002:python/[a-z/]+(:[a-z_.]+)?'?\n",
        proc.stderr,
    ), proc.stderr
    assert "pwned" not in proc.stdout + proc.stderr.replace(str(marker), "")
    assert not marker.exists()
    assert dump_of(db_url) == before


# --- --output: no overwriting without --force, never through a symlink ----------------------------

OUTPUTS = [("dump",), ("export", "--format", "bibtex"), ("export", "--format", "csv")]


@pytest.mark.parametrize("command", OUTPUTS, ids=["dump", "export-bibtex", "export-csv"])
def test_output_never_overwrites_without_force(cli: Cli, tmp_path: Path, command: tuple[str, ...]) -> None:
    target = tmp_path / "out.txt"
    target.write_text("precious\n")
    result = cli(*command, "--output", str(target))
    assert _one_error(result) == f"Error: {target} exists; pass --force to overwrite it\n"
    assert result.exit_code == 4
    assert target.read_text() == "precious\n"
    _ok(cli, *command, "--output", str(target), "--force")
    assert target.read_text() != "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"], "a temporary file was left behind"


@pytest.mark.parametrize("command", OUTPUTS, ids=["dump", "export-bibtex", "export-csv"])
@pytest.mark.parametrize("dangling", [False, True], ids=["to-a-file", "dangling"])
def test_output_refuses_a_symlink_even_with_force(
    cli: Cli, tmp_path: Path, command: tuple[str, ...], dangling: bool
) -> None:
    real = tmp_path / "real.txt"
    if not dangling:
        real.write_text("precious\n")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    refused = cli(*command, "--output", str(link))
    assert _one_error(refused) == f"Error: {link} exists; pass --force to overwrite it\n"
    forced = cli(*command, "--output", str(link), "--force")
    assert _one_error(forced) == f"Error: --output {link} is a symbolic link; give the real path\n"
    assert forced.exit_code == 2
    assert link.is_symlink()
    assert real.exists() is not dangling
    if not dangling:
        assert real.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["link.txt", *([] if dangling else ["real.txt"])]
    )


def test_db_backup_never_overwrites_or_writes_through_a_symlink(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "backup"
    target.write_text("precious\n")
    assert (
        _one_error(cli("db", "backup", str(target)))
        == f"Error: {target} exists; pass --force to overwrite it\n"
    )
    assert target.read_text() == "precious\n"
    real = tmp_path / "real"
    real.write_text("precious\n")
    link = tmp_path / "link"
    link.symlink_to(real)
    cli("db", "backup", str(link), "--force")  # refused, or the link replaced: never written through
    assert real.read_text() == "precious\n"


# --- no SQL built from strings ---------------------------------------------------------------------

# refdb/db/fts.py builds the search index's DDL, triggers and refill from its own constants (table and
# column names, kind codes), never from input: it is the one file allowed to build SQL with f-strings.
ALLOWED = {"refdb/db/fts.py"}

# SQL's verbs in capitals, or a statement's shape in any case ("select ... from", "insert into" ...)
_DML_UPPER = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b")
_DML_ANY_CASE = re.compile(
    r"\bselect\b.+?\bfrom\b|\binsert\s+into\b|\bupdate\s+\w+\s+set\b|\bdelete\s+from\b", re.I | re.S
)
_EXECUTORS = {"text", "sql", "exec_driver_sql", "execute", "executemany", "executescript"}


def _literal_text(node: ast.AST) -> str:
    """The constant string parts of an expression (f-string pieces, operands, the format template)."""
    return " ".join(
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


def _looks_like_sql(text: str) -> bool:
    return bool(_DML_UPPER.search(text) or _DML_ANY_CASE.search(text))


def _is_built(node: ast.AST) -> bool:
    """An expression that builds a string at run time from something other than constants."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return not all(isinstance(n, ast.Constant) for n in (node.left, node.right))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return True
    return False


def string_built_sql(source: str) -> list[tuple[int, str]]:
    """(line, reason) for every SQL statement built from strings in a module's source."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    sql_names = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _looks_like_sql(_literal_text(node.value))
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if _is_built(node) and _looks_like_sql(_literal_text(node)):
            found.append((getattr(node, "lineno", 0), "SQL text built with an f-string, %, + or .format"))
        elif (
            isinstance(node, ast.AugAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id in sql_names
        ):
            if not isinstance(node.value, ast.Constant):
                found.append((node.lineno, f"SQL text '{node.target.id}' extended with +="))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            names = {n.id for n in (node.left, node.right) if isinstance(n, ast.Name)}
            if names & sql_names:
                found.append((node.lineno, f"SQL text '{sorted(names & sql_names)[0]}' extended with + or %"))
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            arg = node.args[0]
            if name in _EXECUTORS and _is_built(arg) and _looks_like_sql(_literal_text(arg)):
                found.append((node.lineno, f"{name}() of a string built at run time"))
    return sorted(set(found))


def test_the_sql_guard_catches_string_built_sql() -> None:
    bad = """
from sqlalchemy import text
def f(session, key, table):
    session.execute(text(f"SELECT * FROM claim WHERE key = '{key}'"))
    session.execute(text("DELETE FROM claim WHERE key = '%s'" % key))
    conn.exec_driver_sql("UPDATE claim SET text = '" + key + "'")
    q = "INSERT INTO tag (key) VALUES ({})".format(key)
    base = "SELECT id FROM source WHERE title = "
    base += key
    other = base + key
    cursor.execute(f"select id from {table} where key = {key}")
"""
    lines = {line for line, _ in string_built_sql(bad)}
    assert lines == {4, 5, 6, 7, 9, 10, 11}, string_built_sql(bad)
    good = """
from sqlalchemy import text, select
def f(session, key):
    session.execute(text("SELECT * FROM claim WHERE key = :key"), {"key": key})
    session.execute(select(Claim).where(Claim.key == key))
    message = f"nothing was removed from {key}; select another"
    cursor.execute(f"PRAGMA busy_timeout = {int(60 * 1000)}")
"""
    assert string_built_sql(good) == []


def test_no_sql_is_built_from_strings_outside_the_allow_list() -> None:
    offenders = {}
    allowed_hits = {}
    for path in sorted((REPO / "refdb").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        hits = string_built_sql(path.read_text(encoding="utf-8"))
        (allowed_hits if rel in ALLOWED else offenders)[rel] = hits
    assert {rel: hits for rel, hits in offenders.items() if hits} == {}
    # and the allow-list is no longer than it must be: each allowed file does build its SQL
    assert all(allowed_hits.get(rel) for rel in ALLOWED), allowed_hits
