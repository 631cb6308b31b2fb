"""People and every form of their names."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refdb.models.base import Base

# kinds of name a person has; ``display`` and ``native`` rows mirror the person's own columns
# rows refdb derives from the person's own columns (not written by dump): the display name, the
# native-script name, and its automatic ALA-LC and common-English romanizations
DERIVED_NAME_KINDS = ("display", "native", "romanized")


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # raised by every change
    display_name: Mapped[str] = mapped_column(Text)
    family: Mapped[str | None] = mapped_column(Text)
    given: Mapped[str | None] = mapped_column(Text)
    particle: Mapped[str | None] = mapped_column(Text)
    native_name: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    names: Mapped[list[PersonName]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonName.id"
    )


class PersonName(Base):
    """One name a person goes by: display, native script, transliteration, misspelling ...

    ``norm`` is the folded, space-padded form every person lookup matches against.
    """

    __tablename__ = "person_name"
    __table_args__ = (
        UniqueConstraint("person_id", "name", "kind"),
        Index("ix_person_name_norm", "norm"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))
    scheme: Mapped[str | None] = mapped_column(Text)  # e.g. "ALA-LC", "common English", "Cyrillic"
    note: Mapped[str | None] = mapped_column(Text)
    norm: Mapped[str] = mapped_column(Text)

    person: Mapped[Person] = relationship(back_populates="names")


class NameWord(Base):
    """A word of one of a person's names (folded, as in ``person_name.norm``): where a lookup by
    name starts, so that it reads the few names holding the query's word instead of every name."""

    __tablename__ = "name_word"

    word: Mapped[str] = mapped_column(String(100), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True)
