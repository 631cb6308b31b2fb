"""When a stored record digest still counts: the epoch, and the writes that raise it.

A streamed load stores, for each record it reads, the digest of the record's text in the file
(``record_digest``), so that loading the same text again can skip parsing it: the record is as
that text made it.  That holds only while nothing else has written.  Rather than trusting every
writer to say which records it touched (removals, renames and merges change records that refer
to the one they name), every digest carries the epoch it was stored in, and any transaction that
writes anything outside a streamed load raises the epoch when it commits: after it, no digest
counts until the next load stores them again.  A streamed load marks its own writes as trusted
(:func:`trusted`); the writer (``services.store``) then keeps the digests of exactly the records it
wrote, and raises the epoch itself when it changes a source (another record's text may refer to it
by an alias, or anchor in its text).

How a write is seen: every statement that runs on a refdb engine passes :func:`_seen`; an INSERT,
UPDATE or DELETE marks its connection.  When a session commits, a marked connection raises the
epoch as the transaction's last statement (on PostgreSQL concurrent writers wait for each other
there only for the instant of their commits).  Writes by programs other than refdb (the sqlite3
shell) are not seen: after one, empty the table (``DELETE FROM record_digest``) or raise the epoch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_DIRTY = "refdb_wrote"
_TRUSTED = "refdb_trusted_load"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC", "MERGE ", "TRUNCA", "COPY ")
_installed = False


def install(engine: Any) -> None:
    """Watch the engine's writes (a read on a Connection then imports no ORM)."""
    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", _seen)
    event.listen(engine, "commit", _forget)
    event.listen(engine, "rollback", _forget)


def watch_sessions() -> None:
    """Once per process: every session's commit raises the epoch when its connection wrote.  Called
    by ``session_scope``, which makes every session refdb writes through."""
    global _installed
    if not _installed:
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        event.listen(Session, "before_commit", _before_commit)
        _installed = True


def _seen(conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
    info = conn.info
    if info.get(_DIRTY) or info.get(_TRUSTED):
        return
    if statement.lstrip()[:6].upper() in _WRITES:
        info[_DIRTY] = True


def _forget(conn: Any) -> None:
    if conn.invalidated or conn.closed:  # interrupted mid-statement (Ctrl-C): the connection is discarded
        return
    conn.info.pop(_DIRTY, None)


def _before_commit(session: Any) -> None:
    if not session.in_transaction():
        return
    session.flush()
    conn = session.connection()
    if conn.info.get(_DIRTY):
        raise_epoch(conn)


def raise_epoch(conn: Any) -> None:
    """No digest stored so far counts any more (a no-op on a database without the table)."""
    from sqlalchemy import text

    if conn.dialect.name == "sqlite":
        found = conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'digest_epoch'"))
    else:
        found = conn.execute(text("SELECT 1 FROM information_schema.tables WHERE table_name = 'digest_epoch' "
                                  "AND table_schema = current_schema()"))  # fmt: skip
    if found.first() is not None:
        conn.execute(text("UPDATE digest_epoch SET epoch = epoch + 1"))


@contextmanager
def trusted(conn: Any) -> Iterator[None]:
    """The writes inside are a streamed load's, which keeps the digests itself."""
    conn.info[_TRUSTED] = True
    try:
        yield
    finally:
        conn.info.pop(_TRUSTED, None)
