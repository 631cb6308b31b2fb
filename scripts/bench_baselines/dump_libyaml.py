"""The floor of `refdb dump`: sqlite3 rows straight to libyaml, the same records, a page at a time.

    python dump_libyaml.py DB > out.yaml
    python dump_libyaml.py postgresql+psycopg://user@host:port/dbname > out.yaml


Each kind in keyset pages of 1,000 by key, its nested rows (names, contributors, tags, subjects,
citations, relations, quote claims, disputes) read per page by IN, plain dicts without empty
values written by yaml.dump with the C dumper (CSafeDumper).  No checks, no record types, no
curation: the cost of reading the rows and emitting the YAML, and nothing else.
PyYAML and the standard library only (and psycopg 3 for PostgreSQL).

DB may be a PostgreSQL URL, as refdb takes them: the same pages and nested queries through
psycopg (dict rows, ``= ANY(%s)`` with the page's ids as one array parameter), keys compared and
ordered by ``COLLATE "C"`` (byte order, as refdb's dump pages on PostgreSQL and as SQLite compares),
so the output is the same as for the same data in SQLite.
"""

import sqlite3
import sys
from collections import defaultdict

import yaml

PAGE = 1000
MAIN = {
    "people": "SELECT id, key, display_name AS name, family, given, particle, native_name AS native, note FROM person",
    "sources": "SELECT id, key, csl_type AS type, source_class AS class, genre, title, short_title, container_title, "
               "publisher, place, issued_year AS issued, edition, volume, issue, pages, url, isbn, doi, language, note "
               "FROM source",
    "tags": "SELECT id, key, label, description FROM tag",
    "claims": "SELECT id, key, kind, text, note FROM claim",
    "quotes": "SELECT q.id, q.key, q.text, p.key AS speaker, q.language, q.note FROM quote q "
              "LEFT JOIN person p ON p.id = q.speaker_id",
    "comments": "SELECT c.id, c.key, c.text, p.key AS author, c.author_label, s.key AS answers, c.note FROM comment c "
                "LEFT JOIN person p ON p.id = c.author_id JOIN source s ON s.id = c.answers_source_id",
}
KEY = {"people": "person.key", "sources": "source.key", "tags": "tag.key", "claims": "claim.key", "quotes": "q.key",
       "comments": "c.key"}
LINKS = {
    "people": [("variants", "SELECT person_id, name, kind, scheme FROM person_name WHERE person_id IN ({}) "
                            "AND kind NOT IN ('display', 'native', 'romanized') ORDER BY person_id, id")],
    "sources": [("contributors", "SELECT c.source_id, p.key AS person, c.role FROM contributor c JOIN person p "
                                 "ON p.id = c.person_id WHERE c.source_id IN ({}) ORDER BY c.source_id, c.role, c.position")],
    "claims": [("tags", "SELECT ct.claim_id, t.key FROM claim_tag ct JOIN tag t ON t.id = ct.tag_id "
                        "WHERE ct.claim_id IN ({}) ORDER BY ct.claim_id, t.key"),
               ("about", "SELECT cs.claim_id, p.key FROM claim_subject cs JOIN person p ON p.id = cs.person_id "
                         "WHERE cs.claim_id IN ({}) ORDER BY cs.claim_id, cs.position"),
               ("citations", "SELECT ci.claim_id, s.key AS source, ci.stance, ci.locator, ci.label, ci.note "
                             "FROM citation ci JOIN source s ON s.id = ci.source_id WHERE ci.claim_id IN ({}) "
                             "ORDER BY ci.claim_id, ci.position"),
               ("relations", "SELECT r.from_claim_id, r.relation, c.key AS claim, r.note FROM claim_relation r "
                             "JOIN claim c ON c.id = r.to_claim_id WHERE r.from_claim_id IN ({}) ORDER BY 1, 3")],
    "quotes": [("claims", "SELECT qc.quote_id, c.key FROM quote_claim qc JOIN claim c ON c.id = qc.claim_id "
                          "WHERE qc.quote_id IN ({}) ORDER BY 1, 2")],
    "comments": [("disputes", "SELECT cc.comment_id, c.key AS claim, cc.stance, cc.note FROM comment_claim cc "
                              "JOIN claim c ON c.id = cc.claim_id WHERE cc.comment_id IN ({}) ORDER BY 1, 2")],
}


PG_ORDER = {  # the ORDER BY of a link query on PostgreSQL: text keys in byte order, as in SQLite
    "contributors": 'c.source_id, c.role COLLATE "C", c.position',
    "tags": 'ct.claim_id, t.key COLLATE "C"',
    "relations": 'r.from_claim_id, c.key COLLATE "C"',
    "claims": 'qc.quote_id, c.key COLLATE "C"',
    "disputes": 'cc.comment_id, c.key COLLATE "C"',
}


def clean(row: dict) -> dict:
    return {k: v for k, v in row.items() if v not in (None, "", [])}


def write_page(out, section: str, rows: list[dict], nested: dict[str, dict[int, list]], opened: bool) -> bool:
    """One page of records, their nested rows attached, as YAML (the section's header before the first)."""
    records = []
    for r in rows:
        record = clean({k: v for k, v in r.items() if k != "id"})
        for name in nested:
            record[name] = nested[name].get(r["id"], [])
        records.append(clean(record))
    if not opened:
        out.write(f"{section}:\n")
    out.write(yaml.dump(records, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100,
                        default_flow_style=False))
    return True


def main() -> None:
    if sys.argv[1].startswith("postgresql"):
        main_pg(sys.argv[1])
        return
    conn = sqlite3.connect(sys.argv[1])
    conn.row_factory = sqlite3.Row
    out = sys.stdout
    out.write("refdb: 1\n")
    for section, query in MAIN.items():
        last, opened = "", False
        while True:
            rows = conn.execute(f"{query} WHERE {KEY[section]} > ? ORDER BY 2 LIMIT {PAGE}", (last,)).fetchall()
            if not rows:
                break
            ids = [r["id"] for r in rows]
            marks = ",".join("?" * len(ids))
            nested: dict[str, dict[int, list]] = {}
            for name, sql in LINKS.get(section, []):
                nested[name] = defaultdict(list)
                for link in conn.execute(sql.format(marks), ids):
                    values = dict(link)
                    owner = values.pop(next(iter(values)))
                    nested[name][owner].append(next(iter(values.values())) if len(values) == 1 else clean(values))
            opened = write_page(out, section, [dict(r) for r in rows], nested, opened)
            last = rows[-1]["key"]
        if not opened:
            out.write(f"{section}: []\n")


def main_pg(url: str) -> None:
    import psycopg
    from psycopg.rows import dict_row

    links = {section: [(name, sql.format("%s").replace(" IN (%s)", " = ANY(%s)").rsplit(" ORDER BY ", 1)[0]
                        + " ORDER BY " + PG_ORDER.get(name, sql.rsplit(" ORDER BY ", 1)[1]))
                       for name, sql in queries]
             for section, queries in LINKS.items()}  # fmt: skip
    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), row_factory=dict_row)
    out = sys.stdout
    out.write("refdb: 1\n")
    for section, query in MAIN.items():
        last, opened = "", False
        page = f'{query} WHERE {KEY[section]} COLLATE "C" > %s ORDER BY {KEY[section]} COLLATE "C" LIMIT {PAGE}'
        while True:
            rows = conn.execute(page, (last,)).fetchall()
            if not rows:
                break
            ids = [r["id"] for r in rows]
            nested: dict[str, dict[int, list]] = {}
            for name, sql in links.get(section, []):
                nested[name] = defaultdict(list)
                for values in conn.execute(sql, (ids,)):
                    owner = values.pop(next(iter(values)))
                    nested[name][owner].append(next(iter(values.values())) if len(values) == 1 else clean(values))
            opened = write_page(out, section, [dict(r) for r in rows], nested, opened)
            last = rows[-1]["key"]
        if not opened:
            out.write(f"{section}: []\n")
    conn.close()


if __name__ == "__main__":
    main()
