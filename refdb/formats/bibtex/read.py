"""Reading BibTeX: bibtexparser 2 splits the file, the rest is done here, with recovery.

bibtexparser keeps each block's line; here come ``@string`` macros and ``#``
concatenation, LaTeX to Unicode (:mod:`.latex`), names (:mod:`.names`) and the
mapping to CSL-JSON (:mod:`.types`).  Every problem bibtexparser records as a
failed block becomes an :class:`InputError` with the line and what is wrong; with
an ``errors`` list, reading goes on with the next block.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from typing import Any

from bibtexparser import model
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import RemoveEnclosingMiddleware

from refdb.dates import MONTH_ABBREVIATIONS, MONTH_NAMES, month_number, parse_iso_date
from refdb.errors import InputError
from refdb.formats import CslItem, ParsedItem
from refdb.formats.bibtex.latex import latex_to_text, unescape_verbatim
from refdb.formats.bibtex.names import read_names
from refdb.formats.bibtex.types import (
    ARTICLE_SUBTYPES,
    BIBTEX_TO_CSL_TYPE,
    HANDLED_FIELDS,
    LIBRARY_SEPARATOR,
    MASTERS_GENRE,
    NAME_FIELDS,
    TEXT_FIELDS,
    VERBATIM_FIELDS,
)
from refdb.formats.cleaning import split_datetime, to_bcp47
from refdb.formats.identifiers import strip_doi_prefix
from refdb.vocab import CSL_TYPES

_PARAGRAPHS = frozenset({"note", "annote", "abstract"})
_KNOWN_FIELDS = frozenset(
    {f for f, _ in TEXT_FIELDS}
    | {f for f, _ in VERBATIM_FIELDS}
    | {f for f, _ in NAME_FIELDS}
    | HANDLED_FIELDS
)


def loads(text: str, *, source_name: str, errors: list[InputError] | None = None) -> list[ParsedItem]:
    """Parse BibTeX text into CSL items, in file order.

    Without ``errors`` the first malformed block raises.  With a list, each malformed
    entry (or ``@string``) adds the error it would have raised there, one per entry,
    and reading goes on with the next block; only a file without any entry still
    raises.  An entry cut short by an extra ``}`` is reported, not returned.
    bibtexparser ends an unterminated block at the next ``@`` that starts a line, so
    the entries after it are still read; entries that start inside a line of an
    unterminated block are lost with it and each is reported as not read.
    """
    return list(iter_loads(text, source_name=source_name, errors=errors))


CHUNK_BLOCKS = 1000  # blocks bibtexparser splits at a time: memory holds one chunk's blocks


def iter_loads(text: str, *, source_name: str, errors: list[InputError] | None = None,
               chunk: int = CHUNK_BLOCKS) -> Iterator[ParsedItem]:  # fmt: skip
    """:func:`loads`, streamed: the same items and errors, a chunk of blocks parsed at a time.

    The text is cut before a block start (``@type{`` or ``@type(``) that begins a line: there
    bibtexparser ends any block, terminated or not, so each chunk splits into the blocks the
    whole text would.  What spans chunks is carried: ``@string`` macros, the keys seen (a key
    used again in a later chunk is the same duplicate error), and a block the chunk's end cut
    short (in the whole text it ended at the next block's start, and says so).  ``errors`` is
    extended when the text is read to its end.
    """
    # bibtexparser takes any type that starts with "comment" (biblatex's @commentary) for an @comment
    # and drops the entry in silence: such types are renamed for the parser and named back below
    text = text.removeprefix("\ufeff")
    if _COMMENT_LIKE.search(text):  # (a copy of a big text only when there is something to rename)
        text = _COMMENT_LIKE.sub(lambda m: f"@{m.group(1)}{_RENAMED}{m.group(2)}{m.group(3)}", text)
    strings: dict[str, str] = {}
    seen: dict[type, dict[str, int]] = {model.Entry: {}, model.String: {}}  # key -> its first line (0-based)
    problems: list[InputError] = []
    held: ParsedItem | None = None  # the last entry's item: the text after it may yet cut it short
    any_entry = False
    previous: model.Block | None = None
    previous_ok = False  # the previous block was an entry that became an item
    blocks = _blocks(text, chunk, seen)
    current = next(blocks, None)
    while current is not None:
        block = current
        current = next(blocks, None)
        any_entry = any_entry or _is_entry(block)
        line = (block.start_line or 0) + 1
        location = f"{source_name}:{line}"
        ok = False
        try:
            if isinstance(block, model.ParsingFailedBlock):
                error = _failed_block_error(block, location, current)
                if errors is None:
                    raise error
                problems += [error, *_swallowed_entries(block, source_name)]
            elif isinstance(block, model.String):
                value = _evaluate(block.value, _enclosing(block), strings, location=location, field=block.key)
                strings[block.key.lower()] = value
            elif isinstance(block, model.ImplicitComment):
                if previous_ok:  # after an entry that failed, its error already stands for it
                    try:
                        _check_leftover(block, previous, location)
                    except InputError:
                        held = None  # an extra '}' cut that entry short: it is not a good entry
                        raise
            elif isinstance(block, model.Entry):
                item = _entry_to_item(block, strings, source_name)
                if held is not None:
                    yield held
                held = item
                ok = True
        except InputError as err:
            if errors is None:
                raise
            problems.append(err)
        previous, previous_ok = block, ok
    if held is not None:
        yield held
        any_entry = True
    if not any_entry:
        raise InputError("no BibTeX entries found (an entry starts with '@type{key,')", location=source_name)
    if errors is not None:
        errors.extend(problems)


_LINE_START_BLOCK = re.compile(r"^[^\S\n]*@\w*[ \t]*(?=[{(])", re.M)


def _blocks(text: str, chunk: int, seen: dict[type, dict[str, int]]) -> Iterator[model.Block]:
    """The text's blocks as bibtexparser splits them, a chunk at a time, lines counted from the
    text's start; a key an earlier chunk used makes the block the duplicate it is in the whole text."""
    cuts = [m.start() for i, m in enumerate(_LINE_START_BLOCK.finditer(text)) if i and i % chunk == 0]
    offset, start = 0, 0
    for end in [*cuts, len(text)]:
        part = text[start:end]
        with _quiet_bibtexparser():
            library = parse_string(part, parse_stack=[RemoveEnclosingMiddleware()])
        for block in library.blocks:
            _shift(block, offset)
        for block in library.blocks:
            yield _cross_chunk_duplicate(block, seen)
        offset += part.count("\n")
        start = end


def _shift(block: model.Block, offset: int) -> None:
    """Line numbers from the text's start, not the chunk's.  bibtexparser's line attributes are
    read-only properties over these private ones (2.x); tests/formats/test_bibtex_stream.py checks
    every line a chunked read reports against the whole text's."""
    if not offset:
        return
    if block.start_line is not None:
        block._start_line_in_file = block.start_line + offset
    if isinstance(block, model.Entry):
        for field in block.fields:
            if field.start_line is not None:
                field._start_line = field.start_line + offset


def _cross_chunk_duplicate(block: model.Block, seen: dict[type, dict[str, int]]) -> model.Block:
    if isinstance(block, model.Entry | model.String):
        kind = type(block)
        first = seen[kind].get(block.key)
        if first is None:
            seen[kind][block.key] = block.start_line or 0
            return block
        return model.DuplicateBlockKeyBlock(start_line=block.start_line, raw=block.raw, key=block.key,
                                            previous_block=_Earlier(kind, block.key, first),
                                            duplicate_block=block)  # fmt: skip
    if isinstance(block, model.DuplicateBlockKeyBlock):
        kind = model.String if isinstance(block.previous_block, model.String) else model.Entry
        earlier = seen[kind].get(block.key)
        if earlier is not None and earlier != block.previous_block.start_line:  # first used in an earlier chunk
            return model.DuplicateBlockKeyBlock(start_line=block.start_line, raw=block.raw, key=block.key,
                                                previous_block=_Earlier(kind, block.key, earlier),
                                                duplicate_block=block.ignore_error_block or block)  # fmt: skip
    return block


def _Earlier(kind: type, key: str, line: int) -> model.Block:  # builds a block
    """A stand-in for a block of an earlier chunk: its kind, key and line are all an error names."""
    if kind is model.String:
        return model.String(key=key, value="", start_line=line)
    return model.Entry(entry_type="misc", key=key, fields=[], start_line=line)


_NOT_ENTRIES = frozenset({"string", "comment", "preamble"})
_COMMENT_LIKE = re.compile(r"@(\s*)(comment)(\w+\s*[{(])", re.IGNORECASE)
_RENAMED = "refdbtype"


def _is_entry(block: model.Block) -> bool:
    """An entry, read or failed (``@string``, ``@comment`` and ``@preamble`` are not entries)."""
    if isinstance(block, model.Entry):
        return True
    if isinstance(block, model.DuplicateBlockKeyBlock):
        return not isinstance(block.previous_block, model.String)
    if isinstance(block, model.ParsingFailedBlock):
        match = re.match(r"@\s*(\w*)", block.raw or "")
        return match is not None and match.group(1).lower() not in _NOT_ENTRIES
    return False


@contextlib.contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs each failed block as a warning; we raise an InputError instead."""
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _enclosing(block: model.Block) -> str | None:
    value = block.parser_metadata.get(RemoveEnclosingMiddleware.metadata_key())
    return value if isinstance(value, str) else None


def _entry_key_of(raw: str | None) -> str:
    match = re.match(r"@\s*\w+\s*[{(]\s*([^,\s]*)", raw or "")
    return match.group(1) if match else ""


_END_OF_FILE = "Unexpectedly reached end of file"
_NEXT_BLOCK = "Unexpected block start"
_UNTERMINATED = (_END_OF_FILE, _NEXT_BLOCK)


def _failure_reason(block: model.ParsingFailedBlock) -> str:
    return str(getattr(block.error, "abort_reason", block.error))


def _failed_block_error(
    block: model.ParsingFailedBlock, location: str, following: model.Block | None
) -> InputError:
    if isinstance(block, model.DuplicateBlockKeyBlock):
        first = block.previous_block.start_line
        what = "@string" if isinstance(block.previous_block, model.String) else "citation key"
        return InputError(
            f"duplicate {what} '{block.key}' (first used on line {(first or 0) + 1})", location=location
        )
    if isinstance(block, model.DuplicateFieldKeyBlock):
        entry = block.ignore_error_block
        key = entry.key if isinstance(entry, model.Entry) else ""
        field = sorted(block.duplicate_keys)[0]
        return InputError(f"entry '{key}' has this field twice", location=location, field=field)
    key = _entry_key_of(block.raw)
    what = f"entry '{key}'" if key else "this entry"
    reason = _failure_reason(block)
    if reason.startswith(_END_OF_FILE) and following is not None:
        # a chunk's end cut it short (iter_loads): in the whole text the next block's start ended it
        reason = _NEXT_BLOCK
    if reason.startswith(_END_OF_FILE):
        return InputError(
            f"{what} is not terminated: the file ends before its closing '}}' (unbalanced braces?)",
            location=location,
        )
    if reason.startswith(_NEXT_BLOCK):
        next_line = (following.start_line or 0) + 1 if following is not None else None
        where = f" on line {next_line}" if next_line else ""
        return InputError(
            f"{what} is not terminated before the next entry{where}: "
            "a '}' is missing or the braces are unbalanced",
            location=location,
        )
    if reason.startswith("Expected comma after entry key"):
        return InputError(f"{what}: expected ',' after the citation key", location=location)
    return InputError(f"cannot read {what}: {reason}", location=location)


_INNER_ENTRY = re.compile(r"@\s*(\w+)\s*[{(]\s*([^\s,{}()]+)\s*,")


def _swallowed_entries(block: model.ParsingFailedBlock, source_name: str) -> list[InputError]:
    """The entries an unterminated block ran over (an ``@`` inside a line does not end it).

    They are never read, so with ``errors`` each is reported after the block's own error.
    """
    if isinstance(block, model.DuplicateBlockKeyBlock | model.DuplicateFieldKeyBlock):
        return []
    if not _failure_reason(block).startswith(_UNTERMINATED):
        return []
    raw, first_line = block.raw or "", (block.start_line or 0) + 1
    key = _entry_key_of(raw)
    what = f"entry '{key}'" if key else "an entry"
    found: list[InputError] = []
    for match in _INNER_ENTRY.finditer(raw, 1):
        if match.group(1).lower() in _NOT_ENTRIES:
            continue
        line = first_line + raw.count("\n", 0, match.start())
        found.append(
            InputError(
                f"entry '{match.group(2)}' was not read: it is inside {what} (line {first_line}), "
                "which is not terminated",
                location=f"{source_name}:{line}",
            )
        )
    return found


_LEFTOVER = re.compile(r"[,}]|[A-Za-z][\w-]*\s*=")


def _check_leftover(block: model.ImplicitComment, previous: model.Block | None, location: str) -> None:
    """Text after an entry that looks like its fields: an extra ``}`` closed the entry early."""
    if isinstance(previous, model.Entry) and _LEFTOVER.match(block.comment.lstrip()):
        raise InputError(
            f"unbalanced braces: an extra '}}' closed entry '{previous.key}' "
            f"(line {(previous.start_line or 0) + 1}) early; this text is outside any entry",
            location=location,
        )


def _entry_to_item(entry: model.Entry, strings: dict[str, str], source_name: str) -> ParsedItem:
    location = f"{source_name}:{(entry.start_line or 0) + 1}"
    entry.entry_type = entry.entry_type.removeprefix(_RENAMED).removeprefix(_RENAMED.upper())
    entry_type = entry.entry_type.lower()
    warnings: list[str] = []
    details: list[str] = []
    csl_type = BIBTEX_TO_CSL_TYPE.get(entry_type)
    if csl_type is None:
        warnings.append(f"unknown entry type '@{entry.entry_type}' (entry '{entry.key}'), read as a document")
        csl_type = "document"
    if not entry.key:
        raise InputError(f"the @{entry.entry_type} entry has no citation key", location=location)
    enclosings = entry.parser_metadata.get(RemoveEnclosingMiddleware.metadata_key()) or {}
    values: dict[str, str] = {}
    lines: dict[str, str] = {}  # field -> "file:line" of the field, for errors in its value
    for field in entry.fields:
        name = field.key.lower()
        lines[name] = f"{source_name}:{(field.start_line or entry.start_line or 0) + 1}"
        if name in values:
            raise InputError(f"entry '{entry.key}' has this field twice", location=lines[name], field=name)
        values[name] = _evaluate(
            str(field.value), enclosings.get(field.key), strings, location=lines[name], field=name
        )

    subtype = latex_to_text(values.get("entrysubtype", ""))
    if entry_type == "article" and subtype.lower() in ARTICLE_SUBTYPES:
        csl_type = ARTICLE_SUBTYPES[subtype.lower()]
    elif subtype in CSL_TYPES:  # what refdb's writer says of a type biblatex has no entry type for
        csl_type = subtype
    item: CslItem = {"id": entry.key, "type": csl_type}
    ids = [k.strip() for k in latex_to_text(values.get("ids", "")).split(",") if k.strip()]
    if ids:
        item["custom"] = {"aliases": ids}
    for field_name, variable in NAME_FIELDS:
        if field_name in values:
            names = read_names(values[field_name], location=lines[field_name], field=field_name)
            if names:
                item[variable] = names
    for field_name, variable in TEXT_FIELDS:
        if variable not in item and field_name in values:
            if variable in _PARAGRAPHS:  # notes and abstracts keep their paragraphs
                paragraphs = re.split(r"\n\s*\n|\\par\b", values[field_name])
                text = "\n\n".join(p for p in map(latex_to_text, paragraphs) if p)
            else:
                text = latex_to_text(values[field_name])
            if text:
                item[variable] = text
    for field_name, variable in VERBATIM_FIELDS:
        if field_name in values:
            text = unescape_verbatim(values[field_name])
            if variable == "DOI":
                text = strip_doi_prefix(text)
            if text:
                item[variable] = text
    if "number" in values:
        number = latex_to_text(values["number"])
        if number:
            item["number" if csl_type == "report" else "issue"] = number
    elif "issue" in values and latex_to_text(values["issue"]):
        item["issue"] = latex_to_text(values["issue"])
    if "pages" in values:
        pages = unescape_verbatim(values["pages"].replace("--", "-"))
        if pages:
            item["page"] = pages
    if entry_type == "mastersthesis" and "genre" not in item:
        item["genre"] = MASTERS_GENRE
    if "annote" in item and "note" not in item:  # the writer's annotation is the record's note
        item["note"] = item.pop("annote")
    if isinstance(item.get("language"), str):  # langid is a babel name (russian), language often too
        item["language"] = to_bcp47(item["language"])
    if "library" in values:
        parts = latex_to_text(values["library"]).split(LIBRARY_SEPARATOR)
        named = (
            list(zip(("archive", "archive-place", "archive_location"), parts, strict=True))
            if len(parts) == 3
            else []
        )
        for variable, part in named or [("archive_location", LIBRARY_SEPARATOR.join(parts))]:
            if part and variable not in item:
                item[variable] = part
    for name in ("date", "urldate"):
        if name in values:
            date, time = split_datetime(latex_to_text(values[name]))
            if time:
                details.append(f"{name} {date}{time} read as the date {date} (the time of day is not kept)")
                values[name] = date
    issued = _read_date(values)
    if issued:
        item["issued"] = issued
    if "urldate" in values:
        accessed = parse_iso_date(latex_to_text(values["urldate"]))
        if accessed:
            item["accessed"] = accessed
    unused = tuple(sorted(name for name in values if name not in _KNOWN_FIELDS))
    return ParsedItem(item, location, unused=unused, warnings=tuple(warnings), details=tuple(details))


# --- values: macros and concatenation ------------------------------------------------------------------


def _evaluate(
    value: str, enclosing: str | None, strings: dict[str, str], *, location: str, field: str
) -> str:
    """A field's text: braced/quoted values as they are; bare ones are macros and ``#`` concatenation."""
    if enclosing != "no-enclosing" or value.isdigit():
        return value
    parts: list[str] = []
    for token in _split_concatenation(value):
        if token[:1] in '{"' and len(token) >= 2:
            parts.append(token[1:-1])
        elif token.isdigit():
            parts.append(token)
        elif token.lower() in strings:
            parts.append(strings[token.lower()])
        elif token.lower() in MONTH_ABBREVIATIONS:
            parts.append(MONTH_NAMES[MONTH_ABBREVIATIONS.index(token.lower())])
        else:
            raise InputError(f"'{token}' is not a defined @string macro", location=location, field=field)
    return "".join(parts)


def _split_concatenation(value: str) -> list[str]:
    tokens: list[str] = []
    depth, quoted, start, escaped = 0, False, 0, False
    for index, char in enumerate(value):
        if escaped or char == "\\":
            escaped = not escaped
            continue
        if char == "{" and not quoted:
            depth += 1
        elif char == "}" and not quoted:
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            tokens.append(value[start:index].strip())
            start = index + 1
    tokens.append(value[start:].strip())
    return [token for token in tokens if token]


# --- dates ---------------------------------------------------------------------------------------------


def _read_date(values: dict[str, str]) -> dict[str, Any] | None:
    """The issued date: biblatex's ``date`` if it is ISO, else ``year``/``month``/``day``; else a literal."""
    if "date" in values:
        date_text = latex_to_text(values["date"])
        parsed = parse_iso_date(date_text)
        if parsed:
            return parsed
        if "year" not in values and date_text:
            return {"literal": date_text}
    if "year" not in values:
        return None
    year = latex_to_text(values["year"])
    if not re.fullmatch(r"\d{1,4}", year):
        return {"literal": year} if year else None
    parts = [int(year)]
    month = month_number(latex_to_text(values.get("month", "")))
    if month is not None:
        parts.append(month)
        day = latex_to_text(values.get("day", ""))
        if day.isdigit():
            parts.append(int(day))
    return {"date-parts": [parts]}
