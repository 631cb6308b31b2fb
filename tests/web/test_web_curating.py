"""Curating in a real browser (issue 16): sign in, select a passage with the mouse in the seed's
reading view, make it a quote or a claim's anchor, and check with the CLI that refdb stored it
verbatim, anchored, at the right paragraph; two editors of one claim, the second gets the conflict."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from refdb import db as refdb_db
from tests.conftest import invoke
from tests.web.serving import start_server, stop_server
from tests.web.test_web_browser import browser, open_page

__all__ = ["browser"]  # the module's Chromium fixture

SOURCE = "stalin-and-his-generals"
CLAIM = "commanders-shot-after-finland"
PASSWORD = "a long passphrase"


@pytest.fixture
def writer(db_url: str) -> Iterator[str]:
    result = invoke(
        db_url, "user", "add", "ada", "--role", "editor", "--password-stdin", input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    refdb_db.dispose_all()
    proc, base = start_server(db_url, "--write")
    yield base
    stop_server(proc)


def _sign_in(page: Page, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Name").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


SELECT = """([paragraph, passage]) => {
  // the passage's first and last character on screen, where a mouse would press and let go
  const p = document.querySelector(`#p${paragraph} .ptext`);
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(passage);
    if (at < 0) continue;
    const first = document.createRange(); first.setStart(node, at); first.setEnd(node, at + 1);
    const last = document.createRange();
    last.setStart(node, at + passage.length - 1); last.setEnd(node, at + passage.length);
    const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
    return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
  }
  return null;
}"""


def _select_with_mouse(page: Page, paragraph: int, passage: str) -> None:
    page.locator(f"#p{paragraph}").scroll_into_view_if_needed()
    box = page.evaluate(SELECT, [paragraph, passage])
    assert box is not None, f"'{passage}' is not in paragraph {paragraph}"
    x1, y1, x2, y2 = box
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=8)
    page.mouse.up()
    expect(page.locator("#selection")).to_have_text(f"Selected: \u201c{passage}\u201d")


def test_select_a_passage_make_it_a_quote_then_a_claims_anchor(
    browser: Browser, writer: str, db_url: str
) -> None:
    watched = open_page(browser, writer)
    page = watched.page
    _sign_in(page, f"/sources/{SOURCE}/text")

    quote = "other factors played a role"
    _select_with_mouse(page, 2, quote)
    page.get_by_label("Claims it illustrates").fill(CLAIM)
    page.locator("#ann-save").click()
    page.wait_for_url(f"**/sources/{SOURCE}/text#quote-*")
    expect(page.locator("mark.k-quote", has_text=quote)).to_be_visible()  # highlighted like the others

    quotes = json.loads(invoke(db_url, "quotes", "--format", "json").stdout)
    (made,) = [q for q in quotes if q["text"] == quote]  # verbatim
    assert made["found_in"] == {"source": SOURCE, "title": "Stalin and his generals", "locator": "2",
                                "label": "paragraph"}  # fmt: skip
    assert made["claims"] == [CLAIM]

    passage = "the question of disloyalty was never an issue"
    _select_with_mouse(page, 3, passage)
    page.get_by_label("Make it").select_option("anchor")
    page.get_by_label("Claim key").fill(CLAIM)
    page.locator("#ann-save").click()
    page.wait_for_url(f"**/sources/{SOURCE}/text#claim-{CLAIM}")
    expect(page.locator("mark.k-claim", has_text=passage)).to_be_visible()

    claim = json.loads(invoke(db_url, "claim", CLAIM, "--format", "json").stdout)
    (cited,) = [c for c in claim["citations"] if c["source"] == SOURCE]
    assert (cited["anchor"], cited["label"], cited["locator"], cited["stance"]) == (
        passage, "paragraph", "3", "asserts")  # fmt: skip
    assert invoke(db_url, "check").exit_code == 0  # every anchor matches its text once
    history = json.loads(invoke(db_url, "history", "--format", "json").stdout)
    assert {e["actor"] for e in history} == {"ada"}
    assert watched.problems == [] and watched.outside == []


def test_two_editors_of_one_claim_the_second_gets_the_conflict(
    browser: Browser, writer: str, db_url: str
) -> None:
    first, second = open_page(browser, writer), open_page(browser, writer)
    for w in (first, second):
        _sign_in(w.page, f"/claims/{CLAIM}/edit")
    first.page.get_by_label("Claim", exact=True).fill("The first editor's wording.")
    first.page.get_by_role("button", name="Save").click()
    first.page.wait_for_url(f"**/claims/{CLAIM}")
    second.page.get_by_label("Claim", exact=True).fill("The second editor's wording.")
    second.page.get_by_role("button", name="Save").click()
    expect(second.page.locator("h1")).to_contain_text("Someone else changed claim")
    expect(second.page.locator("#theirs-text")).to_have_text("The first editor's wording.")
    expect(second.page.locator("#mine-text")).to_have_text("The second editor's wording.")
    claim = json.loads(invoke(db_url, "claim", CLAIM, "--format", "json").stdout)
    assert claim["text"] == "The first editor's wording."  # nothing lost, nothing overwritten
    second.page.get_by_role("button", name="Save mine over theirs").click()
    second.page.wait_for_url(f"**/claims/{CLAIM}")
    claim = json.loads(invoke(db_url, "claim", CLAIM, "--format", "json").stdout)
    assert claim["text"] == "The second editor's wording."
    assert first.problems == []
    # the conflict page's own 409 is the only thing the browser reports
    assert second.problems == [
        "console error: Failed to load resource: the server responded with a status of 409 (Conflict)"
    ]


def test_anchors_a_text_edit_broke_are_listed_not_marked_in_the_reading_view(
    browser: Browser, db_url: str, server: str
) -> None:
    from tests.web.test_web_pages import BROKEN, LINK, break_anchors

    break_anchors(db_url)
    watched = open_page(browser, server)
    page = watched.page
    page.goto(f"/sources/{SOURCE}/text")
    stale = page.locator("#stale-anchors")
    expect(stale).to_be_visible()
    expect(stale.locator("h2")).to_contain_text("anchors no longer match this text")
    for kind, key in BROKEN:
        item = page.locator(f"#stale-{kind}-{key}")
        expect(item).to_be_visible()
        expect(item).to_contain_text(f"{kind} {key}: its text no longer matches '{SOURCE}' exactly once")
        expect(page.locator(f'article.reading mark a[href="{LINK[kind]}{key}"]')).to_have_count(0)
    # an anchor the edit moved is marked where its passage is now, and listed (folded) as moved
    moved = page.locator("#stale-claim-culture-of-innovation")
    expect(moved).to_be_hidden()
    stale.locator("details.moved summary").click()
    expect(moved).to_be_visible()
    expect(moved).to_contain_text("the passage moved in 'stalin-and-his-generals' (offset")
    expect(page.locator('mark.k-claim a[href="/claims/culture-of-innovation"]')).to_have_text(
        "he fostered a culture of innovation and dynamism"
    )
    # the list leads to the record, whose anchor `refdb check` reports the same way
    page.locator("#stale-claim-factor-talent a").click()
    page.wait_for_url("**/claims/factor-talent")
    problems = json.loads(invoke(db_url, "check", "--format", "json").stdout)
    assert {"kind": "claim", "key": "factor-talent", "check": "anchor",
            "problem": f"its text no longer matches '{SOURCE}' exactly once"} in problems  # fmt: skip
    assert watched.problems == [] and watched.outside == []
