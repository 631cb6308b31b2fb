"""Docs that cannot drift: every command has help text and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import typer

from refdb.cli.main import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, object]]:
    group = typer.main.get_command(app)
    out = []
    for name in group.list_commands(None):  # type: ignore[attr-defined,arg-type]
        command = group.get_command(None, name)  # type: ignore[attr-defined,arg-type]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            out.extend((f"{name} {sub}", c) for sub, c in subcommands.items())
        else:
            out.append((name, command))
    return out


def test_every_command_has_help_and_is_in_the_readme() -> None:
    commands = _commands()
    assert len(commands) >= 10
    for name, command in commands:
        assert (command.help or "").strip(), f"{name} has no help text"  # type: ignore[attr-defined]
        assert f"refdb {name}" in README, f"'refdb {name}' is not documented in README.md"


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```")[1].strip().splitlines()
    commands = [line.split("#")[0].strip() for line in first_block[1:]]
    assert commands == ["make demo", "make test"]
