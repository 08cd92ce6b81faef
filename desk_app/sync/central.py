"""The central database's side of synchronisation: it is the authority, and checks every event.

Counters reach it only through the sync service (``sync.service``), which alone holds its
credentials. Every rule is checked again here, in the transaction that applies an event, against
the central data (``sync.judge``): the transition must be legal from the central state, the
candidate must be in the scope the central side registered for that counter, an issued ticket
number must come from a block leased to that counter, and the operator must be one the central
side created, with the role and unit it gave them (``sync.operators``).

Every central write transaction starts by taking one advisory lock (``CENTRAL_WRITE_LOCK``, also
taken by the candidates' change-number trigger): writers commit one after the other, so change
numbers are handed out in commit order and no lock-order deadlock between candidate rows and the
lock is possible. Pushes are short batches, so the serialisation costs little.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    create_engine,
    false,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.sync_events import EventOutcome, TransitionEvent
from desk_app.domain.tickets import TicketStatus
from desk_app.domain.workflow import Action
from desk_app.persistence.database import Database, upgrade_schema
from desk_app.persistence.models import (
    Candidate,
    CentralCounter,
    CentralEvent,
    FaceTemplate,
    Operator,
    Photo,
    TicketBlock,
    TicketNumber,
    TicketSeries,
    Transition,
    utc_now,
)
from desk_app.security import audit
from desk_app.sync.judge import Batch, judge, logged_payload
from desk_app.sync.protocol import (
    PULLED_COLUMNS,
    BlockGrant,
    CentralUnavailableError,
    CounterScope,
    EventAnswer,
    SyncError,
    json_value,
    masked_url,
)

log = logging.getLogger(__name__)

CENTRAL_WRITE_LOCK = 7_212_027  # the same key as in migration 0002's trigger


def is_connection_error(error: BaseException) -> bool:
    """A broken or refused connection, as opposed to a refused statement."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


_Result = TypeVar("_Result")


class CentralDatabase:
    """The central PostgreSQL database as a counter's syncer (or an administrator) sees it."""

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise SyncError(
                f"the central database must be PostgreSQL, not {engine.dialect.name}",
                code="sync.central_not_postgresql",
            )
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def connect(
        cls, url: str, *, connect_timeout_s: int = 10, pool_size: int = 0
    ) -> CentralDatabase:
        """Without a pool by default: a syncer connects once per cycle, and a connection broken
        by the network is never handed out again. The sync service keeps a pool (checked before
        each use), since it serves many counters."""
        pool: dict[str, Any] = (
            {"pool_size": pool_size, "pool_pre_ping": True}
            if pool_size
            else {"poolclass": NullPool}
        )
        try:
            engine = create_engine(url, connect_args={"connect_timeout": connect_timeout_s}, **pool)
        except SQLAlchemyError as error:
            raise SyncError(
                f"not a database URL: {masked_url(url)}", code="sync.bad_url"
            ) from error
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
        except SQLAlchemyError as error:
            if is_connection_error(error):
                raise CentralUnavailableError(
                    f"central database unreachable: {getattr(error, 'orig', None) or error}"
                ) from error
            raise
        finally:
            try:
                session.close()
            except SQLAlchemyError:  # the connection is already gone: nothing to roll back
                log.debug("closing a session on a broken connection", exc_info=True)

    def write(self, work: Callable[[Session], _Result]) -> _Result:
        """Run ``work`` in one write transaction that holds the central write lock."""
        with self._session() as session:
            session.execute(select(func.pg_advisory_xact_lock(CENTRAL_WRITE_LOCK)))
            result = work(session)
            session.commit()
            return result

    def write_unlocked(self, work: Callable[[Session], _Result]) -> _Result:
        """A write transaction without the central write lock, for rows that carry no change
        number (request nonces, enrolment): they need not wait for the candidates' writers."""
        with self._session() as session:
            result = work(session)
            session.commit()
            return result

    def read(self, work: Callable[[Session], _Result]) -> _Result:
        with self._session() as session:
            return work(session)

    # --- set-up -----------------------------------------------------------------------------

    def upgrade(self) -> None:
        """Create or upgrade the schema (the same migrations as a counter's, plus the trigger)."""
        upgrade_schema(self.engine)

    def writer_database(self) -> Database:
        """A Database whose write transactions take the central write lock first (for the
        roster importer, which owns its own transaction)."""
        engine = create_engine(self.engine.url, pool_pre_ping=True)

        def take_write_lock(connection: Any) -> None:
            connection.execute(select(func.pg_advisory_xact_lock(CENTRAL_WRITE_LOCK)))

        sqlalchemy_event.listen(engine, "begin", take_write_lock)
        return Database(engine)

    # --- ticket blocks ----------------------------------------------------------------------

    def blocks(self, counter_id: str, series: str) -> list[BlockGrant]:
        """Every block of ``series`` ever leased to the counter (a lost answer is found here)."""

        def work(session: Session) -> list[BlockGrant]:
            rows = session.execute(
                select(TicketBlock.first_sequence, TicketBlock.last_sequence)
                .where(TicketBlock.counter_id == counter_id, TicketBlock.series == series)
                .order_by(TicketBlock.first_sequence)
            ).all()
            return [BlockGrant(series, first, last) for first, last in rows]

        return self.read(work)

    def lease_block(
        self, site_id: str, counter_id: str, series: str, size: int, max_sequence: int
    ) -> BlockGrant:
        """Lease the next free range of ``series`` to the counter, in one transaction."""

        def work(session: Session) -> BlockGrant:
            if session.get(CentralCounter, counter_id) is None:
                raise PermissionDeniedError(
                    f"counter {counter_id} is not registered", code="sync.unknown_counter"
                )
            row = session.get(TicketSeries, series, with_for_update=True)
            if row is None:
                row = TicketSeries(series=series, highest_leased=0)
                session.add(row)
            first = row.highest_leased + 1
            if first > max_sequence:
                raise SyncError(
                    f"every sequence number of series {series} has been leased",
                    code="ticket.series_exhausted",
                )
            last = min(first + size - 1, max_sequence)
            row.highest_leased = last
            session.add(
                TicketBlock(
                    series=series,
                    first_sequence=first,
                    last_sequence=last,
                    next_sequence=first,
                    site_id=site_id,
                    counter_id=counter_id,
                    granted_by="central",
                )
            )
            return BlockGrant(series, first, last)

        return self.write(work)

    # --- push -------------------------------------------------------------------------------

    def apply_events(
        self,
        counter_id: str,
        events: Sequence[TransitionEvent],
        audit_head: tuple[int, str] | None = None,
    ) -> list[EventAnswer]:
        """Apply a batch of a counter's events in order; one answer per event, same order.

        One transaction for the batch, a savepoint per event: a refused event leaves no trace
        but its answer. An event already answered (a replayed batch) gets its stored answer and
        changes nothing.
        """
        return self.write(lambda session: _apply_batch(session, counter_id, events, audit_head))

    # --- pull -------------------------------------------------------------------------------

    def count_changes(self, counter_id: str, after: int) -> int:
        def work(session: Session) -> int:
            scope = _registered_scope(session, counter_id)
            query = select(func.count()).where(
                Candidate.change_number > after, _scope_condition(scope)
            )
            return int(session.execute(query).scalar_one())

        return self.read(work)

    def changes(
        self, counter_id: str, after: int, limit: int
    ) -> tuple[CounterScope, list[dict[str, Any]]]:
        """The counter's scope as registered centrally (the authority on it), and the scope's
        candidates changed after change number ``after``, oldest change first."""
        columns = [Candidate.__table__.c[name] for name in PULLED_COLUMNS]

        def work(session: Session) -> tuple[CounterScope, list[dict[str, Any]]]:
            scope = _registered_scope(session, counter_id)
            query = (
                select(*columns)
                .where(Candidate.change_number > after, _scope_condition(scope))
                .order_by(Candidate.change_number)
                .limit(limit)
            )
            return scope, [dict(row._mapping) for row in session.execute(query)]

        return self.read(work)

    def registered_photo_checksums(
        self, registration_ids: Sequence[str], *, in_scope_of: str | None = None
    ) -> set[tuple[str, str]]:
        """(registration id, sha256) of the registered e-photos of these candidates; with
        ``in_scope_of``, only of candidates in that counter's central scope."""

        def work(session: Session) -> set[tuple[str, str]]:
            query = (
                select(Candidate.registration_id, Photo.sha256)
                .join(Photo, Photo.candidate_id == Candidate.id)
                .where(
                    Candidate.registration_id.in_(registration_ids),
                    Photo.purpose == "registered",
                )
            )
            if in_scope_of is not None:
                query = query.where(_scope_condition(_registered_scope(session, in_scope_of)))
            rows = session.execute(query).all()
            return {(registration_id, sha256) for registration_id, sha256 in rows}

        return self.read(work)

    def registered_photos(
        self, wanted: set[tuple[str, str]], *, in_scope_of: str | None = None
    ) -> list[tuple[str, str, str, bytes]]:
        """(registration id, sha256, media type, bytes) of the e-photos named in ``wanted``;
        with ``in_scope_of``, only of candidates in that counter's central scope."""
        if not wanted:
            return []

        def work(session: Session) -> list[tuple[str, str, str, bytes]]:
            query = (
                select(Candidate.registration_id, Photo.sha256, Photo.media_type, Photo.data)
                .join(Photo, Photo.candidate_id == Candidate.id)
                .where(
                    Candidate.registration_id.in_({r for r, _ in wanted}),
                    Photo.purpose == "registered",
                )
                .order_by(Photo.id)
            )
            if in_scope_of is not None:
                query = query.where(_scope_condition(_registered_scope(session, in_scope_of)))
            rows = session.execute(query).all()
            return [
                (r, sha256, media_type, data)
                for r, sha256, media_type, data in rows
                if (r, sha256) in wanted
            ]

        return self.read(work)

    def report_pulled(self, counter_id: str, through: int) -> None:
        """Record the counter's pull cursor centrally (for an administrator's overview)."""

        def work(session: Session) -> None:
            counter = session.get(CentralCounter, counter_id)
            if counter is not None and counter.pulled_through < through:
                counter.pulled_through = through
                counter.last_seen_at = utc_now()

        self.write_unlocked(work)  # one row, no change number


def _registered_scope(session: Session, counter_id: str) -> CounterScope:
    counter = session.get(CentralCounter, counter_id)
    if counter is None:
        raise PermissionDeniedError(
            f"counter {counter_id} is not registered with the central database",
            code="sync.unknown_counter",
        )
    return CounterScope.parse(counter.exam_areas, counter.tutoring_unit)


# --- applying events ------------------------------------------------------------------------
#
# A batch is judged in memory after one locking read of everything it touches (its candidates
# FOR UPDATE, their operators, the counter's blocks, the ticket numbers it names), then written
# with one statement per table. Judging event by event against the state as earlier events of
# the batch left it gives the same answers as applying them one at a time. Should a write still
# fail (a constraint the judgement missed, a value too long for a column), the batch is undone
# and applied again one event per savepoint, so that the one bad event is answered "error" and
# the others go through.


_CANDIDATES = Candidate.__table__
_STATE_COLUMNS = ("state", "state_changed_at", "version", "ticket_number")


def _apply_batch(
    session: Session,
    counter_id: str,
    events: Sequence[TransitionEvent],
    audit_head: tuple[int, str] | None,
) -> list[EventAnswer]:
    counter = session.get(CentralCounter, counter_id)
    if counter is None:
        raise PermissionDeniedError(
            f"counter {counter_id} is not registered with the central database",
            code="sync.unknown_counter",
        )
    scope = CounterScope.parse(counter.exam_areas, counter.tutoring_unit)
    event_ids = [str(event.get("event_id", "")) for event in events]
    stored = {
        row.event_id: row
        for row in session.execute(
            select(CentralEvent).where(CentralEvent.event_id.in_(event_ids))
        ).scalars()
    }
    fresh: dict[str, TransitionEvent] = {}
    for event_id, event in zip(event_ids, events, strict=True):
        if event_id not in stored and event_id not in fresh:
            fresh[event_id] = event
    answers: dict[str, EventAnswer] = {}
    if fresh:
        try:
            with session.begin_nested():
                answers.update(_apply_together(session, counter, scope, list(fresh.values())))
        except SQLAlchemyError as error:
            if is_connection_error(error):
                raise
            log.warning("batch of %s failed as a whole; one event at a time", counter_id)
            answers.update(_apply_one_by_one(session, counter, scope, list(fresh.values())))
    if stored:
        # The stored answer, with the candidate as it is now: the counter takes this version
        # once the event is settled, and an older one could undo a later change.
        versions = _snapshots(session, {row.registration_id for row in stored.values()})
        for event_id, row in stored.items():
            answers[event_id] = EventAnswer(
                event_id,
                EventOutcome(row.outcome),
                row.reason_code,
                row.message,
                versions.get(row.registration_id),
            )
    _check_audit_head(counter, audit_head)
    counter.last_seen_at = utc_now()
    return [answers[event_id] for event_id in event_ids]


def _apply_one_by_one(
    session: Session, counter: CentralCounter, scope: CounterScope, events: list[TransitionEvent]
) -> dict[str, EventAnswer]:
    answers: dict[str, EventAnswer] = {}
    failed: set[str] = set()
    for event in events:
        event_id = str(event.get("event_id", ""))
        registration_id = str(event.get("registration_id", ""))
        if registration_id in failed:
            answers[event_id] = EventAnswer(event_id, EventOutcome.DEFERRED, "sync.deferred")
            continue
        try:
            with session.begin_nested():
                answers.update(_apply_together(session, counter, scope, [event]))
        except SQLAlchemyError as error:
            if is_connection_error(error):
                raise
            log.warning("event %s could not be applied", event_id, exc_info=True)
            detail = str(getattr(error, "orig", None) or error)[:500]
            answers[event_id] = EventAnswer(
                event_id, EventOutcome.ERROR, "sync.apply_failed", detail
            )
            failed.add(registration_id)
    return answers


def _apply_together(
    session: Session, counter: CentralCounter, scope: CounterScope, events: list[TransitionEvent]
) -> dict[str, EventAnswer]:
    batch = _read_batch(session, counter, scope, events)
    verdicts: dict[str, tuple[EventOutcome, str | None, str]] = {}  # (outcome, code, message)
    failed: set[str] = set()
    for event in events:
        event_id = str(event.get("event_id", ""))
        registration_id = str(event.get("registration_id", ""))
        if registration_id in failed:
            verdicts[event_id] = (EventOutcome.DEFERRED, "sync.deferred", "")
            continue
        try:
            judge(batch, event)
        except DeskError as refusal:
            verdicts[event_id] = (EventOutcome.REJECTED, refusal.code, refusal.message)
        except (KeyError, TypeError, ValueError, AttributeError) as error:  # a malformed event
            verdicts[event_id] = (EventOutcome.ERROR, "sync.malformed_event", repr(error)[:500])
            failed.add(registration_id)
        else:
            verdicts[event_id] = (EventOutcome.ACCEPTED, None, "")
    _write_batch(session, batch)
    versions = _snapshots(session, {str(e.get("registration_id", "")) for e in events})
    answers: dict[str, EventAnswer] = {}
    log_rows: list[dict[str, Any]] = []
    for event in events:
        event_id = str(event.get("event_id", ""))
        outcome, code, message = verdicts[event_id]
        version = versions.get(str(event.get("registration_id", "")))
        answers[event_id] = EventAnswer(event_id, outcome, code, message, version)
        if outcome.final:
            log_rows.append(
                {
                    "event_id": event_id,
                    "counter_id": counter.id,
                    "counter_sequence": int(event.get("sequence", 0)),
                    "registration_id": str(event.get("registration_id", ""))[:40],
                    "payload": logged_payload(event),
                    "outcome": outcome,
                    "reason_code": code,
                    "message": message,
                    "central_version": version or {},
                    "received_at": utc_now(),
                }
            )
    if log_rows:
        session.execute(insert(CentralEvent), log_rows)
    return answers


def _read_batch(
    session: Session, counter: CentralCounter, scope: CounterScope, events: list[TransitionEvent]
) -> Batch:
    registration_ids = {str(e.get("registration_id", "")) for e in events}
    candidates = {
        row["registration_id"]: dict(row)
        for row in session.execute(
            select(_CANDIDATES)
            .where(_CANDIDATES.c.registration_id.in_(registration_ids))
            .order_by(_CANDIDATES.c.id)  # one lock order for every transaction
            .with_for_update()
        ).mappings()
    }
    operator_ids = {
        str(e["operator"].get("id", "")) for e in events if isinstance(e.get("operator"), dict)
    }
    operators = {
        operator_id: (role, active, unit)
        for operator_id, role, active, unit in session.execute(
            select(Operator.id, Operator.role, Operator.active, Operator.tutoring_unit).where(
                Operator.id.in_(operator_ids)
            )
        ).all()
    }
    blocks = [
        (block_id, series, first, last)
        for block_id, series, first, last in session.execute(
            select(
                TicketBlock.id,
                TicketBlock.series,
                TicketBlock.first_sequence,
                TicketBlock.last_sequence,
            ).where(TicketBlock.counter_id == counter.id)
        ).all()
    ]
    named = {str(e.get("ticket_number")) for e in events if e.get("ticket_number")}
    named |= {str(c["ticket_number"]) for c in candidates.values() if c["ticket_number"]}
    numbers = {
        number: (candidate_id, status)
        for number, candidate_id, status in session.execute(
            select(TicketNumber.number, TicketNumber.candidate_id, TicketNumber.status).where(
                TicketNumber.number.in_(named)
            )
        ).all()
    }
    referrers: dict[int, str] = {}
    approved = [
        candidates[r]["id"]
        for e in events
        if e.get("action") == Action.APPROVE.value and (r := e.get("registration_id")) in candidates
    ]
    if approved:
        for candidate_id, operator_id in session.execute(
            select(Transition.candidate_id, Transition.operator_id)
            .where(Transition.candidate_id.in_(approved), Transition.action == "refer")
            .order_by(Transition.id)
        ).all():
            referrers[candidate_id] = operator_id
    return Batch(counter.id, scope, candidates, operators, blocks, numbers, referrers)


def _write_batch(session: Session, batch: Batch) -> None:
    """One statement per table for everything the accepted events of the batch changed."""
    if batch.changed:
        rows = [batch.candidates[r] for r in sorted(batch.changed)]
        session.execute(
            update(Candidate),
            [{"id": row["id"], **{name: row[name] for name in _STATE_COLUMNS}} for row in rows],
        )
    if batch.new_numbers:
        session.execute(insert(TicketNumber), batch.new_numbers)
    if batch.retired_numbers:
        session.execute(
            update(TicketNumber)
            .where(TicketNumber.number.in_(batch.retired_numbers))
            .values(status=TicketStatus.RETIRED, retired_at=utc_now())
        )
    for transition_index, candidate_id, photo, templates in batch.photos:
        photo_id = session.execute(insert(Photo).returning(Photo.id), photo).scalar_one()
        if templates:
            session.execute(
                insert(FaceTemplate),
                [{**row, "photo_id": photo_id, "candidate_id": candidate_id} for row in templates],
            )
        evidence = batch.transitions[transition_index]["evidence"]
        evidence["counter_live_photo"] = evidence.get("live_photo")
        evidence["live_photo"] = photo_id
    if batch.transitions:
        session.execute(insert(Transition), batch.transitions)
    audit.append_many(session, batch.audit_entries)


def _snapshots(session: Session, registration_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The candidates as they are now, as JSON-ready values (change numbers included)."""
    columns = [_CANDIDATES.c[name] for name in PULLED_COLUMNS]
    rows = session.execute(
        select(*columns).where(_CANDIDATES.c.registration_id.in_(registration_ids))
    ).mappings()
    return {
        row["registration_id"]: {name: json_value(row[name]) for name in PULLED_COLUMNS}
        for row in rows
    }


def _check_audit_head(counter: CentralCounter, audit_head: tuple[int, str] | None) -> None:
    """Record the counter's audit head; a head that went back, or whose hash changed at the
    same length, means the counter's chain was rebuilt: flagged centrally, never cleared here."""
    problems: list[str] = []
    if audit_head is not None:
        sequence, entry_hash = audit_head
        if sequence < counter.audit_sequence:
            problems.append(
                f"audit head went back from {counter.audit_sequence} to {sequence}: "
                "the counter's chain was rebuilt"
            )
        elif sequence == counter.audit_sequence and entry_hash != counter.audit_hash:
            problems.append(f"audit entry {sequence} changed its hash: the chain was rebuilt")
        else:
            counter.audit_sequence, counter.audit_hash = sequence, entry_hash
    if problems and not counter.audit_problem:
        counter.audit_problem = "; ".join(problems)[:2000]
        log.warning("counter %s: %s", counter.id, counter.audit_problem)


def _scope_condition(scope: CounterScope) -> ColumnElement[bool]:
    if scope.tutoring_unit:
        return Candidate.tutoring_unit == scope.tutoring_unit
    if scope.exam_areas:
        return Candidate.exam_area.in_(scope.exam_areas)
    return false()
