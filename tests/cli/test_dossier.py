"""`refdb dossier` and `refdb render` on the seed: every format read back from the file produced.

DOCX: word/footnotes.xml holds the Chicago notes (full note first, short note on repeat) and
document.xml references them; ODT: text:note elements; HTML: notes with back-links; PDF (typst):
pdftotext finds each footnote on the page of its reference; Markdown: re-renders identically.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from refdb.engines.citeproc import _pandoc, resolve_style
from refdb.engines.writing import FILTER
from tests.conftest import Cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example-manuscript.md"

# The notes of `refdb dossier --tag continuity`, in order (Chicago notes and bibliography, 18th ed.)
CONTINUITY_NOTES = [
    "Stalin and His Generals, n.d., para. 5.",  # continuity-across-arms: the essay, first cite
    "Stalin and His Generals, para. 5.",  # factor-continuity: the essay again, short note
    "David M. Glantz, Colossus Reborn: The Red Army at War, 1941–1943 (University Press of Kansas, 2005), 534–35.",
    "Glantz, Colossus Reborn, 534–35, quoted in Stalin and His Generals, para. 5.",  # the quote
    "“Comment on ‘Stalin and his generals’,” n.d.",  # the counter-comment's own record
    "Stalin and His Generals, para. 5.",  # no-scapegoating
    "Stalin and His Generals, para. 5.",  # purge-perception (rejected by)
    "“Comment.”",
    "Stalin and His Generals, para. 5.",  # stable-inner-circle
]


def _ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def docx_notes(path: Path) -> tuple[list[str], list[str], str]:
    """(footnote texts in id order, the ids document.xml references in order, the body's text)."""
    with zipfile.ZipFile(path) as docx:
        notes_xml = ElementTree.fromstring(docx.read("word/footnotes.xml"))
        body_xml = ElementTree.fromstring(docx.read("word/document.xml"))
    notes = {}
    for note in notes_xml.iter(f"{W}footnote"):
        if note.get(f"{W}type") in ("separator", "continuationSeparator"):
            continue
        notes[note.get(f"{W}id")] = "".join(t.text or "" for t in note.iter(f"{W}t")).strip()
    references = [ref.get(f"{W}id") or "" for ref in body_xml.iter(f"{W}footnoteReference")]
    body = "".join(t.text or "" for t in body_xml.iter(f"{W}t"))
    return [notes[i] for i in references], references, body


def odt_notes(path: Path) -> tuple[list[str], str]:
    with zipfile.ZipFile(path) as odt:
        content = ElementTree.fromstring(odt.read("content.xml"))
    notes = []
    for note in content.iter(f"{TEXT_NS}note"):
        assert note.get(f"{TEXT_NS}note-class") == "footnote"
        body = note.find(f"{TEXT_NS}note-body")
        assert body is not None
        notes.append(" ".join("".join(body.itertext()).split()))
    return notes, "".join(content.itertext())


def pdf_pages(path: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    return [
        subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
                       capture_output=True, text=True, check=True).stdout
        for n in range(1, count + 1)
    ]  # fmt: skip


def test_docx_has_real_chicago_footnotes(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "continuity.docx"
    _ok(cli, "dossier", "--tag", "continuity", "--output", str(out))
    notes, references, body = docx_notes(out)
    assert notes == CONTINUITY_NOTES
    assert len(set(references)) == len(references)  # one reference per footnote, in document.xml
    assert "Colossus Reborn" not in body.split("Bibliography")[0].replace("Glantz, Colossus Reborn", "")
    bibliography = body.split("Bibliography")[-1]
    assert "Glantz, David M. Colossus Reborn: The Red Army at War, 1941–1943. University Press of Kansas, 2005." in bibliography
    assert "Contents" in body and "Supported by" in body and "Rejected by" in body


def test_readme_charm_example(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "charm.docx"
    _ok(cli, "dossier", "--tag", "charm", "--output", str(out))
    assert docx_notes(out)[0][:3] == [
        "Stalin and His Generals, n.d., para. 4.",
        "Konstantin Rokossovskii, Soldatskii dolg (n.d.), quoted in Stalin and His Generals, para. 4.",
        "Aleksandr Vasilevskii, Delo vsei zhizni (n.d.), quoted in Stalin and His Generals, para. 4.",
    ]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "refdb dossier --tag charm --output charm.docx" in readme


def test_docx_contents_and_related_claims_are_internal_links(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "d.docx"
    _ok(cli, "dossier", "--tag", "continuity", "-o", str(out))
    with zipfile.ZipFile(out) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    assert 'w:anchor="claim-factor-continuity"' in document
    assert 'w:name="claim-factor-continuity"' in document  # the bookmark the links go to
    assert document.count('w:anchor="claim-factor-continuity"') >= 2  # contents + no-scapegoating's relation


def test_odt_notes(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "continuity.odt"
    _ok(cli, "dossier", "--tag", "continuity", "--output", str(out))
    notes, text = odt_notes(out)
    assert notes == CONTINUITY_NOTES
    assert "Bibliography" in text
    with zipfile.ZipFile(out) as odt:
        content = odt.read("content.xml").decode("utf-8")
    assert 'text:bookmark-start text:name="claim-factor-continuity"' in content
    assert 'xlink:href="#claim-factor-continuity"' in content  # contents and related claims link to it


def test_html_notes_with_back_links(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "continuity.html"
    _ok(cli, "dossier", "--tag", "continuity", "--output", str(out))
    html = " ".join(out.read_text(encoding="utf-8").split())
    for number in range(1, len(CONTINUITY_NOTES) + 1):
        assert f'href="#fn{number}"' in html and f'id="fnref{number}"' in html
        assert f'href="#fnref{number}" class="footnote-back"' in html
    assert "<em>Colossus Reborn: The Red Army at War, 1941–1943</em> (University Press of Kansas, 2005), 534–35." in html
    assert 'href="#claim-factor-continuity"' in html and 'id="claim-factor-continuity"' in html
    assert "<script" not in html and not re.search(r'(src|href)="https?:|@import', html)  # nothing fetched


def test_pdf_footnotes_on_the_page_of_their_reference(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "seed.pdf"
    _ok(cli, "dossier", "--output", str(out))
    assert out.read_bytes().startswith(b"%PDF-")
    pages = pdf_pages(out)
    total = 0
    for number, page in enumerate(pages, 1):
        lines = [line for line in page.splitlines() if line.strip()]
        note_lines = [line for line in lines if re.match(r"^\d+[^\d\s.,–-]", line)]
        notes = [int(re.match(r"^\d+", line).group(0)) for line in note_lines]  # type: ignore[union-attr]
        notes = [n for n in notes if n < 1000]  # years at the start of a line are body text
        body = "\n".join(line for line in lines if line not in note_lines)
        marks = [int(m) for m in re.findall(r"[a-z)”’](\d+)(?!\d)", body)]
        assert notes == marks, f"page {number}: notes {notes}, references {marks}"
        total += len(notes)
    assert total >= 30
    text = "".join(pages)
    assert "Glantz, Colossus Reborn, 534–35, quoted in Stalin and His Generals, para. 5." in text
    assert "Bibliography" in text


def test_pdf_keeps_cyrillic_and_greek(cli: Cli, tmp_path: Path) -> None:
    _ok(cli, "add", "claim", "Рокоссовский и Ἱστορία: the names as written.", "--key", "scripts-claim")
    _ok(cli, "link", "cite", "scripts-claim", "glantz-colossus-reborn", "--locator", "12")
    out = tmp_path / "scripts.pdf"
    _ok(cli, "dossier", "--claim", "scripts-claim", "-o", str(out), "--title", "Досье: Ἱστορία")
    text = "".join(pdf_pages(out))
    assert "Рокоссовский и Ἱστορία" in text and "Досье: Ἱστορία" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Type 3" not in fonts  # real embedded fonts, no missing-glyph boxes drawn as shapes


def test_markdown_output_rerenders_identically(cli: Cli, tmp_path: Path) -> None:
    md = tmp_path / "continuity.md"
    docx = tmp_path / "continuity.docx"
    _ok(cli, "dossier", "--tag", "continuity", "--output", str(md))
    _ok(cli, "dossier", "--tag", "continuity", "--output", str(docx))
    text = md.read_text(encoding="utf-8")
    assert "[@glantz-colossus-reborn, {page 534--5}]" in text  # citations kept (-- is pandoc's en dash)
    again = subprocess.run([_pandoc(), str(md), "--to=markdown", "--standalone", "--wrap=none"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert again == text
    rerun = tmp_path / "rerun.docx"
    subprocess.run(
        [_pandoc(), str(md), "--citeproc", "--csl", str(resolve_style("chicago")),
         "-M", "reference-section-title=Bibliography", "-o", str(rerun)],
        check=True,
    )  # fmt: skip
    assert docx_notes(rerun)[0] == docx_notes(docx)[0] == CONTINUITY_NOTES


def test_author_date_style_prints_in_text_citations_and_references(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "apa.docx"
    _ok(cli, "dossier", "--tag", "continuity", "--style", "apa", "--output", str(out))
    notes, _, body = docx_notes(out)
    assert notes == []
    assert "(Glantz, 2005, pp. 534–535)" in body
    assert "(Glantz, 2005, pp. 534–535; quoted in Stalin and His Generals, n.d., para. 5)" in body
    assert "References" in body and "Glantz, D. M. (2005)." in body


def test_curator_additions_are_marked(cli: Cli, tmp_path: Path) -> None:
    text = _ok(cli, "dossier", "--claim", "stalingrad-victory-1942", "--claim", "factor-continuity")
    assert "Curator’s note: Curator: the German Sixth Army surrendered" in text
    assert "Curator’s additions" in text
    assert "source Glantz, Colossus Reborn, publisher: Not stated in the essay; from the book's title page." in text


def test_selection_and_errors(cli: Cli, tmp_path: Path) -> None:
    text = _ok(cli, "dossier", "--source", "glantz")
    assert "factor-continuity" in text and "stalin-always-listened" not in text
    assert text.count("\nAsserted by") + text.count("\nSupported by") >= 1
    bad = cli("dossier", "--output", str(tmp_path / "x.rtf"))
    assert bad.exit_code != 0 and bad.stderr.startswith("Error: --output") and ".docx" in bad.stderr
    missing = cli("dossier", "--claim", "no-such-claim")
    assert missing.exit_code != 0 and missing.stderr.count("\n") == 1 and "no-such-claim" in missing.stderr
    out = tmp_path / "d.html"
    _ok(cli, "dossier", "--tag", "charm", "-o", str(out))
    again = cli("dossier", "--tag", "charm", "-o", str(out))
    assert again.exit_code != 0 and "--force" in again.stderr
    _ok(cli, "dossier", "--tag", "charm", "-o", str(out), "--force")


# --- refdb render ---------------------------------------------------------------------------------

MANUSCRIPT = """\
---
title: A test
---

First, a claim [@claim:factor-continuity].

Second, a quote [@quote:vasilevskii-attention]; then a book [see @roberts-stalins-wars, 159–62].

Third, a myth the essay rejects [@claim:dacha-funk-story], and the book again [@roberts-stalins-wars, 160].
"""


def test_render_manuscript_to_docx(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "draft.md"
    source.write_text(MANUSCRIPT, encoding="utf-8")
    out = tmp_path / "draft.docx"
    _ok(cli, "render", str(source), "--output", str(out))
    notes, _, body = docx_notes(out)
    assert notes == [
        "David M. Glantz, Colossus Reborn: The Red Army at War, 1941–1943 (University Press of Kansas, 2005), "
        "534–35; Stalin and His Generals, n.d., para. 5.",
        "Aleksandr Vasilevskii, Delo vsei zhizni (n.d.), quoted in Stalin and His Generals, para. 4.",
        "See Geoffrey Roberts, Stalin’s Wars: From World War to Cold War, 1939–1953 (Yale University Press, 2006), 159–62.",
        "But see Stalin and His Generals, para. 1.",
        "Roberts, Stalin’s Wars, 160.",
    ]
    assert "First, a claim." in body  # the note goes after the full stop, as citeproc places its own
    assert "Bibliography" in body


def test_render_author_date(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "draft.md"
    source.write_text(MANUSCRIPT, encoding="utf-8")
    text = _ok(cli, "render", str(source), "--style", "apa")
    assert "a claim (Glantz, 2005, pp. 534–535; Stalin and His Generals, n.d., para. 5)." in text
    assert "(Vasilevskii, n.d.; quoted in Stalin and His Generals, n.d., para. 4)" in text
    assert "(But see Stalin and His Generals, n.d., para. 1)" in text
    assert "(see Roberts, 2006, pp. 159–162)" in text


def test_render_claims_and_quotes_inside_a_footnote(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text(
        "Text.^[Compare [@claim:stalin-always-listened]; and [@quote:rokossovskii-concern].]\n",
        encoding="utf-8",
    )
    out = tmp_path / "notes.odt"
    _ok(cli, "render", str(source), "-o", str(out))
    notes, _ = odt_notes(out)
    assert notes == [
        "Compare Geoffrey Roberts, Stalin’s Wars: From World War to Cold War, 1939–1953 (Yale University Press, "
        "2006), 159–62; Stalin and His Generals, n.d., para. 1; and Konstantin Rokossovskii, Soldatskii dolg "
        "(n.d.), quoted in Stalin and His Generals, para. 4."
    ]


@pytest.mark.parametrize(
    ("line", "cited", "message"),
    [
        ("Also [@claim:no-such-claim].", "claim", "unknown claim 'no-such-claim'"),
        ("Also [@quote:no-such-quote, 4].", "quote", "unknown quote 'no-such-quote'"),
        ("Also [see @no-such-book, 12].", "source", "unknown source 'no-such-book'"),
    ],
)
def test_render_unknown_key_names_the_line(
    cli: Cli, tmp_path: Path, line: str, cited: str, message: str
) -> None:
    source = tmp_path / "draft.md"
    source.write_text(MANUSCRIPT + "\n" + line + "\n", encoding="utf-8")
    out = tmp_path / "draft.docx"
    result = cli("render", str(source), "-o", str(out))
    assert result.exit_code != 0
    assert result.stderr == f"Error: {source}, line 11: {message}\n"
    assert not out.exists() and list(tmp_path.iterdir()) == [source]  # nothing written


def test_example_manuscript_renders(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "example.docx"
    _ok(cli, "render", str(EXAMPLE), "--output", str(out))
    notes, _, _ = docx_notes(out)
    assert notes == [
        "David M. Glantz, Colossus Reborn: The Red Army at War, 1941–1943 (University Press of Kansas, 2005), "
        "534–35; Stalin and His Generals, n.d., para. 5.",
        "Aleksandr Vasilevskii, Delo vsei zhizni (n.d.), quoted in Stalin and His Generals, para. 4.",
        "See Geoffrey Roberts, Stalin’s Wars: From World War to Cold War, 1939–1953 (Yale University Press, 2006), 159–62.",
        "Glantz, Colossus Reborn, 534–35.",
    ]


def test_by_hand_pandoc_gives_the_same_footnotes(cli: Cli, tmp_path: Path) -> None:
    """The documented route: the filter's path, the data, the CSL-JSON, and one pandoc command."""
    assert _ok(cli, "render", "--print-filter").strip() == str(FILTER)
    data = tmp_path / "writing.json"
    data.write_text(_ok(cli, "render", "--print-data"), encoding="utf-8")
    sources = tmp_path / "sources.json"
    _ok(cli, "export", "--format", "csljson", "--output", str(sources))
    by_hand = tmp_path / "by-hand.docx"
    subprocess.run(
        [_pandoc(), str(EXAMPLE), "--lua-filter", str(FILTER), "-M", f"refdb-data={data}", "--citeproc",
         "--csl", str(resolve_style("chicago")), "--bibliography", str(sources), "-o", str(by_hand)],
        check=True,
    )  # fmt: skip
    rendered = tmp_path / "refdb.docx"
    _ok(cli, "render", str(EXAMPLE), "-o", str(rendered))
    assert docx_notes(by_hand)[0] == docx_notes(rendered)[0]


def test_cite_quote_prints_the_quoted_in_note(cli: Cli) -> None:
    assert _ok(cli, "cite", "--quote", "vasilevskii-attention").splitlines() == [
        "1. Aleksandr Vasilevskii, Delo vsei zhizni (n.d.), quoted in Stalin and His Generals, n.d., para. 4.",
        "",
        "Bibliography",
        "",
        "Stalin and His Generals. n.d.",
        "Vasilevskii, Aleksandr. Delo vsei zhizni. n.d.",
    ]
    glantz = _ok(cli, "cite", "--quote", "glantz-commanders-already-serving").splitlines()[0]
    assert glantz == (
        "1. David M. Glantz, Colossus Reborn: The Red Army at War, 1941–1943 (University Press of Kansas, "
        "2005), 534–35, quoted in Stalin and His Generals, n.d., para. 5."
    )
    missing = cli("cite", "--quote", "no-such-quote")
    assert missing.exit_code != 0 and missing.stderr == "Error: no quote with key 'no-such-quote'\n"
    neither = cli("cite")
    assert neither.exit_code == 2 and neither.stderr.startswith("Error: give a claim KEY or --quote KEY")


# --- hostile content ------------------------------------------------------------------------------

HOSTILE = "Evil <script>alert(1)</script> \\input{/etc/passwd} $x$ 100% #set *bold* _it_ [link](x) @roberts-stalins-wars"


def test_hostile_content_is_text_in_every_format(cli: Cli, tmp_path: Path) -> None:
    _ok(cli, "add", "source", HOSTILE, "--key", "hostile-source", "--author", "Smith, <b>Jo</b> \\emph{x}")
    _ok(cli, "add", "claim", HOSTILE, "--key", "hostile-claim", "--note", "note " + HOSTILE)
    _ok(cli, "link", "cite", "hostile-claim", "hostile-source", "--locator", "12", "--note", HOSTILE)
    for suffix in ("docx", "odt", "html", "pdf", "md"):
        out = tmp_path / f"hostile.{suffix}"
        _ok(cli, "dossier", "--claim", "hostile-claim", "-o", str(out), "--title", HOSTILE)
        if suffix == "docx":
            notes, _, body = docx_notes(out)
            assert HOSTILE in body
            # Chicago title-cases the title: the words change case, the markup stays text
            assert any("Smith, Evil <Script>alert(1)</Script> \\Input{/Etc/Passwd} $x$ 100% #Set *Bold* _It_ "
                       "[Link](x) @Roberts-Stalins-Wars (n.d.), 12." in note for note in notes), notes
        elif suffix == "odt":
            _, text = odt_notes(out)
            assert HOSTILE in text
        elif suffix == "html":
            html = " ".join(out.read_text(encoding="utf-8").split())
            assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            assert "<b>" not in html and "<strong>bold" not in html and "<em>it" not in html
            assert 'href="x"' not in html
        elif suffix == "pdf":
            text = " ".join(" ".join(pdf_pages(out)).split())
            assert HOSTILE in text
        else:
            text = out.read_text(encoding="utf-8")
            assert "\\<script\\>" in text and "\\*bold\\*" in text and "\\@roberts-stalins-wars" in text
            again = subprocess.run([_pandoc(), str(out), "--to=plain", "--wrap=none"],
                                   capture_output=True, text=True, check=True).stdout  # fmt: skip
            assert HOSTILE in again


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("dossier", "--style", "no-such-style"), "Error: unknown citation style 'no-such-style'"),
        (("dossier", "--tag", "no-such-tag"), "Error: "),
        (("dossier", "--source", "zzzz-nothing"), "Error: no source matches 'zzzz-nothing'"),
        (("dossier", "-o", "/no/such/dir/x.docx"), "Error: --output /no/such/dir/x.docx: the directory"),
        (("render",), "Error: give a MANUSCRIPT to render"),
        (("render", "/no/such/draft.md"), "Error: "),
        (("render", "DRAFT", "-o", "x.rtf"), "Error: --output x.rtf: unknown suffix '.rtf'"),
    ],
)
def test_bad_input_is_one_error_line(cli: Cli, tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text("Text [@claim:factor-charm].\n", encoding="utf-8")
    result = cli(*(str(draft) if a == "DRAFT" else a for a in args))
    assert result.exit_code != 0 and result.exception is None
    assert result.stderr.startswith(expected) and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
