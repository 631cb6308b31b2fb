"""Display helpers shared by the CLI and the web pages: locators, links, paragraphs, passages, snippets."""

from __future__ import annotations

import pytest

from refdb.formats.display import (
    Mark,
    inline_html,
    locator_text,
    paragraphs,
    safe_url,
    segments,
    snippet_parts,
)


@pytest.mark.parametrize(
    "label, locator, expected",
    [("page", "4", "p. 4"), (None, "159–62", "pp. 159–62"), ("page", "3, 7", "pp. 3, 7"),
     ("paragraph", "5", "¶ 5"), ("chapter", "2", "chapter 2"), ("page", None, "")],
)  # fmt: skip
def test_locator_text(label: str | None, locator: str | None, expected: str) -> None:
    assert locator_text(label, locator) == expected


@pytest.mark.parametrize(
    "url, expected",
    [("https://example.org/a?b=1", "https://example.org/a?b=1"), ("http://x.org", "http://x.org"),
     ("javascript:alert(1)", None), (" JavaScript:alert(1)", None), ("java\tscript:alert(1)", None),
     ("data:text/html,<script>", None), ("//evil.example", None), ("vbscript:x", None), ("", None),
     (None, None), ("https://a.org/\nx", None)],
)  # fmt: skip
def test_only_http_urls_are_links(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_paragraphs_are_numbered_as_the_locators_count_them() -> None:
    text = "Title line\n\nFirst para.\nstill first.\n\n\n  \nSecond.\n\nThird.\n"
    paras = paragraphs(text)
    assert [p.number for p in paras] == [None, 1, 2, 3]
    assert [text[p.start : p.end] for p in paras] == ["Title line", "First para.\nstill first.", "Second.", "Third."]


def test_a_text_without_a_title_line_is_numbered_from_one() -> None:
    text = "A long first paragraph,\nover two lines.\n\nSecond."
    assert [p.number for p in paragraphs(text)] == [1, 2]
    assert [p.number for p in paragraphs("One block only.")] == [1]


def test_segments_keep_nested_and_overlapping_passages_apart() -> None:
    text = "abcdefghij"
    outer, inner, overlap = Mark(1, 8, "claim", "c"), Mark(3, 5, "quote", "q"), Mark(7, 10, "claim", "d")
    pieces = segments(text, 0, 10, [outer, inner, overlap])
    assert [(p.start, p.text, [m.key for m in p.marks]) for p in pieces] == [
        (0, "a", []), (1, "bc", ["c"]), (3, "de", ["q", "c"]), (5, "fg", ["c"]), (7, "h", ["d", "c"]),
        (8, "ij", ["d"]),
    ]  # fmt: skip
    assert "".join(p.text for p in pieces) == text


def test_segments_clip_to_the_paragraph() -> None:
    pieces = segments("0123456789", 2, 6, [Mark(0, 4, "claim", "a"), Mark(5, 9, "quote", "b")])
    assert [(p.text, [m.key for m in p.marks]) for p in pieces] == [("23", ["a"]), ("4", []), ("5", ["b"])]


def test_snippet_parts() -> None:
    assert snippet_parts("…the **charm** of **Stalin**") == [("…the ", False), ("charm", True), (" of ", False),
                                                            ("Stalin", True)]  # fmt: skip


@pytest.mark.parametrize(
    "fragment, expected",
    [
        ("Roberts, <i>Stalin&#x2019;s Wars</i> (2006)", "Roberts, <i>Stalin’s Wars</i> (2006)"),
        ('<span class="smallcaps">Kansas</span>', '<span class="smallcaps">Kansas</span>'),
        ('<a href="javascript:alert(1)">javascript:alert(1)</a>', "javascript:alert(1)"),
        ("<script>alert(1)</script>", "alert(1)"),
        ("&lt;script&gt;", "&lt;script&gt;"),
        ('<i onmouseover="x()">hover', "<i>hover</i>"),
        ('<span style="x">a</span> &amp; b', "a &amp; b"),
        ("<b><i>both</b></i>", "<b><i>both</i></b>"),
    ],
)
def test_inline_html_keeps_only_emphasis(fragment: str, expected: str) -> None:
    assert inline_html(fragment) == expected
