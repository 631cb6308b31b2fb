"""The floor of `refdb load` into an empty database: plain executemany of the same rows.

    python load_executemany.py SOURCE_DB EMPTY_DB
    python load_executemany.py SOURCE_DB postgresql+psycopg://user@host:port/dbname

Every row of every table refdb's load writes (people and their names, sources and their
contributors, tags, claims with their tags, subjects, citations and relations, quotes, comments,
their links, curation), read from SOURCE_DB and inserted into EMPTY_DB (a migrated, empty refdb
database, copied beforehand) with one executemany per table in one transaction, the search
index's triggers dropped and the index rebuilt at the end as refdb does for a bulk load.  No
parsing and no checks: the cost of the rows themselves.  Standard library only (and psycopg 3
for PostgreSQL).

EMPTY_DB may be a PostgreSQL URL, as refdb takes them (an empty, migrated refdb database): the
rows are read from SOURCE_DB (SQLite) as above and inserted by psycopg's executemany (which
pipelines the statements: one round trip per batch, not per row), by column names, in one
transaction; the search index's triggers disabled and the index refilled at the end with the
statements refdb's bulk load runs on PostgreSQL (refdb.db.fts: suspend_statements,
resume_statements, copied here as text), and each id sequence set past the ids inserted.  Plain
executemany, not COPY: the floor of refdb's own way of writing (INSERT statements), not of
PostgreSQL's fastest.
"""

import sqlite3
import sys

TABLES = ("person", "person_name", "source", "contributor", "tag", "claim", "claim_tag", "claim_subject",
          "citation", "claim_relation", "quote", "quote_claim", "comment", "comment_claim", "curation",
          "name_word", "title_word")
# refdb.db.fts on PostgreSQL: the tables whose rows the index's triggers follow, and the statements
# that refill the index (rebuild_sql('postgresql'))
PG_INDEXED = ("claim", "quote", "comment", "source", "person", "person_name", "contributor")
PG_FILL = ("INSERT INTO search_fts(rowid, kind, key, title, body, tsv) SELECT r, k, ky, t, b, "
           "setweight(to_tsvector('simple', COALESCE(t, '')), 'A') || to_tsvector('simple', COALESCE(b, '')) "
           "FROM ({}) AS d")
PG_DOCS = (
    "SELECT claim.id * 8 + 0 AS r, 'claim' AS k, claim.key AS ky, NULL AS t, refdb_fold(COALESCE(claim.text, '')) AS b "
    "FROM claim",
    "SELECT quote.id * 8 + 1 AS r, 'quote' AS k, quote.key AS ky, refdb_fold(COALESCE((SELECT string_agg(name, ' ') "
    "FROM person_name WHERE person_name.person_id = quote.speaker_id), '')) AS t, "
    "refdb_fold(COALESCE(quote.text, '')) AS b FROM quote",
    "SELECT comment.id * 8 + 2 AS r, 'comment' AS k, comment.key AS ky, refdb_fold(COALESCE((SELECT string_agg(name, "
    "' ') FROM person_name WHERE person_name.person_id = comment.author_id), '') || ' ' || "
    "COALESCE(comment.author_label, '')) AS t, refdb_fold(COALESCE(comment.text, '')) AS b FROM comment",
    "SELECT source.id * 8 + 3 AS r, 'source' AS k, source.key AS ky, refdb_fold(COALESCE(source.title, '') || ' ' || "
    "COALESCE(source.short_title, '') || ' ' || COALESCE(source.container_title, '')) AS t, "
    "refdb_fold(COALESCE((SELECT string_agg(person_name.name, ' ') FROM contributor JOIN person_name ON "
    "person_name.person_id = contributor.person_id WHERE contributor.source_id = source.id), '') || ' ' || "
    "COALESCE(source.publisher, '') || ' ' || COALESCE(source.place, '') || ' ' || COALESCE(source.note, '')) AS b "
    "FROM source",
    "SELECT person.id * 8 + 4 AS r, 'person' AS k, person.key AS ky, refdb_fold(COALESCE(person.display_name, '')) "
    "AS t, refdb_fold(COALESCE((SELECT string_agg(name, ' ') FROM person_name WHERE person_name.person_id = "
    "person.id), '') || ' ' || COALESCE(person.note, '')) AS b FROM person",
    "SELECT source.id * 8 + 5 AS r, 'passage' AS k, source.key AS ky, NULL AS t, "
    "refdb_fold(COALESCE(source.text, '')) AS b FROM source WHERE source.text IS NOT NULL",
)


def main() -> None:
    if sys.argv[2].startswith("postgresql"):
        main_pg(sys.argv[1], sys.argv[2])
        return
    src = sqlite3.connect(sys.argv[1])
    dst = sqlite3.connect(sys.argv[2], isolation_level=None)
    dst.execute("BEGIN")
    triggers = dst.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        dst.execute(f"DROP TRIGGER {name}")
    for table in TABLES:
        if not src.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
            continue
        cursor = src.execute(f"SELECT * FROM {table}")  # noqa: S608  # the names above
        marks = ",".join("?" * len(cursor.description))
        while rows := cursor.fetchmany(10_000):
            dst.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
    dst.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    for _, sql in triggers:
        dst.execute(sql)
    dst.execute("COMMIT")


def main_pg(source: str, url: str) -> None:
    import psycopg

    src = sqlite3.connect(source)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as dst:  # one transaction
        cur = dst.cursor()
        for table in PG_INDEXED:
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER search_fts_{table}_sync")
        for table in TABLES:
            if not src.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
                continue
            cursor = src.execute(f"SELECT * FROM {table}")  # noqa: S608  # the names above
            columns = [d[0] for d in cursor.description]
            insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            while rows := cursor.fetchmany(10_000):
                cur.executemany(insert, rows)
            if "id" in columns:  # the next id refdb takes: past the explicit ids (no-op without a sequence)
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")  # noqa: S608
        cur.execute("DELETE FROM search_fts")
        for docs in PG_DOCS:
            cur.execute(PG_FILL.format(docs))
        for table in PG_INDEXED:
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER search_fts_{table}_sync")


if __name__ == "__main__":
    main()
