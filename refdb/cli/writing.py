"""Writing with refdb: dossiers with real footnotes, and manuscripts that cite claims and quotes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refdb.cli.render import note

if TYPE_CHECKING:
    from refdb.engines.writing import Job

STYLE_HELP = (
    "A CSL style: an official id (chicago-notes-bibliography, apa, modern-language-association ...; "
    "aliases chicago, mla, apa, harvard) or a path to a .csl file. Note styles give footnotes, "
    "author-date styles in-text citations and a reference list."
)
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o",
        help="Write to this file; its suffix picks the format: .docx, .odt, .html, .pdf or .md "
        "(pandoc Markdown with the citations kept). Default: plain text on stdout.",
    ),
]  # fmt: skip
StyleOpt = Annotated[str, typer.Option("--style", help=STYLE_HELP)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")]


def dossier(
    ctx: typer.Context,
    claim: Annotated[list[str] | None, typer.Option("--claim", "-c", help="A claim (repeatable).")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Claims with this tag (repeatable).")] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Claims citing a source: key, author or title words (repeatable)."),
    ] = None,
    output: OutputOpt = None,
    style: StyleOpt = "chicago-notes-bibliography",
    title: Annotated[str | None, typer.Option("--title", help="The document's title.")] = None,
    force: ForceOpt = False,
) -> None:
    """A dossier of claims (default: all; --claim, --tag and --source add to the selection): each claim
    with its sources by stance and locators as footnotes, quotations, counter-comments, related claims
    and the curator's additions, a contents list and the bibliography."""
    from refdb.db import session_scope
    from refdb.engines import writing
    from refdb.formats import dossier as dossier_format
    from refdb.services.writing import dossier_records, select_claims

    fmt = writing.format_for(output) if output is not None else "text"
    note_style = writing.is_note_style(style)
    with session_scope(ctx.obj) as session:
        ids = select_claims(session, claims=claim or (), tags=tag or (), sources=source or ())
        claims, items = dossier_records(session, ids)
    if not claims:
        note("no claims match")
        return
    named = [f"claim {c}" for c in claim or ()] + [f"tag {t}" for t in tag or ()]
    named += [f"source {s}" for s in source or ()]
    heading = title if title is not None else "Dossier" + (f": {', '.join(named)}" if named else "")
    bibliography_title = "Bibliography" if note_style else "References"
    document = dossier_format.build(
        claims, items, title=heading, note_style=note_style, bibliography_title=bibliography_title
    )
    job = writing.Job(
        items=items, data=dossier_format.filter_data(claims, items), style=style,
        bibliography_title=bibliography_title,
    )  # fmt: skip
    _write(document, job, output, fmt, force)
    count = f"{len(claims)} claim{'s' if len(claims) != 1 else ''}"
    if output is not None:
        note(f"wrote a dossier of {count} to {output}")


def render(
    ctx: typer.Context,
    manuscript: Annotated[
        Path | None,
        typer.Argument(help="A pandoc Markdown file citing [@claim:KEY], [@quote:KEY] and [@SOURCE, 12].",
                       show_default=False),
    ] = None,
    output: OutputOpt = None,
    style: StyleOpt = "chicago-notes-bibliography",
    force: ForceOpt = False,
    print_filter: Annotated[
        bool, typer.Option("--print-filter", help="Print the path of refdb's pandoc Lua filter and exit.")
    ] = False,
    print_data: Annotated[
        bool,
        typer.Option("--print-data", help="Print the claims and quotes JSON the filter reads (-M refdb-data=FILE): "
                     "of MANUSCRIPT's citations, or of the whole database."),
    ] = False,
) -> None:
    """Render a manuscript: claims expand to the sources that assert, support or report them (then
    "But see" those that reject them), quotes to the "quoted in" note, sources as cited."""
    import json

    from refdb.db import session_scope
    from refdb.engines import writing
    from refdb.errors import UsageError
    from refdb.formats.manuscript import citation_keys, split_keys
    from refdb.formats.text import read_file
    from refdb.services.writing import source_items, writing_data

    if print_filter:
        typer.echo(str(writing.FILTER))
        return
    keys: dict[str, int] = {}
    if manuscript is not None:
        keys = citation_keys(read_file(manuscript))
    elif not print_data:
        raise UsageError("give a MANUSCRIPT to render (or --print-filter, --print-data)")
    claim_keys, quote_keys, source_keys = split_keys(keys)
    fmt = writing.format_for(output) if output is not None else "text"
    note_style = writing.is_note_style(style)
    with session_scope(ctx.obj) as session:
        if print_data and manuscript is None:
            data, _ = writing_data(session)
            typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
            return
        data, items = writing_data(session, claims=claim_keys, quotes=quote_keys, every_source=print_data)
        cited = {str(item["id"]) for item in items}
        items += [item for item in source_items(session, source_keys) if str(item["id"]) not in cited]
    if print_data:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    assert manuscript is not None
    data["sources"] = sorted(str(item["id"]) for item in items)
    job = writing.Job(items=items, data=data, style=style,
                      bibliography_title="Bibliography" if note_style else "References")  # fmt: skip
    try:
        _write(manuscript, job, output, fmt, force)
    except writing.UnknownKeyError as exc:
        cited_as = exc.key if exc.kind == "source" else f"{exc.kind}:{exc.key}"
        line = keys.get(cited_as)
        where = f"{manuscript}, line {line}" if line is not None else str(manuscript)
        raise writing.UnknownKeyError(exc.kind, exc.key, location=where) from None
    if output is not None:
        note(f"rendered {manuscript} to {output}")


def _write(document: Mapping[str, Any] | Path, job: Job, output: Path | None, fmt: str, force: bool) -> None:
    from refdb.cli.output import output_path
    from refdb.engines import writing

    if output is None:
        text = writing.write_document(document, job, None, "text")
        typer.echo((text or b"").decode("utf-8").rstrip("\n"))
        return
    with output_path(output, force=force) as tmp:
        writing.write_document(document, job, tmp, fmt)
