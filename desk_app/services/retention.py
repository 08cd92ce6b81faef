"""The retention purge: face data of decided records is kept no longer than necessary.

``purge_face_data`` removes the live captures, card portraits and face templates of records
decided (confirmed, rejected, revoked) before a date that lies at least ``[privacy]
retention_days`` in the past. The decision, its transition, the audit chain and the registered
e-photo (printed on exam documents) stay; each removed item leaves its SHA-256 in
``purged_media``; the 1:N index forgets the purged candidates. Records whose decision has not
reached the central database yet keep their evidence until it has.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select

from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.sync_events import OutboxStatus
from desk_app.domain.time import CHINA_TIME, china_today
from desk_app.domain.workflow import CandidateState, Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    Candidate,
    FaceTemplate,
    Operator,
    OutboxEvent,
    Photo,
    PurgedMedia,
)
from desk_app.persistence.sealing import template_label, unsealed
from desk_app.security import audit
from desk_app.services.faces import COUNTER_FACE_MEDIA, FaceRegistry
from desk_app.services.outbox import without_attachment_data

PURGE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
# Supporting documents' pages (issue 18) carry faces and ID numbers too: purged with the faces
# (but kept when consent to face processing is refused: the supervisor then needs them).
PURGED_PURPOSES = (*COUNTER_FACE_MEDIA, "document")
DECIDED = (
    CandidateState.CONFIRMED.value,
    CandidateState.REJECTED.value,
    CandidateState.REVOKED.value,
)


@dataclass(frozen=True)
class PurgeReport:
    before: date
    records: int
    photos: int
    templates: int
    kept_unsynced: int


def latest_purge_date(retention_days: int, today: date | None = None) -> date:
    return (today or china_today()) - timedelta(days=retention_days)


def purge_face_data(
    database: Database,
    operator_id: str,
    before: date | None,
    *,
    retention_days: int,
    today: date | None = None,
    registry: FaceRegistry | None = None,
) -> PurgeReport:
    """Remove face data of records decided before ``before`` (default: the retention limit);
    supervisors and administrators only; one audit entry."""
    latest = latest_purge_date(retention_days, today)
    before = before or latest
    if before > latest:
        raise DeskError(
            f"face data is kept {retention_days} days: purge before {latest.isoformat()} "
            "at the latest",
            code="purge.too_recent",
            latest=latest.isoformat(),
        )
    cutoff = datetime.combine(before, time.min, tzinfo=CHINA_TIME)
    with database.unit_of_work() as uow:
        session = uow.session
        operator = session.get(Operator, operator_id)
        if operator is None or not operator.active or Role(operator.role) not in PURGE_ROLES:
            raise PermissionDeniedError(
                "only supervisors and administrators purge face data", code="permission.role"
            )
        decided = session.execute(
            select(Candidate.id, Candidate.registration_id).where(
                Candidate.state.in_(DECIDED), Candidate.state_changed_at < cutoff
            )
        ).all()
        unsynced = set(
            session.scalars(
                select(OutboxEvent.registration_id).where(
                    OutboxEvent.status.in_((OutboxStatus.PENDING, OutboxStatus.PARKED))
                )
            )
        )
        chosen = {cid: rid for cid, rid in decided if rid not in unsynced}
        ids = list(chosen)
        photos = templates = 0
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            for template in session.scalars(
                select(FaceTemplate).where(FaceTemplate.candidate_id.in_(batch))
            ):
                vector = unsealed(
                    session,
                    template.vector,
                    template_label(template.engine, template.model_version),
                )
                digest = hashlib.sha256(vector).hexdigest()
                session.add(
                    _record(template.candidate_id, "template", template.id, digest, operator_id)
                )
                templates += 1
            session.execute(delete(FaceTemplate).where(FaceTemplate.candidate_id.in_(batch)))
            for photo in session.scalars(
                select(Photo).where(
                    Photo.candidate_id.in_(batch), Photo.purpose.in_(PURGED_PURPOSES)
                )
            ):
                session.add(
                    _record(photo.candidate_id, photo.purpose, photo.id, photo.sha256, operator_id)
                )
                photos += 1
            session.execute(
                delete(Photo).where(
                    Photo.candidate_id.in_(batch), Photo.purpose.in_(PURGED_PURPOSES)
                )
            )
            registrations = [chosen[cid] for cid in batch]
            for event in session.scalars(
                select(OutboxEvent).where(OutboxEvent.registration_id.in_(registrations))
            ):
                event.payload = without_attachment_data(event.payload)
        report = PurgeReport(
            before=before,
            records=len(ids),
            photos=photos,
            templates=templates,
            kept_unsynced=len({rid for _cid, rid in decided if rid in unsynced}),
        )
        audit.append(
            session,
            actor=operator_id,
            action="media.purge",
            subject=before.isoformat(),
            details={
                "records": report.records,
                "photos": report.photos,
                "templates": report.templates,
                "kept_unsynced": report.kept_unsynced,
                "retention_days": retention_days,
            },
        )
        uow.commit()
    database.checkpoint()  # the removed pages leave the WAL too (secure_delete zeroes them)
    if registry is not None:
        registry.forget(ids)
    return report


def _record(candidate_id: int, kind: str, item_id: int, sha256: str, by: str) -> PurgedMedia:
    return PurgedMedia(
        candidate_id=candidate_id, kind=kind, item_id=item_id, sha256=sha256, purged_by=by
    )
