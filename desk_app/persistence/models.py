"""SQLAlchemy 2 mappings of the counter database (the central database uses the same ones).

Identity data (``candidates``) is kept apart from biometric data (``photos``, ``face_templates``):
the latter are purged after the retention period (services.retention), the whole counter file is
encrypted at rest (SQLCipher, services.encryption), and most screens never load them. Ticket
numbers live in their own table whose primary key makes a number unique forever,
including numbers retired by a revocation.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desk_app.domain.sync_events import OutboxStatus

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which stores naive text) and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Candidate(Base):
    """A pre-registration as the platform sent it, plus its confirmation state."""

    __tablename__ = "candidates"
    __table_args__ = (
        CheckConstraint(
            "state IN ('pre_registered', 'referred', 'confirmed', 'rejected', 'revoked')",
            name="state",
        ),
        CheckConstraint("kind IN ('new', 'enrolled')", name="kind"),
        Index("ix_candidates_area_state", "exam_area", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str] = mapped_column(String(1))
    ethnicity: Mapped[str] = mapped_column(String(2), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    document_type: Mapped[str] = mapped_column(String(30))
    document_number: Mapped[str] = mapped_column(String(44), index=True)
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    exam_area: Mapped[str] = mapped_column(String(40))
    programme_code: Mapped[str] = mapped_column(String(20))
    programme_name: Mapped[str] = mapped_column(String(200), default="")
    tutoring_unit: Mapped[str | None] = mapped_column(String(200), index=True)
    class_name: Mapped[str | None] = mapped_column(String(200))
    # For enrolled candidates the number chosen at registration; for new ones the issued number.
    ticket_number: Mapped[str | None] = mapped_column(String(30), unique=True)
    merged_ticket_numbers: Mapped[str] = mapped_column(Text, default="")  # ';'-separated
    prior_diploma_status: Mapped[str] = mapped_column(String(20), default="not_applicable")
    state: Mapped[str] = mapped_column(String(20), default="pre_registered", index=True)
    state_changed_at: Mapped[datetime | None]
    imported_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    # Bumped on every state change: a stale screen cannot overwrite a newer decision.
    version: Mapped[int] = mapped_column(default=1)
    # Central database only: set by a trigger on every insert and update, in commit order, so a
    # counter can pull "everything after N" (see desk_app.sync.central). NULL on a counter.
    change_number: Mapped[int | None] = mapped_column(BigInteger, index=True)

    transitions: Mapped[list[Transition]] = relationship(
        back_populates="candidate", order_by="Transition.id", viewonly=True
    )


class Transition(Base):
    """One state change: who, when, where, how, on what evidence, and why."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    operator_id: Mapped[str] = mapped_column(ForeignKey("operators.id"))
    operator_role: Mapped[str] = mapped_column(String(30))
    # Indexed: a day's statistics read the day's transitions in time order, a batch at a time;
    # without it the database sorted the whole table before the first row (a GUI stall).
    occurred_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    site_id: Mapped[str] = mapped_column(String(40))
    counter_id: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    # Why the candidate came (a VisitReason value); None for decisions made before it was asked
    # and for supervisors' decisions. Its checklist and pages are in ``evidence["visit"]``.
    visit_reason: Mapped[str | None] = mapped_column(String(30), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)  # photo ids, card read id...
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)  # match scores and thresholds
    approved_by: Mapped[str | None] = mapped_column(ForeignKey("operators.id"))
    ticket_number: Mapped[str | None] = mapped_column(String(30))

    candidate: Mapped[Candidate] = relationship(back_populates="transitions")


class Operator(Base):
    """A person who signs in: clerk, supervisor, tutoring-unit staff or administrator."""

    __tablename__ = "operators"
    __table_args__ = (
        CheckConstraint(
            "role IN ('clerk', 'supervisor', 'tutoring_unit_staff', 'administrator')", name="role"
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    tutoring_unit: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # Centrally: the site whose counters pull this operator; none: every site's counters do.
    site_id: Mapped[str | None] = mapped_column(String(40), index=True)


class SignInThrottle(Base):
    """Failed sign-ins in a row for one operator id (``operator:<id>``) or the whole counter
    (``counter``): the backoff and the lockout are computed from it (desk_app.security)."""

    __tablename__ = "sign_in_throttle"

    subject: Mapped[str] = mapped_column(String(60), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]


class TicketSeries(Base):
    """One row per family of ticket numbers: the highest sequence leased so far.

    Leasing locks this row, so two transactions can never grant overlapping blocks.
    """

    __tablename__ = "ticket_series"

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    highest_leased: Mapped[int] = mapped_column(default=0)


class TicketBlock(Base):
    """A range of sequence numbers leased to one counter for one series of ticket numbers."""

    __tablename__ = "ticket_blocks"
    __table_args__ = (
        CheckConstraint("first_sequence >= 1", name="first_positive"),
        CheckConstraint("last_sequence >= first_sequence", name="range"),
        CheckConstraint("next_sequence BETWEEN first_sequence AND last_sequence + 1", name="next"),
        UniqueConstraint("series", "first_sequence", name="uq_ticket_blocks_series_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(40), index=True)
    first_sequence: Mapped[int]
    last_sequence: Mapped[int]
    next_sequence: Mapped[int]
    site_id: Mapped[str] = mapped_column(String(40))
    counter_id: Mapped[str] = mapped_column(String(40))
    granted_by: Mapped[str] = mapped_column(String(20))  # "local" (standalone) or "central"
    granted_at: Mapped[datetime] = mapped_column(default=utc_now)

    @property
    def remaining(self) -> int:
        return self.last_sequence - self.next_sequence + 1


class TicketNumber(Base):
    """Every number ever issued or kept: the primary key is the never-reuse guarantee."""

    __tablename__ = "ticket_numbers"
    __table_args__ = (CheckConstraint("status IN ('issued', 'kept', 'retired')", name="status"),)

    number: Mapped[str] = mapped_column(String(30), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    block_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_blocks.id"))
    status: Mapped[str] = mapped_column(String(10))  # kept: an enrolled candidate's own number
    issued_at: Mapped[datetime] = mapped_column(default=utc_now)
    retired_at: Mapped[datetime | None]


class Photo(Base):
    """An image kept as evidence: the registered e-photo, a live capture, a card portrait or a
    supporting document's page (purged with the faces, services.retention)."""

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint(
            "purpose IN ('registered', 'live', 'card_portrait', 'liveness', 'document')",
            name="purpose",
        ),
        Index("ix_photos_candidate_purpose", "candidate_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    purpose: Mapped[str] = mapped_column(String(20))
    media_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class FaceTemplate(Base):
    """A face embedding computed from one photo by one engine and model version."""

    __tablename__ = "face_templates"
    __table_args__ = (
        UniqueConstraint("photo_id", "engine", "model_version", name="uq_face_templates_photo"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    engine: Mapped[str] = mapped_column(String(20))
    model_version: Mapped[str] = mapped_column(String(80))
    dimensions: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class PurgedMedia(Base):
    """What a retention purge removed: the item, its hash and when, so that the decision's
    evidence can still be matched against a copy held elsewhere."""

    __tablename__ = "purged_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # live, card_portrait, template, evidence
    item_id: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    purged_at: Mapped[datetime] = mapped_column(default=utc_now)
    purged_by: Mapped[str] = mapped_column(String(40))


class BlocklistEntry(Base):
    """An ID number or a face (a template from a revoked proxy case) that stops a confirmation:
    a hit refers the case to a supervisor with the entry's reason (services.blocklist).

    The central database holds the authority's list (face vectors sealed) and every enrolled
    counter a copy (``sync.blocklist``): ``uid`` names an entry on both sides. ``change_number``
    is the entry's latest central change (at a counter: of the version it pulled; counters pull
    after the highest they hold). At a counter, ``shared_at`` says when the central side took an
    entry added here, ``central_refusal`` why it would not (the entry still stops confirmations
    here)."""

    __tablename__ = "blocklist_entries"
    __table_args__ = (CheckConstraint("kind IN ('id_number', 'face')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    change_number: Mapped[int | None] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    document_number: Mapped[str | None] = mapped_column(String(44), index=True)
    engine: Mapped[str | None] = mapped_column(String(20))
    model_version: Mapped[str | None] = mapped_column(String(80))
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)  # float32, little-endian
    source_registration_id: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(40))
    added_at: Mapped[datetime] = mapped_column(default=utc_now)
    removed_at: Mapped[datetime | None]
    shared_at: Mapped[datetime | None]
    central_refusal: Mapped[str | None] = mapped_column(String(60))


class AuditEntry(Base):
    """One link of the append-only audit chain (see desk_app.security.audit)."""

    __tablename__ = "audit_entries"

    sequence: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Centrally, entries the sync service writes carry an HMAC of their hash under a key only
    # the service holds: whoever can write the database still cannot forge or re-chain them.
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last link, updated with every append; it also serialises appenders.

    Without it, deleting the newest entries would leave a shorter chain that still verifies.
    """

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sequence: Mapped[int]
    entry_hash: Mapped[str] = mapped_column(String(64))


# --- synchronisation with the central database (desk_app.sync) -------------------------------
# Counter side: the binding to the central database, the outbox and the conflicts found.


class SyncBinding(Base):
    """The one row that binds this counter database to a central one, and its pull cursor."""

    __tablename__ = "sync_binding"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # A counter bound the old way (directly to the central database, before the sync service).
    central_url: Mapped[str | None] = mapped_column(Text)
    # An enrolled counter: the service's address, its pinned certificate (PEM) or the CA file
    # that vouches for it, and the file holding the counter's own private signing key.
    server_url: Mapped[str | None] = mapped_column(Text)
    server_certificate: Mapped[str | None] = mapped_column(Text)
    ca_file: Mapped[str | None] = mapped_column(Text)
    key_file: Mapped[str | None] = mapped_column(Text)
    site_id: Mapped[str] = mapped_column(String(40))
    counter_id: Mapped[str] = mapped_column(String(40))
    exam_areas: Mapped[str] = mapped_column(Text, default="")  # ','-separated; empty: unit scope
    tutoring_unit: Mapped[str | None] = mapped_column(String(200))
    # The highest central change number this counter has pulled and stored.
    pulled_through: Mapped[int] = mapped_column(BigInteger, default=0)
    registered_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


class OutboxEvent(Base):
    """A local state change waiting for (or answered by) the central database.

    Written in the same transaction as the change itself, so no change is ever left unsent.
    """

    __tablename__ = "outbox_events"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'rejected', 'parked')", name="status"),
        Index("ix_outbox_events_status_sequence", "status", "sequence"),
    )

    sequence: Mapped[int] = mapped_column(primary_key=True)  # push order
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    registration_id: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    reason_code: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    answered_at: Mapped[datetime | None]


class SyncConflict(Base):
    """A local change the central database refused: both versions, for a supervisor to settle."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[str] = mapped_column(String(40), index=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    reason_code: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text, default="")
    local_version: Mapped[dict[str, Any]] = mapped_column(default=dict)
    central_version: Mapped[dict[str, Any]] = mapped_column(default=dict)
    detected_at: Mapped[datetime] = mapped_column(default=utc_now)
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(40))


# Central side: sites, registered counters and the log of every event received.


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class CentralCounter(Base):
    """A counter registered with the central database and the scope it may act on."""

    __tablename__ = "counters"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    exam_areas: Mapped[str] = mapped_column(Text, default="")  # ','-separated
    tutoring_unit: Mapped[str | None] = mapped_column(String(200))
    registered_at: Mapped[datetime] = mapped_column(default=utc_now)
    # The counter's audit chain head as last reported: a chain rebuilt from scratch is caught.
    audit_sequence: Mapped[int] = mapped_column(default=0)
    audit_hash: Mapped[str] = mapped_column(String(64), default="")
    audit_problem: Mapped[str] = mapped_column(Text, default="")
    # The sync cursor: the highest change number the counter reported as pulled.
    pulled_through: Mapped[int] = mapped_column(BigInteger, default=0)
    last_seen_at: Mapped[datetime | None]
    # The counter's Ed25519 public key (PEM), set when it enrols; a revoked counter is refused.
    public_key: Mapped[str | None] = mapped_column(Text)
    enrolled_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class CounterAuditEntry(Base):
    """A link of a counter's audit chain as the counter sent it: the central side keeps every
    counter's chain, accepts only entries that extend it, and so sees any rewritten history."""

    __tablename__ = "counter_audit_entries"
    __table_args__ = (Index("ix_counter_audit_entries_counter_sequence", "counter_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[str] = mapped_column(String(40))
    sequence: Mapped[int]
    occurred_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
    # Set when an administrator cleared a rewritten history: kept as evidence, not as the chain.
    superseded_at: Mapped[datetime | None]


class EnrolmentCode(Base):
    """A one-time code an administrator gives a counter to enrol with (only its hash is kept)."""

    __tablename__ = "enrolment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    counter_id: Mapped[str] = mapped_column(ForeignKey("counters.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class RequestNonce(Base):
    """The nonce of every signed request accepted recently: the same request is never accepted
    twice, whichever service instance it reaches."""

    __tablename__ = "request_nonces"

    counter_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)


class CentralEvent(Base):
    """Every event a counter pushed, with the answer given: replays get the same answer."""

    __tablename__ = "central_events"
    __table_args__ = (
        CheckConstraint("outcome IN ('accepted', 'rejected')", name="outcome"),
        Index("ix_central_events_counter_sequence", "counter_id", "counter_sequence"),
    )

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    counter_id: Mapped[str] = mapped_column(ForeignKey("counters.id"))
    counter_sequence: Mapped[int]
    registration_id: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outcome: Mapped[str] = mapped_column(String(10))
    reason_code: Mapped[str | None] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text, default="")
    central_version: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
