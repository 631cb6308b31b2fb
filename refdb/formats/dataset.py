"""The dataset format: a human-editable YAML file holding a whole refdb database.

The records themselves are declared once, in ``refdb.records``; this module reads and writes
their YAML form.  ``parse`` reads a file into records, checking syntax, types, allowed values,
unknown fields and duplicate keys by the definition and naming ``file:line`` for every problem.
``dumps`` writes records back, sorted and stable, so that two dumps diff cleanly and
dump -> load -> dump is byte-identical.  References between records (a claim citing a source key)
and anchors are checked by the writer that stores them (``refdb.services.store``), since they may
point into the database.

The format is documented in README.md and by ``docs/dataset.schema.json``, generated from the
definition (``refdb.records.schema``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import msgspec

from refdb.dates import PartialDate
from refdb.errors import InputError
from refdb.records import KIND_OF, SECTION_OF, ChangeRec, Dataset, Record, SourceRec
from refdb.records.defs import MAX_KEY, date_text, partial_date
from refdb.records.defs import bare as _bare
from refdb.vocab import LOCATOR_LABELS

__all__ = ["FORMAT_VERSION", "SECTION_OF", "NotStreamable", "PartialDate", "date_text", "dump_pages", "dumps",
           "iter_batches", "parse", "parse_record", "partial_date", "plain_records", "record_digest",
           "to_plain"]  # fmt: skip

FORMAT_VERSION = 1
_WHAT = {"people": "person", "sources": "source", "tags": "tag", "claims": "claim", "quotes": "quote",
         "comments": "comment"}  # fmt: skip
# how a nested record is named in a message: "claim c1, citation"
_SINGULAR = {"contributors": "contributor", "variants": "variant", "citations": "citation",
             "relations": "relation", "disputes": "dispute"}  # fmt: skip


# --------------------------------------------------------------------------------------------
# reading


class _Located(dict[str, Any]):
    line: int = 0


def _loader_class(source_name: str) -> Any:
    """A safe YAML loader (libyaml's C parser when PyYAML has it: ~10x faster) whose mappings know
    their line and refuse duplicate fields."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc,valid-type]  # safe: no arbitrary objects, ever
        line_offset = 0  # the line the text starts on, less one (a record's text read on its own)

    def construct_mapping(loader: Any, node: yaml.MappingNode) -> _Located:
        loader.flatten_mapping(node)
        result = _Located()
        offset = loader.line_offset
        result.line = node.start_mark.line + 1 + offset
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            where = f"{source_name}:{key_node.start_mark.line + 1 + offset}"
            if not isinstance(key, str):
                raise InputError(f"field names must be text, not {key!r}", location=where)
            if key in result:
                raise InputError(f"duplicate field '{key}' in one record", location=where)
            result[key] = loader.construct_object(value_node, deep=True)
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def _yaml_load(text: str, source_name: str) -> Any:
    import yaml

    loader = _loader_class(source_name)(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(f"YAML syntax error: {problem}", location=f"{source_name}{line}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {str(exc).splitlines()[0]}", location=source_name) from None
    except RecursionError:
        raise InputError("nested too deeply to be a dataset", location=source_name) from None
    finally:
        loader.dispose()


def _typename(value: Any) -> str:
    return {dict: "a mapping", _Located: "a mapping", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


_INFO: dict[type, Any] = {}


def _info(cls: type) -> Any:
    if cls not in _INFO:
        _INFO[cls] = msgspec.inspect.type_info(cls)
    return _INFO[cls]


def _extra(t: Any, name: str) -> Any:
    """A ``Meta(extra=...)`` entry of a (possibly optional) type."""
    inspect = msgspec.inspect
    if isinstance(t, inspect.Metadata):
        return (t.extra or {}).get(name, _extra(t.type, name))
    if isinstance(t, inspect.UnionType):
        return next((v for v in (_extra(x, name) for x in t.types) if v is not None), None)
    return None


def _is_text(t: Any) -> bool:
    inspect = msgspec.inspect
    t = _bare(t)
    if isinstance(t, inspect.UnionType):
        return any(isinstance(x, inspect.StrType) for x in t.types)
    return isinstance(t, inspect.StrType)


def _struct_of(t: Any) -> Any:
    inspect = msgspec.inspect
    t = _bare(t)
    if isinstance(t, inspect.UnionType):
        return next((x for x in t.types if isinstance(x, inspect.StructType)), None)
    return t if isinstance(t, inspect.StructType) else None


def _list_of(t: Any) -> Any:
    """The item type of a list type, or None."""
    t = _bare(t)
    return t.item_type if isinstance(t, msgspec.inspect.ListType) else None


_PLANS: dict[int, tuple[Any, Any, Any, bool]] = {}
_VERBATIM: dict[int, bool] = {}


def _plan(t: Any) -> tuple[Any, Any, Any, bool]:
    """What a field's type asks of a value: (struct, list item type, shorthand, is text).  Worked out
    once per type: the types are those of the cached definitions, so their ids are stable."""
    plan = _PLANS.get(id(t))
    if plan is None:
        item = _list_of(t)
        plan = (_struct_of(t), _bare(item) if item is not None else None, _extra(t, "shorthand"), _is_text(t))
        _PLANS[id(t)] = plan
        _KEEP.append(t)
    return plan


def _verbatim(t: Any) -> bool:
    verbatim = _VERBATIM.get(id(t))
    if verbatim is None:
        verbatim = _VERBATIM[id(t)] = bool(_extra(t, "verbatim"))
        _KEEP.append(t)
    return verbatim


_KEEP: list[Any] = []  # the types the caches above are keyed by stay alive, so their ids stay theirs


@functools.cache
def _fields(cls: type) -> tuple[Any, ...]:
    return msgspec.structs.fields(cls)


class _Normaliser:
    """Brings YAML values to the definition's types before msgspec checks them: numbers and dates
    where text is expected become text, text is stripped (except verbatim fields), empty optional
    values are absent.  Problems msgspec cannot name well are raised here, with file and line."""

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name

    def record(self, value: Any, info: Any, where: str, what: str) -> Any:
        if not isinstance(value, dict):
            return value  # msgspec says what it expected
        line = getattr(value, "line", 0)
        here = f"{self.source_name}:{line}" if line else where
        out = _Located(value)
        out.line = line
        for f in info.fields:
            if f.encode_name in out:
                out[f.encode_name] = self.value(out[f.encode_name], f.type, f, here, what)
        return out

    def value(self, value: Any, t: Any, f: Any, where: str, what: str) -> Any:
        if value is None:
            return None
        struct, item, shorthand, is_text = _plan(t)
        if struct is not None:
            return self.record(value, struct, where, f"{what}, {f.encode_name}")
        if item is not None and isinstance(value, list):
            out = []
            for element in value:
                if shorthand and isinstance(element, str):
                    element = {shorthand: element}
                if isinstance(item, msgspec.inspect.StructType):
                    out.append(
                        self.record(
                            element, item, where, f"{what}, {_SINGULAR.get(f.encode_name, f.encode_name)}"
                        )
                    )
                else:
                    out.append(element)
            return out
        if is_text:
            return self.text(value, t, f, where, what)
        return value

    def text(self, value: Any, t: Any, f: Any, where: str, what: str) -> Any:
        if isinstance(value, dt.date):
            value = value.isoformat()
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return value
        text = str(value)
        if "\x00" in text:
            raise InputError("contains a NUL byte", location=f"{where}: {what}", field=f.encode_name)
        if not _verbatim(t):
            text = text.strip()
        if not text:
            if f.required:
                raise InputError("must not be empty", location=f"{where}: {what}", field=f.encode_name)
            return None
        return text


_AT = re.compile(r"^(?P<head>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]|\[[^\]]*\]")
_WORDS = {"str": "text", "array": "a list", "object": "a mapping", "int": "a number", "float": "a number",
          "bool": "true/false", "null": "empty"}  # fmt: skip


def _explain(exc: msgspec.ValidationError, record: Any, info: Any, where: str, what: str) -> InputError:
    """msgspec's message, as one line that says which record, which field and what is wrong."""
    match = _AT.match(str(exc))
    assert match is not None
    head, path = match.group("head"), match.group("path") or ""
    node, t, fld = record, info, None
    loc_line = getattr(record, "line", 0)
    parent_is_key_list = False
    for step in _STEP.finditer(path):
        name, index = step.group(1), step.group(2)
        if name is not None:
            field_info = next((f for f in (_struct_of(t) or t).fields if f.encode_name == name), None)
            fld = name
            node = node.get(name) if isinstance(node, dict) else None
            t = field_info.type if field_info is not None else None
            parent_is_key_list = False
            struct = _struct_of(t) if t is not None else None
            if struct is not None and isinstance(node, dict):
                what, t, fld = f"{what}, {name}", struct, None
                loc_line = getattr(node, "line", loc_line)
        elif index is not None:
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
            item = _bare(_list_of(t)) if t is not None else None
            if isinstance(item, msgspec.inspect.StructType):
                what, t, fld = f"{what}, {_SINGULAR.get(fld or '', fld)}", item, None
                loc_line = getattr(node, "line", loc_line)
                if not loc_line:  # not from a file (a form, a command): say which one
                    what += f" {int(index) + 1}"
            else:
                parent_is_key_list, t = True, item
        else:  # a mapping's entry (curated)
            parent_is_key_list = False
            t = None
    location = f"{where.split(':')[0]}:{loc_line}" if loc_line else where
    location = f"{location}: {what}"
    problem = head
    custom = re.match(r"^field '([^']+)': (.*)$", head, re.S)
    if custom:
        return InputError(custom.group(2), location=location, field=custom.group(1))
    if fld == "curated" or path.startswith(".curated"):
        return InputError("must map field names to the basis for the curator's addition", location=location,
                          field="curated")  # fmt: skip
    if m := re.match(r"Object contains unknown field `([^`]+)`", head):
        return InputError(f"unknown field '{m.group(1)}'", location=location)
    if m := re.match(r"Object missing required field `([^`]+)`", head):
        return InputError("is required", location=location, field=m.group(1))
    kind = _extra(t, "kind") if t is not None else None
    if parent_is_key_list:
        return InputError(f"every entry must be a key, not {node!r}", location=location, field=fld)
    if m := re.match(r"Expected `([^`]+)`, got `([^`]+)`", head):
        expected = [w for w in m.group(1).split(" | ") if w != "null"]
        problem = f"must be {_WORDS.get(expected[0], expected[0])}, not {_WORDS.get(m.group(2), m.group(2))}"
    elif head.startswith("Expected `str` matching regex"):
        if kind == "date":
            problem = f"'{node}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        else:
            problem = f"'{node}' is not a valid key (lowercase letters, digits, '.', '_' and '-')"
    elif head.startswith("Expected `str` of length <="):
        problem = f"is {len(str(node))} characters long; a key has at most {MAX_KEY}"
    elif m := re.match(r"Invalid enum value (.*)$", head):
        allowed = _literal_values(t)
        if set(allowed) == set(LOCATOR_LABELS):
            problem = (
                f"'{node}' is not a locator label; use one of CSL's labels the citation engine prints: "
                + ", ".join(LOCATOR_LABELS)
            )
        else:
            shown = ", ".join(sorted(allowed)) if len(allowed) < 12 else "a CSL item type (book, chapter, ...)"
            problem = f"'{node}' is not one of: {shown}"
    return InputError(problem, location=location, field=fld)


def _literal_values(t: Any) -> tuple[str, ...]:
    inspect = msgspec.inspect
    t = _bare(t)
    if isinstance(t, inspect.UnionType):
        return next((tuple(map(str, x.values)) for x in t.types if isinstance(x, inspect.LiteralType)), ())
    return tuple(map(str, getattr(t, "values", ())))


def _set_locs(rec: Any, source_name: str, data: Any) -> None:
    """Every record and nested record knows where it was read (``file:line``) for later errors."""
    line = getattr(data, "line", 0)
    if isinstance(rec, Record):
        rec.loc = f"{source_name}:{line}" if line else source_name
        for f in _fields(type(rec)):
            value = getattr(rec, f.name)
            raw = data.get(f.encode_name) if isinstance(data, dict) else None
            if isinstance(value, Record):
                _set_locs(value, source_name, raw if raw is not None else data)
            elif isinstance(value, list) and value and isinstance(value[0], Record):
                for i, item in enumerate(value):
                    sub = raw[i] if isinstance(raw, list) and i < len(raw) else data
                    _set_locs(item, source_name, sub if isinstance(sub, dict) else data)


def _convert(cls: type[Record], record: Any, *, source_name: str, what: str, line: int) -> Any:
    where = f"{source_name}:{line}" if line else source_name
    if not isinstance(record, dict):
        raise InputError(f"{what} must be a mapping of fields, not {_typename(record)}", location=where)
    info = _info(cls)
    normal = _Normaliser(source_name).record(record, info, where, what)
    try:
        rec = msgspec.convert(normal, cls)
    except msgspec.ValidationError as exc:
        raise _explain(exc, normal, info, where, what) from None
    _set_locs(rec, source_name, normal)
    return rec


def _read_text_file(rec: SourceRec, base_dir: Path | None, where: str) -> None:
    name = rec.text_file
    if name is None:
        return
    path = Path(name)
    if base_dir is None or path.is_absolute() or ".." in path.parts:
        raise InputError(
            f"'{name}' must be a file name beside the dataset", location=where, field="text_file"
        )
    full = base_dir / path
    try:
        data = full.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read '{full}': {exc.strerror}", location=where, field="text_file") from None
    try:
        rec.text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"'{full}' is not valid UTF-8 (byte {exc.start})", location=where,
                         field="text_file") from None  # fmt: skip
    rec.text_file = None


def _record(kind: str, item: Any, *, source_name: str, what: str, line: int, base_dir: Path | None) -> Any:
    from refdb.records import RECORDS

    rec = _convert(RECORDS[kind], item, source_name=source_name, what=what, line=line)
    if isinstance(rec, SourceRec):
        _read_text_file(rec, base_dir, f"{rec.loc}: {what}")
    return rec


def parse_record(kind: str, record: dict[str, Any], *, source_name: str, base_dir: Path | None = None) -> Any:
    """One record of a kind (person, source, tag, claim, quote, comment), checked like a file's."""
    what = f"{kind} {record.get('key') or ''}".strip() if isinstance(record, dict) else kind
    return _record(kind, record, source_name=source_name, what=what, line=0, base_dir=base_dir)


def parse(text: str, *, source_name: str, base_dir: Path | None = None) -> Dataset:
    """Read and check a dataset file's text.  Raises InputError naming file:line and field."""
    if not text.strip():
        raise InputError("the file is empty", location=source_name)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError("contains a NUL byte", location=f"{source_name}:{line}")
    data = _yaml_load(text, source_name)
    sections = Dataset.SECTIONS
    if not isinstance(data, dict):
        raise InputError(
            f"a dataset is a mapping with the sections {', '.join(sections)}; found {_typename(data)}",
            location=source_name,
        )
    version = data.get("refdb")
    if version != FORMAT_VERSION:
        raise InputError(
            f"missing or unknown format marker 'refdb: {version}'; this refdb reads 'refdb: {FORMAT_VERSION}'",
            location=f"{source_name}:{getattr(data, 'line', 1)}",
        )
    unknown = [name for name in data if name not in sections and name not in ("refdb", "history")]
    if unknown:
        raise InputError(
            f"unknown section '{unknown[0]}'; the sections are: {', '.join(sections)}", location=source_name
        )
    dataset = Dataset()
    for section in sections:
        items = data.get(section) or []
        if not isinstance(items, list):
            raise InputError(f"section '{section}' must be a list", location=source_name)
        what_kind = _WHAT[section]
        seen: dict[str, str] = {}
        out = []
        for index, item in enumerate(items, start=1):
            key = item.get("key") if isinstance(item, dict) else None
            line = getattr(item, "line", 0) or getattr(data, "line", 1)
            record = _record(KIND_OF[section], item, source_name=source_name,
                             what=f"{what_kind} {key or f'#{index}'}", line=line, base_dir=base_dir)  # fmt: skip
            if record.key in seen:
                raise InputError(
                    f"duplicate {what_kind} key '{record.key}' (first at {seen[record.key]})",
                    location=record.loc,
                )
            seen[record.key] = record.loc
            out.append(record)
        setattr(dataset, section, out)
    dataset.history = _history(data.get("history") or [], source_name)
    return dataset


class NotStreamable(Exception):  # not an error: a signal to read the file whole
    """The file is not laid out as a dump is (or has a problem): read it whole with :func:`parse`,
    which names the problem exactly as it always has."""


DIGEST_VERSION = b"refdb record text 1\n"  # part of every digest: a new reading of the text makes new digests


def record_digest(section: str, text: str) -> str:
    """The digest of one record's text as a file holds it (the lines from its ``- `` on)."""
    data = DIGEST_VERSION + section.encode() + b"\n" + text.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# (kind, digests) -> {digest: key}: the records those exact texts made, unchanged since
Known = Callable[[str, list[str]], dict[str, str]]


def iter_batches(path: Path, *, source_name: str, base_dir: Path | None = None, known: Known | None = None,
                 batch: int = 1000) -> Iterator[tuple[str, list[Any], int]]:  # fmt: skip
    """Read a file laid out as ``refdb dump`` writes it, a batch of records of one section at a time:
    (section, records, skipped), then ("history", changes, 0) when the file has a history.

    The file is split into the records' texts by its lines (a record starts at a ``- `` in column
    0, under a section's header), and each record's text is parsed on its own by libyaml (its
    composer in C) and checked by the same rules as :func:`parse`.  ``known`` names the texts the
    database holds unchanged (by :func:`record_digest`): those records are not parsed at all, only
    counted as skipped (their keys, which ``known`` gives, are still checked for order).  Each
    parsed record carries its text's digest (``rec.__dict__['_digest']``; None for a text that
    names a ``text_file``, whose content lies outside the text).  Anything not laid out so, and
    any problem (a YAML error, an alias to another record, keys out of order) raises
    :class:`NotStreamable` or the record's InputError: the caller reads the file whole with
    :func:`parse`, which names the problem as it always has.
    """
    try:
        handle = path.open("rb")
    except OSError:
        raise NotStreamable() from None
    with handle:
        head = handle.read(4)
        handle.seek(0)
        if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00")):  # UTF-16/32: the whole-file reader
            raise NotStreamable()
        import io

        text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline=None)
        try:
            yield from _Chunks(text, source_name, base_dir, known, batch).read()
        except (UnicodeDecodeError, RecursionError, ValueError):
            raise NotStreamable() from None


_COL0 = re.compile(r"^[^ \n#]", re.M)  # a line that neither continues a record nor is blank or a comment
_BLOCK = 1 << 20  # characters read at a time


class _Chunks:
    """The line-level reader behind :func:`iter_batches`."""

    def __init__(self, stream: Any, source_name: str, base_dir: Path | None, known: Known | None,
                 batch: int) -> None:  # fmt: skip
        self.stream, self.source_name, self.base_dir = stream, source_name, base_dir
        self.known, self.batch = known, batch
        self.loader_class = _loader_class(source_name)
        self.last: str | None = None
        self.index = 0

    def _pieces(self) -> Iterator[tuple[bool, str, int]]:
        """(is a record, text, first line) for every line in column 0 that is not blank nor a
        comment: a record's text runs from its ``- `` line to the next such line; any other is one
        line (the format marker, a section's header, or something a dump never writes)."""
        pending: list[str] | None = None  # the current record's text so far
        start = 0  # its first line
        number = 1  # the line that ``text[pos]`` is on
        rest = ""
        while True:
            block = self.stream.read(_BLOCK)
            if "\x00" in block:
                raise NotStreamable()  # the whole-file reader says on which line
            text = rest + block
            if block:
                cut = text.rfind("\n") + 1
                text, rest = text[:cut], text[cut:]
            else:
                rest = ""
            pos = 0
            for match in _COL0.finditer(text):
                at = match.start()
                between = text[pos:at]
                if pending is not None:
                    pending.append(between)
                elif between.startswith(" ") or "\n " in between:
                    raise NotStreamable()  # indented lines outside a record: not as a dump writes them
                number += between.count("\n")
                end = text.find("\n", at) + 1 or len(text)
                line = text[at:end]
                if pending is not None:
                    yield True, "".join(pending), start
                    pending = None
                if line.startswith("- "):
                    pending, start = [line], number
                else:
                    yield False, line, number
                number += 1
                pos = end
            tail = text[pos:]
            if pending is not None:
                pending.append(tail)
            elif tail.startswith(" ") or "\n " in tail:
                raise NotStreamable()
            number += tail.count("\n")
            if not block:
                break
        if pending is not None:
            yield True, "".join(pending), start

    def read(self) -> Iterator[tuple[str, list[Any], int]]:
        pieces = self._pieces()
        piece = next(pieces, None)
        if piece is None or piece[0] or piece[1].rstrip("\n") != f"refdb: {FORMAT_VERSION}":
            raise NotStreamable()
        todo = list(Dataset.SECTIONS)
        piece = next(pieces, None)
        while piece is not None:
            is_record, line, number = piece
            name, _, rest = line.rstrip("\n").partition(":")
            if is_record:
                raise NotStreamable()
            if name == "history" and rest in ("", " []"):
                yield "history", self._history(line, number, pieces), 0
                return
            if name not in todo or rest not in ("", " []"):
                raise NotStreamable()  # unknown, repeated or out of order, or not a dump's header
            todo = todo[todo.index(name) + 1 :]
            piece = next(pieces, None)
            if rest:
                continue
            self.last, self.index = None, 0
            chunks: list[tuple[str, int]] = []
            while piece is not None and piece[0]:
                chunks.append((piece[1], piece[2]))
                if len(chunks) >= self.batch:
                    yield self._batch(name, chunks)
                    chunks = []
                piece = next(pieces, None)
            if chunks:
                yield self._batch(name, chunks)

    def _batch(self, section: str, chunks: list[tuple[str, int]]) -> tuple[str, list[Any], int]:
        kind, what_kind = KIND_OF[section], _WHAT[section]
        digests = [record_digest(section, text) for text, _ in chunks]
        same = self.known(kind, digests) if self.known is not None else {}
        records: list[Record] = []
        skipped = 0
        for (text, start), digest in zip(chunks, digests, strict=True):
            self.index += 1
            key = same.get(digest)
            if key is not None:
                skipped += 1
            else:
                item = self._parse(text, start)
                key = item.get("key") if isinstance(item, dict) else None
                line = getattr(item, "line", 0) or start
                record = _record(kind, item, source_name=self.source_name, line=line, base_dir=self.base_dir,
                                 what=f"{what_kind} {key or f'#{self.index}'}")  # fmt: skip
                record.__dict__["_digest"] = None if "text_file" in text else digest
                records.append(record)
                key = record.key
            if self.last is not None and not key > self.last:
                raise NotStreamable()  # not in key order: a repeated key must be looked for
            self.last = key
        return section, records, skipped

    def _parse(self, text: str, start: int) -> Any:
        """One record's text on its own, by libyaml's C parser and composer."""
        import yaml

        loader = self.loader_class(text)
        loader.line_offset = start - 1
        try:
            node = loader.get_single_node()  # composed in C
            data = _construct(loader, node, self.source_name) if node is not None else None
        except yaml.YAMLError:
            raise NotStreamable() from None  # an alias to another record, or a syntax error: read whole
        finally:
            loader.dispose()
        if not isinstance(data, list) or len(data) != 1:
            raise NotStreamable()
        return data[0]

    def _history(self, header: str, start: int, pieces: Iterator[tuple[bool, str, int]]) -> list[ChangeRec]:
        """The history section, the file's last: read whole (it is small beside the records)."""
        import yaml

        text = header + "".join(text for _, text, _ in pieces)
        loader = self.loader_class(text)
        loader.line_offset = start - 1
        try:
            data = loader.get_single_data()
        except yaml.YAMLError:
            raise NotStreamable() from None
        finally:
            loader.dispose()
        if not isinstance(data, dict) or list(data) != ["history"]:
            raise NotStreamable()
        return _history(data["history"] or [], self.source_name)


_STR_TAG, _SEQ_TAG, _MAP_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _construct(loader: Any, node: Any, source_name: str) -> Any:
    """What ``loader.construct_document(node)`` returns, built directly for the nodes a record's text
    is made of (text, lists, mappings: the mapping constructor's line and duplicate-field rules
    included); any other node (numbers, dates, booleans, nulls, merge keys, tags) is handed to the
    loader's own constructor, so every value is what the whole-file reader makes of it."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    def build(node: Any) -> Any:
        kind, tag = node.__class__, node.tag
        if kind is ScalarNode and tag == _STR_TAG:
            return node.value
        if kind is SequenceNode and tag == _SEQ_TAG:
            return [build(child) for child in node.value]
        if kind is MappingNode and tag == _MAP_TAG and not any(k.tag == _MERGE_TAG for k, _ in node.value):
            offset = loader.line_offset
            result = _Located()
            result.line = node.start_mark.line + 1 + offset
            for key_node, value_node in node.value:
                key = build(key_node)
                where = f"{source_name}:{key_node.start_mark.line + 1 + offset}"
                if not isinstance(key, str):
                    raise InputError(f"field names must be text, not {key!r}", location=where)
                if key in result:
                    raise InputError(f"duplicate field '{key}' in one record", location=where)
                result[key] = build(value_node)
            return result
        return loader.construct_document(node)

    return build(node)


def _history(items: Any, source_name: str) -> list[ChangeRec]:
    """The history section: changes in order, each as ``refdb history`` recorded it."""
    if not isinstance(items, list):
        raise InputError("section 'history' must be a list", location=source_name)
    out = []
    for index, item in enumerate(items, start=1):
        where = f"{source_name}:{getattr(item, 'line', 0)}" if getattr(item, "line", 0) else source_name
        try:
            change = msgspec.convert(item, ChangeRec, str_keys=True)
        except msgspec.ValidationError as exc:
            raise InputError(str(exc), location=f"{where}: history change #{index}") from None
        change.loc = where
        out.append(change)
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise InputError("the history lists a change number twice", location=source_name)
    return out


# --------------------------------------------------------------------------------------------
# writing


def _clean(value: Any) -> Any:
    """Plain data without empty values: what a dump writes."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _clean(v)
            if v not in (None, [], {}, ""):
                out[k] = v
        return out
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


# the canonical order of the lists whose order carries no meaning
_SORTED: dict[str, dict[str, Any]] = {
    "people": {},
    "sources": {},
    "tags": {},
    "claims": {"tags": None, "relations": lambda x: (x["claim"], x["relation"])},
    "quotes": {"claims": None},
    "comments": {"disputes": lambda d: d["claim"]},
}


def plain_records(section: str, records: Iterable[Record]) -> list[dict[str, Any]]:
    """Records of one section as plain dicts in the file's field order, sorted by key."""
    out = []
    for rec in sorted(records, key=lambda r: r.key):  # type: ignore[attr-defined]
        plain = _clean(msgspec.to_builtins(rec))
        plain.pop("text_file", None)
        for name, order in _SORTED[section].items():
            if name in plain:
                plain[name] = sorted(plain[name], key=order)
        if "curated" in plain:
            plain["curated"] = dict(sorted(plain["curated"].items()))
        out.append(plain)
    return out


def to_plain(dataset: Dataset) -> dict[str, Any]:
    """The dataset as plain dicts and lists in the file's field order, records sorted by key."""
    out: dict[str, Any] = {"refdb": FORMAT_VERSION}
    for section in Dataset.SECTIONS:
        out[section] = plain_records(section, getattr(dataset, section))
    if dataset.history:
        out["history"] = [_clean(msgspec.to_builtins(c)) for c in sorted(dataset.history, key=lambda c: c.id)]
    return out


HEADER = "# refdb dataset — see README.md, 'The dataset format'\n"


@functools.cache
def _dumper() -> Any:
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        pass

    def represent_str(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    return Dumper


def _yaml_text(data: Any) -> str:
    """``yaml.dump(data)`` with refdb's settings, byte for byte, but its nodes built directly.

    PyYAML's representer (Python) costs twice the C emitter's time; plain records hold only
    mappings, lists, text, numbers and booleans, whose nodes are built here as the representer
    would build them (block style; ``|`` for text with line breaks).  Any other value goes
    through the representer.
    """
    import io

    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    stream = io.StringIO()
    dumper = _dumper()(stream, default_flow_style=False, allow_unicode=True, width=100, sort_keys=False)
    str_tag, int_tag, bool_tag = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool"
    seq_tag, map_tag = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"

    def node(value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return ScalarNode(str_tag, value, style="|" if "\n" in value else None)
        if kind is dict:
            return MappingNode(map_tag, [(ScalarNode(str_tag, k) if type(k) is str and "\n" not in k else node(k),
                                          node(v)) for k, v in value.items()], flow_style=False)  # fmt: skip
        if kind is list:
            return SequenceNode(seq_tag, [node(v) for v in value], flow_style=False)
        if kind is bool:
            return ScalarNode(bool_tag, "true" if value else "false")
        if kind is int:
            return ScalarNode(int_tag, str(value))
        return dumper.represent_data(value)

    try:
        dumper.open()
        dumper.serialize(node(data))
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()


def dumps(dataset: Dataset) -> str:
    """The dataset as YAML: stable field order, records sorted by key, long texts as blocks."""
    return HEADER + _yaml_text(to_plain(dataset))


def dump_pages(pages: Iterable[tuple[str, list[Record]]], out: TextIO, history: list[Any] | None = None) -> int:
    """Write a dataset as :func:`dumps` does, byte for byte, from pages of records read in order.

    ``pages`` gives each section's records in key order, a page at a time, every section in
    ``Dataset.SECTIONS`` order (a section may have no page, or one empty page).  Each page is
    emitted by libyaml on its own: a block sequence under a top-level key is not indented, so the
    page's text is exactly its part of the whole document, and memory holds one page.  Returns the
    number of records written.
    """
    out.write(HEADER)
    out.write(f"refdb: {FORMAT_VERSION}\n")
    written = 0
    todo = list(Dataset.SECTIONS)
    opened = False
    last_key: str | None = None
    for section, records in pages:
        while todo and todo[0] != section:  # the sections before this one are complete
            if not opened:
                out.write(f"{todo[0]}: []\n")
            todo.pop(0)
            opened, last_key = False, None
        if not todo:
            raise ValueError(f"section '{section}' out of order")  # a bug in the reader
        if not records:
            continue
        plain = plain_records(section, records)
        if last_key is not None and plain[0]["key"] <= last_key:
            raise ValueError(f"pages of '{section}' are not in key order")  # a bug in the reader
        last_key = plain[-1]["key"]
        if not opened:
            out.write(f"{section}:\n")
            opened = True
        out.write(_yaml_text(plain))
        written += len(plain)
    for section in todo:
        if not opened:
            out.write(f"{section}: []\n")
        opened = False
    if history:  # the history section last, as dumps() writes it
        out.write(_yaml_text({"history": [_clean(msgspec.to_builtins(c)) for c in sorted(history, key=lambda c: c.id)]}))
    return written
