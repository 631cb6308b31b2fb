"""The dossier's pandoc AST (refdb.formats.dossier) and the manuscript key scan: pure, no pandoc."""

from __future__ import annotations

import json
from typing import Any

from refdb.formats import dossier
from refdb.formats.manuscript import citation_keys, split_keys
from tests.formats.samples import ROBERTS, ROKOSSOVSKY

HOSTILE = "<script>alert(1)</script> \\input{x} $ % # *b* _i_ [l](x) @roberts2006"


def _claim(**extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "key": "c1", "kind": "thesis", "text": "Stalin listened.", "note": None, "tags": ["Charm"],
        "about": ["Joseph Stalin"],
        "citations": [
            {"source": "roberts2006", "stance": "supports", "locator": "159–62", "label": "page",
             "anchor": None, "note": None},
            {"source": "rokossovsky1988", "stance": "rejects", "locator": "4", "label": "paragraph",
             "anchor": "he listened", "note": None},
        ],
        "quotes": [], "comments": [], "relations": [], "curated": [],
    }  # fmt: skip
    record.update(extra)
    return record


def _strings(node: Any) -> list[str]:
    """Every Str text and Code text in the tree."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("t") == "Str":
            found.append(node["c"])
        elif node.get("t") == "Code":
            found.append(node["c"][1])
        for value in node.values():
            found += _strings(value)
    elif isinstance(node, list):
        for value in node:
            found += _strings(value)
    return found


def _types(node: Any) -> set[str]:
    if isinstance(node, dict):
        out = {str(node["t"])} if "t" in node else set()
        for value in node.values():
            out |= _types(value)
        return out
    if isinstance(node, list):
        return set().union(*(_types(v) for v in node)) if node else set()
    return set()


def test_text_becomes_str_and_space_only() -> None:
    assert dossier.text("a  b\nc") == [
        {"t": "Str", "c": "a"}, {"t": "Space"}, {"t": "Str", "c": "b"}, {"t": "Space"}, {"t": "Str", "c": "c"},
    ]  # fmt: skip


def test_citations_carry_locator_spans_and_stance_groups() -> None:
    doc = dossier.build([_claim()], [ROBERTS, ROKOSSOVSKY], title="T")
    flat = json.dumps(doc, ensure_ascii=False)
    assert '"citationId": "roberts2006"' in flat
    assert '["", ["refdb-locator"], [["label", "page"]]], [{"t": "Str", "c": "159–62"}]' in flat
    assert '[["label", "paragraph"]]], [{"t": "Str", "c": "4"}]' in flat
    strings = _strings(doc)
    assert "Supported" in strings and "Rejected" in strings
    assert strings.index("Supported") < strings.index("Rejected")  # stance order
    assert "“he" in strings and "listened”" in strings  # the anchored passage, as a quotation
    header = next(b for b in doc["blocks"] if b["t"] == "Header" and b["c"][0] == 2)
    assert header["c"][1][0] == "claim-c1"


def test_note_style_names_the_source_author_date_does_not() -> None:
    notes = _strings(dossier.build([_claim()], [ROBERTS, ROKOSSOVSKY], title="T"))
    in_text = _strings(dossier.build([_claim()], [ROBERTS, ROKOSSOVSKY], title="T", note_style=False))
    assert "Wars" in notes and "Wars" not in in_text


def test_quotes_cite_the_quote_key_and_the_filter_data_holds_it() -> None:
    quote = {"key": "q1", "text": "Words.", "speaker": "K. R.", "note": None, "language": "en",
             "origin": {"id": "rokossovsky1988", "locator": None, "label": "page"},
             "found": {"id": "roberts2006", "locator": "160", "label": "page"}}  # fmt: skip
    claims = [_claim(quotes=[quote])]
    flat = json.dumps(dossier.build(claims, [ROBERTS, ROKOSSOVSKY], title="T"))
    assert '"citationId": "quote:q1"' in flat and '"t": "BlockQuote"' in flat
    data = dossier.filter_data(claims, [ROBERTS, ROKOSSOVSKY])
    assert data["quotes"] == {"q1": {"origin": quote["origin"], "found": quote["found"]}}
    assert data["sources"] == ["roberts2006", "rokossovsky1988"]


def test_related_claims_link_inside_the_dossier_only() -> None:
    relations = [
        {"direction": "out", "relation": "contradicts", "claim": "c2", "text": "Other.", "note": None},
        {"direction": "in", "relation": "supports", "claim": "absent", "text": "Gone.", "note": None},
    ]
    c2 = _claim(key="c2", text="Other.", citations=[])
    flat = json.dumps(dossier.build([_claim(relations=relations), c2], [ROBERTS, ROKOSSOVSKY], title="T"))
    assert '["#claim-c2", ""]' in flat and "#claim-absent" not in flat
    assert "(absent;" in flat


def test_curator_additions_are_marked() -> None:
    curated = [{"record": "claim", "key": "c1", "field": "note", "basis": "The curator's remark."}]
    doc = dossier.build([_claim(note="Curator: 1943.", curated=curated)], [ROBERTS, ROKOSSOVSKY], title="T")
    flat = json.dumps(doc, ensure_ascii=False)
    assert '["", ["curator"], []]' in flat
    assert "Curator’s" in _strings(doc) and "additions" in _strings(doc)


def test_hostile_text_stays_in_str_nodes() -> None:
    hostile_item = {**ROBERTS, "title": HOSTILE, "title-short": HOSTILE}
    claim = _claim(text=HOSTILE, note=HOSTILE, tags=[HOSTILE], about=[HOSTILE])
    doc = dossier.build([claim], [hostile_item, ROKOSSOVSKY], title=HOSTILE)
    assert _types(doc) <= {
        "Str", "Space", "Para", "Plain", "Header", "Strong", "Emph", "Link", "Span", "Div", "BlockQuote",
        "BulletList", "Cite", "NormalCitation", "Code", "MetaInlines",
    }  # fmt: skip: no RawInline or RawBlock: nothing is passed through to a writer unescaped
    assert " ".join(_strings(doc["meta"])) == HOSTILE


def test_citation_keys_with_lines() -> None:
    text = "a [@claim:x-1; @quote:q.2]\nmail me@example.com, @roberts2006 [p. 4]\n[@{odd key}] and @claim:x-1.\n"
    keys = citation_keys(text)
    assert keys == {"claim:x-1": 1, "quote:q.2": 1, "roberts2006": 2, "odd key": 3}
    assert split_keys(keys) == (["x-1"], ["q.2"], ["roberts2006", "odd key"])
