"""``refdb db``: the schema (Alembic) and the database file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refdb.cli.render import note

db_app = typer.Typer(help="Schema migrations and database maintenance.", no_args_is_help=True)


@db_app.command()
def upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate the schema up to a revision (default: the newest)."""
    from refdb.db import current_revision, migrate
    from refdb.db.backup import backup_before_schema_change
    from refdb.db.schema import HEAD_REVISION

    before = current_revision(ctx.obj)
    if before == HEAD_REVISION and revision in ("head", HEAD_REVISION):
        note(f"schema: {before}, the newest; nothing to do")
        return
    backup = backup_before_schema_change(ctx.obj, before)
    if backup:
        note(f"backed up the database to {backup}")
    migrate.upgrade(ctx.obj, revision)
    note(f"schema: {before or 'empty'} -> {current_revision(ctx.obj)}")


@db_app.command()
def downgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision ('base' removes every table).")],
) -> None:
    """Migrate the schema down to a revision."""
    from refdb.db import current_revision, migrate
    from refdb.db.backup import backup_before_schema_change

    before = current_revision(ctx.obj)
    backup = backup_before_schema_change(ctx.obj, before)
    if backup:
        note(f"backed up the database to {backup}")
    migrate.downgrade(ctx.obj, revision)
    note(f"schema: {before or 'empty'} -> {current_revision(ctx.obj) or 'base'}")


@db_app.command()
def current(ctx: typer.Context) -> None:
    """Print the database's schema revision and the newest this refdb knows."""
    from refdb.config import redact
    from refdb.db import HEAD_REVISION, current_revision

    revision = current_revision(ctx.obj)
    typer.echo(f"{redact(ctx.obj)}: revision {revision or 'none (empty database)'}; head {HEAD_REVISION}")


@db_app.command()
def reindex(ctx: typer.Context) -> None:
    """Rebuild the full-text search index from the tables."""
    from refdb.db import session_scope
    from refdb.services.check import reindex as rebuild

    with session_scope(ctx.obj, write=True) as session:
        count = rebuild(session)
    note(f"indexed {count} records")


@db_app.command()
def copy(
    ctx: typer.Context,
    to: Annotated[
        str, typer.Option("--to", help="The target database URL or SQLite file (migrated on first use).")
    ],
) -> None:
    """Copy every record into another database (e.g. SQLite to PostgreSQL), in one transaction there."""
    from refdb.config import database_url, redact
    from refdb.db import session_scope
    from refdb.errors import UsageError
    from refdb.services.dataset import copy_database
    from refdb.services.history import export_history
    from refdb.services.history_file import store_history

    target = database_url(to)
    if target == ctx.obj:
        raise UsageError("--to names the database being copied")
    with session_scope(ctx.obj) as source, session_scope(target, write=True) as session:
        report = copy_database(source, session)  # a page at a time: memory stays flat
        history = export_history(source)  # and the history of changes, under its change numbers
        if history:
            store_history(session, history)
    note(f"copied to {redact(target)}: {report.summary()}")


@db_app.command()
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the backup.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """A consistent copy while others read and write (SQLite: a database file; PostgreSQL: a dataset dump)."""
    from refdb.db import current_revision, sqlite_path
    from refdb.errors import ConflictError

    if file.exists() and not force:
        raise ConflictError(f"{file} exists; pass --force to overwrite it")
    path = sqlite_path(ctx.obj)
    if path is not None:
        from refdb.db.backup import sqlite_backup

        current_revision(ctx.obj)  # a clear error if it is not a refdb database
        sqlite_backup(path, file)
        note(f"backed up {path} to {file}")
        return
    from refdb.cli.output import open_output
    from refdb.db import session_scope
    from refdb.formats import dataset as fmt
    from refdb.services.dataset import iter_pages

    with session_scope(ctx.obj) as session, open_output(file, force=True) as out:
        count = fmt.dump_pages(iter_pages(session), out)  # a page at a time: memory stays flat
    note(f"wrote a dataset dump of {count} records to {file} (for a server-level copy use pg_dump)")


@db_app.command()
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup made by 'refdb db backup'.")],
) -> None:
    """Put a backup back, after checking it; the current database is backed up first."""
    from refdb.db import dispose_all, forget_schema_check, sqlite_path

    path = sqlite_path(ctx.obj)
    if path is not None:
        from refdb.db import current_revision, migrate
        from refdb.db.backup import backup_before_schema_change, check_sqlite_backup, sqlite_restore

        revision = check_sqlite_backup(file, migrate.known_revisions())
        if path.exists():
            saved = backup_before_schema_change(ctx.obj, current_revision(ctx.obj) or "empty")
            if saved:
                note(f"saved the current database to {saved}")
        dispose_all()
        sqlite_restore(file, path)
        forget_schema_check(ctx.obj)
        note(f"restored {file} (schema {revision}) into {path}")
        return
    from refdb.db import session_scope
    from refdb.errors import ConflictError
    from refdb.formats import dataset as fmt
    from refdb.formats.text import read_file
    from refdb.services import lookup
    from refdb.services.dataset import load_dataset

    data = fmt.parse(read_file(file), source_name=str(file), base_dir=file.parent)
    with session_scope(ctx.obj, write=True) as session:
        from refdb.models import Source

        if lookup.count(session, Source):
            raise ConflictError(
                "restore into PostgreSQL needs an empty database; create one and point --db at it"
            )
        report = load_dataset(session, data)
    note(f"restored {file}: {report.summary()}")


def completion(
    shell: Annotated[
        str | None,
        typer.Argument(help="bash, zsh, fish or powershell (default: the shell refdb runs in)."),
    ] = None,
    install: Annotated[
        bool, typer.Option("--install", help="Install it where the shell reads it, instead of printing it.")
    ] = False,
) -> None:
    """Tab completion of commands and options for your shell (Typer's): print the script, or --install it."""
    import os

    from typer import _completion_shared as shared

    complete_var = "_REFDB_COMPLETE"
    if install:
        used, path = shared.install(shell=shell, prog_name="refdb", complete_var=complete_var)
        typer.echo(f"{used} completion installed in {path}; it works in the shells you start from now on", err=True)
        return
    name = shell or os.path.basename(os.environ.get("SHELL", "")) or "bash"
    if name not in ("bash", "zsh", "fish", "powershell", "pwsh"):
        from refdb.errors import UsageError

        raise UsageError(f"no completion for the shell '{name}'; choose bash, zsh, fish or powershell")
    typer.echo(shared.get_completion_script(prog_name="refdb", complete_var=complete_var, shell=name))
