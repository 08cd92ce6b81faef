"""sync tables: the counter's outbox and binding, the central side's counters and event log

On PostgreSQL (the central database) every insert or update of a candidate gets the next change
number from a trigger, after taking a transaction-level advisory lock: writers therefore commit in
change-number order, and a counter that pulled everything up to N never misses a later commit with
a smaller number.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The same key as desk_app.sync.central.CENTRAL_WRITE_LOCK (a migration must not import app code
# that may change after it was written).
CENTRAL_WRITE_LOCK = 7_212_027


def upgrade() -> None:
    op.create_table(
        "outbox_events",
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("registration_id", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason_code", sa.String(length=60), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected', 'parked')",
            name=op.f("ck_outbox_events_status"),
        ),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_outbox_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_events_event_id")),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_events_registration_id"), ["registration_id"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_events_status_sequence", ["status", "sequence"], unique=False
        )

    op.create_table(
        "sites",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    op.create_table(
        "sync_binding",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("central_url", sa.Text(), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("exam_areas", sa.Text(), nullable=False),
        sa.Column("tutoring_unit", sa.String(length=200), nullable=True),
        sa.Column("pulled_through", sa.BigInteger(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_sync_binding_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_binding")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("reason_code", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("local_version", sa.JSON(), nullable=False),
        sa.Column("central_version", sa.JSON(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
        sa.UniqueConstraint("event_id", name=op.f("uq_sync_conflicts_event_id")),
    )
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_conflicts_registration_id"), ["registration_id"], unique=False
        )

    op.create_table(
        "counters",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("exam_areas", sa.Text(), nullable=False),
        sa.Column("tutoring_unit", sa.String(length=200), nullable=True),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("audit_sequence", sa.Integer(), nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=False),
        sa.Column("audit_problem", sa.Text(), nullable=False),
        sa.Column("pulled_through", sa.BigInteger(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_counters_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counters")),
    )
    op.create_table(
        "central_events",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("counter_id", sa.String(length=40), nullable=False),
        sa.Column("counter_sequence", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason_code", sa.String(length=60), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("central_version", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'rejected')", name=op.f("ck_central_events_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counters.id"], name=op.f("fk_central_events_counter_id_counters")
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_central_events")),
    )
    with op.batch_alter_table("central_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_central_events_counter_sequence", ["counter_id", "counter_sequence"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_central_events_registration_id"), ["registration_id"], unique=False
        )

    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_number", sa.BigInteger(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_candidates_change_number"), ["change_number"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE candidate_change_numbers")
        op.execute(
            f"""
            CREATE FUNCTION stamp_candidate_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock({CENTRAL_WRITE_LOCK});
                NEW.change_number := nextval('candidate_change_numbers');
                RETURN NEW;
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER candidates_change_number BEFORE INSERT OR UPDATE ON candidates "
            "FOR EACH ROW EXECUTE FUNCTION stamp_candidate_change()"
        )
        # A roster loaded before this revision must be pulled too: stamp it (through the trigger).
        op.execute("UPDATE candidates SET change_number = NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER candidates_change_number ON candidates")
        op.execute("DROP FUNCTION stamp_candidate_change()")
        op.execute("DROP SEQUENCE candidate_change_numbers")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidates_change_number"))
        batch_op.drop_column("change_number")

    with op.batch_alter_table("central_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_central_events_registration_id"))
        batch_op.drop_index("ix_central_events_counter_sequence")

    op.drop_table("central_events")
    op.drop_table("counters")
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflicts_registration_id"))

    op.drop_table("sync_conflicts")
    op.drop_table("sync_binding")
    op.drop_table("sites")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_events_status_sequence")
        batch_op.drop_index(batch_op.f("ix_outbox_events_registration_id"))

    op.drop_table("outbox_events")
