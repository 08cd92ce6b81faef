"""Every counter's audit chain, kept centrally, which a counter cannot rewrite.

A counter sends its audit entries after the last one the central side holds. Each must extend
that counter's chain: the next sequence number, the previous entry's hash, and a hash that
recomputes from its content. An entry that does not (the counter's history was edited, cut or
rebuilt) is not stored; the counter is flagged and held: the service refuses its events until an
administrator has looked and cleared it (``desk-app central counters clear-audit``). Clearing
keeps the old entries as evidence and lets the counter send its current chain anew.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk_app.domain.errors import NotFoundError, PermissionDeniedError
from desk_app.persistence.models import CentralCounter, CounterAuditEntry, utc_now
from desk_app.security import audit
from desk_app.sync.applying import hold_if_flagged
from desk_app.sync.central import CentralDatabase
from desk_app.sync.protocol import AuditHeldError, wire_entry

MAX_ENTRIES_PER_REQUEST = 2000


class CounterAudit:
    """The counters' chains on the central database."""

    def __init__(self, central: CentralDatabase) -> None:
        self._central = central

    def receive(
        self,
        counter_id: str,
        entries: Sequence[Mapping[str, Any]],
        claimed_head: tuple[int, str],
    ) -> tuple[int, str]:
        """Store the entries that extend the counter's chain; the head after them. The
        counter's own head must not lie behind, or differ from, what the central side holds
        (a chain cut and rebuilt shorter). A break flags and holds the counter (committed),
        then raises AuditHeldError."""

        def work(session: Session) -> tuple[tuple[int, str], str]:
            counter = session.get(CentralCounter, counter_id, with_for_update=True)
            if counter is None:
                raise NotFoundError(f"no counter {counter_id}", code="sync.unknown_counter")
            hold_if_flagged(counter)
            sequence, head = counter.audit_sequence, counter.audit_hash or audit.GENESIS_HASH
            problem = ""
            for entry in sorted(entries, key=lambda item: int(item["sequence"])):
                problem = _break(entry, sequence, head)
                if problem == "known":
                    problem = ""
                    continue
                if problem:
                    break
                session.add(
                    CounterAuditEntry(
                        counter_id=counter_id,
                        sequence=int(entry["sequence"]),
                        occurred_at=datetime.fromisoformat(str(entry["occurred_at"])),
                        actor=str(entry["actor"]),
                        action=str(entry["action"]),
                        subject=str(entry["subject"]),
                        details=dict(entry["details"]),
                        previous_hash=str(entry["previous_hash"]),
                        entry_hash=str(entry["entry_hash"]),
                    )
                )
                sequence, head = int(entry["sequence"]), str(entry["entry_hash"])
            counter.audit_sequence, counter.audit_hash = sequence, head
            claimed_sequence, claimed_hash = claimed_head
            if not problem and claimed_sequence < sequence:
                problem = (
                    f"the counter's history went back from entry {sequence} to "
                    f"{claimed_sequence}: it was cut and rebuilt"
                )
            elif not problem and claimed_sequence == sequence and claimed_hash != head:
                problem = f"entry {sequence} changed its hash: the history was rebuilt"
            if problem:
                counter.audit_problem = problem[:2000]
            return (sequence, head), problem

        if len(entries) > MAX_ENTRIES_PER_REQUEST:
            raise PermissionDeniedError("too many audit entries at once", code="audit.too_many")
        received, problem = self._central.write_unlocked(work)
        if problem:
            raise AuditHeldError(f"counter {counter_id} is held: {problem}")
        return received

    def clear(self, counter_id: str, *, by: str = "central-admin", note: str = "") -> str:
        """An administrator has looked: the old entries stay as evidence, superseded, and the
        counter sends its current chain anew. Returns the problem that was cleared."""

        def work(session: Session) -> str:
            counter = _counter(session, counter_id)
            problem = counter.audit_problem
            session.execute(
                update(CounterAuditEntry)
                .where(
                    CounterAuditEntry.counter_id == counter_id,
                    CounterAuditEntry.superseded_at.is_(None),
                )
                .values(superseded_at=utc_now())
            )
            counter.audit_problem = ""
            counter.audit_sequence, counter.audit_hash = 0, ""
            audit.append(
                session,
                actor=by,
                action="counter.audit_cleared",
                subject=counter_id,
                details={"problem": problem, "note": note},
            )
            return problem

        return self._central.write(work)

    def verify(self, counter_id: str) -> str:
        """The first break in the counter's stored chain, or "" (held counters say why)."""

        def work(session: Session) -> str:
            counter = _counter(session, counter_id)
            if counter.audit_problem:
                return f"held: {counter.audit_problem}"
            rows = session.execute(
                select(CounterAuditEntry)
                .where(
                    CounterAuditEntry.counter_id == counter_id,
                    CounterAuditEntry.superseded_at.is_(None),
                )
                .order_by(CounterAuditEntry.sequence)
            ).scalars()
            sequence, head = 0, audit.GENESIS_HASH
            for row in rows:
                problem = _break(wire_entry(row), sequence, head)
                if problem:
                    return f"stored entry {row.sequence}: {problem}"
                sequence, head = row.sequence, row.entry_hash
            if (sequence, head) != (counter.audit_sequence, counter.audit_hash or head):
                return "the stored chain does not end at the recorded head"
            return ""

        return self._central.read(work)


def _break(entry: Mapping[str, Any], sequence: int, head: str) -> str:
    """Why ``entry`` does not extend a chain ending at (``sequence``, ``head``); "known" for
    the entry the chain already ends with; "" when it extends it."""
    try:
        number = int(entry["sequence"])
        recomputed = audit.entry_hash(
            str(entry["previous_hash"]),
            number,
            datetime.fromisoformat(str(entry["occurred_at"])),
            str(entry["actor"]),
            str(entry["action"]),
            str(entry["subject"]),
            dict(entry["details"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        return f"a malformed audit entry ({error!r})"
    if number < sequence:
        return "known"  # held already (a later break in the chain is what gives a rewrite away)
    if number == sequence:
        if entry["entry_hash"] == head:
            return "known"
        return f"entry {number} differs from the one received before: the history was rewritten"
    if number != sequence + 1:
        return f"entry {sequence + 1} is missing (entry {number} came next)"
    if entry["previous_hash"] != head:
        return f"entry {number} does not follow entry {sequence}: the history was rewritten"
    if recomputed != entry["entry_hash"]:
        return f"entry {number} does not match its own hash: it was edited"
    return ""


def _counter(session: Session, counter_id: str) -> CentralCounter:
    counter = session.get(CentralCounter, counter_id)
    if counter is None:
        raise NotFoundError(f"no counter {counter_id}", code="sync.unknown_counter")
    return counter
