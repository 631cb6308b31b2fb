"""Word tables for name and title lookups (name_word, title_word), filled from existing rows.

Revision ID: 0003_words
Revises: 0002
Create Date: 2026-12-02

A lookup by author, person or title words matched ``LIKE '% word %'`` against every name and every
title (a scan: ~90 ms at 100k sources).  These tables hold each folded word with its person or
source, keyed by the word, so a lookup reads the rows holding the query's word; refdb's writer
keeps them up to date.  The data step splits the already folded ``person_name.norm`` and
``source.title_norm`` on spaces, as the writer does.  Frozen: imports only alembic, sqlalchemy and
the standard library (tests/db/test_imports.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_words"
down_revision: str | None = "0003_library"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_WORD = 100  # longer words are kept to their first 100 characters (a lookup also checks the text)
CHUNK = 5000


def upgrade() -> None:
    op.create_table(
        "name_word",
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_name_word_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("word", "person_id", name=op.f("pk_name_word")),
    )
    with op.batch_alter_table("name_word", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_name_word_person_id"), ["person_id"], unique=False)
    op.create_table(
        "title_word",
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_title_word_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("word", "source_id", name=op.f("pk_title_word")),
    )
    with op.batch_alter_table("title_word", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_title_word_source_id"), ["source_id"], unique=False)
    _fill(
        "SELECT person_id, norm FROM person_name",
        "INSERT INTO name_word (word, person_id) VALUES (:word, :owner)",
    )
    _fill(
        "SELECT id, title_norm FROM source",
        "INSERT INTO title_word (word, source_id) VALUES (:word, :owner)",
    )


def _fill(query: str, statement: str) -> None:
    bind = op.get_bind()
    words: set[tuple[str, int]] = set()
    for owner_id, norm in bind.execute(sa.text(query)):
        words.update((word[:MAX_WORD], owner_id) for word in (norm or "").split())
    rows = [{"word": word, "owner": owner_id} for word, owner_id in sorted(words)]
    insert = sa.text(statement)
    for start in range(0, len(rows), CHUNK):
        bind.execute(insert, rows[start : start + CHUNK])


def downgrade() -> None:
    with op.batch_alter_table("title_word", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_title_word_source_id"))
    op.drop_table("title_word")
    with op.batch_alter_table("name_word", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_name_word_person_id"))
    op.drop_table("name_word")
