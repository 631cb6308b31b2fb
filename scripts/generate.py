#!/usr/bin/env python3
"""Generate large, realistic, deterministic refdb databases (and BibTeX files) for benchmarks.

    python scripts/generate.py --size 10k --out .bench/10k.sqlite
    python scripts/generate.py --size 100k --out big.sqlite --bibtex big.bib --entries 100000
    python scripts/generate.py --size seed --out seed.sqlite

Sizes (sources / claims / citations): ``10k`` 10,000 / 100,000 / 200,000; ``100k`` 100,000 /
1,000,000 / 2,000,000; ``1m`` is the same database as ``100k`` (the issue's "1M-claim database");
``seed`` is the bundled essay, loaded with ``refdb seed``.  Around them: one person per two
sources (names in Latin with particles, Cyrillic with native names, Greek and CJK, plus a few
organisations), 60 tags, a quote per ten claims, a counter-comment per hundred, a relation per
twenty.

How: the schema comes from refdb's own migrations; rows go in with plain ``sqlite3``
``executemany`` in one transaction, with refdb's full-text triggers dropped for the load (they
make bulk inserts ~14x slower) and the index rebuilt with ``refdb.db.fts.rebuild_sql`` afterwards.
Derived columns use refdb's own functions: ``person_name.norm`` is ``textnorm.padded(name)``,
the display/native/romanized name rows come from ``services.store.person_name_rows``, and
the person and source rows are ``services.store.own_row`` of records, as the one writer builds them, and
the word tables of name and title lookups hold ``services.store.words_of`` of each.

One planted author, Aleksandra Kollontai (Коллонтай), is the sole author of exactly one source,
which exactly 20 claims cite, so ``refdb claims --source Kollontai`` returns 20 claims at every
size; the word ``Kursk`` occurs in about 5% of the claims; the tag ``bench-map`` is on exactly 200
claims (``refdb map --tag bench-map``).  Both are written to FILE.meta.json.

The same sources can be written as BibTeX (``--bibtex FILE --entries N``) with refdb's own
writer, ``refdb.formats.bibtex.dumps``, for the import benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refdb.db import fts
from refdb.records import NameRec, PersonRec, SourceRec
from refdb.records.defs import date_text
from refdb.services.citations import csl_name
from refdb.services.store import own_row, person_name_rows, words_of
from refdb.textnorm import padded, romanize, slugify


@dataclass(frozen=True)
class Shape:
    sources: int
    claims: int
    citations_per_claim: int = 2

    @property
    def people(self) -> int:
        return self.sources // 2


SIZES = {
    "10k": Shape(sources=10_000, claims=100_000),
    "100k": Shape(sources=100_000, claims=1_000_000),
    "1m": Shape(sources=100_000, claims=1_000_000),  # the same database as 100k, by the issue's definition
}
BENCH_AUTHOR = "Kollontai"  # planted: the sole author of one source, cited by exactly BENCH_CLAIMS claims
BENCH_CLAIMS = 20
SEARCH_WORD = "Kursk"
MAP_TAG = "bench-map"  # planted: a tag of exactly MAP_CLAIMS claims, for `refdb map --tag`
MAP_CLAIMS = 200
MAP_SEED = 1942

# --------------------------------------------------------------------------------------- names


def _words(text: str) -> list[str]:
    return text.split()


RU_FAMILIES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков "
    "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин "
    "Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Фролов Дмитриев "
    "Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов "
    "Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев "
    "Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков "
    "Шапошников Тимошенко Рокоссовский Василевский Вишневский Бельский Полянский Трубецкой Оболенский "
    "Вяземский Шереметев Голицын Долгоруков Штеменко Ерёменко Малиновский Толбухин Говоров Мерецков"
)
RU_MALE = _words(
    "Александр Алексей Андрей Борис Василий Виктор Владимир Георгий Григорий Дмитрий Евгений Иван "
    "Константин Михаил Николай Павел Пётр Сергей Фёдор Юрий Леонид Олег Семён Илья Матвей Аркадий"
)
RU_FEMALE = _words("Анна Елена Екатерина Мария Наталья Ольга Татьяна Ирина Светлана Людмила Вера Надежда Галина Лидия")
RU_PATRONYMIC = _words(
    "Александрович Алексеевич Андреевич Борисович Васильевич Викторович Владимирович Георгиевич "
    "Григорьевич Дмитриевич Иванович Константинович Михайлович Николаевич Павлович Петрович "
    "Сергеевич Фёдорович Юрьевич Аркадьевич Семёнович Матвеевич"
)

LATIN_GIVEN = _words(
    "Geoffrey David Richard Catherine Sheila Evan Alexander Jochen Antony Chris Lynne Stephen Oleg "
    "Jonathan Mark Timothy Norman Amir Lennart Sabine Hans Jürgen Bernd Gerhard Ulrike Pierre "
    "Marc François Hélène Anne-Marie Jean Giulia Marco Francesca Luca Andrzej Łukasz Małgorzata "
    "Tomáš Jiří Zdeněk Søren Åsa Ingrid Björn Mikko István Zsuzsanna Seán Siobhán Rafael Inês"
)
LATIN_FAMILIES = _words(
    "Roberts Glantz Overy Merridale Fitzpatrick Mawdsley Hellbeck Beevor Bellamy Harrison Kotkin "
    "Khlevniuk Naimark Snyder Weiner Werth Conquest Service Davies Reese Hill Moorhouse Stone Erickson "
    "Müller Schröder Weiß Köhler Förster Hartmann Ueberschär Zeidler Dupont Lefèvre Girard Rousseau "
    "Bianchi Ricci Esposito Romano Kowalski Wróbel Łukasiewicz Zieliński Dvořák Novák Černý Sørensen "
    "Lindqvist Virtanen Nagy Horváth Ó Briain Gonçalves Pereira Ibáñez"
)
# (family, particle) groups: names that carry a particle
PARTICLE_FAMILIES = (
    ("Creveld", "van"), ("Dijk", "van"), ("Heuvel", "van den"), ("Linden", "van der"), ("Jong", "de"),
    ("Manstein", "von"), ("Moltke", "von"), ("Clausewitz", "von"), ("Thadden", "von"), ("Rochebrune", "de"),
    ("Gaulle", "de"), ("Tocqueville", "de"), ("Bellay", "du"), ("Fontaine", "de la"), ("Mauro", "di"),
    ("Vinci", "da"), ("Felice", "de"), ("Souza", "de"), ("Santis", "de"),
)  # fmt: skip
GREEK = {
    "given": (("Giorgos", "Γιώργος"), ("Nikos", "Νίκος"), ("Dimitris", "Δημήτρης"), ("Konstantinos", "Κωνσταντίνος"),
              ("Maria", "Μαρία"), ("Eleni", "Ελένη"), ("Ioannis", "Ιωάννης"), ("Andreas", "Ανδρέας"),
              ("Sofia", "Σοφία"), ("Panagiotis", "Παναγιώτης"), ("Vasilis", "Βασίλης"), ("Christos", "Χρήστος"),
              ("Alexandros", "Αλέξανδρος"), ("Stavros", "Σταύρος"), ("Eirini", "Ειρήνη"), ("Theodoros", "Θεόδωρος")),
    "family": (("Papadopoulos", "Παπαδόπουλος"), ("Georgiou", "Γεωργίου"), ("Nikolaou", "Νικολάου"),
               ("Karamanlis", "Καραμανλής"), ("Papandreou", "Παπανδρέου"), ("Venizelos", "Βενιζέλος"),
               ("Kazantzakis", "Καζαντζάκης"), ("Seferis", "Σεφέρης"), ("Ioannou", "Ιωάννου"),
               ("Dimitriou", "Δημητρίου"), ("Konstantinidis", "Κωνσταντινίδης"), ("Vlachos", "Βλάχος"),
               ("Angelopoulos", "Αγγελόπουλος"), ("Makris", "Μακρής"), ("Oikonomou", "Οικονόμου"),
               ("Mavromichalis", "Μαυρομιχάλης"), ("Theodorakis", "Θεοδωράκης"), ("Antoniou", "Αντωνίου")),
}  # fmt: skip
CJK = {
    "zh_family": (("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"),
                  ("Huang", "黄"), ("Zhao", "赵"), ("Wu", "吴"), ("Zhou", "周"), ("Xu", "徐"), ("Sun", "孙"),
                  ("Ma", "马"), ("Zhu", "朱"), ("Hu", "胡"), ("Guo", "郭"), ("Lin", "林"), ("Gao", "高")),
    "zh_given": (("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊"), ("Jun", "军"),
                 ("Yong", "勇"), ("Yan", "艳"), ("Jie", "杰"), ("Tao", "涛"), ("Ming", "明"), ("Chao", "超"),
                 ("Xiuying", "秀英"), ("Xia", "霞"), ("Ping", "平"), ("Gang", "刚"), ("Hua", "华"), ("Hong", "红")),
    "ja_family": (("Tanaka", "田中"), ("Suzuki", "鈴木"), ("Takahashi", "高橋"), ("Watanabe", "渡辺"),
                  ("Itō", "伊藤"), ("Yamamoto", "山本"), ("Nakamura", "中村"), ("Kobayashi", "小林"),
                  ("Katō", "加藤"), ("Yoshida", "吉田"), ("Hasegawa", "長谷川"), ("Shimizu", "清水")),
    "ja_given": (("Hiroshi", "浩"), ("Takeshi", "武"), ("Akira", "明"), ("Kenji", "健二"), ("Yūko", "裕子"),
                 ("Naoko", "直子"), ("Haruki", "春樹"), ("Kazuo", "和夫"), ("Michiko", "美智子"), ("Ichirō", "一郎")),
}  # fmt: skip
ORGANISATIONS = (
    "Central Intelligence Agency", "Institut für Zeitgeschichte", "Imperial War Museum",
    "Российский государственный военный архив", "United States Army Center of Military History",
    "Militärgeschichtliches Forschungsamt", "Institute of Military History, Moscow",
)  # fmt: skip

# ---------------------------------------------------------------------------------- vocabulary

PLACES = _words(
    "Stalingrad Kursk Moscow Leningrad Kiev Warsaw Berlin Smolensk Kharkov Minsk Sevastopol Odessa "
    "Riga Vilnius Budapest Prague Vienna Rzhev Vyazma Tallinn"
)  # 20 places: each in ~5% of the claims
NOUNS = _words(
    "Command Strategy Terror Mobilization Memory Propaganda Logistics Diplomacy Occupation Resistance "
    "Industry Intelligence Famine Collectivization Purges Partisans Evacuation Leadership Loyalty "
    "Discipline Victory Defeat Retreat Alliance Empire Revolution Bureaucracy Ideology Deception"
)
ADJECTIVES = _words("Red Soviet Forgotten Long Hidden Unfinished Total Bitter Great Secret Last Frozen Iron Silent")
RU_TITLE_NOUNS = (
    "Ставка и фронт", "Полководцы и штаб", "Война и память", "Оборона и отступление", "Тыл и фронт",
    "Разведка и дезинформация", "Командование и дисциплина", "Эвакуация промышленности",
)  # fmt: skip
JOURNALS = (
    "Journal of Slavic Military Studies", "Europe-Asia Studies", "Kritika", "Slavic Review",
    "Russian Review", "Cahiers du monde russe", "Journal of Modern History", "War in History",
    "Военно-исторический журнал", "Vierteljahrshefte für Zeitgeschichte", "Journal of Cold War Studies",
)  # fmt: skip
PUBLISHERS = (
    ("Yale University Press", "New Haven"), ("Cambridge University Press", "Cambridge"),
    ("Oxford University Press", "Oxford"), ("University Press of Kansas", "Lawrence"), ("Penguin", "London"),
    ("Harvard University Press", "Cambridge, MA"), ("Routledge", "London"), ("Hodder Arnold", "London"),
    ("Frank Cass", "London"), ("Воениздат", "Москва"), ("РОССПЭН", "Москва"), ("Oldenbourg", "München"),
    ("Ch. Links", "Berlin"), ("Perrin", "Paris"), ("Einaudi", "Torino"),
)  # fmt: skip
ACTORS = (
    "Stalin", "the Stavka", "the General Staff", "Zhukov", "Vasilevskii", "the NKVD", "the front commanders",
    "the Politburo", "Rokossovskii", "Timoshenko", "Shaposhnikov", "Beria", "Molotov", "the officer corps",
    "the commissars", "Konev", "Chuikov", "Vatutin", "Antonov", "Voroshilov",
)  # fmt: skip
VERBS = (
    "listened to", "overruled", "ignored", "trusted", "feared", "rewarded", "consulted", "deceived",
    "supported", "doubted", "misread", "underestimated", "relied on", "postponed", "rewrote",
)  # fmt: skip
OBJECTS = (
    "the advice of the high command", "reports from the front", "intelligence warnings",
    "the plans for a counteroffensive", "requests for reinforcements", "the artillery commanders",
    "the partisan movement", "Allied liaison officers", "the tank armies", "the reserve fronts",
    "the evacuation orders", "the rail timetables", "the winter offensive", "the defence of the capital",
    "the encirclement plan", "the commanders' memoirs",
)  # fmt: skip
REASONS = (
    "loyalty mattered more than competence", "the purges had left few experienced officers",
    "the winter offensive had stalled", "supplies of fuel were exhausted", "the dacha meetings were informal",
    "charm was a tool of control", "fear shaped every report sent to Moscow",
    "the front had collapsed faster than anyone expected", "the archives were closed until 1991",
    "the memoirs were written under censorship", "the German attack achieved complete surprise",
    "the rail network could not carry the reserves", "victory restored the generals' confidence",
)  # fmt: skip
KINDS = ("thesis", "factor", "factual", "myth", "interpretation", "counter")
KIND_WEIGHTS = (5, 20, 40, 5, 25, 5)
STANCES = ("asserts", "supports", "reports", "rejects", "disputes")
STANCE_WEIGHTS = (40, 35, 15, 5, 5)
LABELS = ("page", "paragraph", "chapter", "section")
LABEL_WEIGHTS = (85, 5, 5, 5)
TAG_THEMES = (
    "Command relationship", "Continuity", "Purges", "Charm", "Fear", "Loyalty", "Intelligence", "Logistics",
    "Memory", "Memoirs", "Censorship", "Historiography", "Operational art", "Deception", "Partisans",
    "Alliance politics", "Industry", "Evacuation", "Propaganda", "Discipline", "Order No. 227", "Reserves",
    "Encirclement", "Winter war", "Tank warfare", "Artillery", "Air power", "Naval war", "Home front",
    "Occupation", "Collaboration", "Holocaust", "Famine", "Prisoners of war", "Commissars", "NKVD",
    "Stavka", "General Staff", "Front commanders", "Victory cult", "Defeat", "Retreat", "Counteroffensive",
    "Diplomacy", "Lend-Lease", "Casualties", "Mobilization", "Women at war", "Religion", "Nationalities",
    "Archives", "Sources", "Myths", "Biography", "Leadership", "Decision-making", "Information", "Terror",
    "Cult of personality", "Postwar",
)  # fmt: skip
QUOTE_OPENINGS = (
    "We were told to hold", "Nobody dared to tell him", "He listened without interrupting",
    "This attention to us touched us deeply", "Not a step back", "The order came at night",
    "We had no fuel and no shells", "He asked each of us in turn", "The map was already out of date",
)  # fmt: skip
COMMENT_OPENINGS = (
    "Charmer? guess that is why he wiped out most of his military leaders",
    "This ignores the purges entirely", "The memoirs cannot be trusted on this point",
    "Fear, not charm, explains the obedience", "The author reads the sources too generously",
)  # fmt: skip


# ------------------------------------------------------------------------------------ helpers

_ASCII_WORD = re.compile(r"[a-z0-9]+")


def ascii_slug(text: str, words: int = 6) -> str:
    return "-".join(_ASCII_WORD.findall(text.lower())[:words]) or "item"


class Keys:
    """Unique keys made like refdb makes them: the base, then -2, -3 ..."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        base = base[:190]
        n = self.seen.get(base)
        if n is None:
            self.seen[base] = 1
            return base
        while True:
            n += 1
            key = f"{base}-{n}"
            if key not in self.seen:
                self.seen[base] = n
                self.seen[key] = 1
                return key


def _feminine(family: str) -> str:
    if family.endswith(("ский", "цкий")):
        return family[:-2] + "ая"
    if family.endswith("ой"):
        return family[:-2] + "ая"
    if family.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return family + "а"
    return family


def _page_range(rng: random.Random) -> str:
    start = rng.randint(1, 640)
    if rng.random() < 0.45:
        return str(start)
    end = start + rng.randint(1, 14)
    s, e = str(start), str(end)
    if len(s) == len(e) and len(s) >= 3:  # Chicago: 159–62
        i = 0
        while i < len(s) - 2 and s[i] == e[i]:
            i += 1
        e = e[i:]
    return f"{s}–{e}"


# ------------------------------------------------------------------------------------ records


@dataclass
class PersonRow:
    id: int
    key: str
    display: str
    family: str | None
    given: str | None
    particle: str | None
    native: str | None
    variants: list[NameRec]


def make_people(rng: random.Random, count: int) -> list[PersonRow]:
    keys = Keys()
    people: list[PersonRow] = []

    def add(display: str, family: str | None, given: str | None, particle: str | None, native: str | None,
            variants: list[NameRec]) -> None:  # fmt: skip
        base = slugify(" ".join(filter(None, [family or display, given])), max_words=4)
        people.append(PersonRow(len(people) + 1, keys(base), display, family, given, particle, native, variants))

    # the planted author (her family name is in no list below)
    add("Aleksandra Kollontai", "Kollontai", "Aleksandra", None, "Александра Михайловна Коллонтай",
        [NameRec(name="Alexandra Kollontai", kind="transliteration", scheme="common English")])  # fmt: skip
    while len(people) < count:
        roll = rng.random()
        variants: list[NameRec] = []
        if roll < 0.40:  # Latin, some with particles
            given = rng.choice(LATIN_GIVEN)
            if rng.random() < 0.2:
                family, particle = rng.choice(PARTICLE_FAMILIES)
            else:
                family, particle = rng.choice(LATIN_FAMILIES), None
            display = " ".join(filter(None, [given, particle, family]))
            if rng.random() < 0.1:
                variants.append(NameRec(name=f"{given[0]}. {' '.join(filter(None, [particle, family]))}", kind="variant"))
            add(display, family, given, particle, None, variants)
        elif roll < 0.75:  # Russian: Latin display name, Cyrillic native name with patronymic
            female = rng.random() < 0.25
            given_ru = rng.choice(RU_FEMALE if female else RU_MALE)
            patronymic = rng.choice(RU_PATRONYMIC)
            family_ru = rng.choice(RU_FAMILIES)
            if female:
                patronymic = patronymic[:-2] + "на"
                family_ru = _feminine(family_ru)
            given, family = romanize(given_ru), romanize(family_ru)
            native = f"{given_ru} {patronymic} {family_ru}"
            display = f"{given} {family}"
            english = romanize(f"{given_ru} {family_ru}", "common English")
            if english != display and rng.random() < 0.4:
                variants.append(NameRec(name=english, kind="transliteration", scheme="common English"))
            if rng.random() < 0.05 and len(family) > 5:
                cut = rng.randint(2, len(family) - 2)
                variants.append(NameRec(name=family[:cut] + family[cut + 1 :], kind="misspelling"))
            add(display, family, given, None, native, variants)
        elif roll < 0.85:  # Greek
            (given, given_el), (family, family_el) = rng.choice(GREEK["given"]), rng.choice(GREEK["family"])
            add(f"{given} {family}", family, given, None, f"{given_el} {family_el}", variants)
        elif roll < 0.99:  # Chinese or Japanese: family name first
            lang = "zh" if rng.random() < 0.6 else "ja"
            (family, family_n), (given, given_n) = rng.choice(CJK[f"{lang}_family"]), rng.choice(CJK[f"{lang}_given"])
            add(f"{family} {given}", family, given, None, family_n + given_n, variants)
        else:  # an organisation: one literal name
            add(rng.choice(ORGANISATIONS), None, None, None, None, variants)
    return people


def person_names(people: list[PersonRow]) -> Iterator[tuple[Any, ...]]:
    """person_name rows exactly as refdb's loader writes them (services.store.person_name_rows)."""
    for p in people:
        for name, kind, scheme, note in person_name_rows(p.display, p.native, p.variants):
            yield (p.id, name, kind, scheme, note, padded(name))


@dataclass
class SourceRow:
    id: int
    key: str
    csl_type: str
    source_class: str
    genre: str
    title: str
    short_title: str | None
    container_title: str | None
    publisher: str | None
    place: str | None
    year: int
    month: int | None
    edition: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    isbn: str | None
    doi: str | None
    language: str
    contributors: list[tuple[str, int, int]]  # (role, position, person id)


def _isbn13(rng: random.Random) -> str:
    core = "978" + "".join(str(rng.randint(0, 9)) for _ in range(9))
    check = (10 - sum((1 if i % 2 == 0 else 3) * int(d) for i, d in enumerate(core)) % 10) % 10
    return f"{core[:3]}-{core[3]}-{core[4:8]}-{core[8:]}-{check}"


def _title(rng: random.Random, russian: bool) -> tuple[str, str | None]:
    y1 = rng.randint(1917, 1950)
    y2 = y1 + rng.randint(1, 12)
    if russian:
        main = rng.choice(RU_TITLE_NOUNS)
        return f"{main}, {y1}–{y2} гг.", main
    form = rng.random()
    if form < 0.4:
        main = f"The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        return f"{main}: {rng.choice(NOUNS)} and {rng.choice(NOUNS)} in {rng.choice(PLACES)}, {y1}–{y2}", main
    if form < 0.7:
        main = f"{rng.choice(NOUNS)} and {rng.choice(NOUNS)}"
        return f"{main} in the {rng.choice(ADJECTIVES)} Army, {y1}–{y2}", main
    main = f"{rng.choice(PLACES)} {y1}"
    return f"{main}: The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} of the {rng.choice(NOUNS)}", main


def make_sources(rng: random.Random, count: int, people: list[PersonRow]) -> list[SourceRow]:
    keys = Keys()
    sources: list[SourceRow] = []
    others = people[1:]  # the planted author writes exactly one source, the first
    for sid in range(1, count + 1):
        roll = rng.random()
        csl_type = "book" if roll < 0.5 else "chapter" if roll < 0.75 else "article-journal"
        n_authors = rng.choices((1, 2, 3, 4), weights=(55, 25, 12, 8))[0]
        if sid == 1:
            authors = [people[0]]
        else:
            authors = rng.sample(others, n_authors)
        russian = authors[0].native is not None and bool(re.search("[а-яё]", authors[0].native)) and rng.random() < 0.3
        title, short = _title(rng, russian)
        contributors = [("author", i, p.id) for i, p in enumerate(authors, start=1)]
        container = publisher = place = edition = volume = issue = pages = isbn = doi = None
        if csl_type in ("book", "chapter"):
            publisher, place = rng.choice(PUBLISHERS)
            if rng.random() < 0.6:
                isbn = _isbn13(rng)
            if csl_type == "book" and rng.random() < 0.1:
                edition = str(rng.randint(2, 4))
            if csl_type == "chapter":
                container, _ = _title(rng, russian)
                pages = _page_range(rng)
                editor = rng.choice(others)
                if editor.id not in {p.id for p in authors}:
                    contributors.append(("editor", 1, editor.id))
            elif rng.random() < 0.05:
                translator = rng.choice(others)
                if translator.id not in {p.id for p in authors}:
                    contributors.append(("translator", 1, translator.id))
        else:
            container = rng.choice(JOURNALS)
            volume, issue, pages = str(rng.randint(1, 60)), str(rng.randint(1, 4)), _page_range(rng)
            if rng.random() < 0.8:
                doi = f"10.{rng.randint(1000, 9999)}/{rng.randint(10**7, 10**8 - 1)}"
        year = rng.randint(1946, 2024)
        month = rng.randint(1, 12) if csl_type == "article-journal" and rng.random() < 0.5 else None
        first = authors[0]
        base = f"{slugify(first.family or first.display, max_words=2)}-{ascii_slug(romanize(short or title), 2)}"
        memoir = rng.random() < 0.08
        sources.append(SourceRow(
            sid, keys(base), csl_type, "primary" if memoir else "secondary", "memoir" if memoir else "scholarship",
            title, short, container, publisher, place, year, month, edition, volume, issue, pages, isbn, doi,
            "ru" if russian else "en", contributors,
        ))  # fmt: skip
    return sources


SOURCE_COLUMNS = ["id", *own_row("source", SourceRec(key="k", type="book"))]


def source_rows(sources: list[SourceRow]) -> Iterator[tuple[Any, ...]]:
    """The sources' rows as refdb's one writer builds them from records (services.store.own_row)."""
    for s in sources:
        rec = SourceRec(key=s.key, type=s.csl_type, source_class=s.source_class, genre=s.genre,  # type: ignore[arg-type]
                        title=s.title, short_title=s.short_title, container_title=s.container_title,
                        publisher=s.publisher, place=s.place, issued=date_text((s.year, s.month, None)),
                        edition=s.edition, volume=s.volume, issue=s.issue, pages=s.pages, isbn=s.isbn, doi=s.doi,
                        language=s.language)  # fmt: skip
        yield (s.id, *own_row("source", rec).values())


PERSON_COLUMNS = ["id", *own_row("person", PersonRec(key="k", name="n"))]


def person_rows(people: list[PersonRow]) -> Iterator[tuple[Any, ...]]:
    for p in people:
        rec = PersonRec(key=p.key, name=p.display, family=p.family, given=p.given, particle=p.particle, native=p.native)
        yield (p.id, *own_row("person", rec).values())


def csl_items(sources: list[SourceRow], people: list[PersonRow], limit: int) -> Iterator[dict[str, Any]]:
    """The sources as the CSL items refdb exports (services.citations builds the same shape)."""
    by_id = {p.id: p for p in people}
    for s in sources[:limit]:
        item: dict[str, Any] = {"id": s.key, "type": s.csl_type}
        for role in ("author", "editor", "translator"):
            names = [by_id[pid] for r, _, pid in s.contributors if r == role]
            if names:
                item[role] = [csl_name(p.family, p.given, p.particle, p.display) for p in names]
        for var, value in (("title", s.title), ("title-short", s.short_title), ("container-title", s.container_title),
                           ("publisher", s.publisher), ("publisher-place", s.place), ("edition", s.edition),
                           ("volume", s.volume), ("issue", s.issue), ("page", s.pages), ("ISBN", s.isbn),
                           ("DOI", s.doi), ("language", s.language)):  # fmt: skip
            if value:
                item[var] = value
        item["issued"] = {"date-parts": [[s.year, s.month] if s.month else [s.year]]}
        yield item


# ---------------------------------------------------------------------------------- the load


def _claim_text(rng: random.Random) -> str:
    actor = rng.choice(ACTORS)
    text = f"{actor[0].upper()}{actor[1:]} {rng.choice(VERBS)} {rng.choice(OBJECTS)} at {rng.choice(PLACES)} in {rng.randint(1939, 1945)}"
    if rng.random() < 0.7:
        text += f", because {rng.choice(REASONS)}"
    return text + "."


class Loader:
    def __init__(self, conn: sqlite3.Connection, rng: random.Random, shape: Shape) -> None:
        self.conn, self.rng, self.shape = conn, rng, shape
        self.counts: dict[str, int] = {}

    def insert(self, table: str, columns: str, rows: Any) -> None:
        marks = ", ".join("?" * len(columns.split(",")))
        before = self.conn.total_changes
        # table and columns are this module's own constants
        self.conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        self.counts[table] = self.counts.get(table, 0) + self.conn.total_changes - before

    def load(self) -> dict[str, Any]:
        rng, shape = self.rng, self.shape
        people = make_people(rng, shape.people)
        self.insert("person", ", ".join(PERSON_COLUMNS), person_rows(people))
        self.insert("person_name", "person_id, name, kind, scheme, note, norm", person_names(people))
        sources = make_sources(rng, shape.sources, people)
        self.insert("source", ", ".join(SOURCE_COLUMNS), source_rows(sources))  # fmt: skip
        self.insert("contributor", "source_id, role, position, person_id",
                    ((s.id, role, pos, pid) for s in sources for role, pos, pid in s.contributors))
        curated = [s for s in sources if s.publisher and rng.random() < 0.01]
        self.insert("curation", "record_kind, record_id, field, basis",
                    (("source", s.id, "publisher", "From the title page; the citing work names no publisher.")
                     for s in curated))
        self.insert("tag", "id, key, label, description",
                    ((i, slugify(label), label, None) for i, label in enumerate(TAG_THEMES, start=1)))
        self._claims(people, sources)
        self._map_tag()
        return {"people": people, "sources": sources}

    def _map_tag(self) -> None:
        """The planted tag of exactly MAP_CLAIMS claims (``refdb map --tag bench-map``), from its own
        random stream, so every other row is the same as without it."""
        rng = random.Random(MAP_SEED)
        tag_id = len(TAG_THEMES) + 1
        self.insert("tag", "id, key, label, description",
                    [(tag_id, MAP_TAG, "Bench map", f"Planted: exactly {MAP_CLAIMS} claims, for the map benchmark.")])
        chosen = sorted(rng.sample(range(1, self.shape.claims + 1), MAP_CLAIMS))
        self.insert("claim_tag", "claim_id, tag_id", ((cid, tag_id) for cid in chosen))

    def _claims(self, people: list[PersonRow], sources: list[SourceRow]) -> None:
        rng, n = self.rng, self.shape.claims
        keys = Keys()
        planted = set(rng.sample(range(1, n + 1), BENCH_CLAIMS))
        texts: list[str] = []

        def claims() -> Iterator[tuple[Any, ...]]:
            for cid in range(1, n + 1):
                text = _claim_text(rng)
                texts.append(text)
                kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
                yield (cid, keys(ascii_slug(text)), text, kind, None)

        self.insert("claim", "id, key, text, kind, note", claims())
        n_tags = len(TAG_THEMES)
        self.insert("claim_tag", "claim_id, tag_id",
                    ((cid, t) for cid in range(1, n + 1) for t in rng.sample(range(1, n_tags + 1), rng.randint(1, 3))))
        n_people = len(people)
        self.insert("claim_subject", "claim_id, person_id, position",
                    ((cid, pid, pos) for cid in range(1, n + 1) if rng.random() < 0.3
                     for pos, pid in enumerate(rng.sample(range(2, n_people + 1), rng.randint(1, 2)))))
        n_sources, per = len(sources), self.shape.citations_per_claim

        def citations() -> Iterator[tuple[Any, ...]]:
            cit_id = 0
            for cid in range(1, n + 1):
                chosen = rng.sample(range(2, n_sources + 1), per)  # source 1 is the planted author's
                if cid in planted:
                    chosen[0] = 1
                for pos, sid in enumerate(chosen, start=1):
                    cit_id += 1
                    label = rng.choices(LABELS, LABEL_WEIGHTS)[0]
                    locator = _page_range(rng) if label == "page" else str(rng.randint(1, 40))
                    # the first citation is the claim's evidence (refdb check: someone asserts every claim)
                    stance = rng.choices(STANCES[:3] if pos == 1 else STANCES, STANCE_WEIGHTS[:3] if pos == 1 else STANCE_WEIGHTS)[0]
                    yield (cit_id, cid, sid, pos, stance, locator, label)

        self.insert("citation", "id, claim_id, source_id, position, stance, locator, label", citations())

        def relations() -> Iterator[tuple[Any, ...]]:
            seen: set[tuple[int, int, str]] = set()
            for _ in range(n // 20):
                a, b = rng.randint(1, n), rng.randint(1, n)
                rel = rng.choice(("supports", "refines", "contradicts"))
                if a != b and (a, b, rel) not in seen:
                    seen.add((a, b, rel))
                    yield (a, b, rel, None)

        self.insert("claim_relation", "from_claim_id, to_claim_id, relation, note", relations())
        quote_keys = Keys()

        def quotes() -> Iterator[tuple[Any, ...]]:
            for qid in range(1, n // 10 + 1):
                text = f"{rng.choice(QUOTE_OPENINGS)} at {rng.choice(PLACES)}"
                speaker = rng.randint(2, n_people)
                yield (qid, quote_keys(f"{people[speaker - 1].key}-{ascii_slug(text, 4)}"), text, speaker,
                       rng.randint(2, n_sources), str(rng.randint(1, 500)), "page",
                       rng.randint(2, n_sources), str(rng.randint(1, 40)), "paragraph", "en")  # fmt: skip

        self.insert("quote", "id, key, text, speaker_id, origin_source_id, origin_locator, origin_label, "
                    "found_source_id, found_locator, found_label, language", quotes())  # fmt: skip
        self.insert("quote_claim", "quote_id, claim_id", ((q, rng.randint(1, n)) for q in range(1, n // 10 + 1)))
        comment_keys = Keys()

        def comments() -> Iterator[tuple[Any, ...]]:
            for mid in range(1, n // 100 + 1):
                text = f"{rng.choice(COMMENT_OPENINGS)} ({rng.choice(PLACES)}, {rng.randint(1939, 1945)})."
                author = rng.randint(2, n_people) if rng.random() < 0.5 else None
                label = None if author else "anonymous reader"
                yield (mid, comment_keys(f"comment-{ascii_slug(text, 4)}"), text, author, label,
                       rng.randint(2005, 2024), rng.randint(1, 12), None, rng.randint(2, n_sources))  # fmt: skip

        self.insert("comment", "id, key, text, author_id, author_label, date_year, date_month, date_day, "
                    "answers_source_id", comments())  # fmt: skip
        self.insert("comment_claim", "comment_id, claim_id, stance",
                    ((m, c, rng.choice(("disputes", "rejects", "qualifies")))
                     for m in range(1, n // 100 + 1) for c in set(rng.sample(range(1, n + 1), rng.randint(1, 2)))))
        self.counts["claims mentioning " + SEARCH_WORD] = sum(SEARCH_WORD in t for t in texts)


def fill_words(conn: sqlite3.Connection) -> None:
    """The word tables of name and title lookups, as refdb's writer fills them (``store.words_of``)."""
    for query, table, owner in (("SELECT person_id, norm FROM person_name", "name_word", "person_id"),
                                ("SELECT id, title_norm FROM source", "title_word", "source_id")):  # fmt: skip
        words = {(word, rid) for rid, norm in conn.execute(query) for word in words_of(norm)}
        conn.executemany(f"INSERT INTO {table} (word, {owner}) VALUES (?, ?)", sorted(words))  # noqa: S608


def build(out: Path, shape: Shape, seed: int) -> dict[str, Any]:
    """Create ``out`` (atomically: built aside, then renamed); return the timings and counts."""
    partial = out.with_name(out.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    from refdb.db import dispose_all
    from refdb.db.engine import register_functions
    from refdb.db.migrate import upgrade

    upgrade(f"sqlite:///{partial.resolve()}", "head")
    dispose_all()
    timings["schema"] = time.perf_counter() - t0

    conn = sqlite3.connect(partial, isolation_level=None)
    register_functions(conn)  # refdb_fold, which the search index's statements call
    conn.execute("PRAGMA journal_mode = OFF")  # a fresh file built aside: nothing to protect until the rename
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -512000")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    t = time.perf_counter()
    for name in fts.trigger_names("sqlite"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    rng = random.Random(seed)
    loader = Loader(conn, rng, shape)
    data = loader.load()
    fill_words(conn)
    timings["insert"] = time.perf_counter() - t
    t = time.perf_counter()
    for statement in fts.resume_statements("sqlite"):  # refill the index, then restore its triggers
        conn.execute(statement)
    timings["fts rebuild"] = time.perf_counter() - t
    conn.execute("COMMIT")
    t = time.perf_counter()
    problems = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
    if problems:
        raise SystemExit(f"generate: foreign key violations, e.g. {problems}")
    timings["foreign key check"] = time.perf_counter() - t
    conn.execute("PRAGMA journal_mode = WAL")  # as refdb leaves its files
    conn.close()
    os.replace(partial, out)
    timings["total"] = time.perf_counter() - t0
    return {"timings": timings, "counts": loader.counts, "data": data}


def build_seed(out: Path) -> dict[str, Any]:
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    t0 = time.perf_counter()
    refdb = Path(sys.executable).with_name("refdb")
    command = [str(refdb)] if refdb.exists() else [sys.executable, "-m", "refdb"]
    subprocess.run([*command, "--db", str(partial), "seed"], check=True, stdout=subprocess.DEVNULL)
    os.replace(partial, out)
    return {"timings": {"total": time.perf_counter() - t0}, "counts": {}, "data": None}


def write_bibtex(path: Path, items: Iterator[dict[str, Any]]) -> int:
    from refdb.formats.bibtex import dumps

    count = 0
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as f:
        for chunk in dumps(items):
            f.write(chunk)
            count += 1
    os.replace(partial, path)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["seed", *SIZES], required=True)
    parser.add_argument("--out", type=Path, help="the SQLite file to write (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=1941, help="random seed (default 1941): same seed, same data")
    parser.add_argument("--bibtex", type=Path, help="also write the sources as BibTeX to this file")
    parser.add_argument("--entries", type=int, help="BibTeX entries to write (default: every source)")
    args = parser.parse_args(argv)
    if args.out is None and args.bibtex is None:
        parser.error("give --out, --bibtex or both")
    if args.size == "seed":
        if args.bibtex:
            parser.error("--bibtex needs a generated size (10k, 100k, 1m)")
        result = build_seed(args.out)
        print(f"seed: {args.out} in {result['timings']['total']:.1f} s", file=sys.stderr)
        return 0
    shape = SIZES[args.size]
    meta: dict[str, Any] = {"size": args.size, "seed": args.seed, "sources": shape.sources, "claims": shape.claims,
                            "bench_author": BENCH_AUTHOR, "bench_claims": BENCH_CLAIMS, "search_word": SEARCH_WORD,
                            "map_tag": MAP_TAG, "map_claims": MAP_CLAIMS}  # fmt: skip
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        result = build(args.out, shape, args.seed)
        data = result["data"]
        meta.update(timings=result["timings"], counts=result["counts"])
    else:
        t = time.perf_counter()
        rng = random.Random(args.seed)
        people = make_people(rng, shape.people)
        data = {"people": people, "sources": make_sources(rng, shape.sources, people)}
        meta["timings"] = {"records": time.perf_counter() - t}
    if args.bibtex is not None:
        t = time.perf_counter()
        entries = args.entries or shape.sources
        if entries > shape.sources:
            parser.error(f"--entries {entries}: size {args.size} has only {shape.sources} sources")
        args.bibtex.parent.mkdir(parents=True, exist_ok=True)
        written = write_bibtex(args.bibtex, csl_items(data["sources"], data["people"], entries))
        meta["timings"]["bibtex"] = time.perf_counter() - t
        meta["bibtex_entries"] = written
    for name, seconds in meta["timings"].items():
        print(f"  {name:<18} {seconds:7.1f} s", file=sys.stderr)
    for table, n in meta.get("counts", {}).items():
        print(f"  {table:<18} {n:>9,}", file=sys.stderr)
    if args.out is not None:
        Path(f"{args.out}.meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
