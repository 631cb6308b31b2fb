"""The bare-Python floor of `refdb claims --source NAME --format json`: sqlite3, one joined query.

    python claims_sqlite.py DB NAME

The same question refdb answers (the claims cited to the sources whose key is NAME, or one of whose
contributors has NAME among their names, or whose title has its words), as one SQL statement, the
first 20 joined rows printed as JSON.  Nothing but the standard library is imported.
"""

import json
import re
import sqlite3
import sys
import unicodedata

SQL = r"""
WITH keyed AS (SELECT id FROM source WHERE key = :key),
matched AS (
  SELECT id FROM keyed
  UNION SELECT id FROM source WHERE title_norm LIKE :like ESCAPE '\' AND NOT EXISTS (SELECT 1 FROM keyed)
  UNION SELECT co.source_id FROM contributor co JOIN person_name pn ON pn.person_id = co.person_id
        WHERE pn.norm LIKE :like ESCAPE '\' AND NOT EXISTS (SELECT 1 FROM keyed)
)
SELECT c.key, c.kind, c.text, s.key, s.title, ci.stance, ci.locator, ci.label
FROM citation ci JOIN claim c ON c.id = ci.claim_id JOIN source s ON s.id = ci.source_id
WHERE ci.source_id IN (SELECT id FROM matched)
ORDER BY c.key, ci.position
LIMIT 20
"""


def fold(text: str) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def params(name: str) -> dict[str, str]:
    escaped = fold(name).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return {"key": name.strip().lower(), "like": f"% {escaped} %"}


def main() -> None:
    db, name = sys.argv[1], sys.argv[2]
    conn = sqlite3.connect(db)
    rows = conn.execute(SQL, params(name)).fetchall()
    fields = ("key", "kind", "text", "source", "title", "stance", "locator", "label")
    json.dump([dict(zip(fields, row, strict=True)) for row in rows], sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
