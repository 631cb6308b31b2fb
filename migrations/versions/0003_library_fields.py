"""library fields: abstract, keywords, accessed, ISSN, archive fields on sources; source aliases

Revision ID: 0003_library
Revises: 0002
Create Date: 2026-12-02

Nullable columns are added with ``ALTER TABLE ... ADD COLUMN`` and dropped with ``ALTER TABLE ...
DROP COLUMN`` (SQLite >= 3.35, PostgreSQL): neither rebuilds the ``source`` table, so its
full-text triggers (revision 0002) stay as they are and need no re-creation here.  Frozen: imports
only alembic, sqlalchemy and the standard library (tests/db/test_imports.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_library"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS: tuple[tuple[str, sa.types.TypeEngine[str]], ...] = (
    ("accessed", sa.String(length=10)),
    ("issn", sa.Text()),
    ("archive", sa.Text()),
    ("archive_place", sa.Text()),
    ("archive_location", sa.Text()),
    ("abstract", sa.Text()),
    ("keywords", sa.Text()),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("source", sa.Column(name, type_, nullable=True))
    op.create_table(
        "source_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_source_alias_source_id_source"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_alias")),
        sa.UniqueConstraint("alias", name=op.f("uq_source_alias_alias")),
    )
    op.create_index(op.f("ix_source_alias_source_id"), "source_alias", ["source_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_source_alias_source_id"), table_name="source_alias")
    op.drop_table("source_alias")
    for name, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE source DROP COLUMN {name}")
