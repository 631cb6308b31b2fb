"""The command line's conventions: help for bare groups, -h, --version, did-you-mean, --, completion."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.mark.parametrize("args", [(), ("db",), ("add",), ("link",)])
def test_a_bare_group_prints_its_help(cli: Cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: refdb {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND")
    assert result.stderr == ""


def test_h_is_help_everywhere(cli: Cli) -> None:
    for args in (("-h",), ("claims", "-h"), ("add", "person", "-h")):
        result = cli(*args)
        assert result.exit_code == 0 and result.stdout.startswith("Usage: refdb"), args


def test_version(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("refdb ")


def test_help_groups_commands_by_task(cli: Cli) -> None:
    out = cli("--help").stdout
    sections = ["Ask:", "Cite and exchange:", "Write:", "Data and maintenance:"]
    assert [out.index(s) for s in sections] == sorted(out.index(s) for s in sections)
    assert "Commands:" not in out


def test_mistyped_commands_and_options_get_suggestions(cli: Cli) -> None:
    result = cli("clams")
    assert result.exit_code == 2
    assert result.stderr == "Error: No such command 'clams'. Did you mean 'claims', 'claim'? (see 'refdb --help')\n"
    assert "Did you mean 'person'?" in cli("add", "persn").stderr
    assert "--format" in cli("claims", "--formt", "json").stderr


def test_plain_english_and_the_double_dash(cli: Cli) -> None:
    result = cli("search", "-fear")
    assert "Value error" not in result.stderr
    assert result.stderr.startswith("Error: Invalid value for '--format' / '-f': 'ear' is not one of")
    assert cli("add", "claim", "Fear ruled.", "--key", "fear-ruled").exit_code == 0
    ok = cli("search", "--kind", "claim", "--", "fear -ruled")
    assert ok.exit_code == 0, ok.output


def test_completion_prints_a_script(cli: Cli) -> None:
    for shell in ("bash", "zsh", "fish"):
        result = cli("completion", shell)
        assert result.exit_code == 0 and "_REFDB_COMPLETE" in result.stdout, shell
    assert cli("completion", "tcsh").stderr.startswith("Error: no completion for the shell 'tcsh'")


def test_exported_files_get_their_mode_from_the_umask(cli: Cli, tmp_path: object) -> None:
    import os
    from pathlib import Path

    target = Path(str(tmp_path)) / "out.bib"
    old = os.umask(0o022)
    try:
        assert cli("export", "--format", "bibtex", "--output", str(target)).exit_code == 0
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_sources_json_is_complete(cli: Cli) -> None:
    import json

    added = cli("add", "source", "An Article", "--key", "art", "--type", "article-journal",
                "--container-title", "Slavic Review", "--volume", "54", "--issue", "2", "--pages", "293–318",
                "--doi", "10.2307/2501624")  # fmt: skip
    assert added.exit_code == 0, added.output
    (record,) = json.loads(cli("sources", "art", "--format", "json").stdout)
    assert {k: record[k] for k in ("container_title", "volume", "issue", "pages", "doi")} == {
        "container_title": "Slavic Review", "volume": "54", "issue": "2", "pages": "293–318",
        "doi": "10.2307/2501624",
    }  # fmt: skip


def test_claim_formats_are_complete(cli: Cli) -> None:
    import csv
    import io
    import json

    record = json.loads(cli("claim", "factor-charm", "--format", "json").stdout)
    text = cli("claim", "factor-charm", "--format", "text")
    assert text.exit_code == 0 and text.stdout == cli("claim", "factor-charm").stdout
    assert "Quotes:" in text.stdout and "Counter-comments:" in text.stdout
    (row,) = csv.DictReader(io.StringIO(cli("claim", "factor-charm", "--format", "csv").stdout))
    assert row["key"] == "factor-charm" and row["text"] == record["text"]
    assert row["quotes"] == "; ".join(q["key"] for q in record["quotes"])
    assert row["comments"] == "; ".join(c["key"] for c in record["comments"])
    assert row["about"] == "; ".join(record["about"])
    markdown = cli("claim", "factor-charm", "--format", "markdown").stdout
    assert markdown.startswith("## factor-charm (factor)\n")
    assert "### Sources" in markdown and "### Quotes" in markdown and "### Counter-comments" in markdown
