"""The history's snapshot of one record (``export_record``, issue 16) is what the whole export gives
for that record: every record of the seed, of every kind, before and after edits; and a dump built of
records read one at a time is the dump, byte for byte.

Compared in the file's form (``plain_records``), as the dump and the history write them: lists whose
order carries no meaning (a claim's tags and relations, a quote's claims) come in the order the
database returns them, which on PostgreSQL depends on the query's plan, and the file form sorts."""

from __future__ import annotations

import io

from refdb import db, records
from refdb.formats import dataset as fmt
from refdb.services import authoring, history
from refdb.services.dataset import export_dataset, export_record, iter_pages


def _every(url: str) -> tuple[records.Dataset, dict[tuple[str, str], object]]:
    with db.session_scope(url) as session:
        whole = export_dataset(session)
        one = {(kind, rec.key): export_record(session, kind, rec.key)
               for kind, section in records.SECTION_OF.items() for rec in getattr(whole, section)}  # fmt: skip
    return whole, one


def _assert_each_record_is_the_exports(url: str) -> None:
    whole, one = _every(url)
    for kind, section in records.SECTION_OF.items():
        found = getattr(whole, section)
        assert found, f"the seed has no {section}: the test would prove nothing for them"
        for rec in found:
            single = one[(kind, rec.key)]
            assert single is not None, (kind, rec.key)
            assert fmt.plain_records(section, [single]) == fmt.plain_records(section, [rec]), (kind, rec.key)
    with db.session_scope(url) as session:
        for kind, section in records.SECTION_OF.items():
            for rec in getattr(whole, section):
                plain = fmt.plain_records(section, [rec])[0]
                if kind == "source" and rec.text is not None:
                    plain["text"] = rec.text
                assert history.plain_record(session, kind, rec.key) == plain, (kind, rec.key)


def test_every_seed_record_of_every_kind_is_what_the_export_gives(db_url: str) -> None:
    _assert_each_record_is_the_exports(db_url)


def test_so_after_edits_of_nested_fields_and_curation(db_url: str) -> None:
    claim = "commanders-shot-after-finland"
    with db.session_scope(db_url, write=True) as session:
        authoring.link_tags(session, claim, ["a-new-tag"])
        authoring.edit(session, "claim", claim, {"note": "Ünïcode «note»", "curated.note": "curator"}, [])
        authoring.edit(session, "person", "zhukov", {"note": "edited"}, [])
    _assert_each_record_is_the_exports(db_url)


def test_an_absent_record_is_none(db_url: str) -> None:
    with db.session_scope(db_url) as session:
        for kind in records.SECTION_OF:
            assert export_record(session, kind, "no-such-record") is None
            assert history.plain_record(session, kind, "no-such-record") is None
            assert getattr(export_dataset(session, only=(kind, "no-such-record")), records.SECTION_OF[kind]) == []


def test_a_dump_of_records_read_one_at_a_time_is_the_dump_byte_for_byte(db_url: str) -> None:
    whole, one = _every(db_url)
    pages = [(section, [one[(kind, rec.key)] for rec in getattr(whole, section)])
             for kind, section in records.SECTION_OF.items()]  # fmt: skip
    by_one, by_page = io.StringIO(), io.StringIO()
    fmt.dump_pages(iter(pages), by_one)
    with db.session_scope(db_url) as session:
        fmt.dump_pages(iter_pages(session), by_page)
    assert by_one.getvalue() == by_page.getvalue() == fmt.dumps(whole)
