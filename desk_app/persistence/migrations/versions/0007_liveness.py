"""liveness: the challenge's evidence frames are kept as photos of their own purpose

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_BEFORE = "purpose IN ('registered', 'live', 'card_portrait')"
_AFTER = "purpose IN ('registered', 'live', 'card_portrait', 'liveness')"


def _purposes(condition: str) -> None:
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_photos_purpose"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_photos_purpose"), condition)


def upgrade() -> None:
    _purposes(_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM photos WHERE purpose = 'liveness'")
    _purposes(_BEFORE)
