"""Writing BibTeX by hand: UTF-8 kept, only the specials escaped, so export -> import is stable."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from refdb.dates import MONTH_ABBREVIATIONS, iso_range_text
from refdb.formats import CslItem
from refdb.formats.bibtex.latex import escape_verbatim, text_to_latex
from refdb.formats.bibtex.names import canonical_name, format_name
from refdb.formats.bibtex.types import CSL_TO_BIBTEX_TYPE, MASTERS_GENRE, NAME_FIELDS, VERBATIM_FIELDS
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
        names = [format_name(name) for name in item.get(variable) or () if canonical_name(name)]
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
        fields.append(("pages", "{" + escape_verbatim(page).replace("-", "--") + "}"))
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
            fields.append((field_name, "{" + escape_verbatim(value) + "}"))
    accessed = iso_range_text(item.get("accessed"))
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
