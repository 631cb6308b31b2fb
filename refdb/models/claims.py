"""Claims, their themes and subjects, the sources they are cited to, and how they relate."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refdb.models.base import Base
from refdb.models.sources import Source
from refdb.vocab import RELATIONS, STANCES, check_in


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # raised by every change
    label: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)


class Claim(Base):
    __tablename__ = "claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # raised by every change
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)

    citations: Mapped[list[Citation]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="Citation.position"
    )


class ClaimTag(Base):
    __tablename__ = "claim_tag"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ClaimSubject(Base):
    """A person a claim is about."""

    __tablename__ = "claim_subject"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class Citation(Base):
    """A source's stance on a claim, with a locator, and an anchor where the source's text is held."""

    __tablename__ = "citation"
    __table_args__ = (
        UniqueConstraint("claim_id", "position"),
        CheckConstraint(check_in("stance", STANCES), name="stance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    stance: Mapped[str] = mapped_column(String(20))
    locator: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(Text)
    # W3C TextQuoteSelector into the source's text, and where it was found (TextPositionSelector)
    anchor_exact: Mapped[str | None] = mapped_column(Text)
    anchor_prefix: Mapped[str | None] = mapped_column(Text)
    anchor_suffix: Mapped[str | None] = mapped_column(Text)
    anchor_start: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)

    claim: Mapped[Claim] = relationship(back_populates="citations")
    source: Mapped[Source] = relationship()


class ClaimRelation(Base):
    """One claim supports, refines or contradicts another."""

    __tablename__ = "claim_relation"
    __table_args__ = (
        CheckConstraint(check_in("relation", RELATIONS), name="relation"),
        CheckConstraint("from_claim_id <> to_claim_id", name="not_self"),
    )

    from_claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True)
    to_claim_id: Mapped[int] = mapped_column(
        ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation: Mapped[str] = mapped_column(String(20), primary_key=True)
    note: Mapped[str | None] = mapped_column(Text)
