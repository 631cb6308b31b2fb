"""Export's trusted path: the items refdb builds are written unchecked, byte for byte as checked.

``services.citations`` builds its items as ``csljson.OwnItem``; ``csljson.dumps`` skips the import
checks for them.  On the seed and on a generated database (every item type, names in four scripts,
partial and literal dates, aliases), the trusted output equals the checked one, and every item
passes the checks it skips.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from refdb import db
from refdb.formats import csljson
from refdb.services.citations import iter_items

ROOT = Path(__file__).resolve().parents[2]


def _items(url: str, *, imported_keys: bool = False) -> list[dict[str, object]]:
    with db.session_scope(url) as session:
        return list(iter_items(session, imported_keys=imported_keys))


def _same(items: list[dict[str, object]]) -> None:
    assert items and all(type(i) is csljson.OwnItem for i in items)
    trusted = "".join(csljson.dumps(items))
    checked = "".join(csljson.dumps([dict(i) for i in items]))
    assert trusted == checked
    for n, item in enumerate(items, start=1):
        csljson._check_item(dict(item), f"item {n}")  # raises if refdb ever built an invalid item


def test_the_seed_items_are_written_as_checked(db_url: str) -> None:
    _same(_items(db_url))
    _same(_items(db_url, imported_keys=True))


def test_generated_items_are_written_as_checked(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("refdb_generate", ROOT / "scripts" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules["refdb_generate"] = generate
    spec.loader.exec_module(generate)
    path = tmp_path / "gen.sqlite"
    generate.build(path, generate.Shape(sources=400, claims=400), 1941)
    url = f"sqlite:///{path}"
    _same(_items(url))
    db.dispose_all()
