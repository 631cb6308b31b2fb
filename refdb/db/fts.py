"""The full-text index as the schema's head defines it: its DDL, triggers and refill, per backend.

One index, ``search_fts``, holds a row per claim, quote, comment and source.  Its rowid encodes
the record: ``id * 4 + kind`` (claim 0, quote 1, comment 2, source 3), so the sync triggers touch
exactly one row.  SQLite uses FTS5 with diacritics removed; PostgreSQL a table with a ``tsvector``
column under a GIN index, with ``unaccent`` where the server has it.

Bulk loads and ``refdb db reindex`` use the refill and trigger statements at run time.  Migrations
never import this module: a revision carries the statements it runs, copied from
:func:`create_statements` / :func:`trigger_statements` when it is written.  So a change here needs
a new migration, and tests/db/test_migrations.py fails until the migrated database matches this
module again.

Pitfall (measured): an Alembic batch rebuild of claim/quote/comment/source on SQLite drops these
triggers silently.  A migration that rebuilds one of those tables must re-create them afterwards
(copy :func:`trigger_statements` into it); tests add a record after every migration and search for it.
"""

from __future__ import annotations

KINDS = {"claim": 0, "quote": 1, "comment": 2, "source": 3}
# table, title expression, body expression (over NEW./OLD. row)
_DOCS = {
    "claim": ("claim", "NULL", "{r}.text"),
    "quote": ("quote", "(SELECT display_name FROM person WHERE person.id = {r}.speaker_id)", "{r}.text"),
    "comment": ("comment", "NULL", "{r}.text"),
    "source": ("source", "{r}.title", "COALESCE({r}.short_title, '')"),
}

# ---------------------------------------------------------------------------------------- SQLite


def _sqlite_statements() -> list[str]:
    out = [
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "kind UNINDEXED, key UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')"
    ]
    out += _sqlite_triggers()
    out.append(_sqlite_fill())
    return out


def _sqlite_triggers() -> list[str]:
    out = []
    for kind, (table, title, body) in _DOCS.items():
        code = KINDS[kind]
        insert = (
            f"INSERT INTO search_fts(rowid, kind, key, title, body) VALUES "
            f"(NEW.id * 4 + {code}, '{kind}', NEW.key, {title.format(r='NEW')}, {body.format(r='NEW')})"
        )
        delete = f"DELETE FROM search_fts WHERE rowid = OLD.id * 4 + {code}"
        out.append(f"CREATE TRIGGER search_fts_{table}_ai AFTER INSERT ON {table} BEGIN {insert}; END")
        out.append(f"CREATE TRIGGER search_fts_{table}_ad AFTER DELETE ON {table} BEGIN {delete}; END")
        out.append(
            f"CREATE TRIGGER search_fts_{table}_au AFTER UPDATE ON {table} BEGIN {delete}; {insert}; END"
        )
    return out


def _sqlite_fill() -> str:
    parts = []
    for kind, (table, title, body) in _DOCS.items():
        parts.append(
            f"SELECT id * 4 + {KINDS[kind]}, '{kind}', key, {title.format(r=table)}, {body.format(r=table)} "
            f"FROM {table}"
        )
    return "INSERT INTO search_fts(rowid, kind, key, title, body) " + " UNION ALL ".join(parts)


def _sqlite_drop_triggers() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS search_fts_{table}_{suffix}"
        for table, _, _ in _DOCS.values()
        for suffix in ("ai", "ad", "au")
    ]


# ------------------------------------------------------------------------------------ PostgreSQL

_PG_UNACCENT = """
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'unaccent is not available; search stays accent-sensitive for non-decomposed input';
  END;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
    EXECUTE $f$CREATE OR REPLACE FUNCTION refdb_unaccent(t text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS 'SELECT public.unaccent(''public.unaccent'', t)'$f$;
  ELSE
    EXECUTE $f$CREATE OR REPLACE FUNCTION refdb_unaccent(t text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS 'SELECT t'$f$;
  END IF;
END
$$
"""


def _pg_statements() -> list[str]:
    out = [
        _PG_UNACCENT,
        "CREATE TABLE search_fts (rowid bigint PRIMARY KEY, kind varchar(10) NOT NULL, key varchar(200) NOT NULL, "
        "title text, body text, tsv tsvector NOT NULL)",
        "CREATE INDEX search_fts_tsv ON search_fts USING gin (tsv)",
    ]
    for kind, (table, title, body) in _DOCS.items():
        code = KINDS[kind]
        t_new, b_new = title.format(r="NEW"), body.format(r="NEW")
        out.append(
            f"""CREATE OR REPLACE FUNCTION search_fts_{table}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM search_fts WHERE rowid = OLD.id * 4 + {code};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO search_fts(rowid, kind, key, title, body, tsv) VALUES (
      NEW.id * 4 + {code}, '{kind}', NEW.key, {t_new}, {b_new},
      to_tsvector('simple', refdb_unaccent(COALESCE({t_new}, '') || ' ' || COALESCE({b_new}, ''))));
  END IF;
  RETURN NULL;
END
$$"""
        )
        out.append(
            f"CREATE TRIGGER search_fts_{table}_sync AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION search_fts_{table}_sync()"
        )
    out.append(_pg_fill())
    return out


def _pg_fill() -> str:
    parts = []
    for kind, (table, title, body) in _DOCS.items():
        t, b = title.format(r=table), body.format(r=table)
        parts.append(
            f"SELECT id * 4 + {KINDS[kind]}, '{kind}', key, {t}, {b}, "
            f"to_tsvector('simple', refdb_unaccent(COALESCE({t}, '') || ' ' || COALESCE({b}, ''))) FROM {table}"
        )
    return "INSERT INTO search_fts(rowid, kind, key, title, body, tsv) " + " UNION ALL ".join(parts)


# ------------------------------------------------------------------------------------ interface


def create_statements(dialect: str) -> list[str]:
    """Create the index and its triggers, and fill it from the existing rows."""
    return _sqlite_statements() if dialect == "sqlite" else _pg_statements()


def drop_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [*_sqlite_drop_triggers(), "DROP TABLE IF EXISTS search_fts"]
    out = []
    for table, _, _ in _DOCS.values():
        out.append(f"DROP TRIGGER IF EXISTS search_fts_{table}_sync ON {table}")
        out.append(f"DROP FUNCTION IF EXISTS search_fts_{table}_sync()")
    return [*out, "DROP TABLE IF EXISTS search_fts", "DROP FUNCTION IF EXISTS refdb_unaccent(text)"]


def trigger_statements(dialect: str) -> list[str]:
    """The sync triggers alone (SQLite: what a batch rebuild of an indexed table drops)."""
    if dialect == "sqlite":
        return _sqlite_triggers()
    return [s for s in _pg_statements() if s.startswith(("CREATE OR REPLACE FUNCTION search_fts_", "CREATE TRIGGER"))]


def rebuild_sql(dialect: str) -> list[str]:
    """Statements that empty and refill the index (after a bulk load with triggers off)."""
    if dialect == "sqlite":
        return ["DELETE FROM search_fts", _sqlite_fill()]
    return ["DELETE FROM search_fts", _pg_fill()]


def trigger_names(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"search_fts_{t}_{s}" for t, _, _ in _DOCS.values() for s in ("ai", "ad", "au")]
    return [f"search_fts_{t}_sync" for t, _, _ in _DOCS.values()]


def index_since_sql(dialect: str, kind: str) -> str:
    """Index the rows of one kind whose id is above ``:since`` (after a bulk insert with triggers off)."""
    table, title, body = _DOCS[kind]
    t, b = title.format(r=table), body.format(r=table)
    select = f"SELECT id * 4 + {KINDS[kind]}, '{kind}', key, {t}, {b}"
    if dialect == "sqlite":
        return (
            f"INSERT INTO search_fts(rowid, kind, key, title, body) {select} FROM {table} WHERE id > :since"
        )
    return (
        f"INSERT INTO search_fts(rowid, kind, key, title, body, tsv) {select}, "
        f"to_tsvector('simple', refdb_unaccent(COALESCE({t}, '') || ' ' || COALESCE({b}, ''))) "
        f"FROM {table} WHERE id > :since"
    )


def resume_triggers_statements(dialect: str) -> list[str]:
    """Restore the sync triggers without refilling the index."""
    if dialect == "sqlite":
        return trigger_statements(dialect)
    return [f"ALTER TABLE {table} ENABLE TRIGGER search_fts_{table}_sync" for table, _, _ in _DOCS.values()]


def suspend_statements(dialect: str) -> list[str]:
    """Statements that stop the sync triggers for a bulk load (in the load's own transaction)."""
    if dialect == "sqlite":
        return _sqlite_drop_triggers()
    return [f"ALTER TABLE {table} DISABLE TRIGGER search_fts_{table}_sync" for table, _, _ in _DOCS.values()]


def resume_statements(dialect: str) -> list[str]:
    """Refill the index and restore the triggers after a bulk load."""
    if dialect == "sqlite":
        return [*rebuild_sql(dialect), *trigger_statements(dialect)]
    return [*rebuild_sql(dialect)] + [
        f"ALTER TABLE {table} ENABLE TRIGGER search_fts_{table}_sync" for table, _, _ in _DOCS.values()
    ]

