"""The published JSON Schema of the dataset format, generated from the definition.

``docs/dataset.schema.json`` is this module's output (``make schema`` writes it;
``tests/records/test_schema.py`` fails when the file and the definition differ).  It describes
the data a YAML loader reads from a dataset file, so it admits numbers where text is written
(``locator: 159``) and dates as written (``issued: forthcoming``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from refdb.records.defs import Dataset

SCHEMA_ID = "https://refdb.invalid/dataset.schema.json"


def _accepts(node: Any) -> Any:
    """``x-accepts`` in a field's Meta names the JSON types a YAML value may have (msgspec would
    write the Python type's alone)."""
    if isinstance(node, dict):
        node = {k: _accepts(v) for k, v in node.items()}
        if "x-accepts" in node:
            node["type"] = node.pop("x-accepts")
        return node
    if isinstance(node, list):
        return [_accepts(v) for v in node]
    return node


def generate() -> dict[str, Any]:
    body = _accepts(msgspec.json.schema(Dataset))
    defs = body.get("$defs", {})
    root = {k: v for k, v in defs.pop("Dataset").items() if k not in ("title", "description")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "refdb dataset",
        "description": "A whole refdb database as one YAML file: people, sources, tags, claims, quotes and "
        "counter-comments. Generated from refdb.records; see README.md, 'The dataset format'.",
        **root,
        "required": ["refdb"],
        "$defs": dict(sorted(defs.items())),
    }


def text() -> str:
    return json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m refdb.records.schema OUTPUT.json", file=sys.stderr)
        return 2
    Path(argv[0]).write_text(text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
