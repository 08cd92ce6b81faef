"""The append-only audit chain.

Each entry's hash is SHA-256 over the previous entry's hash and a canonical JSON of the entry
(its sequence number included), so an edit, a deletion, an insertion or a reordering breaks every
later link. A one-row head table holds the newest link: it catches the deletion of the newest
entries, which a chain alone cannot, and its row lock serialises appenders on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desk_app.persistence.models import AuditEntry, AuditHead, utc_now

GENESIS_HASH = "0" * 64
# A session whose ``info`` holds a key under this name signs every entry it appends (the central
# sync service's sessions do): HMAC-SHA256 of the entry's hash.
MAC_KEY = "audit_mac_key"


def entry_mac(key: bytes, entry_hash: str) -> str:
    return hmac.new(key, entry_hash.encode("ascii"), hashlib.sha256).hexdigest()


def _mac(session: Session, digest: str) -> str | None:
    key = session.info.get(MAC_KEY)
    return entry_mac(key, digest) if key else None


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, non-ASCII kept: the same entry always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    previous_hash: str,
    sequence: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    subject: str,
    details: dict[str, Any],
) -> str:
    body = canonical_json(
        {
            "sequence": sequence,
            "occurred_at": _timestamp(occurred_at),
            "actor": actor,
            "action": action,
            "subject": subject,
            "details": details,
        }
    )
    return hashlib.sha256(f"{previous_hash}\n{body}".encode()).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry in the caller's transaction (so it commits or rolls back with the change)."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, sequence=0, entry_hash=GENESIS_HASH)
        session.add(head)
    # The stored JSON is what gets hashed on verification, so hash a JSON round trip of it.
    stored_details: dict[str, Any] = json.loads(canonical_json(details or {}))
    occurred_at = utc_now()
    sequence = head.sequence + 1
    digest = entry_hash(
        head.entry_hash, sequence, occurred_at, actor, action, subject, stored_details
    )
    entry = AuditEntry(
        sequence=sequence,
        occurred_at=occurred_at,
        actor=actor,
        action=action,
        subject=subject,
        details=stored_details,
        previous_hash=head.entry_hash,
        entry_hash=digest,
        mac=_mac(session, digest),
    )
    session.add(entry)
    head.sequence = sequence
    head.entry_hash = digest
    return entry


@dataclass(frozen=True)
class PendingEntry:
    actor: str
    action: str
    subject: str = ""
    details: dict[str, Any] | None = None


def append_many(session: Session, entries: Sequence[PendingEntry]) -> None:
    """Add several entries in order, in the caller's transaction, with one statement.

    The same chain as ``append`` one at a time (the central side applies a pushed batch of
    events this way: hundreds of entries per transaction).
    """
    if not entries:
        return
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, sequence=0, entry_hash=GENESIS_HASH)
        session.add(head)
    sequence, previous = head.sequence, head.entry_hash
    rows: list[dict[str, Any]] = []
    occurred_at = utc_now()
    for entry in entries:
        sequence += 1
        stored_details: dict[str, Any] = json.loads(canonical_json(entry.details or {}))
        digest = entry_hash(
            previous,
            sequence,
            occurred_at,
            entry.actor,
            entry.action,
            entry.subject,
            stored_details,
        )
        rows.append(
            {
                "sequence": sequence,
                "occurred_at": occurred_at,
                "actor": entry.actor,
                "action": entry.action,
                "subject": entry.subject,
                "details": stored_details,
                "previous_hash": previous,
                "entry_hash": digest,
                "mac": _mac(session, digest),
            }
        )
        previous = digest
    session.execute(insert(AuditEntry), rows)
    head.sequence, head.entry_hash = sequence, previous


@dataclass(frozen=True)
class ChainVerification:
    count: int
    first_bad_sequence: int | None = None  # the first entry that does not verify, if any
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad_sequence is None


def _entries(session: Session, batch: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.sequence > last)
                .order_by(AuditEntry.sequence)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].sequence
        session.expunge_all()


def _keyed_as_it_must_be(entry: AuditEntry, key: bytes) -> bool:
    """A keyed entry's MAC holds; a decision the service recorded is keyed."""
    if entry.mac is None:
        return not entry.action.startswith("candidate.")
    return hmac.compare_digest(entry.mac, entry_mac(key, entry.entry_hash))


def verify(session: Session, *, mac_key: bytes | None = None) -> ChainVerification:
    """Walk the chain from the start; report the first entry that is missing or altered.

    With the central service's ``mac_key``, every keyed entry's MAC is checked too, and the
    decisions the service recorded (``candidate.*``) must be keyed: a chain rewritten with new
    hashes by someone who can write the database, but does not hold the key, does not verify.
    """
    previous = GENESIS_HASH
    expected_sequence = 1
    count = 0
    for entry in _entries(session):
        if entry.sequence != expected_sequence:
            return ChainVerification(
                count,
                expected_sequence,
                f"entry {expected_sequence} is missing (next found is {entry.sequence})",
            )
        if entry.previous_hash != previous:
            return ChainVerification(
                count, entry.sequence, f"entry {entry.sequence} does not link to the entry before"
            )
        recomputed = entry_hash(
            entry.previous_hash,
            entry.sequence,
            entry.occurred_at,
            entry.actor,
            entry.action,
            entry.subject,
            entry.details,
        )
        if recomputed != entry.entry_hash:
            return ChainVerification(
                count, entry.sequence, f"entry {entry.sequence} was altered after it was written"
            )
        if mac_key is not None and not _keyed_as_it_must_be(entry, mac_key):
            return ChainVerification(
                count,
                entry.sequence,
                f"entry {entry.sequence} does not carry the service's key: it was forged "
                "or the chain was rewritten",
            )
        previous = entry.entry_hash
        expected_sequence += 1
        count += 1

    head = session.get(AuditHead, 1)
    head_sequence, head_hash = (head.sequence, head.entry_hash) if head else (0, GENESIS_HASH)
    if head_sequence != count or head_hash != previous:
        return ChainVerification(
            count,
            count + 1,
            f"the chain ends at entry {count} but its head records entry {head_sequence}: "
            "newer entries were removed or the head was altered",
        )
    return ChainVerification(count)
