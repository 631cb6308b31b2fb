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
