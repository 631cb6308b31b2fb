"""The floor of `refdb load` into an empty database: plain executemany of the same rows.

    python load_executemany.py SOURCE_DB EMPTY_DB

Every row of every table refdb's load writes (people and their names, sources and their
contributors, tags, claims with their tags, subjects, citations and relations, quotes, comments,
their links, curation), read from SOURCE_DB and inserted into EMPTY_DB (a migrated, empty refdb
database, copied beforehand) with one executemany per table in one transaction, the search
index's triggers dropped and the index rebuilt at the end as refdb does for a bulk load.  No
parsing and no checks: the cost of the rows themselves.  Standard library only.
"""

import sqlite3
import sys

TABLES = ("person", "person_name", "source", "contributor", "tag", "claim", "claim_tag", "claim_subject",
          "citation", "claim_relation", "quote", "quote_claim", "comment", "comment_claim", "curation",
          "name_word", "title_word")


def main() -> None:
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


if __name__ == "__main__":
    main()
