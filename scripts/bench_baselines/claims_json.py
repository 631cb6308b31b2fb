"""The floor of `refdb claims --format json` (every claim): sqlite3 rows straight to json.

    python claims_json.py DB > out.json
    python claims_json.py postgresql+psycopg://user@host:port/dbname > out.json

One query: claims joined to their citations and sources, ordered by key and position, tags and
subjects aggregated in subqueries (as refdb's statement does), grouped into records as the rows
come and written as one JSON array, a record at a time.  Standard library only (and psycopg 3
for PostgreSQL).

DB may be a PostgreSQL URL, as refdb takes them: the same one query through psycopg, string_agg
for group_concat (as refdb's aggregate_strings compiles on PostgreSQL), the rows grouped and
written by the same loop.  The subjects' names are aggregated ``ORDER BY cs.position``, the order
refdb writes them in: SQLite's group_concat reads them by the primary key (claim_id, person_id),
PostgreSQL's string_agg in whatever order the rows come (on the seed data, not the subjects').
"""

import json
import sqlite3
import sys

SQL = """
SELECT c.id, c.key, c.kind, c.text,
  (SELECT group_concat(t.key, char(31)) FROM claim_tag ct JOIN tag t ON t.id = ct.tag_id WHERE ct.claim_id = c.id),
  (SELECT group_concat(p.display_name, char(31)) FROM claim_subject cs JOIN person p ON p.id = cs.person_id
   WHERE cs.claim_id = c.id),
  s.key, s.title, ci.stance, ci.locator, ci.label
FROM claim c LEFT JOIN citation ci ON ci.claim_id = c.id LEFT JOIN source s ON s.id = ci.source_id
ORDER BY c.key, ci.position
"""
SQL_PG = SQL.replace("group_concat(t.key, char(31))", "string_agg(t.key, chr(31))").replace(
    "group_concat(p.display_name, char(31))", "string_agg(p.display_name, chr(31) ORDER BY cs.position)")


def connect(db: str):  # a sqlite3 or a psycopg connection
    if db.startswith("postgresql"):
        import psycopg

        return psycopg.connect(db.replace("postgresql+psycopg://", "postgresql://", 1))
    return sqlite3.connect(db)


def main() -> None:
    conn = connect(sys.argv[1])
    sql = SQL if isinstance(conn, sqlite3.Connection) else SQL_PG
    out = sys.stdout
    record, current, first = None, None, True

    def flush() -> None:
        nonlocal first
        out.write(("[\n  " if first else ",\n  ") + json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        first = False

    for cid, key, kind, text, tags, about, source, title, stance, locator, label in conn.execute(sql):
        if cid != current:
            if record is not None:
                flush()
            record = {"key": key, "kind": kind, "text": text, "tags": sorted((tags or "").split("\x1f")) if tags else [],
                      "about": (about or "").split("\x1f") if about else [], "citations": []}
            current = cid
        if source is not None:
            record["citations"].append({"source": source, "title": title, "stance": stance, "locator": locator,
                                        "label": label})
    if record is not None:
        flush()
    out.write("\n]\n" if not first else "[]\n")


if __name__ == "__main__":
    main()
