"""The floor of `refdb export --format csljson|bibtex`: sqlite3 rows straight to a serializer.

    python export_sqlite.py DB csljson|bibtex > out

Every source with its contributors, sorted by key, in keyset chunks of 2,000 (as refdb streams
them), written with json.dumps or a plain f-string BibTeX writer that escapes braces only.
Standard library only.
"""

import json
import sqlite3
import sys

CHUNK = 2000
COLUMNS = ("id, key, csl_type, title, short_title, container_title, publisher, place, edition, volume, issue, "
           "pages, url, isbn, doi, language, issued_year, issued_month, issued_day")  # fmt: skip
FIELDS = (("title", 3), ("title-short", 4), ("container-title", 5), ("publisher", 6), ("publisher-place", 7),
          ("edition", 8), ("volume", 9), ("issue", 10), ("page", 11), ("URL", 12), ("ISBN", 13), ("DOI", 14),
          ("language", 15))  # fmt: skip
NAMES_SQL = (
    "SELECT c.source_id, c.role, p.family, p.given, p.particle, p.display_name FROM contributor c "
    "JOIN person p ON p.id = c.person_id WHERE c.source_id IN (?MARKS?) ORDER BY c.source_id, c.role, c.position"
)
BIBTEX_TYPES = {"book": "book", "chapter": "incollection", "article-journal": "article"}
BIBTEX_FIELDS = (("title", "title"), ("shorttitle", "title-short"), ("publisher", "publisher"),
                 ("address", "publisher-place"), ("edition", "edition"), ("volume", "volume"), ("number", "issue"),
                 ("pages", "page"), ("url", "URL"), ("isbn", "ISBN"), ("doi", "DOI"), ("language", "language"))  # fmt: skip


def items(conn: sqlite3.Connection):
    last = ""
    while True:
        query = f"SELECT {COLUMNS} FROM source WHERE key > ? ORDER BY key LIMIT {CHUNK}"  # noqa: S608 (constants)
        rows = conn.execute(query, (last,)).fetchall()
        if not rows:
            return
        marks = ",".join("?" * len(rows))
        names: dict[int, dict[str, list[dict[str, str]]]] = {}
        names_sql = NAMES_SQL.replace("?MARKS?", marks)  # placeholders only
        for sid, role, family, given, particle, display in conn.execute(names_sql, [r[0] for r in rows]):
            name = {"family": family} if family else {"literal": display}
            if family and given:
                name["given"] = given
            if family and particle:
                name["non-dropping-particle"] = particle
            names.setdefault(sid, {}).setdefault(role, []).append(name)
        for row in rows:
            item = {"id": row[1], "type": row[2], **names.get(row[0], {})}
            for var, i in FIELDS:
                if row[i]:
                    item[var] = row[i]
            if row[16] is not None:
                item["issued"] = {"date-parts": [[p for p in row[16:19] if p]]}
            yield item
        last = rows[-1][1]


def bibtex_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + name["literal"] + "}"
    family = " ".join(filter(None, [name.get("non-dropping-particle"), name["family"]]))
    return f"{family}, {name['given']}" if name.get("given") else family


def esc(value: str) -> str:
    return value.replace("{", "\\{").replace("}", "\\}")


def main() -> None:
    db, fmt = sys.argv[1], sys.argv[2]
    out = sys.stdout
    conn = sqlite3.connect(db)
    if fmt == "csljson":
        out.write("[")
        for n, item in enumerate(items(conn)):
            out.write((",\n" if n else "\n") + json.dumps(item, ensure_ascii=False))
        out.write("\n]\n")
        return
    for item in items(conn):
        fields = [f"  {role} = {{{' and '.join(bibtex_name(n) for n in item[var])}}}"
                  for role, var in (("author", "author"), ("editor", "editor")) if item.get(var)]  # fmt: skip
        fields += [f"  {field} = {{{esc(str(item[var]))}}}" for field, var in BIBTEX_FIELDS if item.get(var)]
        if "container-title" in item:
            container = "journal" if item["type"] == "article-journal" else "booktitle"
            fields.append(f"  {container} = {{{esc(item['container-title'])}}}")
        if "issued" in item:
            fields.append(f"  year = {{{item['issued']['date-parts'][0][0]}}}")
        out.write(f"@{BIBTEX_TYPES.get(item['type'], 'misc')}{{{item['id']},\n" + ",\n".join(fields) + "\n}\n\n")


if __name__ == "__main__":
    main()
