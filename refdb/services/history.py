"""The history of changes: who changed which records, when, and each record before and after.

Authoring services call :func:`touch` before they change a record (and :func:`renamed` when they
change its key).  The first touch in a transaction takes the record's dataset form as it was; when
the transaction commits, a ``before_commit`` hook takes every touched record's form again and writes
one ``change`` with a ``change_record`` per record that really changed, in the same transaction.
So a CLI command, a browser form or an undo is one change however many services it calls, and a
change that is rolled back leaves no history.

Who: ``session.info["actor"]`` (the signed-in user of the browser, ``--as`` or ``$REFDB_USER`` on
the command line, else the login name).  A change also raises the version of every record it
changed that the writer did not already raise (removals and renames are written in place).
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import json
import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, event, insert, or_, select, update
from sqlalchemy.orm import Session

from refdb import records
from refdb.errors import NotFoundError
from refdb.formats import dataset as fmt
from refdb.models import KEYED, Change, ChangeRecord
from refdb.records import ChangeEntryRec, ChangeRec
from refdb.services.history_file import dumps

_PENDING = "refdb_change"


@dataclass
class _Entry:
    kind: str
    key: str  # the key now (follows renames)
    old_key: str
    before: dict[str, Any] | None
    version: int | None


@dataclass
class _Pending:
    action: str
    entries: list[_Entry] = field(default_factory=list)

    def find(self, kind: str, key: str) -> _Entry | None:
        return next((e for e in self.entries if e.kind == kind and e.key == key), None)


def default_actor() -> str:
    try:
        return os.environ.get("REFDB_USER") or getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"


def actor_of(session: Session) -> str:
    return str(session.info.get("actor") or default_actor())


def plain_record(session: Session, kind: str, key: str) -> dict[str, Any] | None:
    """The record as its dataset file holds it (the source's text inline), or None when absent.

    Read from the record's own rows (``export_record``), as the whole export would give it."""
    from refdb.services.dataset import export_record

    found = export_record(session, kind, key)
    if found is None:
        return None
    plain: dict[str, Any] = fmt.plain_records(records.SECTION_OF[kind], [found])[0]
    if kind == "source" and found.text is not None:
        plain["text"] = found.text
    return plain


@functools.cache
def _version_query(kind: str) -> Any:
    table: Any = KEYED[kind].__table__
    return select(table.c.version).where(table.c.key == bindparam("key"))


def _version(session: Session, kind: str, key: str) -> int | None:
    version: int | None = session.execute(_version_query(kind), {"key": key}).scalar()
    return version


def touch(session: Session, kind: str, key: str, action: str | None = None) -> None:
    """Remember the record as it is now, before this transaction changes it (the first touch counts)."""
    pending: _Pending | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = _Pending(
            session.info.get("action") or action or f"change {kind} {key}"
        )
    if pending.find(kind, key) is None:
        pending.entries.append(
            _Entry(kind, key, key, plain_record(session, kind, key), _version(session, kind, key))
        )


def renamed(session: Session, kind: str, old: str, new: str) -> None:
    pending: _Pending | None = session.info.get(_PENDING)
    entry = pending.find(kind, old) if pending else None
    if entry is not None:
        entry.key = new


@event.listens_for(Session, "before_commit")
def _finish(session: Session) -> None:
    pending: _Pending | None = session.info.pop(_PENDING, None)
    if pending is None:
        return
    rows = []
    for entry in pending.entries:
        after = plain_record(session, entry.kind, entry.key)
        if after == entry.before:
            continue
        if after is not None and _version(session, entry.kind, entry.key) == entry.version:
            model: Any = KEYED[entry.kind]
            session.execute(update(model).where(model.key == entry.key).values(version=model.version + 1))
        rows.append({"kind": entry.kind, "key": entry.key,
                     "old_key": entry.old_key if entry.old_key != entry.key else None,
                     "before": dumps(entry.before), "after": dumps(after)})  # fmt: skip
    if not rows:
        return
    at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    change_id = session.execute(
        insert(Change).values(at=at, actor=actor_of(session), action=pending.action).returning(Change.id)
    ).scalar_one()
    session.execute(insert(ChangeRecord), [{"change_id": change_id, "position": i, **row}
                                           for i, row in enumerate(rows, start=1)])  # fmt: skip


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_PENDING, None)


# -- reading -------------------------------------------------------------------------------------


@dataclass
class Entry:
    change: int
    at: str
    actor: str
    action: str
    kind: str
    key: str
    old_key: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def what(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "renamed" if self.old_key else "changed"

    def fields(self) -> list[str]:
        """The fields whose value differs between before and after."""
        before, after = self.before or {}, self.after or {}
        return sorted(name for name in {*before, *after} if before.get(name) != after.get(name))


def _entry(change: Change, rec: ChangeRecord) -> Entry:
    return Entry(change.id, change.at, change.actor, change.action, rec.kind, rec.key, rec.old_key,
                 json.loads(rec.before) if rec.before else None, json.loads(rec.after) if rec.after else None)  # fmt: skip


def list_history(session: Session, kind: str | None = None, key: str | None = None,
                 *, limit: int | None = None) -> list[Entry]:  # fmt: skip
    """Every record change, newest first (of one record: its key now or before a rename)."""
    query = select(Change, ChangeRecord).join(ChangeRecord, ChangeRecord.change_id == Change.id)
    if kind is not None:
        query = query.where(ChangeRecord.kind == kind)
    if key is not None:
        query = query.where(or_(ChangeRecord.key == key, ChangeRecord.old_key == key))
    query = query.order_by(Change.id.desc(), ChangeRecord.position)
    if limit is not None:
        query = query.limit(limit)
    return [_entry(c, r) for c, r in session.execute(query)]


def get_change(session: Session, change_id: int) -> list[Entry]:
    found = list_history_of_change(session, change_id)
    if not found:
        raise NotFoundError(f"no change {change_id} in the history (see 'refdb history')")
    return found


def list_history_of_change(session: Session, change_id: int) -> list[Entry]:
    query = (select(Change, ChangeRecord).join(ChangeRecord, ChangeRecord.change_id == Change.id)
             .where(Change.id == change_id).order_by(ChangeRecord.position))  # fmt: skip
    return [_entry(c, r) for c, r in session.execute(query)]


def later_changes(session: Session, change_id: int, kind: str, keys: set[str]) -> list[Entry]:
    """Changes after ``change_id`` that touched a record of this kind under one of these keys."""
    query = (select(Change, ChangeRecord).join(ChangeRecord, ChangeRecord.change_id == Change.id)
             .where(Change.id > change_id, ChangeRecord.kind == kind,
                    or_(ChangeRecord.key.in_(keys), ChangeRecord.old_key.in_(keys)))
             .order_by(Change.id))  # fmt: skip
    return [_entry(c, r) for c, r in session.execute(query)]


# -- the dataset file's history section (read back by refdb.services.history_file) ------------------


def export_history(session: Session) -> list[ChangeRec]:
    changes: dict[int, ChangeRec] = {}
    query = select(Change, ChangeRecord).join(ChangeRecord, ChangeRecord.change_id == Change.id)
    for change, rec in session.execute(query.order_by(Change.id, ChangeRecord.position)):
        if change.id not in changes:
            changes[change.id] = ChangeRec(
                id=change.id, at=change.at, actor=change.actor, action=change.action
            )
        changes[change.id].records.append(ChangeEntryRec(
            kind=rec.kind, key=rec.key, old_key=rec.old_key,  # type: ignore[arg-type]
            before=json.loads(rec.before) if rec.before else None,
            after=json.loads(rec.after) if rec.after else None))  # fmt: skip
    return list(changes.values())
