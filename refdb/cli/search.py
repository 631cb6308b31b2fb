"""``refdb search``: full-text search with ranked results and highlighted snippets."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from refdb.cli.render import Column, OutputFormat, emit


class Kind(StrEnum):
    claim = "claim"
    quote = "quote"
    comment = "comment"
    source = "source"


def search(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(help='Words (all must match), word* for a prefix, "a phrase", a OR b, -excluded.'),
    ],
    kind: Annotated[
        list[Kind] | None, typer.Option("--kind", "-k", help="Only these kinds (repeatable).")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=10000, help="At most this many results.")
    ] = 50,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """Search claims, quotes, comments and sources; best matches first, matched words in **bold**."""
    from refdb.db import session_scope
    from refdb.services.search import search as run_search

    with session_scope(ctx.obj) as session:
        records = run_search(session, text, kinds=[k.value for k in kind] if kind else None, limit=limit)
    emit(
        records,
        fmt,
        [
            Column("KIND", lambda r: r["kind"]),
            Column("KEY", lambda r: r["key"]),
            Column("SPEAKER", lambda r: r.get("speaker")),
            Column("MATCH", lambda r: r["snippet"], width=80),
        ],
        empty="nothing matches",
    )
