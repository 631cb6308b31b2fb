"""The streaming paths give what the whole-database paths gave, byte for byte and record for record.

Pages of any size (down to one record) dump the same bytes; the direct YAML nodes are what PyYAML's
representer builds; a dump read a record at a time is the records ``parse`` reads, with their
``file:line``; a batched load writes and reports what the whole-file load does, relations to claims
further on included; the streamed JSON array is ``json.dumps`` of the list; and the word tables
follow every write, so lookups by name and title words find what the ``LIKE`` scan found.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from refdb import db
from refdb.cli.render import Column, OutputFormat, emit
from refdb.formats import dataset as fmt
from refdb.services.dataset import export_dataset, iter_pages, load_dataset, load_file
from tests.conftest import Backend, invoke


def _whole(url: str) -> str:
    with db.session_scope(url) as session:
        return fmt.dumps(export_dataset(session))


@pytest.mark.parametrize("page", [1, 2, 3, 7, 1000])
def test_pages_of_any_size_dump_the_same_bytes(db_url: str, page: int) -> None:
    with db.session_scope(db_url) as session:
        out = io.StringIO()
        count = fmt.dump_pages(iter_pages(session, page=page), out)
    assert out.getvalue() == _whole(db_url)
    assert count == 60


def test_an_empty_database_dumps_every_section_empty(empty_url: str) -> None:
    result = invoke(empty_url, "dump")
    assert result.exit_code == 0, result.output
    assert result.stdout == fmt.dumps(fmt.Dataset())
    assert "people: []\nsources: []\ntags: []\nclaims: []\nquotes: []\ncomments: []\n" in result.stdout


TRICKY = ["", " lead", "trail ", "yes", "null", "~", "123", "1.5", "0x1f", "a: b", "- x", "#c", "line\nbreak",
          "line\nbreak\n", "  indented\nblock", "tab\there", "Сталин", "\u2028", "end\n\n", '"q"', "'q'", "@x",
          "%x", "2006-05-01", "x" * 250, ("word " * 40).strip(), "\x85", "\ufeffbom", "*alias", "&anchor",
          "!tag", "a #b", "key:", "?", "|", ">", "null\n", "true"]  # fmt: skip


def test_the_direct_nodes_are_what_the_representer_builds() -> None:
    data = {"refdb": 1, "extra": [{"t": t, "n": 5, "b": True, "l": [t, [t]], t or "e": t} for t in TRICKY]}
    expected = yaml.dump(data, Dumper=fmt._dumper(), allow_unicode=True, sort_keys=False, width=100,
                         default_flow_style=False)  # fmt: skip
    assert fmt._yaml_text(data) == expected


def test_a_dump_read_a_record_at_a_time_is_what_parse_reads(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "dump.yaml"
    path.write_text(_whole(db_url), encoding="utf-8")
    whole = fmt.parse(path.read_text(encoding="utf-8"), source_name=str(path), base_dir=tmp_path)
    streamed = [(section, rec) for section, records, _ in fmt.iter_batches(path, source_name=str(path), base_dir=tmp_path)
                if section != "history" for rec in records]  # fmt: skip
    assert [rec for _, rec in streamed] == [rec for s in fmt.Dataset.SECTIONS for rec in getattr(whole, s)]
    assert [rec.loc for _, rec in streamed] == [rec.loc for s in fmt.Dataset.SECTIONS for rec in getattr(whole, s)]


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("people:\n", "people:\n- key: zz-last\n  name: Out of order\n", 1),  # keys not sorted
        lambda t: t.replace("refdb: 1\n", "", 1) + "refdb: 1\n",  # the marker last
        lambda t: t.replace("tags:", "tags: []\ntags:", 1),  # a section twice
        lambda t: t + "---\nrefdb: 1\n",  # two documents
        lambda t: t + "claims: [",  # a syntax error at the very end
    ],
    ids=["unsorted", "marker last", "section twice", "two documents", "syntax error at the end"],
)
def test_any_other_layout_is_read_whole(db_url: str, tmp_path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "odd.yaml"
    path.write_text(edit(_whole(db_url)), encoding="utf-8")
    with pytest.raises(fmt.NotStreamable):
        list(fmt.iter_batches(path, source_name=str(path), base_dir=tmp_path))


def test_a_repeated_key_is_reported_as_the_whole_file_reader_reports_it(db_url: str, tmp_path: Path) -> None:
    text = _whole(db_url)
    path = tmp_path / "twice.yaml"
    path.write_text(text.replace("tags:\n", "tags:\n- key: charm\n  label: Charm again\n", 1), encoding="utf-8")
    before = _whole(db_url)
    result = invoke(db_url, "load", str(path))
    assert result.exit_code == 5
    assert "duplicate tag key 'charm' (first at " in result.stderr
    assert _whole(db_url) == before


def _modified(text: str) -> str:
    """A dump with changes in several sections, and a new first claim related to a new last one."""
    first = "- key: aaa-first\n  kind: factual\n  text: First.\n  relations:\n  - relation: supports\n    claim: zz-last\n"
    return (
        text.replace("name: David M. Glantz", "name: David Glantz", 1)
        .replace("label: Charm", "label: Charm and care", 1)
        .replace("claims:\n", "claims:\n" + first, 1)
        .replace("quotes:", "- key: zz-last\n  kind: factual\n  text: A new claim.\nquotes:", 1)
    )  # fmt: skip


def test_a_batched_load_writes_and_reports_what_the_whole_load_does(
    backend: Backend, seeded_template: str, tmp_path: Path
) -> None:
    streamed_url, whole_url = backend.copy(seeded_template), backend.copy(seeded_template)
    path = tmp_path / "changed.yaml"
    path.write_text(_modified(_whole(streamed_url)), encoding="utf-8")
    with db.session_scope(streamed_url, write=True) as session:
        streamed = load_file(session, path, batch=2)
    dataset = fmt.parse(path.read_text(encoding="utf-8"), source_name=str(path), base_dir=tmp_path)
    with db.session_scope(whole_url, write=True) as session:
        whole = load_dataset(session, dataset)
    assert streamed.summary() == whole.summary()
    assert sum(streamed.updated.values()) >= 2 and streamed.added["claim"] == 2
    assert _whole(streamed_url) == _whole(whole_url)
    # and the same file again changes nothing, reading only
    with db.session_scope(streamed_url, write=True) as session:
        again = load_file(session, path, batch=2)
    assert sum(again.added.values()) == sum(again.updated.values()) == 0


def test_a_load_into_an_empty_database_and_a_copy_give_back_the_dump(
    db_url: str, backend: Backend, tmp_path: Path
) -> None:
    path = tmp_path / "dump.yaml"
    text = _whole(db_url)
    path.write_text(text, encoding="utf-8")
    loaded, copied = backend.new_url(), backend.new_url()
    assert invoke(loaded, "load", str(path)).exit_code == 0
    assert invoke(db_url, "db", "copy", "--to", copied).exit_code == 0
    assert _whole(loaded) == text
    assert _whole(copied) == text


@pytest.mark.parametrize("n", [0, 1, 3, 1200])  # past FAST_AFTER: the fast encoder's records too
def test_the_streamed_json_array_is_json_dumps_of_the_list(n: int) -> None:
    records = [{"key": f"k{i}", "text": TRICKY[i % len(TRICKY)] + "\x00\x1f\x7f\u2028 “q” 😀 </script>",
                "list": [1, -2, True, False, {"a": None, "b": {}}], "empty": []} for i in range(n)]  # fmt: skip
    out = io.StringIO()
    emit(iter(records), OutputFormat.json, [Column("KEY", lambda r: r["key"])], empty="none", out=out)
    assert out.getvalue() == json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def test_the_word_tables_follow_every_write(db_url: str) -> None:
    assert "glantz-colossus-reborn" in invoke(db_url, "sources", "Colossus").stdout
    result = invoke(db_url, "edit", "source", "glantz-colossus-reborn", "--set", "title=Giant Reborn",
                    "--set", "short_title=Giant")
    assert result.exit_code == 0, result.output
    assert "glantz-colossus-reborn" not in invoke(db_url, "sources", "Colossus").stdout
    assert "glantz-colossus-reborn" in invoke(db_url, "sources", "Giant").stdout
    assert "zhukov" in invoke(db_url, "people", "Жуков").stdout
    assert "zhukov" in invoke(db_url, "people", "georgy zhukov").stdout
    assert "no people match" in invoke(db_url, "people", "georgy stalin").stderr


def _entry(i: int, *, doi: str | None = None, title: str | None = None, note: str = "", author: int | None = None) -> str:
    fields = [f"author = {{Author{(i if author is None else author) % 37}, Given}}", "year = {1999}"]
    if title is not None:
        fields.append(f"title = {{{title}}}")
    if doi is not None:
        fields.append(f"doi = {{{doi}}}")
    if note:
        fields.append(f"note = {{{note}}}")
    return f"@book{{e{i},\n  " + ",\n  ".join(fields) + "\n}\n"


def test_a_streamed_import_finds_duplicates_across_its_batches(empty_url: str, tmp_path: Path) -> None:
    """2,500 new works (three batches of the importer), then duplicates of works of the first batch,
    of the batch just written and of this batch, by DOI, by title and author and year, and an untitled
    identical record: each is merged into the work it repeats (its key kept as an alias)."""
    entries = [_entry(i, doi=f"10.1/{i}", title=f"Work {i}") for i in range(2500)]
    entries += [_entry(i, title=None) for i in range(2500, 2503)]  # untitled works
    entries += [_entry(10_000 + i, doi=f"10.1/{i}", title=f"Work {i}", note="A note") for i in (0, 999, 1500, 2499)]
    entries += [_entry(20_000 + i, title=f"Work {i}", author=i) for i in (5, 2498)]  # same title, author, year
    entries += [_entry(2500, title=None).replace("@book{e2500,", "@book{again,")]  # identical but for its key
    path = tmp_path / "big.bib"
    path.write_text("".join(entries), encoding="utf-8")
    result = invoke(empty_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "added 2503, merged 7, skipped 0" in result.stderr + result.stdout
    with db.session_scope(empty_url) as session:
        sources = {s.key: s for s in export_dataset(session).sources}
    assert len(sources) == 2503
    assert {k for k, s in sources.items() if s.note == "A note"} == {"e0", "e999", "e1500", "e2499"}
    assert sources["e0"].aliases == ["e10000"]
    assert sources["e2498"].aliases == ["e22498"] and sources["e2500"].aliases == ["again"]
