"""The writing engine and its Lua filter over fixed records: no database, real pandoc and typst."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from refdb.engines import writing
from refdb.errors import InputError, UsageError
from refdb.formats import dossier
from tests.formats.samples import ROBERTS, ROKOSSOVSKY

ESSAY: dict[str, Any] = {"id": "essay", "type": "post-weblog", "title": "Stalin and his generals"}
ITEMS = [ROBERTS, ROKOSSOVSKY, ESSAY]
DATA: dict[str, Any] = {
    "refdb-writing": 1,
    "claims": {
        "listened": {"for": [{"id": "roberts2006", "locator": "159–62", "label": "page"},
                             {"id": "essay", "locator": "1", "label": "paragraph"}],
                     "against": [{"id": "rokossovsky1988", "locator": "12", "label": "page"}]},
        "myth": {"for": [], "against": [{"id": "essay", "locator": "1", "label": "paragraph"}]},
        "bare": {"for": [], "against": []},
    },
    "quotes": {
        "words": {"origin": {"id": "rokossovsky1988", "locator": "54", "label": "page"},
                  "found": {"id": "essay", "locator": "4", "label": "paragraph"}},
        "unsourced": {"origin": None, "found": {"id": "essay", "locator": "4", "label": "paragraph"}},
        "nowhere": {"origin": None, "found": None},
    },
    "sources": ["essay", "roberts2006", "rokossovsky1988"],
}  # fmt: skip


def _render(tmp_path: Path, text: str, style: str = "chicago") -> str:
    source = tmp_path / "m.md"
    source.write_text(text, encoding="utf-8")
    job = writing.Job(items=ITEMS, data=DATA, style=style)
    out = writing.write_document(source, job, None, "text")
    assert out is not None
    return out.decode("utf-8")


def _notes(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("[")]


def test_claim_expands_to_its_sources_then_but_see(tmp_path: Path) -> None:
    text = _render(tmp_path, "A [@claim:listened]. B [@claim:myth]. C [@claim:listened].\n")
    assert _notes(text) == [
        "[1] Geoffrey Roberts, Stalin’s Wars: From World War to Cold War, 1939–1953 (Yale University Press, "
        "2006), 159–62; Stalin and His Generals, n.d., para. 1. But see Константин Рокоссовский, Солдатский "
        "долг (Воениздат, 1988), 12.",
        "[2] But see Stalin and His Generals, para. 1.",
        "[3] Roberts, Stalin’s Wars, 159–62; Stalin and His Generals, para. 1. But see Рокоссовский, "
        "Солдатский долг, 12.",
    ]
    assert text.strip().startswith("A.[1] B.[2] C.[3]")


def test_quote_is_quoted_in_with_the_origin_first(tmp_path: Path) -> None:
    text = _render(tmp_path, "A [@quote:words]. B [see @quote:unsourced, with a remark].\n")
    assert _notes(text) == [
        "[1] Константин Рокоссовский, Солдатский долг (Воениздат, 1988), 54, quoted in Stalin and His "
        "Generals, n.d., para. 4.",
        "[2] See Stalin and His Generals, para. 4, with a remark.",
    ]


def test_plain_citations_are_pandocs_own(tmp_path: Path) -> None:
    text = _render(tmp_path, "A [see @roberts2006, 159–62]. B [@roberts2006, chap. 3].\n")
    assert _notes(text) == [
        "[1] See Geoffrey Roberts, Stalin’s Wars: From World War to Cold War, 1939–1953 (Yale University Press, "
        "2006), 159–62.",
        "[2] Roberts, Stalin’s Wars, chap. 3.",
    ]


def test_author_date(tmp_path: Path) -> None:
    text = _render(tmp_path, "A [@claim:listened]. B [@quote:words].\n", style="apa")
    assert "A (Roberts, 2006, pp. 159–162; Stalin and His Generals, n.d., para. 1; but see Рокоссовский, 1988, p. 12)." in text
    assert "B (Рокоссовский, 1988, p. 54; quoted in Stalin and His Generals, n.d., para. 4)." in text


def test_locator_terms_follow_the_style_locale(tmp_path: Path) -> None:
    text = _render(tmp_path, "A [@claim:myth].\n", style="bitonline")  # a German note style
    assert _notes(text) == ["[1] But see Stalin and his generals, Abs. 1."]


@pytest.mark.parametrize(
    ("cited", "message"),
    [
        ("[@claim:nope]", "unknown claim 'nope'"),
        ("[@quote:nope]", "unknown quote 'nope'"),
        ("[@nope, 4]", "unknown source 'nope'"),
    ],
)
def test_unknown_keys(tmp_path: Path, cited: str, message: str) -> None:
    with pytest.raises(writing.UnknownKeyError) as caught:
        _render(tmp_path, f"Text {cited}.\n")
    assert caught.value.message == message


def test_records_without_sources_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="claim 'bare' cites no source"):
        _render(tmp_path, "A [@claim:bare].\n")
    with pytest.raises(InputError, match="quote 'nowhere' has neither an origin nor a source"):
        _render(tmp_path, "A [@quote:nowhere].\n")


def test_format_for_and_note_style() -> None:
    assert [writing.format_for(Path(f"x.{s}")) for s in ("docx", "ODT", "html", "pdf", "md")] == [
        "docx", "odt", "html", "pdf", "markdown",
    ]  # fmt: skip
    with pytest.raises(UsageError, match=r"unknown suffix '\.rtf'"):
        writing.format_for(Path("x.rtf"))
    assert writing.is_note_style("chicago") and not writing.is_note_style("apa")


def test_dossier_ast_to_docx_and_pdf(tmp_path: Path) -> None:
    claim = {
        "key": "c1", "kind": "thesis", "text": "Рокоссовский listened.", "note": None, "tags": [], "about": [],
        "citations": [{"source": "rokossovsky1988", "stance": "asserts", "locator": "4", "label": "page",
                       "anchor": None, "note": None}],
        "quotes": [], "comments": [], "relations": [], "curated": [],
    }  # fmt: skip
    doc = dossier.build([claim], [ROKOSSOVSKY], title="Ἱστορία")
    job = writing.Job(items=[ROKOSSOVSKY], data=dossier.filter_data([claim], [ROKOSSOVSKY]), style="chicago")
    docx = tmp_path / "d.docx"
    writing.write_document(doc, job, docx, "docx")
    with zipfile.ZipFile(docx) as archive:
        footnotes = archive.read("word/footnotes.xml").decode("utf-8")
    assert "Константин Рокоссовский" in footnotes and "Солдатский долг" in footnotes and ", 4." in footnotes
    pdf = tmp_path / "d.pdf"
    writing.write_document(doc, job, pdf, "pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_notes_are_placed_as_citeproc_places_its_own(tmp_path: Path) -> None:
    text = _render(tmp_path, 'He said "words" [@quote:words]. Then [@claim:myth], and more.\n')
    assert text.strip().startswith("He said “words.”[1] Then,[2] and more.")
    german = _render(tmp_path, 'Er sagte "Worte" [@quote:words].\n', style="bitonline")
    assert "Worte”.[1]" in german  # the full stop stays outside the quotes outside American usage


def test_but_see_opens_a_sentence_or_follows_words(tmp_path: Path) -> None:
    text = _render(tmp_path, "A.^[Compare [@claim:myth]. [@claim:myth].]\n")
    assert _notes(text) == [
        "[1] Compare but see Stalin and His Generals, n.d., para. 1. But see Stalin and His Generals, para. 1."
    ]
