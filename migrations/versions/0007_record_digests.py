"""Record digests, so that a re-load skips the records whose text is unchanged.

Revision ID: 0007_digests
Revises: 0004_search
Create Date: 2026-12-02

``record_digest`` holds the digest of the text each record had in the dataset file it was last
loaded from, with the epoch it was stored in; ``digest_epoch`` holds the current epoch (one row,
starting at 1).  A digest counts only at the current epoch; every write that is not a streamed
load raises it.  Both tables start empty of digests: the first load after this revision parses
every record, as before.  Frozen: imports only alembic, sqlalchemy and the standard library
(tests/db/test_imports.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_digests"
down_revision: str | None = "0004_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_digest",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "record_id", name=op.f("pk_record_digest")),
    )
    with op.batch_alter_table("record_digest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_digest_digest"), ["digest"], unique=False)
    op.create_table(
        "digest_epoch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_epoch")),
    )
    op.execute("INSERT INTO digest_epoch (id, epoch) VALUES (1, 1)")


def downgrade() -> None:
    op.drop_table("digest_epoch")
    with op.batch_alter_table("record_digest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_digest_digest"))
    op.drop_table("record_digest")
