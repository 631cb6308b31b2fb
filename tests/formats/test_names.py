"""parse_name: names as historians type them, read the BibTeX way, in every script."""

from __future__ import annotations

import pytest

from refdb.formats.names import is_institution, natural_form, parse_name

F, G, P, D, S, L = "family", "given", "non-dropping-particle", "dropping-particle", "suffix", "literal"

# (as typed, the CSL name, its natural form)
NAMES = [
    ("Antony Beevor", {F: "Beevor", G: "Antony"}, "Antony Beevor"),
    ("Beevor, Antony", {F: "Beevor", G: "Antony"}, "Antony Beevor"),
    ("Geoffrey Roberts", {F: "Roberts", G: "Geoffrey"}, "Geoffrey Roberts"),
    ("Roberts, Geoffrey", {F: "Roberts", G: "Geoffrey"}, "Geoffrey Roberts"),
    ("David M. Glantz", {F: "Glantz", G: "David M."}, "David M. Glantz"),
    ("Glantz, David M.", {F: "Glantz", G: "David M."}, "David M. Glantz"),
    ("Vincent van Gogh", {F: "Gogh", G: "Vincent", P: "van"}, "Vincent van Gogh"),
    ("van Gogh, Vincent", {F: "Gogh", G: "Vincent", P: "van"}, "Vincent van Gogh"),
    ("Charles de Gaulle", {F: "Gaulle", G: "Charles", P: "de"}, "Charles de Gaulle"),
    ("de Gaulle, Charles", {F: "Gaulle", G: "Charles", P: "de"}, "Charles de Gaulle"),
    ("Jean de La Fontaine", {F: "La Fontaine", G: "Jean", P: "de"}, "Jean de La Fontaine"),
    ("Ludwig van Beethoven", {F: "Beethoven", G: "Ludwig", P: "van"}, "Ludwig van Beethoven"),
    ("Beethoven, Ludwig van", {F: "Beethoven", G: "Ludwig", D: "van"}, "Ludwig van Beethoven"),
    ("Erich von Manstein", {F: "Manstein", G: "Erich", P: "von"}, "Erich von Manstein"),
    ("Ngũgĩ wa Thiong'o", {F: "Thiong'o", G: "Ngũgĩ", P: "wa"}, "Ngũgĩ wa Thiong'o"),
    ("Martin Luther King Jr.", {F: "King", G: "Martin Luther", S: "Jr."}, "Martin Luther King Jr."),
    ("Martin Luther King, Jr.", {F: "King", G: "Martin Luther", S: "Jr."}, "Martin Luther King Jr."),
    ("King, Martin Luther, Jr.", {F: "King", G: "Martin Luther", S: "Jr."}, "Martin Luther King Jr."),
    ("Henry Ford II", {F: "Ford", G: "Henry", S: "II"}, "Henry Ford II"),
    ("J. R. R. Tolkien", {F: "Tolkien", G: "J. R. R."}, "J. R. R. Tolkien"),
    ("Tolkien, J.R.R.", {F: "Tolkien", G: "J.R.R."}, "J.R.R. Tolkien"),
    ("A. J. P. Taylor", {F: "Taylor", G: "A. J. P."}, "A. J. P. Taylor"),
    ("E. H. Carr", {F: "Carr", G: "E. H."}, "E. H. Carr"),
    ("Jean-Paul Sartre", {F: "Sartre", G: "Jean-Paul"}, "Jean-Paul Sartre"),
    ("Émile Durkheim", {F: "Durkheim", G: "Émile"}, "Émile Durkheim"),
    ("García Márquez, Gabriel", {F: "García Márquez", G: "Gabriel"}, "Gabriel García Márquez"),
    ("Le Roy Ladurie, Emmanuel", {F: "Le Roy Ladurie", G: "Emmanuel"}, "Emmanuel Le Roy Ladurie"),
    ("bell hooks", {F: "hooks", G: "bell"}, "bell hooks"),
    ("Plato", {F: "Plato"}, "Plato"),
    ("Herodotus,", {F: "Herodotus"}, "Herodotus"),
    ("Константин Константинович Рокоссовский", {F: "Рокоссовский", G: "Константин Константинович"},
     "Константин Константинович Рокоссовский"),
    ("Рокоссовский, Константин Константинович", {F: "Рокоссовский", G: "Константин Константинович"},
     "Константин Константинович Рокоссовский"),
    ("Рокоссовский Константин Константинович", {F: "Рокоссовский", G: "Константин Константинович"},
     "Константин Константинович Рокоссовский"),
    ("Волкогонов Д. А.", {F: "Волкогонов", G: "Д. А."}, "Д. А. Волкогонов"),
    ("Иванова Наталья Ивановна", {F: "Иванова", G: "Наталья Ивановна"}, "Наталья Ивановна Иванова"),
    ("Rokossovskii Konstantin Konstantinovich", {F: "Rokossovskii", G: "Konstantin Konstantinovich"},
     "Konstantin Konstantinovich Rokossovskii"),
    ("Oleg V. Khlevniuk", {F: "Khlevniuk", G: "Oleg V."}, "Oleg V. Khlevniuk"),
    ("Ж.-П. Сартр", {F: "Сартр", G: "Ж.-П."}, "Ж.-П. Сартр"),
    ("Η Αθηνά Παπαδοπούλου", {F: "Παπαδοπούλου", G: "Η Αθηνά"}, "Η Αθηνά Παπαδοπούλου"),
    ("People's Commissariat of Defence", {L: "People's Commissariat of Defence"},
     "People's Commissariat of Defence"),
    ("{Stavka}", {L: "Stavka"}, "Stavka"),
    ("NKVD", {L: "NKVD"}, "NKVD"),
    ("Institute of Military History", {L: "Institute of Military History"}, "Institute of Military History"),
    ("Государственный комитет обороны", {L: "Государственный комитет обороны"}, "Государственный комитет обороны"),
    ("Red Army General Staff", {L: "Red Army General Staff"}, "Red Army General Staff"),
]  # fmt: skip


def test_the_table_has_forty_names() -> None:
    assert len(NAMES) >= 40


@pytest.mark.parametrize(("typed", "name", "natural"), NAMES, ids=[n[0] for n in NAMES])
def test_parse_name(typed: str, name: dict[str, str], natural: str) -> None:
    assert parse_name(typed) == name
    assert natural_form(parse_name(typed)) == natural


def test_natural_form_reads_back_as_the_same_name() -> None:
    for typed, name, natural in NAMES:
        if D not in name:  # a dropping particle reads back as the non-dropping one
            assert parse_name(natural) == name or "," in typed, typed


def test_institutions() -> None:
    assert is_institution("Central Committee of the CPSU")
    assert is_institution("ЦК")
    assert not is_institution("STALIN, Joseph")
