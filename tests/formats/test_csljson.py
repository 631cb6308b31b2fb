"""CSL-JSON: the official schema, exact errors, golden output and round trips."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from refdb.errors import InputError
from refdb.formats import csljson
from tests.formats.samples import EXAMPLES, REFERENCE, ROBERTS, ROKOSSOVSKY

SCHEMA = json.loads((REFERENCE / "csl-schema" / "csl-data.json").read_text(encoding="utf-8"))


def dumps(items: list[dict[str, Any]]) -> str:
    return "".join(csljson.dumps(items))


def loads(text: str) -> list[dict[str, Any]]:
    return [parsed.item for parsed in csljson.loads(text, source_name="refs.json")]


def error(text: str) -> str:
    with pytest.raises(InputError) as err:
        csljson.loads(text, source_name="refs.json")
    return str(err.value)


def validate(text: str) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(json.loads(text))


# --- the schema ------------------------------------------------------------------------------------


def test_field_tables_match_the_official_schema() -> None:
    properties = SCHEMA["items"]["properties"]
    assert set(csljson.FIELDS) == set(properties)
    assert list(csljson.CSL_TYPES) == properties["type"]["enum"]
    for name, kind in csljson.FIELDS.items():
        spec = properties[name]
        expected = {
            "string": {"type": "string"},
            "number": {"type": ["string", "number"]},
            "id": {"type": ["string", "number"]},
            "names": {"type": "array", "items": {"$ref": "#/definitions/name-variable"}},
            "date": {"$ref": "#/definitions/date-variable"},
            "categories": {"type": "array", "items": {"type": "string"}},
        }.get(kind)
        if expected is not None:
            assert {k: v for k, v in spec.items() if k in expected} == expected, name
    name_properties = SCHEMA["definitions"]["name-variable"]["anyOf"][0]["properties"]
    assert set(name_properties) == {*csljson.NAME_STRING_KEYS, *csljson.NAME_FLAG_KEYS}
    date_properties = SCHEMA["definitions"]["date-variable"]["anyOf"][0]["properties"]
    assert set(date_properties) == set(csljson.DATE_KEYS)


# --- reading ---------------------------------------------------------------------------------------


def test_reads_items_with_locations() -> None:
    parsed = csljson.loads(json.dumps([ROBERTS, ROKOSSOVSKY]), source_name="refs.json")
    assert [p.item for p in parsed] == [ROBERTS, ROKOSSOVSKY]
    assert [p.location for p in parsed] == ["refs.json, record 1", "refs.json, record 2"]


def test_numeric_strings_in_date_parts_become_numbers() -> None:
    [item] = loads('[{"id": 7, "type": "book", "issued": {"date-parts": [["2006", "5"]]}}]')
    assert item == {"id": 7, "type": "book", "issued": {"date-parts": [[2006, 5]]}}


def test_empty_list_is_fine() -> None:
    assert loads("[]") == []


# --- errors ----------------------------------------------------------------------------------------


def test_not_a_list() -> None:
    assert error('{"id": "a", "type": "book"}') == (
        "refs.json: a CSL-JSON file must be a JSON array of items ([{...}, ...]), not an object"
    )


def test_item_not_an_object() -> None:
    assert error('[{"id": "a", "type": "book"}, "b"]') == (
        "refs.json, record 2: an item must be a JSON object, not a string"
    )


def test_item_without_id() -> None:
    assert error('[{"id": "a", "type": "book"}, {"type": "book", "title": "T"}]') == (
        "refs.json, record 2: field 'id': is missing; every item needs an 'id'"
    )


def test_item_without_type() -> None:
    assert error('[{"id": "a"}]') == (
        "refs.json, record 1: field 'type': is missing; every item needs a 'type' (for example \"book\")"
    )


def test_unknown_type_reads_as_a_document_with_a_warning() -> None:
    parsed = csljson.loads('[{"id": "a", "type": "Book"}]', source_name="refs.json")
    assert parsed[0].item["type"] == "document"
    assert parsed[0].warnings == ('unknown CSL type "Book", read as a document',)


def test_date_string_instead_of_date_parts() -> None:
    assert error('[{"id": "a", "type": "book", "issued": "2006-05-12"}]') == (
        "refs.json, record 1: field 'issued': is a date string (\"2006-05-12\"); "
        'CSL-JSON needs {"date-parts": [[2006, 5, 12]]}'
    )
    assert error('[{"id": "a", "type": "book", "accessed": "spring 2006"}]') == (
        "refs.json, record 1: field 'accessed': is a date string (\"spring 2006\"); "
        'CSL-JSON needs {"date-parts": [[year, month, day]]} or {"literal": "spring 2006"}'
    )


def test_unknown_key() -> None:
    assert error('[{"id": "a", "type": "book", "titel": "T"}]') == (
        "refs.json, record 1: field 'titel': is not a CSL-JSON field (the official schema rejects it); "
        'put extra data under "custom"'
    )


def test_deep_nesting_is_a_clear_error() -> None:
    depth = 10_000
    assert error("[" * depth + "]" * depth) == (
        "refs.json:1: nested too deeply (10000 levels); CSL-JSON is a list of items, each a few levels deep"
    )


def test_deep_nesting_reports_the_line() -> None:
    text = '[\n{"id": "a", "type": "book", "custom": {"x":\n' + "[" * 5000 + "]" * 5000 + "}}]"
    assert error(text) == (
        "refs.json:3: nested too deeply (5003 levels); CSL-JSON is a list of items, each a few levels deep"
    )


def test_invalid_json() -> None:
    assert (
        error('[\n{"id": "a",,}]')
        == "refs.json:2: not valid JSON: Expecting property name enclosed in double quotes (column 12)"
    )


def test_nan_is_not_json() -> None:
    assert error('[{"id": NaN, "type": "book"}]') == "refs.json: not valid JSON: NaN is not a JSON number"


def test_duplicate_key_and_duplicate_id() -> None:
    assert error('[{"id": "a", "type": "book", "type": "chapter"}]') == (
        "refs.json, record 1: the key 'type' appears twice"
    )
    assert error('[{"id": "a", "type": "book"}, {"id": "a", "type": "book"}]') == (
        "refs.json, record 2: field 'id': the id 'a' is already used by record 1"
    )


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"title": 5}, "field 'title': must be a string, not a number"),
        ({"volume": True}, "field 'volume': must be a string or a number, not true/false"),
        (
            {"author": "Roberts, Geoffrey"},
            'field \'author\': must be a list of names like [{"family": "Roberts", "given": "Geoffrey"}], '
            "not a string",
        ),
        (
            {"author": [{"first": "G"}]},
            "field 'author': name 1 has the unknown key 'first'; use family, given, dropping-particle, "
            "non-dropping-particle, suffix, literal",
        ),
        (
            {"issued": {"date-parts": [[2006, 5, 12, 1]]}},
            "field 'issued': 'date-parts' must be [[year, month, day]] (or two such dates for a range)",
        ),
        (
            {"issued": {"year": 2006}},
            "field 'issued': has the unknown key 'year'; a date has date-parts, season, circa, literal, raw",
        ),
        ({"id": ""}, "field 'id': must be a non-empty string or a number, not a string"),
    ],
)
def test_field_errors(item: dict[str, Any], message: str) -> None:
    assert error(json.dumps([{"id": "a", "type": "book", **item}])) == f"refs.json, record 1: {message}"


# --- collecting errors (import --skip-bad) ---------------------------------------------------------


def collect(text: str) -> tuple[list[str], list[str], list[str]]:
    """``(ids, locations, error messages)`` of reading ``text`` with ``errors=[]``."""
    errors: list[InputError] = []
    parsed = csljson.loads(text, source_name="refs.json", errors=errors)
    return [p.item["id"] for p in parsed], [p.location for p in parsed], [str(err) for err in errors]


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("b", id="not-an-object"),
        pytest.param({"type": "book"}, id="no-id"),
        pytest.param({"id": "b", "type": "book", "issued": "2006"}, id="date-string"),
        pytest.param({"id": "b", "type": "book", "titel": "T"}, id="unknown-key"),
        pytest.param({"id": "a", "type": "book"}, id="duplicate-id"),
    ],
)
def test_errors_list_collects_the_bad_item_and_keeps_the_good_ones(bad: Any) -> None:
    text = json.dumps([{"id": "a", "type": "book"}, bad, {"id": "c", "type": "book"}])
    ids, locations, messages = collect(text)
    assert (ids, locations) == (["a", "c"], ["refs.json, record 1", "refs.json, record 3"])
    assert messages == [error(text)]
    assert messages[0].startswith("refs.json, record 2: ")


def test_errors_list_duplicate_key_in_an_item() -> None:
    text = '[{"id": "a", "type": "book"}, {"id": "b", "type": "book", "type": "chapter"}, {"id": "c", "type": "book"}]'
    assert collect(text) == (["a", "c"], ["refs.json, record 1", "refs.json, record 3"], [error(text)])


def test_errors_list_a_bad_item_does_not_claim_its_id() -> None:
    text = json.dumps([{"id": "a", "type": "Book"}, {"id": "a", "type": "book"}])
    ids, _, messages = collect(text)
    assert ids == ["a"]
    assert messages == [error(text)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"id": "a", "type": "book"}', id="not-an-array"),
        pytest.param('[\n{"id": "a",,}]', id="invalid-json"),
        pytest.param('[{"id": NaN, "type": "book"}]', id="nan"),
        pytest.param("[" * 10_000 + "]" * 10_000, id="too-deep"),
        pytest.param(
            '[{"id": "x"}, {"id": "a", "type": "book", "custom": {"x":\n' + "[" * 5000 + "]" * 5000 + "}}]",
            id="too-deep-item",
        ),
    ],
)
def test_errors_list_unreadable_file_still_raises(text: str) -> None:
    errors: list[InputError] = []
    with pytest.raises(InputError) as err:
        csljson.loads(text, source_name="refs.json", errors=errors)
    assert str(err.value) == error(text)
    assert errors == []


# --- writing ---------------------------------------------------------------------------------------

GOLDEN = """\
[
{"id": "roberts2006", "type": "book", "author": [{"family": "Roberts", "given": "Geoffrey"}], "issued": {"date-parts": [[2006]]}, "publisher": "Yale University Press", "publisher-place": "New Haven", "title": "Stalin's Wars: From World War to Cold War, 1939–1953", "title-short": "Stalin's Wars"},
{"id": "rokossovsky1988", "type": "book", "author": [{"family": "Рокоссовский", "given": "Константин"}], "issued": {"date-parts": [[1988, 5]]}, "language": "ru", "publisher": "Воениздат", "publisher-place": "Москва", "title": "Солдатский долг"}
]
"""


def test_golden() -> None:
    assert dumps([ROBERTS, ROKOSSOVSKY]) == GOLDEN
    validate(GOLDEN)
    assert loads(GOLDEN) == [ROBERTS, ROKOSSOVSKY]


def test_empty_export_is_an_empty_array() -> None:
    assert dumps([]) == "[]\n"
    validate(dumps([]))


def test_dumps_streams_one_item_per_chunk() -> None:
    assert len(list(csljson.dumps([ROBERTS, ROKOSSOVSKY]))) == 3  # two items and the closing bracket


def test_dumps_rejects_non_csl_keys_as_a_bug() -> None:
    with pytest.raises(ValueError, match="field 'db_id': is not a CSL-JSON field"):
        dumps([{**ROBERTS, "db_id": 3}])


def test_dumps_skips_none_values() -> None:
    assert json.loads(dumps([{**ROBERTS, "volume": None}]))[0] == ROBERTS


# --- round trips -----------------------------------------------------------------------------------

TEXT_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n\t"
    "{}&%$#_\\\"'`~^-?!@=,.:;()[]<>/*+|\x1f\u2028"  # no NUL: refused on import
    "АБВГДЕЁЖЗИЙКЛабвгдеёжзийкл" "ΑΒΓΔΩαβγδωάέ" "中文日本語한국어" "“”‘’«»„–—…"
)  # fmt: skip
texts = st.text(alphabet=TEXT_ALPHABET, max_size=25)
persons = st.fixed_dictionaries(
    {"family": texts},
    optional={
        "given": texts,
        "non-dropping-particle": st.sampled_from(["van", "de la", "von"]),
        "dropping-particle": st.sampled_from(["van", "de"]),
        "suffix": texts,
    },
)
names = st.lists(st.one_of(persons, texts.map(lambda t: {"literal": t})), max_size=4)
dates = st.one_of(
    st.lists(
        st.lists(st.integers(-500, 2100), min_size=1, max_size=3),
        min_size=1,
        max_size=2,
    ).map(lambda parts: {"date-parts": parts}),
    texts.map(lambda t: {"literal": t}),
    st.fixed_dictionaries(
        {"date-parts": st.just([[2006]])}, optional={"circa": st.booleans(), "season": texts}
    ),
)
numbers = st.one_of(texts, st.integers(0, 10_000))


@st.composite
def csl_items(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": draw(st.one_of(texts.filter(str.strip), st.integers(0, 10**6))),
        "type": draw(st.sampled_from(csljson.CSL_TYPES)),
    }
    for key in draw(st.lists(st.sampled_from(sorted(csljson.FIELDS)), max_size=8, unique=True)):
        kind = csljson.FIELDS[key]
        if kind in ("id", "type"):
            continue
        strategy = {
            "string": texts,
            "number": numbers,
            "names": names,
            "date": dates,
            "categories": st.lists(texts, max_size=3),
            "custom": st.dictionaries(texts, st.one_of(texts, st.integers(), st.lists(texts)), max_size=3),
        }[kind]
        item[key] = draw(strategy)
    return item


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(csl_items(), max_size=3, unique_by=lambda item: str(item["id"])))
@example([ROBERTS, ROKOSSOVSKY])
@example([{"id": "0", "type": "article", "DOI": "\u2028"}])  # a line separator inside a string
def test_round_trip_and_schema(items: list[dict[str, Any]]) -> None:
    first = dumps(items)
    validate(first)
    read = loads(first)
    assert read == items
    assert dumps(read) == first
