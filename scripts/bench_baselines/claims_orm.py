"""The stack's floor of `refdb claims --source NAME --format json`: Typer + SQLAlchemy ORM, nothing else.

    python claims_orm.py DB NAME

Five minimal mapped classes, one Typer command, one Session, the same question as
claims_sqlite.py asked through the ORM's select(), the first 20 joined rows printed as JSON.
This is what any command built on this stack pays before refdb's own code runs.
"""

import json
import re
import unicodedata

import typer
from sqlalchemy import ForeignKey, create_engine, exists, select, union
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Source(Base):
    __tablename__ = "source"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str]
    title: Mapped[str | None]
    title_norm: Mapped[str]


class Claim(Base):
    __tablename__ = "claim"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str]
    kind: Mapped[str]
    text: Mapped[str]


class Citation(Base):
    __tablename__ = "citation"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    position: Mapped[int]
    stance: Mapped[str]
    locator: Mapped[str | None]
    label: Mapped[str | None]


class Contributor(Base):
    __tablename__ = "contributor"
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), primary_key=True)
    role: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int]


class PersonName(Base):
    __tablename__ = "person_name"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int]
    norm: Mapped[str]


def fold(text: str) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


app = typer.Typer(add_completion=False)


@app.command()
def claims(db: str, name: str) -> None:
    escaped = fold(name).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like, key = f"% {escaped} %", name.strip().lower()
    keyed = exists().where(Source.key == key)
    matched = union(
        select(Source.id).where(Source.key == key),
        select(Source.id).where(Source.title_norm.like(like, escape="\\"), ~keyed),
        select(Contributor.source_id)
        .join(PersonName, PersonName.person_id == Contributor.person_id)
        .where(PersonName.norm.like(like, escape="\\"), ~keyed),
    )
    query = (
        select(Claim.key, Claim.kind, Claim.text, Source.key, Source.title, Citation.stance, Citation.locator,
               Citation.label)
        .join(Claim, Claim.id == Citation.claim_id)
        .join(Source, Source.id == Citation.source_id)
        .where(Citation.source_id.in_(select(matched.subquery().c[0])))
        .order_by(Claim.key, Citation.position)
        .limit(20)
    )  # fmt: skip
    with Session(create_engine(f"sqlite:///{db}")) as session:
        rows = session.execute(query).all()
    fields = ("key", "kind", "text", "source", "title", "stance", "locator", "label")
    typer.echo(json.dumps([dict(zip(fields, row, strict=True)) for row in rows], ensure_ascii=False, indent=2))


if __name__ == "__main__":
    app()
