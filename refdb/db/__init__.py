"""The database layer: engines, sessions, the schema check, migrations, backups, the search index.

    engine.py    one engine per URL, pragmas, busy timeout, what the driver's errors mean
    session.py   session_scope(): one command = one transaction; ensure_schema() before the first
    schema.py    the schema revision in one query (no Alembic)
    migrate.py   Alembic, imported only when a schema must change
    backup.py    SQLite online backups and checked restores
    fts.py       the full-text index's DDL, triggers and refill

Below the services and beside the models: nothing here imports ``refdb.models``, ``refdb.services``
or ``refdb.cli`` (``migrations/env.py`` reads the models' metadata for Alembic).  Importing this
package does not import SQLAlchemy.
"""

# What callers use (``from refdb.db import session_scope``); the rest is imported from its module.
from refdb.db.engine import dispose_all, get_engine, sqlite_path
from refdb.db.schema import HEAD_REVISION, current_revision, forget_schema_check
from refdb.db.session import read_scope, session_scope

__all__ = [
    "HEAD_REVISION",
    "current_revision",
    "dispose_all",
    "forget_schema_check",
    "get_engine",
    "read_scope",
    "session_scope",
    "sqlite_path",
]
