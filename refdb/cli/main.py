"""The refdb command line: a thin layer that parses options, opens one session, calls services, renders.

Start-up is kept light: this module imports Typer and nothing heavy; each command imports
SQLAlchemy, services and formats inside its body, so ``refdb --help`` never loads them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer import _click as click  # Typer vendors Click: its exceptions are these
from typer.core import TyperGroup

from refdb.config import ENV_DATABASE_URL
from refdb.errors import RefdbError

# Every command, by name: (module, attribute).  Commands are built lazily: Typer turns a function's
# signature into a Click command (through pydantic) at a few milliseconds per parameter, so building
# all ~40 commands on every start would cost more than the query a user asked for.
COMMANDS: dict[str, tuple[str, str]] = {
    "claims": ("refdb.cli.query", "claims"),
    "claim": ("refdb.cli.query", "claim"),
    "quotes": ("refdb.cli.query", "quotes"),
    "comments": ("refdb.cli.query", "comments"),
    "sources": ("refdb.cli.query", "sources"),
    "people": ("refdb.cli.query", "people"),
    "search": ("refdb.cli.search", "search"),
    "cite": ("refdb.cli.cite", "cite"),
    "bibliography": ("refdb.cli.cite", "bibliography"),
    "export": ("refdb.cli.cite", "export"),
    "map": ("refdb.cli.argmap", "map_"),
    "import": ("refdb.cli.cite", "import_"),
    "dossier": ("refdb.cli.writing", "dossier"),
    "render": ("refdb.cli.writing", "render"),
    "add": ("refdb.cli.author", "add_app"),
    "edit": ("refdb.cli.author", "edit"),
    "rm": ("refdb.cli.author", "rm"),
    "link": ("refdb.cli.author", "link_app"),
    "unlink": ("refdb.cli.author", "unlink_app"),
    "merge": ("refdb.cli.author", "merge_app"),
    "seed": ("refdb.cli.data", "seed"),
    "load": ("refdb.cli.data", "load"),
    "dump": ("refdb.cli.data", "dump"),
    "check": ("refdb.cli.data", "check"),
    "db": ("refdb.cli.dbcmd", "db_app"),
    "serve": ("refdb.cli.serve", "serve"),
    "history": ("refdb.cli.history", "history"),
    "undo": ("refdb.cli.history", "undo"),
    "user": ("refdb.cli.user", "user_app"),
    "completion": ("refdb.cli.dbcmd", "completion"),
}


# `refdb --help` lists the commands by task, in this order
SECTIONS: dict[str, list[str]] = {
    "Ask": ["claims", "claim", "quotes", "comments", "sources", "people", "search", "map", "serve"],
    "Cite and exchange": ["cite", "bibliography", "export", "import"],
    "Write": ["add", "edit", "link", "unlink", "merge", "rm", "dossier", "render", "history", "undo"],
    "Data and maintenance": ["seed", "load", "dump", "check", "db", "user", "completion"],
}


class RefdbGroup(TyperGroup):
    """The one translation point: expected failures become one ``Error: ...`` line on stderr.

    It also builds each subcommand only when it is asked for (see COMMANDS), suggests the commands a
    mistyped name is close to, and prints the help of a group called without a command.
    """

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as exc:
            if args and "Did you mean" not in exc.message:
                from difflib import get_close_matches

                matches = get_close_matches(args[0], list(COMMANDS))
                if matches:
                    exc.message = exc.message.rstrip(".") + f". Did you mean {', '.join(map(repr, matches))}?"
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        for section, names in SECTIONS.items():
            rows = []
            for name in names:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit=formatter.width - 20)))
            if rows:
                with formatter.section(section):
                    formatter.write_dl(rows)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before Typer turns it into a silent Exit(130)
            raise Interrupted() from None

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:  # Ctrl-C while the options are parsed: likewise, not a silent 130
            raise Interrupted() from None

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            import importlib

            from typer.main import get_command_from_info, get_group_from_info
            from typer.models import CommandInfo, TyperInfo

            module, attribute = COMMANDS[cmd_name]
            target = getattr(importlib.import_module(module), attribute)
            if isinstance(target, typer.Typer):
                command: Any = get_group_from_info(
                    TyperInfo(target, name=cmd_name),
                    pretty_exceptions_short=True,
                    rich_markup_mode=None,
                    suggest_commands=True,
                )
                command.no_args_is_help = True  # `refdb db`, `refdb add`: their help, not an error
            else:
                command = get_command_from_info(
                    CommandInfo(name=cmd_name, callback=target),
                    pretty_exceptions_short=True,
                    rich_markup_mode=None,
                )
            self.commands[cmd_name] = command
        return super().get_command(ctx, cmd_name)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code = 0
        if "_REFDB_COMPLETE" in __import__("os").environ:  # a completion script asks: Typer's shells answer
            from typer._completion_classes import completion_init

            completion_init()
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            if isinstance(result, int) and not isinstance(result, bool):
                code = result
        except RefdbError as exc:
            _fail(exc.message, exc.exit_code)
            code = exc.exit_code
        except (KeyboardInterrupt, typer.Abort):  # outside a command: while parsing options
            _fail("interrupted; the transaction was rolled back and nothing was changed", 130)
            code = 130
        except typer.Exit as exc:
            code = exc.exit_code
        except BrokenPipeError:
            sys.stderr.close()
            code = 1
        except click.exceptions.NoArgsIsHelpError as exc:  # a bare `refdb`, `refdb db`: the help
            typer.echo(exc.ctx.get_help())
            code = 0
        except click.exceptions.UsageError as exc:
            if exc.message == "Missing command." and exc.ctx is not None:  # `refdb --db x`: the help too
                typer.echo(exc.ctx.get_help())
                code = 0
            else:
                _fail(_usage_message(exc), exc.exit_code)
                code = exc.exit_code
        except Exception as exc:
            # Click's own usage errors (unknown option, bad choice): one line, not a usage screen.
            if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
                _fail(_usage_message(exc), exc.exit_code)
                code = exc.exit_code
            else:
                raise
        if standalone_mode:
            sys.exit(code)
        return code


class Interrupted(RefdbError):
    """Ctrl-C (SIGINT) during a command: its transaction was rolled back on the way out."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("interrupted; the transaction was rolled back and nothing was changed")


def _usage_message(exc: Any) -> str:
    """A usage error in one line of plain English, with where to read more."""
    message = exc.format_message().replace("Value error, ", "")
    ctx = getattr(exc, "ctx", None)
    where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    return " ".join(message.split()) + where


def _fail(message: str, code: int) -> None:
    typer.echo(f"Error: {message}", err=True)


app = typer.Typer(
    cls=RefdbGroup,
    name="refdb",
    help="A historiography reference database: claims, sources, quotes and counter-comments.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"refdb {version('refdb')}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar=ENV_DATABASE_URL,
            help=f"Database URL or SQLite file path [env: {ENV_DATABASE_URL}; default: an SQLite file in the "
            "user data directory].",
            show_envvar=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print refdb's version and exit."),
    ] = False,
) -> None:
    """refdb: which claims rest on which source and page, who said what, and who disputes it.

    A value that starts with - goes after --, which ends the options: refdb search -- -fear.
    """
    from refdb.config import database_url

    ctx.obj = database_url(db)


def run() -> None:
    app(prog_name="refdb")
