"""The browser's edit form of every kind of record, derived from its definition (``refdb.records``).

A record's form holds every field the dataset format holds, in the definition's order: text and
choice fields (a ``Literal`` is a select of its values), lists of keys as one comma-separated field,
a nested record (a quote's ``origin``) as a group of fields, and a list of nested records (a claim's
citations, a person's variants) as one row per record, with a "remove" box, and blank rows to add
more.  The curator's notes (``curated``) are a text field of ``field: basis`` lines.

Field names in the page are paths into the record: ``text``, ``origin.locator``,
``citations.2.anchor.exact``.  :func:`values` flattens a record into them, :func:`record` reads a
posted form back into the record's dataset form, which the authoring services check exactly as they
check a record of a file: the form has no rules of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import msgspec

from refdb.records import RECORDS
from refdb.records.defs import bare

BLANK_ROWS = 2  # empty rows under a list of nested records, to add to it
LONG = {"text", "note", "abstract", "description"}  # fields shown as a text area
LABELS = {"class": "Class (primary, secondary ...)", "isbn": "ISBN", "issn": "ISSN", "doi": "DOI", "url": "URL",
          "found_in": "Found in", "author_label": "Author (as described)", "short_title": "Short title",
          "container_title": "In (journal, book, series)", "archive_location": "Archive location",
          "archive_place": "Archive place", "about": "About (people's keys)", "claims": "Claims (keys)",
          "tags": "Tags (keys; new ones are made)", "aliases": "Aliases (other citation keys)",
          "speaker": "Speaker (a person's key)", "claim": "Claim (key)", "author": "Author (a person's key)",
          "answers": "Answers (the source's key)", "source": "Source (key)", "person": "Person (key)"}  # fmt: skip
TOP_LABELS = {("claim", "text"): "Claim", ("quote", "text"): "Quote (verbatim, typography included)",
              ("comment", "text"): "Comment", ("source", "text"): "Full text (paste it, or bring in a file below)"}
SKIP = {"text_file"}  # a file beside a dataset: the database holds the text itself


@dataclass(frozen=True)
class Field:
    name: str  # the path of the field within its record or row
    label: str
    widget: str  # "text", "area", "select", "keys" or "curated"
    choices: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    verbatim: bool = False
    refers: str | None = None  # the kind of record a key field names (offered as choices)


# the fields that name another record by its key, and the kind they name
REFERS = {"source": "source", "answers": "source", "person": "person", "speaker": "person", "author": "person",
          "claim": "claim"}  # fmt: skip


@dataclass(frozen=True)
class Group:
    """A nested record (``many=False``) or a list of them, one row each."""

    name: str
    label: str
    fields: tuple[Field | Group, ...] = field(default_factory=tuple)
    many: bool = False
    required: bool = False
    help: str = ""


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _members(t: Any) -> tuple[Any, bool]:
    """The type without None, and whether None was allowed."""
    inspect = msgspec.inspect
    t = bare(t)
    if isinstance(t, inspect.UnionType):
        rest = [x for x in t.types if not isinstance(x, inspect.NoneType)]
        return (rest[0] if len(rest) == 1 else inspect.UnionType(types=tuple(rest))), len(rest) != len(t.types)
    return t, False


def _verbatim(t: Any) -> bool:
    """A field the definition keeps exactly as written, white space included (anchors, a source's text)."""
    inspect = msgspec.inspect
    if isinstance(t, inspect.Metadata):
        return bool((t.extra or {}).get("verbatim")) or _verbatim(t.type)
    if isinstance(t, inspect.UnionType):
        return any(map(_verbatim, t.types))
    return False


def _description(t: Any) -> str:
    inspect = msgspec.inspect
    if isinstance(t, inspect.Metadata):
        return str((t.extra_json_schema or {}).get("description") or "") or _description(t.type)
    if isinstance(t, inspect.UnionType):
        return next((d for d in map(_description, t.types) if d), "")
    return ""


def _fields(cls: Any, nested: bool = False) -> tuple[Field | Group, ...]:
    inspect = msgspec.inspect
    out: list[Field | Group] = []
    for f in inspect.type_info(cls).fields:  # type: ignore[attr-defined]
        name = f.encode_name
        if name in SKIP:
            continue
        t, _optional = _members(f.type)
        help_ = _description(f.type)
        if nested and help_.startswith("a key:"):  # said once, at the record's own key
            help_ = ""
        if isinstance(t, inspect.StructType):
            out.append(Group(name, _label(name), _fields(t.cls, True), required=f.required, help=help_))
        elif isinstance(t, inspect.ListType) and isinstance(bare(t.item_type), inspect.StructType):
            out.append(Group(name, _label(name), _fields(bare(t.item_type).cls, True), many=True, help=help_))
        elif isinstance(t, inspect.ListType):
            out.append(Field(name, _label(name), "keys", help=help_ or "comma-separated"))
        elif isinstance(t, inspect.DictType):
            out.append(Field(name, "Curator's notes", "curated",
                             help="one per line: field: the basis for a value the source does not state"))  # fmt: skip
        elif isinstance(t, inspect.LiteralType):
            out.append(Field(name, _label(name), "select", tuple(map(str, t.values)), f.required, help_))
        else:
            verbatim = _verbatim(f.type)
            widget = "area" if (name in LONG and not nested) or verbatim else "text"
            out.append(Field(name, _label(name), widget, (), f.required, help_, verbatim, REFERS.get(name)))
    return tuple(out)


@cache
def form_of(kind: str) -> tuple[Field | Group, ...]:
    """The form of a kind of record: its fields and groups, in the definition's order."""
    return tuple(
        Field(**{**item.__dict__, "label": TOP_LABELS[(kind, item.name)]})
        if isinstance(item, Field) and (kind, item.name) in TOP_LABELS else item
        for item in _fields(RECORDS[kind])
    )


# ------------------------------------------------------------------------------ record -> values


def values(kind: str, plain: dict[str, Any]) -> dict[str, str]:
    """A record's dataset form (``authoring`` / ``history.plain_record``) as the form's field values."""
    out: dict[str, str] = {}
    _flatten(form_of(kind), plain, "", out)
    return out


def _flatten(items: tuple[Field | Group, ...], data: dict[str, Any], prefix: str, out: dict[str, str]) -> None:
    for item in items:
        value = data.get(item.name)
        path = prefix + item.name
        if isinstance(item, Group):
            if item.many:
                for i, row in enumerate(value or []):
                    if isinstance(row, str):  # a variant's shorthand: the bare name
                        row = {"name": row}
                    _flatten(item.fields, row, f"{path}.{i}.", out)
            elif isinstance(value, dict):
                _flatten(item.fields, value, path + ".", out)
        elif value is None:
            continue
        elif item.widget == "keys":
            out[path] = ", ".join(map(str, value))
        elif item.widget == "curated":
            out[path] = "\n".join(f"{k}: {v}" for k, v in value.items())
        else:
            out[path] = str(value)


class Values(dict[str, str]):
    """A form's values, and the groups that hold any (``filled``: ``citations.0.anchor`` ...), to show
    those open."""

    @property
    def filled(self) -> set[str]:
        out: set[str] = set()
        for path, value in self.items():
            if value:
                parts = path.split(".")
                out.update(".".join(parts[:i]) for i in range(1, len(parts)))
        return out


def rows(kind: str, values_: dict[str, str], group: str) -> int:
    """How many rows a list group shows: its records, and the blank rows to add more."""
    prefix = group + "."
    present = {int(k[len(prefix) :].split(".", 1)[0]) for k in values_ if k.startswith(prefix)
               and k[len(prefix) :].split(".", 1)[0].isdigit()}  # fmt: skip
    return (max(present) + 1 if present else 0) + BLANK_ROWS


# ------------------------------------------------------------------------------- form -> record


def record(kind: str, form: dict[str, str]) -> dict[str, Any]:
    """The record a posted form describes, in its dataset form: empty fields are absent, rows that are
    empty or marked for removal are dropped.  Nothing is checked here (the services check it)."""
    return _read(form_of(kind), form, "")


def _text(item: Field, raw: str) -> str:
    raw = raw.replace("\r\n", "\n")  # a browser sends a text area's line breaks as CRLF
    return raw if item.verbatim else raw.strip()


def _read(items: tuple[Field | Group, ...], form: dict[str, str], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        path = prefix + item.name
        if isinstance(item, Group):
            if item.many:
                found = []
                for i in range(_row_count(form, path)):
                    row_prefix = f"{path}.{i}."
                    if form.get(row_prefix + "remove"):
                        continue
                    row = _read(item.fields, form, row_prefix)
                    if row:
                        found.append(row)
                if found:
                    out[item.name] = found
            else:
                nested = _read(item.fields, form, path + ".")
                if nested:
                    out[item.name] = nested
            continue
        raw = form.get(path)
        if raw is None:
            continue
        value = _text(item, raw)
        if value == "":
            continue
        if item.widget == "keys":
            keys = [k.strip() for k in value.replace("\n", ",").split(",") if k.strip()]
            if keys:
                out[item.name] = keys
        elif item.widget == "curated":
            notes: dict[str, str] = {}
            for line in value.splitlines():
                name, sep, basis = line.partition(":")
                if line.strip():
                    notes[name.strip()] = basis.strip() if sep else ""
            out[item.name] = notes
        else:
            out[item.name] = value
    return out


def _row_count(form: dict[str, str], path: str) -> int:
    prefix = path + "."
    indices = [k[len(prefix) :].split(".", 1)[0] for k in form if k.startswith(prefix)]
    numbers = [int(i) for i in indices if i.isdigit() and len(i) < 5]
    return max(numbers) + 1 if numbers else 0


def present(kind: str, form: dict[str, str]) -> set[str]:
    """The record's fields a posted form speaks for (a field it does not hold at all is kept as it is)."""
    names = set()
    for item in form_of(kind):
        if item.name in form or any(k.startswith(item.name + ".") for k in form):
            names.add(item.name)
    return names


def changed(kind: str, theirs: dict[str, str], mine: dict[str, str]) -> list[tuple[str, str, str]]:
    """The fields where two versions of a form differ: (path, theirs, mine), in the form's order."""
    paths = list(dict.fromkeys([*theirs, *mine]))
    return [(p, theirs.get(p, ""), mine.get(p, "")) for p in paths if theirs.get(p, "") != mine.get(p, "")]


def error_path(kind: str, location: str | None, field_: str | None) -> str | None:
    """The form field an error of the services names (``claim x, citation 2`` and ``stance`` ->
    ``citations.1.stance``), or None when it names none the form has."""
    if not field_:
        return None
    items: tuple[Field | Group, ...] = form_of(kind)
    path = ""
    steps = (location or "").split(": ")[-1].split(", ")[1:]  # after "claim x"
    for step in steps:
        name, _, number = step.partition(" ")
        group = next((g for g in items if isinstance(g, Group) and name in (g.name, _singular(g.name))), None)
        if group is None:
            return None
        path += group.name + "."
        if group.many:
            if not number.isdigit():
                return None
            path += f"{int(number) - 1}."
        items = group.fields
    names = {i.name for i in items}
    return path + field_ if field_ in names else None


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


_UNKNOWN = re.compile(r"^unknown (?:person|source|tag|claim|quote|comment) '([^']+)'")


def path_naming(values_: dict[str, str], problem: str) -> str | None:
    """For "unknown source 'x'": the first field of the form that names ``x`` (a reference that does
    not resolve), so the message is shown beside it."""
    match = _UNKNOWN.match(problem)
    if match is None:
        return None
    key = match.group(1)
    return next((path for path, value in values_.items()
                 if value == key or key in (v.strip() for v in value.split(","))), None)  # fmt: skip


def referred_kinds(kind: str) -> set[str]:
    """The kinds of record a kind's form names by key (choices are offered for them)."""

    def walk(items: tuple[Field | Group, ...]) -> set[str]:
        out: set[str] = set()
        for item in items:
            if isinstance(item, Group):
                out |= walk(item.fields)
            elif item.refers:
                out.add(item.refers)
        return out

    return walk(form_of(kind))
