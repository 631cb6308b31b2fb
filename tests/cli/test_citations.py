"""Citations through the CLI: export, import, cite, bibliography, on the seed and the reference files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SHARED, Cli, invoke

Dump = Callable[[str], str]
REF = SHARED / "reference"


def _out(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cite_the_main_thesis_in_chicago(cli: Cli) -> None:
    lines = _out(cli, "cite", "stalin-always-listened").splitlines()
    assert lines[0] == (
        "1. Geoffrey Roberts, Stalin’s Wars: From World War to Cold War, 1939–1953 "
        "(Yale University Press, 2006), 159–62."
    )
    assert lines[1] == "2. Stalin and His Generals, n.d., para. 1."
    assert "Bibliography" in lines
    assert "Roberts, Geoffrey. Stalin’s Wars: From World War to Cold War, 1939–1953. Yale University Press, 2006." in lines


def test_a_second_citation_of_the_same_work_is_the_short_note(cli: Cli) -> None:
    _out(cli, "link", "cite", "stalin-always-listened", "roberts-stalins-wars", "--locator", "160", "--stance", "reports")
    lines = _out(cli, "cite", "stalin-always-listened").splitlines()
    assert lines[2] == "3. Roberts, Stalin’s Wars, 160."


def test_glantz_page_range_is_abbreviated(cli: Cli) -> None:
    first = _out(cli, "cite", "factor-continuity").splitlines()[0]
    assert first == (
        "1. David M. Glantz, Colossus Reborn: The Red Army at War, 1941–1943 (University Press of Kansas, 2005), 534–35."
    )


def test_every_claim_that_cites_a_source_gets_its_notes(cli: Cli) -> None:
    claims = json.loads(_out(cli, "claims", "--format", "json"))
    for claim in claims:
        if not claim["citations"]:
            continue
        text = _out(cli, "cite", claim["key"])
        notes = [line for line in text.split("\n\nBibliography")[0].splitlines() if line.strip()]
        assert len(notes) == len(claim["citations"]), claim["key"]


def test_cite_formats(cli: Cli) -> None:
    md = _out(cli, "cite", "factor-continuity", "--format", "markdown")
    assert "*Colossus Reborn: The Red Army at War, 1941–1943*" in md
    html = _out(cli, "cite", "factor-continuity", "--format", "html")
    assert "<em>Colossus Reborn: The Red Army at War, 1941–1943</em>" in html and html.startswith("<ol")


def test_bibliography_in_other_styles(cli: Cli) -> None:
    apa = _out(cli, "bibliography", "--style", "apa", "--source", "roberts")
    assert apa.strip() == "Roberts, G. (2006). Stalin’s Wars: From World War to Cold War, 1939–1953. Yale University Press."
    mla = _out(cli, "bibliography", "--style", "mla", "--source", "glantz")
    assert mla.strip() == "Glantz, David M. Colossus Reborn: The Red Army at War, 1941–1943. University Press of Kansas, 2005."
    every = _out(cli, "bibliography").splitlines()
    assert every == sorted(every, key=lambda s: s.lstrip("“").casefold())
    assert len(every) == 5  # Chicago leaves the reader's comment (a post) out of the bibliography


def test_style_from_a_csl_file(cli: Cli, tmp_path: Path) -> None:
    from refdb.engines.citeproc import resolve_style

    path = tmp_path / "mine.csl"
    path.write_bytes(resolve_style("apa").read_bytes())
    assert _out(cli, "bibliography", "--style", str(path), "--source", "roberts").startswith("Roberts, G. (2006).")


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csljson"])
def test_export_import_export_is_identical(cli: Cli, empty_url: str, tmp_path: Path, fmt: str) -> None:
    for sample in [*sorted((REF / "ris-samples").glob("*.ris")), REF / "bibtex-samples" / "bibtex.bib"]:
        assert cli("import", str(sample)).exit_code == 0, sample
    first = _out(cli, "export", "--format", fmt)
    path = tmp_path / f"all.{ {'bibtex': 'bib', 'ris': 'ris', 'csljson': 'json'}[fmt] }"
    path.write_text(first, encoding="utf-8")
    result = invoke(empty_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert invoke(empty_url, "export", "--format", fmt).stdout == first
    again = invoke(empty_url, "import", str(path))
    assert "added 0," in again.stderr


def test_csljson_export_validates_against_the_official_schema(cli: Cli) -> None:
    import jsonschema

    schema = json.loads((REF / "csl-schema" / "csl-data.json").read_text(encoding="utf-8"))
    for sample in sorted((REF / "ris-samples").glob("*.ris")):
        cli("import", str(sample))
    data = json.loads(_out(cli, "export", "--format", "csljson"))
    jsonschema.validate(data, schema)
    assert len(data) > 6


def test_bibtex_export_is_read_back_by_bibtexparser(cli: Cli) -> None:
    import bibtexparser

    cli("add", "source", "Война и {мир} & 100% $#_", "--author", "Толстой, Лев", "--key", "tolstoy")
    library = bibtexparser.parse_string(_out(cli, "export", "--format", "bibtex"))
    assert not library.failed_blocks
    assert len(library.entries) == 7
    tolstoy = next(e for e in library.entries if e.key == "tolstoy")
    assert str(tolstoy.fields_dict["author"].value) == "Толстой, Лев"


def test_zotero_ris_and_bibtex_of_one_work_are_one_source(cli: Cli, tmp_path: Path) -> None:
    bib = tmp_path / "z.bib"
    bib.write_text(
        "@book{beevor_stalingrad_1998,\n  address = {London},\n  title = {Stalingrad},\n"
        "  isbn = {978-0-670-87095-0},\n  publisher = {Viking},\n  author = {Beevor, Antony},\n  year = {1998},\n}\n",
        encoding="utf-8",
    )
    ris = tmp_path / "z.ris"
    ris.write_text(
        "TY  - BOOK\nTI  - Stalingrad\nAU  - Beevor, Antony\nCY  - London\nDA  - 1998///\nPY  - 1998\n"
        "SN  - 978-0-670-87095-0\nPB  - Viking\nLA  - en\nER  - \n",
        encoding="utf-8",
    )
    assert "added 1, merged 0, skipped 0" in cli("import", str(bib)).stderr
    result = cli("import", str(ris))
    assert "added 0, merged 1, skipped 0" in result.stderr
    assert "filled language" in result.stderr
    assert len(json.loads(_out(cli, "sources", "stalingrad", "--format", "json"))) == 1


def test_duplicate_rules(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    items = [
        {"id": "book", "type": "book", "title": "The Book", "ISBN": "0300112041", "issued": {"date-parts": [[2006]]}},
        {"id": "ch1", "type": "chapter", "title": "One", "ISBN": "978-0-300-11204-7", "container-title": "The Book"},
        {"id": "ch2", "type": "chapter", "title": "Two", "ISBN": "978-0-300-11204-7", "container-title": "The Book"},
        {"id": "art", "type": "article-journal", "title": "An Article", "DOI": "10.1/x",
         "issued": {"date-parts": [[2001]]}},
        {"id": "art-again", "type": "article-journal", "title": "An article", "DOI": "https://doi.org/10.1/X",
         "issued": {"date-parts": [[2001]]}, "volume": "3"},
        {"id": "clash", "type": "article-journal", "title": "Something Else", "DOI": "10.1/x",
         "issued": {"date-parts": [[1999]]}},
    ]  # fmt: skip
    path.write_text(json.dumps(items), encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "added 5, merged 1, skipped 0, 1 warning" in result.stderr  # a DOI clash keeps both works
    assert "record 5 into 'art': filled volume" in result.stderr
    assert "record 6: shares DOI 10.1/x with 'art' but differs in title and year: kept both" in result.stderr
    again = cli("import", str(path))
    assert "added 0, merged 0, skipped 6" in again.stderr
    path.write_text(json.dumps([{**items[3], "id": "art-4", "page": "1-20"}]), encoding="utf-8")
    assert "record 1 into 'art': filled pages" in cli("import", str(path)).stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.bib", "@book{x,\n  title = {Unbalanced,\n  year = 2000\n}\n", "a.bib:1"),
        ("b.bib", "@book{x, author = {A, B, C, D}}\n", "b.bib:1"),
        ("c.ris", "TY  - BOOK\nTI  - No end\n", "c.ris"),
        ("d.json", '[{"type": "book", "title": "T"}]', "d.json, record 1"),
        ("e.json", '{"id": "x"}', "e.json"),
        ("f.json", '[{"id": "x", "type": "book", "issued": "2006"}]', "d.json" if False else "f.json, record 1"),
        ("g.bib", b"@book{x, title = {\xff}}\n", "g.bib:1: not valid UTF-8 (byte 0xFF)"),
        ("h.ris", "", "h.ris: the file is empty"),
    ],
)  # fmt: skip
def test_bad_files_give_one_line_and_change_nothing(cli: Cli, db_url: str, dump_of: Dump, tmp_path: Path,
                                                    name: str, content: str | bytes, message: str) -> None:  # fmt: skip
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = dump_of(db_url)
    result = cli("import", str(path))
    assert result.exit_code != 0 and result.exception is None
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert dump_of(db_url) == before


def test_skip_bad_imports_the_good_entries(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([{"id": "ok", "type": "book", "title": "Fine"},
                                {"id": "bad", "type": "book", "title": 3},
                                {"id": "ok2", "type": "book", "title": "Also fine"}]))  # fmt: skip
    refused = cli("import", str(path))
    assert refused.exit_code == 5 and "record 2" in refused.stderr
    result = cli("import", str(path), "--skip-bad")
    assert result.exit_code == 0, result.output
    assert "added 2, merged 0, skipped 1" in result.stderr
    assert "skipped " in result.stderr and "record 2" in result.stderr


def test_unknown_style_claim_and_format(cli: Cli) -> None:
    result = cli("cite", "stalin-always-listened", "--style", "no-such-style")
    assert result.exit_code != 0 and result.stderr.startswith("Error: unknown citation style 'no-such-style'")
    assert cli("cite", "no-such-claim").stderr == "Error: no claim with key 'no-such-claim'\n"
    assert cli("export", "--format", "docx").exit_code == 2


def test_output_never_overwrites_without_force(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    target.write_text("precious", encoding="utf-8")
    result = cli("export", "--format", "bibtex", "--output", str(target))
    assert result.exit_code == 4 and result.stderr == f"Error: {target} exists; pass --force to overwrite it\n"
    assert target.read_text(encoding="utf-8") == "precious"
    assert cli("export", "--format", "bibtex", "--output", str(target), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("@")


def test_export_selection_filters(cli: Cli) -> None:
    keys = [i["id"] for i in json.loads(_out(cli, "export", "--format", "csljson", "--claim", "factor-continuity"))]
    assert keys == ["glantz-colossus-reborn", "stalin-and-his-generals"]
    keys = [i["id"] for i in json.loads(_out(cli, "export", "--format", "csljson", "--tag", "purges"))]
    assert keys == ["comment-charmer", "stalin-and-his-generals"]
    csv_text = _out(cli, "export", "--format", "csv", "--source", "roberts")
    assert csv_text.splitlines()[1].startswith("roberts-stalins-wars,book,")


def test_a_large_import_indexes_every_new_source_once(cli: Cli, tmp_path: Path) -> None:
    """Over 1,000 entries the search triggers are suspended and the new sources indexed at the end."""
    path = tmp_path / "many.json"
    items = [{"id": f"many-{i}", "type": "book", "title": f"Volume {i} of the zeppelinology series",
              "issued": {"date-parts": [[1900 + i % 100]]}} for i in range(1200)]  # fmt: skip
    path.write_text(json.dumps(items), encoding="utf-8")
    assert "added 1200" in cli("import", str(path)).stderr
    found = json.loads(_out(cli, "search", "zeppelinology", "--kind", "source", "--limit", "5000", "--format", "json"))
    assert len(found) == 1200
    checks = json.loads(cli("check", "--format", "json").stdout)
    assert not [p for p in checks if p["check"] == "search index"]
    cli("add", "source", "After the bulk import: zeppelinology", "--key", "after")  # the triggers are back
    assert len(json.loads(_out(cli, "search", "zeppelinology", "--limit", "5000", "--format", "json"))) == 1201
