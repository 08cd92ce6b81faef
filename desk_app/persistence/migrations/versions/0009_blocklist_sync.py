"""blocklist sync: entries named alike on every side, with the central change they hold

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("blocklist_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("change_number", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("shared_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("central_refusal", sa.String(length=60), nullable=True))
    # Entries made before: each gets its own name (local ones stay unshared until pushed).
    entries = sa.table("blocklist_entries", sa.column("id", sa.Integer), sa.column("uid"))
    connection = op.get_bind()
    for (entry_id,) in connection.execute(sa.select(entries.c.id)).all():
        connection.execute(
            entries.update().where(entries.c.id == entry_id).values(uid=str(uuid.uuid4()))
        )
    with op.batch_alter_table("blocklist_entries", schema=None) as batch_op:
        batch_op.alter_column("uid", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_blocklist_entries_uid"), ["uid"])
        batch_op.create_index(
            batch_op.f("ix_blocklist_entries_change_number"), ["change_number"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("blocklist_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocklist_entries_change_number"))
        batch_op.drop_constraint(batch_op.f("uq_blocklist_entries_uid"), type_="unique")
        batch_op.drop_column("central_refusal")
        batch_op.drop_column("shared_at")
        batch_op.drop_column("change_number")
        batch_op.drop_column("uid")
