"""Bibliographic works and their ordered, role-typed contributors."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refdb.models.base import Base
from refdb.models.people import Person


class Source(Base):
    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # raised by every change
    csl_type: Mapped[str] = mapped_column(String(40))
    source_class: Mapped[str | None] = mapped_column(String(20))
    genre: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)  # untitled works exist (a DOI-only RIS record)
    short_title: Mapped[str | None] = mapped_column(Text)
    container_title: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    # partial dates: a year alone, a year and month, or a full date
    issued_year: Mapped[int | None] = mapped_column(Integer)
    issued_month: Mapped[int | None] = mapped_column(Integer)
    issued_day: Mapped[int | None] = mapped_column(Integer)
    # a date that is not a calendar date ("forthcoming", "n.d.", "c. 1920"), kept as written
    issued_literal: Mapped[str | None] = mapped_column(Text)
    edition: Mapped[str | None] = mapped_column(Text)
    volume: Mapped[str | None] = mapped_column(Text)
    issue: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    accessed: Mapped[str | None] = mapped_column(String(10))  # YYYY[-MM[-DD]]
    isbn: Mapped[str | None] = mapped_column(Text, index=True)
    issn: Mapped[str | None] = mapped_column(Text)
    doi: Mapped[str | None] = mapped_column(Text, index=True)
    # archival sources: the archive, its place, and fond/opis'/delo/list as the archive writes them
    archive: Mapped[str | None] = mapped_column(Text)
    archive_place: Mapped[str | None] = mapped_column(Text)
    archive_location: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(Text)
    abstract: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # the full text where the database holds it (the essay): anchors are checked against it
    text: Mapped[str | None] = mapped_column(Text)
    # folded title words for lookups by title
    title_norm: Mapped[str] = mapped_column(Text)

    contributors: Mapped[list[Contributor]] = relationship(
        back_populates="source",
        cascade="all, delete-orphan",
        order_by="(Contributor.role, Contributor.position)",
    )


class Contributor(Base):
    __tablename__ = "contributor"

    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)

    source: Mapped[Source] = relationship(back_populates="contributors")
    person: Mapped[Person] = relationship()


class SourceAlias(Base):
    """Another citation key that names a source: an imported key (``Roberts:2006Stalin``) kept as written."""

    __tablename__ = "source_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200), unique=True)


class TitleWord(Base):
    """A word of a source's title or short title (folded, as in ``source.title_norm``): where a
    lookup by title words starts."""

    __tablename__ = "title_word"

    word: Mapped[str] = mapped_column(String(100), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), primary_key=True, index=True)
