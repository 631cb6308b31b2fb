"""The one definition of every record: what derives from it, and the rules that live beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refdb import records
from refdb.errors import InputError
from refdb.formats import dataset as fmt
from refdb.records import schema

ROOT = Path(__file__).resolve().parents[2]


def test_the_published_schema_is_what_the_definition_generates() -> None:
    published = (ROOT / "docs" / "dataset.schema.json").read_text(encoding="utf-8")
    assert published == schema.text(), "docs/dataset.schema.json is stale: run 'make schema'"


def test_the_schema_admits_what_refdb_loads() -> None:
    import jsonschema

    generated = schema.generate()
    jsonschema.Draft202012Validator.check_schema(generated)
    data = {"refdb": 1, "sources": [
        {"key": "untitled", "type": "book"},
        {"key": "soon", "type": "book", "title": "Next book", "issued": "forthcoming"},
        {"key": "partial", "type": "book", "title": "Года", "issued": 1942, "pages": 159},
        {"key": "cjk", "type": "book", "title": "毛泽东选集", "issued": "1951-10"},
    ], "claims": [{"key": "c", "kind": "thesis", "text": "T", "citations": [{"source": "partial", "stance": "asserts",
                                                                           "locator": 12}]}]}  # fmt: skip
    jsonschema.validate(data, generated)
    parsed = fmt.parse(json.dumps(data), source_name="d.yaml")
    assert [s.issued for s in parsed.sources] == [None, "forthcoming", "1942", "1951-10"]
    assert parsed.sources[2].issued_date == (1942, None, None) and parsed.sources[1].issued_literal == "forthcoming"


def test_the_schema_refuses_what_refdb_refuses() -> None:
    import jsonschema

    generated = schema.generate()
    for bad in ({"refdb": 1, "sources": [{"key": "Bad Key", "type": "book"}]},
                {"refdb": 1, "claims": [{"key": "c", "kind": "rumour", "text": "T"}]},
                {"refdb": 1, "people": [{"key": "p", "name": "N", "nickname": "x"}]},
                {"refdb": 2}):  # fmt: skip
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, generated)


def test_authoring_fields_come_from_the_definition() -> None:
    assert records.editable_fields("source") >= {"title", "issued", "class", "container_title", "doi"}
    assert "contributors" in records.nested_fields("source") and "contributors" not in records.editable_fields("source")
    assert records.key_list_fields("claim") == {"tags", "about"}
    assert records.key_list_fields("quote") == {"claims"}
    assert records.nested_fields("quote") == {"origin", "found_in", "anchor"}
    assert records.required_fields("claim") == {"kind", "text"}
    assert records.required_fields("comment") == {"text", "answers"}


@pytest.mark.parametrize(("record", "message"), [
    ({"key": "s", "type": "book", "text": "x", "text_file": "x.txt"},
     "add source: source s: field 'text_file': give either text or text_file, not both"),
    ({"key": "s", "type": "book", "issued": "1942-02-30"}, "add source: source s: field 'issued': '1942-02-30' is not a real date"),
    ({"key": "s", "type": "book", "curated": {"publisher": "From the title page."}},
     "add source: source s: field 'curated': marks fields the record does not have: publisher"),
    ({"key": "s", "type": "novel"}, "add source: source s: field 'type': 'novel' is not one of: a CSL item type (book, chapter, ...)"),
    ({"key": "s", "type": "book", "contributors": [{"person": "p", "role": "boss"}]},
     "add source: source s, contributor 1: field 'role': 'boss' is not one of: author, collection-editor, container-author, "
     "editor, translator"),
    ({"key": "s", "type": "book", "title": "   "}, None),
])  # fmt: skip
def test_rules_beside_the_definition_name_the_field(record: dict[str, object], message: str | None) -> None:
    if message is None:
        assert fmt.parse_record("source", record, source_name="add source").title is None  # blank is absent
        return
    with pytest.raises(InputError) as raised:
        fmt.parse_record("source", record, source_name="add source")
    assert raised.value.message == message


def test_claim_rules() -> None:
    with pytest.raises(InputError, match="lists the same key twice"):
        fmt.parse_record("claim", {"key": "c", "kind": "thesis", "text": "T", "tags": ["a", "a"]}, source_name="x")
    with pytest.raises(InputError, match=r"a claim cannot be related to itself \(supports\)"):
        fmt.parse_record("claim", {"key": "c", "kind": "thesis", "text": "T",
                                   "relations": [{"relation": "supports", "claim": "c"}]}, source_name="x")  # fmt: skip
    with pytest.raises(InputError, match="an anchor needs found_in"):
        fmt.parse_record("quote", {"key": "q", "text": "T", "anchor": {"prefix": "a"}}, source_name="x")


def test_every_vocabulary_is_one_list() -> None:
    from refdb.models import Citation, ClaimRelation, CommentClaim
    from refdb.vocab import COMMENT_STANCES, RELATIONS, STANCES, check_in

    checks = {str(c.sqltext) for t in (Citation.__table__, ClaimRelation.__table__, CommentClaim.__table__)
              for c in t.constraints if hasattr(c, "sqltext")}  # fmt: skip
    assert {check_in("stance", STANCES), check_in("relation", RELATIONS), check_in("stance", COMMENT_STANCES)} <= checks
