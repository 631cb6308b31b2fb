"""Tables are aligned by display width: CJK takes two terminal cells, combining marks none."""

from __future__ import annotations

import io
import unicodedata

import pytest

from refdb.cli.render import Column, OutputFormat, emit

COLUMNS = [
    Column("KEY", lambda r: r["key"]),
    Column("TITLE", lambda r: r["title"], width=24),
    Column("YEAR", lambda r: r["year"]),
]
RECORDS = [
    {"key": "roberts", "title": "Stalin's Wars", "year": 2006},
    {"key": "tokyo", "title": "東京裁判", "year": 1983},  # four wide characters: eight cells
    {"key": "zhukov", "title": "Воспоминания и размышления", "year": 1969},
    {"key": "combining", "title": "Pe\u0301rez Gabyło\u0301w", "year": 1990},  # e + U+0301: one cell
    {"key": "mixed", "title": "日本の戦争 and Россия: a long title that wraps", "year": 2001},
]


def cells(text: str) -> int:
    """Terminal cells by the Unicode tables alone (East Asian Wide/Fullwidth 2, combining 0)."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def cell_slice(line: str, start: int, end: int) -> str:
    """The characters of ``line`` that fill display cells ``start`` to ``end``."""
    out, position = [], 0
    for char in line:
        if start <= position < end:
            out.append(char)
        position += cells(char)
    return "".join(out)


def render(records: list[dict[str, object]], columns: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    out = io.StringIO()
    emit(records, OutputFormat.table, COLUMNS, empty="none", out=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("terminal", [40, 60, 120])
def test_columns_align_by_display_width(terminal: int, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = render(RECORDS, terminal, monkeypatch)
    key_w, title_w, year_w = (len(dashes) for dashes in lines[1].split("  "))
    gaps = [(key_w, key_w + 2), (key_w + 2 + title_w, key_w + 4 + title_w)]
    for line in lines:
        assert cells(line) <= key_w + title_w + year_w + 4, line
        for start, end in gaps:  # the two-space gaps fall on the same cells on every line
            assert cell_slice(line, start, end) in ("  ", ""), line
        year = cell_slice(line, gaps[1][1], gaps[1][1] + year_w).strip()
        assert year in ("YEAR", "----", "") or year.isdigit(), line
    years = [cell_slice(line, gaps[1][1], gaps[1][1] + year_w) for line in lines[2:]]
    assert [y for y in years if y] == [str(r["year"]) for r in RECORDS]


def test_wide_characters_fill_two_cells_each(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [{"key": "a", "title": "東京裁判", "year": 1983}, {"key": "b", "title": "Tokyo", "year": 1983}]
    _, rule, first, second = render(records, 120, monkeypatch)
    assert rule == "---  --------  ----"  # 東京裁判 is eight cells wide, not four
    assert first == "a    東京裁判  1983"
    assert second == "b    Tokyo     1983"
    assert cells(first) == cells(second) == len(rule)


def test_combining_marks_take_no_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [
        {"key": "a", "title": "Pe\u0301rez", "year": 1990},
        {"key": "b", "title": "Perez", "year": 1990},
    ]
    _, rule, first, second = render(records, 120, monkeypatch)
    assert rule == "---  -----  ----"
    assert first == "a    Pe\u0301rez  1990" and second == "b    Perez  1990"


def test_cyrillic_wraps_at_the_column_width(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [{"key": "zhukov", "title": "Воспоминания и размышления о войне", "year": 1969}]
    lines = render(records, 40, monkeypatch)
    assert lines == [
        "KEY     TITLE                       YEAR",
        "------  --------------------------  ----",  # 24 wide, plus the 2 cells the terminal spares
        "zhukov  Воспоминания и размышления  1969",
        "        о войне",
    ]


def test_cjk_without_spaces_is_broken_by_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    title = "日本の戦争と平和についての長い題名です"  # 19 wide characters, no spaces
    lines = render([{"key": "k", "title": title, "year": 2001}], 36, monkeypatch)
    _, rule, *body = lines
    title_w = len(rule.split("  ")[1])
    pieces = [line[5:].rstrip().removesuffix("2001").rstrip() for line in body]
    assert "".join(pieces) == title
    assert all(cells(piece) <= title_w for piece in pieces)
    assert body[0].endswith("2001") and cells(body[0]) == len(rule)
