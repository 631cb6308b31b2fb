"""Whole-database data commands: seed, load, dump."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refdb.cli.render import note

if TYPE_CHECKING:
    from refdb.services.store import LoadReport


def _load_file(url: str, path: Path) -> str:
    return load_path(url, path).summary()


def load_path(url: str, path: Path) -> LoadReport:
    """Load a dataset file in one transaction: streamed a batch at a time when it is laid out as a
    dump is; otherwise (or on any problem) rolled back and read whole, which names the problem."""
    from refdb.db import session_scope
    from refdb.errors import InputError
    from refdb.formats import dataset as fmt
    from refdb.formats.text import read_file
    from refdb.services.dataset import load_dataset, load_file

    try:
        with session_scope(url, write=True) as session:
            return load_file(session, path)
    except (fmt.NotStreamable, InputError):
        pass  # rolled back: nothing of the streamed part remains
    text = read_file(path)
    dataset = fmt.parse(text, source_name=str(path), base_dir=path.parent)
    with session_scope(url, write=True) as session:
        return load_dataset(session, dataset)


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
    no_history: Annotated[bool, typer.Option("--no-history", help="Leave out the history of changes.")] = False,
) -> None:
    """Write the whole database as a dataset file: sorted and stable, so two dumps diff cleanly."""
    from refdb.cli.output import open_output
    from refdb.db import session_scope
    from refdb.formats import dataset as fmt
    from refdb.services.dataset import iter_pages
    from refdb.services.history import export_history

    with session_scope(ctx.obj) as session, open_output(output, force=force) as out:
        history = None if no_history else export_history(session)
        count = fmt.dump_pages(iter_pages(session), out, history)  # a page at a time: memory stays flat
    if output is not None:
        note(f"wrote {count} records to {output}")


def check(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or markdown.")] = "table",
) -> None:
    """Integrity report: anchors, unasserted claims, uncited sources, duplicate people, short titles, engine."""
    from refdb.cli.render import Column, OutputFormat, emit
    from refdb.db import session_scope
    from refdb.errors import UsageError
    from refdb.services.check import iter_checks

    try:
        output = OutputFormat(fmt)
    except ValueError:
        raise UsageError(f"--format must be one of: {', '.join(f.value for f in OutputFormat)}") from None
    found = 0

    def counted(problems: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal found
        for problem in problems:
            found += 1
            yield problem

    with session_scope(ctx.obj) as session:  # JSON and CSV stream the problems as they are found
        emit(counted(iter_checks(session)), output, [
            Column("KIND", lambda r: r["kind"]), Column("KEY", lambda r: r["key"]),
            Column("CHECK", lambda r: r["check"]), Column("PROBLEM", lambda r: r["problem"], width=70),
        ], empty="check: no problems found")  # fmt: skip
    if found:
        note(f"check: {found} problem{'s' if found != 1 else ''} found")
        raise typer.Exit(1)
