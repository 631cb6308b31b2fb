"""What the history costs an edit: N ``authoring.edit`` calls in-process on a fresh seed, with the
history on and off (issue 16).  Prints the CPU milliseconds per edit of each, and of one record's snapshot.

    .venv/bin/python scripts/history_cost.py [--edits 200] [--on URL --off URL]

``--on``/``--off``: two empty databases to seed and edit (default: two SQLite files in a temporary
directory), e.g. PostgreSQL ones.

Not a test (timings stay out of the unit tests): a reproducible measurement for the record.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from refdb.db import dispose_all, session_scope
from refdb.services import authoring, history

CLAIM = "commanders-shot-after-finland"


def _seed(url: str) -> None:
    from typer.testing import CliRunner

    from refdb.cli.main import app

    result = CliRunner().invoke(app, ["--db", url, "seed"])
    assert result.exit_code == 0, result.output
    dispose_all()


def _run(url: str, edits: int) -> float:
    """CPU milliseconds per edit (CPU, not wall time: the machine is shared)."""
    start = time.process_time()
    for i in range(edits):
        with session_scope(url, write=True) as session:
            authoring.edit(session, "claim", CLAIM, {"note": f"note {i}"}, [])
    return (time.process_time() - start) / edits * 1000


def _snapshots(url: str, rounds: int = 20) -> tuple[int, float]:
    """How many records the seed has, and the CPU milliseconds of one record's snapshot."""
    from refdb import records
    from refdb.services.dataset import export_dataset

    with session_scope(url) as session:
        every = [(kind, rec.key) for kind, section in records.SECTION_OF.items()
                 for rec in getattr(export_dataset(session), section)]  # fmt: skip
        start = time.process_time()
        for _ in range(rounds):
            for kind, key in every:
                history.plain_record(session, kind, key)
        return len(every), (time.process_time() - start) / (rounds * len(every)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--on", help="an empty database for the edits with history")
    parser.add_argument("--off", help="an empty database for the edits without")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        on = args.on or f"sqlite:///{Path(tmp) / 'on.sqlite'}"
        off = args.off or f"sqlite:///{Path(tmp) / 'off.sqlite'}"
        _seed(on)
        _seed(off)
        _run(on, 5)  # warm: engines, statement caches
        count, snapshot = _snapshots(on)
        with_history = _run(on, args.edits)
        touch = history.touch
        history.touch = lambda *a, **k: None  # type: ignore[assignment]
        event.remove(Session, "before_commit", history._finish)
        try:
            _run(off, 5)
            without = _run(off, args.edits)
        finally:
            history.touch = touch  # type: ignore[assignment]
            event.listen(Session, "before_commit", history._finish)
        dispose_all()
    print(f"snapshot of one record (mean over the seed's {count}): {snapshot:.2f} ms CPU")
    print(f"{args.edits} edits: {with_history:.1f} ms CPU each with history, {without:.1f} ms without "
          f"({with_history - without:+.1f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
