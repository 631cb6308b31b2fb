"""Authoring through the CLI, read back through the query commands; every refusal changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli

Dump = Callable[[str], str]


def _ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _json(cli: Cli, *args: str) -> object:
    return json.loads(_ok(cli, *args, "--format", "json"))


def test_a_second_book_from_the_cli_alone(cli: Cli) -> None:
    """The README's worked example: Beevor's Stalingrad, a claim, a quote with its page, a rebuttal."""
    key = _ok(cli, "add", "source", "Stalingrad", "--type", "book", "--author", "Beevor, Antony",
              "--publisher", "Viking", "--place", "London", "--issued", "1998", "--class", "secondary",
              "--genre", "scholarship").strip()  # fmt: skip
    assert key == "beevor-stalingrad"
    claim = _ok(cli, "add", "claim", "Order No. 227 forbade any retreat without orders.", "--kind", "factual",
                "--about", "Stalin", "--key", "order-227").strip()  # fmt: skip
    _ok(cli, "link", "cite", claim, key, "--locator", "84–85", "--stance", "asserts")
    _ok(cli, "link", "tag", claim, "discipline", "purges")
    quote = _ok(cli, "add", "quote", "Not a step back!", "--speaker", "Stalin", "--origin", key,
                "--origin-locator", "85", "--claim", claim).strip()  # fmt: skip
    _ok(cli, "add", "comment", "Order 227 shows fear, not charm.", "--answers", "stalin-and-his-generals",
        "--author-label", "a second reader", "--disputes", "factor-charm", "--key", "fear-not-charm")  # fmt: skip
    _ok(cli, "link", "relation", claim, "contradicts", "factor-charm")

    claims = _json(cli, "claims", "--source", "beevor")
    assert claims == [{
        "key": "order-227", "kind": "factual", "text": "Order No. 227 forbade any retreat without orders.",
        "tags": ["discipline", "purges"], "about": ["Joseph Stalin"],
        "citations": [{"source": "beevor-stalingrad", "title": "Stalingrad", "stance": "asserts", "locator": "84–85",
                       "label": "page"}],
    }]  # fmt: skip
    quotes = _json(cli, "quotes", "--claim", "order-227")
    assert [(q["key"], q["speaker"], q["origin"]["locator"]) for q in quotes] == [
        (quote, "Joseph Stalin", "85")
    ]  # type: ignore[index]
    detail = _json(cli, "claim", "factor-charm")
    assert "fear-not-charm" in [c["key"] for c in detail["comments"]]  # type: ignore[index]
    assert "order-227" in [r["claim"] for r in detail["related_from"]]  # type: ignore[index]
    assert [h["key"] for h in _json(cli, "search", "retreat")] == ["order-227"]  # type: ignore[index]
    people = _json(cli, "people", "Beevor")
    assert people[0]["key"] == "beevor-antony" and people[0]["name"] == "Antony Beevor"  # type: ignore[index]
    check = cli("check")
    assert check.exit_code == 0, check.output


def test_generated_keys_are_stable_and_unique(cli: Cli) -> None:
    first = _ok(cli, "add", "claim", "Stalin trusted Zhukov above all.").strip()
    second = _ok(cli, "add", "claim", "Stalin trusted Zhukov above all.").strip()
    assert first == "stalin-trusted-zhukov-above-all"
    assert second == "stalin-trusted-zhukov-above-all-2"


def test_edit_sets_unsets_renames_and_is_checked(cli: Cli) -> None:
    _ok(cli, "edit", "source", "roberts-stalins-wars", "--set", "isbn=978-0-300-11204-7",
        "--set", "curated.isbn=From the copyright page.")  # fmt: skip
    _ok(
        cli,
        "edit",
        "claim",
        "german-casualties-1942",
        "--set",
        "key=german-losses-1942",
        "--set",
        "tags=learning",
    )
    assert "german-losses-1942" in [r["key"] for r in _json(cli, "claims", "--tag", "learning")]  # type: ignore[union-attr]
    _ok(cli, "edit", "claim", "german-losses-1942", "--unset", "tags")
    dumped = _ok(cli, "dump")
    assert "isbn: 978-0-300-11204-7" in dumped and "isbn: From the copyright page." in dumped


def test_merge_moves_every_link_and_keeps_the_name(cli: Cli) -> None:
    _ok(cli, "add", "person", "K. Rokossovsky", "--key", "rokossovsky-dup")
    _ok(cli, "add", "quote", "Another line.", "--speaker", "rokossovsky-dup", "--key", "dup-quote")
    assert "rokossovsky-dup" in cli("check").stdout  # looks like a duplicate
    _ok(cli, "merge", "person", "rokossovsky-dup", "rokossovskii")
    assert [q["key"] for q in _json(cli, "quotes", "--speaker", "K. Rokossovsky")] == [  # type: ignore[index]
        "dup-quote",
        "rokossovskii-concern",
    ]
    assert [p["key"] for p in _json(cli, "people", "Rokossovsky")] == ["rokossovskii"]  # type: ignore[index]


def test_add_variant_makes_lookups_accept_it(cli: Cli) -> None:
    assert _json(cli, "quotes", "--speaker", "Rokossowskij") == []
    _ok(
        cli,
        "add",
        "variant",
        "rokossovskii",
        "Rokossowskij",
        "--kind",
        "transliteration",
        "--scheme",
        "German",
    )
    assert len(_json(cli, "quotes", "--speaker", "Rokossowskij")) == 1  # type: ignore[arg-type]


def test_rm_with_cascade_says_what_went(cli: Cli) -> None:
    result = cli("rm", "source", "glantz-colossus-reborn", "--cascade")
    assert result.exit_code == 0, result.output
    assert "citations by claims: 1 (factor-continuity)" in result.stderr
    assert _json(cli, "claims", "--source", "glantz") == []
    assert _json(cli, "quotes", "--speaker", "glantz") == []
    _ok(cli, "rm", "quote", "vasilevskii-attention")
    _ok(cli, "unlink", "tag", "factor-charm", "charm")
    _ok(cli, "unlink", "cite", "stalin-always-listened", "roberts-stalins-wars")
    _ok(cli, "unlink", "comment", "charmer-wiped-out", "factor-charm")
    _ok(cli, "unlink", "relation", "factor-charm", "contradicts", "fear-and-terror-picture")
    assert _json(cli, "claims", "--source", "roberts") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "claim", "Dup.", "--key", "factor-charm"),
         "a claim with key 'factor-charm' exists; change it with 'refdb edit claim factor-charm'"),
        (("add", "claim", "X.", "--kind", "opinion"), "add claim: claim x: field 'kind': 'opinion' is not one of: "
         "counter, factor, factual, interpretation, myth, thesis"),
        (("add", "quote", "Words.", "--found-in", "no-such-source"), "unknown source 'no-such-source'"),
        (("add", "quote", "Words never said.", "--found-in", "stalin-and-his-generals"),
         "anchor 'Words never said.' does not match the text of 'stalin-and-his-generals'"),
        (("add", "source", "T", "--issued", "2006-13"), "add source: source t: field 'issued': '2006-13' is not a real date"),
        (("link", "cite", "factor-charm", "no-such-source"), "unknown source 'no-such-source'"),
        (("link", "cite", "no-such-claim", "roberts-stalins-wars"), "no claim with key 'no-such-claim'"),
        (("link", "cite", "factor-charm", "stalin-and-his-generals", "--exact", "not in the essay"),
         "does not match the text of 'stalin-and-his-generals'"),
        (("link", "quote", "vasilevskii-attention", "factor-charm"),
         "quote 'vasilevskii-attention' already has claim 'factor-charm'"),
        (("link", "relation", "factor-charm", "supports", "factor-charm"), "a claim cannot be related to itself (supports)"),
        (("rm", "source", "roberts-stalins-wars"), "source 'roberts-stalins-wars' is referred to by citations by "
         "claims: 1 (stalin-always-listened); nothing was removed (pass --cascade to remove or unlink them too)"),
        (("rm", "person", "stalin"), "person 'stalin' is referred to by"),
        (("rm", "claim", "no-such"), "no claim with key 'no-such'"),
        (("edit", "claim", "factor-charm", "--set", "colour=red"), "a claim has no field 'colour'"),
        (("edit", "claim", "factor-charm", "--set", "key=factor-loyalty"), "a claim with key 'factor-loyalty' exists"),
        (("edit", "claim", "factor-charm", "--unset", "text"), "'text' is required for a claim and cannot be unset"),
        (("merge", "person", "stalin", "stalin"), "cannot merge a person into itself"),
        (("add", "variant", "nobody-at-all", "X"), "no person matches 'nobody-at-all'"),
    ],
)  # fmt: skip
def test_refusals_give_one_message_and_change_nothing(cli: Cli, db_url: str, dump_of: Dump,
                                                      args: tuple[str, ...], message: str) -> None:  # fmt: skip
    before = dump_of(db_url)
    result = cli(*args)
    assert result.exit_code != 0
    assert result.exception is None
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    if "?" not in message:
        assert message in result.stderr
    assert dump_of(db_url) == before


def test_dump_load_round_trip_after_authoring(
    cli: Cli, empty_url: str, tmp_path: Path, dump_of: Dump
) -> None:
    from tests.conftest import invoke

    _ok(
        cli,
        "add",
        "person",
        "Игорь Петров",
        "--family",
        "Петров",
        "--given",
        "Игорь",
        "--variant",
        "Igor Petrov",
    )
    _ok(cli, "add", "source", 'Война: {}&%$#_ "quoted"', "--author", "Igor Petrov", "--issued", "1941-06-22")
    text = _ok(cli, "dump")
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    assert invoke(empty_url, "load", str(path)).exit_code == 0
    assert dump_of(empty_url) == text
