"""The citation engine: golden Chicago, MLA and APA output for the seed sources, and its errors.

Every golden string below was produced by pandoc 3.9 (pypandoc-binary) and checked by hand against
the style's manual; where pandoc departs from the manual the test says so in a comment.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from refdb.engines import citeproc
from refdb.engines.citeproc import (
    OUTPUTS,
    STYLE_ALIASES,
    CiteRequest,
    Rendered,
    render,
    render_bibliography,
    resolve_style,
)
from refdb.errors import InputError, NotFoundError, RefdbError, UsageError

ROBERTS: dict[str, Any] = {
    "id": "roberts-stalins-wars",
    "type": "book",
    "title": "Stalin's Wars: From World War to Cold War, 1939–1953",
    "title-short": "Stalin's Wars",
    "author": [{"family": "Roberts", "given": "Geoffrey"}],
    "publisher": "Yale University Press",
    "publisher-place": "New Haven",
    "issued": {"date-parts": [[2006]]},
    "language": "en",
}
GLANTZ: dict[str, Any] = {
    "id": "glantz-colossus-reborn",
    "type": "book",
    "title": "Colossus Reborn: The Red Army at War, 1941–1943",
    "title-short": "Colossus Reborn",
    "author": [{"family": "Glantz", "given": "David M."}],
    "publisher": "University Press of Kansas",
    "publisher-place": "Lawrence",
    "issued": {"date-parts": [[2005]]},
    "language": "en",
}
ROKOSSOVSKII: dict[str, Any] = {
    "id": "rokossovskii-soldatskii-dolg",
    "type": "book",
    "title": "Soldatskii dolg",
    "author": [{"family": "Rokossovskii", "given": "K. K."}],
    "language": "ru",
}
VASILEVSKII: dict[str, Any] = {
    "id": "vasilevskii-delo-vsei-zhizni",
    "type": "book",
    "title": "Delo vsei zhizni",
    "author": [{"family": "Vasilevskii", "given": "A. M."}],
    "language": "ru",
}
ESSAY: dict[str, Any] = {
    "id": "stalin-and-his-generals",
    "type": "post-weblog",
    "title": "Stalin and his generals",
    "language": "en",
}
COMMENT: dict[str, Any] = {
    "id": "comment-charmer",
    "type": "post",
    "title": "Comment on “Stalin and his generals”",
    "language": "en",
}
SEED = [ROBERTS, GLANTZ, ROKOSSOVSKII, VASILEVSKII, ESSAY, COMMENT]

# The essay's main thesis: Roberts 159–62, Roberts again at 160, Glantz 534–5, the essay by paragraph.
THESIS = [
    CiteRequest("roberts-stalins-wars", "159–62"),
    CiteRequest("roberts-stalins-wars", "160"),
    CiteRequest("glantz-colossus-reborn", "534–5"),
    CiteRequest("stalin-and-his-generals", "1", label="paragraph"),
]

# Chicago 18th edition (chicago-notes-bibliography): no place of publication (CMOS 18 dropped it),
# given names in full, page ranges abbreviated the Chicago way (159–62, 534–35), the second cite
# of a work is the short note with title-short, also when it immediately follows (no "Ibid.").
# The essay has no author or blog name in the seed, so the style treats it as a standalone work
# (italic title) and title-cases it because its language is English.
CHICAGO_NOTES = [
    "Geoffrey Roberts, Stalin’s Wars: From World War to Cold War, 1939–1953 "
    "(Yale University Press, 2006), 159–62.",
    "Roberts, Stalin’s Wars, 160.",
    "David M. Glantz, Colossus Reborn: The Red Army at War, 1941–1943 (University Press of Kansas, 2005), 534–35.",
    "Stalin and His Generals, n.d., para. 1.",
]
# Alphabetical; Russian titles stay in sentence case (language "ru"); missing dates print "n.d.".
# The comment (type "post") has no entry: Chicago cites comments in notes only.
CHICAGO_BIBLIOGRAPHY = [
    "Glantz, David M. Colossus Reborn: The Red Army at War, 1941–1943. University Press of Kansas, 2005.",
    "Roberts, Geoffrey. Stalin’s Wars: From World War to Cold War, 1939–1953. Yale University Press, 2006.",
    "Rokossovskii, K. K. Soldatskii dolg. n.d.",
    "Stalin and His Generals. n.d.",
    "Vasilevskii, A. M. Delo vsei zhizni. n.d.",
]


# --- golden output ----------------------------------------------------------------------------------


def test_chicago_full_note_then_short_note() -> None:
    assert render(SEED, THESIS).notes == CHICAGO_NOTES


def test_chicago_bibliography_has_every_item_that_chicago_lists() -> None:
    rendered = render(SEED, THESIS)
    assert rendered.bibliography == CHICAGO_BIBLIOGRAPHY
    assert render_bibliography(SEED) == CHICAGO_BIBLIOGRAPHY
    assert render_bibliography(SEED, style="chicago") == CHICAGO_BIBLIOGRAPHY


def test_chicago_notes_for_the_other_seed_items() -> None:
    notes = render(SEED, [CiteRequest(item["id"]) for item in (ROKOSSOVSKII, VASILEVSKII, COMMENT)]).notes
    assert notes == [
        "K. K. Rokossovskii, Soldatskii dolg (n.d.).",
        "A. M. Vasilevskii, Delo vsei zhizni (n.d.).",
        # pandoc departs from CMOS 6.9 here: the comma belongs inside both closing quotes
        # (‘… Generals,’”), and the inner English title is left in sentence case.
        "“Comment on ‘Stalin and his generals’,” n.d.",
    ]


def test_later_cites_stay_short_and_follow_document_order() -> None:
    cites = [*THESIS, CiteRequest("roberts-stalins-wars", "159-162"), CiteRequest("glantz-colossus-reborn")]
    notes = render(SEED, cites).notes
    assert notes[4:] == ["Roberts, Stalin’s Wars, 159–62.", "Glantz, Colossus Reborn."]


def test_hyphen_and_en_dash_ranges_both_abbreviate() -> None:
    ranges = ["534-535", "534–535", "534-5", "534–5", "534-35"]
    cites = [
        CiteRequest("glantz-colossus-reborn"),
        *(CiteRequest("glantz-colossus-reborn", r) for r in ranges),
    ]
    assert render([GLANTZ], cites).notes[1:] == ["Glantz, Colossus Reborn, 534–35."] * len(ranges)


def test_chicago_17th_edition_gives_the_place() -> None:
    rendered = render(SEED, THESIS, style="chicago-17")
    assert rendered.notes == [
        "Geoffrey Roberts, Stalin’s Wars: From World War to Cold War, 1939–1953 "
        "(New Haven: Yale University Press, 2006), 159–62.",
        "Roberts, 160.",  # CMOS 17 (14.34): an immediately repeated cite may drop the title
        "David M. Glantz, Colossus Reborn: The Red Army at War, 1941–1943 "
        "(Lawrence: University Press of Kansas, 2005), 534–35.",
        "Stalin and His Generals, n.d., para. 1.",
    ]
    assert rendered.bibliography == [
        # pandoc departs from CMOS 6.9: the period belongs inside both quotes (‘… Generals.’”).
        "“Comment on ‘Stalin and his generals’.” n.d.",
        "Glantz, David M. Colossus Reborn: The Red Army at War, 1941–1943. "
        "Lawrence: University Press of Kansas, 2005.",
        "Roberts, Geoffrey. Stalin’s Wars: From World War to Cold War, 1939–1953. "
        "New Haven: Yale University Press, 2006.",
        "Rokossovskii, K. K. Soldatskii dolg. n.d.",
        "Stalin and His Generals. n.d.",
        "Vasilevskii, A. M. Delo vsei zhizni. n.d.",
    ]


def test_ibid_variant_prints_ibid_for_an_immediate_repeat() -> None:
    assert render(SEED, THESIS, style="chicago-ibid").notes[1] == "Ibid., 160."


def test_mla_bibliography_of_the_books() -> None:
    assert render_bibliography([ROBERTS, GLANTZ], style="mla") == [
        "Glantz, David M. Colossus Reborn: The Red Army at War, 1941–1943. University Press of Kansas, 2005.",
        "Roberts, Geoffrey. Stalin’s Wars: From World War to Cold War, 1939–1953. Yale University Press, 2006.",
    ]


def test_mla_in_text() -> None:
    assert render(SEED, THESIS, style="mla").notes == [
        "(Roberts 159–62)",
        "(Roberts 160)",
        "(Glantz 534–35)",
        "(Stalin and His Generals, par. 1)",
    ]


def test_apa_bibliography_of_the_books() -> None:
    # APA wants sentence case for book titles; CSL prints titles as stored, so store them that way
    # for APA output.
    assert render_bibliography([ROBERTS, GLANTZ], style="apa") == [
        "Glantz, D. M. (2005). Colossus Reborn: The Red Army at War, 1941–1943. University Press of Kansas.",
        "Roberts, G. (2006). Stalin’s Wars: From World War to Cold War, 1939–1953. Yale University Press.",
    ]


def test_apa_in_text_citations() -> None:
    assert render(SEED, THESIS, style="apa").notes == [
        "(Roberts, 2006, pp. 159–162)",  # APA gives ranges in full
        "(Roberts, 2006, p. 160)",
        "(Glantz, 2005, pp. 534–535)",
        "(Stalin and His Generals, n.d., para. 1)",
    ]


# --- output formats ---------------------------------------------------------------------------------


def test_outputs_differ_in_markup() -> None:
    text, markdown, html = (render([ROBERTS], THESIS[:2], output=output) for output in OUTPUTS)
    assert text.notes[1] == "Roberts, Stalin’s Wars, 160."
    assert markdown.notes[1] == "Roberts, *Stalin’s Wars*, 160."
    assert html.notes[1] == "Roberts, <em>Stalin’s Wars</em>, 160."
    assert html.bibliography == [
        "Roberts, Geoffrey. <em>Stalin’s Wars: From World War to Cold War, 1939–1953</em>. "
        "Yale University Press, 2006."
    ]


def test_html_escapes_and_markdown_escapes() -> None:
    item = {
        "id": "q",
        "type": "book",
        "title": "Guns & Butter: Less < More",
        "author": [{"family": "Smith & Sons"}],
        "publisher": "A&B",
        "issued": {"date-parts": [[2001]]},
        "URL": "https://example.org/?a=1&b=2",
    }
    text, markdown, html = (render_bibliography([item], output=output)[0] for output in OUTPUTS)
    assert text == "Smith & Sons. Guns & Butter: Less < More. A&B, 2001. https://example.org/?a=1&b=2."
    assert (
        markdown == "Smith & Sons. *Guns & Butter: Less \\< More*. A&B, 2001. <https://example.org/?a=1&b=2>."
    )
    assert html == (
        "Smith &amp; Sons. <em>Guns &amp; Butter: Less &lt; More</em>. A&amp;B, 2001. "
        '<a href="https://example.org/?a=1&amp;b=2">https://example.org/?a=1&amp;b=2</a>.'
    )


def test_no_wrapping_and_no_paragraph_markup() -> None:
    long_title = " ".join(["Word"] * 60)
    item = {"id": "long", "type": "book", "title": long_title, "author": [{"family": "Long"}]}
    for output in OUTPUTS:
        (entry,) = render_bibliography([item], output=output)
        assert "\n" not in entry
        assert not entry.startswith("<p>")


def test_unknown_output() -> None:
    with pytest.raises(
        UsageError, match="unknown citation output 'rtf'; choose one of: text, markdown, html"
    ):
        render(SEED, THESIS, output="rtf")


# --- locators ---------------------------------------------------------------------------------------


def test_every_label_renders_with_the_styles_term() -> None:
    labels = ["page", "paragraph", "chapter", "section", "volume", "line", "note"]
    notes = render([ROBERTS], [CiteRequest("roberts-stalins-wars", "4-12", label) for label in labels]).notes
    assert notes == [
        "Geoffrey Roberts, Stalin’s Wars: From World War to Cold War, 1939–1953 (Yale University Press, 2006), 4–12.",
        "Roberts, Stalin’s Wars, paras. 4–12.",
        "Roberts, Stalin’s Wars, chaps. 4–12.",
        "Roberts, Stalin’s Wars, secs. 4–12.",
        "Roberts, Stalin’s Wars, vols. 4–12.",
        "Roberts, Stalin’s Wars, lines 4–12.",
        "Roberts, Stalin’s Wars, nn. 4–12.",
    ]


def test_labels_parse_in_a_non_english_style() -> None:
    # pandoc reads locators with the style locale's terms ("S.", "Abs."): English "page" would not parse.
    cites = [
        CiteRequest("roberts-stalins-wars", "1", "paragraph"),
        CiteRequest("roberts-stalins-wars", "159-162"),
    ]
    assert render([ROBERTS], cites, style="din-1505-2").notes == [
        "(ROBERTS, 2006, Abs. 1)",
        "(ROBERTS, 2006, S. 159–162)",
    ]


def test_locators_with_commas_letters_and_roman_numerals() -> None:
    cites = [CiteRequest("roberts-stalins-wars", loc) for loc in ("12, 14", "xii", "591 [84]", "12(a)")]
    assert render([ROBERTS], cites, style="apa").notes == [
        "(Roberts, 2006, pp. 12, 14)",
        "(Roberts, 2006, p. xii)",
        "(Roberts, 2006, pp. 591 [84])",
        "(Roberts, 2006, p. 12(a))",
    ]


def test_locator_with_an_unparseable_bracket() -> None:
    with pytest.raises(InputError, match=r"^citation 1: locator '12 \[note 3\]' has a bracket or brace"):
        render([ROBERTS], [CiteRequest("roberts-stalins-wars", "12 [note 3]")])


def test_unknown_locator_label() -> None:
    with pytest.raises(UsageError, match="unknown locator label 'canon'; choose one of: book, chapter"):
        render([ROBERTS], [CiteRequest("roberts-stalins-wars", "4", "canon")])


# --- ids and items ----------------------------------------------------------------------------------


def test_ids_need_not_be_citation_keys() -> None:
    items: list[dict[str, Any]] = [
        {"id": "*", "type": "book", "title": "Star"},
        {"id": "a b}{@;", "type": "book", "title": "Braces"},
        {"id": 7, "type": "book", "title": "Number"},
    ]
    rendered = render(items, [CiteRequest("*"), CiteRequest("a b}{@;"), CiteRequest("7")], style="apa")
    assert rendered == Rendered(
        notes=["(Star, n.d.)", "(Braces, n.d.)", "(Number, n.d.)"],
        bibliography=["Braces. (n.d.).", "Number. (n.d.).", "Star. (n.d.)."],
    )


def test_cite_of_a_missing_item() -> None:
    with pytest.raises(NotFoundError, match=r"^citation 2 cites 'nobody', which is not among the items$"):
        render(SEED, [THESIS[0], CiteRequest("nobody")])


def test_duplicate_item_ids() -> None:
    with pytest.raises(InputError, match=r"^item 7: field 'id': duplicate item id 'roberts-stalins-wars'$"):
        render_bibliography([*SEED, ROBERTS])


def test_item_without_id() -> None:
    with pytest.raises(InputError, match=r"^item 1: field 'id': every CSL item needs an 'id'"):
        render_bibliography([{"type": "book", "title": "Anonymous"}])


def test_item_pandoc_cannot_read() -> None:
    bad = {"id": "bad", "type": "book", "title": "Bad", "author": "Bob"}
    with pytest.raises(InputError) as caught:
        render_bibliography([ROBERTS, bad])
    assert str(caught.value).startswith("item 2: not valid CSL-JSON: ")
    assert "\n" not in str(caught.value)


def test_empty_items_do_not_run_pandoc(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("pandoc was run")

    monkeypatch.setattr(subprocess, "run", fail)
    assert render([], []) == Rendered(notes=[], bibliography=[])
    assert render_bibliography([], style="apa") == []


def test_ten_items_in_one_call() -> None:
    items: list[dict[str, Any]] = [
        {
            "id": f"book-{n}",
            "type": "book",
            "title": f"Book {n}",
            "author": [{"family": f"Author{n}", "given": "Ann"}],
            "issued": {"date-parts": [[2000 + n]]},
            "publisher": "Press",
        }
        for n in range(10)
    ]
    rendered = render(items, [CiteRequest(item["id"], str(n + 1)) for n, item in enumerate(items)])
    assert len(rendered.notes) == 10
    assert rendered.notes[0] == "Ann Author0, Book 0 (Press, 2000), 1."
    assert rendered.bibliography[0] == "Author0, Ann. Book 0. Press, 2000."
    assert len(rendered.bibliography) == 10


# --- large bibliographies ---------------------------------------------------------------------------


def _book(key: str, family: str, given: str | None, year: int, title: str, **more: Any) -> dict[str, Any]:
    name = {"family": family, "given": given} if given else {"family": family}
    return {
        "id": key,
        "type": "book",
        "title": title,
        "author": [name],
        "issued": {"date-parts": [[year]]},
        **more,
    }


AMBIGUOUS = [
    _book("a", "Smith", "John", 2006, "Alpha"),
    _book("b", "Smith", "Adam", 2006, "Beta"),
    _book("c", "Smith", "John", 2006, "Gamma"),
    _book("d", "Smith", "Jane", 2006, "Delta"),
    _book("e", "Smith", "Adam", 2010, "Epsilon"),
    _book("f", "Jones", "Ann", 2001, "Zeta"),
    _book("g", "Dyke", "Piet", 1999, "Eta"),
    {
        "id": "h",
        "type": "book",
        "title": "Theta",
        "author": [{"family": "Dyke", "given": "Jan", "non-dropping-particle": "van"}],
        "issued": {"date-parts": [[1999]]},
    },
    {"id": "i", "type": "webpage", "title": "Anonymous", "issued": {"date-parts": [[2006]]}},
    {"id": "j", "type": "webpage", "title": "Anonymous", "issued": {"date-parts": [[2006]]}},
    {"id": "k", "type": "book", "title": "Edited", "editor": [{"family": "Smith", "given": "Joan"}]},
    {
        "id": "l",
        "type": "chapter",
        "title": "Intro",
        "container-title": "Essays",
        "editor": [{"family": "Li", "given": "Bo"}],
        "issued": {"date-parts": [[2006]]},
    },
    {
        "id": "m",
        "type": "chapter",
        "title": "Intro",
        "container-title": "Studies",
        "editor": [{"family": "Lee", "given": "Bo"}],
        "issued": {"date-parts": [[2006]]},
    },
    {"id": "n", "type": "report", "title": "Org", "author": [{"literal": "World Health Organization"}]},
    _book("o", "Brown", "Bob", 2006, "Iota"),
    _book("p", "Brown", "Bill", 2006, "Kappa"),
    _book("q", "Green", "Gus", 2006, "Lambda"),
]


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
@pytest.mark.parametrize("cited", [["a", "b", "a", "i", "g", "l"], []])
def test_split_rendering_matches_one_real_pass(
    monkeypatch: pytest.MonkeyPatch, style: str, cited: list[str]
) -> None:
    cites = [CiteRequest(key, str(n + 1)) for n, key in enumerate(cited)]
    exact = render(AMBIGUOUS, cites, style=style)
    assert any("2006a" in entry for entry in exact.bibliography)  # the data does exercise disambiguation
    monkeypatch.setattr(citeproc, "_EXACT_LIMIT", 0)
    monkeypatch.setattr(citeproc, "_CHUNK_ITEMS", 3)
    assert render(AMBIGUOUS, cites, style=style) == exact


# --- styles -----------------------------------------------------------------------------------------


def test_every_alias_names_an_installed_style() -> None:
    for alias, style_id in STYLE_ALIASES.items():
        assert resolve_style(alias).stem == style_id, alias


def test_official_ids_and_dependent_styles_resolve() -> None:
    assert resolve_style("chicago-notes-bibliography").name == "chicago-notes-bibliography.csl"
    assert resolve_style("APA").name == "apa.csl"
    assert resolve_style("nature-digest").name == "nature.csl"  # a dependent style: its parent


def test_unknown_style() -> None:
    with pytest.raises(NotFoundError) as caught:
        render(SEED, THESIS, style="xyz")
    assert str(caught.value) == (
        "unknown citation style 'xyz'; give an official CSL style id such as chicago-notes-bibliography, "
        "or a path to a .csl file"
    )
    assert caught.value.exit_code == 3


def test_style_ids_cannot_climb_out_of_the_styles_directory() -> None:
    with pytest.raises(NotFoundError):
        resolve_style("..")


def test_missing_style_file(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"^citation style file '.*nope\.csl' does not exist$"):
        resolve_style(str(tmp_path / "nope.csl"))


def test_path_to_a_csl_file(tmp_path: Path) -> None:
    path = tmp_path / "my style.csl"
    shutil.copy(resolve_style("apa"), path)
    assert resolve_style(str(path)) == path
    assert render([ROBERTS], THESIS[:1], style=str(path)).notes == ["(Roberts, 2006, pp. 159–162)"]


def test_path_to_a_dependent_style(tmp_path: Path) -> None:
    path = tmp_path / "digest.csl"
    styles = resolve_style("apa").parent
    shutil.copy(styles / "dependent" / "nature-digest.csl", path)
    assert resolve_style(str(path)) == styles / "nature.csl"


def test_a_file_that_is_not_xml(tmp_path: Path) -> None:
    path = tmp_path / "notes.csl"
    path.write_text("just some notes\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^.*notes\.csl: not a CSL style \(XML error: syntax error"):
        render(SEED, THESIS, style=str(path))


def test_xml_that_is_not_a_csl_style(tmp_path: Path) -> None:
    path = tmp_path / "page.csl"
    path.write_text('<?xml version="1.0"?>\n<html><body/></html>\n', encoding="utf-8")
    with pytest.raises(
        InputError, match=r"page\.csl: not a CSL style \(the root element is not a CSL <style>\)$"
    ):
        resolve_style(str(path))


CSL_HEAD = '<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">'


def test_a_csl_style_pandoc_rejects(tmp_path: Path) -> None:
    path = tmp_path / "broken.csl"
    path.write_text(
        CSL_HEAD + "<info><title>x</title></info><citation><layout><text variable='title'/></lay>"
        "</citation></style>\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        render(SEED, THESIS, style=str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}: citeproc cannot use this style: CiteprocXMLError")
    assert "Expected end element for: <layout>, but received: EventEndElement (<lay>)" in message
    assert "\n" not in message


def test_a_csl_style_without_a_citation(tmp_path: Path) -> None:
    path = tmp_path / "bare.csl"
    path.write_text(CSL_HEAD + "<info><title>x</title></info></style>\n", encoding="utf-8")
    with pytest.raises(
        InputError, match="citeproc cannot use this style: CiteprocParseError: No citation element"
    ):
        render_bibliography(SEED, style=str(path))


# --- pandoc -----------------------------------------------------------------------------------------


def test_missing_pandoc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citeproc, "find_spec", lambda name: None)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    citeproc._pandoc.cache_clear()
    try:
        with pytest.raises(RefdbError, match=r"^pandoc is not installed: citations need the pandoc binary"):
            render(SEED, THESIS)
    finally:
        citeproc._pandoc.cache_clear()


def test_the_lua_filter_ships_inside_the_package() -> None:
    package = Path(citeproc.__file__).parent
    assert (package / "citeproc_collect.lua").is_file()
    assert package.name == "engines" and package.parent.name == "refdb"
