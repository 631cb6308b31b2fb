"""Undo one change of the history: put every record it touched back as it was before.

Refused, with the reason, when a record is no longer as the change left it: a later change touched
it (undo that one first; once it is undone, the older change can be) or something outside the
history did (a load).  The
undo is itself a change, so it can be undone in turn.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from refdb import records
from refdb.errors import ConflictError
from refdb.formats import dataset as fmt
from refdb.models import KEYED
from refdb.services import authoring, history, store

ORDER = tuple(records.RECORDS)  # people first: what others refer to


def undo(session: Session, change_id: int) -> list[history.Entry]:
    """Revert change ``change_id``; returns the record changes it reverted."""
    entries = history.get_change(session, change_id)
    for e in entries:
        now = history.plain_record(session, e.kind, e.after["key"] if e.after else e.key)
        if now == e.after:  # later changes, if any, have been undone: nothing of theirs is lost
            continue
        keys = {e.key, *([e.old_key] if e.old_key else [])}
        later = history.later_changes(session, change_id, e.kind, keys)
        if later:
            last = later[-1]
            raise ConflictError(
                f"change {change_id} cannot be undone: change {last.change} ({last.action}, by {last.actor} "
                f"at {last.at}) changed {e.kind} '{last.key}' after it; undo that change first"
            )
        raise ConflictError(
            f"change {change_id} cannot be undone: {e.kind} '{e.key}' is no longer as the change left it "
            "(changed outside the history, e.g. by 'refdb load')"
        )
    session.info.setdefault("action", f"undo {change_id}")
    for e in entries:
        history.touch(session, e.kind, e.key)
    # 1. what it renamed gets its old key back
    for e in entries:
        if e.before is not None and e.after is not None and e.before["key"] != e.after["key"]:
            model: Any = KEYED[e.kind]
            session.execute(update(model).where(model.key == e.key).values(key=e.before["key"]))
            history.renamed(session, e.kind, e.key, e.before["key"])
    # 2. everything else is written back as it was, in one write (references resolve in order)
    restore: dict[str, list[Any]] = {section: [] for section in records.Dataset.SECTIONS}
    for e in entries:
        if e.before is not None:
            rec = fmt.parse_record(e.kind, e.before, source_name=f"undo {change_id}")
            restore[records.SECTION_OF[e.kind]].append(rec)
    store.write(session, records.Dataset(**restore))  # type: ignore[arg-type]
    # 3. what the change added goes (what refers to it first; nothing restored refers to it)
    for e in sorted((e for e in entries if e.before is None), key=lambda e: -ORDER.index(e.kind)):
        try:
            authoring.remove(session, e.kind, e.key, cascade=False)
        except ConflictError as exc:
            raise ConflictError(
                f"change {change_id} cannot be undone: {exc.message}".split(" (pass --cascade")[0]
            ) from None
    return entries
