"""``refdb db``: the schema (Alembic) and the database file."""

from __future__ import annotations

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
    from refdb import migrate
    from refdb.db import current_revision

    before = current_revision(ctx.obj)
    backup = migrate.backup_before_schema_change(ctx.obj, before)
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
    from refdb import migrate
    from refdb.db import current_revision

    before = current_revision(ctx.obj)
    backup = migrate.backup_before_schema_change(ctx.obj, before)
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


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
