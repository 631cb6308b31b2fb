"""``refdb map``: the argument around some claims as a picture (SVG, PNG, PDF) or a graph (DOT, Mermaid, JSON)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from refdb.cli.render import note


class MapFormat(StrEnum):
    svg = "svg"
    png = "png"
    pdf = "pdf"
    dot = "dot"
    mermaid = "mermaid"
    json = "json"


SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid",
            ".mermaid": "mermaid", ".json": "json"}  # fmt: skip
PICTURES = ("svg", "png", "pdf")


def _format(fmt: MapFormat | None, output: Path | None) -> str:
    from refdb.errors import UsageError

    if fmt is not None:
        return fmt.value
    if output is None:
        return "svg"
    suffix = output.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(
            f"--output {output}: cannot tell the format from '{suffix or 'no suffix'}'; give --format "
            f"({', '.join(f.value for f in MapFormat)}) or a suffix ({', '.join(SUFFIXES)})"
        )
    return SUFFIXES[suffix]


def map_(
    ctx: typer.Context,
    claims: Annotated[list[str] | None, typer.Argument(help="Claim keys to map.", show_default=False)] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Map every claim with this tag (repeatable).")
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            "-s",
            help="Map every claim cited to a matching source: a key, an author or title words (repeatable).",
        ),
    ] = None,
    depth: Annotated[
        int, typer.Option("--depth", "-d", min=0, max=10, help="Links to follow from the selected claims.")
    ] = 1,
    fmt: Annotated[
        MapFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="svg, png, pdf, dot, mermaid or json [default: from the --output suffix, else svg].",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
    link_base: Annotated[
        str | None,
        typer.Option(
            "--link-base",
            help="Link each node of an SVG to URL/claims/KEY, URL/sources/KEY, ... "
            "(an http(s) URL or a path starting with /).",
        ),
    ] = None,
) -> None:
    """Draw the argument around claims: their sources with stance and locator, quotes, counter-comments, relations."""
    from refdb.cli.output import open_output, write_bytes
    from refdb.db import session_scope
    from refdb.errors import UsageError
    from refdb.formats import argmap
    from refdb.services.argument_map import argument_map

    name = _format(fmt, output)
    base = argmap.check_link_base(link_base)
    if name in ("png", "pdf") and output is None and sys.stdout.isatty():
        raise UsageError(f"{name.upper()} is binary: give --output FILE or redirect stdout to a file")
    with session_scope(ctx.obj) as session:
        records = argument_map(
            session, claims=claims or [], tags=tag or [], sources=source or [], depth=depth
        )
    graph = argmap.build(records)
    if graph.empty:
        note("no claims match; the map is empty")
        if name != "json":
            return
    if name in PICTURES:
        from refdb.engines.graphviz import render

        data = render(argmap.to_dot(graph, link_base=base), name, nodes=len(graph.nodes))
        if name == "svg":
            with open_output(output, force=force) as out:
                out.write(data.decode("utf-8"))
        else:
            write_bytes(output, data, force=force)
    else:
        writer = {"dot": argmap.to_dot, "mermaid": argmap.to_mermaid, "json": argmap.to_json}[name]
        text = writer(graph, link_base=base)
        with open_output(output, force=force) as out:
            out.write(text)
    if output is not None:
        claims_n = sum(1 for n in graph.nodes if n.kind == "claim")
        note(f"wrote a map of {claims_n} claim{'s' if claims_n != 1 else ''} and {len(graph.nodes) - claims_n} "
             f"other records, {len(graph.edges)} links, to {output}")  # fmt: skip
