"""Filters and keys, consistently: a filter that matches nothing is an empty answer (exit 0, one note);
a key given as a key that names nothing is one clear error; unknown tags are created on use."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli

EMPTY = [
    (("claims", "--tag", "no-such-tag"), "no claims match"),
    (("claims", "--source", "no-such-source"), "no claims match"),
    (("claims", "--person", "No Such Person"), "no claims match"),
    (("quotes", "--speaker", "No Such Person"), "no quotes match"),
    (("quotes", "--source", "no-such-source"), "no quotes match"),
    (("sources", "no-such-source"), "no sources match"),
    (("bibliography", "--tag", "no-such-tag"), "no sources match"),
]
KEYS = [
    (("claim", "no-such-claim"), "Error: no claim with key 'no-such-claim'"),
    (("quotes", "--claim", "no-such-claim"), "Error: no claim with key 'no-such-claim'"),
    (("cite", "no-such-claim"), "Error: no claim with key 'no-such-claim'"),
]


@pytest.mark.parametrize(("args", "message"), EMPTY, ids=[" ".join(a) for a, _ in EMPTY])
def test_a_filter_that_matches_nothing_is_an_empty_answer(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", message + "\n")


@pytest.mark.parametrize(("args", "message"), KEYS, ids=[" ".join(a) for a, _ in KEYS])
def test_an_unknown_key_is_one_error(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 3 and result.stderr.strip() == message


def test_a_tag_filter_takes_the_label_too(cli: Cli) -> None:
    by_key = cli("claims", "--tag", "command-relationship", "--format", "json")
    by_label = cli("claims", "--tag", "Command relationship", "--format", "json")
    assert by_key.exit_code == 0 and json.loads(by_key.stdout)
    assert json.loads(by_label.stdout) == json.loads(by_key.stdout)


def test_unknown_tags_are_created_on_use_by_every_command(cli: Cli) -> None:
    added = cli("add", "claim", "A new claim.", "--key", "new-claim", "--tag", "brand-new")
    assert added.exit_code == 0, added.output
    assert "new tags: brand-new" in added.stderr
    linked = cli("link", "tag", "new-claim", "another-new")
    assert linked.exit_code == 0 and "(new: another-new)" in linked.stderr
    claim = json.loads(cli("claim", "new-claim", "--format", "json").stdout)
    assert claim["tags"] == ["another-new", "brand-new"]


def test_a_listing_shows_the_exact_key_first_then_title_matches(cli: Cli) -> None:
    assert cli("add", "source", "Colossus", "--key", "colossus").exit_code == 0
    keys = [s["key"] for s in json.loads(cli("sources", "colossus", "--format", "json").stdout)]
    assert keys == ["colossus", "glantz-colossus-reborn"]
