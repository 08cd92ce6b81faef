"""counter schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_entries",
        sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_audit_entries_entry_hash")),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("ethnicity", sa.String(length=2), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("document_type", sa.String(length=30), nullable=False),
        sa.Column("document_number", sa.String(length=44), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("exam_area", sa.String(length=40), nullable=False),
        sa.Column("programme_code", sa.String(length=20), nullable=False),
        sa.Column("programme_name", sa.String(length=200), nullable=False),
        sa.Column("tutoring_unit", sa.String(length=200), nullable=True),
        sa.Column("class_name", sa.String(length=200), nullable=True),
        sa.Column("ticket_number", sa.String(length=30), nullable=True),
        sa.Column("merged_ticket_numbers", sa.Text(), nullable=False),
        sa.Column("prior_diploma_status", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_changed_at", sa.DateTime(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('new', 'enrolled')", name=op.f("ck_candidates_kind")),
        sa.CheckConstraint(
            "state IN ('pre_registered', 'referred', 'confirmed', 'rejected', 'revoked')",
            name=op.f("ck_candidates_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidates")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_candidates_registration_id")),
        sa.UniqueConstraint("ticket_number", name=op.f("uq_candidates_ticket_number")),
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_index("ix_candidates_area_state", ["exam_area", "state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_candidates_document_number"), ["document_number"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_candidates_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_candidates_tutoring_unit"), ["tutoring_unit"], unique=False
        )

    op.create_table(
        "operators",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("tutoring_unit", sa.String(length=200), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('clerk', 'supervisor', 'tutoring_unit_staff', 'administrator')",
            name=op.f("ck_operators_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
    )
    op.create_table(
        "ticket_series",
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("highest_leased", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", name=op.f("pk_ticket_series")),
    )
    op.create_table(
        "ticket_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("first_sequence", sa.Integer(), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.Column("next_sequence", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("granted_by", sa.String(length=20), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("first_sequence >= 1", name=op.f("ck_ticket_blocks_first_positive")),
        sa.CheckConstraint("last_sequence >= first_sequence", name=op.f("ck_ticket_blocks_range")),
        sa.CheckConstraint(
            "next_sequence BETWEEN first_sequence AND last_sequence + 1",
            name=op.f("ck_ticket_blocks_next"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_blocks")),
        sa.UniqueConstraint("series", "first_sequence", name="uq_ticket_blocks_series_first"),
    )
    with op.batch_alter_table("ticket_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_blocks_series"), ["series"], unique=False)

    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('registered', 'live', 'card_portrait')", name=op.f("ck_photos_purpose")
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name=op.f("fk_photos_candidate_id_candidates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(
            "ix_photos_candidate_purpose", ["candidate_id", "purpose"], unique=False
        )

    op.create_table(
        "ticket_numbers",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('issued', 'kept', 'retired')", name=op.f("ck_ticket_numbers_status")
        ),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["ticket_blocks.id"],
            name=op.f("fk_ticket_numbers_block_id_ticket_blocks"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_ticket_numbers_candidate_id_candidates"),
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_ticket_numbers")),
    )
    with op.batch_alter_table("ticket_numbers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_numbers_candidate_id"), ["candidate_id"], unique=False
        )

    op.create_table(
        "transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("operator_id", sa.String(length=40), nullable=False),
        sa.Column("operator_role", sa.String(length=30), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("approved_by", sa.String(length=40), nullable=True),
        sa.Column("ticket_number", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["operators.id"], name=op.f("fk_transitions_approved_by_operators")
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name=op.f("fk_transitions_candidate_id_candidates")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_transitions_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transitions")),
    )
    with op.batch_alter_table("transitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transitions_candidate_id"), ["candidate_id"], unique=False
        )

    op.create_table(
        "face_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("model_version", sa.String(length=80), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_face_templates_candidate_id_candidates"),
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"],
            ["photos.id"],
            name=op.f("fk_face_templates_photo_id_photos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_face_templates")),
        sa.UniqueConstraint("photo_id", "engine", "model_version", name="uq_face_templates_photo"),
    )
    with op.batch_alter_table("face_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_face_templates_candidate_id"), ["candidate_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("face_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_face_templates_candidate_id"))

    op.drop_table("face_templates")
    with op.batch_alter_table("transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transitions_candidate_id"))

    op.drop_table("transitions")
    with op.batch_alter_table("ticket_numbers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_numbers_candidate_id"))

    op.drop_table("ticket_numbers")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index("ix_photos_candidate_purpose")

    op.drop_table("photos")
    with op.batch_alter_table("ticket_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_blocks_series"))

    op.drop_table("ticket_blocks")
    op.drop_table("ticket_series")
    op.drop_table("operators")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidates_tutoring_unit"))
        batch_op.drop_index(batch_op.f("ix_candidates_state"))
        batch_op.drop_index(batch_op.f("ix_candidates_document_number"))
        batch_op.drop_index("ix_candidates_area_state")

    op.drop_table("candidates")
    op.drop_table("audit_head")
    op.drop_table("audit_entries")
