"""admin: the blocklist of ID numbers and faces

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blocklist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("document_number", sa.String(length=44), nullable=True),
        sa.Column("engine", sa.String(length=20), nullable=True),
        sa.Column("model_version", sa.String(length=80), nullable=True),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("source_registration_id", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=40), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('id_number', 'face')", name=op.f("ck_blocklist_entries_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklist_entries")),
    )
    with op.batch_alter_table("blocklist_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blocklist_entries_document_number"), ["document_number"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("blocklist_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocklist_entries_document_number"))
    op.drop_table("blocklist_entries")
