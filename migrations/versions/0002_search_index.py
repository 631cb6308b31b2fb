"""Full-text search index (SQLite FTS5, PostgreSQL tsvector + GIN), filled from existing rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Frozen: the statements below are the ones ``refdb.fts`` generated when this revision was written,
copied here so that later edits of the live module (now ``refdb/db/fts.py``) cannot change what
this revision creates.  A revision imports only alembic, sqlalchemy and the standard library
(tests/db/test_imports.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The index's rowid encodes the record: id * 4 + kind (claim 0, quote 1, comment 2, source 3).
UPGRADE: dict[str, list[str]] = {
    "sqlite": [
        (
            "CREATE VIRTUAL TABLE search_fts USING fts5(kind UNINDEXED, key UNINDEXED, title, body"
            ", tokenize = 'unicode61 remove_diacritics 2')"
        ),
        (
            "CREATE TRIGGER search_fts_claim_ai AFTER INSERT ON claim"
            " BEGIN INSERT INTO search_fts(rowid, kind, key, title, body)"
            " VALUES (NEW.id * 4 + 0, 'claim', NEW.key, NULL, NEW.text); END"
        ),
        (
            "CREATE TRIGGER search_fts_claim_ad AFTER DELETE ON claim"
            " BEGIN DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 0; END"
        ),
        (
            "CREATE TRIGGER search_fts_claim_au AFTER UPDATE ON claim"
            " BEGIN DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 0; "
            "INSERT INTO search_fts(rowid, kind, key, title, body)"
            " VALUES (NEW.id * 4 + 0, 'claim', NEW.key, NULL, NEW.text); END"
        ),
        (
            "CREATE TRIGGER search_fts_quote_ai AFTER INSERT ON quote"
            " BEGIN INSERT INTO search_fts(rowid, kind, key, title, body)"
            " VALUES (NEW.id * 4 + 1, 'quote', NEW.key, (SELECT display_name FROM person WHERE person.id = NEW.speaker_id), NEW.text); END"
        ),
        (
            "CREATE TRIGGER search_fts_quote_ad AFTER DELETE ON quote"
            " BEGIN DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 1; END"
        ),
        (
            "CREATE TRIGGER search_fts_quote_au AFTER UPDATE ON quote"
            " BEGIN DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 1; "
            "INSERT INTO search_fts(rowid, kind, key, title, body)"
            " VALUES (NEW.id * 4 + 1, 'quote', NEW.key, (SELECT display_name FROM person WHERE person.id = NEW.speaker_id), NEW.text); END"
        ),
        (
            "CREATE TRIGGER search_fts_comment_ai AFTER INSERT ON comment"
            " BEGIN INSERT INTO search_fts(rowid, kind, key, title, body)"
            " VALUES (NEW.id * 4 + 2, 'comment', NEW.key, NULL, NEW.text); END"
        ),
        (
            "CREATE TRIGGER search_fts_comment_ad AFTER DELETE ON comment"
            " BEGIN DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 2; END"
        ),
        (
            "CREATE TRIGGER search_fts_comment_au AFTER UPDATE ON comment"
            " BEGIN DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 2; "
            "INSERT INTO search_fts(rowid, kind, key, title, body)"
            " VALUES (NEW.id * 4 + 2, 'comment', NEW.key, NULL, NEW.text); END"
        ),
        (
            "CREATE TRIGGER search_fts_source_ai AFTER INSERT ON source"
            " BEGIN INSERT INTO search_fts(rowid, kind, key, title, body)"
            " VALUES (NEW.id * 4 + 3, 'source', NEW.key, NEW.title, COALESCE(NEW.short_title, '')); END"
        ),
        (
            "CREATE TRIGGER search_fts_source_ad AFTER DELETE ON source"
            " BEGIN DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 3; END"
        ),
        (
            "CREATE TRIGGER search_fts_source_au AFTER UPDATE ON source"
            " BEGIN DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 3; "
            "INSERT INTO search_fts(rowid, kind, key, title, body)"
            " VALUES (NEW.id * 4 + 3, 'source', NEW.key, NEW.title, COALESCE(NEW.short_title, '')); END"
        ),
        (
            "INSERT INTO search_fts(rowid, kind, key, title, body) SELECT id * 4 + 0, 'claim', key, NULL, claim.text FROM claim"
            " UNION ALL SELECT id * 4 + 1, 'quote', key, (SELECT display_name FROM person WHERE person.id = quote.speaker_id), quote.text FROM quote"
            " UNION ALL SELECT id * 4 + 2, 'comment', key, NULL, comment.text FROM comment"
            " UNION ALL SELECT id * 4 + 3, 'source', key, source.title, COALESCE(source.short_title, '')"
            " FROM source"
        ),
    ],
    "postgresql": [
        """
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
""",
        (
            "CREATE TABLE search_fts (rowid bigint PRIMARY KEY, kind varchar(10) NOT NULL, key varchar(200) NOT NULL, title text, body text, tsv tsvector NOT NULL)"
        ),
        "CREATE INDEX search_fts_tsv ON search_fts USING gin (tsv)",
        """CREATE OR REPLACE FUNCTION search_fts_claim_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO search_fts(rowid, kind, key, title, body, tsv) VALUES (
      NEW.id * 4 + 0, 'claim', NEW.key, NULL, NEW.text,
      to_tsvector('simple', refdb_unaccent(COALESCE(NULL, '') || ' ' || COALESCE(NEW.text, ''))));
  END IF;
  RETURN NULL;
END
$$""",
        (
            "CREATE TRIGGER search_fts_claim_sync AFTER INSERT OR UPDATE OR DELETE ON claim"
            " FOR EACH ROW EXECUTE FUNCTION search_fts_claim_sync()"
        ),
        """CREATE OR REPLACE FUNCTION search_fts_quote_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 1;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO search_fts(rowid, kind, key, title, body, tsv) VALUES (
      NEW.id * 4 + 1, 'quote', NEW.key, (SELECT display_name FROM person WHERE person.id = NEW.speaker_id), NEW.text,
      to_tsvector('simple', refdb_unaccent(COALESCE((SELECT display_name FROM person WHERE person.id = NEW.speaker_id), '') || ' ' || COALESCE(NEW.text, ''))));
  END IF;
  RETURN NULL;
END
$$""",
        (
            "CREATE TRIGGER search_fts_quote_sync AFTER INSERT OR UPDATE OR DELETE ON quote"
            " FOR EACH ROW EXECUTE FUNCTION search_fts_quote_sync()"
        ),
        """CREATE OR REPLACE FUNCTION search_fts_comment_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 2;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO search_fts(rowid, kind, key, title, body, tsv) VALUES (
      NEW.id * 4 + 2, 'comment', NEW.key, NULL, NEW.text,
      to_tsvector('simple', refdb_unaccent(COALESCE(NULL, '') || ' ' || COALESCE(NEW.text, ''))));
  END IF;
  RETURN NULL;
END
$$""",
        (
            "CREATE TRIGGER search_fts_comment_sync AFTER INSERT OR UPDATE OR DELETE ON comment"
            " FOR EACH ROW EXECUTE FUNCTION search_fts_comment_sync()"
        ),
        """CREATE OR REPLACE FUNCTION search_fts_source_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM search_fts WHERE rowid = OLD.id * 4 + 3;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO search_fts(rowid, kind, key, title, body, tsv) VALUES (
      NEW.id * 4 + 3, 'source', NEW.key, NEW.title, COALESCE(NEW.short_title, ''),
      to_tsvector('simple', refdb_unaccent(COALESCE(NEW.title, '') || ' ' || COALESCE(COALESCE(NEW.short_title, ''), ''))));
  END IF;
  RETURN NULL;
END
$$""",
        (
            "CREATE TRIGGER search_fts_source_sync AFTER INSERT OR UPDATE OR DELETE ON source"
            " FOR EACH ROW EXECUTE FUNCTION search_fts_source_sync()"
        ),
        (
            "INSERT INTO search_fts(rowid, kind, key, title, body, tsv) SELECT id * 4 + 0, 'claim', key, NULL, claim.text, to_tsvector('simple', refdb_unaccent(COALESCE(NULL, '') || ' ' || COALESCE(claim.text, ''))) FROM claim"
            " UNION ALL SELECT id * 4 + 1, 'quote', key, (SELECT display_name FROM person WHERE person.id = quote.speaker_id), quote.text, to_tsvector('simple', refdb_unaccent(COALESCE((SELECT display_name FROM person WHERE person.id = quote.speaker_id), '') || ' ' || COALESCE(quote.text, ''))) FROM quote"
            " UNION ALL SELECT id * 4 + 2, 'comment', key, NULL, comment.text, to_tsvector('simple', refdb_unaccent(COALESCE(NULL, '') || ' ' || COALESCE(comment.text, ''))) FROM comment"
            " UNION ALL SELECT id * 4 + 3, 'source', key, source.title, COALESCE(source.short_title, ''), to_tsvector('simple', refdb_unaccent(COALESCE(source.title, '') || ' ' || COALESCE(COALESCE(source.short_title, ''), '')))"
            " FROM source"
        ),
    ],
}

DOWNGRADE: dict[str, list[str]] = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS search_fts_claim_ai",
        "DROP TRIGGER IF EXISTS search_fts_claim_ad",
        "DROP TRIGGER IF EXISTS search_fts_claim_au",
        "DROP TRIGGER IF EXISTS search_fts_quote_ai",
        "DROP TRIGGER IF EXISTS search_fts_quote_ad",
        "DROP TRIGGER IF EXISTS search_fts_quote_au",
        "DROP TRIGGER IF EXISTS search_fts_comment_ai",
        "DROP TRIGGER IF EXISTS search_fts_comment_ad",
        "DROP TRIGGER IF EXISTS search_fts_comment_au",
        "DROP TRIGGER IF EXISTS search_fts_source_ai",
        "DROP TRIGGER IF EXISTS search_fts_source_ad",
        "DROP TRIGGER IF EXISTS search_fts_source_au",
        "DROP TABLE IF EXISTS search_fts",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS search_fts_claim_sync ON claim",
        "DROP FUNCTION IF EXISTS search_fts_claim_sync()",
        "DROP TRIGGER IF EXISTS search_fts_quote_sync ON quote",
        "DROP FUNCTION IF EXISTS search_fts_quote_sync()",
        "DROP TRIGGER IF EXISTS search_fts_comment_sync ON comment",
        "DROP FUNCTION IF EXISTS search_fts_comment_sync()",
        "DROP TRIGGER IF EXISTS search_fts_source_sync ON source",
        "DROP FUNCTION IF EXISTS search_fts_source_sync()",
        "DROP TABLE IF EXISTS search_fts",
        "DROP FUNCTION IF EXISTS refdb_unaccent(text)",
    ],
}


def upgrade() -> None:
    for statement in UPGRADE[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE[op.get_bind().dialect.name]:
        op.execute(statement)
