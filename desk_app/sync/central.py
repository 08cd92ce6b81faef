"""The central database's side of synchronisation: it is the authority, and checks every event.

Counters talk to the central PostgreSQL database directly; what makes it the authority is that
every rule is checked again here, in the transaction that applies the event, against the central
data: the transition must be legal from the central state, the candidate must be in the scope
the central database registered for that counter, and an issued ticket number must come from a
block the central database leased to that counter. Nothing the counter claims is taken on trust.

Every central write transaction starts by taking one advisory lock (``CENTRAL_WRITE_LOCK``, also
taken by the candidates' change-number trigger): writers commit one after the other, so change
numbers are handed out in commit order and no lock-order deadlock between candidate rows and the
lock is possible. Pushes are short batches, so the serialisation costs little.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, create_engine, false, func, select
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import Action, CandidateState, ReasonCode, Role, next_state
from desk_app.persistence.database import Database, upgrade_schema
from desk_app.persistence.models import (
    Candidate,
    CentralCounter,
    CentralEvent,
    Operator,
    Site,
    TicketBlock,
    TicketNumber,
    TicketSeries,
    Transition,
    utc_now,
)
from desk_app.persistence.repositories import CandidateRepository
from desk_app.security import audit
from desk_app.services.tickets import keep_ticket_number, retire_ticket_number

log = logging.getLogger(__name__)

CENTRAL_WRITE_LOCK = 7_212_027  # the same key as in migration 0002's trigger

# Columns a counter pulls: everything of the candidate but the central row id.
PULLED_COLUMNS = tuple(
    column.name for column in Candidate.__table__.columns if column.name not in ("id",)
)


class SyncError(DeskError):
    code = "sync.failed"


class CentralUnavailableError(SyncError):
    """The central database cannot be reached (or the connection broke): try again later."""

    code = "sync.offline"


def is_connection_error(error: BaseException) -> bool:
    """A broken or refused connection, as opposed to a refused statement."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


@dataclass(frozen=True)
class CounterScope:
    """The candidates a counter serves: its exam areas, or its tutoring unit's candidates."""

    exam_areas: tuple[str, ...] = ()
    tutoring_unit: str | None = None

    def __post_init__(self) -> None:
        if bool(self.exam_areas) == bool(self.tutoring_unit):
            raise SyncError(
                "a counter serves either exam areas or one tutoring unit",
                code="sync.bad_scope",
            )

    @classmethod
    def parse(cls, exam_areas: str, tutoring_unit: str | None) -> CounterScope:
        areas = tuple(area.strip() for area in exam_areas.split(",") if area.strip())
        return cls(areas, tutoring_unit or None)

    @property
    def areas_text(self) -> str:
        return ",".join(self.exam_areas)

    def condition(self) -> ColumnElement[bool]:
        if self.tutoring_unit:
            return Candidate.tutoring_unit == self.tutoring_unit
        if self.exam_areas:
            return Candidate.exam_area.in_(self.exam_areas)
        return false()

    def contains(self, candidate: Candidate) -> bool:
        if self.tutoring_unit:
            return candidate.tutoring_unit == self.tutoring_unit
        return candidate.exam_area in self.exam_areas


@dataclass(frozen=True)
class BlockGrant:
    series: str
    first_sequence: int
    last_sequence: int


@dataclass(frozen=True)
class EventAnswer:
    """The central answer to one event.

    ``accepted`` and ``rejected`` are final (stored, and given again for a replay); ``error`` means
    the event could not be applied for an unexpected reason and may be retried; ``deferred`` means
    an earlier event of the same candidate in the batch failed, so this one was not tried.
    """

    event_id: str
    outcome: str
    reason_code: str | None = None
    message: str = ""
    central_version: dict[str, Any] | None = None


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def candidate_snapshot(candidate: Candidate) -> dict[str, Any]:
    """The pulled columns of a candidate as JSON-ready values."""
    return {name: _json_value(getattr(candidate, name)) for name in PULLED_COLUMNS}


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
    def connect(cls, url: str, *, connect_timeout_s: int = 10) -> CentralDatabase:
        """An engine without a pool: a syncer connects once per cycle, and a connection broken
        by the network is never handed out again."""
        try:
            engine = create_engine(
                url, poolclass=NullPool, connect_args={"connect_timeout": connect_timeout_s}
            )
        except SQLAlchemyError as error:
            raise SyncError(f"not a database URL: {url!r}", code="sync.bad_url") from error
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

    def _write(self, work: Callable[[Session], _Result]) -> _Result:
        """Run ``work`` in one write transaction that holds the central write lock."""
        with self._session() as session:
            session.execute(select(func.pg_advisory_xact_lock(CENTRAL_WRITE_LOCK)))
            result = work(session)
            session.commit()
            return result

    def _read(self, work: Callable[[Session], _Result]) -> _Result:
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

    def register_counter(self, site_id: str, counter_id: str, scope: CounterScope) -> None:
        """Create (or re-scope) a counter of a site; the scope is what the central side enforces."""

        def work(session: Session) -> None:
            if session.get(Site, site_id) is None:
                session.add(Site(id=site_id))
                session.flush()
            counter = session.get(CentralCounter, counter_id)
            if counter is None:
                session.add(
                    CentralCounter(
                        id=counter_id,
                        site_id=site_id,
                        exam_areas=scope.areas_text,
                        tutoring_unit=scope.tutoring_unit,
                    )
                )
                return
            if counter.site_id != site_id:
                raise SyncError(
                    f"counter {counter_id} is registered at site {counter.site_id}",
                    code="sync.counter_other_site",
                )
            counter.exam_areas = scope.areas_text
            counter.tutoring_unit = scope.tutoring_unit

        self._write(work)

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

        return self._read(work)

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

        return self._write(work)

    # --- push -------------------------------------------------------------------------------

    def apply_events(
        self,
        counter_id: str,
        events: Sequence[dict[str, Any]],
        audit_head: tuple[int, str] | None = None,
    ) -> list[EventAnswer]:
        """Apply a batch of a counter's events in order; one answer per event, same order.

        One transaction for the batch, a savepoint per event: a refused event leaves no trace
        but its answer. An event already answered (a replayed batch) gets its stored answer and
        changes nothing.
        """
        return self._write(lambda session: _apply_batch(session, counter_id, events, audit_head))

    # --- pull -------------------------------------------------------------------------------

    def count_changes(self, scope: CounterScope, after: int) -> int:
        def work(session: Session) -> int:
            query = select(func.count()).where(Candidate.change_number > after, scope.condition())
            return int(session.execute(query).scalar_one())

        return self._read(work)

    def changes(self, scope: CounterScope, after: int, limit: int) -> list[dict[str, Any]]:
        """The scope's candidates changed after change number ``after``, oldest change first."""
        columns = [Candidate.__table__.c[name] for name in PULLED_COLUMNS]

        def work(session: Session) -> list[dict[str, Any]]:
            query = (
                select(*columns)
                .where(Candidate.change_number > after, scope.condition())
                .order_by(Candidate.change_number)
                .limit(limit)
            )
            return [dict(row._mapping) for row in session.execute(query)]

        return self._read(work)

    def report_pulled(self, counter_id: str, through: int) -> None:
        """Record the counter's pull cursor centrally (for an administrator's overview)."""

        def work(session: Session) -> None:
            counter = session.get(CentralCounter, counter_id)
            if counter is not None and counter.pulled_through < through:
                counter.pulled_through = through
                counter.last_seen_at = utc_now()

        with self._session() as session:  # no write lock needed: one row, no change number
            work(session)
            session.commit()


# --- applying events ------------------------------------------------------------------------


class RefusedEventError(SyncError):
    """An event the central rules refuse (its ``code`` says which rule)."""

    code = "sync.refused"


def _apply_batch(
    session: Session,
    counter_id: str,
    events: Sequence[dict[str, Any]],
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
    answers: list[EventAnswer] = []
    answered: dict[str, EventAnswer] = {}
    failed_candidates: set[str] = set()
    for event_id, event in zip(event_ids, events, strict=True):
        previous = stored.get(event_id)
        if previous is not None:
            # The stored answer, with the candidate as it is now: the counter takes this version
            # once the event is settled, and an older one could undo a later change.
            answers.append(
                EventAnswer(
                    event_id,
                    previous.outcome,
                    previous.reason_code,
                    previous.message,
                    _central_version(session, previous.registration_id) or None,
                )
            )
            continue
        if event_id in answered:  # the same event twice in one batch
            answers.append(answered[event_id])
            continue
        registration_id = str(event.get("registration_id", ""))
        if registration_id in failed_candidates:
            answers.append(EventAnswer(event_id, "deferred", "sync.deferred"))
            continue
        answer = _apply_or_refuse(session, counter, scope, event_id, event)
        if answer.outcome == "error":
            failed_candidates.add(registration_id)
        else:
            session.add(
                CentralEvent(
                    event_id=event_id,
                    counter_id=counter.id,
                    counter_sequence=int(event.get("sequence", 0)),
                    registration_id=registration_id,
                    payload=dict(event),
                    outcome=answer.outcome,
                    reason_code=answer.reason_code,
                    message=answer.message,
                    central_version=answer.central_version or {},
                )
            )
            session.flush()
        answered[event_id] = answer
        answers.append(answer)
    _check_audit_head(counter, audit_head)
    counter.last_seen_at = utc_now()
    return answers


def _apply_or_refuse(
    session: Session,
    counter: CentralCounter,
    scope: CounterScope,
    event_id: str,
    event: dict[str, Any],
) -> EventAnswer:
    savepoint = session.begin_nested()
    try:
        candidate = _apply_event(session, counter, scope, event)
        savepoint.commit()
    except DeskError as error:
        savepoint.rollback()
        version = _central_version(session, str(event.get("registration_id", "")))
        return EventAnswer(event_id, "rejected", error.code, error.message, version)
    except SQLAlchemyError as error:
        if is_connection_error(error):
            raise
        savepoint.rollback()
        log.warning("event %s could not be applied", event_id, exc_info=True)
        detail = str(getattr(error, "orig", None) or error)[:500]
        return EventAnswer(event_id, "error", "sync.apply_failed", detail)
    except (KeyError, TypeError, ValueError) as error:  # a malformed event
        savepoint.rollback()
        return EventAnswer(event_id, "error", "sync.malformed_event", repr(error)[:500])
    return EventAnswer(event_id, "accepted", central_version=candidate_snapshot(candidate))


def _central_version(session: Session, registration_id: str) -> dict[str, Any]:
    candidate = CandidateRepository(session).by_registration_id(registration_id)
    return candidate_snapshot(candidate) if candidate is not None else {}


def _apply_event(
    session: Session, counter: CentralCounter, scope: CounterScope, event: dict[str, Any]
) -> Candidate:
    if event["kind"] != "transition":
        raise RefusedEventError(f"unknown event kind {event['kind']!r}", code="sync.unknown_event")
    if event["counter_id"] != counter.id:
        raise RefusedEventError(
            f"an event of counter {event['counter_id']} pushed by {counter.id}",
            code="sync.wrong_counter",
        )
    registration_id = event["registration_id"]
    candidate = CandidateRepository(session).by_registration_id(registration_id, for_update=True)
    if candidate is None:
        raise RefusedEventError(
            f"no pre-registration {registration_id!r} centrally", code="candidate.not_found"
        )
    if not scope.contains(candidate):
        raise RefusedEventError(
            f"{registration_id} is outside counter {counter.id}'s scope",
            code="permission.out_of_scope",
        )
    current = CandidateState(candidate.state)
    if current.value != event["from_state"]:
        raise RefusedEventError(
            f"{registration_id} is {current.value} centrally, not {event['from_state']}: "
            "decided elsewhere first",
            code="sync.conflict",
        )
    operator = _operator(session, event["operator"])
    action = Action(event["action"])
    reason = ReasonCode(event["reason_code"]) if event.get("reason_code") else None
    target = next_state(current, action, Role(operator.role), reason)
    if target.value != event["to_state"]:
        raise RefusedEventError(
            f"{action.value} leads to {target.value}, not {event['to_state']}",
            code="sync.bad_event",
        )
    if action is Action.APPROVE:
        referral = CandidateRepository(session).last_transition(candidate.id, Action.REFER.value)
        if referral is not None and referral.operator_id == operator.id:
            raise PermissionDeniedError(
                "a supervisor cannot approve a case they referred themselves",
                code="permission.four_eyes",
            )
    ticket = _ticket_effect(session, counter, candidate, action, event)
    occurred_at = datetime.fromisoformat(event["occurred_at"]).astimezone(UTC)
    transition = Transition(
        candidate_id=candidate.id,
        action=action.value,
        from_state=current.value,
        to_state=target.value,
        operator_id=operator.id,
        operator_role=operator.role,
        occurred_at=occurred_at,
        site_id=event["site_id"],
        counter_id=counter.id,
        method=event["method"],
        reason_code=reason.value if reason else None,
        note=event.get("note", ""),
        evidence={**event.get("evidence", {}), "event_id": event["event_id"]},
        scores=event.get("scores", {}),
        approved_by=operator.id if action is Action.APPROVE else None,
        ticket_number=ticket,
    )
    session.add(transition)
    candidate.state = target.value
    candidate.state_changed_at = occurred_at
    candidate.version += 1
    session.flush()
    audit.append(
        session,
        actor=operator.id,
        action=f"candidate.{action.value}",
        subject=registration_id,
        details={
            "from": current.value,
            "to": target.value,
            "ticket_number": ticket,
            "site": event["site_id"],
            "counter": counter.id,
            "event_id": event["event_id"],
            "counter_audit": event.get("audit", {}),
        },
    )
    session.refresh(candidate)  # the trigger set a new change number
    return candidate


def _operator(session: Session, claimed: dict[str, Any]) -> Operator:
    """The central record of the operator; one first seen is recorded as the counter sent it.

    Operators are created on counters; the central side learns them from their first event and
    from then on judges roles by its own record, so a counter cannot promote a clerk later.
    """
    operator = session.get(Operator, claimed["id"])
    if operator is None:
        operator = Operator(
            id=claimed["id"],
            display_name=claimed.get("display_name") or claimed["id"],
            role=Role(claimed["role"]).value,
            tutoring_unit=claimed.get("tutoring_unit"),
            password_hash=None,
        )
        session.add(operator)
        session.flush()
    if not operator.active:
        raise PermissionDeniedError(
            f"operator {operator.id} is not active", code="permission.unknown_operator"
        )
    return operator


def _ticket_effect(
    session: Session,
    counter: CentralCounter,
    candidate: Candidate,
    action: Action,
    event: dict[str, Any],
) -> str | None:
    if action is Action.REVOKE:
        if candidate.ticket_number:
            retire_ticket_number(session, candidate.ticket_number)
        return None
    if action not in (Action.CONFIRM, Action.APPROVE):
        return None
    number = event.get("ticket_number")
    kind = event.get("ticket_kind")
    if not number or kind not in ("issued", "kept"):
        raise RefusedEventError("a confirmation without a ticket number", code="sync.bad_event")
    if kind == "kept":
        if number != candidate.ticket_number:
            raise RefusedEventError(
                f"kept ticket number {number} is not the candidate's {candidate.ticket_number}",
                code="ticket.mismatch",
            )
        keep_ticket_number(session, number, candidate.id)
        return str(number)
    block = _leased_block(session, counter.id, str(event.get("ticket_series") or ""), str(number))
    if session.get(TicketNumber, number) is not None:
        raise RefusedEventError(
            f"ticket number {number} is already taken", code="ticket.number_taken"
        )
    if candidate.ticket_number:
        raise RefusedEventError(
            f"{candidate.registration_id} already holds ticket number {candidate.ticket_number}",
            code="ticket.mismatch",
        )
    session.add(
        TicketNumber(number=number, candidate_id=candidate.id, block_id=block.id, status="issued")
    )
    candidate.ticket_number = str(number)
    return str(number)


def _leased_block(session: Session, counter_id: str, series: str, number: str) -> TicketBlock:
    """The block leased to ``counter_id`` that ``number`` was issued from, or a refusal."""
    prefix, _, suffix = series.partition("#")
    middle = number[len(prefix) : len(number) - len(suffix)] if suffix else number[len(prefix) :]
    if not (number.startswith(prefix) and number.endswith(suffix) and middle.isdigit()):
        raise RefusedEventError(
            f"ticket number {number} is not of series {series}", code="ticket.not_leased"
        )
    sequence = int(middle)
    block = session.execute(
        select(TicketBlock).where(
            TicketBlock.series == series,
            TicketBlock.counter_id == counter_id,
            TicketBlock.first_sequence <= sequence,
            TicketBlock.last_sequence >= sequence,
        )
    ).scalar_one_or_none()
    if block is None:
        raise RefusedEventError(
            f"ticket number {number} is not from a block leased to counter {counter_id}",
            code="ticket.not_leased",
        )
    return block


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
