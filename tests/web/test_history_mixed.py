"""History property (issue 16): random edits through the command line *and* the browser, then ``refdb
undo`` of every change, newest first, gives back the first dump byte for byte.

Each run takes a fresh copy of the seed, signs an editor in to the app (Starlette's test client, the
form's CSRF token on every post) and makes EDITS random edits, each drawn from ``CLI_OPS`` or
``BROWSER_OPS``: ``refdb edit``, ``add``, ``link``, ``unlink`` and ``rm`` through the CLI; through
HTTP the reading view's annotations (a quote, a claim's anchor, a new claim) and the record forms
(a claim's citations, relations and tags; a person's variants; sources, quotes, the comment's disputes;
new tags and claims, removals).  An edit
may be refused (a tag the claim lacks, a passage quoted twice): refusals are one ``Error:`` line or
the form's 4xx page, never a crash, and record nothing.  Then every change in the history is undone,
newest first, through ``refdb undo`` or the history page's button at random, each undo must succeed, and the dump without its history is the first one.

Runs on the backend of the pass (``REFDB_TEST_BACKEND``).  REFDB_HISTORY_SEEDS runs (default 1;
``pytest --full``: 8), seeds 0, 1, ...; REFDB_HISTORY_EDITS edits each (default 100).  A failing seed
is named in the test's id: ``-k 'seed3'`` runs it again.

Adding a browser form: write a function ``(world) -> bool`` that posts it (``world.post``) and says
whether it was saved, and append it to ``BROWSER_OPS``; keep ``world``'s lists of keys true.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import unquote

import pytest
from starlette.testclient import TestClient

from refdb import db as refdb_db
from refdb.formats.display import paragraphs
from refdb.services.browse import source_text
from refdb.vocab import CLAIM_KINDS, RELATIONS, STANCES
from refdb.web.app import create_app
from tests.conftest import Backend, invoke

FULL = "REFDB_SOAK_SECONDS" in os.environ  # set by ``pytest --full``
SEEDS = int(os.environ.get("REFDB_HISTORY_SEEDS", "8" if FULL else "1"))
EDITS = int(os.environ.get("REFDB_HISTORY_EDITS", "100"))

SOURCE = "stalin-and-his-generals"  # the seed's text: the annotations' passages come from it
PASSWORD = "correct-horse-battery"
# a write the browser refuses: the form's error (400), an unknown record (404), a conflict (409)
REFUSED = (400, 404, 409)


@dataclass
class World:
    """The database and what the run knows of it (kept true by every op that succeeds)."""

    url: str
    web: TestClient  # signed in as an editor
    csrf: str
    rng: random.Random
    text: str  # the source's text (no op edits it)
    claims: list[str]  # every claim's key now
    sources: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # claims this run added (so it may rename or remove them)
    quotes: list[str] = field(default_factory=list)
    made_quotes: list[str] = field(default_factory=list)  # quotes this run made in the browser
    log: list[str] = field(default_factory=list)  # what was done, for the failure message

    def claim(self) -> str:
        return self.rng.choice(self.claims)

    def record(self, key: str) -> dict[str, Any]:
        """A claim as ``refdb claim KEY --format json`` shows it now."""
        found: dict[str, Any] = json.loads(_ok(self.url, "claim", key, "--format", "json"))
        return found

    def cli(self, *args: str) -> bool:
        """Run one refdb command; True when it did it, False when it refused with one clear line."""
        result = invoke(self.url, *args)
        assert result.exception is None, (args, result.exception)
        ok = result.exit_code == 0
        # refused (not found 3, conflict 4, bad input 5) with one line; a usage error is the test's own
        assert ok or (result.exit_code in (3, 4, 5) and result.stderr.startswith("Error: ")), (args, result.output)
        self.log.append(f"cli {' '.join(args)} -> {result.exit_code} {result.stderr.strip()}")
        return ok

    def post(self, path: str, form: dict[str, Any]) -> tuple[bool, str]:
        """Post a form with the CSRF token; (saved?, where it redirected)."""
        response = self.web.post(path, data={**form, "csrf": self.csrf}, follow_redirects=False)
        self.log.append(f"post {path} {sorted(form.items())} -> {response.status_code}"
                        + (f" {_error(response.text)}" if response.status_code != 303 else ""))
        if response.status_code == 303:
            return True, response.headers["location"]
        assert response.status_code in REFUSED, (path, response.status_code, response.text[:500])
        return False, ""

    def passage(self) -> tuple[str, int]:
        """A random run of words inside one numbered paragraph of the text, and where it starts."""
        para = self.rng.choice([p for p in paragraphs(self.text) if p.number is not None])
        words = [m.span() for m in re.finditer(r"\S+", self.text[para.start : para.end])]
        first = self.rng.randrange(len(words))
        last = min(len(words) - 1, first + self.rng.randint(2, 10))
        start, end = para.start + words[first][0], para.start + words[last][1]
        return self.text[start:end], start


def _error(html: str) -> str:
    found = re.search(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    return unescape(found.group(1)) if found else html[:200]


Op = Callable[[World], bool]

# -- the command line ----------------------------------------------------------------------------


def cli_note(w: World) -> bool:
    return w.cli("edit", "claim", w.claim(), "--set", f"note=Note {w.rng.randint(0, 10**6)} «ü»")


def cli_unset_note(w: World) -> bool:
    return w.cli("edit", "claim", w.claim(), "--unset", "note")


def cli_tag(w: World) -> bool:
    return w.cli("link", "tag", w.claim(), w.rng.choice(["purges", "charm", f"t-{w.rng.randint(0, 20)}"]))


def cli_untag(w: World) -> bool:
    key = w.claim()
    return w.cli("unlink", "tag", key, w.rng.choice([*w.record(key)["tags"], "loyalty"]))


def cli_add_claim(w: World) -> bool:
    key = f"random-{w.rng.randint(0, 10**6)}"
    kind = w.rng.choice(CLAIM_KINDS)
    tags = ["--tag", w.rng.choice(["purges", f"t-{w.rng.randint(0, 20)}"])] if w.rng.random() < 0.5 else []
    if not w.cli("add", "claim", f"A claim {key} «ё».", "--key", key, "--kind", kind, *tags):
        return False
    w.added.append(key)
    w.claims.append(key)
    return True


def cli_rename(w: World) -> bool:
    if not w.added:
        return cli_add_claim(w)
    old = w.rng.choice(w.added)
    new = f"{old}-r{w.rng.randint(0, 99)}"
    if not w.cli("edit", "claim", old, "--set", f"key={new}"):
        return False
    w.added[w.added.index(old)] = new
    w.claims[w.claims.index(old)] = new
    return True


def cli_rm_claim(w: World) -> bool:
    if not w.added:
        return cli_add_claim(w)
    key = w.rng.choice(w.added)
    if not w.cli("rm", "claim", key, "--cascade"):
        return False
    w.added.remove(key)
    w.claims.remove(key)
    return True


def cli_link_quote(w: World) -> bool:
    return w.cli("link", "quote", w.rng.choice(w.quotes), w.claim())


def cli_unlink_quote(w: World) -> bool:
    quotes = json.loads(_ok(w.url, "quotes", "--format", "json"))
    pairs = [(q["key"], c) for q in quotes for c in q["claims"]] or [(w.rng.choice(w.quotes), w.claim())]
    return w.cli("unlink", "quote", *w.rng.choice(pairs))


def cli_cite(w: World) -> bool:
    stance = w.rng.choice(STANCES)
    return w.cli("link", "cite", w.claim(), "roberts-stalins-wars", "--stance", stance,
                 "--locator", str(w.rng.randint(1, 400)))  # fmt: skip


def cli_uncite(w: World) -> bool:
    key = w.claim()
    cited = [c["source"] for c in w.record(key)["citations"]] or ["roberts-stalins-wars"]
    return w.cli("unlink", "cite", key, w.rng.choice(cited))


def cli_relation(w: World) -> bool:
    a, b = w.claim(), w.claim()
    if w.rng.random() < 0.4 and (related := w.record(a)["relations"]):
        r = w.rng.choice(related)
        return w.cli("unlink", "relation", a, r["relation"], r["claim"])
    return w.cli("link", "relation", a, w.rng.choice(RELATIONS), b)


def cli_variant(w: World) -> bool:
    return w.cli("add", "variant", "zhukov", f"Zhukov {w.rng.randint(0, 999)}")


def cli_edit_person(w: World) -> bool:
    return w.cli("edit", "person", w.rng.choice(["zhukov", "beria", "hitler"]), "--set",
                 f"note=Person note {w.rng.randint(0, 999)}")  # fmt: skip


def cli_edit_source(w: World) -> bool:
    return w.cli("edit", "source", w.rng.choice(["glantz-colossus-reborn", "roberts-stalins-wars"]), "--set",
                 f"note=Source note {w.rng.randint(0, 999)}")  # fmt: skip


def cli_edit_quote(w: World) -> bool:
    return w.cli("edit", "quote", w.rng.choice(w.quotes), "--set", f"note=Quote note {w.rng.randint(0, 999)}")


def cli_rm_quote(w: World) -> bool:
    if not w.made_quotes:
        return cli_edit_quote(w)
    key = w.rng.choice(w.made_quotes)
    if not w.cli("rm", "quote", key):
        return False
    w.made_quotes.remove(key)
    w.quotes.remove(key)
    return True


def cli_edit_tag(w: World) -> bool:
    field_ = w.rng.choice(["label", "description"])
    return w.cli("edit", "tag", w.rng.choice(["purges", "charm", "talent"]), "--set",
                 f"{field_}=Tag {field_} {w.rng.randint(0, 999)}")  # fmt: skip


def cli_comment(w: World) -> bool:
    """The seed's counter-comment: its note, or a claim it answers linked or unlinked."""
    roll = w.rng.random()
    if roll < 0.4:
        return w.cli("edit", "comment", "charmer-wiped-out", "--set", f"note=Comment note {w.rng.randint(0, 999)}")
    if roll < 0.8:
        return w.cli("link", "comment", "charmer-wiped-out", w.claim(), "--stance",
                     w.rng.choice(["disputes", "rejects", "supports", "qualifies"]))  # fmt: skip
    comments = json.loads(_ok(w.url, "comments", "--format", "json"))
    disputed = [d["claim"] for c in comments for d in c["claims"]] or [w.claim()]
    return w.cli("unlink", "comment", "charmer-wiped-out", w.rng.choice(disputed))


CLI_OPS: list[Op] = [cli_note, cli_unset_note, cli_tag, cli_untag, cli_add_claim, cli_rename, cli_rm_claim,
                     cli_link_quote, cli_unlink_quote, cli_cite, cli_uncite, cli_relation, cli_variant,
                     cli_edit_person, cli_edit_source, cli_edit_quote, cli_rm_quote, cli_edit_tag,
                     cli_comment]  # fmt: skip

# -- the browser (HTTP form posts as a signed-in editor) ---------------------------------------------


def web_claim_edit(w: World) -> bool:
    key = w.claim()
    form = w.web.get(f"/claims/{key}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version, form[:500]
    text = re.search(r'name="text"[^>]*>([^<]*)</textarea>', form)
    assert text
    changes = {
        "text": w.rng.choice([unescape(text.group(1)), f"Reworded in the browser {w.rng.randint(0, 999)}."]),
        "kind": w.rng.choice(CLAIM_KINDS),
        "note": w.rng.choice(["", f"Browser note {w.rng.randint(0, 999)} — «ё»"]),
    }
    saved, _ = w.post(f"/claims/{key}/edit", {**changes, "version": version.group(1)})
    return saved


def _annotated(location: str, kind: str) -> str:
    """The new record's key from the redirect to the reading view (``...#quote-KEY``)."""
    fragment = unquote(location.rsplit("#", 1)[1])
    assert fragment.startswith(f"{kind}-"), location
    return fragment.removeprefix(f"{kind}-")


def web_quote(w: World) -> bool:
    exact, start = w.passage()
    claims = ",".join(w.rng.sample(w.claims, w.rng.randint(0, 2)))
    saved, location = w.post(f"/sources/{SOURCE}/annotate", {"action": "quote", "exact": exact, "start": start,
                                                             "claims": claims})  # fmt: skip
    if saved:
        key = _annotated(location, "quote")
        w.quotes.append(key)
        w.made_quotes.append(key)
    return saved


def web_anchor(w: World) -> bool:
    exact, start = w.passage()
    stance = w.rng.choice(STANCES)
    saved, _ = w.post(f"/sources/{SOURCE}/annotate", {"action": "anchor", "exact": exact, "start": start,
                                                      "claim": w.claim(), "stance": stance})  # fmt: skip
    return saved


def web_new_claim(w: World) -> bool:
    exact, start = w.passage()
    saved, location = w.post(f"/sources/{SOURCE}/annotate", {"action": "claim", "exact": exact, "start": start,
                                                             "stance": w.rng.choice(STANCES)})  # fmt: skip
    if saved:
        key = _annotated(location, "claim")
        w.added.append(key)
        w.claims.append(key)
    return saved


# -- the record forms (refdb.web.forms): each reads the form as a browser would, changes it, posts it


def _form(w: World, path: str) -> dict[str, str]:
    from tests.web.test_web_forms import form_of

    page = w.web.get(path)
    assert page.status_code == 200, (path, page.text[:500])
    form = form_of(page.text, path)
    form.pop("csrf")
    return form


def _rows(form: dict[str, str], group: str, filled: str) -> tuple[list[int], list[int]]:
    """A list group's rows that hold a record (by the field ``filled``), and the empty ones."""
    rows = sorted({int(k.split(".")[1]) for k in form if k.startswith(group + ".") and k.split(".")[1].isdigit()})
    full = [i for i in rows if form.get(f"{group}.{i}.{filled}")]
    return full, [i for i in rows if i not in full]


def web_citations(w: World) -> bool:
    """A claim's citations: a stance or locator changed in place, a row removed, or one added."""
    key = w.claim()
    path = f"/claims/{key}/edit"
    form = _form(w, path)
    full, empty = _rows(form, "citations", "source")
    what = w.rng.choice(["stance", "locator", "remove", "add"]) if full else "add"
    if what == "add":
        row = empty[0]
        form.update({f"citations.{row}.source": w.rng.choice(w.sources), f"citations.{row}.stance": w.rng.choice(STANCES),
                     f"citations.{row}.locator": str(w.rng.randint(1, 400))})  # fmt: skip
    else:
        row = w.rng.choice(full)
        if what == "stance":
            form[f"citations.{row}.stance"] = w.rng.choice(STANCES)
        elif what == "locator":
            form[f"citations.{row}.locator"] = w.rng.choice(["", f"{w.rng.randint(1, 99)}–{w.rng.randint(100, 199)}"])
        else:
            form[f"citations.{row}.remove"] = "1"
    return w.post(path, form)[0]


def web_relations_and_tags(w: World) -> bool:
    key = w.claim()
    path = f"/claims/{key}/edit"
    form = _form(w, path)
    full, empty = _rows(form, "relations", "claim")
    what = w.rng.choice(["relate", "unrelate", "tag", "untag"])
    if what == "relate":
        form[f"relations.{empty[0]}.relation"] = w.rng.choice(RELATIONS)
        form[f"relations.{empty[0]}.claim"] = w.claim()
    elif what == "unrelate" and full:
        form[f"relations.{w.rng.choice(full)}.remove"] = "1"
    elif what == "tag":
        form["tags"] = ", ".join(filter(None, [form.get("tags", ""), w.rng.choice(["purges", "browser-made", "loyalty"])]))
    else:
        tags = [t.strip() for t in form.get("tags", "").split(",") if t.strip()]
        form["tags"] = ", ".join(t for t in tags if t != w.rng.choice(tags or [""]))
    return w.post(path, form)[0]


def web_person(w: World) -> bool:
    """A person's variants (a Cyrillic spelling added, one removed) or note."""
    key = w.rng.choice(w.people)
    path = f"/people/{key}/edit"
    form = _form(w, path)
    full, empty = _rows(form, "variants", "name")
    what = w.rng.choice(["add", "remove", "note"])
    if what == "add":
        form[f"variants.{empty[0]}.name"] = w.rng.choice(["Жуков Г. К.", "Zhoukov", "Василевский", f"Variant {w.rng.randint(0, 99)}"])
        form[f"variants.{empty[0]}.kind"] = w.rng.choice(["variant", "transliteration", "misspelling"])
    elif what == "remove" and full:
        form[f"variants.{w.rng.choice(full)}.remove"] = "1"
    else:
        form["note"] = w.rng.choice(["", f"Browser note {w.rng.randint(0, 999)}"])
    return w.post(path, form)[0]


def web_source(w: World) -> bool:
    key = w.rng.choice(w.sources)
    path = f"/sources/{key}/edit"
    form = _form(w, path)
    form[w.rng.choice(["note", "publisher", "place"])] = w.rng.choice(["", f"Edited {w.rng.randint(0, 999)}"])
    return w.post(path, form)[0]


def web_quote_or_comment(w: World) -> bool:
    if w.rng.random() < 0.5 and w.quotes:
        key = w.rng.choice(w.quotes)
        path = f"/quotes/{key}/edit"
        form = _form(w, path)
        form["claims"] = ", ".join(w.rng.sample(w.claims, w.rng.randint(0, 2)))
        form["note"] = w.rng.choice(["", "A note from the quote's form"])
        return w.post(path, form)[0]
    path = "/comments/charmer-wiped-out/edit"
    form = _form(w, path)
    full, empty = _rows(form, "disputes", "claim")
    if full and w.rng.random() < 0.5:
        form[f"disputes.{w.rng.choice(full)}.remove"] = "1"
    else:
        form[f"disputes.{empty[0]}.claim"] = w.claim()
        form[f"disputes.{empty[0]}.stance"] = w.rng.choice(["disputes", "qualifies", "supports"])
    return w.post(path, form)[0]


def web_new_or_remove(w: World) -> bool:
    """A new tag or claim from its form, or a claim this run added removed (with what links to it)."""
    if w.added and w.rng.random() < 0.3:
        key = w.rng.choice(w.added)
        path = f"/claims/{key}/delete"
        form = _form(w, path)
        saved = w.post(path, {**form, "cascade": "1"})[0]
        if saved:
            w.added.remove(key)
            w.claims.remove(key)
        return saved
    if w.rng.random() < 0.5:
        form = _form(w, "/new/tag")
        form.update({"key": f"browser-tag-{w.rng.randint(0, 40)}", "label": "A tag made in the browser"})
        return w.post("/new/tag", form)[0]
    form = _form(w, "/new/claim")
    form.update({"kind": w.rng.choice(CLAIM_KINDS), "text": f"A claim from the new-claim form {w.rng.randint(0, 999)}.",
                 "citations.0.source": w.rng.choice(w.sources), "citations.0.stance": w.rng.choice(STANCES)})  # fmt: skip
    saved, location = w.post("/new/claim", form)
    if saved:
        key = unquote(location.rsplit("/", 1)[1])
        w.added.append(key)
        w.claims.append(key)
    return saved


BROWSER_OPS: list[Op] = [web_claim_edit, web_quote, web_anchor, web_new_claim, web_citations, web_relations_and_tags,
                         web_person, web_source, web_quote_or_comment, web_new_or_remove]  # fmt: skip


# -- the property --------------------------------------------------------------------------------


def _ok(url: str, *args: str) -> str:
    result = invoke(url, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def seeded(backend: Backend, seeded_template: str) -> Iterator[str]:
    url = backend.copy(seeded_template)
    result = invoke(url, "user", "add", "ed", "--role", "editor", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    yield url
    refdb_db.dispose_all()


def _world(url: str, web: TestClient, seed: int) -> World:
    response = web.post("/login", data={"name": "ed", "password": PASSWORD, "next": "/"}, follow_redirects=False)
    assert response.status_code == 303
    page = web.get(f"/sources/{SOURCE}/text").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf, "no annotate form for a signed-in editor"
    claims = [c["key"] for c in json.loads(_ok(url, "claims", "--format", "json"))]
    quotes = [q["key"] for q in json.loads(_ok(url, "quotes", "--format", "json"))]
    with refdb_db.session_scope(url) as session:
        text, _ = source_text(session, SOURCE)
    assert text is not None
    sources = [r["key"] for r in json.loads(_ok(url, "sources", "--format", "json"))]
    people = [r["key"] for r in json.loads(_ok(url, "people", "--format", "json"))]
    return World(url, web, csrf.group(1), random.Random(seed), text, claims, sources=sources, people=people,
                 quotes=quotes)  # fmt: skip


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed{s}") for s in range(SEEDS)])
def test_random_cli_and_browser_edits_then_undo_in_reverse_give_the_first_dump(seeded: str, seed: int) -> None:
    first = _ok(seeded, "dump", "--no-history")
    with TestClient(create_app(seeded, token=None, write=True)) as web:
        world = _world(seeded, web, seed)
        done = {"cli": 0, "browser": 0}
        for _ in range(EDITS):
            way = world.rng.choice(["cli", "browser"])
            op = world.rng.choice(CLI_OPS if way == "cli" else BROWSER_OPS)
            done[way] += op(world)
    assert done["cli"] and done["browser"], (done, world.log)
    history = json.loads(_ok(seeded, "history", "--limit", "100000", "--format", "json"))
    changes = sorted({e["change"] for e in history}, reverse=True)
    assert EDITS // 2 <= len(changes) <= done["cli"] + done["browser"]  # most edits changed something
    assert {e["actor"] for e in history if e["action"].startswith("browser:")} <= {"ed"}
    with TestClient(create_app(seeded, token=None, write=True)) as web:
        world = _world(seeded, web, seed)
        ways = {"cli": 0, "browser": 0}
        for change in changes:  # newest first, each through the CLI or the history page's button
            if world.rng.random() < 0.5:
                result = invoke(seeded, "undo", str(change))
                assert result.exit_code == 0, (change, result.output, world.log[-20:])
                ways["cli"] += 1
            else:
                response = web.post(f"/history/undo/{change}", data={"csrf": world.csrf}, follow_redirects=False)
                assert response.status_code == 303, (change, _error(response.text), world.log[-20:])
                ways["browser"] += 1
    assert ways["cli"] and ways["browser"], ways
    assert _ok(seeded, "dump", "--no-history") == first
