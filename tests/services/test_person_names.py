"""One person resolver for every authoring command and every lookup.

Each name of the table is added once (through ``add source --author``) and must then be found,
never duplicated, by every other form of it: inverted and natural order, initials, family-first
Russian order, native script, through every authoring command that takes a person and every lookup
that filters by one.  The seed's people are found by their recorded names and variants.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from refdb import db
from refdb.models import Person
from tests.conftest import Cli

# (the form a person is first added with, the other forms that must name the same person)
TABLE: list[tuple[str, list[str]]] = [
    ("Antony Beevor", ["Beevor, Antony", "A. Beevor", "Beevor, A.", "BEEVOR, ANTONY"]),
    ("Catherine Merridale", ["Merridale, Catherine", "C. Merridale"]),
    ("Vincent van Gogh", ["van Gogh, Vincent", "Gogh, Vincent van"]),
    ("Charles de Gaulle", ["de Gaulle, Charles", "Gaulle, Charles de", "C. de Gaulle"]),
    ("Jean de La Fontaine", ["de La Fontaine, Jean", "J. de La Fontaine"]),
    ("Ludwig van Beethoven", ["Beethoven, Ludwig van", "van Beethoven, Ludwig"]),
    ("Erich von Manstein", ["von Manstein, Erich", "Manstein, Erich von", "E. von Manstein"]),
    ("Mark von Hagen", ["von Hagen, Mark", "Hagen, Mark von"]),
    ("Ngũgĩ wa Thiong'o", ["wa Thiong'o, Ngũgĩ", "Ngugi wa Thiong'o"]),
    ("Martin Luther King Jr.", ["King, Martin Luther, Jr.", "Martin Luther King, Jr.", "King, Martin Luther"]),
    ("Henry Ford II", ["Ford, Henry, II", "Ford, Henry"]),
    ("J. R. R. Tolkien", ["Tolkien, J. R. R.", "Tolkien, J.R.R.", "J.R.R. Tolkien"]),
    ("A. J. P. Taylor", ["Taylor, A. J. P.", "Taylor, A.J.P."]),
    ("E. H. Carr", ["Carr, E. H.", "Carr, E.H."]),
    ("Sheila Fitzpatrick", ["Fitzpatrick, Sheila", "S. Fitzpatrick", "Fitzpatrick, S."]),
    ("Robert Conquest", ["Conquest, Robert", "R. Conquest"]),
    ("Oleg V. Khlevniuk", ["Khlevniuk, Oleg V.", "Khlevniuk, O. V.", "Oleg Khlevniuk", "Khlevniuk, Oleg",
                           "Хлевнюк, Олег Витальевич", "Хлевнюк О. В.", "Олег Хлевнюк"]),
    ("Alexander Werth", ["Werth, Alexander", "A. Werth"]),
    ("Roger R. Reese", ["Reese, Roger R.", "Reese, Roger", "R. R. Reese"]),
    ("Jean-Paul Sartre", ["Sartre, Jean-Paul", "J.-P. Sartre"]),
    ("Émile Durkheim", ["Durkheim, Émile", "Durkheim, Emile", "Emile Durkheim"]),
    ("Gabriel García Márquez", ["García Márquez, Gabriel", "Garcia Marquez, Gabriel"]),
    ("Emmanuel Le Roy Ladurie", ["Le Roy Ladurie, Emmanuel"]),
    ("Pierre Vidal-Naquet", ["Vidal-Naquet, Pierre", "P. Vidal-Naquet"]),
    ("Georg Wilhelm Friedrich Hegel", ["Hegel, Georg Wilhelm Friedrich", "Hegel, G. W. F.", "G. W. F. Hegel"]),
    ("bell hooks", ["hooks, bell"]),
    ("Herodotus", ["Herodotus,"]),
    ("Дмитрий Антонович Волкогонов", ["Волкогонов, Дмитрий Антонович", "Волкогонов Дмитрий Антонович",
                                      "Волкогонов, Д. А.", "Волкогонов Д. А.", "Д. А. Волкогонов",
                                      "Дмитрий Волкогонов", "Волкогонов, Дмитрий"]),
    ("Наталья Ивановна Лебина", ["Лебина, Наталья Ивановна", "Лебина Наталья Ивановна", "Лебина Н. И.",
                                 "Наталья Лебина"]),
    ("Борис Михайлович Шапошников", ["Шапошников, Борис Михайлович", "Шапошников Б. М.",
                                     "Шапошников, Борис"]),
    ("Ёжиков Пётр Семёнович", ["Ежиков, Петр Семенович", "Пётр Семёнович Ёжиков", "Ежиков П. С."]),
    ("Αθανάσιος Παπαδόπουλος", ["Παπαδόπουλος, Αθανάσιος", "Παπαδοπουλος, Αθανασιος"]),
    ("Stanisław Łukasiewicz", ["Łukasiewicz, Stanisław", "Lukasiewicz, Stanislaw", "S. Łukasiewicz"]),
    ("Jürgen Straßmann", ["Straßmann, Jürgen", "Strassmann, Jurgen"]),
    ("People's Commissariat of Defence", ["people's commissariat of defence"]),
    ("{Stavka}", ["Stavka"]),
    ("NKVD", ["nkvd"]),
    ("Institute of Military History", ["institute of military history"]),
    ("Государственный комитет обороны", ["государственный комитет обороны"]),
    ("Red Army General Staff", ["Red Army General Staff"]),
]  # fmt: skip
# the seed's people by forms nobody recorded as such: inverted, native, initials, romanizations
SEED: list[tuple[str, str]] = [
    ("Roberts, Geoffrey", "roberts-geoffrey"), ("G. Roberts", "roberts-geoffrey"),
    ("Glantz, David", "glantz-david"),
    ("Glantz, David M.", "glantz-david"), ("D. M. Glantz", "glantz-david"),
    ("Рокоссовский, Константин Константинович", "rokossovskii"), ("Рокоссовский К. К.", "rokossovskii"),
    ("Rokossovskii, Konstantin", "rokossovskii"), ("Rokossovsky, K. K.", "rokossovskii"),
    ("Stalin, Joseph", "stalin"), ("Сталин Иосиф Виссарионович", "stalin"), ("И. В. Сталин", "stalin"),
    ("Хрущев, Никита Сергеевич", "khrushchev"), ("Хрущёв Н. С.", "khrushchev"),
    ("Zhukov, G. K.", "zhukov"), ("Жуков Г. К.", "zhukov"), ("Molotov, Vyacheslav", "molotov"),
    ("Beria, Lavrentiy", "beria"), ("Roosevelt, Franklin D.", "roosevelt"),
]  # fmt: skip


def _ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout.strip()


def _json(cli: Cli, *args: str) -> Any:
    return json.loads(_ok(cli, *args, "--format", "json"))


def _people(cli: Cli) -> int:
    return len(_json(cli, "people"))


def test_the_table_has_forty_names() -> None:
    assert len(TABLE) >= 40


@pytest.fixture
def added(cli: Cli) -> dict[str, str]:
    """Each name of the table added once, as the author of its own book: name -> person key."""
    keys: dict[str, str] = {}
    for i, (name, _) in enumerate(TABLE):
        source = _ok(cli, "add", "source", f"Book {i}", "--key", f"book-{i}", "--author", name)
        (contributor,) = _json(cli, "sources", source)[0]["contributors"]
        (person,) = [p["key"] for p in _json(cli, "people") if p["name"] == contributor["name"]]
        keys[name] = person
    return keys


def _parts(db_url: str, key: str) -> tuple[str | None, ...]:
    with db.session_scope(db_url) as session:
        p = session.scalars(select(Person).where(Person.key == key)).one()
        return (p.display_name, p.family, p.given, p.particle)


def test_add_person_stores_family_and_given(cli: Cli, db_url: str) -> None:
    _ok(cli, "add", "person", "Antony Beevor")
    assert _parts(db_url, "beevor-antony") == ("Antony Beevor", "Beevor", "Antony", None)
    _ok(cli, "add", "person", "van Gogh, Vincent")
    assert _parts(db_url, "gogh-vincent") == ("Vincent van Gogh", "Gogh", "Vincent", "van")
    _ok(cli, "add", "person", "NKVD")
    assert _parts(db_url, "nkvd") == ("NKVD", None, None, None)
    refused = cli("add", "person", "Beevor, Antony")
    assert refused.exit_code != 0
    assert "already the name of beevor-antony" in refused.stderr
    _ok(cli, "add", "person", "Beevor, Antony", "--key", "beevor-2")


def test_every_form_reuses_the_person_in_every_authoring_command(cli: Cli, added: dict[str, str]) -> None:
    count = _people(cli)
    display = {p["key"]: p["name"] for p in _json(cli, "people")}
    wrong = []
    for i, (name, forms) in enumerate(TABLE):
        shown = display[added[name]]
        for j, form in enumerate(forms):
            tag = f"{i}-{j}"
            source = _ok(cli, "add", "source", f"Another {tag}", "--key", f"another-{tag}",
                         "--editor", form, "--translator", form)  # fmt: skip
            claim = _ok(cli, "add", "claim", f"Claim {tag}.", "--key", f"claim-{tag}", "--about", form)
            _ok(cli, "add", "quote", f"Words {tag}.", "--key", f"quote-{tag}", "--speaker", form)
            _ok(cli, "add", "comment", f"Reply {tag}.", "--key", f"reply-{tag}", "--author", form,
                "--answers", source)  # fmt: skip
            got = (
                sorted(c["name"] for c in _json(cli, "sources", source)[0]["contributors"]),
                _json(cli, "claim", claim)["about"],
            )
            if got != ([shown, shown], [shown]):
                wrong.append((name, form, got))
    quotes = {q["key"]: q["speaker"] for q in _json(cli, "quotes")}
    comments = {c["key"]: c["author"] for c in _json(cli, "comments")}
    for i, (name, forms) in enumerate(TABLE):
        for j, _form in enumerate(forms):
            if quotes[f"quote-{i}-{j}"] != display[added[name]] or comments[f"reply-{i}-{j}"] != display[added[name]]:
                wrong.append((name, _form, "quote/comment"))
    assert wrong == []
    assert _people(cli) == count, "a form created a new person"


def test_every_form_finds_the_person_in_every_lookup(cli: Cli, added: dict[str, str]) -> None:
    for i, (name, _) in enumerate(TABLE):
        key = added[name]
        _ok(cli, "add", "claim", f"About {i}.", "--key", f"about-{i}", "--about", key)
        _ok(cli, "add", "quote", f"Said {i}.", "--key", f"said-{i}", "--speaker", key)
    missed = []
    for i, (name, forms) in enumerate(TABLE):
        key = added[name]
        for form in [name, *forms]:
            people = [p["key"] for p in _json(cli, "people", form)]
            claims = {c["key"] for c in _json(cli, "claims", "--person", form)}
            quotes = {q["key"] for q in _json(cli, "quotes", "--speaker", form)}
            sources = {s["key"] for s in _json(cli, "sources", form)}
            if key not in people or f"about-{i}" not in claims or f"said-{i}" not in quotes \
                    or f"book-{i}" not in sources:  # fmt: skip
                missed.append((form, key, people))
    assert missed == []


@pytest.mark.parametrize(("form", "key"), SEED, ids=[s[0] for s in SEED])
def test_seed_people_by_inverted_native_and_initialled_forms(cli: Cli, form: str, key: str) -> None:
    count = _people(cli)
    source = _ok(cli, "add", "source", "A new book", "--key", "new-book", "--author", form)
    assert [c["name"] for c in _json(cli, "sources", source)[0]["contributors"]] == [
        p["name"] for p in _json(cli, "people") if p["key"] == key
    ]
    assert _people(cli) == count
    assert key in [p["key"] for p in _json(cli, "people", form)]


def test_an_ambiguous_name_is_refused_listing_the_candidates(cli: Cli) -> None:
    _ok(cli, "add", "person", "Andrew Roberts")
    result = cli("add", "source", "A book", "--author", "Roberts")
    assert result.exit_code != 0
    assert result.stderr.strip() == (
        "Error: 'Roberts' names several people: roberts-andrew (Andrew Roberts); "
        "roberts-geoffrey (Geoffrey Roberts); give one of their keys"
    )
    assert _ok(cli, "add", "source", "A book", "--key", "a-book", "--author", "Andrew Roberts") == "a-book"


def test_a_different_given_name_is_a_different_person(cli: Cli) -> None:
    count = _people(cli)
    _ok(cli, "add", "source", "Another Roberts", "--key", "ar", "--author", "Roberts, Andrew")
    assert _people(cli) == count + 1
