"""Full-text search index (SQLite FTS5, PostgreSQL tsvector + GIN), filled from existing rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from refdb import fts

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    fts.create(op)


def downgrade() -> None:
    fts.drop(op)
