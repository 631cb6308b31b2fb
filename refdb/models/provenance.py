"""What a curator added that the source itself does not state.

One row per (record, field): ``("source", 3, "publisher", "From the book's title page; the essay names no publisher")``.
Never invent a fact: a field the curator could not establish stays empty; a field the curator did
establish from outside the source is marked here, with its basis.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdb.models.base import Base


class Curation(Base):
    __tablename__ = "curation"

    record_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    basis: Mapped[str] = mapped_column(Text)
