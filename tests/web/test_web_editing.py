"""Editing in the browser (``refdb serve --write``, issue 16): who may write, CSRF, conflicts, and
annotations computed by refdb and stored through the services."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from refdb import db as refdb_db
from refdb.web.app import create_app
from refdb.web.auth import USER_COOKIE, session_cookie
from tests.conftest import invoke

SOURCE = "stalin-and-his-generals"
CLAIM = "commanders-shot-after-finland"


def _user(url: str, name: str, role: str, password: str = "correct-horse") -> None:
    result = invoke(url, "user", "add", name, "--role", role, "--password-stdin", input=password + "\n")
    assert result.exit_code == 0, result.output


@pytest.fixture
def app_url(db_url: str) -> str:
    _user(db_url, "ed", "editor")
    _user(db_url, "reid", "reader")
    return db_url


@pytest.fixture
def web(app_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(app_url, token=None, write=True)) as c:
        yield c
    refdb_db.dispose_all()


def _sign_in(client: TestClient, name: str, password: str = "correct-horse") -> int:
    response = client.post(
        "/login", data={"name": name, "password": password, "next": "/"}, follow_redirects=False
    )
    return response.status_code


def _csrf(client: TestClient, path: str = f"/sources/{SOURCE}/text") -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _passage(url: str) -> tuple[str, int]:
    """A passage of the seed's text that no record anchors yet, and where it starts."""
    from refdb.db import session_scope
    from refdb.services.browse import source_text

    with session_scope(url) as session:
        full, _ = source_text(session, SOURCE)
    assert full is not None
    exact = "other factors played a role"
    return exact, full.index(exact)


def _dump(url: str) -> str:
    result = invoke(url, "dump")
    assert result.exit_code == 0
    return result.stdout


def test_the_user_commands_never_print_a_password(db_url: str) -> None:
    result = invoke(
        db_url, "user", "add", "x1", "--role", "editor", "--password-stdin", input="sekrit-words\n"
    )
    assert result.exit_code == 0 and "sekrit" not in result.output
    assert invoke(db_url, "user", "list").stdout == "x1\teditor\n"
    assert invoke(
        db_url, "user", "add", "x2", "--role", "boss", "--password-stdin", input="longenough\n"
    ).stderr == ("Error: unknown role 'boss'; choose one of: reader, editor\n")
    assert invoke(db_url, "user", "add", "x1", "--password-stdin", input="longenough\n").exit_code == 4
    assert invoke(db_url, "user", "passwd", "x1", "--password-stdin", input="new-words-1\n").exit_code == 0
    assert invoke(db_url, "user", "rm", "x1").exit_code == 0
    assert invoke(db_url, "user", "rm", "x1").stderr == "Error: no user 'x1'\n"


def test_writes_without_an_editor_session_or_csrf_are_refused_and_change_nothing(
    web: TestClient, app_url: str
) -> None:
    before = _dump(app_url)
    exact, start = _passage(app_url)
    form: dict[str, Any] = {"action": "quote", "exact": exact, "start": start}
    # no session at all
    assert web.post(f"/sources/{SOURCE}/annotate", data={**form, "csrf": "x"}).status_code == 403
    # a forged cookie (signed with another key)
    web.cookies.set(USER_COOKIE, session_cookie("not-the-servers-secret", "ed", "editor"))
    assert web.post(f"/sources/{SOURCE}/annotate", data={**form, "csrf": "x"}).status_code == 403
    web.cookies.clear()
    # a reader, with the reader's own CSRF token
    assert _sign_in(web, "reid") == 303
    assert "annotate-form" not in web.get(f"/sources/{SOURCE}/text").text
    # a cookie the server signed when 'reid' was an editor: the role is read again on every write
    web.cookies.clear()
    web.cookies.set(USER_COOKIE, session_cookie(web.app.state.secret, "reid", "editor"))
    token = _csrf(web)
    response = web.post(f"/sources/{SOURCE}/annotate", data={**form, "csrf": token})
    assert response.status_code == 403 and "may read but not edit" in response.text
    web.cookies.clear()
    # an editor without the CSRF token, or with a wrong one
    assert _sign_in(web, "ed") == 303
    assert web.post(f"/sources/{SOURCE}/annotate", data=form).status_code == 403
    assert web.post(f"/sources/{SOURCE}/annotate", data={**form, "csrf": "wrong"}).status_code == 403
    assert _dump(app_url) == before


def test_the_cookie_is_httponly_and_strict_and_sign_in_is_rate_limited(web: TestClient) -> None:
    response = web.post("/login", data={"name": "ed", "password": "correct-horse"}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    web.cookies.clear()
    codes = [_sign_in(web, "ed", "wrong-password") for _ in range(6)]
    assert codes == [401] * 5 + [429]
    assert _sign_in(web, "ed") == 429  # even the right password waits out the window


def test_an_editor_makes_a_quote_and_an_anchor_from_a_selection(web: TestClient, app_url: str) -> None:
    exact, start = _passage(app_url)
    assert _sign_in(web, "ed") == 303
    token = _csrf(web)
    response = web.post(f"/sources/{SOURCE}/annotate", follow_redirects=False, data={
        "csrf": token, "action": "quote", "exact": exact, "start": start, "claims": CLAIM})  # fmt: skip
    assert response.status_code == 303, response.text
    quotes = json.loads(invoke(app_url, "quotes", "--format", "json").stdout)
    (made,) = [q for q in quotes if q["text"] == exact]
    assert made["found_in"]["source"] == SOURCE and made["found_in"]["label"] == "paragraph"
    assert made["found_in"]["locator"] == "2" and made["claims"] == [CLAIM]
    history = json.loads(invoke(app_url, "history", "--format", "json").stdout)
    assert history[0]["actor"] == "ed" and history[0]["action"] == f"browser: quote in {SOURCE}"
    response = web.post(f"/sources/{SOURCE}/annotate", follow_redirects=False, data={
        "csrf": token, "action": "anchor", "exact": exact, "start": start, "claim": CLAIM, "stance": "supports"})  # fmt: skip
    assert response.status_code == 303, response.text
    claim = json.loads(invoke(app_url, "claim", CLAIM, "--format", "json").stdout)
    (cited,) = [c for c in claim["citations"] if c["source"] == SOURCE]
    assert cited["anchor"] == exact and cited["stance"] == "supports"
    assert (cited["label"], cited["locator"]) == ("paragraph", "2")
    assert invoke(app_url, "check").exit_code == 0


def test_a_stale_claim_edit_gets_the_conflict_page_with_both(web: TestClient, app_url: str) -> None:
    assert _sign_in(web, "ed") == 303
    page = web.get(f"/claims/{CLAIM}/edit").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    first = {
        "csrf": token,
        "version": version,
        "text": "First editor's wording.",
        "kind": "counter",
        "note": "",
    }
    assert web.post(f"/claims/{CLAIM}/edit", data=first, follow_redirects=False).status_code == 303
    second = {**first, "text": "Second editor's wording."}
    response = web.post(f"/claims/{CLAIM}/edit", data=second, follow_redirects=False)
    assert response.status_code == 409
    assert "First editor&#39;s wording." in response.text and "Second editor&#39;s wording." in response.text
    claim = json.loads(invoke(app_url, "claim", CLAIM, "--format", "json").stdout)
    assert claim["text"] == "First editor's wording."
    history = web.get(f"/history/claim/{CLAIM}")
    assert history.status_code == 200
    assert "change 1" in history.text and "browser: edit claim" in history.text and "· ed ·" in history.text
    assert "First editor&#39;s wording." in history.text
    assert web.get("/history/nonsense/x").status_code == 404


def test_every_worker_counts_the_same_failed_sign_ins(app_url: str) -> None:
    """`refdb serve --workers N`: the attempts are counted in the database, not in one worker's memory."""
    with TestClient(create_app(app_url, token=None, write=True)) as one, TestClient(
        create_app(app_url, token=None, write=True)
    ) as two:
        codes = [_sign_in(client, "ed", "wrong-password") for client in (one, two, one, two, one)]
        assert codes == [401] * 5
        assert _sign_in(two, "ed") == 429 and _sign_in(one, "ed") == 429
        assert _sign_in(one, "reid") == 303  # another name from the same client is not held up
    refdb_db.dispose_all()
