"""The floor of `refdb search WORD --format json`: the raw FTS5 query, with the same MATCH and LIMIT.

    python search_sqlite.py DB WORD [LIMIT]

refdb's own statement (refdb/services/search/_sqlite.py: snippet, bm25 ranking, all four kinds)
run with sqlite3 and printed as JSON; standard library only.
"""

import json
import sqlite3
import sys

SQL = (
    "SELECT kind, key, CASE kind WHEN 'source' THEN snippet(search_fts, 2, '**', '**', '…', 16) "
    "ELSE snippet(search_fts, 3, '**', '**', '…', 16) END FROM search_fts "
    "WHERE search_fts MATCH ? AND kind IN ('claim', 'quote', 'comment', 'source') "
    "ORDER BY bm25(search_fts, 0, 0, 2.0, 1.0), rowid LIMIT ?"
)


def main() -> None:
    db, word = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    match = '("' + word.lower().replace('"', '""') + '")'
    rows = sqlite3.connect(db).execute(SQL, (match, limit)).fetchall()
    records = [{"kind": k, "key": key, "snippet": s, "rank": n} for n, (k, key, s) in enumerate(rows, 1)]
    json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
