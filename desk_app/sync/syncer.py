"""The counter's side of synchronisation: lease ticket blocks, push the outbox, pull the scope.

Threading contract: a Syncer owns no thread. ``sync_once`` runs on whatever thread calls it (the
GUI runs it on its database worker; ``desk-app sync`` on the main thread) and ``run`` loops
until ``stopped()`` says so. Every local write is one short transaction, and each step is
written so that being killed at any instant loses nothing:

- push: an event is answered by the central side at most once (keyed by its id), and the local
  outbox row is only marked after the central transaction committed, so a push cut short is
  simply pushed again and gets the stored answer;
- pull: each batch and the cursor after it are stored in one local transaction;
- blocks: the list of blocks leased to this counter is read back from the central database
  before leasing, so a lease whose answer was lost is found rather than leased twice.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from desk_app.domain.errors import DeskError
from desk_app.domain.progress import Progress
from desk_app.domain.sync_events import UNACCEPTED, EventOutcome, OutboxStatus, TransitionEvent
from desk_app.domain.tickets import TicketStatus
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    AuditEntry,
    AuditHead,
    BlocklistEntry,
    Candidate,
    Operator,
    OutboxEvent,
    Photo,
    SyncBinding,
    SyncConflict,
    TicketBlock,
    TicketNumber,
    utc_now,
)
from desk_app.persistence.repositories import TicketRepository
from desk_app.security import audit
from desk_app.services.outbox import without_attachment_data
from desk_app.services.tickets import TicketPolicy
from desk_app.sync.protocol import (
    MAX_SHARED,
    PULLED_OPERATOR_COLUMNS,
    BlockGrant,
    CentralPort,
    CentralUnavailableError,
    CounterScope,
    EventAnswer,
    candidate_snapshot,
    candidate_values,
    pulled_values,
    wire_blocklist_entry,
    wire_entry,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncOptions:
    push_batch: int = 500
    pull_batch: int = 5000
    low_water_mark: int = 100
    max_attempts: int = 5  # an event that fails this often for no rule's reason is parked
    backoff_first_s: float = 1.0
    backoff_max_s: float = 60.0


@dataclass
class SyncReport:
    leased_blocks: int = 0
    pushed: int = 0
    accepted: int = 0
    rejected: int = 0
    failed: int = 0
    parked: int = 0
    pulled: int = 0
    operators_changed: int = 0
    audit_sent: int = 0
    blocklist_shared: int = 0
    blocklist_pulled: int = 0
    rejections: list[tuple[str, str]] = field(default_factory=list)  # (registration, code)

    def summary(self) -> str:
        return (
            f"pushed {self.pushed} ({self.accepted} accepted, {self.rejected} rejected, "
            f"{self.failed} failed, {self.parked} parked), pulled {self.pulled}, "
            f"leased {self.leased_blocks} ticket block(s), blocklist: shared "
            f"{self.blocklist_shared}, pulled {self.blocklist_pulled}"
        )


# Hooks for tests: how a push batch reaches the central side.
PushTransport = Callable[[CentralPort, str, list[TransitionEvent]], list[EventAnswer]]


def direct_push(
    central: CentralPort,
    counter_id: str,
    events: list[TransitionEvent],
) -> list[EventAnswer]:
    return central.apply_events(counter_id, events)


def backoff_delay(
    failures: int, options: SyncOptions, draw: Callable[[float, float], float] = random.uniform
) -> float:
    """Seconds to wait after ``failures`` failures in a row: doubling up to a ceiling, drawn
    from its upper half, so many counters coming back online do not all arrive together."""
    ceiling = min(options.backoff_max_s, options.backoff_first_s * 2 ** max(failures - 1, 0))
    return draw(ceiling / 2, ceiling)


def read_binding(database: Database) -> SyncBinding | None:
    with database.reading() as uow:
        return uow.session.get(SyncBinding, 1)


class Syncer:
    def __init__(
        self,
        database: Database,
        central: CentralPort,
        binding: SyncBinding,
        tickets: TicketPolicy,
        options: SyncOptions | None = None,
        *,
        push_transport: PushTransport = direct_push,
    ) -> None:
        self._database = database
        self._central = central
        self._counter_id = binding.counter_id
        self._site_id = binding.site_id
        self._scope = CounterScope.parse(binding.exam_areas, binding.tutoring_unit)
        self._tickets = tickets
        self._options = options or SyncOptions()
        self._push_transport = push_transport

    # --- one cycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection to the central database."""
        self._central.close()

    def sync_once(self, progress: Progress | None = None) -> SyncReport:
        """Lease blocks, push, pull. Raises CentralUnavailableError when the network fails."""
        report = SyncReport()
        started = utc_now()
        try:
            report.operators_changed = self.pull_operators()
            report.audit_sent = self.send_audit()
            report.leased_blocks = self.refill_blocks()
            self.push(report)
            # After the push: a face entry names a case whose revocation must arrive first.
            report.blocklist_shared = self.share_blocklist()
            report.blocklist_pulled = self.pull_blocklist()
            report.pulled = self.pull(progress)
        except DeskError as error:
            self._record_outcome(started, str(error))
            raise
        finally:
            # A cycle every half minute: keeping its connection idle between cycles would only
            # hold a slot at the service (and a broken one would fail the next cycle's start).
            self._central.end_cycle()
        self._record_outcome(started, "")
        return report

    def run(
        self,
        *,
        interval_s: float,
        stopped: Callable[[], bool],
        sleep: Callable[[float], None] = time.sleep,
        on_report: Callable[[SyncReport], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Sync every ``interval_s`` until ``stopped()``; back off exponentially while offline."""
        failures = 0
        while not stopped():
            try:
                report = self.sync_once()
            except CentralUnavailableError as error:
                failures += 1
                if on_error is not None:
                    on_error(error)
                sleep(self.backoff_delay(failures))
                continue
            failures = 0
            if on_report is not None:
                on_report(report)
            sleep(interval_s)

    def backoff_delay(self, failures: int) -> float:
        return backoff_delay(failures, self._options)

    # --- ticket blocks ----------------------------------------------------------------------

    def refill_blocks(self) -> int:
        """Copy blocks leased to this counter; lease one more when below the low-water mark."""
        series = self._tickets.layout.series
        self._store_blocks(self._central.blocks(self._counter_id, series))
        leased = 0
        with self._database.reading() as uow:
            left = TicketRepository(uow.session).remaining(series, self._counter_id)
        if left < max(self._options.low_water_mark, 1):
            self._central.lease_block(
                self._site_id,
                self._counter_id,
                series,
                self._tickets.block_size,
                self._tickets.layout.max_sequence,
            )
            leased = 1
            self._store_blocks(self._central.blocks(self._counter_id, series))
        return leased

    def _store_blocks(self, grants: list[BlockGrant]) -> None:
        if not grants:
            return
        with self._database.unit_of_work() as uow:
            known = set(
                uow.session.execute(
                    select(TicketBlock.first_sequence).where(
                        TicketBlock.series == self._tickets.layout.series,
                        TicketBlock.counter_id == self._counter_id,
                    )
                ).scalars()
            )
            for grant in grants:
                if grant.first_sequence in known:
                    continue
                uow.session.add(
                    TicketBlock(
                        series=grant.series,
                        first_sequence=grant.first_sequence,
                        last_sequence=grant.last_sequence,
                        next_sequence=grant.first_sequence,
                        site_id=self._site_id,
                        counter_id=self._counter_id,
                        granted_by="central",
                    )
                )
            uow.commit()

    # --- push -------------------------------------------------------------------------------

    def push(self, report: SyncReport | None = None) -> SyncReport:
        """Push pending events in order until none is left or a batch made no progress.

        A candidate whose event failed is left alone for the rest of this push: its event is
        tried again at the next sync (after the interval, or the backoff), not in a tight loop,
        and is parked after ``max_attempts`` syncs.
        """
        report = report if report is not None else SyncReport()
        failed: set[str] = set()
        while True:
            events = self._pending_batch(failed)
            if not events:
                return report
            answers = self._push_transport(self._central, self._counter_id, events)
            progressed = self._store_answers(events, answers, report)
            failed.update(
                str(event.get("registration_id", ""))
                for event, answer in zip(events, answers, strict=True)
                if not answer.outcome.final
            )
            report.pushed += len(events)
            if not progressed:
                return report

    def _pending_batch(self, skipped: set[str]) -> list[TransitionEvent]:
        with self._database.reading() as uow:
            rows = (
                uow.session.execute(
                    select(OutboxEvent)
                    .where(
                        OutboxEvent.status == OutboxStatus.PENDING,
                        OutboxEvent.registration_id.not_in(skipped),
                    )
                    .order_by(OutboxEvent.sequence)
                    .limit(self._options.push_batch)
                )
                .scalars()
                .all()
            )
        # The counter's own outbox, written by services.outbox: its rows are TransitionEvents.
        return [cast(TransitionEvent, {**row.payload, "sequence": row.sequence}) for row in rows]

    def _store_answers(
        self, events: list[TransitionEvent], answers: list[EventAnswer], report: SyncReport
    ) -> bool:
        """Record the central answers locally in one transaction; True if any was final."""
        progressed = False
        now = utc_now()
        with self._database.unit_of_work() as uow:
            session = uow.session
            rows = {
                row.event_id: row
                for row in session.execute(
                    select(OutboxEvent).where(
                        OutboxEvent.event_id.in_([a.event_id for a in answers])
                    )
                ).scalars()
            }
            settled: dict[str, EventAnswer] = {}  # the last final answer per candidate
            for answer in answers:
                row = rows.get(answer.event_id)
                if row is None or row.status != OutboxStatus.PENDING:
                    continue
                if answer.outcome is EventOutcome.ACCEPTED:
                    row.status, row.answered_at = OutboxStatus.ACCEPTED, now
                    row.payload = without_attachment_data(row.payload)
                    settled[row.registration_id] = answer
                    report.accepted += 1
                    progressed = True
                elif answer.outcome is EventOutcome.REJECTED:
                    row.status, row.answered_at = OutboxStatus.REJECTED, now
                    row.reason_code, row.message = answer.reason_code, answer.message
                    self._record_conflict(session, row, answer)
                    settled[row.registration_id] = answer
                    report.rejected += 1
                    report.rejections.append((row.registration_id, answer.reason_code or ""))
                    progressed = True
                elif answer.outcome is EventOutcome.ERROR:
                    row.attempts += 1
                    row.reason_code, row.message = answer.reason_code, answer.message
                    report.failed += 1
                    if row.attempts >= self._options.max_attempts:
                        row.status, row.answered_at = OutboxStatus.PARKED, now
                        report.parked += 1
                        progressed = True
                        log.warning("event %s parked: %s", row.event_id, answer.message)
            session.flush()
            self._take_central_versions(session, settled)
            uow.commit()
        return progressed

    def _record_conflict(self, session: Session, row: OutboxEvent, answer: EventAnswer) -> None:
        local = session.execute(
            select(Candidate).where(Candidate.registration_id == row.registration_id)
        ).scalar_one_or_none()
        session.add(
            SyncConflict(
                registration_id=row.registration_id,
                event_id=row.event_id,
                reason_code=answer.reason_code or "sync.rejected",
                message=answer.message,
                local_version={
                    "candidate": candidate_snapshot(local) if local is not None else {},
                    "event": row.payload,
                },
                central_version=answer.central_version or {},
            )
        )

    def _take_central_versions(self, session: Session, settled: dict[str, EventAnswer]) -> None:
        """Once a candidate's events are settled, the central version replaces the local one.

        After an acceptance the two agree on the decision, and the central one also carries what
        a pull skipped while the change waited; after a refusal the local version is kept in the
        conflict record. Nothing is replaced while later local changes of the candidate wait.
        """
        wanted = [r for r, answer in settled.items() if answer.central_version]
        if not wanted:
            return
        waiting = set(
            session.execute(
                select(OutboxEvent.registration_id).where(
                    OutboxEvent.registration_id.in_(wanted),
                    OutboxEvent.status.in_(UNACCEPTED),
                )
            ).scalars()
        )
        locals_by_id = {
            candidate.registration_id: candidate
            for candidate in session.execute(
                select(Candidate).where(Candidate.registration_id.in_(wanted))
            ).scalars()
        }
        for registration_id in wanted:
            local = locals_by_id.get(registration_id)
            central = settled[registration_id].central_version
            if registration_id in waiting or local is None or not central:
                continue
            own_number = local.ticket_number
            for name, value in candidate_values(central).items():
                if getattr(local, name) != value:
                    setattr(local, name, value)
            if own_number and own_number != local.ticket_number:
                # The number this counter issued for a refused decision stays taken forever.
                ticket = session.get(TicketNumber, own_number)
                if ticket is not None and ticket.status == TicketStatus.ISSUED:
                    ticket.status, ticket.retired_at = TicketStatus.RETIRED, utc_now()

    # --- audit ------------------------------------------------------------------------------

    def send_audit(self, chunk: int = 1000) -> int:
        """Send the audit entries the central side does not hold yet, with this counter's head
        (it keeps every counter's chain and holds a counter whose history does not extend what
        it holds). Returns how many were sent."""
        with self._database.reading() as uow:
            stored = uow.session.get(AuditHead, 1)
            head = (stored.sequence, stored.entry_hash) if stored else (0, audit.GENESIS_HASH)
        sequence, _ = self._central.send_audit(self._counter_id, [], head)
        sent = 0
        while sequence < head[0]:
            with self._database.reading() as uow:
                entries = [
                    wire_entry(entry)
                    for entry in uow.session.execute(
                        select(AuditEntry)
                        .where(AuditEntry.sequence > sequence)
                        .order_by(AuditEntry.sequence)
                        .limit(chunk)
                    ).scalars()
                ]
            if not entries:
                break
            held, sequence = sequence, self._central.send_audit(self._counter_id, entries, head)[0]
            sent += len(entries)
            if sequence <= held:  # nothing taken: never loop on it
                break
        return sent

    # --- operators --------------------------------------------------------------------------

    def pull_operators(self) -> int:
        """Take the site's operators from the central side: added, changed (role, unit,
        password) and deactivated ones; an operator the central side does not list may not sign
        in here any more. Returns how many changed."""
        central = {row["id"]: row for row in self._central.site_operators(self._counter_id)}
        changed: list[str] = []
        with self._database.unit_of_work() as uow:
            session = uow.session
            local = {row.id: row for row in session.execute(select(Operator)).scalars()}
            for operator_id, row in central.items():
                values = {name: row[name] for name in PULLED_OPERATOR_COLUMNS if name != "id"}
                held = local.get(operator_id)
                if held is None:
                    session.add(Operator(id=operator_id, **values))
                    changed.append(operator_id)
                elif any(getattr(held, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(held, name, value)
                    changed.append(operator_id)
            for operator_id, held in local.items():
                if operator_id not in central and held.active:
                    held.active = False
                    changed.append(operator_id)
            if changed:
                audit.append(
                    session,
                    actor="sync",
                    action="operators.synced",
                    subject=self._counter_id,
                    details={"changed": sorted(changed)},
                )
            uow.commit()
        return len(changed)

    # --- blocklist --------------------------------------------------------------------------

    def share_blocklist(self) -> int:
        """Send the entries this counter's supervisors added and the central side has not
        answered yet; record each answer. Returns how many the central side took."""
        with self._database.reading() as uow:
            pending = [
                wire_blocklist_entry(entry, entry.vector)
                for entry in uow.session.execute(
                    select(BlocklistEntry)
                    .where(
                        BlocklistEntry.shared_at.is_(None),
                        BlocklistEntry.central_refusal.is_(None),
                        BlocklistEntry.change_number.is_(None),
                        BlocklistEntry.removed_at.is_(None),  # lifted here before it went
                    )
                    .order_by(BlocklistEntry.id)
                    .limit(MAX_SHARED)
                ).scalars()
            ]
        if not pending:
            return 0
        answers = self._central.share_blocklist(self._counter_id, pending)
        taken = 0
        with self._database.unit_of_work() as uow:
            session = uow.session
            for answer in answers:
                entry = session.execute(
                    select(BlocklistEntry).where(BlocklistEntry.uid == str(answer.get("uid")))
                ).scalar_one_or_none()
                if entry is None:
                    continue
                if answer.get("accepted") is True:
                    entry.shared_at = utc_now()
                    taken += 1
                else:
                    # The entry still stops confirmations here; the screen shows the refusal.
                    entry.central_refusal = str(answer.get("code") or "sync.refused")[:60]
                    audit.append(
                        session,
                        actor="sync",
                        action="blocklist.refused",
                        subject=f"entry:{entry.uid}",
                        details={"code": entry.central_refusal},
                    )
            uow.commit()
        return taken

    def pull_blocklist(self) -> int:
        """Take the entries added or lifted centrally since the highest change held here."""
        taken = 0
        while True:
            with self._database.reading() as uow:
                after = uow.session.execute(
                    select(func.max(BlocklistEntry.change_number))
                ).scalar_one()
            after = int(after or 0)
            rows = self._central.blocklist_changes(self._counter_id, after, MAX_SHARED)
            if not rows or max(int(row["change_number"]) for row in rows) <= after:
                return taken
            with self._database.unit_of_work() as uow:
                session = uow.session
                for row in rows:
                    values = pulled_values(row)
                    entry = session.execute(
                        select(BlocklistEntry).where(BlocklistEntry.uid == str(row["uid"]))
                    ).scalar_one_or_none()
                    if entry is None:
                        entry = BlocklistEntry(uid=str(row["uid"]))
                        session.add(entry)
                    for name, value in values.items():
                        setattr(entry, name, value)
                    entry.shared_at = entry.shared_at or utc_now()
                    entry.central_refusal = None
                audit.append(
                    session,
                    actor="sync",
                    action="blocklist.synced",
                    subject=self._counter_id,
                    details={"entries": len(rows)},
                )
                uow.commit()
            taken += len(rows)

    # --- pull -------------------------------------------------------------------------------

    def pull(self, progress: Progress | None = None) -> int:
        """Fetch the scope's changes after the stored cursor, a batch per local transaction."""
        binding = read_binding(self._database)
        if binding is None:
            return 0
        cursor = binding.pulled_through
        total = self._central.count_changes(self._counter_id, cursor) if progress else 0
        done = 0
        while True:
            scope, rows = self._central.changes(self._counter_id, cursor, self._options.pull_batch)
            if scope != self._scope:
                self._take_scope(scope)  # and pull it whole: the cursor knew only the old one
                cursor = 0
                continue
            if not rows:
                break
            cursor = self._store_pulled(rows, self._missing_photos(rows))
            done += len(rows)
            if progress is not None:
                progress(done, max(total, done))
        if done:
            self._central.report_pulled(self._counter_id, cursor)
        return done

    def _take_scope(self, scope: CounterScope) -> None:
        """The central side changed this counter's scope: record it in the binding (the
        workstation takes it at the next start) with the cursor back at the start."""
        log.warning("counter %s: scope changed centrally to %s", self._counter_id, scope)
        with self._database.unit_of_work() as uow:
            uow.session.execute(
                update(SyncBinding)
                .where(SyncBinding.id == 1)
                .values(
                    exam_areas=scope.areas_text,
                    tutoring_unit=scope.tutoring_unit,
                    pulled_through=0,
                )
            )
            uow.commit()
        self._scope = scope

    def _missing_photos(self, rows: list[dict[str, Any]]) -> list[tuple[str, str, str, bytes]]:
        """The registered e-photos of these candidates that this counter does not hold yet
        (the counter verifies live faces against them, offline too)."""
        registration_ids = [row["registration_id"] for row in rows]
        central = self._central.registered_photo_checksums(registration_ids)
        if not central:
            return []
        with self._database.reading() as uow:
            held = {
                (row[0], row[1])
                for row in uow.session.execute(
                    select(Candidate.registration_id, Photo.sha256)
                    .join(Photo, Photo.candidate_id == Candidate.id)
                    .where(
                        Candidate.registration_id.in_(registration_ids),
                        Photo.purpose == "registered",
                    )
                )
            }
        return self._central.registered_photos(central - held)

    def _store_pulled(
        self, rows: list[dict[str, Any]], photos: list[tuple[str, str, str, bytes]]
    ) -> int:
        with self._database.unit_of_work() as uow:
            session = uow.session
            registration_ids = [row["registration_id"] for row in rows]
            waiting = set(
                session.execute(
                    select(OutboxEvent.registration_id)
                    .where(
                        OutboxEvent.status.in_(UNACCEPTED),
                        OutboxEvent.registration_id.in_(registration_ids),
                    )
                    .distinct()
                ).scalars()
            )
            existing: dict[str, int] = dict(
                session.execute(
                    select(Candidate.registration_id, Candidate.id).where(
                        Candidate.registration_id.in_(registration_ids)
                    )
                ).all()
            )
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            for row in rows:
                registration_id = row["registration_id"]
                if registration_id in waiting:
                    continue  # a local change not yet accepted is never overwritten
                if registration_id in existing:
                    updates.append({"id": existing[registration_id], **row})
                else:
                    inserts.append(dict(row))
            if updates:
                session.execute(update(Candidate), updates)
            if inserts:
                session.execute(insert(Candidate), inserts)
            if photos:
                ids: dict[str, int] = dict(
                    session.execute(
                        select(Candidate.registration_id, Candidate.id).where(
                            Candidate.registration_id.in_({r for r, *_ in photos})
                        )
                    ).all()
                )
                session.execute(
                    insert(Photo),
                    [
                        {
                            "candidate_id": ids[registration_id],
                            "purpose": "registered",
                            "media_type": media_type,
                            "sha256": sha256,
                            "data": data,
                        }
                        for registration_id, sha256, media_type, data in photos
                        if registration_id in ids and registration_id not in waiting
                    ],
                )
            cursor = int(rows[-1]["change_number"])
            session.execute(
                update(SyncBinding).where(SyncBinding.id == 1).values(pulled_through=cursor)
            )
            uow.commit()
        return cursor

    # --- status -----------------------------------------------------------------------------

    def _record_outcome(self, started: datetime, error: str) -> None:
        """One small write per cycle (an idle sync costs one durable commit, not two)."""
        values: dict[str, Any] = {"last_attempt_at": started, "last_error": error[:1000]}
        if not error:
            values["last_success_at"] = utc_now()
        with self._database.unit_of_work() as uow:
            uow.session.execute(update(SyncBinding).where(SyncBinding.id == 1).values(**values))
            uow.commit()
