"""Alembic environment: metadata from refdb.models; the connection comes from refdb.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from refdb.models import Base

config = context.config
target_metadata = Base.metadata

# Virtual tables and their shadow tables for full-text search are created by hand in a
# migration; autogenerate must not propose to drop them.
_FTS_PREFIXES = ("search_fts",)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    if type_ == "table" and name is not None and name.startswith(_FTS_PREFIXES):
        return False
    return True


def run_migrations(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url, or run migrations through 'refdb db upgrade'")
    engine = create_engine(url)
    with engine.begin() as conn:
        run_migrations(conn)
