"""Partial dates (YYYY, YYYY-MM, YYYY-MM-DD), literal dates and CSL dates: one module for all of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refdb import dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1995, (1995, None, None)),
        ("1995", (1995, None, None)),
        (" 1941-06 ", (1941, 6, None)),
        ("1941-06-22", (1941, 6, 22)),
        (dt.date(1941, 6, 22), (1941, 6, 22)),
        ("0800", (800, None, None)),
        ("0", (0, None, None)),  # year 0 passes, as the dataset always let it
        ("2000-02-29", (2000, 2, 29)),
    ],
)
def test_partial_dates_parse(value: Any, expected: dates.PartialDate) -> None:
    assert dates.parse_partial(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1941-6", "'1941-6' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("19410", "'19410' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("22.06.1941", "'22.06.1941' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        (True, "'True' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("1941-13", "'1941-13' is not a real date"),
        ("1900-02-29", "'1900-02-29' is not a real date"),
        ("1941-06-31", "'1941-06-31' is not a real date"),
    ],
)
def test_not_a_partial_date(value: Any, message: str) -> None:
    with pytest.raises(dates.DateError) as err:
        dates.parse_partial(value)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (None, None)),
        ("1995-06", ((1995, 6, None), None)),
        (1995, ((1995, None, None), None)),
        ("forthcoming", (None, "forthcoming")),
        (" c. 1920 ", (None, "c. 1920")),
        ("1920s", (None, "1920s")),
    ],
)
def test_date_or_literal(value: Any, expected: tuple[Any, Any]) -> None:
    assert dates.parse_date_or_literal(value) == expected


def test_calendar_like_text_that_is_no_date_is_an_error_not_a_literal() -> None:
    with pytest.raises(dates.DateError, match="is not a real date"):
        dates.parse_date_or_literal("1941-02-30")
    with pytest.raises(dates.DateError, match="is not a date"):
        dates.parse_date_or_literal("1941 - 06")


@pytest.mark.parametrize(
    ("date", "text"),
    [
        ((1995, None, None), "1995"),
        ((1941, 6, None), "1941-06"),
        ((1941, 6, 22), "1941-06-22"),
        ((800, 1, 2), "0800-01-02"),
        ((1941, None, 22), "1941"),  # a day without a month is not written
        ((None, None, None), None),
        (None, None),
    ],
)
def test_partial_dates_print(date: Any, text: str | None) -> None:
    assert dates.format_partial(date) == text


@given(st.dates(min_value=dt.date(1, 1, 1)), st.integers(1, 3))
def test_partial_round_trip(day: dt.date, precision: int) -> None:
    parts = (day.year, day.month if precision > 1 else None, day.day if precision > 2 else None)
    text = dates.format_partial(parts)
    assert text is not None
    assert dates.parse_partial(text) == parts


def test_columns_and_csl_dates() -> None:
    assert dates.partial_columns(None) == (None, None, None)
    assert dates.partial_columns((1941, 6, None)) == (1941, 6, None)
    assert dates.csl_date(1941, 6, 22) == {"date-parts": [[1941, 6, 22]]}
    assert dates.csl_date(1941, None, 22) == {"date-parts": [[1941]]}
    assert dates.csl_date(None, literal="forthcoming") == {"literal": "forthcoming"}
    assert dates.csl_date(1941, literal="forthcoming") == {"date-parts": [[1941]]}
    assert dates.csl_date(None) is None
    assert dates.csl_columns({"date-parts": [[1941, "6"]]}) == (1941, 6, None)
    assert dates.csl_columns({"date-parts": [["spring"]]}) == (None, None, None)
    assert dates.csl_columns({"literal": "forthcoming"}) == (None, None, None)
    assert dates.csl_year({"date-parts": [[2006, 5], [2007]]}) == 2006
    assert dates.csl_literal({"literal": " forthcoming "}) == "forthcoming"
    assert dates.csl_literal({"raw": "c. 1920"}) == "c. 1920"
    assert dates.csl_literal({"date-parts": [[1920]], "literal": "c. 1920"}) is None
    assert dates.first_parts({"date-parts": [["2006", 5]]}) == [2006, 5]
    assert dates.first_parts({"date-parts": [["spring", 5]]}) is None
    assert dates.first_parts("2006") is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2006", {"date-parts": [[2006]]}),
        ("2006-5", {"date-parts": [[2006, 5]]}),
        (" 2006-05-12 ", {"date-parts": [[2006, 5, 12]]}),
        ("-0044-03-15", {"date-parts": [[-44, 3, 15]]}),
        ("2006/2007", {"date-parts": [[2006], [2007]]}),
        ("2006/", {"date-parts": [[2006]]}),
        ("2006/2007/2008", None),
        ("May 2006", None),
        ("", None),
    ],
)
def test_iso_dates_read(text: str, date: dict[str, Any] | None) -> None:
    assert dates.parse_iso_date(text) == date


@pytest.mark.parametrize(
    ("date", "iso", "shown"),
    [
        ({"date-parts": [[2006, 5, 12]]}, "2006-05-12", "2006-05-12"),
        ({"date-parts": [[800]]}, "0800", "0800"),
        ({"date-parts": [[-44, 3]]}, "-44-03", "-44-03"),
        ({"date-parts": [[2006], [2007]]}, "2006/2007", "2006/2007"),
        ({"date-parts": [["2006", "5"]]}, "2006-05", "2006-5"),
        ({"date-parts": [["spring"]]}, "", "spring"),
        ({"literal": " c.  1920 "}, "", "c. 1920"),
        ("2006", "", ""),
    ],
)
def test_iso_dates_print(date: Any, iso: str, shown: str) -> None:
    assert dates.iso_range_text(date) == iso
    assert dates.csl_date_text(date) == shown


@pytest.mark.parametrize(
    ("text", "month"),
    [("5", 5), ("May", 5), ("may.", 5), ("Sep", 9), ("September", 9), ("13", 13), ("Sept", None), ("", None)],
)
def test_month_names(text: str, month: int | None) -> None:
    assert dates.month_number(text) == month


def test_month_abbreviations() -> None:
    assert dates.month_of_abbreviation("MAY") == 5
    assert dates.month_of_abbreviation("December") == 12
    assert dates.month_of_abbreviation("Ma") is None
    assert dates.looks_like_calendar_date("1941-06") and not dates.looks_like_calendar_date("forthcoming")
