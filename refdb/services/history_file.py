"""A dataset file's history section, written back into the database by the one writer on load.

Apart from ``refdb.services.history`` (which reads records through the export), so that the writer
(``refdb.services.store``) can call it without an import circle.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from refdb.errors import InputError
from refdb.models import Change, ChangeRecord
from refdb.records import ChangeRec


def dumps(plain: dict[str, Any] | None) -> str | None:
    """A record's dataset form as the history stores it."""
    return None if plain is None else json.dumps(plain, ensure_ascii=False, sort_keys=True)


def store_history(session: Session, changes: list[ChangeRec]) -> int:
    """Write a file's history: changes the database lacks are added under their numbers; one it
    holds already must be the same change.  Returns how many were added."""
    have = {c.id: (c.at, c.actor, c.action) for c in session.scalars(select(Change))}
    added = 0
    for change in sorted(changes, key=lambda c: c.id):
        if change.id in have:
            if have[change.id] != (change.at, change.actor, change.action):
                raise InputError(
                    f"history change {change.id} differs from the database's change {change.id}; load a "
                    "history only into its own database or a new one (or dump with --no-history)",
                    location=change.loc,
                )
            continue
        session.execute(
            insert(Change).values(id=change.id, at=change.at, actor=change.actor, action=change.action)
        )
        session.execute(insert(ChangeRecord), [
            {"change_id": change.id, "position": i, "kind": r.kind, "key": r.key, "old_key": r.old_key,
             "before": dumps(r.before), "after": dumps(r.after)}
            for i, r in enumerate(change.records, start=1)])  # fmt: skip
        added += 1
    if added and session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('change', 'id'), (SELECT max(id) FROM change))")
        )
    return added
