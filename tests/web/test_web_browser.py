"""A historian's journey in a real browser: Debian's headless Chromium driven by Playwright.

`refdb serve` runs as a user starts it (a subprocess on 127.0.0.1 and a free port); the browser is
/usr/bin/chromium-headless-shell (installed by scripts/ensure-tools.sh, never downloaded).  Any
console error, failed request or Content-Security-Policy violation fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium-headless-shell")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run scripts/ensure-tools.sh"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page whose console errors, page errors and requests to other hosts are recorded."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.problems: list[str] = []
        self.outside: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        page.on("request", lambda r: self._request(r, base))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _request(self, request: Request, base: str) -> None:
        if not request.url.startswith(base):
            self.outside.append(request.url)


def open_page(browser: Browser, base: str, width: int = 1280) -> Watched:
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=base)
    context.set_default_timeout(15_000)
    return Watched(context.new_page(), base)


def test_claims_glantz_continuity_reading_view_related_claim_search(browser: Browser, server: str) -> None:
    watched = open_page(browser, server)
    page = watched.page

    # the claims, filtered by Glantz (the form works by submitting)
    page.goto("/claims")
    expect(page.locator("h1")).to_have_text("Claims")
    page.get_by_label("Source").fill("Glantz")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/claims\?.*source=Glantz"))
    items = page.locator("ol.claims > li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("pp. 534–5")

    # the continuity claim: its sources by stance, the related claims
    page.get_by_role("link", name=re.compile("remarkably stable")).click()
    page.wait_for_url("**/claims/factor-continuity")
    expect(page.locator("h1.statement")).to_contain_text("remarkably stable")
    expect(page.locator("#stance-supports")).to_be_visible()
    support = page.locator("section.group.edge-support").first
    assert support.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(30, 123, 58)"
    expect(page.locator(".notes li").first).to_contain_text("Colossus Reborn")

    # its source's reading view, the passage highlighted and linked back
    page.get_by_role("link", name="the passage in the text").click()
    page.wait_for_url("**/sources/stalin-and-his-generals/text#claim-factor-continuity")
    passage = page.locator("mark.k-claim", has_text="But what is remarkable is how stable the command was")
    expect(passage).to_be_visible()
    assert passage.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 240, 179)"
    assert passage.evaluate("e => e.previousElementSibling.matches(':target')")
    expect(page.locator("#p5 .pnum")).to_have_text("5")
    expect(page.locator("mark.k-quote", has_text="This attention to us touched us deeply")).to_be_visible()
    passage.get_by_role("link").click()
    page.wait_for_url("**/claims/factor-continuity")

    # a related claim
    page.locator("ul.related").get_by_role("link", name=re.compile("purged anyone")).click()
    page.wait_for_url("**/claims/purge-perception")
    expect(page.locator("h1.statement")).to_contain_text("purged anyone")

    # search across every kind
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Search").click()
    page.get_by_label(re.compile("Claims, quotes")).fill("charm*")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search\?.*q=charm"))
    expect(page.locator("ol.hits > li").first).to_be_visible()
    expect(page.locator("ol.hits mark").first).to_be_visible()
    expect(page.locator("ol.hits")).to_contain_text("Charmer?")

    assert not watched.problems, watched.problems
    assert not watched.outside, watched.outside


def test_search_as_you_type_updates_the_list_in_place(browser: Browser, server: str) -> None:
    watched = open_page(browser, server)
    page = watched.page
    page.goto("/claims")
    expect(page.locator("ol.claims > li")).to_have_count(25)
    page.get_by_label("Search the claims").press_sequentially("loyal", delay=30)
    expect(page.locator("ol.claims > li")).to_have_count(1)
    expect(page.locator("ol.claims")).to_contain_text("loyalty")
    page.wait_for_function("() => location.search.includes('q=loyal')")
    page.get_by_label("Kind").select_option("factor")  # "loyal" is a myth's word, not a factor's
    expect(page.locator("ol.claims")).to_contain_text("No claims match.")
    assert not watched.problems, watched.problems


def test_keyboard_only(browser: Browser, server: str) -> None:
    watched = open_page(browser, server)
    page = watched.page
    page.goto("/claims")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("/")  # the search box, from anywhere
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    expect(page.get_by_label("Search the claims")).to_be_focused()
    link = page.get_by_role("link", name=re.compile("always listened to and took the advice"))
    link.focus()
    assert link.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url("**/claims/stalin-always-listened")
    assert not watched.problems, watched.problems


def test_phone_width_has_no_sideways_scroll(browser: Browser, server: str) -> None:
    watched = open_page(browser, server, width=360)
    page = watched.page
    for url in ("/claims", "/claims/factor-charm", "/sources/stalin-and-his-generals/text", "/people/rokossovskii",
                "/sources/roberts-stalins-wars", "/search?q=charm"):  # fmt: skip
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, (url, width)
    assert not watched.problems, watched.problems


def test_cyrillic_and_greek_in_the_served_font(browser: Browser, server: str) -> None:
    watched = open_page(browser, server)
    page = watched.page
    page.goto("/people/rokossovskii")
    expect(page.locator("h1")).to_contain_text("Рокоссовский")
    loaded = page.evaluate(
        "() => document.fonts.ready.then(() => [...document.fonts].filter(f => f.status === 'loaded')"
        ".map(f => f.family))"
    )
    assert any("refdb serif" in family for family in loaded), loaded
    assert page.evaluate("() => document.fonts.check('16px \"refdb serif\"', 'Рокоссовский αβγ')")
    assert not watched.outside, watched.outside
    assert not watched.problems, watched.problems


def test_copy_buttons_appear_with_javascript(browser: Browser, server: str) -> None:
    watched = open_page(browser, server)
    page = watched.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/claims/stalin-always-listened")
    button = page.locator('button[data-copy="note-1"]')
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".copied").first).to_have_text("copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("Geoffrey Roberts, Stalin’s Wars"), copied
    assert not watched.problems, watched.problems


def test_everything_works_without_javascript(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=server)
    page = context.new_page()
    page.goto("/claims")
    page.get_by_label("Search the claims").fill("charm")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"q=charm"))
    expect(page.locator("ol.claims")).to_contain_text("charm")
    page.goto("/claims/factor-charm")
    expect(page.locator('button[data-copy="note-1"]')).to_be_hidden()  # no copy button without a script
    page.get_by_label("Citation style").select_option("modern-language-association")
    page.get_by_role("button", name="Format").click()
    page.wait_for_url(re.compile(r"style=modern-language-association"))
    expect(page.locator(".notes")).to_contain_text("Stalin and His Generals")
    context.close()
