"""The questions: claims, claim, quotes, comments, sources, people."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from refdb.cli.render import Column, OutputFormat, Record, emit
from refdb.formats.display import locator_text
from refdb.vocab import CLAIM_KINDS

ClaimKind = StrEnum("ClaimKind", {k: k for k in CLAIM_KINDS})  # type: ignore[misc]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


def _citations(record: Record) -> str:
    return "; ".join(
        f"{c['source']} {locator_text(c['label'], c['locator'])} ({c['stance']})".replace("  ", " ")
        for c in record["citations"]
    )


def claims(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Option("--source", "-s", help="A citation key, an author's name (any variant) or title words."),
    ] = None,
    person: Annotated[
        str | None, typer.Option("--person", "-p", help="Claims about this person (any name variant).")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Claims with this theme tag.")] = None,
    kind: Annotated[ClaimKind | None, typer.Option("--kind", "-k", help="Only claims of this kind.")] = None,
    disputed: Annotated[
        bool, typer.Option("--disputed", help="Only claims that something disputes, with what.")
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List claims, with the sources they are cited to and the locators."""
    from refdb.db import session_scope
    from refdb.services.queries import iter_claims

    with session_scope(ctx.obj) as session:
        records = iter_claims(session, source=source, person=person, tag=tag,
                              kind=kind.value if kind else None, disputed=disputed)  # fmt: skip
        columns = [
            Column("KEY", lambda r: r["key"]),
            Column("KIND", lambda r: r["kind"]),
            Column("CLAIM", lambda r: r["text"], width=60),
            Column("CITED TO", _citations, width=45),
        ]
        if disputed:
            columns.append(
                Column(
                    "DISPUTED BY",
                    lambda r: "; ".join(f"{d['kind']} {d['key']}" for d in r["disputed_by"]),
                    width=40,
                )
            )
        emit(records, fmt, columns, empty="no claims match")


def claim(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The claim's key.")],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text (default) or json.")
    ] = OutputFormat.table,
) -> None:
    """One claim: who asserts it, its sources and locators, its quotes, and what disputes it."""
    from refdb.cli.render import md_escape
    from refdb.db import session_scope
    from refdb.services.queries import claim_detail

    with session_scope(ctx.obj) as session:
        detail = claim_detail(session, key)
    if fmt is OutputFormat.json:
        import json

        typer.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    if fmt is OutputFormat.csv:
        emit(
            [detail],
            fmt,
            [
                Column("key", lambda r: r["key"]),
                Column("kind", lambda r: r["kind"]),
                Column("text", lambda r: r["text"]),
                Column("cited", _citations),
            ],
            empty="",
        )
        return
    esc = md_escape if fmt is OutputFormat.markdown else (lambda s: s)
    lines = [f"{esc(detail['key'])} ({detail['kind']})", f"  {esc(detail['text'])}"]
    if detail["tags"]:
        lines.append(f"  tags: {', '.join(detail['tags'])}")
    if detail["about"]:
        lines.append(f"  about: {', '.join(detail['about'])}")
    if detail["note"]:
        lines.append(f"  note: {esc(detail['note'])}")
    lines.append("")
    lines.append("Sources:" if detail["citations"] else "Sources: none")
    for c in detail["citations"]:
        where = locator_text(c["label"], c["locator"])
        lines.append(f"  {c['stance']:<9} {c['source']}{', ' + where if where else ''}  — {esc(c['title'])}")
        if c["anchor"]:
            lines.append(f"            “{esc(c['anchor'])}”")
        if c["note"]:
            lines.append(f"            note: {esc(c['note'])}")
    if detail["quotes"]:
        lines.append("")
        lines.append("Quotes:")
        for q in detail["quotes"]:
            lines.append(f"  {q['key']}: ‘{esc(q['text'])}’ — {esc(q['speaker'] or 'unknown speaker')}")
    if detail["comments"]:
        lines.append("")
        lines.append("Counter-comments:")
        for cm in detail["comments"]:
            stances = {c["claim"]: c["stance"] for c in cm["claims"]}
            lines.append(
                f"  {cm['key']} ({stances.get(detail['key'], '')}, {cm['author']}): {esc(cm['text'])}"
            )
    if detail["relations"] or detail["related_from"]:
        lines.append("")
        lines.append("Related claims:")
        for r in detail["relations"]:
            lines.append(f"  this {r['relation']} {r['claim']}: {esc(r['text'])}")
        for r in detail["related_from"]:
            lines.append(f"  {r['claim']} {r['relation']} this: {esc(r['text'])}")
    if detail["curated"]:
        lines.append("")
        lines.append("Curator's additions:")
        for f, basis in detail["curated"].items():
            lines.append(f"  {f}: {esc(basis)}")
    typer.echo("\n".join(lines))


def quotes(
    ctx: typer.Context,
    speaker: Annotated[str | None, typer.Option("--speaker", help="Who said it (any name variant).")] = None,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="Where it originates or was found.")
    ] = None,
    claim_key: Annotated[
        str | None, typer.Option("--claim", "-c", help="Quotes that are evidence for this claim.")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List quotes: verbatim words, who said them, where they come from and where they were found."""
    from refdb.db import session_scope
    from refdb.services.queries import iter_quotes

    with session_scope(ctx.obj) as session:
        records = iter_quotes(session, speaker=speaker, source=source, claim=claim_key)

        def place(p: Record | None) -> str:
            if not p:
                return ""
            where = locator_text(p["label"], p["locator"])
            return str(p["source"]) + (f", {where}" if where else "")

        emit(
            records,
            fmt,
            [
                Column("KEY", lambda r: r["key"]),
                Column("SPEAKER", lambda r: r["speaker"]),
                Column("QUOTE", lambda r: r["text"], width=60),
                Column("ORIGIN", lambda r: place(r["origin"]), width=30),
                Column("FOUND IN", lambda r: place(r["found_in"]), width=30),
                Column("CLAIMS", lambda r: r["claims"], width=30),
            ],
            empty="no quotes match",
        )


def comments(
    ctx: typer.Context,
    claim_key: Annotated[
        str | None, typer.Option("--claim", "-c", help="Counter-comments on this claim.")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List counter-comments: who answered what, and which claims they dispute."""
    from refdb.db import session_scope
    from refdb.services.queries import iter_comments

    with session_scope(ctx.obj) as session:
        records = iter_comments(session, claim=claim_key)
        emit(
            records,
            fmt,
            [
                Column("KEY", lambda r: r["key"]),
                Column("AUTHOR", lambda r: r["author"]),
                Column("DATE", lambda r: r["date"]),
                Column("COMMENT", lambda r: r["text"], width=60),
                Column("ANSWERS", lambda r: r["answers"]),
                Column(
                    "CLAIMS",
                    lambda r: "; ".join(f"{c['stance']} {c['claim']}" for c in r["claims"]),
                    width=40,
                ),
            ],
            empty="no counter-comments match",
        )


def sources(
    ctx: typer.Context,
    match: Annotated[
        str | None, typer.Argument(help="Only sources matching a key, author or title words.")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List sources: the bibliographic works."""
    from refdb.db import session_scope
    from refdb.services.queries import iter_sources

    with session_scope(ctx.obj) as session:
        records = iter_sources(session, match=match)
        emit(
            records,
            fmt,
            [
                Column("KEY", lambda r: r["key"]),
                Column("TYPE", lambda r: r["type"]),
                Column("CLASS", lambda r: r["class"]),
                Column(
                    "AUTHORS",
                    lambda r: [c["name"] for c in r["contributors"] if c["role"] == "author"],
                    width=25,
                ),
                Column("TITLE", lambda r: r["title"], width=50),
                Column("ISSUED", lambda r: r["issued"]),
            ],
            empty="no sources match",
        )


def people(
    ctx: typer.Context,
    match: Annotated[str | None, typer.Argument(help="Only people one of whose names matches.")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """List people with their native-script names and name variants."""
    from refdb.db import session_scope
    from refdb.services.queries import iter_people

    with session_scope(ctx.obj) as session:
        records = iter_people(session, match=match)
        emit(
            records,
            fmt,
            [
                Column("KEY", lambda r: r["key"]),
                Column("NAME", lambda r: r["name"]),
                Column("NATIVE", lambda r: r["native"]),
                Column(
                    "VARIANTS",
                    lambda r: [f"{v['name']} ({v['scheme'] or v['kind']})" for v in r["variants"]],
                    width=60,
                ),
            ],
            empty="no people match",
        )
