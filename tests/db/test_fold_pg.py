"""refdb_fold on PostgreSQL (0009_fold) folds every string as 0006's single-translate function did.

The function of 0009 splits the fold into a short list for ASCII text and one list per script
block; it must give the very same text, or the index of an upgraded database would hold words its
searches no longer find.  Compared on every character of the blocks the fold covers, alone and in
random strings mixing them, on a real server.  On SQLite ``refdb_fold`` is the Python fold itself,
so the test compares that with :func:`refdb.textnorm.search_fold` there.
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Text

from refdb import db
from refdb.db import fts
from refdb.textnorm import search_fold

ROOT = Path(__file__).resolve().parents[2]


def _samples() -> list[str]:
    chars = [chr(c) for lo, hi in fts._PG_RANGES for c in range(lo, hi + 1)] + ["中", "😀", "İ"]
    rng = random.Random(1941)
    mixed = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 40))) for _ in range(2000)]
    return [*chars, *mixed, "Хрущёв Красной", "ΣΟΦΌΣ σοφός", "snake_case O’Brien 100% a:b", "Straße Æsir ﬁne"]


def _old_function() -> str:
    spec = importlib.util.spec_from_file_location("m0006", ROOT / "migrations" / "versions" / "0006_search_names.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (old,) = [s for s in module.UPGRADE["postgresql"] if s.startswith("CREATE OR REPLACE FUNCTION refdb_fold")]
    return str(old)


def test_the_fold_is_the_same_as_before(db_url: str) -> None:
    samples = _samples()
    with db.get_engine(db_url).begin() as conn:
        if conn.dialect.name != "postgresql":
            folded = [conn.scalar(text("SELECT refdb_fold(:s)"), {"s": s}) for s in samples[:500]]
            assert folded == [search_fold(s) for s in samples[:500]]
            return
        query = text("SELECT refdb_fold(x) FROM unnest(:xs) WITH ORDINALITY AS u(x, n) ORDER BY n")
        query = query.bindparams(bindparam("xs", type_=ARRAY(Text)))
        assert conn.scalar(text("SELECT prosrc FROM pg_proc WHERE proname = 'refdb_fold'")).startswith("\nBEGIN")
        new = [row[0] for row in conn.execute(query, {"xs": samples})]
        conn.execute(text(_old_function()))
        old = [row[0] for row in conn.execute(query, {"xs": samples})]
        conn.execute(text(fts.pg_fold_function()))
    differ = [(s, o, n) for s, o, n in zip(samples, old, new, strict=True) if o != n]
    assert not differ, differ[:5]
