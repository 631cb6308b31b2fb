"""The refdb command line: a thin layer that parses options, opens one session, calls services, renders.

Start-up is kept light: this module imports Typer and nothing heavy; each command imports
SQLAlchemy, services and formats inside its body, so ``refdb --help`` never loads them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from refdb.config import ENV_DATABASE_URL
from refdb.errors import RefdbError


class RefdbGroup(TyperGroup):
    """The one translation point: expected failures become one ``Error: ...`` line on stderr."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code = 0
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            if isinstance(result, int) and not isinstance(result, bool):
                code = result
        except RefdbError as exc:
            _fail(exc.message, exc.exit_code)
            code = exc.exit_code
        except (KeyboardInterrupt, typer.Abort):
            _fail("interrupted; the transaction was rolled back and nothing was changed", 130)
            code = 130
        except typer.Exit as exc:
            code = exc.exit_code
        except BrokenPipeError:
            sys.stderr.close()
            code = 1
        except Exception as exc:
            # Click's own usage errors (unknown option, bad choice): one line, not a usage screen.
            if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
                message = exc.format_message()
                ctx = getattr(exc, "ctx", None)
                where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
                _fail(" ".join(message.split()) + where, exc.exit_code)
                code = exc.exit_code
            else:
                raise
        if standalone_mode:
            sys.exit(code)
        return code


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
)


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
) -> None:
    """refdb: which claims rest on which source and page, who said what, and who disputes it."""
    from refdb.config import database_url

    ctx.obj = database_url(db)


def register() -> None:
    from refdb.cli import author, cite, data, dbcmd, query, search

    query.register(app)
    search.register(app)
    cite.register(app)
    author.register(app)
    data.register(app)
    dbcmd.register(app)


register()


def run() -> None:
    app(prog_name="refdb")
