"""The README's "Curating a new text", end to end in a real browser: a new source from the new-source
form with its text from a file, three passages annotated with the mouse (a quote, a new claim, the
anchor of an existing claim), then the result as the command line and the map give it."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.conftest import invoke
from tests.web.test_web_browser import browser, open_page
from tests.web.test_web_curating import PASSWORD, _select_with_mouse, _sign_in, writer

__all__ = ["browser", "writer"]  # the fixtures this module uses

NOTES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "reading-notes.md"
KEY = "reading-notes"
QUOTE = "Stalin always listened to and took the advice of his high command."
NEW_CLAIM = "the thesis rests on a single secondary source"
ANCHOR = "the Red Army was cleaned up during the Finnish War"


def _paragraph(page: Page, passage: str) -> int:
    """The reading view's number of the paragraph that holds the passage."""
    number = page.evaluate(
        """(passage) => { for (const p of document.querySelectorAll("[id^=p] .ptext"))
             if (p.textContent.includes(passage)) return Number(p.parentElement.id.slice(1));
           return null; }""",
        passage,
    )
    assert number is not None, f"no paragraph holds '{passage}'"
    return int(number)


def test_a_second_text_is_curated_in_the_browser_without_typing_an_anchor(
    browser: Browser, writer: str, db_url: str
) -> None:
    assert PASSWORD  # the editor 'ada' of the curating tests
    watched = open_page(browser, writer)
    page = watched.page
    _sign_in(page, "/sources")
    page.get_by_role("link", name="+ new source").click()
    page.get_by_label("Key", exact=True).fill(KEY)
    page.get_by_label("Type", exact=True).select_option("manuscript")
    page.get_by_label("Title", exact=True).fill("Reading notes on “Stalin and his generals”")
    page.get_by_label("Short title", exact=True).fill("Reading notes")
    page.get_by_label("Note", exact=True).fill("Written for refdb's README walk-through; not a publication.")
    page.get_by_label("Or bring the text in from a file").set_input_files(str(NOTES))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/sources/{KEY}")
    page.get_by_role("link", name="Read the text").click()
    page.wait_for_url(f"**/sources/{KEY}/text")

    # 1. a quote: the thesis as these notes quote it from the essay
    _select_with_mouse(page, _paragraph(page, QUOTE), QUOTE)
    page.get_by_label("Claims it illustrates").fill("stalin-always-listened")
    page.get_by_label("Origin source").fill("stalin-and-his-generals")
    page.locator("#ann-save").click()
    page.wait_for_url(f"**/sources/{KEY}/text#quote-*")
    # 2. a new claim, asserted by the notes
    _select_with_mouse(page, _paragraph(page, NEW_CLAIM), NEW_CLAIM)
    page.get_by_label("Make it").select_option("claim")
    page.get_by_label("New claim's text").fill("The essay's thesis rests on a single secondary source.")
    page.locator("#ann-save").click()
    page.wait_for_url(f"**/sources/{KEY}/text#claim-*")
    new_claim = page.url.rsplit("#claim-", 1)[1]
    # 3. the anchor of a claim already in the database, which the notes report
    _select_with_mouse(page, _paragraph(page, ANCHOR), ANCHOR)
    page.get_by_label("Make it").select_option("anchor")
    page.get_by_label("Claim key").fill("commanders-shot-after-finland")
    page.locator("select[name=stance]").select_option("reports")
    page.locator("#ann-save").click()
    page.wait_for_url(f"**/sources/{KEY}/text#claim-commanders-shot-after-finland")
    for passage in (QUOTE, NEW_CLAIM, ANCHOR):
        expect(page.locator("mark", has_text=passage).first).to_be_visible()
    assert watched.problems == [] and watched.outside == []

    quotes = json.loads(invoke(db_url, "quotes", "--format", "json").stdout)
    (quote,) = [q for q in quotes if q["found_in"] and q["found_in"]["source"] == KEY]
    assert quote["text"] == QUOTE and quote["claims"] == ["stalin-always-listened"]
    assert quote["origin"]["source"] == "stalin-and-his-generals"
    assert (quote["found_in"]["label"], quote["found_in"]["locator"]) == ("paragraph", "1")
    claim = json.loads(invoke(db_url, "claim", new_claim, "--format", "json").stdout)
    (cited,) = claim["citations"]
    assert (cited["source"], cited["stance"], cited["anchor"], cited["locator"]) == (KEY, "asserts", NEW_CLAIM, "2")
    old = json.loads(invoke(db_url, "claim", "commanders-shot-after-finland", "--format", "json").stdout)
    (reported,) = [c for c in old["citations"] if c["source"] == KEY]
    assert (reported["stance"], reported["anchor"], reported["locator"]) == ("reports", ANCHOR, "3")
    assert invoke(db_url, "check").exit_code == 0  # every anchor matches its text exactly once
    drawn = invoke(db_url, "map", "--source", KEY, "--format", "json")
    assert drawn.exit_code == 0, drawn.output
    nodes = {n["id"] for n in json.loads(drawn.stdout)["nodes"]}
    assert {f"claim:{new_claim}", "claim:commanders-shot-after-finland", f"source:{KEY}"} <= nodes


def test_a_citation_row_and_a_variant_are_edited_in_the_browser(browser: Browser, writer: str, db_url: str) -> None:
    """The record forms as a browser fills them: a select changed, a row removed, an empty row filled."""
    claim = "vasilevskii-promotions"  # cites two sources
    watched = open_page(browser, writer)
    page = watched.page
    _sign_in(page, f"/claims/{claim}")
    page.get_by_role("link", name="edit", exact=True).click()
    page.wait_for_url(f"**/claims/{claim}/edit")
    page.locator("select[name='citations.0.stance']").select_option("reports")
    page.locator("input[name='citations.0.locator']").fill("12–14")
    page.locator("input[name='citations.1.remove']").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/claims/{claim}")
    citations = json.loads(invoke(db_url, "claim", claim, "--format", "json").stdout)["citations"]
    assert [(c["stance"], c["locator"]) for c in citations] == [("reports", "12–14")]

    page.goto("/people/zhukov/edit")
    rows = page.locator("[data-row^='variants.']")
    empty = next(i for i in range(rows.count()) if not rows.nth(i).locator("input[name$='.name']").input_value())
    page.locator(f"input[name='variants.{empty}.name']").fill("Жуков Георгий Константинович")
    page.locator(f"input[name='variants.{empty}.note']").fill("full name, surname first")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/people/zhukov")
    expect(page.locator("table.names")).to_contain_text("Жуков Георгий Константинович")
    found = json.loads(invoke(db_url, "people", "Жуков Георгий", "--format", "json").stdout)
    assert [p["key"] for p in found] == ["zhukov"]
    assert watched.problems == [] and watched.outside == []
