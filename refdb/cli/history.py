"""refdb history, refdb undo: what changed, by whom, and putting one change back."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from refdb.cli.render import note


def history(
    ctx: typer.Context,
    kind: Annotated[
        str | None, typer.Argument(help="Only this kind of record (claim, quote, source ...).")
    ] = None,
    key: Annotated[
        str | None, typer.Argument(help="Only this record (its key now or before a rename).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many lines, newest first.")] = 50,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or markdown.")] = "table",
) -> None:
    """The history of changes, newest first: change number, when, who, what, the record and its fields."""
    from refdb.cli.render import Column, OutputFormat, emit
    from refdb.db import session_scope
    from refdb.errors import UsageError
    from refdb.records import RECORDS
    from refdb.services import history as hist

    try:
        output = OutputFormat(fmt)
    except ValueError:
        raise UsageError(f"--format must be one of: {', '.join(f.value for f in OutputFormat)}") from None
    if kind is not None and kind not in RECORDS:
        raise UsageError(f"unknown kind '{kind}'; choose one of: {', '.join(RECORDS)}")
    with session_scope(ctx.obj) as session:
        entries = hist.list_history(session, kind, key, limit=limit)
    rows: list[dict[str, Any]] = [
        {"change": e.change, "at": e.at, "actor": e.actor, "action": e.action, "kind": e.kind, "key": e.key,
         "old_key": e.old_key, "what": e.what, "fields": e.fields(), "before": e.before, "after": e.after}
        for e in entries
    ]  # fmt: skip
    emit(rows, output, [
        Column("CHANGE", lambda r: r["change"]), Column("AT", lambda r: r["at"]), Column("BY", lambda r: r["actor"]),
        Column("ACTION", lambda r: r["action"], width=36), Column("RECORD", lambda r: f"{r['kind']} {r['key']}"),
        Column("WHAT", lambda r: r["what"]), Column("FIELDS", lambda r: ", ".join(r["fields"]), width=30),
    ], empty="history: no changes recorded")  # fmt: skip


def undo(
    ctx: typer.Context,
    change: Annotated[int, typer.Argument(help="The change number (see 'refdb history').")],
) -> None:
    """Revert one change: every record it touched as it was before; refused when a later change touched one."""
    from refdb.db import session_scope
    from refdb.services.undo import undo as undo_change

    with session_scope(ctx.obj, write=True) as session:
        entries = undo_change(session, change)
    note(f"undid change {change}: " + ", ".join(f"{e.kind} '{e.key}'" for e in entries))
