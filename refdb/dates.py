"""Dates, in the two shapes refdb speaks: partial calendar dates and CSL dates.

A *partial date* is what the dataset, the database columns and the listings hold:
``(year, month, day)`` with month and day optional, written ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``.  A date that is not a calendar date ("forthcoming", "c. 1920") is
kept as written, as a *literal*.

A *CSL date* is what the interchange formats speak: ``{"date-parts": [[2006, 5, 12]]}``
(two inner lists for a range) or ``{"literal": "forthcoming"}``.  The functions here
convert between the two and read and print the ISO forms the formats use; each
format keeps only its own syntax (RIS slashes, BibTeX ``year``/``month`` fields).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

PartialDate = tuple[int, int | None, int | None]
#: year, month, day as the database columns hold them (all ``None`` when undated)
DateColumns = tuple[int | None, int | None, int | None]
CslDate = dict[str, Any]

#: how a partial date is written, for messages and help texts
PARTIAL_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
#: the dataset's strict form: a year of 1-4 digits, month and day of two
DATE_RE = re.compile(r"^(\d{1,4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_CALENDAR_LIKE = re.compile(r"[\d\s-]+")
#: the lenient ISO form the formats read: signed year, one- or two-digit month and day
_ISO = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")

MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = (
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


class DateError(ValueError):
    """A value that should be a partial date and is not; ``str()`` is the message to show."""


# --- partial dates ---------------------------------------------------------------------------------


def looks_like_calendar_date(value: Any) -> bool:
    """Whether a value is meant as a calendar date (digits and dashes, a YAML date or an int).

    Anything else ("forthcoming", "c. 1920") is a literal date, kept as written.
    """
    return (
        value is None
        or isinstance(value, dt.date | int)
        or _CALENDAR_LIKE.fullmatch(str(value).strip()) is not None
    )


def parse_partial(value: Any) -> PartialDate:
    """``1995``, ``"1995-06"``, ``"1995-06-22"`` or a ``datetime.date`` as ``(year, month, day)``.

    Raises :class:`DateError` for anything else and for dates that do not exist
    (``1995-02-30``).  Year 0 is accepted, as the dataset always has.
    """
    if isinstance(value, dt.date):
        return (value.year, value.month, value.day)
    text = str(value).strip()
    match = DATE_RE.match(text)
    if isinstance(value, bool) or not match:
        raise DateError(f"'{text}' is not a date ({PARTIAL_FORMS})")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        dt.date(year or 1, month or 1, day or 1)
    except ValueError:
        raise DateError(f"'{text}' is not a real date") from None
    return (year, month, day)


def parse_date_or_literal(value: Any) -> tuple[PartialDate | None, str | None]:
    """A calendar date as ``(partial, None)``, any other date as ``(None, text as written)``.

    ``None`` gives ``(None, None)``; a calendar-like value that is no real date raises
    :class:`DateError`.
    """
    if value is None:
        return None, None
    if looks_like_calendar_date(value):
        return parse_partial(value), None
    return None, str(value).strip() or None


def format_partial(date: Sequence[int | None] | None) -> str | None:
    """``(1995, 6, None)`` -> ``"1995-06"``; ``None`` (or no year) -> ``None``.

    A day without a month is not written.
    """
    if date is None or not date or date[0] is None:
        return None
    year, month, day = (*date, None, None)[:3]
    out = f"{year:04d}"
    if month:
        out += f"-{month:02d}"
        if day:
            out += f"-{day:02d}"
    return out


def partial_columns(date: PartialDate | None) -> DateColumns:
    """A partial date as the three database columns (``(None, None, None)`` when undated)."""
    return date if date is not None else (None, None, None)


# --- CSL dates -------------------------------------------------------------------------------------


def csl_date(year: int | None, month: int | None = None, day: int | None = None,
             literal: str | None = None) -> CslDate | None:  # fmt: skip
    """The CSL date of database columns: date-parts when there is a year; an EDTF literal as date-parts
    (a range, ``circa``); else the literal."""
    if year is not None:
        parts = [year]
        if month:
            parts.append(month)
            if day:
                parts.append(day)
        return {"date-parts": [parts]}
    if literal:
        return issued_csl(literal) or {"literal": literal}
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def csl_columns(date: Any) -> DateColumns:
    """The first date of a CSL date as ``(year, month, day)``, each ``None`` when absent or unreadable."""
    parts = first_parts(date, numeric=False) or []
    year, month, day = (*parts, None, None, None)[:3]
    return (_int(year), _int(month), _int(day))


def csl_year(date: Any) -> int | None:
    """The year of a CSL date's first date, or ``None``."""
    return csl_columns(date)[0]


def csl_literal(date: Any) -> str | None:
    """The literal (or ``raw``) text of a CSL date that has no date-parts; ``None`` otherwise."""
    if not isinstance(date, dict) or date.get("date-parts"):
        return None
    literal = date.get("literal") or date.get("raw")
    return str(literal).strip() or None if literal else None


def first_parts(date: Any, *, numeric: bool = True) -> list[Any] | None:
    """The parts of a CSL date's first date (``[2006, 5]``); ``None`` when there are none.

    With ``numeric`` (the default) every part is converted to ``int`` and a date with a
    part that is not a number gives ``None``.
    """
    if not isinstance(date, dict):
        return None
    date_parts = date.get("date-parts") or [[]]
    try:
        parts = list(date_parts[0])
    except (TypeError, IndexError):
        return None
    if not numeric:
        return parts or None
    try:
        return [int(part) for part in parts] or None
    except (TypeError, ValueError):
        return None


# --- ISO text --------------------------------------------------------------------------------------


def parse_iso_parts(text: str) -> list[int] | None:
    """``2006``, ``2006-5``, ``2006-05-12`` (a signed year of up to 4 digits) as date parts.

    Lenient: month and day are not checked against the calendar (the formats keep
    what a file says).
    """
    match = _ISO.match(text.strip())
    if not match:
        return None
    return [int(part) for part in match.groups() if part is not None]


def parse_iso_date(text: str) -> CslDate | None:
    """``2006``, ``2006-05``, ``2006-05-12`` and ranges ``2006/2007`` as a CSL date; else ``None``."""
    if not text:
        return None
    pieces = text.split("/")
    parsed = [parse_iso_parts(piece) for piece in pieces if piece.strip()]
    if len(pieces) > 2 or not parsed or any(p is None for p in parsed):
        return None
    return {"date-parts": parsed}


def _is_int(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.isdigit()
    )


def iso_text(parts: Sequence[Any]) -> str:
    """Date parts as ISO text: the year padded to 4 digits (unless negative), month and day to 2."""
    year, *rest = (int(part) for part in parts)
    return "-".join([f"{year:04d}" if year >= 0 else str(year), *(f"{part:02d}" for part in rest)])


def iso_range_text(date: Any) -> str:
    """``2006-05-12`` or ``2006/2007`` for a CSL date with numeric date-parts, else ``""``."""
    if not isinstance(date, dict):
        return ""
    date_parts = date.get("date-parts")
    if not date_parts or not date_parts[0] or not all(_is_int(p) for parts in date_parts for p in parts):
        return ""
    return "/".join(iso_text(parts) for parts in date_parts)


def csl_date_text(date: Any) -> str:
    """A CSL date for display: ``2006``, ``2006-05-12``, ``2006/2007``, else its literal text."""
    if not isinstance(date, dict):
        return ""
    parts = date.get("date-parts")
    if parts and parts[0]:
        return "/".join("-".join(_pad(part, i) for i, part in enumerate(group)) for group in parts)
    return " ".join(str(date.get("literal") or date.get("raw") or "").split())


def _pad(part: Any, index: int) -> str:
    if isinstance(part, int) and not isinstance(part, bool):
        return f"{part:04d}" if index == 0 and part >= 0 else f"{part:02d}" if index else str(part)
    return str(part)


# --- months ----------------------------------------------------------------------------------------


def month_number(text: str) -> int | None:
    """``"5"``, ``"May"``, ``"may."``, ``"Sep"`` -> 5 or 9; anything else -> ``None``.

    A number is returned as it is (the caller decides whether 13 is a month).
    """
    cleaned = text.strip().rstrip(".").lower()
    if cleaned.isdigit():
        return int(cleaned)
    for index, name in enumerate(MONTH_NAMES):
        if cleaned and (cleaned == name.lower() or cleaned == MONTH_ABBREVIATIONS[index]):
            return index + 1
    return None


def month_of_abbreviation(word: str) -> int | None:
    """The month a word starts with, by its first three letters (``"MAY 12"`` -> 5), or ``None``."""
    prefix = word[:3].lower()
    return MONTH_ABBREVIATIONS.index(prefix) + 1 if prefix in MONTH_ABBREVIATIONS else None


# --- issued dates: calendar dates, EDTF ranges and qualifiers, a few words ---------------------------

#: the words a date of issue may be instead of a date
ISSUED_WORDS = ("forthcoming", "in press", "n.d.", "no date", "undated")
ISSUED_FORMS = (
    "YYYY, YYYY-MM or YYYY-MM-DD; a range 1942/1943; approximate 1942~ (or 'c. 1942'); uncertain 1942?; "
    "both 1942%; a season, Spring 1942; or " + ", ".join(ISSUED_WORDS)
)
_EDTF_ONE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_EDTF = re.compile(rf"^({_EDTF_ONE})([~?%]?)(?:/({_EDTF_ONE})([~?%]?))?$")
_CIRCA = re.compile(r"^(?:c\.?|ca\.?|circa|approx\.?|about|около|ок\.|приблизительно)\s*(\d{4})$", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-–—]\s*(\d{4})$")
_SEASON = re.compile(r"^(spring|summer|autumn|fall|winter)\s+(\d{4})$", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^(?:(\d{1,2})\s+)?([^\W\d_]+)\.?,?\s+(?:(\d{1,2}),?\s+)?(\d{4})$")


def normalize_issued(value: Any) -> str:
    """A date of issue in its stored form, or :class:`DateError` saying what is accepted.

    ``1942``, ``1942-07``, ``1942-07-12`` stay; EDTF ``1942/1943``, ``1942~``, ``1942?``, ``1942%``
    and their month/day forms are checked (real dates, a range that ends after it starts);
    ``c. 1942`` / ``circa 1942`` become ``1942~``, ``1942-1943`` becomes ``1942/1943``,
    ``July 1942`` / ``12 July 1942`` / ``July 12, 1942`` become ``1942-07`` / ``1942-07-12``;
    the words of :data:`ISSUED_WORDS` stay as they are.
    """
    text = " ".join(str(value).split())
    if text.lower() in ISSUED_WORDS:
        return text.lower()
    if looks_like_calendar_date(value) and not _YEAR_RANGE.match(text):
        return format_partial(parse_partial(value)) or text
    if m := _CIRCA.match(text):
        return f"{m.group(1)}~"
    if m := _SEASON.match(text):  # a season: kept as written (CSL prints a literal as it is)
        return f"{m.group(1).capitalize()} {m.group(2)}"
    if m := _YEAR_RANGE.match(text):
        text = f"{m.group(1)}/{m.group(2)}"
    if m := _MONTH_YEAR.match(text):
        month = month_number(m.group(2))
        day = m.group(1) or m.group(3)
        if month is not None:
            return format_partial(parse_partial(f"{m.group(4)}-{month:02d}" + (f"-{int(day):02d}" if day else "")))  # type: ignore[return-value]
    m = _EDTF.match(text)
    if m is None:
        raise DateError(f"'{value}' is not a date of issue: use {ISSUED_FORMS}")
    start = parse_partial(m.group(1))
    if m.group(3):
        end = parse_partial(m.group(3))
        if _padded(end) < _padded(start):
            raise DateError(f"'{value}' ends before it starts")
    return text


def _padded(date: PartialDate) -> tuple[int, int, int]:
    return (date[0], date[1] or 0, date[2] or 0)


def issued_csl(text: str | None) -> CslDate | None:
    """The CSL date of a stored EDTF date of issue: date-parts (two for a range), ``circa`` for ``~``
    or ``%``; ``None`` for anything else (a word: the caller keeps it as a literal)."""
    m = _EDTF.match(text or "")
    if m is None:
        return None
    parts = [list(p for p in parse_partial(m.group(1)) if p)]
    if m.group(3):
        parts.append([p for p in parse_partial(m.group(3)) if p])
    out: CslDate = {"date-parts": parts}
    if m.group(2) in ("~", "%") or m.group(4) in ("~", "%"):
        out["circa"] = True
    return out
