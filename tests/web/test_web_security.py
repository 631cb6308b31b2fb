"""Safe by default: escaped data, a strict Content-Security-Policy, a token for other machines, no tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from refdb import db as refdb_db
from refdb.cli.serve import is_loopback
from refdb.services import queries
from refdb.web.app import create_app
from refdb.web.base import COOKIE
from tests.conftest import Cli, invoke

SCRIPT = "<script>alert(1)</script> & Co"
ATTRIBUTES = (
    "<i onmouseover=alert(1)>Hover</i> <a href='javascript:alert(1)'>link</a> "
    "<span style='background:url(javascript:alert(1))'>sp</span> <img src=x onerror=alert(1)>"
)
MARKDOWN = "Pipes | stars * underscores _ and <script>alert(1)</script> [x](javascript:alert(1)) # h"
QUOTES = "\"'><svg/onload=alert(1)>{{ 7*7 }}{% raw %}"


class Tags(HTMLParser):
    """Every element, attribute and link a page has: what a browser would run or follow."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[tuple[str, str]] = []
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name == "style":
                self.styles.append(value or "")
            if name in ("href", "xlink:href", "src", "action") and value is not None:
                self.hrefs.append(value)


def parsed(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def assert_inert(html: str) -> None:
    tags = parsed(html)
    assert tags.scripts == [{"src": "/static/refdb.js", "defer": None}], tags.scripts
    assert not tags.handlers, tags.handlers
    assert not tags.styles, tags.styles
    assert not any(
        h.strip().lower().startswith(("javascript:", "data:text", "vbscript:")) for h in tags.hrefs
    )
    assert not tags.tags & {"img", "iframe", "object", "embed", "style", "foreignobject"}, tags.tags
    # the one <svg> a page may hold is a claim's argument map, drawn by Graphviz in its slot
    svgs = [i for i in range(len(html)) if html.startswith("<svg", i)]
    slot = html.find('id="argument-map"')
    assert len(svgs) <= 1 and (not svgs or (slot != -1 and 0 < svgs[0] - slot < 200)), "an <svg> outside the map"


@pytest.fixture
def hostile(cli: Cli) -> Cli:
    def ok(*args: str) -> None:
        result = cli(*args)
        assert result.exit_code == 0, result.output

    ok("add", "person", ATTRIBUTES, "--key", "evil", "--native", SCRIPT, "--variant", QUOTES)
    ok("add", "source", SCRIPT, "--key", "xss", "--author", "evil", "--issued", "2001",
       "--url", "javascript:alert(document.cookie)", "--publisher", ATTRIBUTES, "--note", MARKDOWN)  # fmt: skip
    ok("add", "source", QUOTES, "--key", "xss2", "--url", " JavaScript:alert(1)", "--type", "webpage")
    ok("add", "claim", MARKDOWN, "--key", "xss-claim", "--tag", "purges", "--about", "evil", "--note", QUOTES)
    ok("link", "cite", "xss-claim", "xss", "--stance", "asserts", "--locator", "5", "--note", ATTRIBUTES)
    ok("link", "cite", "xss-claim", "xss2", "--stance", "disputes")
    ok(
        "add",
        "quote",
        ATTRIBUTES,
        "--key",
        "xss-quote",
        "--speaker",
        "evil",
        "--origin",
        "xss",
        "--claim",
        "xss-claim",
    )
    ok("add", "comment", SCRIPT, "--key", "xss-comment", "--answers", "xss", "--author-label", QUOTES,
       "--disputes", "xss-claim")  # fmt: skip
    ok("link", "relation", "xss-claim", "contradicts", "factor-charm")
    return cli


HOSTILE_PAGES = [
    "/claims", "/claims?q=pipes", "/claims?source=xss", "/claims?disputed=1", "/claims/xss-claim",
    "/claims/factor-charm", "/sources", "/sources/xss", "/sources/xss2", "/people", "/people/evil",
    "/search?q=alert", "/quotes/xss-quote", "/comments/xss-comment",
]  # fmt: skip


@pytest.mark.parametrize("url", HOSTILE_PAGES)
def test_hostile_data_renders_as_text(hostile: Cli, client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert_inert(response.text)
    assert "&lt;script&gt;" in response.text or "alert" in response.text


def test_the_hostile_strings_are_shown_verbatim(hostile: Cli, client: TestClient) -> None:
    html = client.get("/claims/xss-claim").text
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        or "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    )
    body = html.split("<main", 1)[1].split("Cite", 1)[0]
    body = body.split("<svg", 1)[0] + body.split("</svg>", 1)[-1]  # the map's coordinates are numbers
    assert "{{ 7*7 }}" in html and "49" not in body


def test_a_javascript_url_is_not_a_link(hostile: Cli, client: TestClient) -> None:
    for key in ("xss", "xss2"):
        html = client.get(f"/sources/{key}").text
        assert "alert(" in html  # shown, as text
        assert "not a web address" in html
        assert not [h for h in parsed(html).hrefs if "javascript:" in h.lower()]


def test_an_http_url_is_a_link(cli: Cli, client: TestClient) -> None:
    result = cli("add", "source", "A web page", "--key", "web", "--url", "https://example.org/a?b=1&c=2")
    assert result.exit_code == 0, result.output
    assert "https://example.org/a?b=1&c=2" in parsed(client.get("/sources/web").text).hrefs


def test_the_citations_on_a_hostile_claim_keep_only_emphasis(hostile: Cli, client: TestClient) -> None:
    html = client.get("/claims/xss-claim").text
    notes = html.split('<div class="notes">', 1)[1].split('</div>\n<p class="downloads">', 1)[0]
    tags = parsed(notes)
    assert tags.tags <= {
        "h3",
        "ol",
        "ul",
        "li",
        "div",
        "span",
        "button",
        "i",
        "em",
        "b",
        "strong",
        "sup",
        "sub",
    }
    assert not [h for h in tags.hrefs if "javascript:" in h.lower()]


def test_api_json_carries_hostile_strings_unchanged(hostile: Cli, client: TestClient) -> None:
    record = client.get("/api/claims/xss-claim").json()
    assert record["text"] == MARKDOWN and record["note"] == QUOTES


EXPECTED_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


@pytest.mark.parametrize(
    "url", ["/claims", "/claims/factor-charm", "/static/refdb.css", "/api/claims", "/nowhere", "/api/nowhere"]
)
def test_every_response_carries_the_security_headers(client: TestClient, url: str) -> None:
    response = client.get(url)
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value, name
    assert "server" not in response.headers or "uvicorn" not in response.headers["server"]


def test_no_page_has_inline_script_or_style(client: TestClient) -> None:
    for url in ("/claims", "/claims/factor-charm", "/sources/stalin-and-his-generals/text", "/people/stalin",
                "/search?q=charm", "/sources/roberts-stalins-wars"):  # fmt: skip
        html = client.get(url).text
        tags = parsed(html)
        assert all(s.get("src") for s in tags.scripts), url
        assert "<style" not in html and not tags.styles and not tags.handlers, url
        assert not [h for h in tags.hrefs if h.startswith(("http://", "https://", "//"))], url


@pytest.fixture
def failing(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A bug inside a service (not an expected RefdbError): the client sees a 500 page and nothing else."""

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("secret internals: /home/me/.pgpass password=hunter2")

    monkeypatch.setattr(queries, "claim_detail", broken)
    with TestClient(create_app(db_url, token=None), raise_server_exceptions=False) as c:
        yield c
    refdb_db.dispose_all()


def test_a_bug_is_a_500_page_without_a_traceback(
    failing: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    page = failing.get("/claims/factor-charm")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in page.text
    api = failing.get("/api/claims/factor-charm")
    assert api.status_code == 500 and api.json() == {
        "error": "The server could not answer this request; the error is in its log.",
        "status": 500,
    }
    for body in (page.text, api.text):
        assert "Traceback" not in body and "hunter2" not in body and "RuntimeError" not in body
    assert page.headers["content-security-policy"] == EXPECTED_HEADERS["content-security-policy"]
    assert "hunter2" in caplog.text  # in the server's log, for the person who runs it


TOKEN = "correct horse battery staple"


@pytest.fixture
def guarded(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url, token=TOKEN)) as c:
        yield c
    refdb_db.dispose_all()


def test_with_a_token_pages_ask_to_sign_in(guarded: TestClient) -> None:
    response = guarded.get("/claims?source=glantz", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fclaims%3Fsource%3Dglantz"
    login = guarded.get(response.headers["location"])
    assert login.status_code == 200 and 'type="password"' in login.text
    assert guarded.get("/static/refdb.css").status_code == 200


def test_with_a_token_the_api_wants_a_bearer(guarded: TestClient) -> None:
    assert guarded.get("/api/claims").status_code == 401
    assert guarded.get("/api/claims", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert guarded.get("/api/claims", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert guarded.get("/claims", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_signing_in_sets_an_httponly_samesite_cookie(guarded: TestClient) -> None:
    wrong = guarded.post("/login", data={"token": "guess", "next": "/claims"}, follow_redirects=False)
    assert wrong.status_code == 401 and "That is not the token" in wrong.text
    assert COOKIE not in guarded.cookies
    right = guarded.post(
        "/login", data={"token": TOKEN, "next": "/claims/factor-charm"}, follow_redirects=False
    )
    assert right.status_code == 303 and right.headers["location"] == "/claims/factor-charm"
    cookie = right.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert TOKEN not in cookie  # the cookie holds a keyed hash, never the token
    assert guarded.get("/claims/factor-charm").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_elsewhere(guarded: TestClient, target: str) -> None:
    right = guarded.post("/login", data={"token": TOKEN, "next": target}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/"


def test_a_forged_cookie_is_refused(guarded: TestClient) -> None:
    guarded.cookies.set(COOKIE, TOKEN)
    assert guarded.get("/claims", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2", "[::1]"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.org", "10.0.0.1"])
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_serve_refuses_another_host_without_a_token(db_url: str, host: str) -> None:
    result = invoke(db_url, "serve", "--host", host, env={"REFDB_SERVE_TOKEN": ""})
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: refusing to listen on") and "REFDB_SERVE_TOKEN" in result.stderr
    assert result.exception is None


def test_serve_refuses_a_port_in_use(db_url: str) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(db_url, "serve", "--port", str(port))
    assert result.exit_code == 4 and f"cannot listen on 127.0.0.1:{port}" in result.stderr


INJECTIONS = [
    "' OR 1=1 --",
    "%",
    "_",
    "NEAR(",
    '"',
    "a\x00b",
    "x" * 5000,
    "<script>alert(1)</script>",
    "*",
    "-",
]
ENDPOINTS = ["/claims?source={}", "/claims?person={}", "/claims?tag={}", "/claims?q={}", "/claims?after={}",
             "/sources?q={}", "/people?q={}", "/search?q={}", "/export/bibtex?source={}", "/claims/{}",
             "/sources/{}", "/people/{}", "/sources/{}/text", "/api/claims?source={}", "/api/search?q={}",
             "/api/claims/{}", "/api/quotes?speaker={}"]  # fmt: skip


@pytest.mark.parametrize("value", INJECTIONS, ids=lambda v: repr(v[:12]))
def test_injection_shaped_input_is_a_clear_answer_never_a_500(client: TestClient, value: str) -> None:
    from urllib.parse import quote

    for endpoint in ENDPOINTS:
        url = endpoint.format(quote(value, safe=""))
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url[:80], response.status_code)
        if url.startswith("/api/"):
            assert response.headers["content-type"] == "application/json"
        elif response.headers["content-type"].startswith("text/html"):
            assert_inert(response.text)
