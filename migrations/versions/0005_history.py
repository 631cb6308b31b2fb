"""history of changes, record versions, users

Revision ID: 0006_history
Revises: 0002
Create Date: 2026-12-02

Frozen: this revision spells out its own DDL (no import of refdb), so later edits of the models
cannot change what it creates.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_history"
down_revision: str | None = "0003_words"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("person", "source", "tag", "claim", "quote", "comment")


def upgrade() -> None:
    op.create_table(
        "change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change")),
    )
    op.create_table(
        "change_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("old_key", sa.String(length=200), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"], ["change.id"], name=op.f("fk_change_record_change_id_change"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_record")),
    )
    op.create_index(op.f("ix_change_record_change_id"), "change_record", ["change_id"], unique=False)
    op.create_index("ix_change_record_kind_key", "change_record", ["kind", "key"], unique=False)
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("name", name=op.f("uq_app_user_name")),
    )
    for table in VERSIONED:  # ALTER TABLE in place: a table rebuild would break the search triggers
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    for table in VERSIONED:  # SQLite >= 3.35 and PostgreSQL drop a column in place
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")
    op.drop_table("app_user")
    op.drop_index("ix_change_record_kind_key", table_name="change_record")
    op.drop_index(op.f("ix_change_record_change_id"), table_name="change_record")
    op.drop_table("change_record")
    op.drop_table("change")
