"""RIS (and Web of Science plain-text exports) with rispy.

rispy parses the tags of one record; this module finds the records itself, so
that every record knows its line and a record without ``ER  -`` is an error
instead of being dropped (rispy silently loses it, and merges it into the next
record when another ``TY`` follows).  Writing is plain ``TAG  - value`` lines in
the Zotero dialect: ``TI``, ``AU``, ``T2``, ``PY``/``DA``, ``SP``/``EP``, ``SN``...
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

import rispy
from rispy.config import LIST_TYPE_TAGS, TAG_KEY_MAPPING, WOK_LIST_TYPE_TAGS, WOK_TAG_KEY_MAPPING

from refdb.dates import first_parts, month_of_abbreviation
from refdb.errors import InputError
from refdb.formats import CslItem, ParsedItem
from refdb.formats.cleaning import split_datetime
from refdb.formats.identifiers import looks_like_isbn, looks_like_issn, strip_doi_prefix
from refdb.formats.names import CslName, format_inverted, normalize_space, parse_inverted

# --- types -----------------------------------------------------------------------------------------

#: RIS ``TY`` -> CSL type (reading).  Unknown codes read as "document".
RIS_TO_CSL_TYPE: dict[str, str] = {
    "JOUR": "article-journal",
    "JFULL": "periodical",
    "EJOUR": "article-journal",
    "INPR": "article-journal",
    "ABST": "article-journal",
    "MGZN": "article-magazine",
    "NEWS": "article-newspaper",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CLSWK": "classic",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "THES": "thesis",
    "RPRT": "report",
    "GOVDOC": "report",
    "ELEC": "webpage",
    "WEB": "webpage",
    "ICOMM": "webpage",
    "BLOG": "post-weblog",
    "MANSCPT": "manuscript",
    "UNPB": "manuscript",
    "GEN": "document",
    "PAT": "patent",
    "DATA": "dataset",
    "DBASE": "dataset",
    "COMP": "software",
    "MAP": "map",
    "PCOMM": "personal_communication",
    "ENCYC": "entry-encyclopedia",
    "DICT": "entry-dictionary",
    "CASE": "legal_case",
    "STAT": "legislation",
    "LEGAL": "regulation",
    "BILL": "bill",
    "HEAR": "hearing",
    "MPCT": "motion_picture",
    "VIDEO": "motion_picture",
    "ADVS": "motion_picture",
    "SOUND": "song",
    "MUSIC": "musical_score",
    "ART": "graphic",
    "FIGURE": "figure",
    "PAMP": "pamphlet",
    "STAND": "standard",
    "SER": "book",
}

#: CSL type -> RIS ``TY`` (writing); anything else is ``GEN``.
CSL_TO_RIS_TYPE: dict[str, str] = {
    "article": "JOUR",
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "review": "JOUR",
    "review-book": "JOUR",
    "periodical": "JFULL",
    "book": "BOOK",
    "classic": "CLSWK",
    "chapter": "CHAP",
    "paper-conference": "CONF",
    "thesis": "THES",
    "report": "RPRT",
    "webpage": "ELEC",
    "post": "ELEC",
    "post-weblog": "BLOG",
    "manuscript": "MANSCPT",
    "document": "GEN",
    "patent": "PAT",
    "dataset": "DATA",
    "software": "COMP",
    "map": "MAP",
    "personal_communication": "PCOMM",
    "entry": "ENCYC",
    "entry-encyclopedia": "ENCYC",
    "entry-dictionary": "DICT",
    "legal_case": "CASE",
    "legislation": "STAT",
    "regulation": "LEGAL",
    "bill": "BILL",
    "hearing": "HEAR",
    "motion_picture": "MPCT",
    "song": "SOUND",
    "musical_score": "MUSIC",
    "graphic": "ART",
    "figure": "FIGURE",
    "pamphlet": "PAMP",
    "standard": "STAND",
}

# Long names some tools write instead of codes ("TY  - Journal Article").
_TYPE_NAMES: dict[str, str] = {
    **{name.lower(): code for code, name in rispy.TYPE_OF_REFERENCE_MAPPING.items()},
    "journal article": "JOUR",
    "book section": "CHAP",
    "conference paper": "CPAPER",
    "thesis": "THES",
    "report": "RPRT",
    "web page": "ELEC",
}

#: Web of Science ``PT`` / ``DT`` -> CSL type.
WOS_TO_CSL_TYPE: dict[str, str] = {
    "J": "article-journal",
    "B": "book",
    "S": "chapter",
    "P": "patent",
    "C": "paper-conference",
    "article": "article-journal",
    "review": "article-journal",
    "proceedings paper": "paper-conference",
    "book chapter": "chapter",
    "book": "book",
}

#: RIS tag -> CSL variable for single text values; the first tag present wins.
TEXT_TAGS: tuple[tuple[str, str], ...] = (
    ("TI", "title"),
    ("T1", "title"),
    ("ST", "title-short"),
    ("T2", "container-title"),
    ("JF", "container-title"),
    ("JO", "container-title"),
    ("J2", "container-title-short"),
    ("JA", "container-title-short"),
    ("T3", "collection-title"),
    ("ET", "edition"),
    ("VL", "volume"),
    ("VO", "volume"),
    ("PB", "publisher"),
    ("CY", "publisher-place"),
    ("PP", "publisher-place"),
    ("LA", "language"),
    ("M3", "genre"),
    ("AB", "abstract"),
    ("N2", "abstract"),
    ("DB", "archive"),
    ("AV", "archive-place"),
    ("AN", "archive_location"),
)
NAME_TAGS: tuple[tuple[str, str], ...] = (
    ("AU", "author"),
    ("A1", "author"),
    ("A2", "editor"),
    ("ED", "editor"),
    ("A3", "collection-editor"),
    ("A4", "translator"),
)
_BOOK_TYPES = frozenset({"book", "chapter", "classic", "paper-conference", "thesis", "report", "manuscript"})

_RIS_TAGS = sorted({*TAG_KEY_MAPPING, "ED", "BT", "PP", "VO", "UK", "AV", "DB"})
# every tag the reader uses; the others a record has are reported as not stored
_READ_TAGS = frozenset({"TY", "ID", "ER", "BT", "IS", "SP", "EP", "DA", "PY", "Y1", "Y2", "UR", "DO", "SN", "N1",
                        "KW", *(t for t, _ in TEXT_TAGS), *(t for t, _ in NAME_TAGS)})  # fmt: skip
_RIS_LIST_TAGS = [*LIST_TYPE_TAGS, "ED", "SN"]  # SN: an ISBN and an ISSN may both be given
_WOS_TAGS = sorted({*WOK_TAG_KEY_MAPPING, "UK"})
_RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  -", re.MULTILINE)
_WOS_LINE = re.compile(r"^(?:FN |PT [A-Z])", re.MULTILINE)

# --- reading ---------------------------------------------------------------------------------------


def loads(text: str, *, source_name: str, errors: list[InputError] | None = None) -> list[ParsedItem]:
    """Parse RIS (or a Web of Science export) into CSL items, in file order.

    Without ``errors`` a record without ``ER  -`` raises.  With a list, its error goes
    there and reading goes on: a ``TY`` line inside it starts the next record, which
    is read as usual.  A file without any record still raises.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _RIS_LINE.search(text):
        parser: type[rispy.RisParser] = rispy.RisParser
        tags, list_tags, convert = _RIS_TAGS, _RIS_LIST_TAGS, _ris_to_item
    elif _WOS_LINE.search(text):
        parser = rispy.WokParser
        tags, list_tags, convert = _WOS_TAGS, WOK_LIST_TYPE_TAGS, _wos_to_item
    else:
        raise InputError("no RIS records found (a record starts with a 'TY  - ' line)", location=source_name)
    mapping = {tag: tag for tag in tags}
    items: list[ParsedItem] = []
    problems: list[InputError] = []
    used_ids: set[str] = set()
    for number, line, lines in _records(text, parser, source_name, None if errors is None else problems):
        records = rispy.loads(
            "\n".join(lines),
            implementation=parser,
            mapping=mapping,
            list_tags=list_tags,
            delimiter_tags_mapping={},
        )
        record = records[0]
        details: list[str] = []
        item = convert(record, details)
        key_given = bool(item.get("id"))
        item["id"] = _record_id(item, number, used_ids)
        used_ids.add(item["id"])
        unused = () if convert is _wos_to_item else tuple(sorted(t for t in record if t not in _READ_TAGS))
        code = _first(record, "TY") if convert is _ris_to_item else ""
        known = code.upper() in RIS_TO_CSL_TYPE or _TYPE_NAMES.get(code.lower(), "") in RIS_TO_CSL_TYPE
        warnings = (
            ()
            if known or convert is _wos_to_item
            else (f"unknown RIS type 'TY  - {code}', read as a document",)
        )
        items.append(ParsedItem(_ordered(item), f"{source_name}:{line}", key_given=key_given, unused=unused,
                                warnings=warnings, details=tuple(details)))  # fmt: skip
    if not items and not problems:
        raise InputError("no RIS records found (a record starts with a 'TY  - ' line)", location=source_name)
    if errors is not None:
        errors.extend(problems)
    return items


def _records(
    text: str, parser: type[rispy.RisParser], source_name: str, errors: list[InputError] | None
) -> Iterator[tuple[int, int, list[str]]]:
    """``(record number, first line number, lines)`` of each record, ``TY`` to ``ER`` (``PT`` for WoS).

    A record without its end tag raises, or with ``errors`` is added there and skipped.
    """
    start_tag, end_tag = parser.START_TAG, parser.END_TAG
    instance = parser()
    start, number = 0, 0
    lines: list[str] = []

    def _headless(line: int, until: str) -> None:
        error = InputError(
            f"a record without a 'TY  - ' line (from here to {until}): every RIS record starts with its type",
            location=f"{source_name}:{line}",
        )
        if errors is None:
            raise error
        errors.append(error)

    def unterminated(before: str) -> None:
        error = InputError(
            f"record {number} has no 'ER  -' line before {before}", location=f"{source_name}:{start}"
        )
        if errors is None:
            raise error
        errors.append(error)

    headless = 0  # the line of a record that has tags but no start tag (rispy drops it in silence)
    for index, line in enumerate(text.split("\n"), start=1):
        tag = instance.parse_line(line)[0] if line[:2] in (start_tag, end_tag) else None
        if lines and tag == start_tag:
            unterminated(f"the next record on line {index}")
            lines = []
        if not lines:
            if tag == start_tag:
                if headless:
                    _headless(headless, f"the next record on line {index}")
                    headless = 0
                start, number, lines = index, number + 1, [line]
            elif tag == end_tag and headless:
                _headless(headless, f"its 'ER  -' on line {index}")
                headless = 0
            elif not headless and start_tag == "TY" and _RIS_LINE.match(line) and line[6:].strip():
                headless = index
            continue
        lines.append(line)
        if tag == end_tag:
            yield number, start, lines
            lines = []
    if lines:
        unterminated("the end of the file")
    if headless:
        _headless(headless, "the end of the file")


def _first(record: dict[str, Any], *tags: str) -> str:
    for tag in tags:
        value = record.get(tag)
        if isinstance(value, list):
            value = next((v for v in value if v and v.strip()), "")
        if value and value.strip():
            return normalize_space(value)
    return ""


def _all(record: dict[str, Any], *tags: str) -> list[str]:
    values: list[str] = []
    for tag in tags:
        value = record.get(tag)
        if isinstance(value, str):
            value = [value]
        values.extend(normalize_space(v) for v in value or () if v and v.strip())
    return values


def _ris_type(code: str) -> str:
    code = normalize_space(code)
    if code.upper() in RIS_TO_CSL_TYPE:
        return RIS_TO_CSL_TYPE[code.upper()]
    return RIS_TO_CSL_TYPE.get(_TYPE_NAMES.get(code.lower(), ""), "document")


def _ris_to_item(record: dict[str, Any], details: list[str] | None = None) -> CslItem:
    csl_type = _ris_type(_first(record, "TY"))
    item: CslItem = {"type": csl_type}
    given_id = _first(record, "ID")
    if given_id:
        item["id"] = given_id
    for tag, variable in TEXT_TAGS:
        if variable not in item:
            value = _first(record, tag)
            if value:
                item[variable] = value
    if "title" not in item and "title-short" in item:  # a record with only ST (Zotero's short title)
        item["title"] = item["title-short"]
    if "container-title" not in item and csl_type == "chapter" and _first(record, "BT"):
        item["container-title"] = _first(record, "BT")
    for tag, variable in NAME_TAGS:
        names = [name for name in map(parse_inverted, _all(record, tag)) if name]
        if names:
            item.setdefault(variable, []).extend(names)
    issue = _first(record, "IS")
    if issue:
        item["number" if csl_type == "report" else "issue"] = issue
    start, end = _first(record, "SP"), _first(record, "EP")
    if csl_type == "book" and start and not end:
        item["number-of-pages"] = start
    elif start or end:
        item["page"] = f"{start}-{end}" if start and end else start or end
    da_text, da_time = split_datetime(_first(record, "DA"))
    if da_time and details is not None:
        details.append(f"DA {da_text}{da_time} read as the date {da_text} (the time of day is not kept)")
    issued = _read_issued(da_text, _first(record, "PY", "Y1"))
    if issued:
        item["issued"] = issued
    accessed_text, time = split_datetime(_first(record, "Y2"))
    if time and details is not None:
        details.append(
            f"Y2 {accessed_text}{time} read as the date {accessed_text} (the time of day is not kept)"
        )
    accessed = _parse_ris_date(accessed_text)
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    url = _first(record, "UR")
    if url:
        item["URL"] = url
    doi = strip_doi_prefix(_first(record, "DO"))
    if doi:
        item["DOI"] = doi
    for number in _all(record, "SN"):
        variable = _standard_number_kind(number, csl_type)
        item.setdefault(variable, number)
    notes = _all(record, "N1")
    if notes:
        item["note"] = "\n".join(notes)
    keywords = _all(record, "KW")
    if keywords:
        item["keyword"] = ", ".join(keywords)
    return item


def _wos_to_item(record: dict[str, Any], details: list[str] | None = None) -> CslItem:
    document_type = _first(record, "DT").split(";")[0].strip().lower()
    publication_type = _first(record, "PT")
    csl_type = WOS_TO_CSL_TYPE.get(document_type) or WOS_TO_CSL_TYPE.get(publication_type, "document")
    item: CslItem = {"type": csl_type}
    authors = _all(record, "AF") or _all(record, "AU")
    if authors:
        item["author"] = [name for name in map(parse_inverted, authors) if name]
    editors = _all(record, "BE")
    if editors:
        item["editor"] = [name for name in map(parse_inverted, editors) if name]
    for tag, variable in (
        ("TI", "title"),
        ("SO", "container-title"),
        ("JI", "container-title-short"),
        ("J9", "container-title-short"),
        ("SE", "collection-title"),
        ("VL", "volume"),
        ("IS", "issue"),
        ("PU", "publisher"),
        ("PI", "publisher-place"),
        ("LA", "language"),
        ("AB", "abstract"),
        ("SN", "ISSN"),
        ("BN", "ISBN"),
    ):
        value = _first(record, tag)
        if value and variable not in item:
            item[variable] = value
    start, end = _first(record, "BP"), _first(record, "EP")
    page = f"{start}-{end}" if start and end else start or _first(record, "AR")
    if page:
        item["page"] = page
    doi = _first(record, "DI")
    if doi:
        item["DOI"] = strip_doi_prefix(doi)
    year = _first(record, "PY")
    if year.isdigit():
        parts = [int(year)]
        month_day = _first(record, "PD").split()
        month = month_of_abbreviation(month_day[0]) if month_day else None
        if month is not None:
            parts.append(month)
            if len(month_day) > 1 and month_day[1].isdigit():
                parts.append(int(month_day[1]))
        item["issued"] = {"date-parts": [parts]}
    keywords = [k.strip() for k in _first(record, "DE").split(";") if k.strip()]
    if keywords:
        item["keyword"] = ", ".join(keywords)
    return item


_RIS_DATE = re.compile(r"^(\d{1,4})(?:[/-](\d{0,2})(?:[/-](\d{0,2})(?:/.*)?)?)?$")


def _parse_ris_date(text: str) -> list[int] | None:
    """``2006``, ``2006//``, ``2006/05//``, ``2006/05/12/``, ``2006-05-12`` -> date parts."""
    match = _RIS_DATE.match(text.strip())
    if not match:
        return None
    year, month, day = match.groups()
    parts = [int(year)]
    if month and 1 <= int(month) <= 12:
        parts.append(int(month))
        if day and 1 <= int(day) <= 31:
            parts.append(int(day))
    return parts


def _read_issued(date: str, year: str) -> dict[str, Any] | None:
    full, short = _parse_ris_date(date), _parse_ris_date(year)
    if full and (not short or (full[0] == short[0] and len(full) >= len(short))):
        return {"date-parts": [full]}
    if short:
        return {"date-parts": [short]}
    literal = year or date
    return {"literal": literal} if literal else None


def _standard_number_kind(number: str, csl_type: str) -> str:
    """``SN`` holds an ISBN or an ISSN: tell them apart by shape, then by the item's type."""
    if looks_like_issn(number):
        return "ISSN"
    if looks_like_isbn(number) or csl_type in _BOOK_TYPES:
        return "ISBN"
    return "ISSN"


def _record_id(item: CslItem, number: int, used: set[str]) -> str:
    """The record's ``ID`` if it has one, else a key from the first author and the year."""
    if item.get("id"):
        base = str(item["id"])
        if base not in used:
            return base
    else:
        names: list[CslName] = item.get("author") or item.get("editor") or []
        first = names[0] if names else {}
        stem = str(first.get("family") or first.get("literal") or "").split(" ")[0]
        stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
        stem = re.sub(r"[^a-z0-9]", "", stem.lower())
        date_parts = (item.get("issued") or {}).get("date-parts") or [[]]
        year = str(date_parts[0][0]) if date_parts[0] else ""
        base = f"{stem}{year}" if stem else f"record{number}"
    candidate, suffix = base, 2
    while candidate in used:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return candidate


def _ordered(item: CslItem) -> CslItem:
    return {"id": item.pop("id"), "type": item.pop("type"), **item}


# --- writing ---------------------------------------------------------------------------------------


def dumps(items: Iterable[CslItem]) -> Iterator[str]:
    """RIS text, one record per chunk."""
    for index, item in enumerate(items):
        yield ("\n" if index else "") + format_record(item)


def _value(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return normalize_space(str(value))


def format_record(item: CslItem) -> str:
    csl_type = str(item.get("type", ""))
    lines: list[tuple[str, str]] = [("TY", CSL_TO_RIS_TYPE.get(csl_type, "GEN"))]

    def add(tag: str, value: Any) -> None:
        text = _value(value)
        if text:
            lines.append((tag, text))

    add("ID", item.get("id"))
    add("TI", item.get("title"))
    add("ST", item.get("title-short"))
    for variable, tag in (
        ("author", "AU"),
        ("editor", "A2"),
        ("collection-editor", "A3"),
        ("translator", "A4"),
    ):
        for name in item.get(variable) or ():
            add(tag, format_name(name))
    add("T2", item.get("container-title"))
    add("J2", item.get("container-title-short"))
    add("T3", item.get("collection-title"))
    _add_dates(add, item.get("issued"), year_tag="PY", date_tag="DA")
    accessed = first_parts(item.get("accessed"))
    if accessed:
        add("Y2", _ris_date(accessed))
    add("ET", item.get("edition"))
    add("VL", item.get("volume"))
    add("IS", item.get("number") if csl_type == "report" else item.get("issue"))
    page = _value(item.get("page"))
    if csl_type == "book" and item.get("number-of-pages"):
        add("SP", item.get("number-of-pages"))
    elif page:
        match = re.fullmatch(r"([^-]*[^\s-])-([^\s-][^-]*)", page)
        if match:
            add("SP", match.group(1))
            add("EP", match.group(2))
        else:
            add("SP", page)
    add("PB", item.get("publisher"))
    add("CY", item.get("publisher-place"))
    add("SN", item.get("ISBN"))
    add("SN", item.get("ISSN"))
    add("DO", item.get("DOI"))
    add("UR", item.get("URL"))
    add("LA", item.get("language"))
    add("M3", item.get("genre"))
    add("DB", item.get("archive"))
    add("AV", item.get("archive-place"))
    add("AN", item.get("archive_location"))
    add("AB", item.get("abstract"))
    for keyword in _value(item.get("keyword")).split(","):
        add("KW", keyword)
    for note in (item.get("note"), item.get("annote")):  # one N1 per line (a blank line is not kept)
        for note_line in str(note or "").splitlines():
            add("N1", note_line)
    body = "".join(f"{tag}  - {text}\n" for tag, text in lines)
    return body + "ER  - \n"


def format_name(name: CslName) -> str:
    """``Family, Given`` / the literal, in the form this reader gives back unchanged.

    RIS cannot quote a comma, so a literal with a comma reads back as a person; writing
    what the reader makes of the name keeps export -> import -> export identical.
    """
    read = parse_inverted(format_inverted(name, mark_person=True))
    return format_inverted(read, mark_person=True) if read else ""


def _ris_date(parts: list[int]) -> str:
    year, month, day = [*parts, 0, 0][:3]
    return f"{year:04d}/" + (f"{month:02d}" if month else "") + "/" + (f"{day:02d}" if day else "") + "/"


def _add_dates(add: Any, issued: Any, *, year_tag: str, date_tag: str) -> None:
    parts = first_parts(issued)
    if parts:
        add(year_tag, f"{parts[0]:04d}")
        if len(parts) > 1:
            add(date_tag, _ris_date(parts))
    elif isinstance(issued, dict):
        add(year_tag, issued.get("literal") or issued.get("raw"))
