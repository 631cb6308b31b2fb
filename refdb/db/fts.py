"""The full-text index as the schema's head defines it: its DDL, triggers and refill, per backend.

One index, ``search_fts``, holds a row per claim, quote, comment, source, person and source text
(``passage``: the text a source holds, split into paragraphs when a hit is shown).  Its rowid encodes
the record: ``id * 8 + kind`` (claim 0, quote 1, comment 2, source 3, person 4, passage 5), so the
sync triggers touch exactly the rows they must.

Every indexed column holds text folded by ``refdb_fold``, the same fold the query goes through
(:func:`refdb.textnorm.search_fold`: case, diacritics, й/и, ё/е, ß/ss, ł/l, Greek tonos and final
sigma ...).  On SQLite ``refdb_fold`` is refdb's Python function, registered on every connection
(:mod:`refdb.db.engine`); on PostgreSQL it is an SQL function generated from the same Python fold
(:func:`pg_fold_function`: one ``translate`` over the Latin, Greek and Cyrillic blocks, ``replace``
for the letters that fold to two).  So both engines index and search the same words.

What a row holds: a claim its text; a quote every name of its speaker and its text; a comment its
author's names (or label) and its text; a source its titles, the names of its contributors (every
recorded form), publisher, place and note; a person every name and variant (native, romanized);
a passage the source's text.  Triggers on ``contributor`` and ``person_name`` refresh the sources,
quotes and comments whose names changed.

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

KINDS = {"claim": 0, "quote": 1, "comment": 2, "source": 3, "person": 4, "passage": 5}
STRIDE = 8

# the names of one person, joined (``{agg}`` is the dialect's string aggregate)
_NAMES = "(SELECT {agg} FROM person_name WHERE person_name.person_id = {pid})"

# kind -> (table, title parts, body parts, extra WHERE); parts are SQL over the table's own row
_DOCS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], str | None]] = {
    "claim": ("claim", (), ("claim.text",), None),
    "quote": ("quote", (_NAMES.replace("{pid}", "quote.speaker_id"),), ("quote.text",), None),
    "comment": (
        "comment",
        (_NAMES.replace("{pid}", "comment.author_id"), "comment.author_label"),
        ("comment.text",),
        None,
    ),
    "source": (
        "source",
        ("source.title", "source.short_title", "source.container_title"),
        (
            "(SELECT {agg2} FROM contributor JOIN person_name ON person_name.person_id = contributor.person_id "
            "WHERE contributor.source_id = source.id)",
            "source.publisher",
            "source.place",
            "source.note",
        ),
        None,
    ),
    "person": ("person", ("person.display_name",), (_NAMES.replace("{pid}", "person.id"), "person.note"), None),
    "passage": ("source", (), ("source.text",), "source.text IS NOT NULL"),
}
# tables whose rows feed other kinds' documents: table -> [(kind, WHERE over that kind's table, {r} = row)]
_DEPENDENTS: dict[str, list[tuple[str, str]]] = {
    "person_name": [
        ("person", "person.id = {r}.person_id"),
        ("source", "source.id IN (SELECT source_id FROM contributor WHERE contributor.person_id = {r}.person_id)"),
        ("quote", "quote.speaker_id = {r}.person_id"),
        ("comment", "comment.author_id = {r}.person_id"),
    ],
    "contributor": [("source", "source.id = {r}.source_id")],
}
# tables whose own rows are documents: table -> kinds
_OWN = {"claim": ["claim"], "quote": ["quote"], "comment": ["comment"], "source": ["source", "passage"],
        "person": ["person"]}  # fmt: skip
TABLES = [*_OWN, *_DEPENDENTS]


def _agg(dialect: str, column: str) -> str:
    return f"group_concat({column}, ' ')" if dialect == "sqlite" else f"string_agg({column}, ' ')"


def _concat(parts: tuple[str, ...]) -> str:
    if not parts:
        return "NULL"
    return "refdb_fold(" + " || ' ' || ".join(f"COALESCE({p}, '')" for p in parts) + ")"


def _select(dialect: str, kind: str, where: str | None) -> str:
    """INSERT ... SELECT of the documents of one kind (all rows, or those WHERE ``where``)."""
    table, title, body, extra = _DOCS[kind]
    fill = {"agg": _agg(dialect, "name"), "agg2": _agg(dialect, "person_name.name")}
    t = _concat(tuple(p.format(**fill) for p in title))
    b = _concat(tuple(p.format(**fill) for p in body))
    conditions = [c for c in (extra, where) if c]
    cond = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    inner = (
        f"SELECT {table}.id * {STRIDE} + {KINDS[kind]} AS r, '{kind}' AS k, {table}.key AS ky, "
        f"{t} AS t, {b} AS b FROM {table}{cond}"
    )
    if dialect == "sqlite":
        return f"INSERT INTO search_fts(rowid, kind, key, title, body) SELECT r, k, ky, t, b FROM ({inner})"
    return (
        "INSERT INTO search_fts(rowid, kind, key, title, body, tsv) SELECT r, k, ky, t, b, "
        "setweight(to_tsvector('simple', COALESCE(t, '')), 'A') || to_tsvector('simple', COALESCE(b, '')) "
        f"FROM ({inner}) AS d"
    )


def _delete_where(kind: str, where: str) -> str:
    table = _DOCS[kind][0]
    return (
        f"DELETE FROM search_fts WHERE rowid IN (SELECT {table}.id * {STRIDE} + {KINDS[kind]} FROM {table} "
        f"WHERE {where})"
    )


def _refresh(dialect: str, kind: str, where: str) -> list[str]:
    return [_delete_where(kind, where), _select(dialect, kind, where)]


def _on_change(dialect: str, table: str, op: str) -> list[str]:
    """What a row's INSERT / DELETE / UPDATE of ``table`` runs (NEW / OLD as the trigger names them)."""
    out: list[str] = []
    for kind in _OWN.get(table, []):
        if op in ("delete", "update"):
            out.append(f"DELETE FROM search_fts WHERE rowid = OLD.id * {STRIDE} + {KINDS[kind]}")
        if op in ("insert", "update"):
            out.append(_select(dialect, kind, f"{table}.id = NEW.id"))
    for kind, where in _DEPENDENTS.get(table, []):
        rows = ["OLD", "NEW"] if op == "update" else ["OLD"] if op == "delete" else ["NEW"]
        for r in rows:
            out += _refresh(dialect, kind, where.format(r=r))
    return out


def _fill(dialect: str) -> list[str]:
    return [_select(dialect, kind, None) for kind in KINDS]


# ---------------------------------------------------------------------------------------- SQLite

_SQLITE_OPS = {"ai": ("INSERT", "insert"), "ad": ("DELETE", "delete"), "au": ("UPDATE", "update")}


def _sqlite_triggers() -> list[str]:
    out = []
    for table in TABLES:
        for suffix, (event, op) in _SQLITE_OPS.items():
            body = "; ".join(_on_change("sqlite", table, op))
            out.append(f"CREATE TRIGGER search_fts_{table}_{suffix} AFTER {event} ON {table} BEGIN {body}; END")
    return out


def _sqlite_statements() -> list[str]:
    return [
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "kind UNINDEXED, key UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 0')",
        *_sqlite_triggers(),
        *_fill("sqlite"),
    ]


def _sqlite_drop_triggers() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS search_fts_{table}_{suffix}" for table in TABLES for suffix in _SQLITE_OPS]


# ------------------------------------------------------------------------------------ PostgreSQL

# the blocks the generated fold covers; other characters are lower-cased by the server
_PG_RANGES = (
    (0x09, 0x0D), (0x20, 0x7E), (0xA0, 0x2FF), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x52F),
    (0x1E00, 0x1FFF), (0x2000, 0x206F), (0xFB00, 0xFB06), (0xFF01, 0xFF5E),
)  # fmt: skip


def pg_fold_function() -> str:
    """``refdb_fold(text)`` for PostgreSQL, generated from :func:`refdb.textnorm.search_fold`.

    ``translate`` costs each character a scan of its whole ``from`` list, so one list of every
    block made the fold ~1.5 ms per 100 characters (70% of a PostgreSQL bulk load).  Here plain
    ASCII text takes a short list (punctuation and controls; ``lower`` does the letters), and other
    text goes through one list per block, each only when the text has a character of that block.
    The result is the same: every character a block folds to is left alone by the later lists
    (checked here when the function is generated)."""
    from refdb.textnorm import search_fold_char

    multi: list[tuple[str, str]] = []
    blocks: list[tuple[int, int, list[tuple[str, str]]]] = []
    mapping: dict[str, str] = {}
    block_of: dict[str, int] = {}
    for lo, hi in _PG_RANGES:
        entries: list[tuple[str, str]] = []
        for code in range(lo, hi + 1):
            ch = chr(code)
            folded = search_fold_char(ch)
            if folded.strip() == "" and folded:
                folded = " "
            if folded == ch:
                continue
            if len(folded) > 1:
                multi.append((ch, folded))
            else:
                entries.append((ch, folded))
                mapping[ch] = folded
                block_of[ch] = len(blocks)
        blocks.append((lo, hi, entries))
    order = [i for i, (lo, hi, _) in enumerate(blocks) if hi > 0x7E] + [i for i, (lo, hi, _) in enumerate(blocks) if hi <= 0x7E]
    for ch, folded in mapping.items():  # a later list must not fold again what an earlier one made
        later = folded in block_of and order.index(block_of[folded]) > order.index(block_of[ch])
        assert not later or mapping[folded] == folded, (ch, folded)
    ascii_entries = [(c, d) for lo, hi, entries in blocks if hi <= 0x7E for c, d in entries
                     if not (d == c.lower() and "A" <= c <= "Z")]  # fmt: skip
    others = [(lo, hi, entries) for lo, hi, entries in blocks if hi > 0x7E and entries]

    def translated(expr: str, entries: list[tuple[str, str]]) -> str:
        for s, d in entries:  # no ':' or '%' in the SQL text (bind-parameter syntax of the drivers)
            if s in ":%":
                expr = f"replace({expr}, chr({ord(s)}), {_pg_literal(d)})"
        plain = [(s, d) for s, d in entries if s not in ":%"]
        frm = "".join(s for s, d in plain if d) + "".join(s for s, d in plain if not d)
        to = "".join(d for _, d in plain if d)
        return f"translate({expr}, {_pg_literal(frm)}, {_pg_literal(to)})"

    expr = "t"
    for ch, folded in multi:
        expr = f"replace({expr}, {_pg_char(ch)}, {_pg_literal(folded)})"
    steps = [f"  t = {expr};"]
    for lo, hi, entries in others:
        steps.append(f"  IF t ~ '[{chr(lo)}-{chr(hi)}]' THEN t = {translated('t', entries)}; END IF;")
    last = f"lower({translated('t', ascii_entries)})"
    return (
        "CREATE OR REPLACE FUNCTION refdb_fold(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE "
        "STRICT AS $fold$\nBEGIN\n"
        f"  IF octet_length(t) = length(t) THEN\n    RETURN {last};\n  END IF;\n"
        + "\n".join(steps) + f"\n  RETURN {last};\nEND\n$fold$"
    )


def _pg_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _pg_char(ch: str) -> str:
    return f"chr({ord(ch)})" if ch in ":%'" else _pg_literal(ch)


_PG_OPS = {"INSERT": "insert", "DELETE": "delete", "UPDATE": "update"}


def _pg_trigger_functions() -> list[str]:
    out = []
    for table in TABLES:
        branches = []
        for event, op in _PG_OPS.items():
            body = ";\n    ".join(_on_change("postgresql", table, op))
            branches.append(f"IF TG_OP = '{event}' THEN\n    {body};\n  END IF;")
        out.append(
            f"CREATE OR REPLACE FUNCTION search_fts_{table}_sync() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n  " + "\n  ".join(branches) + "\n  RETURN NULL;\nEND\n$$"
        )
        out.append(
            f"CREATE TRIGGER search_fts_{table}_sync AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION search_fts_{table}_sync()"
        )
    return out


def _pg_statements() -> list[str]:
    return [
        pg_fold_function(),
        "CREATE TABLE search_fts (rowid bigint PRIMARY KEY, kind varchar(10) NOT NULL, key varchar(200) NOT NULL, "
        "title text, body text, tsv tsvector NOT NULL)",
        "CREATE INDEX search_fts_tsv ON search_fts USING gin (tsv)",
        *_pg_trigger_functions(),
        *_fill("postgresql"),
    ]


# ------------------------------------------------------------------------------------ interface


def create_statements(dialect: str) -> list[str]:
    """Create the index and its triggers, and fill it from the existing rows."""
    return _sqlite_statements() if dialect == "sqlite" else _pg_statements()


def drop_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [*_sqlite_drop_triggers(), "DROP TABLE IF EXISTS search_fts"]
    out = []
    for table in TABLES:
        out.append(f"DROP TRIGGER IF EXISTS search_fts_{table}_sync ON {table}")
        out.append(f"DROP FUNCTION IF EXISTS search_fts_{table}_sync()")
    return [*out, "DROP TABLE IF EXISTS search_fts", "DROP FUNCTION IF EXISTS refdb_fold(text)"]


def trigger_statements(dialect: str) -> list[str]:
    """The sync triggers alone (SQLite: what a batch rebuild of an indexed table drops)."""
    if dialect == "sqlite":
        return _sqlite_triggers()
    return _pg_trigger_functions()


def rebuild_sql(dialect: str) -> list[str]:
    """Statements that empty and refill the index (after a bulk load with triggers off)."""
    return ["DELETE FROM search_fts", *_fill(dialect)]


def trigger_names(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"search_fts_{t}_{s}" for t in TABLES for s in _SQLITE_OPS]
    return [f"search_fts_{t}_sync" for t in TABLES]


def index_since_statements(dialect: str, kind: str) -> list[str]:
    """Index the rows of one kind whose id is above ``:since`` (after a bulk insert with triggers off).

    For sources, also their passages and the people they name who are not indexed yet."""
    table = _DOCS[kind][0]
    out = [_select(dialect, kind, f"{table}.id > :since")]
    if kind == "source":
        out.append(_select(dialect, "passage", "source.id > :since"))
        out += _refresh(
            dialect,
            "person",
            "person.id IN (SELECT person_id FROM contributor WHERE contributor.source_id > :since)",
        )
    return out


def resume_triggers_statements(dialect: str) -> list[str]:
    """Restore the sync triggers without refilling the index."""
    if dialect == "sqlite":
        return trigger_statements(dialect)
    return [f"ALTER TABLE {table} ENABLE TRIGGER search_fts_{table}_sync" for table in TABLES]


def suspend_statements(dialect: str) -> list[str]:
    """Statements that stop the sync triggers for a bulk load (in the load's own transaction)."""
    if dialect == "sqlite":
        return _sqlite_drop_triggers()
    return [f"ALTER TABLE {table} DISABLE TRIGGER search_fts_{table}_sync" for table in TABLES]


def resume_statements(dialect: str) -> list[str]:
    """Refill the index and restore the triggers after a bulk load."""
    if dialect == "sqlite":
        return [*rebuild_sql(dialect), *trigger_statements(dialect)]
    return [*rebuild_sql(dialect)] + [f"ALTER TABLE {table} ENABLE TRIGGER search_fts_{table}_sync" for table in TABLES]
