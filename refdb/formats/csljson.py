"""CSL-JSON: the native shape of every item, checked field by field against the official schema.

``loads`` accepts exactly what ``../shared/reference/csl-schema/csl-data.json``
accepts (a list of objects with ``id`` and ``type``, known keys only, names as
objects, dates as ``{"date-parts": ...}``) and says, per record and field, what is
wrong otherwise.  jsonschema is a test dependency only, so the rules are spelled
out here; a test keeps these tables equal to the schema.  ``dumps`` writes a
UTF-8 JSON array with a stable key order, one item per chunk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from refdb.dates import parse_iso_parts
from refdb.errors import InputError
from refdb.formats import CslItem, ParsedItem
from refdb.vocab import CSL_TYPES

STRING_VARIABLES: tuple[str, ...] = (
    "citation-key", "language", "journalAbbreviation", "shortTitle", "abstract", "annote", "archive",
    "archive_collection", "archive_location", "archive-place", "authority", "call-number", "citation-label",
    "collection-title", "container-title", "container-title-short", "dimensions", "division", "DOI", "event",
    "event-title", "event-place", "genre", "ISBN", "ISSN", "jurisdiction", "keyword", "medium", "note",
    "original-publisher", "original-publisher-place", "original-title", "part-title", "PMCID", "PMID",
    "publisher", "publisher-place", "references", "reviewed-genre", "reviewed-title", "scale", "section",
    "source", "status", "title", "title-short", "URL", "version", "volume-title", "volume-title-short",
    "year-suffix",
)  # fmt: skip

NUMBER_VARIABLES: tuple[str, ...] = (
    "chapter-number", "citation-number", "collection-number", "edition", "first-reference-note-number",
    "issue", "locator", "number", "number-of-pages", "number-of-volumes", "page", "page-first", "part",
    "printing", "supplement", "volume",
)  # fmt: skip

NAME_VARIABLES: tuple[str, ...] = (
    "author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor",
    "curator", "director", "editor", "editorial-director", "executive-producer", "guest", "host",
    "interviewer", "illustrator", "narrator", "organizer", "original-author", "performer", "producer",
    "recipient", "reviewed-author", "script-writer", "series-creator", "translator",
)  # fmt: skip

DATE_VARIABLES: tuple[str, ...] = (
    "accessed", "available-date", "event-date", "issued", "original-date", "submitted",
)  # fmt: skip

NAME_STRING_KEYS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")
NAME_FLAG_KEYS = ("comma-suffix", "static-ordering", "parse-names")
DATE_KEYS = ("date-parts", "season", "circa", "literal", "raw")

#: Every key an item may have, with its kind.
FIELDS: dict[str, str] = {
    "id": "id",
    "type": "type",
    "categories": "categories",
    "custom": "custom",
    **{name: "string" for name in STRING_VARIABLES},
    **{name: "number" for name in NUMBER_VARIABLES},
    **{name: "names" for name in NAME_VARIABLES},
    **{name: "date" for name in DATE_VARIABLES},
}

_MAX_REPORTED_DEPTH = 100

#: A source record's text fields and the CSL variables that hold them, both ways: export builds
#: items with it, import reads items with it.  Dates (``issued``, ``accessed``), names and the
#: citation key are not plain text and are handled beside it.
SOURCE_VARIABLES: tuple[tuple[str, str], ...] = (
    ("title", "title"), ("short_title", "title-short"), ("container_title", "container-title"),
    ("publisher", "publisher"), ("place", "publisher-place"), ("edition", "edition"),
    ("volume", "volume"), ("issue", "issue"), ("pages", "page"), ("url", "URL"), ("isbn", "ISBN"),
    ("issn", "ISSN"), ("doi", "DOI"), ("archive", "archive"), ("archive_place", "archive-place"),
    ("archive_location", "archive_location"), ("language", "language"), ("abstract", "abstract"),
    ("keywords", "keyword"), ("note", "note"),
)  # fmt: skip
#: The variables of a record's own (the citation key, the dates and the names aside).
SOURCE_DATES: tuple[tuple[str, str], ...] = (("issued", "issued"), ("accessed", "accessed"))

# --- reading ---------------------------------------------------------------------------------------


class _Object(dict[str, Any]):
    """A JSON object that remembers keys given twice (``json`` keeps the last silently)."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str, *, source_name: str, errors: list[InputError] | None = None) -> list[ParsedItem]:
    """Parse a CSL-JSON array; every problem names the record and the field.

    Without ``errors`` the first bad item raises.  With a list, each bad item's error
    goes there and the other items are returned; a file that is not a JSON array
    (invalid JSON, nested too deeply, not an array) still raises.
    """
    try:
        data = json.loads(
            text.removeprefix("\ufeff"), object_pairs_hook=_object, parse_constant=_reject_constant
        )
    except RecursionError:
        depth, line = _depth(text)
        raise InputError(
            f"nested too deeply ({depth} levels); CSL-JSON is a list of items, each a few levels deep",
            location=f"{source_name}:{line}",
        ) from None
    except json.JSONDecodeError as err:
        raise InputError(
            f"not valid JSON: {err.msg} (column {err.colno})", location=f"{source_name}:{err.lineno}"
        ) from None
    except ValueError as err:  # NaN / Infinity
        raise InputError(f"not valid JSON: {err}", location=source_name) from None
    if not isinstance(data, list):
        raise InputError(
            f"a CSL-JSON file must be a JSON array of items ([{{...}}, ...]), not {_kind(data)}",
            location=source_name,
        )
    problems: list[InputError] = []
    try:
        parsed = _check_items(data, source_name, None if errors is None else problems)
    except RecursionError:  # deep "custom" data that json itself could just still read
        depth, line = _depth(text)
        raise InputError(
            f"nested too deeply ({depth} levels); CSL-JSON is a list of items, each a few levels deep",
            location=f"{source_name}:{line}",
        ) from None
    if errors is not None:
        errors.extend(problems)
    return parsed


def _check_items(data: list[Any], source_name: str, errors: list[InputError] | None) -> list[ParsedItem]:
    """The valid items; a bad one raises, or with ``errors`` is added there and left out."""
    parsed: list[ParsedItem] = []
    first_record: dict[str, int] = {}
    for number, entry in enumerate(data, start=1):
        location = f"{source_name}, record {number}"
        warnings: tuple[str, ...] = ()
        if isinstance(entry, dict) and isinstance(entry.get("type"), str) and entry["type"] not in CSL_TYPES:
            warnings = (f'unknown CSL type "{entry["type"]}", read as a document',)
            entry["type"] = "document"
        try:
            item = _check_item(entry, location)
            key = str(item["id"])
            if key in first_record:
                raise InputError(
                    f"the id '{key}' is already used by record {first_record[key]}",
                    location=location,
                    field="id",
                )
        except InputError as err:
            if errors is None:
                raise
            errors.append(err)
            continue
        first_record[key] = number
        parsed.append(ParsedItem(item, location, warnings=warnings))
    return parsed


def _depth(text: str) -> tuple[int, int]:
    """The deepest nesting in ``text`` and the line where it first passes the reporting limit."""
    depth = deepest = 0
    line, reported = 1, 0
    for match in re.finditer(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}\n]', text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if depth > _MAX_REPORTED_DEPTH and not reported:
                reported = line
        elif token in "]}":
            depth -= 1
    return deepest, reported or line


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    return "a number"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_item(entry: Any, location: str) -> CslItem:
    """Validate one item as the schema would and return it (date parts as ints)."""
    if not isinstance(entry, dict):
        raise InputError(f"an item must be a JSON object, not {_kind(entry)}", location=location)
    _check_duplicates(entry, location, None)
    if "id" not in entry:
        raise InputError("is missing; every item needs an 'id'", location=location, field="id")
    if "type" not in entry:
        raise InputError(
            "is missing; every item needs a 'type' (for example \"book\")", location=location, field="type"
        )
    item: CslItem = {}
    for key, value in entry.items():
        kind = FIELDS.get(key)
        if kind is None:
            raise InputError(
                'is not a CSL-JSON field (the official schema rejects it); put extra data under "custom"',
                location=location,
                field=key,
            )
        if _has_nul(value):  # a JSON "\u0000" escape: the file itself has no NUL byte to refuse
            raise InputError("contains a NUL character (\\u0000)", location=location, field=key)
        item[key] = _check_value(kind, value, location, key)
    return item


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _check_duplicates(obj: Any, location: str, field: str | None) -> None:
    duplicates = getattr(obj, "duplicates", None)
    if duplicates:
        raise InputError(f"the key '{duplicates[0]}' appears twice", location=location, field=field)


def _check_value(kind: str, value: Any, location: str, field: str) -> Any:
    def fail(problem: str) -> InputError:
        return InputError(problem, location=location, field=field)

    if kind == "id":
        if not (isinstance(value, str) and value.strip()) and not _is_number(value):
            raise fail(f"must be a non-empty string or a number, not {_kind(value)}")
        return value
    if kind == "type":
        if value not in CSL_TYPES:
            shown = json.dumps(value, ensure_ascii=False)
            raise fail(f"{shown} is not a CSL item type; use one of: {', '.join(CSL_TYPES)}")
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise fail(f"must be a string, not {_kind(value)}")
        return value
    if kind == "number":
        if not isinstance(value, str) and not _is_number(value):
            raise fail(f"must be a string or a number, not {_kind(value)}")
        return value
    if kind == "categories":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail("must be an array of strings")
        return value
    if kind == "custom":
        if not isinstance(value, dict):
            raise fail(f"must be an object, not {_kind(value)}")
        return _plain(value)
    if kind == "names":
        return _check_names(value, fail, location, field)
    return _check_date(value, fail, location, field)


def _plain(value: Any) -> Any:
    """Nested JSON as plain dicts/lists (our duplicate-tracking dict is an implementation detail)."""
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _check_names(value: Any, fail: Any, location: str, field: str) -> list[dict[str, Any]]:
    example = '[{"family": "Roberts", "given": "Geoffrey"}]'
    if not isinstance(value, list):
        raise fail(f"must be a list of names like {example}, not {_kind(value)}")
    names = []
    for position, name in enumerate(value, start=1):
        if not isinstance(name, dict):
            raise fail(f"name {position} must be an object like {example[1:-1]}, not {_kind(name)}")
        _check_duplicates(name, location, field)
        for key, part in name.items():
            if key in NAME_STRING_KEYS:
                if not isinstance(part, str):
                    raise fail(f"name {position}: '{key}' must be a string, not {_kind(part)}")
            elif key in NAME_FLAG_KEYS:
                if not isinstance(part, str | int | float | bool):
                    raise fail(f"name {position}: '{key}' must be a string, number or true/false")
            else:
                raise fail(f"name {position} has the unknown key '{key}'; use {', '.join(NAME_STRING_KEYS)}")
        names.append(dict(name))
    return names


def _check_date(value: Any, fail: Any, location: str, field: str) -> dict[str, Any]:
    if isinstance(value, str):
        iso = parse_iso_parts(value)
        if iso is not None:
            parts = ", ".join(str(p) for p in iso)
            hint = f'{{"date-parts": [[{parts}]]}}'
        else:
            shown = json.dumps(value, ensure_ascii=False)
            hint = f'{{"date-parts": [[year, month, day]]}} or {{"literal": {shown}}}'
        raise fail(f"is a date string ({json.dumps(value, ensure_ascii=False)}); CSL-JSON needs {hint}")
    if not isinstance(value, dict):
        raise fail(f'must be a date object like {{"date-parts": [[2006, 5, 12]]}}, not {_kind(value)}')
    _check_duplicates(value, location, field)
    date: dict[str, Any] = {}
    for key, part in value.items():
        if key not in DATE_KEYS:
            raise fail(f"has the unknown key '{key}'; a date has {', '.join(DATE_KEYS)}")
        if key == "date-parts":
            date[key] = _check_date_parts(part, fail)
        elif key in ("literal", "raw") and not isinstance(part, str):
            raise fail(f"'{key}' must be a string, not {_kind(part)}")
        elif key == "season" and not (isinstance(part, str) or _is_number(part)):
            raise fail(f"'season' must be a string or a number, not {_kind(part)}")
        elif key == "circa" and not isinstance(part, str | int | float | bool):
            raise fail(f"'circa' must be a string, number or true/false, not {_kind(part)}")
        else:
            date[key] = part
    return date


def _check_date_parts(parts: Any, fail: Any) -> list[list[Any]]:
    shape = "'date-parts' must be [[year, month, day]] (or two such dates for a range)"
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        raise fail(shape)
    result = []
    for date in parts:
        if not isinstance(date, list) or not 1 <= len(date) <= 3:
            raise fail(shape)
        if not all(isinstance(p, str) or _is_number(p) for p in date):
            raise fail(f"{shape}: each part is a number or a string")
        result.append(
            [int(p) if isinstance(p, str) and re.fullmatch(r"-?\d+", p.strip()) else p for p in date]
        )
    return result


# --- writing ---------------------------------------------------------------------------------------


class OwnItem(dict[str, Any]):
    """A CSL item refdb built from its own records (``services.citations``): valid by construction
    (the schema's types and CHECK constraints, the item builder's shapes), so :func:`dumps` writes it
    without checking it again.  Any other item is checked as an imported one is."""


def dumps(items: Iterable[CslItem]) -> Iterator[str]:
    """A JSON array, one item per line and chunk; keys in a stable order (id, type, then alphabetical)."""
    empty = True
    for index, item in enumerate(items, start=1):
        plain = {k: v for k, v in item.items() if v is not None}
        if type(item) is OwnItem:  # the trusted path: what _check_item would return, unchecked
            checked = plain
        else:
            try:
                checked = _check_item(plain, f"item {index}")
            except InputError as err:
                raise ValueError(f"cannot export invalid CSL-JSON: {err}") from None
        # one item per line: diffs cleanly, and the C encoder (used only without indent) is ~5x faster
        yield ("[\n" if empty else ",\n") + json.dumps(_canonical(checked), ensure_ascii=False)
        empty = False
    yield "[]\n" if empty else "\n]\n"


def _canonical(item: CslItem) -> dict[str, Any]:
    ordered: dict[str, Any] = {"id": item["id"], "type": item["type"]}
    for key in sorted(k for k in item if k not in ("id", "type")):
        value = item[key]
        kind = FIELDS[key]
        if kind == "names":
            value = [_ordered(name, (*NAME_STRING_KEYS, *NAME_FLAG_KEYS)) for name in value]
        elif kind == "date":
            value = _ordered(value, DATE_KEYS)
        elif kind == "custom":
            value = _sorted(value)
        ordered[key] = value
    return ordered


def _ordered(obj: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {key: obj[key] for key in order if key in obj}


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value
