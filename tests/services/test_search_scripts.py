"""Search folds every script the same way on both engines: the index and the query go through one fold.

Russian й/ё, the hard and soft signs, Ukrainian і/ї/є, Serbian ђ/ћ, Greek with tonos and final
sigma, German ß, Polish ł: each word is found as written, in capitals and as a reader types it
without its marks.  People are found by every recorded name and variant, native and romanized;
the texts sources hold by paragraph.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from refdb import db
from refdb.models import Person, PersonName
from refdb.services.search.highlight import Text, paragraphs
from refdb.services.search.query import parse
from refdb.textnorm import search_fold
from tests.conftest import Cli

TEXTS = {
    "ru-yo": "Хрущёв и Красной армии.",
    "ru-signs": "Сталин объявил, что подъезд к Гоголю открыт; мать и дочь ждали.",
    "uk": "Київ, їжак і Європа: Україна є.",
    "sr": "Ђорђе Ћирић из Ниша.",
    "el": "Η Αθήνα και ο Σωκράτης στην Ακρόπολη.",
    "de": "Die Straße nach Köln.",
    "pl": "Łódź i Wrocław w Polsce.",
    "fr": "Une crème brûlée à Besançon.",
}
# (query, the claim it finds)
QUERIES = [
    ("Хрущёв", "ru-yo"), ("Хрущев", "ru-yo"), ("ХРУЩЁВ", "ru-yo"), ("хрущев", "ru-yo"),
    ("Красной", "ru-yo"), ("Краснои", "ru-yo"), ("армии", "ru-yo"), ("Красн*", "ru-yo"),
    ("объявил", "ru-signs"), ("ОБЪЯВИЛ", "ru-signs"), ("подъезд", "ru-signs"), ("Гоголю", "ru-signs"),
    ("мать", "ru-signs"), ("дочь", "ru-signs"), ('"мать и дочь"', "ru-signs"),
    ("Київ", "uk"), ("КИЇВ", "uk"), ("Киів", "uk"), ("їжак", "uk"), ("іжак", "uk"), ("Європа", "uk"),
    ("європа", "uk"), ("Україна", "uk"),
    ("Ђорђе", "sr"), ("ђорђе", "sr"), ("ЋИРИЋ", "sr"), ("Ниша", "sr"),
    ("Αθήνα", "el"), ("αθηνα", "el"), ("ΑΘΗΝΑ", "el"), ("Σωκράτης", "el"), ("σωκρατης", "el"),
    ("Ακρόπολη", "el"), ("ακροπολη", "el"),
    ("Straße", "de"), ("strasse", "de"), ("STRASSE", "de"), ("Köln", "de"), ("koln", "de"),
    ("Łódź", "pl"), ("lodz", "pl"), ("ŁÓDŹ", "pl"), ("wroclaw", "pl"),
    ("creme", "fr"), ("BRÛLÉE", "fr"), ("besancon", "fr"),
]  # fmt: skip
# different letters stay different words
MISSES = [("Хрушев", "ru-yo"), ("обявил", "ru-signs"), ("Кıев", "uk"), ("Ћорђе", "sr")]


def _search(cli: Cli, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = cli("search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def scripts(cli: Cli) -> Cli:
    for key, text in TEXTS.items():
        result = cli("add", "claim", text, "--key", key, "--kind", "factual")
        assert result.exit_code == 0, result.output
    return cli


def test_every_script_is_found_as_written_in_capitals_and_without_marks(scripts: Cli) -> None:
    missed = []
    for query, key in QUERIES:
        hits = _search(scripts, query, "--kind", "claim")
        if [h["key"] for h in hits] != [key]:
            missed.append((query, key, [h["key"] for h in hits]))
    assert missed == []


def test_different_letters_stay_different(scripts: Cli) -> None:
    for query, key in MISSES:
        assert key not in {h["key"] for h in _search(scripts, query, "--kind", "claim")}, query


def test_the_snippet_bolds_the_original_word(scripts: Cli) -> None:
    (hit,) = _search(scripts, "хрущев", "--kind", "claim")
    assert hit["snippet"] == "**Хрущёв** и Красной армии."
    (hit,) = _search(scripts, "strasse", "--kind", "claim")
    assert hit["snippet"] == "Die **Straße** nach Köln."


def test_markdown_keeps_the_bold(scripts: Cli) -> None:
    result = scripts("search", "Краснои", "--kind", "claim", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "**Красной**" in result.stdout and "\\*\\*" not in result.stdout


def test_people_are_found_by_every_recorded_name(cli: Cli, db_url: str) -> None:
    with db.session_scope(db_url) as session:
        names = session.execute(select(Person.key, PersonName.name).join(PersonName)).all()
    assert len(names) > 40
    missed = []
    for key, name in names:
        hits = _search(cli, f'"{name}"', "--kind", "person", "--limit", "100")
        if key not in {h["key"] for h in hits}:
            missed.append((key, name))
    assert missed == []


def test_a_source_is_found_by_its_authors_publisher_and_place(cli: Cli) -> None:
    for word in ("Glantz", "Kansas", "Lawrence", "Roberts", "Yale"):
        assert _search(cli, word, "--kind", "source"), word
    glantz = {h["key"] for h in _search(cli, "Glantz")}
    assert "glantz-colossus-reborn" in glantz


def test_rokossovsky_in_every_spelling_finds_the_person(cli: Cli) -> None:
    for spelling in ("Rokossovsky", "Rokossovskii", "Рокоссовский", "РОКОССОВСКИЙ", "рокоссовскии"):
        assert "rokossovskii" in {h["key"] for h in _search(cli, spelling, "--kind", "person")}, spelling


def test_passages_name_the_source_and_the_paragraph(cli: Cli) -> None:
    hits = _search(cli, "dacha", "--kind", "passage")
    assert hits and all(h["kind"] == "passage" and h["key"] == "stalin-and-his-generals" for h in hits)
    assert all(isinstance(h["paragraph"], int) and "**dacha**" in h["snippet"] for h in hits)
    table = cli("search", "dacha", "--kind", "passage")
    assert "stalin-and-his-generals ¶" in table.stdout


def test_an_excluded_word_excludes_the_paragraph_not_the_text(cli: Cli) -> None:
    every = _search(cli, "Stalin", "--kind", "passage", "--limit", "1000")
    fewer = _search(cli, "Stalin -generals", "--kind", "passage", "--limit", "1000")
    assert 0 < len(fewer) < len(every)


def test_the_index_follows_a_new_name_variant(cli: Cli) -> None:
    assert not _search(cli, "Rokossovskiy", "--kind", "person")
    result = cli("add", "variant", "rokossovskii", "Konstantin Rokossovskiy", "--kind", "transliteration")
    assert result.exit_code == 0, result.output
    assert [h["key"] for h in _search(cli, "Rokossovskiy", "--kind", "person")] == ["rokossovskii"]


# ------------------------------------------------------------------------- the pure parts


def test_fold_table() -> None:
    assert search_fold("Хрущёв Красной") == "хрущев краснои"
    assert search_fold("ΣΟΦΌΣ σοφός") == "σοφοσ σοφοσ"
    assert search_fold("Її Є Ђ Ћ ъ ь") == "іі є ђ ћ ъ ь"
    assert search_fold("snake_case O’Brien") == "snake case o brien"


def test_phrases_and_prefixes_match_folded_words() -> None:
    words = Text("Die Straße nach Köln, sagte Хрущёв.")
    assert words.matches(parse('"strasse nach koln"')) == {1, 2, 3}
    assert words.matches(parse("хрущ*")) == {5}
    assert words.matches(parse("koln -хрущев")) is None


def test_paragraphs_are_split_on_blank_lines() -> None:
    assert paragraphs("One.\n\nTwo\nstill two.\n \nThree.") == ["One.", "Two\nstill two.", "Three."]
