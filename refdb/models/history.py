"""The history of changes: who changed what, when, and each record before and after.

One ``change`` per authoring command (``refdb edit``, a browser form, ``refdb undo`` ...), and one
``change_record`` per record it touched, holding the record's dataset form (JSON) before and after:
``before`` is empty for a record the change added, ``after`` for one it removed.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdb.models.base import Base


class Change(Base):
    __tablename__ = "change"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(32))  # UTC, ISO 8601 to the second
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(Text)


class ChangeRecord(Base):
    __tablename__ = "change_record"
    __table_args__ = (Index("ix_change_record_kind_key", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))  # the key after the change (before, when removed)
    old_key: Mapped[str | None] = mapped_column(String(200))  # the key before, when it differs
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
