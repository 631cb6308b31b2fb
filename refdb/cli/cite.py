"""Citations in and out: export, import, cite, bibliography."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from refdb.cli.render import note


class ExportFormat(StrEnum):
    bibtex = "bibtex"
    ris = "ris"
    csljson = "csljson"
    csv = "csv"


class ImportFormat(StrEnum):
    bibtex = "bibtex"
    ris = "ris"
    csljson = "csljson"


class KeysChoice(StrEnum):
    refdb = "refdb"
    imported = "imported"


class TextFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"


SourceOpt = Annotated[
    str | None, typer.Option("--source", "-s", help="Sources matching a key, author or title words.")
]
ClaimOpt = Annotated[str | None, typer.Option("--claim", "-c", help="The sources a claim is cited to.")]
TagOpt = Annotated[str | None, typer.Option("--tag", "-t", help="The sources cited by claims with this tag.")]
StyleOpt = Annotated[
    str,
    typer.Option(
        "--style",
        help="A CSL style: an official id (chicago-notes-bibliography, modern-language-association, apa, "
        "harvard-cite-them-right ...; aliases chicago, chicago-17 (the 17th edition), chicago-shortened, "
        "chicago-ibid, mla, mla-notes, apa, harvard, mhra, ieee, oscola) or a path to a .csl file.",
    ),
]


def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Interchange format.")],
    source: SourceOpt = None,
    claim: ClaimOpt = None,
    tag: TagOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
    keys: Annotated[
        KeysChoice,
        typer.Option(
            "--keys",
            help="Entry keys: refdb's source keys, or 'imported': the key each source was imported with "
            "(its first alias), so that manuscripts citing Better BibTeX keys still resolve.",
        ),
    ] = KeysChoice.refdb,
) -> None:
    """Export sources (default: all) as BibTeX, RIS, CSL-JSON or CSV, streamed."""
    from refdb.cli.output import open_output
    from refdb.db import session_scope
    from refdb.formats import exporter
    from refdb.services.citations import iter_items, select_sources

    writer = exporter(fmt.value)
    count = 0
    with session_scope(ctx.obj) as session, open_output(output, force=force) as out:
        ids = select_sources(session, source=source, claim=claim, tag=tag)

        def counted() -> Any:
            nonlocal count
            for item in iter_items(session, ids, imported_keys=keys is KeysChoice.imported):
                count += 1
                yield item

        for chunk in writer.dumps(counted()):
            out.write(chunk)
    note(f"exported {count} source{'s' if count != 1 else ''}" + (f" to {output}" if output else ""))


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="A .bib, .ris or CSL-JSON (.json) file, as Zotero or JabRef export them.")
    ],
    fmt: Annotated[
        ImportFormat | None,
        typer.Option("--format", "-f", help="The file's format (default: from its suffix)."),
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Skip malformed entries instead of refusing the file.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="List every merged and skipped entry, the fields not stored and what was cleaned.",
        ),
    ] = False,
) -> None:
    """Import sources: new ones are added, duplicates merged or reported, in one transaction."""
    from refdb.db import session_scope
    from refdb.errors import InputError
    from refdb.formats import format_for_path, importer
    from refdb.formats.text import read_file
    from refdb.services.importing import import_items

    name = fmt.value if fmt else format_for_path(file)
    text = read_file(file)
    bad: list[InputError] = []
    module = importer(name)
    read = getattr(module, "iter_loads", module.loads)  # streamed where the format can be (BibTeX)
    if skip_bad:
        parsed = read(text, source_name=str(file), errors=bad)
    else:
        parsed = read(text, source_name=str(file))
    total = len(parsed) if isinstance(parsed, list) else text.count("\n@") + 1  # for the bar: about
    with session_scope(ctx.obj, write=True) as session:
        if sys.stderr.isatty() and total > 2000:
            with typer.progressbar(
                length=total, label=f"importing {file.name}", file=sys.stderr
            ) as bar:
                last = 0

                def progress(n: int) -> None:
                    nonlocal last
                    bar.update(n - last)
                    last = n

                report = import_items(session, parsed, skip_bad=skip_bad, progress=progress)
        else:
            report = import_items(session, parsed, skip_bad=skip_bad)
    report.skipped[:0] = [(e.location or str(file), e.message.removeprefix(f"{e.location}: ")) for e in bad]
    note(f"{file}: {report.summary()}")
    for location, warning in report.warnings:
        note(f"  warning {location}: {warning}")
    if verbose or len(report.merged) + len(report.skipped) <= 20:
        for location, key, fields in report.merged:
            note(f"  merged {location} into '{key}': filled {', '.join(fields)}")
        for location, reason in report.skipped:
            note(f"  skipped {location}: {reason}")
    if verbose:
        for location, alias, key in report.aliases:
            note(f"  kept {location}: citation key '{alias}' as an alias of '{key}'")
        for location, fields in report.unstored:
            note(f"  not stored {location}: {', '.join(fields)}")
        for location, detail in report.details:
            note(f"  cleaned {location}: {detail}")
    elif len(report.merged) + len(report.skipped) > 20 or report.unstored:
        note("  (--verbose lists every merged and skipped entry and the fields not stored)")


def cite(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(help="The claim's key.", show_default=False)] = None,
    quote: Annotated[
        str | None,
        typer.Option("--quote", "-q", help="A quote's key: its note in the \"quoted in\" form instead."),
    ] = None,
    style: StyleOpt = "chicago-notes-bibliography",
    fmt: Annotated[
        TextFormat, typer.Option("--format", "-f", help="text, markdown or html.")
    ] = TextFormat.text,
) -> None:
    """The notes for one claim, one per cited source in order with its locator, then the bibliography;
    or, with --quote, a quotation's note: its origin, "quoted in" the source it was found in."""
    from refdb.db import session_scope
    from refdb.errors import UsageError

    if (key is None) == (quote is None):
        raise UsageError("give a claim KEY or --quote KEY (one of them)")
    if quote is not None:
        from refdb.engines import writing
        from refdb.engines.citeproc import style_info
        from refdb.errors import NotFoundError
        from refdb.services.writing import writing_data

        with session_scope(ctx.obj) as session:
            data, items = writing_data(session, claims=(), quotes=[quote], every_source=False)
        if quote not in data["quotes"]:
            raise NotFoundError(f"no quote with key '{quote}'")
        citation = {
            "citationId": f"quote:{quote}", "citationPrefix": [], "citationSuffix": [],
            "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 0, "citationHash": 0,
        }  # fmt: skip
        blocks = [{"t": "Para", "c": [{"t": "Cite", "c": [[citation], [{"t": "Str", "c": f"[@quote:{quote}]"}]]}]}]
        writer = {"text": "plain", "markdown": "markdown-smart", "html": "html"}[fmt.value]
        notes, entries = writing.collect(blocks, writing.Job(items=items, data=data, style=style), writer)
        info = style_info(style)
        _print_notes(notes, entries, fmt, numbered=info.citation_format == "note", heading=info.heading)
        return
    from refdb.engines.citeproc import CiteRequest, render, style_info
    from refdb.services.citations import claim_citations

    assert key is not None
    with session_scope(ctx.obj) as session:
        items, cites = claim_citations(session, key)
    if not cites:
        note(f"claim '{key}' cites no source")
        return
    requests = [CiteRequest(id=k, locator=loc, label=label or "page") for k, loc, label in cites]
    rendered = render(items, requests, style=style, output=fmt.value)
    info = style_info(style)
    _print_notes(rendered.notes, rendered.bibliography, fmt, numbered=info.citation_format == "note",
                 heading=info.heading)  # fmt: skip
    _note_omitted(style, items, rendered.bibliography)


def _print_notes(notes: list[str], bibliography: list[str], fmt: TextFormat, *, numbered: bool,
                 heading: str) -> None:  # fmt: skip
    """Footnotes numbered (note styles) or in-text citations one per line (author-date, numeric), then
    the works under the heading the style names; no heading when the style lists none of them."""
    if fmt is TextFormat.html:
        tag = "ol" if numbered else "ul"
        lines = [f"<{tag} class=\"notes\">", *(f"  <li>{n}</li>" for n in notes), f"</{tag}>"]
        if bibliography:
            lines += [f"<h2>{heading}</h2>", "<ul class=\"bibliography\">",
                      *(f"  <li>{b}</li>" for b in bibliography), "</ul>"]  # fmt: skip
    elif fmt is TextFormat.markdown:
        lines = [f"{i}. {n}" if numbered else f"- {n}" for i, n in enumerate(notes, 1)]
        if bibliography:
            lines += ["", f"## {heading}", ""] + [f"- {b}" for b in bibliography]
    else:
        lines = [f"{i}. {n}" if numbered else n for i, n in enumerate(notes, 1)]
        if bibliography:
            lines += ["", heading, "", *bibliography]
    typer.echo("\n".join(lines))


def _note_omitted(style: str, items: list[Any], entries: list[str]) -> None:
    """A line on stderr when the style leaves selected sources out of its list (Chicago 18 lists no
    comments or personal communications): how many, and which, by their titles."""
    if len(entries) >= len(items):
        return
    import html
    import re

    from refdb.textnorm import fold

    shown = f" {fold(' '.join(re.sub(r'<[^>]+>', ' ', html.unescape(e)) for e in entries))} "
    missing = [str(i.get("id")) for i in items if f" {fold(str(i.get('title') or ''))[:30]}" not in shown]
    which = f": {', '.join(missing)}" if missing and len(missing) == len(items) - len(entries) else ""
    note(f"the style '{style}' lists {len(entries)} of the {len(items)} selected sources; it leaves out "
         f"{len(items) - len(entries)}{which}")  # fmt: skip


def bibliography(
    ctx: typer.Context,
    style: StyleOpt = "chicago-notes-bibliography",
    source: SourceOpt = None,
    claim: ClaimOpt = None,
    tag: TagOpt = None,
    fmt: Annotated[
        TextFormat, typer.Option("--format", "-f", help="text, markdown or html.")
    ] = TextFormat.text,
) -> None:
    """The formatted bibliography of the selected sources (default: all), sorted as the style says."""
    from refdb.db import session_scope
    from refdb.engines.citeproc import render_bibliography
    from refdb.services.citations import iter_items, select_sources

    with session_scope(ctx.obj) as session:
        ids = select_sources(session, source=source, claim=claim, tag=tag)
        items = list(iter_items(session, ids))
    if not items:
        note("no sources match")
        return
    entries = render_bibliography(items, style=style, output=fmt.value)
    _note_omitted(style, items, entries)
    if fmt is TextFormat.html:
        typer.echo("\n".join(['<ul class="bibliography">', *(f"  <li>{e}</li>" for e in entries), "</ul>"]))
    elif fmt is TextFormat.markdown:
        typer.echo("\n".join(f"- {e}" for e in entries))
    else:
        typer.echo("\n".join(entries))
