"""Whole-database data commands: seed, load, dump."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from refdb.cli.render import note


def _load_file(url: str, path: Path) -> str:
    from refdb.db import session_scope
    from refdb.formats import dataset as fmt
    from refdb.formats.text import read_file
    from refdb.services.dataset import load_dataset

    text = read_file(path)
    dataset = fmt.parse(text, source_name=str(path), base_dir=path.parent)
    with session_scope(url, write=True) as session:
        report = load_dataset(session, dataset)
    return report.summary()


def seed(ctx: typer.Context) -> None:
    """Load the bundled seed dataset (the essay "Stalin and his generals"); running it again changes nothing."""
    from refdb.resources import seed_dataset

    path = seed_dataset()
    note(f"seed {path.name}: {_load_file(ctx.obj, path)}")


def load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A dataset file (YAML, the format 'refdb dump' writes).")],
) -> None:
    """Load a dataset file: adds new records, updates changed ones, in one transaction, never duplicating."""
    note(f"{file}: {_load_file(ctx.obj, file)}")


def dump(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
) -> None:
    """Write the whole database as a dataset file: sorted and stable, so two dumps diff cleanly."""
    from refdb.cli.output import open_output
    from refdb.db import session_scope
    from refdb.formats import dataset as fmt
    from refdb.services.dataset import export_dataset

    with session_scope(ctx.obj) as session:
        data = export_dataset(session)
    text = fmt.dumps(data)
    with open_output(output, force=force) as out:
        out.write(text)
    if output is not None:
        note(f"wrote {data.count()} records to {output}")


def check(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or markdown.")] = "table",
) -> None:
    """Integrity report: anchors, unasserted claims, uncited sources, duplicate people, short titles, engine."""
    from refdb.cli.render import Column, OutputFormat, emit
    from refdb.db import session_scope
    from refdb.errors import UsageError
    from refdb.services.check import run_checks

    try:
        output = OutputFormat(fmt)
    except ValueError:
        raise UsageError(f"--format must be one of: {', '.join(f.value for f in OutputFormat)}") from None
    with session_scope(ctx.obj) as session:
        problems = run_checks(session)
    emit(problems, output, [
        Column("KIND", lambda r: r["kind"]), Column("KEY", lambda r: r["key"]), Column("CHECK", lambda r: r["check"]),
        Column("PROBLEM", lambda r: r["problem"], width=70),
    ], empty="check: no problems found")  # fmt: skip
    if problems:
        note(f"check: {len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        raise typer.Exit(1)
