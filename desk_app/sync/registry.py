"""The central side's register of counters: enrolment codes, keys, scope, revocation, nonces.

An administrator adds a counter centrally (``desk-app central counters add``) and reads its
one-time code to the person setting the counter up; the counter enrols with the code and its own
public key. From then on only the central side changes the counter's identity and scope, and a
revoked counter is refused at its next request. Only a hash of each code is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk_app.domain.errors import NotFoundError, PermissionDeniedError
from desk_app.persistence.models import (
    CentralCounter,
    EnrolmentCode,
    RequestNonce,
    Site,
    utc_now,
)
from desk_app.sync.central import CentralDatabase
from desk_app.sync.protocol import CounterScope, SyncError
from desk_app.sync.signing import MAX_CLOCK_SKEW_S, AuthenticationError, load_public_key

CODE_LIFETIME = timedelta(hours=24)


class EnrolmentError(PermissionDeniedError):
    """A wrong, expired or used enrolment code (the message never says which: no oracle)."""

    code = "enrol.refused"


@dataclass(frozen=True)
class CounterInfo:
    site_id: str
    counter_id: str
    scope: CounterScope
    enrolled_at: datetime | None
    revoked_at: datetime | None
    last_seen_at: datetime | None
    audit_problem: str


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode("utf-8")).hexdigest()


def _new_code() -> str:
    """A code a person can read over the phone: 20 characters of an unambiguous alphabet
    (about 100 bits), in groups of five."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(20))
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


class CounterRegistry:
    """Enrolment and identity of counters, on the central database."""

    def __init__(self, central: CentralDatabase) -> None:
        self._central = central

    def add_counter(
        self, site_id: str, counter_id: str, scope: CounterScope, *, now: datetime | None = None
    ) -> str:
        """Register a counter (or a new key for it) and return its one-time enrolment code.

        A counter that exists keeps its scope and site; its key is replaced when it enrols again.
        """
        code = _new_code()
        now = now or utc_now()

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
                session.flush()
            elif counter.site_id != site_id:
                raise SyncError(
                    f"counter {counter_id} is registered at site {counter.site_id}",
                    code="sync.counter_other_site",
                )
            session.add(
                EnrolmentCode(
                    code_hash=_hash_code(code),
                    counter_id=counter_id,
                    created_at=now,
                    expires_at=now + CODE_LIFETIME,
                )
            )

        self._central.write(work)
        return code

    def enrol(
        self, code: str, public_key_pem: str, *, now: datetime | None = None
    ) -> tuple[str, str, CounterScope]:
        """Bind ``public_key_pem`` to the counter the code was made for; (site, counter, scope)."""
        load_public_key(public_key_pem)  # refuse anything but an Ed25519 key before the code
        now = now or utc_now()

        def work(session: Session) -> tuple[str, str, CounterScope]:
            row = session.get(EnrolmentCode, _hash_code(code), with_for_update=True)
            if row is None or row.used_at is not None or row.expires_at < now:
                raise EnrolmentError("this enrolment code is not valid")
            counter = session.get(CentralCounter, row.counter_id, with_for_update=True)
            if counter is None:
                raise EnrolmentError("this enrolment code is not valid")
            row.used_at = now
            counter.public_key = public_key_pem
            counter.enrolled_at = now
            counter.revoked_at = None
            return (
                counter.site_id,
                counter.id,
                CounterScope.parse(counter.exam_areas, counter.tutoring_unit),
            )

        return self._central.write_unlocked(work)

    def set_scope(self, counter_id: str, scope: CounterScope) -> None:
        def work(session: Session) -> None:
            counter = self._counter(session, counter_id)
            counter.exam_areas = scope.areas_text
            counter.tutoring_unit = scope.tutoring_unit

        self._central.write(work)

    def revoke(self, counter_id: str, *, now: datetime | None = None) -> None:
        """Refuse the counter from its next request on (its key and open codes are void)."""

        def work(session: Session) -> None:
            counter = self._counter(session, counter_id)
            counter.revoked_at = now or utc_now()
            counter.public_key = None
            session.execute(
                delete(EnrolmentCode).where(
                    EnrolmentCode.counter_id == counter_id, EnrolmentCode.used_at.is_(None)
                )
            )

        self._central.write_unlocked(work)

    def counters(self) -> list[CounterInfo]:
        def work(session: Session) -> list[CounterInfo]:
            rows = session.execute(select(CentralCounter).order_by(CentralCounter.id)).scalars()
            return [
                CounterInfo(
                    site_id=row.site_id,
                    counter_id=row.id,
                    scope=CounterScope.parse(row.exam_areas, row.tutoring_unit),
                    enrolled_at=row.enrolled_at,
                    revoked_at=row.revoked_at,
                    last_seen_at=row.last_seen_at,
                    audit_problem=row.audit_problem,
                )
                for row in rows
            ]

        return self._central.read(work)

    def public_key(self, counter_id: str) -> str:
        """The enrolled counter's public key, or AuthenticationError (unknown, not enrolled or
        revoked: the answer is the same, so nobody learns which counters exist)."""

        def work(session: Session) -> str | None:
            counter = session.get(CentralCounter, counter_id)
            if counter is None or counter.revoked_at is not None:
                return None
            return counter.public_key

        key = self._central.read(work)
        if not key:
            raise AuthenticationError("this counter may not use the sync service")
        return key

    def site_of(self, counter_id: str) -> str:
        def work(session: Session) -> str:
            return self._counter(session, counter_id).site_id

        return self._central.read(work)

    def remember_nonce(self, counter_id: str, nonce: str, *, now: datetime | None = None) -> None:
        """Record a signed request's nonce; AuthenticationError if it was seen before (a
        replay). Nonces older than twice the clock tolerance are forgotten: a request that old
        is refused by its timestamp anyway."""
        now = now or utc_now()

        def work(session: Session) -> None:
            session.execute(
                delete(RequestNonce).where(
                    RequestNonce.seen_at < now - timedelta(seconds=2 * MAX_CLOCK_SKEW_S)
                )
            )
            session.execute(
                insert(RequestNonce).values(counter_id=counter_id, nonce=nonce, seen_at=now)
            )

        try:
            self._central.write_unlocked(work)
        except IntegrityError as error:
            raise AuthenticationError(
                "this request was already received", code="auth.replay"
            ) from error

    @staticmethod
    def _counter(session: Session, counter_id: str) -> CentralCounter:
        counter = session.get(CentralCounter, counter_id)
        if counter is None:
            raise NotFoundError(f"no counter {counter_id}", code="sync.unknown_counter")
        return counter
