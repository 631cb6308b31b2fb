"""The questions: claims, claim, quotes, comments, sources, people."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from refdb.cli.render import Column, OutputFormat, Record, emit
from refdb.formats.locator import locator_text
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
    from refdb.db import read_scope
    from refdb.services.queries import iter_claims

    with read_scope(ctx.obj) as session:
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


class ClaimFormat(StrEnum):
    text = "text"
    table = "table"  # the same as text: what every listing's default is called
    json = "json"
    csv = "csv"
    markdown = "markdown"


def claim(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The claim's key.")],
    fmt: Annotated[
        ClaimFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (the default; also 'table'), json (the whole record), csv (one row, every field; lists "
            "joined with '; '), markdown (a section with lists).",
        ),
    ] = ClaimFormat.text,
) -> None:
    """One claim: who asserts it, its sources and locators, its quotes, and what disputes it."""
    from refdb.cli.render import md_escape
    from refdb.db import read_scope
    from refdb.services.queries import claim_detail

    with read_scope(ctx.obj) as session:
        detail = claim_detail(session, key)
    if fmt is ClaimFormat.json:
        import json

        typer.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    if fmt is ClaimFormat.csv:
        emit([detail], OutputFormat.csv, _claim_csv_columns(), empty="")
        return
    md = fmt is ClaimFormat.markdown

    def esc(text: str) -> str:
        return md_escape(text) if md else text

    def head(title: str) -> str:
        return f"\n### {title}\n" if md else f"\n{title}:"

    item = "- " if md else "  "
    lines = (
        [f"## {esc(detail['key'])} ({detail['kind']})", "", esc(detail["text"])]
        if md
        else [f"{detail['key']} ({detail['kind']})", f"  {detail['text']}"]
    )
    if md:
        lines.append("")
    if detail["tags"]:
        lines.append(f"{item}tags: {esc(', '.join(detail['tags']))}")
    if detail["about"]:
        lines.append(f"{item}about: {esc(', '.join(detail['about']))}")
    if detail["note"]:
        lines.append(f"{item}note: {esc(detail['note'])}")
    lines.append(head("Sources") if detail["citations"] else (head("Sources") + ("none" if md else " none")))
    for c in detail["citations"]:
        where = locator_text(c["label"], c["locator"])
        at = f", {where}" if where else ""
        if md:
            lines.append(f"- {c['stance']} {esc(c['source'])}{esc(at)} — {esc(c['title'] or '')}")
        else:
            lines.append(f"  {c['stance']:<9} {c['source']}{at}  — {c['title']}")
        sub = "  - " if md else "            "
        if c["anchor"]:
            lines.append(f"{sub}“{esc(c['anchor'])}”")
        if c["note"]:
            lines.append(f"{sub}note: {esc(c['note'])}")
    if detail["quotes"]:
        lines.append(head("Quotes"))
        for q in detail["quotes"]:
            lines.append(f"{item}{esc(q['key'])}: ‘{esc(q['text'])}’ — {esc(q['speaker'] or 'unknown speaker')}")
    if detail["comments"]:
        lines.append(head("Counter-comments"))
        for cm in detail["comments"]:
            stances = {c["claim"]: c["stance"] for c in cm["claims"]}
            lines.append(
                f"{item}{esc(cm['key'])} ({stances.get(detail['key'], '')}, {esc(cm['author'] or '')}): "
                f"{esc(cm['text'])}"
            )
    if detail["relations"] or detail["related_from"]:
        lines.append(head("Related claims"))
        for r in detail["relations"]:
            lines.append(f"{item}this {r['relation']} {esc(r['claim'])}: {esc(r['text'])}")
        for r in detail["related_from"]:
            lines.append(f"{item}{esc(r['claim'])} {r['relation']} this: {esc(r['text'])}")
    if detail["curated"]:
        lines.append(head("Curator's additions"))
        for f, basis in detail["curated"].items():
            lines.append(f"{item}{f}: {esc(basis)}")
    typer.echo("\n".join(lines))


def _claim_csv_columns() -> list[Column]:
    """Every field of a claim's record, lists joined with '; ' (the JSON record, flattened)."""

    def cited(r: Record) -> list[str]:
        out = []
        for c in r["citations"]:
            where = locator_text(c["label"], c["locator"])
            out.append(f"{c['source']} ({c['stance']}{', ' + where if where else ''})")
        return out

    return [
        Column("key", lambda r: r["key"]),
        Column("kind", lambda r: r["kind"]),
        Column("text", lambda r: r["text"]),
        Column("tags", lambda r: r["tags"]),
        Column("about", lambda r: r["about"]),
        Column("note", lambda r: r["note"]),
        Column("asserted_by", lambda r: r["asserted_by"]),
        Column("rejected_by", lambda r: r["rejected_by"]),
        Column("citations", cited),
        Column("anchors", lambda r: [c["anchor"] for c in r["citations"] if c["anchor"]]),
        Column("quotes", lambda r: [q["key"] for q in r["quotes"]]),
        Column("comments", lambda r: [c["key"] for c in r["comments"]]),
        Column("relations", lambda r: [f"{x['relation']} {x['claim']}" for x in r["relations"]]),
        Column("related_from", lambda r: [f"{x['claim']} {x['relation']}" for x in r["related_from"]]),
        Column("curated", lambda r: [f"{k}: {v}" for k, v in r["curated"].items()]),
    ]


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
    from refdb.db import read_scope
    from refdb.services.queries import iter_quotes

    with read_scope(ctx.obj) as session:
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
    from refdb.db import read_scope
    from refdb.services.queries import iter_comments

    with read_scope(ctx.obj) as session:
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
    from refdb.db import read_scope
    from refdb.services.queries import iter_sources

    with read_scope(ctx.obj) as session:
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
    from refdb.db import read_scope
    from refdb.services.queries import iter_people

    with read_scope(ctx.obj) as session:
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
