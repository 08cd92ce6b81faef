"""sync service: counters enrol with their own keys; signed requests are not replayed

The central side keeps each counter's public key (set by a one-time enrolment code, revocable) and
the nonces of the requests it accepted; a counter keeps the service's address and pinned
certificate instead of a database URL. Operators belong to a site: the central side creates them,
and a site's counters pull them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_id", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_operators_site_id"), ["site_id"], unique=False)
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_key", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("enrolled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
    op.create_table(
        "counter_audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_audit_entries")),
    )
    with op.batch_alter_table("counter_audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_counter_audit_entries_counter_sequence", ["counter_id", "sequence"], unique=False
        )
    op.create_table(
        "enrolment_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counters.id"], name=op.f("fk_enrolment_codes_counter_id_counters")
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_enrolment_codes")),
    )
    op.create_table(
        "request_nonces",
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("counter_id", "nonce", name=op.f("pk_request_nonces")),
    )
    with op.batch_alter_table("request_nonces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_nonces_seen_at"), ["seen_at"], unique=False)
    with op.batch_alter_table("sync_binding", schema=None) as batch_op:
        batch_op.alter_column("central_url", existing_type=sa.Text(), nullable=True)
        batch_op.add_column(sa.Column("server_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("server_certificate", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ca_file", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("key_file", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_binding", schema=None) as batch_op:
        batch_op.drop_column("key_file")
        batch_op.drop_column("ca_file")
        batch_op.drop_column("server_certificate")
        batch_op.drop_column("server_url")
        batch_op.alter_column("central_url", existing_type=sa.Text(), nullable=False)
    with op.batch_alter_table("request_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_nonces_seen_at"))
    op.drop_table("request_nonces")
    op.drop_table("enrolment_codes")
    with op.batch_alter_table("counter_audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_counter_audit_entries_counter_sequence")
    op.drop_table("counter_audit_entries")
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("enrolled_at")
        batch_op.drop_column("public_key")
    with op.batch_alter_table("operators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operators_site_id"))
        batch_op.drop_column("site_id")
