"""Counter-comments: responses to a source that dispute its claims."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdb.models.base import Base
from refdb.vocab import COMMENT_STANCES, check_in


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # raised by every change
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    author_label: Mapped[str | None] = mapped_column(Text)  # "anonymous reader" when no person is known
    date_year: Mapped[int | None] = mapped_column(Integer)
    date_month: Mapped[int | None] = mapped_column(Integer)
    date_day: Mapped[int | None] = mapped_column(Integer)
    answers_source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"), index=True)
    # its own bibliographic record, so it can be cited
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"), index=True)
    anchor_prefix: Mapped[str | None] = mapped_column(Text)
    anchor_suffix: Mapped[str | None] = mapped_column(Text)
    anchor_start: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class CommentClaim(Base):
    __tablename__ = "comment_claim"
    __table_args__ = (
        CheckConstraint(check_in("stance", COMMENT_STANCES), name="stance"),
    )

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    stance: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
