"""The floor of `refdb claims --format json` (every claim): sqlite3 rows straight to json.

    python claims_json.py DB > out.json

One query: claims joined to their citations and sources, ordered by key and position, tags and
subjects aggregated in subqueries (as refdb's statement does), grouped into records as the rows
come and written as one JSON array, a record at a time.  Standard library only.
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


def main() -> None:
    conn = sqlite3.connect(sys.argv[1])
    out = sys.stdout
    record, current, first = None, None, True

    def flush() -> None:
        nonlocal first
        out.write(("[\n  " if first else ",\n  ") + json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        first = False

    for cid, key, kind, text, tags, about, source, title, stance, locator, label in conn.execute(SQL):
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
