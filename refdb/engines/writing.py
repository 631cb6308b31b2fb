"""Documents with real footnotes: pandoc (and typst for PDF) over a pandoc AST, citations and data.

One ``pandoc`` run per document: the AST (JSON, built by :mod:`refdb.formats.dossier` or read from
a manuscript), refdb's Lua filter ``writing.lua`` (claims and quotes become citations, locators are
written in the style locale's terms), then pandoc's ``--citeproc`` with the CSL style and the cited
sources as CSL-JSON, to DOCX, ODT, HTML, typst (compiled to PDF by the ``typst`` package, with
typst's bundled Libertinus fonts, which cover Latin, Cyrillic and Greek, and DejaVu as a fallback)
or Markdown (citations kept, the sources in the metadata's ``references``, so pandoc can go on).

The filter is the same file people use with their own pandoc: :data:`FILTER`.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from refdb.engines.citeproc import _first_error, _pandoc, resolve_style
from refdb.errors import InputError, RefdbError, UsageError

FILTER = Path(__file__).with_name("writing.lua")

# file suffix -> refdb's name for the format
FORMATS: dict[str, str] = {".docx": "docx", ".odt": "odt", ".html": "html", ".pdf": "pdf", ".md": "markdown"}
_WRITERS = {
    "docx": "docx", "odt": "odt", "html": "html5", "pdf": "typst", "markdown": "markdown", "text": "plain",
}  # fmt: skip
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_UNKNOWN = re.compile(r"refdb: unknown (claim|quote|source) '([^']*)'")
_REFDB_MESSAGE = re.compile(r"refdb: (.*)")
_SEPARATOR = "\ue000refdb-piece\ue000"
# Above this much input, pandoc's garbage collector compacts its old generation and grows the heap
# by 1.5x instead of 2x: a 1,000-claim dossier (3.4 MB of AST, 2,000 notes) then peaks at ~270 MB
# instead of ~420 MB, for about a third more of pandoc's CPU time.  Smaller documents keep the defaults.
LARGE_INPUT = 1_000_000
_LARGE_RTS = ["+RTS", "-c", "-F1.5", "-RTS"]


class UnknownKeyError(InputError):
    """A document cites a claim, quote or source the database does not hold."""

    def __init__(self, kind: str, key: str, location: str | None = None) -> None:
        super().__init__(f"unknown {kind} '{key}'", location=location)
        self.kind = kind
        self.key = key


def format_for(path: Path) -> str:
    """``docx``, ``odt``, ``html``, ``pdf`` or ``markdown``, from the file's suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"--output {path}: unknown suffix '{path.suffix}'; choose one of: {', '.join(FORMATS)}"
        )
    return fmt


@cache
def api_version() -> list[int]:
    """The pandoc AST version this pandoc reads (one tiny run per process)."""
    process = subprocess.run([_pandoc(), "--to=json"], input=b"", capture_output=True, check=False)
    if process.returncode != 0:
        raise RefdbError(f"pandoc failed: {_first_error(process.stderr)}")
    version: list[int] = json.loads(process.stdout)["pandoc-api-version"]
    return version


def is_note_style(style: str) -> bool:
    """Whether the CSL style puts citations in footnotes (class="note")."""
    head = resolve_style(style).read_text(encoding="utf-8")[:4000]
    found = re.search(r"<style\b[^>]*>", head)
    return bool(found and re.search(r'\bclass="note"', found.group(0)))


@dataclass(frozen=True)
class Job:
    """What one document run needs besides the AST."""

    items: Sequence[Mapping[str, Any]]  # CSL-JSON of every source the document may cite
    data: Mapping[str, Any]  # the filter's claims/quotes data (writing.lua's "refdb-data")
    style: str = "chicago-notes-bibliography"
    bibliography_title: str | None = "Bibliography"


def write_document(
    document: Mapping[str, Any] | Path, job: Job, output: Path | None, fmt: str
) -> bytes | None:
    """Render a document to ``output`` in ``fmt``; with no ``output`` (``text`` only), return it.

    ``document`` is a pandoc AST without its version (``{"meta": ..., "blocks": ...}``) or the path
    of a pandoc Markdown manuscript.
    """
    if fmt not in _WRITERS:
        raise UsageError(f"unknown document format '{fmt}'; choose one of: {', '.join(_WRITERS)}")
    style_path = resolve_style(job.style)
    with tempfile.TemporaryDirectory(prefix="refdb-writing-") as tmp:
        directory = Path(tmp)
        data_path = directory / "data.json"
        data_path.write_text(json.dumps(job.data, ensure_ascii=False), encoding="utf-8")
        command = [_pandoc(), "--lua-filter", str(FILTER), "-M", f"refdb-data={data_path}"]
        stdin = b""
        command += ["--from=markdown", str(document)] if isinstance(document, Path) else ["--from=json"]
        items_path = directory / "items.json"
        items_path.write_text(json.dumps(list(job.items), ensure_ascii=False), encoding="utf-8")
        if fmt == "markdown":
            # the sources go into the metadata's references (read by pandoc's own CSL-JSON reader)
            command += ["-M", f"refdb-references={items_path}", "-M", f"refdb-csl={style_path}"]
            command += ["--to=markdown", "--standalone", "--wrap=none"]
        else:
            command += ["--citeproc", "--csl", str(style_path), "--bibliography", str(items_path)]
            command += ["--standalone", f"--to={_WRITERS[fmt]}"]
            if fmt == "pdf":
                command += ["-V", "papersize=a4"]
            if fmt == "text":
                command += ["--wrap=none"]
        if job.bibliography_title:
            command += ["-M", f"reference-section-title={job.bibliography_title}"]
        if not isinstance(document, Path):
            doc = {"pandoc-api-version": api_version(), "meta": dict(document.get("meta", {})),
                   "blocks": document["blocks"]}  # fmt: skip
            stdin = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        size = len(stdin) if stdin else (document.stat().st_size if isinstance(document, Path) else 0)
        if size > LARGE_INPUT:
            command[1:1] = _LARGE_RTS
        if output is None:
            return _run(command, stdin)
        target = directory / ("document.typ" if fmt == "pdf" else f"document{output.suffix}")
        command += ["--output", str(target)]
        _run(command, stdin)
        if fmt == "pdf":
            _typst(target, output)
        else:
            output.write_bytes(target.read_bytes())
    return None


def collect(blocks: list[Any], job: Job, writer: str = "plain") -> tuple[list[str], list[str]]:
    """Notes (or in-text citations) and bibliography entries of a small document, as text."""
    style_path = resolve_style(job.style)
    doc = {"pandoc-api-version": api_version(), "meta": {}, "blocks": blocks}
    with tempfile.TemporaryDirectory(prefix="refdb-writing-") as tmp:
        directory = Path(tmp)
        data_path = directory / "data.json"
        data_path.write_text(json.dumps(job.data, ensure_ascii=False), encoding="utf-8")
        items_path = directory / "items.json"
        items_path.write_text(json.dumps(list(job.items), ensure_ascii=False), encoding="utf-8")
        command = [_pandoc(), "--from=json", "--lua-filter", str(FILTER), "-M", f"refdb-data={data_path}",
                   "-M", "refdb-collect=1", "-M", f"refdb-csl={style_path}", "--bibliography", str(items_path),
                   f"--to={writer}", "--wrap=none"]  # fmt: skip
        out = _run(command, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    pieces = [piece.strip() for piece in out.decode("utf-8").split(_SEPARATOR)]
    split = pieces.index("refdb-bibliography")
    return pieces[:split], [p for p in pieces[split + 1 :] if p]


def _run(command: list[str], stdin: bytes) -> bytes:
    try:
        process = subprocess.run(command, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise RefdbError(f"cannot run pandoc ({command[0]}): {exc.strerror}") from None
    if process.returncode != 0:
        stderr = process.stderr.decode("utf-8", "replace")
        unknown = _UNKNOWN.search(stderr)
        if unknown:
            raise UnknownKeyError(unknown.group(1), unknown.group(2))
        message = _REFDB_MESSAGE.search(stderr)
        if message:
            raise InputError(message.group(1).strip())
        raise RefdbError(f"pandoc failed: {_first_error(process.stderr)}")
    return process.stdout


def _typst(source: Path, output: Path) -> None:
    import typst

    fonts = [str(d) for d in _FONT_DIRS if d.is_dir()]
    try:
        pdf = typst.compile(str(source), font_paths=fonts)
    except Exception as exc:  # typst raises its own TypstError (a RuntimeError) with the diagnostics
        raise RefdbError(f"typst could not compile the document: {' '.join(str(exc).split())[:500]}") from None
    if not isinstance(pdf, bytes):
        raise RefdbError("typst returned no PDF")
    output.write_bytes(pdf)
