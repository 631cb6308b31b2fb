"""The stack's floor of `refdb claims --source NAME --format json`: Typer + SQLAlchemy Core, nothing else.

    python claims_core.py DB NAME

Five minimal Core tables, one Typer command, one Connection, the same question as claims_sqlite.py
asked through Core's select(), the first 20 joined rows printed as JSON.  No ORM: this is what a
read command built on this stack pays before refdb's own code runs (issue 17's floor).
"""

import json
import re
import unicodedata

import typer
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    exists,
    select,
    union,
)

metadata = MetaData()
source = Table("source", metadata, Column("id", Integer, primary_key=True), Column("key", String),
               Column("title", String), Column("title_norm", String))
claim = Table("claim", metadata, Column("id", Integer, primary_key=True), Column("key", String),
              Column("kind", String), Column("text", String))
citation = Table("citation", metadata, Column("id", Integer, primary_key=True),
                 Column("claim_id", ForeignKey("claim.id")), Column("source_id", ForeignKey("source.id")),
                 Column("position", Integer), Column("stance", String), Column("locator", String),
                 Column("label", String))
contributor = Table("contributor", metadata, Column("source_id", ForeignKey("source.id"), primary_key=True),
                    Column("role", String, primary_key=True), Column("position", Integer, primary_key=True),
                    Column("person_id", Integer))
person_name = Table("person_name", metadata, Column("id", Integer, primary_key=True), Column("person_id", Integer),
                    Column("norm", String))


def fold(text: str) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


app = typer.Typer(add_completion=False)


@app.command()
def claims(db: str, name: str) -> None:
    escaped = fold(name).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like, key = f"% {escaped} %", name.strip().lower()
    keyed = exists().where(source.c.key == key)
    matched = union(
        select(source.c.id).where(source.c.key == key),
        select(source.c.id).where(source.c.title_norm.like(like, escape="\\"), ~keyed),
        select(contributor.c.source_id)
        .join(person_name, person_name.c.person_id == contributor.c.person_id)
        .where(person_name.c.norm.like(like, escape="\\"), ~keyed),
    )
    query = (
        select(claim.c.key, claim.c.kind, claim.c.text, source.c.key, source.c.title, citation.c.stance,
               citation.c.locator, citation.c.label)
        .join(claim, claim.c.id == citation.c.claim_id)
        .join(source, source.c.id == citation.c.source_id)
        .where(citation.c.source_id.in_(select(matched.subquery().c[0])))
        .order_by(claim.c.key, citation.c.position)
        .limit(20)
    )  # fmt: skip
    with create_engine(f"sqlite:///{db}").connect() as conn:
        rows = conn.execute(query).all()
    fields = ("key", "kind", "text", "source", "title", "stance", "locator", "label")
    typer.echo(json.dumps([dict(zip(fields, row, strict=True)) for row in rows], ensure_ascii=False, indent=2))


if __name__ == "__main__":
    app()
