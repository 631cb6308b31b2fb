"""History, undo and record versions (issue 16): every authoring change is recorded with who, when
and each record before and after; ``refdb undo`` puts one back; an edit based on an old version is
refused; concurrent editors lose nothing."""

from __future__ import annotations

import json
import random
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refdb import db as refdb_db
from refdb.db import session_scope
from refdb.errors import ConflictError
from refdb.services import authoring, store
from tests.conftest import Backend, invoke

CLAIM = "commanders-shot-after-finland"


def _ok(url: str, *args: str, env: dict[str, str] | None = None) -> str:
    result = invoke(url, *args, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def _history(url: str, *args: str) -> list[dict[str, Any]]:
    return json.loads(_ok(url, "history", *args, "--format", "json"))  # type: ignore[no-any-return]


def test_an_edit_is_recorded_with_who_when_before_and_after(db_url: str) -> None:
    _ok(
        db_url, "edit", "claim", CLAIM, "--set", "note=Checked against the essay", env={"REFDB_USER": "alice"}
    )
    (entry,) = _history(db_url)
    assert entry["change"] == 1 and entry["actor"] == "alice" and entry["action"] == f"edit claim {CLAIM}"
    assert entry["kind"] == "claim" and entry["key"] == CLAIM and entry["what"] == "changed"
    assert entry["fields"] == ["note"]
    assert entry["before"]["note"] == "The comment puts it as a rhetorical question."
    assert entry["after"]["note"] == "Checked against the essay"
    assert entry["at"].endswith("Z") and len(entry["at"]) == 20
    table = _ok(db_url, "history", "claim", CLAIM)
    assert "alice" in table and "changed" in table
    assert _history(db_url, "claim", "no-such-claim") == []


def test_one_command_is_one_change_however_many_records(db_url: str) -> None:
    _ok(db_url, "link", "tag", CLAIM, "brand-new-tag")
    entries = _history(db_url)
    assert {(e["change"], e["kind"], e["key"], e["what"]) for e in entries} == {
        (1, "claim", CLAIM, "changed"), (1, "tag", "brand-new-tag", "added")}  # fmt: skip


def test_a_refused_command_leaves_no_history(db_url: str, dump_of: Any) -> None:
    before = dump_of(db_url)
    result = invoke(db_url, "rm", "source", "stalin-and-his-generals")  # referred to: refused
    assert result.exit_code == 4
    assert _history(db_url) == [] and dump_of(db_url) == before


def test_undo_puts_back_and_refuses_while_a_later_change_stands(db_url: str, dump_of: Any) -> None:
    first = dump_of(db_url)
    _ok(db_url, "edit", "claim", CLAIM, "--set", "note=one")
    _ok(db_url, "edit", "claim", CLAIM, "--set", "note=two")
    result = invoke(db_url, "undo", "1")
    assert result.exit_code == 4
    assert result.stderr.startswith(
        "Error: change 1 cannot be undone: change 2 (edit claim commanders-shot-after-finland, by "
    )
    assert "undo that change first" in result.stderr
    _ok(db_url, "undo", "2")
    _ok(db_url, "undo", "1")  # change 2 is undone, so change 1 may be
    assert _ok(db_url, "dump", "--no-history") == first
    assert invoke(db_url, "undo", "99").stderr == "Error: no change 99 in the history (see 'refdb history')\n"


def test_undo_of_a_cascading_removal_brings_everything_back(db_url: str, dump_of: Any) -> None:
    first = _ok(db_url, "dump", "--no-history")
    _ok(db_url, "rm", "source", "stalin-and-his-generals", "--cascade")
    assert _ok(db_url, "dump", "--no-history") != first
    (change,) = {e["change"] for e in _history(db_url)}
    _ok(db_url, "undo", str(change))
    assert _ok(db_url, "dump", "--no-history") == first


def test_undo_is_refused_when_a_load_changed_the_record(db_url: str, tmp_path: Any) -> None:
    _ok(db_url, "edit", "claim", CLAIM, "--set", "note=mine")
    changed = tmp_path / "changed.yaml"
    text = _ok(db_url, "dump", "--no-history").replace("note: mine", "note: theirs")
    changed.write_text(text, encoding="utf-8")
    _ok(db_url, "load", str(changed))
    result = invoke(db_url, "undo", "1")
    assert result.exit_code == 4 and "changed outside the history" in result.stderr


def test_history_survives_dump_and_load(db_url: str, empty_url: str, tmp_path: Any) -> None:
    _ok(db_url, "edit", "claim", CLAIM, "--set", "note=kept", env={"REFDB_USER": "bob"})
    _ok(db_url, "link", "tag", CLAIM, "kept-tag")
    dump = _ok(db_url, "dump")
    assert "\nhistory:\n" in dump and "actor: bob" in dump
    path = tmp_path / "with-history.yaml"
    path.write_text(dump, encoding="utf-8")
    _ok(empty_url, "load", str(path))
    assert _ok(empty_url, "dump") == dump
    assert _history(empty_url) == _history(db_url)
    _ok(empty_url, "load", str(path))  # the same history again: nothing new
    assert _ok(empty_url, "dump") == dump
    _ok(empty_url, "undo", "2")  # the loaded history can be undone from
    _ok(empty_url, "edit", "claim", CLAIM, "--set", "note=after load")  # new changes number on
    assert _history(empty_url)[0]["change"] == 4


def test_a_load_refuses_a_history_that_contradicts_the_databases(db_url: str, tmp_path: Any) -> None:
    _ok(db_url, "edit", "claim", CLAIM, "--set", "note=kept")
    dump = _ok(db_url, "dump")
    path = tmp_path / "other.yaml"
    path.write_text(dump.replace(f"action: edit claim {CLAIM}", "action: something else"), encoding="utf-8")
    result = invoke(db_url, "load", str(path))
    assert result.exit_code == 5 and "history change 1 differs from the database's change 1" in result.stderr


# -- property: random edits, then undo in reverse order, give back the first dump byte for byte ----

OPS = (
    "note",
    "unset-note",
    "tag",
    "untag",
    "add-claim",
    "rename",
    "rm-added",
    "link-quote",
    "cite",
    "variant",
)


def _random_edit(url: str, rng: random.Random, added: list[str]) -> bool:
    """One random authoring command; False when it was (rightly) refused."""
    claims = [c["key"] for c in json.loads(_ok(url, "claims", "--format", "json"))]
    claim = rng.choice(claims)
    op = rng.choice(OPS)
    args: list[str]
    if op == "note":
        args = ["edit", "claim", claim, "--set", f"note=Note {rng.randint(0, 10**6)} «ü»"]
    elif op == "unset-note":
        args = ["edit", "claim", claim, "--unset", "note"]
    elif op == "tag":
        args = ["link", "tag", claim, rng.choice(["purges", "memoirs", f"t-{rng.randint(0, 99)}"])]
    elif op == "untag":
        args = ["unlink", "tag", claim, "purges"]
    elif op == "add-claim":
        key = f"random-{rng.randint(0, 10**6)}"
        args = ["add", "claim", f"A claim {key}.", "--key", key, "--kind", "factual"]
        added.append(key)
    elif op == "rename" and added:
        old = added.pop()
        key = f"{old}-renamed"
        args = ["edit", "claim", old, "--set", f"key={key}"]
        added.append(key)
    elif op == "rm-added" and added:
        args = ["rm", "claim", added.pop(), "--cascade"]
    elif op == "link-quote":
        quote = json.loads(_ok(url, "quotes", "--format", "json"))[0]["key"]
        args = ["link", "quote", quote, claim]
    elif op == "cite":
        args = [
            "link",
            "cite",
            claim,
            "glantz-stalins-generals",
            "--stance",
            "asserts",
            "--locator",
            str(rng.randint(1, 400)),
        ]
    else:
        args = ["add", "variant", "zhukov", f"Zhukov {rng.randint(0, 999)}"]
    result = invoke(url, *args)
    assert result.exit_code != 2, (args, result.output)  # a usage error is the test's own mistake
    return result.exit_code == 0


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32))
def test_random_edits_then_undo_in_reverse_give_the_first_dump(backend: Backend, seeded_template: str,
                                                               seed: int) -> None:  # fmt: skip
    url = backend.copy(seeded_template)
    try:
        first = _ok(url, "dump", "--no-history")
        rng = random.Random(seed)
        added: list[str] = []
        done = sum(_random_edit(url, rng, added) for _ in range(20))
        changes = sorted({e["change"] for e in _history(url, "--limit", "1000")}, reverse=True)
        assert len(changes) <= done
        for change in changes:
            _ok(url, "undo", str(change))
        assert _ok(url, "dump", "--no-history") == first
    finally:
        refdb_db.dispose_all()


# -- versions ------------------------------------------------------------------------------------


def test_every_change_raises_the_version_and_an_old_version_is_refused(db_url: str, dump_of: Any) -> None:
    with session_scope(db_url) as session:
        v1 = store.version_of(session, "claim", CLAIM)
    with session_scope(db_url, write=True) as session:
        authoring.edit(session, "claim", CLAIM, {"note": "first"}, [], version=v1)
    with session_scope(db_url) as session:
        v2 = store.version_of(session, "claim", CLAIM)
    assert v1 is not None and v2 == v1 + 1
    before = dump_of(db_url)
    stale = r"your edit was based on version 1, it is at version 2 now; nothing was saved"
    with pytest.raises(ConflictError, match=stale), session_scope(db_url, write=True) as session:
        authoring.edit(session, "claim", CLAIM, {"note": "stale"}, [], version=v1)
    assert dump_of(db_url) == before
    with session_scope(db_url, write=True) as session:  # a no-op write does not raise the version
        authoring.edit(session, "claim", CLAIM, {"note": "first"}, [], version=v2)
        assert store.version_of(session, "claim", CLAIM) == v2


def test_concurrent_editors_lose_nothing(db_url: str) -> None:
    """8 editors x 25 edits of the same claim (each adds its own tag): every edit is there."""
    errors: list[BaseException] = []
    retries = [0]

    def editor(n: int) -> None:
        try:
            for i in range(25):
                while True:
                    try:
                        with session_scope(db_url, write=True) as session:
                            session.info["actor"] = f"editor-{n}"
                            authoring.link_tags(session, CLAIM, [f"e{n}-{i}"])
                        break
                    except ConflictError:
                        retries[0] += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with session_scope(db_url) as session:
        tags = set(authoring.get(session, "claim", CLAIM).tags)
    assert {f"e{n}-{i}" for n in range(8) for i in range(25)} <= tags
    history = _history(db_url, "--limit", "2000")
    assert len({e["change"] for e in history}) == 200
    # each change is one editor's: the claim and the tag it added, by that editor
    by_actor: dict[str, set[int]] = {}
    for e in history:
        by_actor.setdefault(e["actor"], set()).add(e["change"])
        if e["kind"] == "tag":
            assert e["what"] == "added" and e["key"].startswith(f"e{e['actor'].removeprefix('editor-')}-")
    assert {actor: len(changes) for actor, changes in by_actor.items()} == {f"editor-{n}": 25 for n in range(8)}
