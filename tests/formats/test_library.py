"""What real libraries export, read and written back (issue 11): cleaning, biblatex's types and
extended names, RIS records without TY, and BibTeX that biber's data model accepts for every CSL type."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from refdb.errors import InputError
from refdb.formats import bibtex, csljson, ris
from refdb.formats.bibtex.datamodel import ENTRY_TYPES
from refdb.formats.bibtex.types import BIBTEX_TO_CSL_TYPE
from refdb.formats.cleaning import clean_item, html_to_text, split_datetime, to_bcp47, to_langid, unescape
from refdb.vocab import CSL_TYPES

ROOT = Path(__file__).resolve().parents[2]


def test_entities_are_decoded() -> None:
    assert unescape("Harvard&#039;s") == "Harvard's"
    assert unescape("G&ouml;ttingen &amp; Berlin") == "Göttingen & Berlin"
    assert unescape("Taylor & Francis") == "Taylor & Francis"


def test_zotero_html_notes_become_plain_text() -> None:
    note = '<div data-schema-version="8"><p>First <i>point</i>.</p><ul><li>one</li><li>two &amp; more</li></ul></div>'
    assert html_to_text(note) == "First *point*.\n\n- one\n- two & more"
    assert html_to_text("a plain note") == "a plain note"


def test_date_times_are_reduced_to_dates() -> None:
    assert split_datetime("2013-10-30T11:20:51-07:00") == ("2013-10-30", "T11:20:51-07:00")
    assert split_datetime("2013-10-30 11:20:51") == ("2013-10-30", " 11:20:51")
    assert split_datetime("2013-10-30") == ("2013-10-30", None)


@pytest.mark.parametrize(
    ("given", "code"),
    [("english", "en"), ("Russian", "ru"), ("russian", "ru"), ("rus", "ru"), ("ngerman", "de"), ("en_US", "en-US"),
     ("american", "en-US"), ("ru", "ru"), ("sr-latn-RS", "sr-Latn-RS"), ("Klingon of the far hills", "Klingon of the far hills")],
)  # fmt: skip
def test_language_names_become_bcp47(given: str, code: str) -> None:
    assert to_bcp47(given) == code


def test_langid_for_a_code() -> None:
    assert (to_langid("ru"), to_langid("en-GB"), to_langid("de"), to_langid("de-DE")) == (
        "russian",
        "british",
        "ngerman",
        None,
    )


def test_clean_item_merges_annote_into_the_note() -> None:
    item, details = clean_item(
        {"id": "a", "type": "book", "note": "N", "annote": "<p>A</p>", "language": "english"}
    )
    assert item == {"id": "a", "type": "book", "note": "N\n\nA", "language": "en"}
    assert "language 'english' read as 'en'" in details


@pytest.mark.parametrize("entry_type", [*ENTRY_TYPES, "phdthesis", "mastersthesis", "techreport", "conference",
                                        "electronic", "www"])  # fmt: skip
def test_every_biblatex_entry_type_is_known(entry_type: str) -> None:
    parsed = bibtex.loads(f"@{entry_type}{{k, title = {{T}}}}\n", source_name="t.bib")
    assert parsed[0].warnings == () and parsed[0].item["type"] in CSL_TYPES
    assert entry_type in BIBTEX_TO_CSL_TYPE


def test_the_extended_name_format() -> None:
    text = (
        "@book{k, author = {family=Heuvel, given=Charles, prefix=van den, useprefix=false and "
        'family=Gogh, given=Vincent, prefix=van, useprefix=true and family={Ivanov}, given="Ivan", given-i=I, suffix=Jr.}}\n'
    )
    assert bibtex.loads(text, source_name="t.bib")[0].item["author"] == [
        {"family": "Heuvel", "given": "Charles", "dropping-particle": "van den"},
        {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
        {"family": "Ivanov", "given": "Ivan", "suffix": "Jr."},
    ]


def test_an_unknown_part_of_an_extended_name_is_an_error() -> None:
    with pytest.raises(InputError) as err:
        bibtex.loads("@book{k, author = {family=Heuvel, nick=Chuck}}\n", source_name="t.bib")
    assert "'nick' is not a part of biblatex's extended name format" in str(err.value)


def test_fields_the_reader_does_not_use_are_reported() -> None:
    parsed = bibtex.loads(
        "@book{k, title = {T}, file = {a.pdf}, timestamp = {2020}, owner = {me}}\n", source_name="t.bib"
    )
    assert parsed[0].unused == ("file", "owner", "timestamp")


def test_bibtex_keys_and_ids_are_kept() -> None:
    item = bibtex.loads(
        "@book{Roberts:2006Stalin, title = {T}, ids = {RobertsWars, rw}}\n", source_name="t.bib"
    )[0].item
    assert item["id"] == "Roberts:2006Stalin" and item["custom"] == {"aliases": ["RobertsWars", "rw"]}
    assert "ids = {RobertsWars, rw}" in bibtex.format_entry(item)


def test_a_ris_record_without_ty_is_an_error_or_reported() -> None:
    text = "TY  - BOOK\nTI  - One\nER  - \nTI  - Lost\nER  - \nTY  - BOOK\nTI  - Three\nER  - \n"
    with pytest.raises(InputError) as err:
        ris.loads(text, source_name="r.ris")
    assert str(err.value).startswith("r.ris:4: a record without a 'TY  - ' line")
    errors: list[InputError] = []
    assert [p.item["title"] for p in ris.loads(text, source_name="r.ris", errors=errors)] == ["One", "Three"]
    assert [e.location for e in errors] == ["r.ris:4"]


def test_ris_header_lines_are_not_records() -> None:
    assert len(ris.loads("Provider: Zotero\n\nTY  - BOOK\nTI  - One\nER  - \n", source_name="r.ris")) == 1


def test_a_ris_record_with_only_st_gets_its_title() -> None:
    item = ris.loads("TY  - BOOK\nST  - Солдатский долг\nER  - \n", source_name="r.ris")[0].item
    assert item["title"] == "Солдатский долг"


def test_an_unknown_ris_type_is_a_document_with_a_warning() -> None:
    parsed = ris.loads("TY  - WHATEVER\nTI  - One\nER  - \n", source_name="r.ris")
    assert parsed[0].item["type"] == "document"
    assert parsed[0].warnings == ("unknown RIS type 'TY  - WHATEVER', read as a document",)


def _full_item(csl_type: str) -> dict[str, object]:
    return {
        "id": f"k-{csl_type}", "type": csl_type, "title": "Title", "title-short": "T",
        "author": [{"family": "Roberts", "given": "Geoffrey"}], "editor": [{"family": "Glantz", "given": "David"}],
        "container-title": "Container", "publisher": "Publisher", "publisher-place": "Place",
        "issued": {"date-parts": [[2006, 5, 12]]}, "accessed": {"date-parts": [[2020, 1, 2]]}, "volume": "3",
        "issue": "2", "page": "10-20", "ISBN": "9780300112047", "ISSN": "1351-8046", "URL": "https://example.org",
        "DOI": "10.1/x", "archive": "GARF", "archive-place": "Moscow", "archive_location": "f. 1, op. 2, d. 3",
        "language": "ru", "note": "A note.\n\nA second paragraph.", "abstract": "Abstract.", "keyword": "a, b",
        "citation-key": "Roberts:2006", "custom": {"aliases": ["Roberts:2006", "rw"]},
    }  # fmt: skip


def test_every_csl_type_exports_to_an_entry_biber_accepts(tmp_path: Path) -> None:
    items = [_full_item(t) for t in CSL_TYPES]
    editors_only = {**_full_item("book"), "id": "eds", "author": []}
    empty = {"id": "empty", "type": "article-journal"}
    text = "".join(bibtex.dumps([*items, editors_only, empty]))
    assert "@collection{eds," in text and "@article{empty,\n}" in text
    path = tmp_path / "all.bib"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file", str(tmp_path / "o.bib"), str(path)],
                         capture_output=True, text=True, cwd=tmp_path, check=False)  # fmt: skip
    lines = (run.stdout + run.stderr).splitlines()
    assert run.returncode == 0, lines
    bad = [
        line
        for line in lines
        if line.startswith("ERROR") or "nvalid field" in line or "invalid in data" in line
    ]
    assert bad == []
    # and the type comes back
    read = {p.item["id"]: p.item for p in bibtex.loads(text, source_name="all.bib")}
    assert {t: read[f"k-{t}"]["type"] for t in CSL_TYPES} == {t: t for t in CSL_TYPES}
    assert read["k-book"]["archive_location"] == "f. 1, op. 2, d. 3" and read["k-book"]["language"] == "ru"
    assert read["k-book"]["note"] == "A note.\n\nA second paragraph."


@pytest.mark.parametrize("fmt", ["ris", "csljson"])
def test_ris_and_csljson_keep_the_library_fields(fmt: str) -> None:
    module = {"ris": ris, "csljson": csljson}[fmt]
    item = {
        k: v
        for k, v in _full_item("article-journal").items()
        if k not in ("editor", "publisher", "publisher-place")
    }
    item["note"] = "A note."
    read = module.loads("".join(module.dumps([item])), source_name="x")[0].item
    for key in (
        "abstract",
        "keyword",
        "ISSN",
        "archive",
        "archive-place",
        "archive_location",
        "accessed",
        "note",
        "language",
    ):
        assert read[key] == item[key], key


def test_the_data_model_table_is_what_biber_says(tmp_path: Path) -> None:
    table = ROOT / "refdb" / "formats" / "bibtex" / "datamodel.py"
    before = table.read_text(encoding="utf-8")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "biblatex_datamodel.py")], check=True)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(table)], check=True)
    assert table.read_text(encoding="utf-8") == before


def test_raw_csl_dates_and_date_times_become_date_parts() -> None:
    item, details = clean_item({"id": "a", "type": "book", "issued": {"raw": "2013-10-30T11:20:51Z"},
                                "accessed": {"literal": "2020-01-02"}})  # fmt: skip
    assert item["issued"] == {"date-parts": [[2013, 10, 30]]} and item["accessed"] == {
        "date-parts": [[2020, 1, 2]]
    }
    assert (
        details[0] == "issued 2013-10-30T11:20:51Z read as the date 2013-10-30 (the time of day is not kept)"
    )
    kept, _ = clean_item({"id": "a", "type": "book", "issued": {"literal": "forthcoming"}})
    assert kept["issued"] == {"literal": "forthcoming"}


def test_a_note_and_an_annote_are_both_kept() -> None:
    item = bibtex.loads(
        "@book{k, title = {T}, note = {In Russian.}, annote = {<p>Mine.</p>}}\n", source_name="t"
    )[0].item
    cleaned, _ = clean_item(item)
    assert cleaned["note"] == "In Russian.\n\nMine." and "annote" not in cleaned
