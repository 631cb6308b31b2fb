"""Writing BibTeX by hand: UTF-8 kept, only the specials escaped, so export -> import is stable."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from refdb.dates import MONTH_ABBREVIATIONS, iso_range_text
from refdb.formats import CslItem
from refdb.formats.bibtex.datamodel import COMMON_FIELDS, TYPE_FIELDS
from refdb.formats.bibtex.latex import escape_verbatim, text_to_latex
from refdb.formats.bibtex.names import canonical_name, format_name
from refdb.formats.bibtex.types import (
    ARTICLE_SUBTYPES,
    BIBTEX_TO_CSL_TYPE,
    CSL_TO_BIBTEX_TYPE,
    LIBRARY_SEPARATOR,
    MASTERS_GENRE,
    NAME_FIELDS,
    VERBATIM_FIELDS,
)
from refdb.formats.cleaning import to_langid
from refdb.formats.names import normalize_space

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


# the standard type a BibTeX alias stands for, whose fields biber's data model lists
_CANONICAL_TYPE = {"phdthesis": "thesis", "mastersthesis": "thesis", "techreport": "report"}
_DATE_FIELDS = frozenset({"date", "urldate"})  # dates: biber checks their parts, not the field


def allowed_fields(entry_type: str) -> frozenset[str]:
    """The fields biber's default data model accepts on an entry type."""
    canonical = _CANONICAL_TYPE.get(entry_type, entry_type)
    return COMMON_FIELDS | TYPE_FIELDS.get(canonical, frozenset()) | _DATE_FIELDS


def entry_type_of(item: CslItem) -> tuple[str, str]:
    """The biblatex entry type for an item, and the ``entrysubtype`` that tells its CSL type ("" if none).

    The type follows the data: a book with editors and no author is a ``@collection``, a chapter
    whose book has an author of its own is an ``@inbook``.
    """
    csl_type = str(item.get("type", ""))
    entry_type = CSL_TO_BIBTEX_TYPE.get(csl_type, "misc")
    if csl_type == "thesis" and _str(item.get("genre")) == MASTERS_GENRE:
        return "mastersthesis", ""
    if entry_type == "book" and not item.get("author") and item.get("editor"):
        entry_type = "collection"
    if entry_type == "incollection" and item.get("container-author"):
        entry_type = "inbook"
    for subtype, subtyped in ARTICLE_SUBTYPES.items():
        if subtyped == csl_type:
            return entry_type, subtype
    read_back = BIBTEX_TO_CSL_TYPE.get(entry_type)
    return entry_type, "" if read_back == csl_type else csl_type


def format_entry(item: CslItem) -> str:
    """One entry with the fields biblatex's data model gives its type (a field the type has no place
    for is left out); an entry without any field is still valid BibTeX (``@misc{key,\n}``)."""
    csl_type = str(item.get("type", ""))
    entry_type, subtype = entry_type_of(item)
    genre = "" if entry_type == "mastersthesis" else _str(item.get("genre"))
    allowed = allowed_fields(entry_type)
    fields: list[tuple[str, str]] = []

    def add(name: str, value: str) -> None:
        if name in allowed:
            fields.append((name, value))

    def text(name: str, value: Any) -> None:
        value = _str(value)
        if value:
            add(name, "{" + text_to_latex(value) + "}")

    for field_name, variable in NAME_FIELDS:
        names = [format_name(name) for name in item.get(variable) or () if canonical_name(name)]
        if names:
            add(field_name, "{" + " and ".join(names) + "}")
    text("title", item.get("title"))
    text("shorttitle", item.get("title-short"))
    container = "journaltitle" if entry_type == "article" else "booktitle"
    text(container, item.get("container-title"))
    text("shortjournal", item.get("container-title-short"))
    text("series", item.get("collection-title"))
    text("edition", item.get("edition"))
    text("volume", item.get("volume"))
    text("number", item.get("number") if csl_type == "report" else item.get("issue"))
    page = _str(item.get("page"))
    if page:
        add("pages", "{" + escape_verbatim(page).replace("-", "--") + "}")
    text("chapter", item.get("chapter-number"))
    text("pagetotal", item.get("number-of-pages"))
    publisher_field = {
        "phdthesis": "institution",
        "mastersthesis": "institution",
        "techreport": "institution",
    }
    text(publisher_field.get(entry_type, "publisher"), item.get("publisher"))
    text("location", item.get("publisher-place"))
    for name, value in _date_fields(item.get("issued")):
        add(name, value)
    text("type", genre)
    text("entrysubtype", subtype)
    language = _str(item.get("language"))
    langid = to_langid(language) if language else None
    if langid:
        add("langid", "{" + langid + "}")
    else:
        text("language", language)
    text("isbn", item.get("ISBN"))
    text("issn", item.get("ISSN"))
    for field_name, variable in VERBATIM_FIELDS:
        value = _str(item.get(variable))
        if value:
            add(field_name, "{" + escape_verbatim(value) + "}")
    accessed = iso_range_text(item.get("accessed"))
    if accessed:
        add("urldate", "{" + accessed + "}")
    archive = [_str(item.get(v)) for v in ("archive", "archive-place", "archive_location")]
    if any(archive):
        text("library", LIBRARY_SEPARATOR.join(archive) if archive[0] or archive[1] else archive[2])
    notes = "\n\n".join(_note(item.get(v)) for v in ("note", "annote") if _note(item.get(v)))
    if notes:  # a library's notes on the work: biblatex's annotation (styles do not print it)
        add("annotation", "{" + "\n\n".join(text_to_latex(p) for p in notes.split("\n\n")) + "}")
    text("abstract", item.get("abstract"))
    text("keywords", item.get("keyword"))
    text("ids", ", ".join(citation_key(a) for a in _aliases(item)))

    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    key = citation_key(item.get("id", ""))
    return f"@{entry_type}{{{key},\n{body}\n}}\n" if body else f"@{entry_type}{{{key},\n}}\n"


def _note(value: Any) -> str:
    """A note's paragraphs kept (a blank line between them), white space inside them normalised."""
    if not isinstance(value, str):
        return ""
    return "\n\n".join(normalize_space(p) for p in re.split(r"\n\s*\n", value) if p.strip())


def _aliases(item: CslItem) -> list[str]:
    custom = item.get("custom")
    found = list(custom.get("aliases") or []) if isinstance(custom, dict) else []
    if item.get("citation-key"):
        found.insert(0, str(item["citation-key"]))
    key = str(item.get("id", ""))
    return [a for a in dict.fromkeys(str(a) for a in found) if a != key]


def _str(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return normalize_space(str(value))


def _date_fields(issued: Any) -> list[tuple[str, str]]:
    """``year`` and ``month`` for BibTeX, plus biblatex's ``date`` when there is a day or a range."""
    if not isinstance(issued, dict):
        return []
    iso = iso_range_text(issued)
    if iso:
        date_parts = issued["date-parts"]
        first = [int(part) for part in date_parts[0]]
        fields = [("year", "{" + str(first[0]) + "}")]
        if len(first) > 1:
            month = first[1]
            fields.append(
                ("month", MONTH_ABBREVIATIONS[month - 1] if 1 <= month <= 12 else "{" + str(month) + "}")
            )
        if len(first) > 2 or len(date_parts) > 1:
            fields.append(("date", "{" + iso + "}"))
        return fields
    literal = issued.get("literal") or issued.get("raw")
    if literal:
        return [("year", "{" + text_to_latex(str(literal)) + "}")]
    return []
