"""A re-load skips the records whose text is unchanged, and never one that would load differently.

The route: a streamed load stores the digest of each record's text (``record_digest``) at the current
epoch; a re-load hashes each record's text and parses only those the database does not hold as
they are.  Every write other than a streamed load raises the epoch when it commits, so after an
edit, a removal, a rename or a merge no digest counts; a load that changes a source raises it too.
What is observed here is what the reader parses (``iter_batches`` with the database's digests),
and that what a re-load leaves is what the whole-file reader would leave.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from refdb import db
from refdb.errors import InputError
from refdb.formats import dataset as fmt
from refdb.services.dataset import _known, export_dataset, load_file
from tests.conftest import Backend, invoke


def _whole(url: str) -> str:
    with db.session_scope(url) as session:
        return fmt.dumps(export_dataset(session))


def _parsed(url: str, path: Path) -> tuple[list[str], int]:
    """The keys a re-load of the file would parse, and how many records it would skip."""
    keys: list[str] = []
    skipped = 0
    with db.session_scope(url) as session:
        for section, records, unchanged in fmt.iter_batches(path, source_name=str(path), base_dir=path.parent,
                                                            known=_known(session)):  # fmt: skip
            if section != "history":
                keys += [r.key for r in records]  # type: ignore[attr-defined]
                skipped += unchanged
    return keys, skipped


@pytest.fixture
def loaded(db_url: str, backend: Backend, tmp_path: Path) -> tuple[str, Path]:
    """A new database loaded from the seed db's dump, and that dump."""
    path = tmp_path / "dump.yaml"
    path.write_text(_whole(db_url), encoding="utf-8")
    url = backend.new_url()
    result = invoke(url, "load", str(path))
    assert result.exit_code == 0, result.output
    return url, path


def test_an_unchanged_reload_parses_no_record(loaded: tuple[str, Path]) -> None:
    url, path = loaded
    assert _parsed(url, path) == ([], 60)
    result = invoke(url, "load", str(path))
    assert result.exit_code == 0, result.output
    assert "added 0; updated 0; unchanged 60 (18 people, 6 sources, 7 tags, 25 claims, 3 quotes, 1 comment)" in (
        result.stderr + result.stdout
    )
    assert _whole(url) == path.read_text(encoding="utf-8")


def test_a_changed_record_is_parsed_and_written(loaded: tuple[str, Path]) -> None:
    url, path = loaded
    text = path.read_text(encoding="utf-8")
    changed = text.replace("label: Charm\n", "label: Charm and care\n", 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    assert _parsed(url, path) == (["charm"], 59)
    result = invoke(url, "load", str(path))
    assert result.exit_code == 0, result.output
    assert "updated 1 (1 tag)" in result.stderr + result.stdout
    assert _whole(url) == changed
    assert _parsed(url, path) == ([], 60)  # the new text is the one the database now holds


@pytest.mark.parametrize(
    "command",
    [
        ["edit", "claim", "factor-charm", "--set", "text=Charm alone."],
        ["edit", "source", "glantz-colossus-reborn", "--set", "key=glantz-1"],
        ["rm", "source", "glantz-colossus-reborn", "--cascade"],
        ["rm", "claim", "fear-and-terror-picture", "--cascade"],
        ["add", "tag", "New", "--key", "new-tag"],
    ],
    ids=["edit", "rename", "rm source", "rm claim", "add"],
)
def test_after_any_other_write_no_digest_counts(loaded: tuple[str, Path], command: list[str]) -> None:
    url, path = loaded
    result = invoke(url, *command)
    assert result.exit_code == 0, result.output
    keys, skipped = _parsed(url, path)
    assert skipped == 0 and len(keys) == 60
    # and the re-load does what the whole-file reader does: the file's records are back as written
    result = invoke(url, "load", str(path))
    assert result.exit_code == 0, result.output
    with db.session_scope(url) as session:
        now = fmt.to_plain(export_dataset(session))
    dumped = fmt.to_plain(fmt.parse(path.read_text(encoding="utf-8"), source_name=str(path)))
    for section in fmt.Dataset.SECTIONS:
        theirs = {r["key"]: r for r in dumped[section]}
        assert all(r == theirs[r["key"]] for r in now[section] if r["key"] in theirs)
        assert set(theirs) <= {r["key"] for r in now[section]}
    assert _parsed(url, path) == ([], 60)


def test_a_load_that_changes_a_source_makes_every_earlier_digest_stale(loaded: tuple[str, Path],
                                                                       tmp_path: Path) -> None:  # fmt: skip
    url, path = loaded
    text = path.read_text(encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(text.replace("name: David M. Glantz", "name: David Glantz", 1)
                     .replace("title: Colossus Reborn", "title: Colossus Reborn Again", 1), encoding="utf-8")  # fmt: skip
    assert invoke(url, "load", str(other)).exit_code == 0
    # the people were stored before the changed source raised the epoch: they count no more; the
    # records after it were stored at the new epoch, and their texts are the same in both files
    keys, skipped = _parsed(url, path)
    assert (len(keys), skipped) == (24, 36)
    assert invoke(url, "load", str(path)).exit_code == 0  # changes the source back: the epoch again
    assert _whole(url) == text
    assert invoke(url, "load", str(path)).exit_code == 0
    assert _parsed(url, path) == ([], 60)


def test_a_record_naming_a_text_file_is_always_read(empty_url: str, tmp_path: Path) -> None:
    (tmp_path / "essay.txt").write_text("The first text.", encoding="utf-8")
    path = tmp_path / "data.yaml"
    path.write_text("refdb: 1\nsources:\n- key: essay\n  type: article\n  title: An essay\n  text_file: essay.txt\n",
                    encoding="utf-8")  # fmt: skip
    assert invoke(empty_url, "load", str(path)).exit_code == 0
    assert invoke(empty_url, "load", str(path)).exit_code == 0
    assert _parsed(empty_url, path) == (["essay"], 0)
    (tmp_path / "essay.txt").write_text("The second text.", encoding="utf-8")
    result = invoke(empty_url, "load", str(path))
    assert result.exit_code == 0, result.output
    assert "updated 1 (1 source)" in result.stderr + result.stdout


def test_a_failed_reload_changes_nothing_and_keeps_the_digests(loaded: tuple[str, Path], tmp_path: Path) -> None:
    url, path = loaded
    text = path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("label: Charm\n", "label: Charm and care\n", 1)
                   .replace("stance: rejects", "stance: wrong", 1), encoding="utf-8")  # fmt: skip
    result = invoke(url, "load", str(bad))
    assert result.exit_code != 0
    assert "wrong" in result.stderr
    assert _whole(url) == text
    assert _parsed(url, path) == ([], 60)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("people:\n", "people:\n- key: zz-last\n  name: Out of order\n", 1),  # keys not sorted
        lambda t: t.replace("refdb: 1\n", "", 1) + "refdb: 1\n",  # the marker last
        lambda t: t.replace("tags:", "tags: []\ntags:", 1),  # a section twice
        lambda t: t + "---\nrefdb: 1\n",  # two documents
        lambda t: t + "claims: [",  # a syntax error at the very end
        lambda t: t.replace("- key: charm\n  label: Charm\n", "- key: charm\n  label: &c Charm\n", 1)
        .replace("- key: continuity\n  label: Continuity\n", "- key: continuity\n  label: *c\n", 1),  # an alias
        lambda t: t.replace("tags:\n- key: charm", "tags:\n  - key: charm", 1),  # an indented sequence
    ],
    ids=["unsorted", "marker last", "section twice", "two documents", "syntax error at the end", "alias",
         "indented"],
)
def test_any_other_layout_is_read_whole(loaded: tuple[str, Path], tmp_path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    url, path = loaded
    odd = tmp_path / "odd.yaml"
    odd.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert odd.read_text(encoding="utf-8") != path.read_text(encoding="utf-8")
    with pytest.raises(fmt.NotStreamable):
        _parsed(url, odd)


def test_an_alias_within_one_record_is_read_and_its_digest_kept(empty_url: str, tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text("refdb: 1\ntags:\n- key: a\n  label: &x Same\n  description: *x\n", encoding="utf-8")
    assert invoke(empty_url, "load", str(path)).exit_code == 0
    assert _parsed(empty_url, path) == ([], 1)
    with db.session_scope(empty_url) as session:
        (tag,) = export_dataset(session).tags
    assert (tag.label, tag.description) == ("Same", "Same")


def test_the_streamed_records_are_what_parse_reads(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "dump.yaml"
    path.write_text(_whole(db_url) + "# a comment at the end\n\n", encoding="utf-8")
    whole = fmt.parse(path.read_text(encoding="utf-8"), source_name=str(path), base_dir=tmp_path)
    streamed = [rec for section, records, _ in fmt.iter_batches(path, source_name=str(path), base_dir=tmp_path,
                                                                batch=7) for rec in records]  # fmt: skip
    expected = [rec for s in fmt.Dataset.SECTIONS for rec in getattr(whole, s)]
    assert streamed == expected
    assert [rec.loc for rec in streamed] == [rec.loc for rec in expected]


def test_a_dump_with_history_streams(db_url: str, backend: Backend, tmp_path: Path) -> None:
    assert invoke(db_url, "edit", "tag", "charm", "--set", "label=Charm!").exit_code == 0
    path = tmp_path / "dump.yaml"
    result = invoke(db_url, "dump", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert "\nhistory:\n" in path.read_text(encoding="utf-8")
    sections = [section for section, _, _ in fmt.iter_batches(path, source_name=str(path))]
    assert sections[-1] == "history"
    url = backend.new_url()
    with db.session_scope(url, write=True) as session:
        load_file(session, path)
    again = tmp_path / "again.yaml"
    assert invoke(url, "dump", "-o", str(again)).exit_code == 0
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


HAND_WRITTEN = """\
# a file written by hand, laid out as a dump is, using what YAML allows
refdb: 1
people:
- key: a-person
  name: 'A. Person'
  note: !!str 1941
- key: b-person
  name: &n "B. Person"
  native: *n
sources:
- key: s1
  type: book
  title: 1812
  issued: 2006-05-01
  publisher: 'yes'
  volume: 12
  pages: 1.5
  note: ~
- key: s2
  <<: {type: article}
  title: Merged
  issued: 1942
tags:
- {key: t1, label: Flow style}
claims:
- key: c1
  kind: factual
  text: |
    Kept as written,
    over two lines.
  citations:
  - {source: s1, stance: supports, locator: 12}
  tags: [t1]
"""


def test_a_hand_written_file_streams_to_what_parse_reads(tmp_path: Path) -> None:
    path = tmp_path / "hand.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    whole = fmt.parse(HAND_WRITTEN, source_name=str(path), base_dir=tmp_path)
    streamed = [rec for section, records, _ in fmt.iter_batches(path, source_name=str(path), base_dir=tmp_path)
                for rec in records]  # fmt: skip
    expected = [rec for s in fmt.Dataset.SECTIONS for rec in getattr(whole, s)]
    assert streamed == expected
    assert [r.loc for r in streamed] == [r.loc for r in expected]
    bad = tmp_path / "bad.yaml"
    bad.write_text(HAND_WRITTEN.replace("  volume: 12\n", "  volume: 12\n  title: again\n"), encoding="utf-8")
    with pytest.raises(InputError) as streamed_error:
        list(fmt.iter_batches(bad, source_name=str(bad), base_dir=tmp_path))
    with pytest.raises(InputError) as whole_error:
        fmt.parse(bad.read_text(encoding="utf-8"), source_name=str(bad), base_dir=tmp_path)
    assert str(streamed_error.value) == str(whole_error.value)
