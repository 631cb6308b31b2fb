"""refdb user add|list|rm|passwd: who may sign in to ``refdb serve --write``, as reader or editor.

Passwords are read from a prompt (twice, hidden) or, with ``--password-stdin``, from the first line of
standard input; never from the command line, never printed.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from refdb.cli.render import note

user_app = typer.Typer(help="Users of 'refdb serve --write': add, list, rm, passwd.", no_args_is_help=True)

_STDIN = typer.Option("--password-stdin", help="Read the password from the first line of standard input.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True))


@user_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name they sign in with.")],
    role: Annotated[str, typer.Option("--role", help="reader or editor.")] = "reader",
    password_stdin: Annotated[bool, _STDIN] = False,
) -> None:
    """Add a user (the password is asked for, twice)."""
    from refdb.db import session_scope
    from refdb.services import users

    users._check(name, role, None)
    password = _password(password_stdin)
    with session_scope(ctx.obj, write=True) as session:
        users.add_user(session, name, role, password)
    note(f"added {role} '{name}'")


@user_app.command("list")
def list_(ctx: typer.Context) -> None:
    """The users and their roles."""
    from refdb.db import session_scope
    from refdb.services import users

    with session_scope(ctx.obj) as session:
        found = users.list_users(session)
    for u in found:
        typer.echo(f"{u['name']}\t{u['role']}")
    if not found:
        note("no users; add one with 'refdb user add NAME --role editor'")


@user_app.command("rm")
def rm(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The user to remove.")]) -> None:
    """Remove a user."""
    from refdb.db import session_scope
    from refdb.services import users

    with session_scope(ctx.obj, write=True) as session:
        users.remove_user(session, name)
    note(f"removed user '{name}'")


@user_app.command("passwd")
def passwd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user.")],
    role: Annotated[str | None, typer.Option("--role", help="Also change the role.")] = None,
    password_stdin: Annotated[bool, _STDIN] = False,
) -> None:
    """Set a user's password (and, with --role, their role)."""
    from refdb.db import session_scope
    from refdb.services import users

    password = _password(password_stdin)
    with session_scope(ctx.obj, write=True) as session:
        users.set_password(session, name, password, role)
    note(f"changed the password of '{name}'")
