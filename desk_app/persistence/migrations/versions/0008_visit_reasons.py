"""visit reasons: why the candidate came, and supporting documents kept as photos

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_OLD_PURPOSES = "purpose IN ('registered', 'live', 'card_portrait', 'liveness')"
_NEW_PURPOSES = "purpose IN ('registered', 'live', 'card_portrait', 'liveness', 'document')"


def upgrade() -> None:
    with op.batch_alter_table("transitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visit_reason", sa.String(length=30), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_transitions_visit_reason"), ["visit_reason"], unique=False
        )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_photos_purpose"), type_="check")
        batch_op.create_check_constraint(op.f("ck_photos_purpose"), _NEW_PURPOSES)


def downgrade() -> None:
    op.execute("DELETE FROM photos WHERE purpose = 'document'")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_photos_purpose"), type_="check")
        batch_op.create_check_constraint(op.f("ck_photos_purpose"), _OLD_PURPOSES)
    with op.batch_alter_table("transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transitions_visit_reason"))
        batch_op.drop_column("visit_reason")
