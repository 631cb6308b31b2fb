"""The people who may sign in to ``refdb serve --write``: readers and editors (``refdb user``)."""

from __future__ import annotations

from sqlalchemy import Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refdb.models.base import Base


class User(Base):
    """Someone who may sign in to ``refdb serve``: a reader or an editor."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)


class SignInFailure(Base):
    """A failed sign-in: counted per client and name over a window, by every worker alike."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_client_name_at", "client", "name", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    at: Mapped[float] = mapped_column(Float, index=True)  # seconds since the epoch
