"""refdb search: ranked, highlighted, diacritics-insensitive, safe against any query text."""

from __future__ import annotations

import json

import pytest

from refdb.services.search.query import Term, parse, to_fts5, to_tsquery
from tests.conftest import Cli


def _search(cli: Cli, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = cli("search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_records_carry_kind_key_text_speaker_and_snippet(cli: Cli) -> None:
    hits = _search(cli, "fatherly", "--kind", "quote")
    assert hits == [
        {
            "kind": "quote",
            "key": "rokossovskii-concern",
            "text": hits[0]["text"],
            "speaker": "Konstantin Rokossovskii",
            "snippet": hits[0]["snippet"],
            "rank": 1,
        }
    ]
    assert "**fatherly**" in hits[0]["snippet"]
    assert hits[0]["text"].startswith("the concern displayed by the supreme commander")


def test_sources_carry_title(cli: Cli) -> None:
    hits = _search(cli, "colossus", "--kind", "source")
    assert [(h["kind"], h["key"], h["title"]) for h in hits] == [
        ("source", "glantz-colossus-reborn", "Colossus Reborn: The Red Army at War, 1941–1943")
    ]


def test_phrase_prefix_or_and_exclusion(cli: Cli) -> None:
    assert [(h["kind"], h["key"]) for h in _search(cli, '"open and creative"')] == [
        ("claim", "open-creative-relationship"),
        ("passage", "stalin-and-his-generals"),
    ]
    assert {h["key"] for h in _search(cli, "charm*", "--kind", "claim")} == {
        "factor-charm",
        "stalin-charmed-allied-leaders",
    }
    assert "charmer-wiped-out" in {h["key"] for h in _search(cli, "charm*")}
    either = {h["key"] for h in _search(cli, "dacha OR scapegoat") if h["kind"] != "passage"}
    assert either == {"dacha-funk-story", "no-scapegoating"}
    loyalty = {h["key"] for h in _search(cli, "loyalty", "--kind", "claim")}
    assert "fear-and-terror-picture" in loyalty
    assert "fear-and-terror-picture" not in {
        h["key"] for h in _search(cli, "loyalty -fear", "--kind", "claim")
    }


def test_matching_ignores_case_and_diacritics(cli: Cli) -> None:
    plain = _search(cli, "rokossovskii")
    assert plain and _search(cli, "ROKOSSÓVSKII") == plain


def test_ranking_puts_the_best_match_first(cli: Cli) -> None:
    hits = _search(cli, "charm")
    assert hits[0]["key"] == "factor-charm"
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))


@pytest.mark.parametrize("text", ["NEAR(", "' OR 1=1 --", "a:b", "(", "*", "AND", "NOT x", "^", "col:charm"])
def test_fts_syntax_in_user_text_is_never_an_engine_error(cli: Cli, text: str) -> None:
    result = cli("search", text, "--format", "json")
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: the search query") and result.stderr.count("\n") == 1


def test_unterminated_quote_gets_one_clear_message(cli: Cli) -> None:
    result = cli("search", '"open and')
    assert result.exit_code == 2
    assert (
        result.stderr
        == 'Error: the search query has an unterminated quote ("); close the phrase or remove the quote\n'
    )


def test_no_match_is_an_empty_list(cli: Cli) -> None:
    assert _search(cli, "zeppelin") == []


def test_query_compilation() -> None:
    query = parse('stalin "open and" charm* -fear OR')
    assert query.groups[0] == (Term(("stalin",)),)
    assert query.groups[1] == (Term(("open", "and")),)
    assert query.groups[2] == (Term(("charm",), prefix=True),)
    assert query.excluded == (Term(("fear",), negated=True),)
    assert to_fts5(query) == '(("stalin") AND ("open and") AND ("charm" *)) NOT ("fear")'
    assert to_tsquery(query) == "(('stalin')) & (('open' <-> 'and')) & (('charm':*)) & !('fear')"
