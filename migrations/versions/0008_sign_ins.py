"""Failed sign-ins, kept in the database so that every worker of ``refdb serve`` (and every server of
a team's PostgreSQL database) counts the same attempts.

Revision ID: 0008_sign_ins
Revises: 0007_digests
Create Date: 2026-12-02

Before this revision each worker process counted failed sign-ins in its own memory, so ``--workers
4`` allowed four times the attempts.  A row per failed attempt (who tried, from where, when); rows
older than the window are deleted as new ones are written.  A revision imports only alembic,
sqlalchemy and the standard library (tests/db/test_imports.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_sign_ins"
down_revision: str | None = "0007_digests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
    )
    op.create_index("ix_sign_in_failure_client_name_at", "sign_in_failure", ["client", "name", "at"], unique=False)
    op.create_index(op.f("ix_sign_in_failure_at"), "sign_in_failure", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_failure_at"), table_name="sign_in_failure")
    op.drop_index("ix_sign_in_failure_client_name_at", table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
