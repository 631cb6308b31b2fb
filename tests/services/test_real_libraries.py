"""Real libraries in, valid files out (issue 11): every biblatex type, Better BibTeX's names and keys,
nothing dropped in silence, and exports that biber and pandoc accept."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pypandoc
import pytest

from tests.conftest import SHARED, Cli

HERE = Path(__file__).resolve().parent.parent / "formats" / "library"
BBT = HERE / "bbt.bib"
ZOTERO_RIS = HERE / "zotero.ris"


def _export(cli: Cli, fmt: str, *extra: str) -> str:
    result = cli("export", "--format", fmt, *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


def _biber_problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "export.bib"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file", str(tmp_path / "out.bib"),
                          str(path)], capture_output=True, text=True, cwd=tmp_path, check=False)  # fmt: skip
    lines = (run.stdout + run.stderr).splitlines()
    assert run.returncode == 0, lines
    # errors, and fields the data model has no place for; a missing title or date is the data's own gap
    return [
        line
        for line in lines
        if line.startswith("ERROR") or "nvalid field" in line or "invalid in data" in line
    ]


def _pandoc_reads(text: str, fmt: str) -> list[dict[str, object]]:
    return json.loads(pypandoc.convert_text(text, "csljson", format=fmt))  # type: ignore[no-any-return]


def test_a_better_bibtex_library_imports_whole(cli: Cli) -> None:
    result = cli("import", str(BBT), "--verbose")
    assert result.exit_code == 0, result.output
    assert "added 24, merged 0, skipped 0, 1 warning" in result.stderr
    assert (
        "warning " + str(BBT) + ":35: unknown entry type '@frobnicate' (entry 'odd'), read as a document"
        in result.stderr
    )
    assert f"not stored {BBT}:7: file" in result.stderr
    assert "date 2013-10-30T11:20:51-07:00 read as the date 2013-10-30" in result.stderr
    assert "kept " in result.stderr and "'Malevich:1915' as an alias of 'malevich-1915'" in result.stderr
    items = {i["id"]: i for i in json.loads(_export(cli, "csljson"))}
    assert items["harvardspeech2013"]["title"] == "Harvard's speech in Göttingen"
    assert items["harvardspeech2013"]["issued"] == {"date-parts": [[2013, 10, 30]]}
    assert items["harvardspeech2013"]["accessed"] == {"date-parts": [[2014, 1, 2]]}
    assert items["malevich-1915"]["type"] == "graphic" and items["malevich-1915"]["language"] == "ru"
    heuvel = items["vandenheuvel2001"]
    assert heuvel["note"] == "Reading note: **important**\n\nSecond paragraph"
    assert heuvel["keyword"] == "maps, Netherlands" and heuvel["abstract"] == "An abstract."
    assert heuvel["language"] == "en"
    archival = items["garf-5446"]
    assert (archival["archive"], archival["archive-place"], archival["archive_location"]) == (
        "GARF", "Moscow", "f. 5446, op. 1, d. 12, l. 3")  # fmt: skip
    assert items["odd"]["type"] == "document"
    assert items["newsp"]["type"] == "article-newspaper"
    # the imported keys resolve wherever a source key is taken
    shown = cli("sources", "Malevich:1915", "--format", "json")
    assert shown.exit_code == 0 and "malevich-1915" in shown.stdout
    # Chicago prints the archive
    bib = cli("bibliography", "--source", "GARF:5446")
    assert "F. 5446, op. 1, d. 12, l. 3. GARF, Moscow." in bib.stdout, bib.output


def test_the_extended_name_format_reads_into_family_given_particle(cli: Cli) -> None:
    assert cli("import", str(BBT)).exit_code == 0
    items = {i["id"]: i for i in json.loads(_export(cli, "csljson"))}
    assert items["vandenheuvel2001"]["author"] == [{"family": "Heuvel", "given": "Charles",
                                                    "non-dropping-particle": "van den"}]  # fmt: skip


def test_exports_pass_biber_and_pandoc(cli: Cli, tmp_path: Path) -> None:
    for path in (
        BBT,
        ZOTERO_RIS,
        SHARED / "reference" / "bibtex-samples" / "bibtex.bib",
        SHARED / "reference" / "ris-samples" / "example_full.ris",
    ):
        assert cli("import", str(path), "--skip-bad").exit_code == 0
    for keys in ("refdb", "imported"):
        bibtex = _export(cli, "bibtex", "--keys", keys)
        assert _biber_problems(tmp_path, bibtex) == []
        assert ("@misc{" in bibtex and "@collection{glantz-colossus," in bibtex) or keys == "imported"
        assert len(_pandoc_reads(bibtex, "biblatex")) == bibtex.count("\n@") + 1
        assert len(_pandoc_reads(bibtex, "bibtex")) == bibtex.count("\n@") + 1
    assert "langid = {russian}" in _export(cli, "bibtex")
    assert "@collection{Glantz:Colossus," in _export(cli, "bibtex", "--keys", "imported")
    n = len(json.loads(_export(cli, "csljson")))
    assert len(_pandoc_reads(_export(cli, "csljson"), "csljson")) == n
    assert len(_pandoc_reads(_export(cli, "ris"), "ris")) == n


def test_an_empty_record_is_still_a_valid_entry(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.ris"
    path.write_text("TY  - JOUR\nER  - \n", encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    bibtex = _export(cli, "bibtex")
    assert _biber_problems(tmp_path, bibtex) == []
    assert "@article{record1,\n}" in bibtex


def test_a_zotero_ris_export_keeps_abstract_keywords_accessed_archive(cli: Cli) -> None:
    result = cli("import", str(ZOTERO_RIS), "--verbose")
    assert result.exit_code == 0, result.output
    assert "added 2" in result.stderr and "1 field not stored in 1 record" in result.stderr
    assert f"not stored {ZOTERO_RIS}:1: L1" in result.stderr
    items = json.loads(_export(cli, "csljson", "--source", "roberts"))
    article = next(i for i in items if i["type"] == "article-journal")
    assert article["abstract"] == "An abstract of the article."
    assert article["keyword"] == "Red Army, Stalin"
    assert article["accessed"] == {"date-parts": [[2013, 10, 30]]}
    assert article["ISSN"] == "1351-8046" and article["archive"] == "RGASPI"
    assert article["archive_location"] == "f. 17, op. 3" and article["note"] == "A reading note."
    memoir = json.loads(_export(cli, "csljson", "--source", "Рокоссовский"))[0]
    assert (
        memoir["title"] == "Солдатский долг"
        and memoir["language"] == "ru"
        and memoir["abstract"] == "Memoirs."
    )


def test_a_ris_record_without_ty_is_an_error_with_its_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "noty.ris"
    path.write_text("TY  - BOOK\nTI  - One\nER  - \n\nTI  - Two\nER  - \nTY  - BOOK\nTI  - Three\nER  - \n")
    refused = cli("import", str(path))
    assert refused.exit_code == 5 and refused.stderr.count("\n") == 1
    assert f"{path}:5: a record without a 'TY  - ' line" in refused.stderr
    skipped = cli("import", str(path), "--skip-bad")
    assert "added 2, merged 0, skipped 1" in skipped.stderr


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csljson"])
def test_import_export_import_changes_nothing(cli: Cli, tmp_path: Path, fmt: str) -> None:
    assert cli("import", str(BBT)).exit_code == 0
    assert cli("import", str(ZOTERO_RIS)).exit_code == 0
    first = _export(cli, fmt)
    path = tmp_path / f"again.{ {'bibtex': 'bib', 'ris': 'ris', 'csljson': 'json'}[fmt] }"
    path.write_text(first, encoding="utf-8")
    again = cli("import", str(path))
    assert again.exit_code == 0 and "added 0, merged 0" in again.stderr, again.output
    assert _export(cli, fmt) == first


def test_keys_survive_a_merge_as_aliases(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bbt.bib"
    path.write_text(
        "@book{roberts_stalins_2006,\n  author = {Roberts, Geoffrey},\n  title = {Stalin's Wars: From World War to"
        " Cold War, 1939--1953},\n  date = {2006},\n  publisher = {Yale University Press}\n}\n",
        encoding="utf-8",
    )  # the seed holds this book as roberts-stalins-wars
    result = cli("import", str(path), "--verbose")
    assert (
        "merged 1" in result.stderr
        and "'roberts_stalins_2006' as an alias of 'roberts-stalins-wars'" in result.stderr
    )
    assert "roberts-stalins-wars" in cli("sources", "roberts_stalins_2006", "--format", "json").stdout
    assert (
        cli("link", "cite", "stalin-always-listened", "roberts_stalins_2006", "--locator", "200").exit_code
        == 0
    )
    assert "roberts-stalins-wars" in cli("claim", "stalin-always-listened", "--format", "json").stdout
    edited = cli("edit", "source", "roberts_stalins_2006", "--set", "archive=Yale archive")
    assert edited.exit_code == 0, edited.output
    exported = _export(cli, "bibtex", "--keys", "imported", "--source", "roberts-stalins-wars")
    assert exported.startswith("@book{roberts_stalins_2006,") and "ids = {roberts-stalins-wars}" in exported
    assert "Roberts" in cli("cite", "stalin-always-listened").stdout


def test_an_alias_names_one_source(cli: Cli) -> None:
    added = cli("add", "source", "A Work", "--key", "work-a", "--alias", "Work:A", "--archive", "GARF")
    assert added.exit_code == 0, added.output
    clash = cli("add", "source", "Another", "--key", "work-b", "--alias", "Work:A")
    assert clash.exit_code != 0 and clash.stderr.count("\n") == 1
    assert "'Work:A' is an alias of 'work-a' already" in clash.stderr
    key_clash = cli("add", "source", "Third", "--key", "work-c", "--alias", "work-a")
    assert key_clash.exit_code != 0 and "'work-a' is the key of another source" in key_clash.stderr


def test_a_dump_holds_the_new_fields_and_aliases(cli: Cli, db_url: str, dump_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", str(BBT)).exit_code == 0
    assert cli("import", str(ZOTERO_RIS)).exit_code == 0
    dumped = cli("dump").stdout
    assert "archive_location: f. 5446, op. 1, d. 12, l. 3" in dumped
    assert "- Malevich:1915" in dumped and "2014-01-02" in dumped
    path = tmp_path / "d.yaml"
    path.write_text(dumped, encoding="utf-8")
    assert "updated 0" in cli("load", str(path)).stderr


def test_a_key_that_names_another_source_is_a_warning(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "k.bib"
    path.write_text(
        "@book{roberts-stalins-wars,\n  title = {A Different Book},\n  date = {1999}\n}\n", encoding="utf-8"
    )
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert (
        "citation key 'roberts-stalins-wars' already names another source; this one is 'roberts-stalins-wars-2'"
        in (result.stderr)
    )


def test_an_alias_works_for_quotes_comments_unlink_and_rm(cli: Cli) -> None:
    assert (
        cli("add", "source", "Archival File", "--key", "garf-file", "--alias", "GARF:5446:1").exit_code == 0
    )
    assert cli("add", "claim", "A claim from the archive.", "--key", "from-archive").exit_code == 0
    assert cli("link", "cite", "from-archive", "GARF:5446:1", "--locator", "3").exit_code == 0
    quote = cli("add", "quote", "Words.", "--origin", "GARF:5446:1", "--key", "archival-words")
    assert quote.exit_code == 0, quote.output
    assert "garf-file" in cli("quotes", "--source", "GARF:5446:1").stdout
    unlinked = cli("unlink", "cite", "from-archive", "GARF:5446:1")
    assert unlinked.exit_code == 0 and "removed 1 citation" in unlinked.stderr
    assert cli("rm", "quote", "archival-words").exit_code == 0
    removed = cli("rm", "source", "GARF:5446:1")
    assert removed.exit_code == 0, removed.output
    assert (
        cli("sources", "GARF:5446:1").stdout.strip() == ""
        or "no sources" in cli("sources", "GARF:5446:1").stderr
    )
