"""``refdb search``: full-text search with ranked results and highlighted snippets."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from refdb.cli.render import Column, OutputFormat, emit

# refdb.vocab.SEARCH_KINDS as Typer's choices (Typer takes no list of Literal; a test keeps them equal)
Kind = StrEnum("Kind", {k: k for k in ("claim", "quote", "comment", "source", "person", "passage")})  # type: ignore[misc]


def search(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(help='Words (all must match), word* for a prefix, "a phrase", a OR b, -excluded.'),
    ],
    kind: Annotated[
        list[Kind] | None,
        typer.Option(
            "--kind",
            "-k",
            help="Only these kinds (repeatable): claim, quote, comment, source, person (every recorded "
            "name and variant), passage (a paragraph of a text a source holds).",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=10000, help="At most this many results.")
    ] = 50,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """Search claims, quotes, comments, sources, people and the texts sources hold; best first.

    Case, diacritics and the letters readers type without their marks are ignored in every script:
    Хрущев finds Хрущёв, Краснои finds Красной, strasse finds Straße, lodz finds Łódź.  Matched
    words are in **bold**.  A query that starts with - goes after --: refdb search -- -fear.
    """
    from refdb.db import session_scope
    from refdb.services.search import search as run_search

    with session_scope(ctx.obj) as session:
        records = run_search(session, text, kinds=[k.value for k in kind] if kind else None, limit=limit)
    emit(
        records,
        fmt,
        [
            Column("KIND", lambda r: r["kind"]),
            Column("KEY", lambda r: f"{r['key']} ¶{r['paragraph']}" if "paragraph" in r else r["key"]),
            Column("SPEAKER", lambda r: r.get("speaker")),
            Column("MATCH", lambda r: r["snippet"], width=80, bold=True),
        ],
        empty="nothing matches",
    )
