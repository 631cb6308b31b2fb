"""Property-based round trips over generated databases (hypothesis).

A generated dataset (people named in Latin script with particles, Cyrillic, Greek and CJK; sources
with partial or literal dates, page ranges and titles full of BibTeX, YAML and quoting specials;
claims, quotes and comments that refer to them) is written with ``refdb.formats.dataset.dumps`` and
loaded with ``refdb load`` into an empty database.  Then:

* its dump is the generated file, byte for byte (the load lost and changed nothing);
* loading the same file again changes nothing;
* dump -> load into another empty database -> dump is byte-identical.

Each example creates two databases, so the default is 25 examples (REFDB_HYPOTHESIS_EXAMPLES;
``pytest --full`` sets 1000).  A failure hypothesis finds is kept below as an ``@example``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from refdb import db as refdb_db
from refdb import records
from refdb.formats import dataset as fmt
from refdb.records.defs import date_text
from refdb.vocab import (
    CLAIM_KINDS,
    COMMENT_STANCES,
    CONTRIBUTOR_ROLES,
    NAME_KINDS,
    RELATIONS,
    SOURCE_CLASSES,
    STANCES,
)
from tests.conftest import BACKEND, invoke

EXAMPLES = int(os.environ.get("REFDB_HYPOTHESIS_EXAMPLES", "25"))

LATIN = "abcdefghijklmnopqrstuvwxyzáàâäãåæçéèêëíìîïñóòôöõøœšßúùûüýÿž"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў"
GREEK = "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐ"
CJK = "毛泽东蒋介石孙中山李白杜甫王安石鲁迅胡适梁启超康有为朝鮮日本東京大學"
SPECIALS = "{}&%$#_\\\"'“”‘’«»„:;,.!?()[]/–—-*~^@`|<>="
PARTICLES = ["van", "von", "de", "de la", "van der", "d'", "di", "al-", "ten", "du"]


def _word(alphabet: str, *, capital: bool = True) -> st.SearchStrategy[str]:
    word = st.text(alphabet, min_size=1, max_size=10)
    return word.map(lambda w: w[0].upper() + w[1:]) if capital else word


def _name_part() -> st.SearchStrategy[str]:
    return st.one_of(_word(LATIN), _word(CYRILLIC), _word(GREEK), st.text(CJK, min_size=1, max_size=3))


def _phrase(
    alphabet: str = LATIN + CYRILLIC + GREEK + CJK + "0123456789", *, max_words: int = 8
) -> st.SearchStrategy[str]:
    """Words and specials joined by single spaces: no leading or trailing blanks (the loader strips)."""
    token = st.one_of(st.text(alphabet, min_size=1, max_size=9), st.text(SPECIALS, min_size=1, max_size=3))
    return st.lists(token, min_size=1, max_size=max_words).map(" ".join)


def _multiline() -> st.SearchStrategy[str]:
    return st.lists(_phrase(), min_size=1, max_size=3).map("\n".join)


# any character but NUL (refused) and lone surrogates (not text): control characters, NEL, U+2028,
# byte-order marks, combining marks, emoji ...
ANY_CHAR = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def _anything() -> st.SearchStrategy[str]:
    """Text as a field holds it once loaded: the loader strips the ends of every field but a text."""
    return st.text(ANY_CHAR, min_size=1, max_size=30).map(str.strip).filter(bool)


# text that YAML would read as something else if it were written bare
YAMLISH = st.sampled_from([
    "yes", "No", "off", "null", "~", "1e3", "0x1F", "0o17", "012", "2006-05-12", "2006-05-12T10:00:00",
    ".inf", "-.nan", "- item", "key: value", "#comment", "&anchor", "*alias", "!tag", "!!python/name:os.system",
    "%YAML 1.2", "@at", "`tick", "|", ">", "'", '"', "---", "...", "? key", "[a, b]", "{a: b}", "1_000", "+1",
])  # fmt: skip


def _note() -> st.SearchStrategy[str]:
    return st.one_of(_multiline(), _anything())


def _full_text() -> st.SearchStrategy[str]:
    """A source's full text is kept exactly as given, blanks and line ends included."""
    return st.one_of(_multiline(), st.text(ANY_CHAR, min_size=1, max_size=60).filter(str.strip))


def _date() -> st.SearchStrategy[str]:
    """A calendar date as the dataset writes it: YYYY, YYYY-MM or YYYY-MM-DD."""
    return st.one_of(
        st.tuples(st.integers(1, 2100), st.none(), st.none()),
        st.tuples(st.integers(1, 2100), st.integers(1, 12), st.none()),
        st.dates().map(lambda d: (d.year, d.month, d.day)),
    ).map(date_text)


def _pages() -> st.SearchStrategy[str]:
    number = st.integers(1, 999).map(str)
    roman = st.sampled_from(["i", "iv", "xii", "xv", "xlii"])
    return st.one_of(
        number,
        st.tuples(number, st.sampled_from(["-", "–", "--"]), number).map("".join),
        st.tuples(roman, st.just("–"), roman).map("".join),
        st.lists(number, min_size=2, max_size=3).map(", ".join),
    )


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _keys(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


@st.composite
def person(draw: st.DrawFn, key: str) -> records.PersonRec:
    given, family = draw(_name_part()), draw(_name_part())
    particle = draw(_opt(st.sampled_from(PARTICLES))) if family[0] in LATIN.upper() + LATIN else None
    name = " ".join(p for p in (given, particle, family) if p)
    variants = draw(st.lists(st.builds(
        records.NameRec, name=_name_part(), kind=st.sampled_from(NAME_KINDS),
        scheme=_opt(st.sampled_from(["ALA-LC", "common English", "Polish", "pinyin"])), note=_opt(_phrase()),
    ), max_size=2, unique_by=lambda v: v.name))  # fmt: skip
    variants = [v for v in variants if v.name not in (name, family)]
    native = draw(_opt(st.tuples(_word(CYRILLIC), _word(CYRILLIC)).map(" ".join)))
    curated = {"given": draw(_phrase())} if draw(st.booleans()) else {}
    return records.PersonRec(key=key, name=name, family=family, given=given, particle=particle, native=native,
                         variants=variants, note=draw(_opt(_note())), curated=curated)  # fmt: skip


@st.composite
def source(draw: st.DrawFn, key: str, people: list[str]) -> records.SourceRec:
    literal = draw(st.booleans()) and draw(st.booleans())
    contributors = draw(st.lists(
        st.builds(records.ContributorRec, person=st.sampled_from(people), role=st.sampled_from(CONTRIBUTOR_ROLES)),
        max_size=3, unique_by=lambda c: (c.person, c.role),
    )) if people else []  # fmt: skip
    # the dump lists contributors role by role (in each role, in order): generate them that way
    contributors.sort(key=lambda c: c.role)
    rec = records.SourceRec(
        key=key,
        type=draw(st.sampled_from(["book", "chapter", "article-journal", "webpage", "thesis", "manuscript"])),
        title=draw(_opt(st.one_of(_phrase(), _anything(), YAMLISH))),
        source_class=draw(_opt(st.sampled_from(SOURCE_CLASSES))),
        genre=draw(_opt(st.sampled_from(["memoir", "scholarship", "essay", "document"]))),
        short_title=draw(_opt(_phrase(max_words=3))),
        container_title=draw(_opt(_phrase())),
        contributors=contributors,
        publisher=draw(_opt(_phrase(max_words=4))),
        place=draw(_opt(_phrase(max_words=2))),
        issued=draw(st.sampled_from(["forthcoming", "c. 1920", "n.d.", "Spring 1942", "1941–1945"]))
        if literal
        else draw(_opt(_date())),
        edition=draw(_opt(st.sampled_from(["2nd", "Revised", "3-е изд."]))),
        volume=draw(_opt(st.integers(1, 40).map(str))),
        issue=draw(_opt(st.integers(1, 12).map(str))),
        pages=draw(_opt(_pages())),
        url=draw(_opt(st.just(f"https://example.org/{key}?a=1&b=%20"))),
        isbn=draw(_opt(st.sampled_from(["978-0-300-11204-7", "0300112041"]))),
        doi=draw(_opt(st.just(f"10.1000/{key}"))),
        language=draw(_opt(st.sampled_from(["en", "ru", "el", "zh", "de"]))),
        note=draw(_opt(_note())),
        text=draw(_opt(_full_text())),
    )
    if rec.publisher and draw(st.booleans()):
        rec.curated = {"publisher": draw(_phrase())}
    return rec


@st.composite
def dataset(draw: st.DrawFn) -> records.Dataset:
    people = [draw(person(k)) for k in _keys("person-", draw(st.integers(0, 4)))]
    person_keys = [p.key for p in people]
    sources = [draw(source(k, person_keys)) for k in _keys("src.", draw(st.integers(1, 4)))]
    source_keys = [s.key for s in sources]
    tags = [
        records.TagRec(
            key=k, label=draw(st.one_of(_phrase(max_words=3), YAMLISH)), description=draw(_opt(_phrase()))
        )
        for k in _keys("tag_", draw(st.integers(0, 3)))
    ]
    claim_keys = _keys("claim-", draw(st.integers(0, 4)))
    claims = []
    for key in claim_keys:
        citations = []
        for src in draw(st.lists(st.sampled_from(sources), max_size=3, unique_by=lambda s: s.key)):
            anchor = None
            if src.text and draw(st.booleans()):
                start = draw(st.integers(0, len(src.text) - 1))
                exact = src.text[start : draw(st.integers(start + 1, len(src.text)))]
                if exact.strip() and src.text.count(exact) == 1:
                    anchor = records.Anchor(exact=exact)
            citations.append(records.CitationRec(
                source=src.key, stance=draw(st.sampled_from(STANCES)), locator=draw(_opt(_pages())),
                label=draw(_opt(st.sampled_from(["page", "paragraph", "chapter"]))), anchor=anchor,
                note=draw(_opt(_phrase())),
            ))  # fmt: skip
        others = [k for k in claim_keys if k != key]
        relations = [
            records.RelationRec(relation=draw(st.sampled_from(RELATIONS)), claim=other)
            for other in draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
        ] if others else []  # fmt: skip
        claims.append(records.ClaimRec(
            key=key, text=draw(_phrase(max_words=12)), kind=draw(st.sampled_from(CLAIM_KINDS)),
            tags=draw(st.lists(st.sampled_from([t.key for t in tags]), unique=True)) if tags else [],
            about=draw(st.lists(st.sampled_from(person_keys), unique=True, max_size=2)) if people else [],
            citations=citations, relations=relations, note=draw(_opt(_note())),
        ))  # fmt: skip
    textless = [s.key for s in sources if not s.text]  # a quote found in a held text must be verbatim
    quotes = [
        records.QuoteRec(
            key=k, text=draw(st.one_of(_phrase(), YAMLISH)),
            speaker=draw(_opt(st.sampled_from(person_keys))) if people else None,
            origin=draw(_opt(st.builds(records.PlaceRec, source=st.sampled_from(source_keys), locator=_opt(_pages()),
                                       label=_opt(st.just("page"))))),
            found_in=draw(_opt(st.builds(records.PlaceRec, source=st.sampled_from(textless), locator=_opt(_pages()),
                                         label=_opt(st.just("paragraph"))))) if textless else None,
            claims=draw(st.lists(st.sampled_from(claim_keys), unique=True, max_size=2)) if claim_keys else [],
            language=draw(_opt(st.sampled_from(["en", "ru"]))), note=draw(_opt(_phrase())),
        )
        for k in _keys("quote-", draw(st.integers(0, 2)))
    ]  # fmt: skip
    comments = []
    for k in _keys("comment-", draw(st.integers(0, 2))):
        named = bool(people) and draw(st.booleans())
        comments.append(records.CommentRec(
            key=k, text=draw(_multiline()), answers=draw(st.sampled_from(source_keys)),
            author=draw(st.sampled_from(person_keys)) if named else None,
            author_label=None if named else draw(_opt(st.sampled_from(["anonymous reader", "Reader №1"]))),
            date=draw(_opt(_date())), source=draw(_opt(st.sampled_from(source_keys))),
            disputes=[
                records.DisputeRec(claim=c, stance=draw(st.sampled_from(COMMENT_STANCES)), note=draw(_opt(_phrase())))
                for c in draw(st.lists(st.sampled_from(claim_keys), unique=True, max_size=2))
            ] if claim_keys else [],
        ))  # fmt: skip
    return records.Dataset(
        people=people, sources=sources, tags=tags, claims=claims, quotes=quotes, comments=comments
    )


# --- databases for the examples ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def empty_template(backend: Any) -> str:
    """A migrated, empty database to copy for each example (migrating every time would be slow)."""
    url = backend.new_url()
    result = invoke(url, "claims")
    assert result.exit_code == 0, result.output
    refdb_db.dispose_all()
    return url


def _drop(backend: Any, url: str) -> None:
    refdb_db.dispose_all()
    if BACKEND == "sqlite":
        path = refdb_db.sqlite_path(url)
        assert path is not None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    backend.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if name in backend.created:
        backend.created.remove(name)


class Databases:
    def __init__(self, backend: Any, template: str) -> None:
        self.backend, self.template, self.made = backend, template, []

    def new(self) -> str:
        url: str = self.backend.copy(self.template)
        self.made.append(url)
        return url

    def drop_all(self) -> None:
        for url in self.made:
            _drop(self.backend, url)
        self.made.clear()


@pytest.fixture(scope="module")
def databases(backend: Any, empty_template: str) -> Iterator[Databases]:
    dbs = Databases(backend, empty_template)
    yield dbs
    dbs.drop_all()


def _load(url: str, text: str, directory: Path) -> str:
    path = directory / "dataset.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke(url, "load", str(path))
    assert result.exception is None, f"{type(result.exception).__name__}: {result.exception}"
    assert result.exit_code == 0, result.output
    return result.stderr


def _valid_by_the_published_schema(dumped: str) -> None:
    """refdb's own output passes the schema refdb publishes (docs/dataset.schema.json)."""
    import json

    import jsonschema
    import yaml

    schema = json.loads((Path(__file__).parent.parent / "docs" / "dataset.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(dumped), schema)


def _dump(url: str) -> str:
    result = invoke(url, "dump")
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.stdout


# --- the property -------------------------------------------------------------------------------------


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(data=dataset())
@example(data=records.Dataset(sources=[records.SourceRec(key="src.0", type="book", title="{}&%$#_\\\"' “”")]))
@example(data=records.Dataset(
    people=[records.PersonRec(key="person-0", name="Ludwig van Beethoven", family="Beethoven", given="Ludwig",
                          particle="van"),
            records.PersonRec(key="person-1", name="Хрущёв Никита", family="Хрущёв", given="Никита",
                          native="Никита Сергеевич Хрущёв"),
            records.PersonRec(key="person-2", name="Γιώργος Σεφέρης", family="Σεφέρης", given="Γιώργος"),
            records.PersonRec(key="person-3", name="毛 泽东", family="毛", given="泽东")],
    sources=[records.SourceRec(key="src.0", type="chapter", title="“Quoted” and ‘single’ — 1941–45: {Braced} & 100% $5 #1 a_b",
                           contributors=[records.ContributorRec(person="person-0"), records.ContributorRec(person="person-1", role="editor")],
                           issued="1942-06", pages="159–62", text="Line one.\n  indented line\nlast")],
))  # fmt: skip
@example(data=records.Dataset(sources=[records.SourceRec(
    key="src.0", type="book", title="T\u2028x\x85y", note="a\ufeffb\tc\x1bd", text="  lead\u2028b\x85c\r\nd  \n\n\n",
)], tags=[records.TagRec(key="tag_0", label="yes"), records.TagRec(key="tag_1", label="2006-05-12")]))  # fmt: skip
def test_dump_load_dump_is_byte_identical(databases: Databases, data: records.Dataset) -> None:
    text = fmt.dumps(data)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        try:
            first = databases.new()
            report = _load(first, text, directory)
            assert re.search(rf": added {data.count()} \(", report), report
            dumped = _dump(first)
            assert dumped == text, "the load changed or lost something"
            _valid_by_the_published_schema(dumped)

            again = _load(first, text, directory)
            assert re.search(rf": added 0; updated 0; unchanged {data.count()} \(", again), again
            assert _dump(first) == dumped

            second = databases.new()
            _load(second, dumped, directory)
            assert _dump(second) == dumped
        finally:
            databases.drop_all()


def test_the_dump_lists_contributors_role_by_role(databases: Databases) -> None:
    """Found by the property: contributors come back grouped by role (alphabetically), each role in the
    order given; so a file listing an editor before an author dumps differently once, then stably."""
    people = [
        records.PersonRec(key=f"person-{i}", name=f"A{i} B{i}", family=f"B{i}", given=f"A{i}") for i in range(3)
    ]
    source = records.SourceRec(key="src.0", type="book", title="T", contributors=[
        records.ContributorRec(person="person-2", role="editor"), records.ContributorRec(person="person-1", role="author"),
        records.ContributorRec(person="person-0", role="author"),
    ])  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        try:
            first = databases.new()
            _load(first, fmt.dumps(records.Dataset(people=people, sources=[source])), Path(tmp))
            dumped = _dump(first)
            [back] = fmt.parse(dumped, source_name="dump").sources
            assert [(c.person, c.role) for c in back.contributors] == [
                ("person-1", "author"), ("person-0", "author"), ("person-2", "editor")
            ]  # fmt: skip
            second = databases.new()
            _load(second, dumped, Path(tmp))
            assert _dump(second) == dumped
        finally:
            databases.drop_all()
