"""CSV export: columns, names, dates and spreadsheet-formula neutralisation."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from refdb.formats import csv as csv_format
from tests.formats.samples import ROBERTS, ROKOSSOVSKY

HEADER = (
    "key,type,title,title-short,authors,editors,container-title,publisher,publisher-place,issued,"
    "edition,volume,issue,page,URL,DOI,ISBN,language,accessed,ISSN,archive,archive-place,archive_location,"
    "abstract,keywords,note\r\n"
)
GOLDEN = (
    HEADER + "roberts2006,book,\"Stalin's Wars: From World War to Cold War, 1939–1953\",Stalin's Wars,"
    '"Roberts, Geoffrey",,,Yale University Press,New Haven,2006,,,,,,,,,,,,,,,,\r\n'
    + 'rokossovsky1988,book,Солдатский долг,,"Рокоссовский, Константин",,,Воениздат,Москва,1988-05,,,,,,,,ru,,,,,,,,\r\n'
)


def dumps(items: list[dict[str, Any]]) -> str:
    return "".join(csv_format.dumps(items))


def rows(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(dumps(items), newline="")))


def test_golden() -> None:
    assert dumps([ROBERTS, ROKOSSOVSKY]) == GOLDEN


def test_header_only_for_no_items() -> None:
    assert dumps([]) == HEADER


def test_streams_header_then_one_row_per_item() -> None:
    assert len(list(csv_format.dumps([ROBERTS, ROKOSSOVSKY]))) == 3


def test_names_and_dates() -> None:
    [row] = rows(
        [
            {
                "id": "x",
                "type": "chapter",
                "author": [
                    {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
                    {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
                    {"literal": "World Health Organization"},
                    {"family": "Plato"},
                ],
                "editor": [{"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}],
                "issued": {"date-parts": [[2006, 5, 2]]},
                "volume": 12,
            }
        ]
    )
    assert row["authors"] == "van Gogh, Vincent; King, Martin Luther, Jr.; World Health Organization; Plato"
    assert row["editors"] == "Beethoven, Ludwig van"
    assert row["issued"] == "2006-05-02"
    assert row["volume"] == "12"


@pytest.mark.parametrize(
    ("date", "cell"),
    [
        ({"date-parts": [[2006]]}, "2006"),
        ({"date-parts": [[2006, 5]]}, "2006-05"),
        ({"date-parts": [[2006, 5, 12]]}, "2006-05-12"),
        ({"date-parts": [[2006], [2007]]}, "2006/2007"),
        ({"literal": "spring 2006"}, "spring 2006"),
        ({"date-parts": [[987]]}, "0987"),
    ],
)
def test_issued_cell(date: dict[str, Any], cell: str) -> None:
    assert rows([{"id": "x", "type": "book", "issued": date}])[0]["issued"] == cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("'quoted", "'quoted"),
        ("Война и мир", "Война и мир"),
        ("", ""),
    ],
)
def test_formula_neutralisation(value: str, cell: str) -> None:
    [row] = rows([{"id": "x", "type": "book", "title": value}])
    assert row["title"] == cell


def test_every_column_is_neutralised() -> None:
    [row] = rows(
        [
            {
                "id": "=key",
                "type": "book",
                "author": [{"literal": "@evil"}],
                "publisher": "+p",
                "page": "-5",
                "URL": "=u",
            }
        ]
    )
    assert (row["key"], row["authors"], row["publisher"], row["page"], row["URL"]) == (
        "'=key",
        "'@evil",
        "'+p",
        "'-5",
        "'=u",
    )


def test_neutralize_function() -> None:
    assert csv_format.neutralize("=1") == "'=1"
    assert csv_format.neutralize("1=") == "1="
