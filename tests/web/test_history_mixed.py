"""History property (issue 16): random edits through the command line *and* the browser, then ``refdb
undo`` of every change, newest first, gives back the first dump byte for byte.

Each run takes a fresh copy of the seed, signs an editor in to the app (Starlette's test client, the
form's CSRF token on every post) and makes EDITS random edits, each drawn from ``CLI_OPS`` or
``BROWSER_OPS``: ``refdb edit``, ``add``, ``link``, ``unlink`` and ``rm`` through the CLI; the claim
form and the reading view's annotations (a quote, a claim's anchor, a new claim) through HTTP.  An edit
may be refused (a tag the claim lacks, a passage quoted twice): refusals are one ``Error:`` line or
the form's 4xx page, never a crash, and record nothing.  Then every change in the history is undone,
newest first, each undo must succeed, and the dump without its history is the first one.

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


# The lead's forms (sources, quotes, comments, people with variants, citations, relations, tags) go here.
BROWSER_OPS: list[Op] = [web_claim_edit, web_quote, web_anchor, web_new_claim]


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
    return World(url, web, csrf.group(1), random.Random(seed), text, claims, quotes=quotes)


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
    for change in changes:
        result = invoke(seeded, "undo", str(change))
        assert result.exit_code == 0, (change, result.output, world.log[-20:])
    assert _ok(seeded, "dump", "--no-history") == first
