"""The edit form of every kind of record (``/SECTION/KEY/edit``, ``/new/KIND``, ``/SECTION/KEY/delete``):
submitted as a browser submits it, checked by the same services as the command line, errors beside
the field, nothing saved on a refusal."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from refdb import db as refdb_db
from refdb.models import KEYED
from refdb.records import SECTION_OF
from refdb.web.app import create_app
from tests.conftest import invoke

CLAIM = "commanders-shot-after-finland"
SOURCE = "stalin-and-his-generals"


class _Form(HTMLParser):
    """What a browser sends for the page's form of the given action: every named field, the first
    selected option of a select, a checkbox only when checked; a text area's line breaks as CRLF."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, {}  # type: ignore[var-annotated]
        self.select: str | None = None
        self.area: str | None = None
        self.area_text: list[str] = []
        self.first_option: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "") == self.action
        if not self.inside:
            return
        if tag == "input" and "name" in a and (a.get("type") != "checkbox" or "checked" in a):
            if a.get("type") != "file":
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select is not None:
            self.first_option.setdefault(self.select, a.get("value", ""))
            self._option = a
        elif tag == "textarea":
            self.area, self.area_text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self.area is not None:
            self.area_text.append(data)
        elif self.select is not None and hasattr(self, "_option"):
            if "selected" in self._option:
                self.fields[self.select] = self._option.get("value", data) if "value" in self._option else data
            del self._option

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            self.fields.setdefault(self.select, self.first_option.get(self.select, ""))
            self.select = None
        elif tag == "textarea" and self.area is not None:
            text = "".join(self.area_text)
            text = text[1:] if text.startswith("\n") else text  # the parser drops the first line break
            self.fields[self.area] = text.replace("\n", "\r\n")
            self.area = None


def form_of(page: str, action: str) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(page)
    assert parser.fields, f"no form posting to {action}"
    return dict(parser.fields)


def _user(url: str, name: str, role: str) -> None:
    result = invoke(url, "user", "add", name, "--role", role, "--password-stdin", input="correct-horse\n")
    assert result.exit_code == 0, result.output


@pytest.fixture
def web(db_url: str) -> Iterator[TestClient]:
    _user(db_url, "ed", "editor")
    _user(db_url, "reid", "reader")
    with TestClient(create_app(db_url, token=None, write=True)) as c:
        assert c.post("/login", data={"name": "ed", "password": "correct-horse"}, follow_redirects=False).status_code == 303
        yield c
    refdb_db.dispose_all()


def _dump(url: str) -> str:
    result = invoke(url, "dump")
    assert result.exit_code == 0
    return result.stdout


def _record(url: str, kind: str, key: str) -> dict[str, Any]:
    from refdb.services.history import plain_record

    with refdb_db.session_scope(url) as session:
        found = plain_record(session, kind, key)
    assert found is not None
    return found


def _edit(web: TestClient, kind: str, key: str) -> tuple[str, dict[str, str]]:
    action = f"/{SECTION_OF[kind]}/{key}/edit"
    response = web.get(action)
    assert response.status_code == 200, response.text
    return action, form_of(response.text, action)


def _claim(url: str, key: str = CLAIM) -> dict[str, Any]:
    return json.loads(invoke(url, "claim", key, "--format", "json").stdout)  # type: ignore[no-any-return]


def _rows(form: dict[str, str], group: str) -> list[int]:
    return sorted({int(k.split(".")[1]) for k in form if k.startswith(group + ".") and k.split(".")[1].isdigit()})


def test_every_record_of_the_seed_saved_unchanged_changes_nothing(web: TestClient, db_url: str) -> None:
    before = _dump(db_url)
    with refdb_db.session_scope(db_url) as session:
        keys = [(kind, key) for kind, model in KEYED.items() for key in session.scalars(select(model.key))]
    assert len(keys) == 60
    for kind, key in keys:
        if kind == "tag":
            continue  # a tag has no page of its own; its form is tested below
        action, form = _edit(web, kind, key)
        response = web.post(action, data=form, follow_redirects=False)
        assert response.status_code == 303, (kind, key, response.text[:2000])
    action, form = _edit(web, "tag", "purges")
    assert web.post(action, data=form, follow_redirects=False).status_code == 303
    assert _dump(db_url) == before
    assert invoke(db_url, "history", "--format", "json").stdout.strip() == "[]"


def test_a_citations_stance_and_locator_are_edited_in_place_and_rows_added_and_removed(
    web: TestClient, db_url: str
) -> None:
    claim = "vasilevskii-promotions"  # cites two sources
    action, form = _edit(web, "claim", claim)
    page = web.get(action).text  # the keys a field names are offered, with what each one is
    assert 'name="citations.0.source" id="f-citations.0.source" aria-describedby' not in page
    assert re.search(r'name="citations\.0\.source"[^>]* list="keys-source"', page)
    assert '<option value="roberts-stalins-wars">Stalin&#39;s Wars: From World War' in page
    rows = _rows(form, "citations")
    filled = [i for i in rows if form.get(f"citations.{i}.source")]
    blank = [i for i in rows if i not in filled]
    first, last = filled[0], filled[-1]
    form[f"citations.{first}.stance"] = "disputes"
    form[f"citations.{first}.locator"] = "101–3"
    form[f"citations.{last}.remove"] = "1"
    form[f"citations.{blank[0]}.source"] = "roberts-stalins-wars"
    form[f"citations.{blank[0]}.stance"] = "supports"
    form[f"citations.{blank[0]}.locator"] = "12"
    before = _claim(db_url, claim)["citations"]
    assert web.post(action, data=form, follow_redirects=False).status_code == 303
    after = _claim(db_url, claim)["citations"]
    assert after[0]["stance"] == "disputes" and after[0]["locator"] == "101–3"
    assert after[0]["source"] == before[0]["source"] and after[0].get("anchor") == before[0].get("anchor")
    assert [c["source"] for c in after[1:-1]] == [c["source"] for c in before[1:-1]]
    assert after[-1]["source"] == "roberts-stalins-wars" and after[-1]["stance"] == "supports"
    assert len(after) == len(before)
    history = json.loads(invoke(db_url, "history", "claim", claim, "--format", "json").stdout)
    assert history[0]["actor"] == "ed" and history[0]["action"] == f"browser: edit claim {claim}"


def test_tags_relations_and_the_curators_notes_of_a_claim(web: TestClient, db_url: str) -> None:
    action, form = _edit(web, "claim", CLAIM)
    form["tags"] = form["tags"] + ", winter-war"
    (blank, *_rest) = [i for i in _rows(form, "relations") if not form.get(f"relations.{i}.claim")]
    other = "stalin-always-listened"
    form[f"relations.{blank}.relation"] = "contradicts"
    form[f"relations.{blank}.claim"] = other
    response = web.post(action, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    claim = _claim(db_url)
    assert "winter-war" in claim["tags"]
    assert any(r["claim"] == other and r["relation"] == "contradicts" for r in claim["relations"])
    assert _record(db_url, "tag", "winter-war") == {"key": "winter-war", "label": "Winter war"}  # as `link tag` makes it


def test_an_error_is_shown_beside_its_field_and_nothing_is_saved(web: TestClient, db_url: str) -> None:
    before = _dump(db_url)
    action, form = _edit(web, "claim", CLAIM)
    second = _rows(form, "citations")[1]
    form[f"citations.{second}.locator"] = ""
    form[f"citations.{second}.source"] = ""
    form[f"citations.{second}.label"] = "page"
    response = web.post(action, data=form, follow_redirects=False)
    assert response.status_code == 400
    assert re.search(rf'name="citations\.{second}\.source" id="[^"]+" aria-describedby="[^"]*error-here" aria-invalid="true"',
                     response.text)  # fmt: skip
    assert f"citation {second + 1}: source: is required" in response.text
    # what was typed is kept in the form shown again
    assert 'name="citations.1.label"' in response.text
    form[f"citations.{second}.source"] = "no-such-source"
    form[f"citations.{second}.stance"] = "supports"
    response = web.post(action, data=form, follow_redirects=False)
    assert response.status_code == 400 and "unknown source &#39;no-such-source&#39;" in response.text
    assert re.search(rf'name="citations\.{second}\.source" [^>]*aria-invalid="true"', response.text)
    action, form = _edit(web, "claim", CLAIM)
    form["kind"] = ""
    response = web.post(action, data=form, follow_redirects=False)
    assert response.status_code == 400 and 'aria-invalid="true"' in response.text
    assert _dump(db_url) == before


def test_a_persons_variants_take_a_russian_name_that_finds_them(web: TestClient, db_url: str) -> None:
    action, form = _edit(web, "person", "zhukov")
    (blank, *_rest) = [i for i in _rows(form, "variants") if not form.get(f"variants.{i}.name")]
    form[f"variants.{blank}.name"] = "Жуков Георгий Константинович"
    form[f"variants.{blank}.kind"] = "variant"
    form[f"variants.{blank}.note"] = "full name with patronymic"
    response = web.post(action, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    people = json.loads(invoke(db_url, "people", "Жуков Георгий", "--format", "json").stdout)
    assert [p["key"] for p in people] == ["zhukov"]


def test_a_quote_and_a_comment_through_their_forms(web: TestClient, db_url: str) -> None:
    quotes = json.loads(invoke(db_url, "quotes", "--format", "json").stdout)
    key = quotes[0]["key"]
    action, form = _edit(web, "quote", key)
    form["origin.locator"] = "77"
    form["claims"] = CLAIM
    assert web.post(action, data=form, follow_redirects=False).status_code == 303
    (quote,) = [q for q in json.loads(invoke(db_url, "quotes", "--format", "json").stdout) if q["key"] == key]
    assert quote["origin"]["locator"] == "77" and quote["claims"] == [CLAIM]
    comment = json.loads(invoke(db_url, "comments", "--format", "json").stdout)[0]["key"]
    action, form = _edit(web, "comment", comment)
    (blank, *_rest) = [i for i in _rows(form, "disputes") if not form.get(f"disputes.{i}.claim")]
    form[f"disputes.{blank}.claim"] = CLAIM
    form[f"disputes.{blank}.stance"] = "qualifies"
    response = web.post(action, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert CLAIM in invoke(db_url, "comments", "--format", "json").stdout


def test_a_new_source_with_a_pasted_or_uploaded_text_then_annotated(web: TestClient, db_url: str) -> None:
    page = web.get("/new/source")
    form = form_of(page.text, "/new/source")
    form.update({"key": "second-essay", "type": "article-journal", "title": "A Second Essay",
                 "text": "First paragraph, pasted.\r\n\r\nSecond paragraph names Zhukov.\r\n"})  # fmt: skip
    response = web.post("/new/source", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/sources/second-essay"
    text = web.get("/sources/second-essay/text").text
    assert "Second paragraph names Zhukov." in text
    # an HTML file replaces it, turned into paragraphs as `refdb add source --text-file` does
    action, form = _edit(web, "source", "second-essay")
    html = b"<html><head><title>t</title><style>p{}</style></head><body><p>One &amp; only.</p><p>Two.</p></body></html>"
    response = web.post(action, data=form, files={"text_upload": ("essay.html", html, "text/html")},
                        follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text
    dump = _dump(db_url)
    assert _record(db_url, "source", "second-essay")["text"] == "One & only.\n\nTwo.\n"
    # a file that is not UTF-8 is refused beside the text, and nothing changes
    response = web.post(action.replace("second-essay", "second-essay"), data=_edit(web, "source", "second-essay")[1],
                        files={"text_upload": ("bad.txt", b"caf\xe9", "text/plain")}, follow_redirects=False)  # fmt: skip
    assert response.status_code == 400 and "not valid UTF-8" in response.text
    assert _dump(db_url) == dump


def test_a_new_claim_cites_a_source_and_a_removal_asks_before_it_cascades(web: TestClient, db_url: str) -> None:
    form = form_of(web.get("/new/claim").text, "/new/claim")
    form.update({"kind": "interpretation", "text": "A claim made in the browser.", "tags": "purges",
                 "citations.0.source": SOURCE, "citations.0.stance": "asserts", "citations.0.locator": "3",
                 "citations.0.label": "paragraph"})  # fmt: skip
    response = web.post("/new/claim", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    key = response.headers["location"].rsplit("/", 1)[1]
    claim = _claim(db_url, key)
    assert claim["citations"][0]["locator"] == "3" and claim["tags"] == ["purges"]
    page = web.get(f"/claims/{key}/delete")
    assert page.status_code == 200 and "No other record refers to it." in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    assert web.post(f"/claims/{key}/delete", data={"csrf": token, "version": version},
                    follow_redirects=False).status_code == 303  # fmt: skip
    assert invoke(db_url, "claim", key).exit_code != 0
    # a source others cite: refused without the cascade box, nothing removed
    before = _dump(db_url)
    page = web.get(f"/sources/{SOURCE}/delete")
    assert "Other records refer to it" in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    response = web.post(f"/sources/{SOURCE}/delete", data={"csrf": token, "version": version})
    assert response.status_code == 409 and "nothing was removed" in response.text
    assert _dump(db_url) == before


def test_a_stale_source_form_gets_the_conflict_page_and_a_reader_gets_no_form(web: TestClient, db_url: str) -> None:
    action, form = _edit(web, "source", SOURCE)
    first = {**form, "title": "Retitled by the first editor"}
    assert web.post(action, data=first, follow_redirects=False).status_code == 303
    second = {**form, "title": "Retitled by the second editor"}
    response = web.post(action, data=second, follow_redirects=False)
    assert response.status_code == 409
    assert 'id="theirs-title">Retitled by the first editor' in response.text
    assert 'id="mine-title">Retitled by the second editor' in response.text
    assert "Retitled by the first editor" in _dump(db_url)
    # "save mine over theirs" is a form at the new version
    mine = form_of(response.text, action)
    assert web.post(action, data=mine, follow_redirects=False).status_code == 303
    assert "Retitled by the second editor" in _dump(db_url)
    web.cookies.clear()
    assert web.post("/login", data={"name": "reid", "password": "correct-horse"}, follow_redirects=False).status_code == 303
    assert web.get(action).status_code == 403
    assert web.post(action, data=mine).status_code == 403


def test_unknown_kinds_and_records_are_404_pages(web: TestClient) -> None:
    assert web.get("/nothing/x/edit").status_code == 404
    assert web.get("/claims/no-such-claim/edit").status_code == 404
    assert web.get("/new/nothing").status_code == 404
    big = {"csrf": "x", "text": "x" * 2_100_000}
    assert web.post(f"/claims/{CLAIM}/edit", data=big).status_code == 413


def test_an_editor_undoes_changes_from_the_history_page_latest_first(web: TestClient, db_url: str) -> None:
    before = _dump(db_url)
    for title in ("First retitling", "Second retitling"):
        action, form = _edit(web, "source", SOURCE)
        assert web.post(action, data={**form, "title": title}, follow_redirects=False).status_code == 303
    page = web.get(f"/history/source/{SOURCE}").text
    first, second = sorted(int(n) for n in re.findall(r'action="/history/undo/(\d+)"', page))
    undo = form_of(page, f"/history/undo/{first}")
    response = web.post(f"/history/undo/{first}", data=undo, follow_redirects=False)
    assert response.status_code == 409 and "undo that change first" in response.text
    assert "Second retitling" in _dump(db_url)
    for change in (second, first):
        undo = form_of(web.get(f"/history/source/{SOURCE}").text, f"/history/undo/{change}")
        response = web.post(f"/history/undo/{change}", data=undo, follow_redirects=False)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"/history/source/{SOURCE}"
    assert _dump(db_url).split("history:")[0] == before.split("history:")[0]
    assert web.post(f"/history/undo/{first}", data={"csrf": "forged"}).status_code == 403


WRITES = [
    f"/claims/{CLAIM}/edit",
    f"/sources/{SOURCE}/edit",
    "/people/zhukov/edit",
    "/new/claim",
    "/new/person",
    f"/claims/{CLAIM}/delete",
    "/tags/purges/delete",
    "/history/undo/1",
]


@pytest.mark.parametrize("path", WRITES)
def test_every_write_is_refused_without_an_editors_session_and_token(web: TestClient, db_url: str, path: str) -> None:
    from refdb.web.auth import USER_COOKIE, session_cookie

    action, good = _edit(web, "claim", CLAIM)
    invoke(db_url, "edit", "claim", CLAIM, "--set", "note=a change to undo")  # change 1 exists
    before = _dump(db_url)
    form = {**good, "kind": "factual", "text": "Written by someone who may not write.", "name": "Intruder",
            "cascade": "1"}  # fmt: skip
    token = form.pop("csrf")
    assert web.post(path, data=form).status_code == 403  # the editor, without the token
    assert web.post(path, data={**form, "csrf": "not-the-token"}).status_code == 403
    web.cookies.clear()
    assert web.post(path, data={**form, "csrf": token}).status_code == 403  # no session
    web.cookies.set(USER_COOKIE, session_cookie("another-servers-secret", "ed", "editor"))
    assert web.post(path, data={**form, "csrf": token}).status_code == 403  # a forged cookie
    web.cookies.clear()
    assert web.post("/login", data={"name": "reid", "password": "correct-horse"}, follow_redirects=False).status_code == 303
    reader = re.search(r'name="csrf" value="([^"]+)"', web.get(f"/history/claim/{CLAIM}").text)
    assert reader is None  # a reader is offered no write at all
    web.cookies.set(USER_COOKIE, session_cookie(web.app.state.secret, "reid", "editor"))  # an old editor cookie
    assert web.post(path, data={**form, "csrf": token}).status_code == 403
    assert _dump(db_url) == before
    assert action


def test_anchoring_a_claim_again_after_a_text_edit_replaces_its_broken_anchor(web: TestClient, db_url: str) -> None:
    from tests.web.test_web_pages import BROKEN, READING, break_anchors

    claim = "factor-talent"
    (_old, new), = [v for k, v in BROKEN.items() if k == ("claim", claim)]
    before = [c for c in _claim(db_url, claim)["citations"] if c["source"] == SOURCE]
    break_anchors(db_url)
    assert f'id="stale-claim-{claim}"' in web.get(READING).text
    text = _record(db_url, "source", SOURCE)["text"]
    token = re.search(r'name="csrf" value="([^"]+)"', web.get(READING).text).group(1)  # type: ignore[union-attr]
    response = web.post(f"/sources/{SOURCE}/annotate", data={"csrf": token, "action": "anchor", "exact": new,
                        "start": text.index(new), "claim": claim, "stance": "supports"}, follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text
    after = [c for c in _claim(db_url, claim)["citations"] if c["source"] == SOURCE]
    assert len(after) == len(before) == 1  # the same citation, anchored again
    assert (after[0]["anchor"], after[0]["stance"], after[0]["label"]) == (new, "supports", "paragraph")
    assert f'id="stale-claim-{claim}"' not in web.get(READING).text
    problems = json.loads(invoke(db_url, "check", "--format", "json").stdout)
    assert not [p for p in problems if p["check"] == "anchor" and p["key"] == claim]
