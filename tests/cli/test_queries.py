"""The query commands, every filter, through the real CLI on the seeded database."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import Cli


def _json(cli: Cli, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_claims_by_source_glantz_gives_the_continuity_claim_with_its_locator(cli: Cli) -> None:
    records = _json(cli, "claims", "--source", "glantz")
    assert [r["key"] for r in records] == ["factor-continuity"]
    assert records[0]["citations"] == [
        {
            "source": "glantz-colossus-reborn",
            "title": "Colossus Reborn: The Red Army at War, 1941–1943",
            "stance": "supports",
            "locator": "534–5",
            "label": "page",
        }
    ]


def test_claims_by_source_roberts_gives_the_main_thesis(cli: Cli) -> None:
    records = _json(cli, "claims", "--source", "roberts")
    assert [r["key"] for r in records] == ["stalin-always-listened"]
    assert records[0]["text"] == "Stalin always listened to and took the advice of his high command."
    assert records[0]["citations"][0]["locator"] == "159–62"


@pytest.mark.parametrize(
    "query",
    [
        "glantz-colossus-reborn",
        "Glantz",
        "GLANTZ",
        "David Glantz",
        "David M. Glantz",
        "colossus",
        "Colossus Reborn",
        "red army colossus",
    ],
)
def test_source_matches_key_author_variant_or_title_words(cli: Cli, query: str) -> None:
    assert [r["key"] for r in _json(cli, "claims", "--source", query)] == ["factor-continuity"]


def test_source_matching_is_whole_word_and_diacritics_insensitive(cli: Cli) -> None:
    assert _json(cli, "claims", "--source", "Róbërts") == _json(cli, "claims", "--source", "roberts")
    assert _json(cli, "claims", "--source", "robert") == []  # whole words, not prefixes of names


def test_claims_of_the_essay_carry_paragraph_locators(cli: Cli) -> None:
    records = _json(cli, "claims", "--source", "stalin-and-his-generals")
    assert len(records) == 23  # the two counter-claims are the comment's, not the essay's
    loyalty = next(r for r in records if r["key"] == "factor-loyalty")
    assert loyalty["citations"] == [
        {
            "source": "stalin-and-his-generals",
            "title": "Stalin and his generals",
            "stance": "asserts",
            "locator": "3",
            "label": "paragraph",
        }
    ]


@pytest.mark.parametrize("name", ["Krushchev", "khrushchev", "Хрущёв", "Хрущев", "nikita khrushchev"])
def test_claims_by_person_accept_any_variant(cli: Cli, name: str) -> None:
    assert [r["key"] for r in _json(cli, "claims", "--person", name)] == ["stable-inner-circle"]


def test_claims_by_tag(cli: Cli) -> None:
    keys = [r["key"] for r in _json(cli, "claims", "--tag", "charm")]
    assert keys == ["factor-charm", "stalin-charmed-allied-leaders", "vasilevskii-promotions"]


def test_claims_disputed_lists_what_disputes_them(cli: Cli) -> None:
    records = {r["key"]: r for r in _json(cli, "claims", "--disputed")}
    assert records["factor-charm"]["disputed_by"] == [
        {"kind": "comment", "key": "charmer-wiped-out", "stance": "disputes"},
        {"kind": "claim", "key": "stalin-wiped-out-military-leaders", "stance": "contradicts"},
    ]
    assert "dacha-funk-story" in records  # the essay rejects it
    assert "stalin-always-listened" not in records


def test_claim_shows_assertion_sources_quotes_and_counter_comments(cli: Cli) -> None:
    result = cli("claim", "factor-charm", "--format", "json")
    detail = json.loads(result.stdout)
    assert detail["asserted_by"] == ["stalin-and-his-generals"]
    assert [q["key"] for q in detail["quotes"]] == ["rokossovskii-concern", "vasilevskii-attention"]
    assert [c["key"] for c in detail["comments"]] == ["charmer-wiped-out"]
    assert detail["related_from"][0]["claim"] == "stalin-wiped-out-military-leaders"
    text = cli("claim", "factor-charm").stdout
    assert "Counter-comments:" in text and "charmer-wiped-out (disputes, anonymous reader)" in text
    assert "‘This attention to us touched us deeply’ — Aleksandr Vasilevskii" in text


def test_claim_marks_what_the_curator_added(cli: Cli) -> None:
    detail = json.loads(cli("claim", "stalingrad-victory-1942", "--format", "json").stdout)
    assert "note" in detail["curated"]
    assert "1943" in detail["note"]


@pytest.mark.parametrize(
    "speaker", ["Rokossovskii", "Rokossovsky", "Rokossovkii", "Рокоссовский", "rokossowski"]
)
def test_quotes_by_speaker_any_variant(cli: Cli, speaker: str) -> None:
    records = _json(cli, "quotes", "--speaker", speaker)
    assert [r["key"] for r in records] == ["rokossovskii-concern"]
    assert records[0]["speaker"] == "Konstantin Rokossovskii"
    assert records[0]["text"].endswith("raised one’s self-confidence")


def test_quotes_by_source_and_claim(cli: Cli) -> None:
    assert [r["key"] for r in _json(cli, "quotes", "--source", "glantz")] == [
        "glantz-commanders-already-serving"
    ]
    assert len(_json(cli, "quotes", "--source", "stalin-and-his-generals")) == 3
    assert [r["key"] for r in _json(cli, "quotes", "--claim", "vasilevskii-promotions")] == [
        "vasilevskii-attention"
    ]
    record = _json(cli, "quotes", "--claim", "factor-continuity")[0]
    assert record["origin"] == {
        "source": "glantz-colossus-reborn",
        "title": record["origin"]["title"],
        "locator": "534–5",
        "label": "page",
    }


def test_comments(cli: Cli) -> None:
    records = _json(cli, "comments")
    assert [r["key"] for r in records] == ["charmer-wiped-out"]
    assert records[0]["text"].startswith("Charmer? guess that is why")
    assert records[0]["author"] == "anonymous reader"
    assert _json(cli, "comments", "--claim", "factor-continuity")[0]["key"] == "charmer-wiped-out"
    assert _json(cli, "comments", "--claim", "factor-talent") == []


def test_sources_and_people(cli: Cli) -> None:
    sources = {r["key"]: r for r in _json(cli, "sources")}
    assert sources["roberts-stalins-wars"]["title"] == "Stalin's Wars: From World War to Cold War, 1939–1953"
    assert sources["roberts-stalins-wars"]["issued"] == "2006"
    people = {r["key"]: r for r in _json(cli, "people")}
    assert {"name": "Rokossovkii", "kind": "misspelling", "scheme": None} in people["rokossovskii"][
        "variants"
    ]
    assert people["rokossovskii"]["native"] == "Константин Константинович Рокоссовский"
    assert [r["key"] for r in _json(cli, "people", "Rokossovsky")] == ["rokossovskii"]


def test_empty_result_is_an_empty_json_list_and_a_note_in_a_table(cli: Cli) -> None:
    result = cli("claims", "--source", "nonexistent-work", "--format", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    result = cli("claims", "--source", "nonexistent-work")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no claims match\n")


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_every_listing_renders_in_every_format(cli: Cli, fmt: str) -> None:
    for command in ("claims", "quotes", "comments", "sources", "people"):
        result = cli(command, "--format", fmt)
        assert result.exit_code == 0, (command, result.output)
        assert result.stdout.strip()


def test_csv_output_is_parseable(cli: Cli) -> None:
    rows = list(csv.reader(io.StringIO(cli("claims", "--source", "roberts", "--format", "csv").stdout)))
    assert rows[0] == ["KEY", "KIND", "CLAIM", "CITED TO"]
    assert rows[1][0] == "stalin-always-listened"


def test_markdown_escapes_what_it_prints(cli: Cli) -> None:
    out = cli("claims", "--source", "roberts", "--format", "markdown").stdout
    assert out.splitlines()[0] == "| KEY | KIND | CLAIM | CITED TO |"


def test_unknown_keys_and_options_get_one_line_and_non_zero_exit(cli: Cli) -> None:
    for args, message in [
        (("claim", "no-such-claim"), "Error: no claim with key 'no-such-claim'\n"),
        (("quotes", "--claim", "nope"), "Error: no claim with key 'nope'\n"),
        (("claims", "--bogus"), "Error: No such option: --bogus (see 'refdb claims --help')\n"),
    ]:
        result = cli(*args)
        assert result.exit_code != 0, args
        assert result.stderr == message
        assert result.stdout == ""
    result = cli("claims", "--format", "yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for '--format' / '-f':")
    assert "'yaml' is not one of 'table', 'json', 'csv', 'markdown'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_injection_shaped_filters_match_literally(cli: Cli) -> None:
    for text in ("' OR 1=1 --", "%", "_", "\\", "gl_ntz", "glantz_", "NEAR(", '"unterminated'):
        result = cli("claims", "--source", text, "--format", "json")
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 0:
            assert json.loads(result.stdout) == []
