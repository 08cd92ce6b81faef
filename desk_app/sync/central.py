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
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Engine,
    create_engine,
    func,
    select,
)
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from desk_app.domain.errors import PermissionDeniedError
from desk_app.domain.sync_events import TransitionEvent
from desk_app.persistence.database import Database, upgrade_schema
from desk_app.persistence.models import (
    Candidate,
    CentralCounter,
    FaceTemplate,
    Photo,
    TicketBlock,
    TicketSeries,
    utc_now,
)
from desk_app.persistence.sealing import (
    MAGIC,
    MEDIA_SEALER,
    MediaKeyError,
    MediaSealer,
    photo_label,
    sealed,
    template_label,
    unsealed,
)
from desk_app.security import audit
from desk_app.sync.applying import (
    apply_batch,
    is_connection_error,
    registered_scope,
    scope_condition,
)
from desk_app.sync.confirmed_faces import CONFIRMED_FACES, ConfirmedFaces
from desk_app.sync.protocol import (
    PULLED_COLUMNS,
    BlockGrant,
    CentralUnavailableError,
    CounterScope,
    EventAnswer,
    SyncError,
    masked_url,
)

log = logging.getLogger(__name__)

CENTRAL_WRITE_LOCK = 7_212_027  # the same key as in migration 0002's trigger


_Result = TypeVar("_Result")


class CentralDatabase:
    """The central PostgreSQL database as a counter's syncer (or an administrator) sees it."""

    def __init__(
        self, engine: Engine, *, audit_key: bytes | None = None, media_key: bytes | None = None
    ) -> None:
        if engine.dialect.name != "postgresql":
            raise SyncError(
                f"the central database must be PostgreSQL, not {engine.dialect.name}",
                code="sync.central_not_postgresql",
            )
        self.engine = engine
        # Face media is sealed with the service's media key; without it, none can be stored or
        # read (``persistence.sealing``).
        self._media_info: dict[str, Any] = {
            MEDIA_SEALER: MediaSealer(media_key) if media_key else None
        }
        info = dict(self._media_info)
        # The confirmed candidates' live faces, kept by this process for the 1:N check.
        info[CONFIRMED_FACES] = ConfirmedFaces()
        # The sync service signs the central audit entries it writes (``security.audit``).
        if audit_key:
            info[audit.MAC_KEY] = audit_key
        self._sessions = sessionmaker(engine, expire_on_commit=False, info=info)

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        connect_timeout_s: int = 10,
        pool_size: int = 0,
        audit_key: bytes | None = None,
        media_key: bytes | None = None,
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
            # hide_parameters: an unexpected database error, logged by the service, must not
            # carry candidates' names, numbers or photos in its text.
            engine = create_engine(
                url,
                connect_args={"connect_timeout": connect_timeout_s},
                hide_parameters=True,
                **pool,
            )
        except SQLAlchemyError as error:
            raise SyncError(
                f"not a database URL: {masked_url(url)}", code="sync.bad_url"
            ) from error
        return cls(engine, audit_key=audit_key, media_key=media_key)

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

    def seal_stored_media(self, batch_size: int = 500) -> tuple[int, int]:
        """Seal the photos and templates stored before the central side sealed face media (or
        by a process without the key): (photos, templates) sealed, one batch per transaction,
        walking the ids forward so that every row is looked at once."""
        if self._media_info[MEDIA_SEALER] is None:
            raise MediaKeyError("sealing face media needs the media key", code="media.key_missing")

        def seal_batch(model: type[Photo] | type[FaceTemplate], after: int) -> tuple[int, int]:
            column = Photo.data if model is Photo else FaceTemplate.vector

            def work(session: Session) -> tuple[int, int]:
                rows = cast(
                    "Sequence[Photo | FaceTemplate]",
                    session.scalars(
                        select(model)
                        .where(model.id > after, func.substring(column, 1, len(MAGIC)) != MAGIC)
                        .order_by(model.id)
                        .limit(batch_size)
                    ).all(),
                )
                for row in rows:
                    if isinstance(row, Photo):
                        row.data = sealed(session, row.data, photo_label(row.sha256))
                    else:
                        label = template_label(row.engine, row.model_version)
                        row.vector = sealed(session, row.vector, label)
                return len(rows), rows[-1].id if rows else after

            return self.write(work)

        counts = []
        for model in (Photo, FaceTemplate):
            total, after = 0, 0
            while True:
                done, after = seal_batch(model, after)
                if not done:
                    break
                total += done
            counts.append(total)
        return counts[0], counts[1]

    def writer_database(self) -> Database:
        """A Database whose write transactions take the central write lock first (for the
        roster importer, which owns its own transaction)."""
        engine = create_engine(self.engine.url, pool_pre_ping=True, hide_parameters=True)

        def take_write_lock(connection: Any) -> None:
            connection.execute(select(func.pg_advisory_xact_lock(CENTRAL_WRITE_LOCK)))

        sqlalchemy_event.listen(engine, "begin", take_write_lock)
        return Database(engine, session_info=self._media_info)

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
    ) -> list[EventAnswer]:
        """Apply a batch of a counter's events in order; one answer per event, same order.

        One transaction for the batch, a savepoint per event: a refused event leaves no trace
        but its answer. An event already answered (a replayed batch) gets its stored answer and
        changes nothing.
        """
        return self.write(lambda session: apply_batch(session, counter_id, events))

    # --- pull -------------------------------------------------------------------------------

    def count_changes(self, counter_id: str, after: int) -> int:
        def work(session: Session) -> int:
            scope = registered_scope(session, counter_id)
            query = select(func.count()).where(
                Candidate.change_number > after, scope_condition(scope)
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
            scope = registered_scope(session, counter_id)
            query = (
                select(*columns)
                .where(Candidate.change_number > after, scope_condition(scope))
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
                query = query.where(scope_condition(registered_scope(session, in_scope_of)))
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
                query = query.where(scope_condition(registered_scope(session, in_scope_of)))
            rows = session.execute(query).all()
            return [
                (r, sha256, media_type, unsealed(session, data, photo_label(sha256)))
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
