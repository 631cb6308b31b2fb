"""Quotes: verbatim words of a speaker, where they originate and where they were found."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdb.models.base import Base


class Quote(Base):
    __tablename__ = "quote"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # raised by every change
    text: Mapped[str] = mapped_column(Text)  # verbatim, typography included
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    # the work the words originate in (a memoir) ...
    origin_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("source.id", ondelete="RESTRICT"), index=True
    )
    origin_locator: Mapped[str | None] = mapped_column(Text)
    origin_label: Mapped[str | None] = mapped_column(Text)
    # ... and the work they were found in (the essay), anchored into its text
    found_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("source.id", ondelete="RESTRICT"), index=True
    )
    found_locator: Mapped[str | None] = mapped_column(Text)
    found_label: Mapped[str | None] = mapped_column(Text)
    anchor_prefix: Mapped[str | None] = mapped_column(Text)
    anchor_suffix: Mapped[str | None] = mapped_column(Text)
    anchor_start: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class QuoteClaim(Base):
    """A quote is evidence for a claim."""

    __tablename__ = "quote_claim"

    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id", ondelete="CASCADE"), primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True, index=True
    )
