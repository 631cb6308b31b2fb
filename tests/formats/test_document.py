"""A source's text from HTML and PDF (``refdb add source --text-file``): paragraphs as the reading
view counts them, scripts and styles left out, a PDF made by a real typesetter (typst) read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typst

from refdb.errors import InputError
from refdb.formats.document import document_text, html_text, pdf_text
from tests.conftest import Cli

HTML = """<!doctype html><html><head><title>Head</title><style>p { color: red }</style>
<script>var secret = 1;</script></head><body><h1>An essay</h1>
<p>First   paragraph &amp; more
text, with <em>emphasis</em>.</p><p>Second one.</p><script>alert(1)</script><ul><li>An item</li></ul></body></html>"""


def test_html_becomes_paragraphs_without_scripts_or_styles() -> None:
    assert html_text(HTML) == (
        "An essay\n\nFirst paragraph & more text, with emphasis.\n\nSecond one.\n\nAn item\n"
    )


def _pdf(tmp_path: Path) -> Path:
    source = tmp_path / "essay.typ"
    source.write_text(
        "#set page(width: 12cm, height: auto)\nAn essay\n\nFirst paragraph with several words that will "
        "wrap across more than one line of the page for sure, indeed.\n\nSecond paragraph.\n",
        encoding="utf-8",
    )
    out = tmp_path / "essay.pdf"
    typst.compile(str(source), output=str(out))
    return out


def test_a_pdf_becomes_paragraphs(tmp_path: Path) -> None:
    assert document_text(_pdf(tmp_path)) == (
        "An essay\n\nFirst paragraph with several words that will wrap across more than one line of the page"
        " for sure, indeed.\n\nSecond paragraph.\n"
    )


def test_not_a_pdf_is_one_clear_error() -> None:
    with pytest.raises(InputError, match=r"^x\.pdf: not a readable PDF"):
        pdf_text(b"%PDF-1.4 nonsense", source_name="x.pdf")


def test_add_source_text_file_html_then_annotate_it(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "essay.html"
    page.write_text(HTML, encoding="utf-8")
    result = cli("add", "source", "An essay", "--key", "an-essay", "--text-file", str(page))
    assert result.exit_code == 0, result.output
    result = cli("add", "quote", "Second one.", "--found-in", "an-essay", "--found-locator", "2")
    assert result.exit_code == 0, result.output
    quotes = json.loads(cli("quotes", "--format", "json").stdout)
    assert any(q["text"] == "Second one." for q in quotes)
    assert "secret" not in cli("dump").stdout
