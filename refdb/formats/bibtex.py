"""BibTeX: read with bibtexparser 2, write by hand (UTF-8 kept, only the specials escaped).

Reading splits the file with bibtexparser (which keeps each block's line), then
does the rest here: ``@string`` macros and ``#`` concatenation, LaTeX to Unicode
(pylatexenc), names (bibtexparser's BibTeX name grammar) and the mapping to
CSL-JSON.  Every problem bibtexparser records as a failed block becomes an
:class:`InputError` with the line and what is wrong.

Writing escapes ``{ } & % $ # _ \\ ~ ^`` and breaks the TeX ligatures that the
reader would turn into other characters (``--``, ``''``, ````...), so that
export -> import gives back the same item.  Non-ASCII text stays as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from bibtexparser import model
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import RemoveEnclosingMiddleware
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts
from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from refdb.errors import InputError
from refdb.formats import CslItem, ParsedItem
from refdb.formats.names import CslName, is_lowercase_word, make_name, normalize_space, split_given

# --- types -----------------------------------------------------------------------------------------

#: BibTeX/biblatex entry type -> CSL type (reading).
BIBTEX_TO_CSL_TYPE: dict[str, str] = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "manual": "book",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "incollection": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "inreference": "entry-encyclopedia",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "booklet": "pamphlet",
    "periodical": "periodical",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "letter": "personal_communication",
    "misc": "document",
}

#: CSL type -> BibTeX entry type (writing); anything else is ``@misc``.
CSL_TO_BIBTEX_TYPE: dict[str, str] = {
    "article": "article",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "book": "book",
    "classic": "book",
    "chapter": "incollection",
    "entry": "incollection",
    "entry-dictionary": "inreference",
    "entry-encyclopedia": "inreference",
    "paper-conference": "inproceedings",
    "thesis": "phdthesis",  # @mastersthesis when genre is "Master's thesis"
    "report": "techreport",
    "manuscript": "unpublished",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "pamphlet": "booklet",
    "periodical": "periodical",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "personal_communication": "letter",
}

MASTERS_GENRE = "Master's thesis"

# --- fields ----------------------------------------------------------------------------------------

#: BibTeX field -> CSL variable for plain text fields; the first field present wins.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "title"),
    ("shorttitle", "title-short"),
    ("journaltitle", "container-title"),
    ("journal", "container-title"),
    ("booktitle", "container-title"),
    ("shortjournal", "container-title-short"),
    ("series", "collection-title"),
    ("edition", "edition"),
    ("volume", "volume"),
    ("chapter", "chapter-number"),
    ("pagetotal", "number-of-pages"),
    ("publisher", "publisher"),
    ("school", "publisher"),
    ("institution", "publisher"),
    ("organization", "publisher"),
    ("address", "publisher-place"),
    ("location", "publisher-place"),
    ("type", "genre"),
    ("language", "language"),
    ("langid", "language"),
    ("isbn", "ISBN"),
    ("issn", "ISSN"),
    ("note", "note"),
    ("abstract", "abstract"),
    ("keywords", "keyword"),
    ("annote", "annote"),
)
#: Fields copied without LaTeX decoding (only ``\\_``-style escapes are undone).
VERBATIM_FIELDS: tuple[tuple[str, str], ...] = (("doi", "DOI"), ("url", "URL"))
NAME_FIELDS: tuple[tuple[str, str], ...] = (
    ("author", "author"),
    ("editor", "editor"),
    ("translator", "translator"),
    ("bookauthor", "container-author"),
)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# --- reading ---------------------------------------------------------------------------------------


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
    with _quiet_bibtexparser():
        library = parse_string(text.removeprefix("\ufeff"), parse_stack=[RemoveEnclosingMiddleware()])
    blocks = library.blocks
    strings: dict[str, str] = {}
    items: list[ParsedItem] = []
    problems: list[InputError] = []
    previous_ok = False  # the previous block was an entry that became an item
    for index, block in enumerate(blocks):
        line = (block.start_line or 0) + 1
        location = f"{source_name}:{line}"
        ok = False
        try:
            if isinstance(block, model.ParsingFailedBlock):
                following = blocks[index + 1] if index + 1 < len(blocks) else None
                error = _failed_block_error(block, location, following)
                if errors is None:
                    raise error
                problems += [error, *_swallowed_entries(block, source_name)]
            elif isinstance(block, model.String):
                value = _evaluate(block.value, _enclosing(block), strings, location=location, field=block.key)
                strings[block.key.lower()] = value
            elif isinstance(block, model.ImplicitComment):
                if previous_ok:  # after an entry that failed, its error already stands for it
                    try:
                        _check_leftover(block, blocks[index - 1], location)
                    except InputError:
                        items.pop()  # an extra '}' cut that entry short: it is not a good entry
                        raise
            elif isinstance(block, model.Entry):
                items.append(ParsedItem(_entry_to_item(block, strings, source_name), location))
                ok = True
        except InputError as err:
            if errors is None:
                raise
            problems.append(err)
        previous_ok = ok
    if not items and not any(_is_entry(block) for block in blocks):
        raise InputError("no BibTeX entries found (an entry starts with '@type{key,')", location=source_name)
    if errors is not None:
        errors.extend(problems)
    return items


_NOT_ENTRIES = frozenset({"string", "comment", "preamble"})


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


def _entry_to_item(entry: model.Entry, strings: dict[str, str], source_name: str) -> CslItem:
    location = f"{source_name}:{(entry.start_line or 0) + 1}"
    entry_type = entry.entry_type.lower()
    csl_type = BIBTEX_TO_CSL_TYPE.get(entry_type)
    if csl_type is None:
        known = ", ".join(sorted(BIBTEX_TO_CSL_TYPE))
        raise InputError(
            f"unknown entry type '@{entry.entry_type}' (entry '{entry.key}'); known types: {known}",
            location=location,
        )
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

    item: CslItem = {"id": entry.key, "type": csl_type}
    for field_name, variable in NAME_FIELDS:
        if field_name in values:
            names = _read_names(values[field_name], location=lines[field_name], field=field_name)
            if names:
                item[variable] = names
    for field_name, variable in TEXT_FIELDS:
        if variable not in item and field_name in values:
            text = latex_to_text(values[field_name])
            if text:
                item[variable] = text
    for field_name, variable in VERBATIM_FIELDS:
        if field_name in values:
            text = _unescape_verbatim(values[field_name])
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
        pages = _unescape_verbatim(values["pages"].replace("--", "-"))
        if pages:
            item["page"] = pages
    if entry_type == "mastersthesis" and "genre" not in item:
        item["genre"] = MASTERS_GENRE
    issued = _read_date(values)
    if issued:
        item["issued"] = issued
    if "urldate" in values:
        accessed = _parse_iso_date(latex_to_text(values["urldate"]))
        if accessed:
            item["accessed"] = accessed
    return item


# --- values: macros, LaTeX, escapes ---------------------------------------------------------------------


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
        elif token.lower() in _MONTHS:
            parts.append(_MONTH_NAMES[_MONTHS.index(token.lower())])
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


_NEEDS_LATEX = re.compile(r"[\\{}$&%~]|--|''|``|[?!]`")
_BARE_TEXT_SPECIAL = re.compile(r"(?<!\\)([&%])")


@lru_cache(maxsize=1)
def _decoder() -> tuple[Any, LatexNodes2Text]:
    """pylatexenc's parser context and text converter, built once (it rebuilds them per call)."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "refdb",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            # pylatexenc gives U+02C6 (modifier circumflex) for this one
            MacroTextSpec("textasciicircum", simplify_repl="^"),
        ],
    )
    return latexwalker.get_default_latex_context_db(), LatexNodes2Text(
        latex_context=context, math_mode="text"
    )


# What the writer produces and most files contain: protective braces, escaped specials,
# dashes and quotes.  Anything else (accents, macros, math) goes through pylatexenc.
_SIMPLE_TOKENS = re.compile(
    r"\\textbackslash\{\}|\\textasciitilde\{\}|\\textasciicircum\{\}|\\[{}&%$#_]|[{}]|---|--|''|``|[?!]`|~|[\\$]"
)
_SIMPLE_VALUES = {
    r"\textbackslash{}": "\\",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    "{": "",
    "}": "",
    "---": "\u2014",
    "--": "\u2013",
    "''": "\u201d",
    "``": "\u201c",
    "?`": "\u00bf",
    "!`": "\u00a1",
    "~": "\u00a0",
}


def _simple_latex_to_text(value: str) -> str | None:
    """The text of ``value`` if it only uses the simple constructs above, else None."""
    parts: list[str] = []
    position = 0
    for match in _SIMPLE_TOKENS.finditer(value):
        token = match.group()
        if token in ("\\", "$"):
            return None
        parts.append(value[position : match.start()])
        parts.append(_SIMPLE_VALUES.get(token, token[1:]))
        position = match.end()
    parts.append(value[position:])
    return "".join(parts)


def latex_to_text(value: str) -> str:
    """LaTeX field text as Unicode: ``{\\"o}`` -> ö, ``\\v{s}`` -> š, ``--`` -> –; whitespace collapsed.

    A bare ``&`` or ``%`` is taken as text (real files are full of "Taylor & Francis"),
    not as a LaTeX alignment tab or comment.
    """
    if _NEEDS_LATEX.search(value):
        value = _BARE_TEXT_SPECIAL.sub(r"\\\1", value)
        simple = _simple_latex_to_text(value)
        value = simple if simple is not None else pylatexenc_to_text(value)
    return normalize_space(value)


def pylatexenc_to_text(value: str) -> str:
    walker_context, converter = _decoder()
    walker = latexwalker.LatexWalker(value, latex_context=walker_context, tolerant_parsing=True)
    return str(converter.nodelist_to_text(walker.get_latex_nodes()[0]))


_TEXT_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=')(?=')|(?<=`)(?=`)|(?<=[?!])(?=`)")


def text_to_latex(value: str) -> str:
    """Escape the BibTeX specials and break TeX ligatures; everything else (UTF-8) is kept."""
    return _LIGATURE.sub("{}", normalize_space(value).translate(_TEXT_ESCAPES))


_VERBATIM_UNESCAPE = re.compile(r"\\textbackslash\{\}|\\([{}%&#_$~^\\])")
_VERBATIM_ESCAPE = re.compile(r"[\\{}]")
_VERBATIM_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}"}


def _unescape_verbatim(value: str) -> str:
    return normalize_space(_VERBATIM_UNESCAPE.sub(lambda m: m.group(1) or "\\", value))


def _escape_verbatim(value: str) -> str:
    return _VERBATIM_ESCAPE.sub(lambda m: _VERBATIM_ESCAPES[m.group()], normalize_space(value))


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def strip_doi_prefix(doi: str) -> str:
    """``https://doi.org/10.1/x`` and ``doi:10.1/x`` -> ``10.1/x``."""
    return _DOI_PREFIX.sub("", doi.strip())


# --- names -----------------------------------------------------------------------------------------


def _is_whole_braced(text: str) -> bool:
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for match in re.finditer(r"(?<!\\)[{}]", text):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:
            return match.end() == len(text)
    return False


def split_persons(value: str) -> list[str]:
    """Split a name list on the word ``and`` outside braces.

    bibtexparser's ``split_multiple_persons_names`` misses the split when the next name
    starts with a backslash (``Smith, J. and \\'Emile Zola`` stays one name).
    """
    names: list[list[str]] = [[]]
    word: list[str] = []
    depth = 0
    chars = iter(value)
    for char in chars:
        if char == "\\":
            word.append(char)
            word.append(next(chars, ""))
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and char.isspace():
            _end_word(names, word)
            word = []
            continue
        word.append(char)
    _end_word(names, word)
    return [" ".join(words) for words in names if words]


def _end_word(names: list[list[str]], word: list[str]) -> None:
    text = "".join(word)
    if not text:
        return
    if text.lower() == "and" and names[-1]:
        names.append([])
    else:
        names[-1].append(text)


def _raw_is_lower(word: str) -> bool:
    """Case of a raw BibTeX name word; a braced word is protected (caseless)."""
    return not word.startswith("{") and is_lowercase_word(latex_to_text(word))


def _read_names(value: str, *, location: str, field: str) -> list[CslName]:
    names: list[CslName] = []
    for person in split_persons(value):
        person = person.strip()
        if not person or person.lower() == "others":
            continue
        if _is_whole_braced(person):
            literal = latex_to_text(person[1:-1])
            if literal:
                names.append({"literal": literal})
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=True)
        except InvalidNameError as err:
            raise InputError(
                f"cannot read the name '{person}': {err.reason.lower()}", location=location, field=field
            ) from None
        given, dropping = split_given(parts.first, is_lower=_raw_is_lower)
        name = make_name(
            family=latex_to_text(" ".join(parts.last)),
            given=latex_to_text(" ".join(given)),
            particle=latex_to_text(" ".join(parts.von)),
            dropping=latex_to_text(" ".join(dropping)),
            suffix=latex_to_text(" ".join(parts.jr)),
        )
        if name:
            names.append(name)
    return names


def _canonical_name(name: CslName) -> CslName:
    if name.get("literal"):
        return {"literal": normalize_space(str(name["literal"]))}
    return make_name(
        family=normalize_space(str(name.get("family") or "")),
        given=normalize_space(str(name.get("given") or "")),
        particle=normalize_space(str(name.get("non-dropping-particle") or "")),
        dropping=normalize_space(str(name.get("dropping-particle") or "")),
        suffix=normalize_space(str(name.get("suffix") or "")),
    )


def _protect_words(text: str) -> str:
    """Brace the words BibTeX would misread inside a name part (``and`` splits names)."""
    return " ".join("{" + word + "}" if word.lower() == "and" else word for word in text.split())


def _plain_form(name: CslName) -> str:
    """``von Last, Jr, First`` with the braces BibTeX's name grammar needs to read it back."""
    family = text_to_latex(name.get("family", ""))
    particle = _protect_words(text_to_latex(name.get("non-dropping-particle", "")))
    given = _protect_words(text_to_latex(name.get("given", "")))
    dropping = _protect_words(text_to_latex(name.get("dropping-particle", "")))
    suffix = text_to_latex(name.get("suffix", ""))

    if " " in family or "," in family or family.lower() == "and" or not family:
        family = "{" + family + "}"
    given_words, dropping_words = given.split(), dropping.split()
    if "," in given or split_given(given_words + dropping_words, is_lower=_raw_is_lower) != (
        given_words,
        dropping_words,
    ):
        given = "{" + given + "}" if given else ""
    if "," in suffix or " " in suffix or suffix.lower() == "and":
        suffix = "{" + suffix + "}"
    von_last = f"{particle} {family}" if particle else family
    first = f"{given} {dropping}".strip() or "{}"
    if suffix:
        return f"{von_last}, {suffix}, {first}"
    if first != "{}":
        return f"{von_last}, {first}"
    if particle or family.startswith("{"):
        return f"{von_last}, {{}}"
    return von_last


def _merged(name: CslName) -> CslName:
    """The particles folded into family and given name: what BibTeX can always say."""
    return make_name(
        family=" ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p),
        given=" ".join(p for p in (name.get("given"), name.get("dropping-particle")) if p),
        suffix=name.get("suffix", ""),
    )


def _braced_form(name: CslName) -> str:
    family, given = text_to_latex(name.get("family", "")), text_to_latex(name.get("given", ""))
    suffix = text_to_latex(name.get("suffix", ""))
    middle = f" {{{suffix}}}," if suffix else ""
    return f"{{{family}}},{middle} {{{given}}}"


def format_name(name: CslName) -> str:
    """One CSL name as BibTeX: ``{Institution Name}``, ``van Gogh, Vincent``, ``King, Jr., Martin``.

    A name the grammar cannot hold as it is (a capitalised particle such as "De") is
    written with its particles folded into the family/given name, which reads back stably.
    Each form is checked by reading it back, once per distinct name (authors recur: cached).
    """
    return _format_name_cached(tuple(sorted((k, str(v)) for k, v in name.items())))


@lru_cache(maxsize=65536)
def _format_name_cached(parts: tuple[tuple[str, str], ...]) -> str:
    canonical = _canonical_name(dict(parts))
    if "literal" in canonical:
        return "{" + text_to_latex(canonical["literal"]) + "}"
    for candidate in (canonical, _merged(canonical)):
        form = _plain_form(candidate)
        try:
            if _read_names(form, location="", field="") == [candidate]:
                return form
        except InputError:
            pass
    return _braced_form(_merged(canonical))


# --- dates -----------------------------------------------------------------------------------------


_ISO_DATE = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _parse_iso_parts(text: str) -> list[int] | None:
    match = _ISO_DATE.match(text.strip())
    if not match:
        return None
    return [int(part) for part in match.groups() if part is not None]


def _parse_iso_date(text: str) -> dict[str, Any] | None:
    """``2006``, ``2006-05``, ``2006-05-12`` and ranges ``2006/2007`` as a CSL date."""
    if not text:
        return None
    pieces = text.split("/")
    parsed = [_parse_iso_parts(piece) for piece in pieces if piece.strip()]
    if len(pieces) > 2 or not parsed or any(p is None for p in parsed):
        return None
    return {"date-parts": parsed}


def _month_number(text: str) -> int | None:
    cleaned = text.strip().rstrip(".").lower()
    if cleaned.isdigit():
        return int(cleaned)
    for index, name in enumerate(_MONTH_NAMES):
        if cleaned and (cleaned == name.lower() or cleaned == _MONTHS[index]):
            return index + 1
    return None


def _read_date(values: dict[str, str]) -> dict[str, Any] | None:
    if "date" in values:
        date_text = latex_to_text(values["date"])
        parsed = _parse_iso_date(date_text)
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
    month = _month_number(latex_to_text(values.get("month", "")))
    if month is not None:
        parts.append(month)
        day = latex_to_text(values.get("day", ""))
        if day.isdigit():
            parts.append(int(day))
    return {"date-parts": [parts]}


def _iso(parts: list[Any]) -> str:
    year, *rest = (int(part) for part in parts)
    return "-".join([f"{year:04d}" if year >= 0 else str(year), *(f"{part:02d}" for part in rest)])


def _iso_range(date: Any) -> str:
    """``2006-05-12`` or ``2006/2007`` for a CSL date with numeric date-parts, else ``""``."""
    if not isinstance(date, dict):
        return ""
    date_parts = date.get("date-parts")
    if not date_parts or not date_parts[0] or not all(_is_int(p) for parts in date_parts for p in parts):
        return ""
    return "/".join(_iso(parts) for parts in date_parts)


def _date_fields(issued: Any) -> list[tuple[str, str]]:
    if not isinstance(issued, dict):
        return []
    iso = _iso_range(issued)
    if iso:
        date_parts = issued["date-parts"]
        first = [int(part) for part in date_parts[0]]
        fields = [("year", "{" + str(first[0]) + "}")]
        if len(first) > 1:
            month = first[1]
            fields.append(("month", _MONTHS[month - 1] if 1 <= month <= 12 else "{" + str(month) + "}"))
        if len(first) > 2 or len(date_parts) > 1:
            fields.append(("date", "{" + iso + "}"))
        return fields
    literal = issued.get("literal") or issued.get("raw")
    if literal:
        return [("year", "{" + text_to_latex(str(literal)) + "}")]
    return []


def _is_int(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.isdigit()
    )


# --- writing ---------------------------------------------------------------------------------------

_KEY_SAFE = re.compile(r"[A-Za-z0-9_:.\-]+")
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:.\-]+")


def citation_key(item_id: Any) -> str:
    """The item id as a key BibTeX can hold; an unsafe id gets a readable part plus a short hash."""
    text = str(item_id)
    if _KEY_SAFE.fullmatch(text):
        return text
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    readable = _KEY_UNSAFE.sub("-", ascii_text).strip("-")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}" if readable else f"key-{digest}"


def dumps(items: Iterable[CslItem]) -> Iterator[str]:
    """BibTeX text, one entry per chunk."""
    for index, item in enumerate(items):
        yield ("\n" if index else "") + format_entry(item)


def format_entry(item: CslItem) -> str:
    csl_type = str(item.get("type", ""))
    entry_type = CSL_TO_BIBTEX_TYPE.get(csl_type, "misc")
    genre = _str(item.get("genre"))
    if csl_type == "thesis" and genre == MASTERS_GENRE:
        entry_type, genre = "mastersthesis", ""
    fields: list[tuple[str, str]] = []

    def text(name: str, value: Any) -> None:
        value = _str(value)
        if value:
            fields.append((name, "{" + text_to_latex(value) + "}"))

    for field_name, variable in NAME_FIELDS:
        names = [format_name(name) for name in item.get(variable) or () if _canonical_name(name)]
        if names:
            fields.append((field_name, "{" + " and ".join(names) + "}"))
    text("title", item.get("title"))
    text("shorttitle", item.get("title-short"))
    container = "journal" if entry_type == "article" else "booktitle"
    text(container, item.get("container-title"))
    text("shortjournal", item.get("container-title-short"))
    text("series", item.get("collection-title"))
    text("edition", item.get("edition"))
    text("volume", item.get("volume"))
    text("number", item.get("number") if csl_type == "report" else item.get("issue"))
    page = _str(item.get("page"))
    if page:
        fields.append(("pages", "{" + _escape_verbatim(page).replace("-", "--") + "}"))
    text("chapter", item.get("chapter-number"))
    text("pagetotal", item.get("number-of-pages"))
    publisher_field = {"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}
    text(publisher_field.get(entry_type, "publisher"), item.get("publisher"))
    text("address", item.get("publisher-place"))
    fields.extend(_date_fields(item.get("issued")))
    text("type", genre)
    text("language", item.get("language"))
    text("isbn", item.get("ISBN"))
    text("issn", item.get("ISSN"))
    for field_name, variable in VERBATIM_FIELDS:
        value = _str(item.get(variable))
        if value:
            fields.append((field_name, "{" + _escape_verbatim(value) + "}"))
    accessed = _iso_range(item.get("accessed"))
    if accessed:
        fields.append(("urldate", "{" + accessed + "}"))
    text("note", item.get("note"))
    text("abstract", item.get("abstract"))
    text("keywords", item.get("keyword"))
    text("annote", item.get("annote"))

    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    key = citation_key(item.get("id", ""))
    return f"@{entry_type}{{{key},\n{body}\n}}\n" if body else f"@{entry_type}{{{key}}}\n"


def _str(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return normalize_space(str(value))
