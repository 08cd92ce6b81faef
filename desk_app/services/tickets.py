"""Issuing admission ticket numbers from blocks leased to this counter.

A number is taken inside the confirmation's own transaction, from the counter's open block, and
recorded in ``ticket_numbers`` (primary key: unique forever). In standalone mode the local database
grants the blocks itself; a counter bound to the central database leases them from there instead
(the syncer refills them) and, once its blocks are used up offline, refuses with a clear error.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desk_app.domain.errors import TicketNumberError
from desk_app.domain.tickets import TicketLayout, TicketStatus
from desk_app.persistence.models import TicketBlock, TicketNumber, TicketSeries, utc_now
from desk_app.persistence.repositories import TicketRepository


@dataclass(frozen=True)
class TicketPolicy:
    layout: TicketLayout
    site_id: str
    counter_id: str
    block_size: int
    grant_locally: bool = True  # standalone: the local database is the authority for blocks


def _lock_series(session: Session, series: str) -> TicketSeries:
    """The series row, created if needed, locked until the transaction ends.

    Every issue of a number takes this lock first, so the block rows behind it never need
    their own: one lock, always in the same order (candidate, series, audit head), no deadlock.
    """
    query = select(TicketSeries).where(TicketSeries.series == series).with_for_update()
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
        session.execute(
            insert(TicketSeries).values(series=series, highest_leased=0).on_conflict_do_nothing()
        )
        row = session.execute(query).scalar_one()
    return row


def lease_local_block(session: Session, policy: TicketPolicy) -> TicketBlock:
    """Grant this counter the next free range of the series (standalone mode only)."""
    series = _lock_series(session, policy.layout.series)
    first = series.highest_leased + 1
    if first > policy.layout.max_sequence:
        raise TicketNumberError(
            f"every sequence number of series {policy.layout.series} has been leased",
            code="ticket.series_exhausted",
        )
    last = min(first + policy.block_size - 1, policy.layout.max_sequence)
    block = TicketBlock(
        series=policy.layout.series,
        first_sequence=first,
        last_sequence=last,
        next_sequence=first,
        site_id=policy.site_id,
        counter_id=policy.counter_id,
        granted_by="local",
    )
    series.highest_leased = last
    session.add(block)
    session.flush()
    return block


def issue_ticket_number(session: Session, policy: TicketPolicy, candidate_id: int) -> str:
    """Take the next number of this counter's open block and record it for ``candidate_id``."""
    _lock_series(session, policy.layout.series)
    block = TicketRepository(session).open_block(policy.layout.series, policy.counter_id)
    if block is None:
        if not policy.grant_locally:
            raise TicketNumberError(
                "this counter has no ticket numbers left; connect to the central database "
                "to lease a new block",
                code="ticket.block_used_up",
            )
        block = lease_local_block(session, policy)
    number = policy.layout.format(block.next_sequence)
    block.next_sequence += 1
    session.add(
        TicketNumber(
            number=number, candidate_id=candidate_id, block_id=block.id, status=TicketStatus.ISSUED
        )
    )
    return number


def keep_ticket_number(session: Session, number: str, candidate_id: int) -> None:
    """Record an enrolled candidate's own number; it must not belong to anyone else."""
    existing = TicketRepository(session).number(number)
    if existing is not None and existing.candidate_id != candidate_id:
        raise TicketNumberError(
            f"ticket number {number} already belongs to another candidate",
            code="ticket.number_taken",
            number=number,
        )
    if existing is None:
        session.add(
            TicketNumber(number=number, candidate_id=candidate_id, status=TicketStatus.KEPT)
        )


def retire_ticket_number(session: Session, number: str) -> None:
    """A revoked confirmation's issued number is retired: it stays taken, never issued again."""
    ticket = TicketRepository(session).number(number)
    if ticket is not None and ticket.status == TicketStatus.ISSUED:
        ticket.status = TicketStatus.RETIRED
        ticket.retired_at = utc_now()
