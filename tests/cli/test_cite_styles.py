"""Each style as it says: notes numbered under "Bibliography", author-date citations in the text under
the style's heading, and a line on stderr for the sources a style leaves out."""

from __future__ import annotations

from tests.conftest import Cli


def test_note_styles_number_their_notes(cli: Cli) -> None:
    out = cli("cite", "factor-charm").stdout
    assert out.startswith("1. ") and "\n\nBibliography\n\n" in out


def test_mla_cites_in_the_text_under_works_cited(cli: Cli) -> None:
    out = cli("cite", "factor-charm", "--style", "mla").stdout
    assert out.startswith("(") and "\n1. " not in out
    assert "\n\nWorks Cited\n\n" in out and "Bibliography" not in out


def test_apa_cites_in_the_text_under_references(cli: Cli) -> None:
    out = cli("cite", "factor-charm", "--style", "apa", "--format", "markdown").stdout
    assert out.startswith("- (") and "\n## References\n" in out
    html = cli("cite", "factor-charm", "--style", "apa", "--format", "html").stdout
    assert html.startswith('<ul class="notes">') and "<h2>References</h2>" in html


def test_a_style_that_leaves_a_source_out_says_so(cli: Cli) -> None:
    result = cli("bibliography", "--style", "chicago")
    assert result.exit_code == 0
    assert result.stderr == (
        "the style 'chicago' lists 5 of the 6 selected sources; it leaves out 1: comment-charmer\n"
    )
