"""Every page over the seed, through Starlette's test client: what a reader asks, answered."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from refdb.web import claims as claims_module
from tests.conftest import Cli


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def text_of(html: str) -> str:
    parser = Links()
    parser.feed(html)
    return " ".join(" ".join(parser.text).split())


def claim_keys(html: str) -> list[str]:
    """The claims a list shows, in order (each claim's first link)."""
    body = html.split('<ol class="claims">', 1)[1].split("</ol>", 1)[0]
    out: list[str] = []
    for item in body.split("<li>")[1:]:
        found = re.search(r'<div class="text"><a href="/claims/([^"]+)"', item)
        if found:
            out.append(found.group(1))
    return out


def test_home_goes_to_the_claims(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/claims"


def test_the_claims_list_shows_every_claim_with_its_sources(client: TestClient, cli: Cli) -> None:
    expected = [r["key"] for r in json.loads(cli("claims", "--format", "json").stdout)]
    response = client.get("/claims")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert claim_keys(response.text) == expected
    assert "/sources/roberts-stalins-wars" in links(response.text)


@pytest.mark.parametrize(
    "query, args",
    [
        ("source=glantz", ("--source", "glantz")),
        ("source=Glantz", ("--source", "Glantz")),
        ("person=Krushchev", ("--person", "Krushchev")),
        ("tag=continuity", ("--tag", "continuity")),
        ("kind=factor", ("--kind", "factor")),
        ("disputed=1", ("--disputed",)),
        ("source=stalin-and-his-generals&tag=purges&kind=factual", ("--source", "stalin-and-his-generals",
                                                                     "--tag", "purges", "--kind", "factual")),
    ],
)  # fmt: skip
def test_every_filter_of_the_cli(client: TestClient, cli: Cli, query: str, args: tuple[str, ...]) -> None:
    expected = [r["key"] for r in json.loads(cli("claims", *args, "--format", "json").stdout)]
    assert expected, "the filter should find something in the seed"
    response = client.get(f"/claims?{query}")
    assert response.status_code == 200
    assert claim_keys(response.text) == expected


def test_glantz_filter_shows_the_locators(client: TestClient) -> None:
    page = text_of(client.get("/claims?source=glantz").text)
    assert "glantz-colossus-reborn pp. 534–5 (supports)" in page


def test_disputed_says_by_what(client: TestClient) -> None:
    html = client.get("/claims?disputed=1").text
    assert "/comments/charmer-wiped-out" in links(html)
    assert "disputed by" in html


def test_pages_follow_one_another_by_key(
    client: TestClient, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claims_module, "PAGE_SIZE", 7)
    expected = [r["key"] for r in json.loads(cli("claims", "--format", "json").stdout)]
    seen: list[str] = []
    url: str | None = "/claims"
    pages = 0
    while url:
        html = client.get(url).text
        seen += claim_keys(html)
        nexts = [h for h in links(html) if "after=" in h and h.startswith("/claims?")]
        url = nexts[0].replace("&amp;", "&") if nexts else None
        pages += 1
    assert seen == expected and pages == 4
    backwards: list[str] = []
    url = "/claims?sort=-key"
    while url:
        html = client.get(url).text
        backwards += claim_keys(html)
        nexts = [h for h in links(html) if "after=" in h]
        url = nexts[0].replace("&amp;", "&") if nexts else None
    assert backwards == expected[::-1]


def test_search_in_the_list_ranks_and_filters(client: TestClient, cli: Cli) -> None:
    hits = [
        r["key"] for r in json.loads(cli("search", "charm", "--kind", "claim", "--format", "json").stdout)
    ]
    html = client.get("/claims?q=charm").text
    assert claim_keys(html) == hits
    assert "<mark>" in html
    assert claim_keys(client.get("/claims?q=charm&sort=key").text) == sorted(hits)
    assert claim_keys(client.get("/claims?q=charm&kind=myth").text) == []


def test_the_results_fragment_is_only_the_results(client: TestClient) -> None:
    response = client.get("/claims?q=stable", headers={"X-Refdb-Fragment": "results"})
    assert response.status_code == 200
    assert "<html" not in response.text and "factor-continuity" in response.text


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("kind=rumour", 400, "unknown claim kind"),
        ("sort=colour", 400, "unknown sort"),
        ("q=%22open", 400, "unterminated quote"),
        ("source=%25%25", 400, "has no letters or digits"),
    ],
)
def test_bad_filters_are_one_clear_message(client: TestClient, query: str, status: int, message: str) -> None:
    response = client.get(f"/claims?{query}")
    assert response.status_code == status
    assert message in response.text
    assert 'class="error"' in response.text and "Traceback" not in response.text


def test_the_claim_page_answers_the_seed_question(client: TestClient) -> None:
    html = client.get("/claims/factor-charm").text
    page = text_of(html)
    # sources grouped by stance, with locators and the anchored passage
    assert re.search(r'<section class="group edge-support"[^>]*>\s*<h3 id="stance-asserts"', html)
    assert "¶ 4" in page
    assert "/sources/stalin-and-his-generals/text#claim-factor-charm" in links(html)
    # quotes: speaker, origin, where found
    assert "This attention to us touched us deeply" in page
    assert "Aleksandr Vasilevskii" in page and "found in" in page
    # the counter-comment and the related claims both ways
    assert "Charmer? guess that is why he wiped out" in page
    assert '<span class="badge tone-oppose">disputes</span>' in html
    # the map's place and the citation
    assert 'id="argument-map"' in html
    assert "Stalin and His Generals" in page and "para. 4" in page
    assert 'data-copy="note-1"' in html


def test_the_claim_page_draws_its_argument_map_with_clickable_nodes(client: TestClient) -> None:
    html = client.get("/claims/factor-charm").text
    slot = html.split('id="argument-map"', 1)[1].split("</div>", 1)[0]
    assert "<svg" in slot and "<script" not in slot
    for href in ("/claims/factor-charm", "/sources/stalin-and-his-generals", "/quotes/vasilevskii-attention",
                 "/comments/charmer-wiped-out", "/people/vasilevskii"):  # fmt: skip
        assert f'href="{href}"' in slot, href
    assert "asserts · ¶ 4" in slot or "asserts · ¶ 4" in slot.replace("&#182;", "¶")


def test_the_claim_page_shows_related_claims_in_both_directions(client: TestClient) -> None:
    html = client.get("/claims/factor-continuity").text
    hrefs = links(html)
    assert "/claims/purge-perception" in hrefs  # this contradicts it
    assert "/claims/no-scapegoating" in hrefs  # it supports this
    page = text_of(html)
    assert "this claim contradicts Stalin purged anyone" in page
    assert "supports this claim" in page


def test_the_curator_additions_are_marked(client: TestClient) -> None:
    html = client.get("/sources/roberts-stalins-wars").text
    assert "curator" in html and "What the curator added" in html


@pytest.mark.parametrize(
    "style, expect",
    [
        ("chicago-notes-bibliography", "Roberts, Stalin’s Wars"),
        ("modern-language-association", "Roberts, Geoffrey."),
        ("apa", "(2006)"),
    ],
)
def test_notes_in_a_style_from_the_list(client: TestClient, style: str, expect: str) -> None:
    response = client.get(f"/claims/stalin-always-listened?style={style}")
    assert response.status_code == 200
    assert expect in text_of(response.text)


def test_every_offered_style_renders(client: TestClient) -> None:
    for style in claims_module.STYLES:
        response = client.get(f"/claims/stalin-always-listened?style={style}")
        assert response.status_code == 200, style
        assert '<span class="cite-text" id="bib-1">' in response.text


def test_an_unknown_style_is_refused(client: TestClient) -> None:
    response = client.get("/claims/factor-charm?style=../../etc/passwd")
    assert response.status_code == 400 and "unknown citation style" in response.text


def test_the_source_page(client: TestClient) -> None:
    html = client.get("/sources/glantz-colossus-reborn").text
    page = text_of(html)
    assert "Colossus Reborn" in page and "University Press of Kansas" in page
    assert "/claims/factor-continuity" in links(html) and "pp. 534–5" in page
    assert "/people/glantz-david" in links(html)
    assert "Read the text" not in page  # refdb does not hold its text


def test_the_reading_view_marks_every_anchored_passage(client: TestClient) -> None:
    html = client.get("/sources/stalin-and-his-generals/text").text
    assert '<span class="target" id="claim-factor-continuity"></span>' in html
    assert re.search(
        r'<mark class="k-claim "[^>]*><a href="/claims/factor-continuity">But what is remarkable is how stable '
        r"the command was</a></mark>",
        html,
    )
    assert re.search(r'<mark class="k-quote "[^>]*><a href="/quotes/vasilevskii-attention">', html)
    assert re.search(r'<mark class="k-comment "[^>]*><a href="/comments/charmer-wiped-out">', html)
    # paragraph numbers as the locators count them: the quote found at ¶ 4 is in paragraph 4
    para4 = html.split('id="p4"', 1)[1].split("</section>", 1)[0]
    assert "This attention to us touched us deeply" in para4
    assert '<a class="pnum" href="#p4"' in html


def test_the_reading_view_of_a_source_without_text_is_a_404(client: TestClient) -> None:
    response = client.get("/sources/glantz-colossus-reborn/text")
    assert response.status_code == 404 and "holds no text" in response.text


def test_the_person_page_has_every_name(client: TestClient) -> None:
    html = client.get("/people/rokossovskii").text
    page = text_of(html)
    for name in ("Константин Константинович Рокоссовский", "Konstantin Rokossovsky", "Rokossovkii",
                 "Konstantin Konstantinovich Rokossovskii"):  # fmt: skip
        assert name in page
    assert "the concern displayed by the supreme commander" in page


def test_the_person_page_lists_claims_about_and_works(client: TestClient) -> None:
    stalin = text_of(client.get("/people/stalin").text)
    assert "Stalin always listened to and took the advice of his high command." in stalin
    glantz = client.get("/people/glantz-david").text
    assert "/sources/glantz-colossus-reborn" in links(glantz)


def test_people_are_found_by_any_spelling(client: TestClient) -> None:
    response = client.get("/people?q=%D0%A0%D0%BE%D0%BA%D0%BE%D1%81%D1%81%D0%BE%D0%B2%D1%81%D0%BA%D0%B8%D0%B9&go=1",
                          follow_redirects=False)  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/people/rokossovskii"
    assert "/people/khrushchev" in links(client.get("/people?q=Krushchev").text)


def test_the_sources_list(client: TestClient, cli: Cli) -> None:
    expected = {r["key"] for r in json.loads(cli("sources", "--format", "json").stdout)}
    hrefs = {
        h.removeprefix("/sources/") for h in links(client.get("/sources").text) if h.startswith("/sources/")
    }
    assert expected <= hrefs
    assert "/sources/glantz-colossus-reborn" in links(client.get("/sources?q=glantz").text)


def test_search_across_every_kind(client: TestClient, cli: Cli) -> None:
    expected = json.loads(cli("search", "charm*", "--format", "json").stdout)
    html = client.get("/search?q=charm*").text
    assert len({r["kind"] for r in expected}) >= 2
    results = html.split('<ol class="claims hits">', 1)[1]
    hrefs = [h for h in links(results) if h.split("/")[1] in ("claims", "quotes", "comments", "sources", "people")]

    def href(r: dict[str, object]) -> str:
        if r["kind"] == "passage":  # a paragraph of a source's text, in its reading view
            return f"/sources/{r['key']}/text#p{r['paragraph']}"
        return f"/{'people' if r['kind'] == 'person' else str(r['kind']) + 's'}/{r['key']}"

    assert hrefs == [href(r) for r in expected]
    assert "<mark>" in html
    only = client.get("/search?q=charm*&kind=comment").text
    assert "/comments/charmer-wiped-out" in links(only)
    assert not [h for h in links(only) if h.startswith(("/claims/", "/quotes/", "/sources/"))]


def test_the_quote_and_comment_pages(client: TestClient) -> None:
    quote = client.get("/quotes/vasilevskii-attention").text
    assert "/sources/stalin-and-his-generals/text#quote-vasilevskii-attention" in links(quote)
    assert "/claims/factor-charm" in links(quote)
    comment = client.get("/comments/charmer-wiped-out").text
    assert "/claims/factor-charm" in links(comment)


@pytest.mark.parametrize("fmt, start", [("bibtex", "@"), ("ris", "TY  - "), ("csljson", "[")])
def test_downloads_are_the_export_of_the_selection(
    client: TestClient, cli: Cli, fmt: str, start: str
) -> None:
    response = client.get(f"/export/{fmt}?claim=stalin-always-listened")
    assert response.status_code == 200
    assert response.text == cli("export", "--format", fmt, "--claim", "stalin-always-listened").stdout
    assert response.text.startswith(start)
    assert "attachment" in response.headers["content-disposition"]
    everything = client.get(f"/export/{fmt}").text
    assert everything == cli("export", "--format", fmt).stdout


def test_unknown_pages_are_404_pages(client: TestClient) -> None:
    for url in (
        "/nowhere",
        "/claims/no-such-claim",
        "/sources/nope",
        "/people/nope",
        "/quotes/x",
        "/export/pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>404" in response.text


def test_the_server_only_reads(client: TestClient) -> None:
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)("/claims")
        assert response.status_code == 405
    assert client.post("/api/claims").status_code == 405


def test_static_files_and_fonts_are_served(client: TestClient) -> None:
    css = client.get("/static/refdb.css")
    assert css.status_code == 200 and "@font-face" in css.text
    for face in re.findall(r'url\("([^"]+\.woff2)"\)', css.text):
        font = client.get(f"/static/{face}")
        assert font.status_code == 200 and font.content[:4] == b"wOF2", face
    assert client.get("/static/refdb.js").status_code == 200
    assert client.get("/static/../web/app.py").status_code == 404


def test_the_next_page_keeps_the_disputed_filter(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(claims_module, "PAGE_SIZE", 2)
    html = client.get("/claims?disputed=1").text
    nexts = [h for h in links(html) if "after=" in h]
    assert nexts and "disputed=1" in nexts[0]
    second = client.get(nexts[0].replace("&amp;", "&")).text
    assert claim_keys(second) and "disputed by" in second


# -- anchors that no longer match after a text edit (issue 16): listed, never marked at a wrong place --

READING = "/sources/stalin-and-his-generals/text"
# three edits of the seed's text, each inside a passage that one record anchors
BROKEN = {
    ("claim", "factor-talent"): ("the key was to foster talent rather than yes-men", "the key was to foster talent, not yes-men"),
    ("quote", "vasilevskii-attention"): ("This attention to us touched us deeply", "This attention to us moved us deeply"),
    ("comment", "charmer-wiped-out"): ("Charmer? guess", "Charmer? I guess"),
}  # fmt: skip
LINK = {"claim": "/claims/", "quote": "/quotes/", "comment": "/comments/"}


def break_anchors(url: str) -> None:
    """Edit the seed's text so that the anchors of BROKEN no longer match it (and later ones move)."""
    from refdb.db import session_scope
    from refdb.services import authoring

    with session_scope(url, write=True) as session:
        text = authoring.get(session, "source", "stalin-and-his-generals").text
        for old, new in BROKEN.values():
            assert text.count(old) == 1
            text = text.replace(old, new)
        authoring.edit(session, "source", "stalin-and-his-generals", {"text": text}, [])


def _stale(html: str) -> dict[tuple[str, str], str]:
    found = re.findall(r'<li id="stale-(claim|quote|comment)-([^"]+)"><a href="[^"]+">[^<]*</a>: (.*?)\. <span', html)
    return {(kind, key): unescape(problem) for kind, key, problem in found}


def test_the_reading_view_lists_the_anchors_refdb_check_reports_and_marks_none_of_them_wrongly(
    client: TestClient, cli: Cli, db_url: str
) -> None:
    before = client.get(READING).text
    assert 'id="stale-anchors"' not in before  # the seed's anchors all match
    targets = set(re.findall(r'<span class="target" id="(claim|quote|comment)-([^"]+)"></span>', before))
    assert set(BROKEN) <= targets
    break_anchors(db_url)
    html = client.get(READING).text
    checked = json.loads(cli("check", "--format", "json").stdout)
    reported = {(p["kind"], p["key"]): p["problem"] for p in checked if p["check"] == "anchor"}
    assert _stale(html) == reported  # the same anchors, the same words
    for kind, key in BROKEN:
        assert reported[(kind, key)] == "its text no longer matches 'stalin-and-his-generals' exactly once"
        assert f'id="{kind}-{key}"' not in html  # no target, no mark anywhere in the text
        assert not re.search(rf'<mark [^>]*><a href="{LINK[kind]}{key}">', html)
        assert f'<li id="stale-{kind}-{key}"><a href="{LINK[kind]}{key}">{kind} {key}</a>' in html
    moved = [k for k, problem in reported.items() if "moved" in problem]
    assert ("claim", "culture-of-innovation") in moved
    assert re.search(r'<mark class="k-claim "[^>]*><a href="/claims/culture-of-innovation">he fostered a culture '
                     r"of innovation and dynamism</a></mark>", html)  # fmt: skip  # marked where it is now
    # every other anchor is marked as before; the legend counts what is marked
    marked = set(re.findall(r'<span class="target" id="(claim|quote|comment)-([^"]+)"></span>', html))
    assert marked == targets - set(BROKEN)
    assert f"{len(marked)} anchored passages:" in html
    assert f"{len(BROKEN)} anchors no longer match this text" in html
    assert f"{len(moved)} anchored passages moved since they were anchored" in html
    broken_list = html.split('<ul class="broken">', 1)[1].split("</ul>", 1)[0]
    assert set(re.findall(r'<li id="stale-([a-z]+)-([^"]+)">', broken_list)) == set(BROKEN)


def test_the_annotate_form_offers_a_citations_stances_alone(db_url: str) -> None:
    """'qualifies' is a counter-comment's stance: offered for a claim's anchor, it was always refused."""
    from refdb.vocab import STANCES
    from refdb.web.app import create_app
    from tests.conftest import invoke

    result = invoke(db_url, "user", "add", "ed", "--role", "editor", "--password-stdin", input="correct-horse\n")
    assert result.exit_code == 0, result.output
    with TestClient(create_app(db_url, token=None, write=True)) as web:
        web.post("/login", data={"name": "ed", "password": "correct-horse", "next": "/"})
        html = web.get(READING).text
    select = html.split('<select name="stance">', 1)[1].split("</select>", 1)[0]
    assert re.findall(r"<option>([a-z]+)</option>", select) == list(STANCES)
