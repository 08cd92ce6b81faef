"""The blocklist: ID numbers and faces that stop a confirmation.

Supervisors add an ID number with a reason, or the faces of a revoked proxy case (the live
templates kept with that case's decisions). The workflow service checks every confirmation
against it in the decision's own transaction; a hit turns the confirmation into a referral
(reason ``impersonation``) carrying the entry and its reason, so a supervisor decides. Entries
are audited when added. This counter's list only: sharing it through the central service is not
built yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.domain.errors import DeskError, NotFoundError, PermissionDeniedError
from desk_app.domain.workflow import CandidateState, Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import BlocklistEntry, Candidate, FaceTemplate, Operator, Photo
from desk_app.security import audit
from desk_app.vision.engines import Template
from desk_app.vision.index import FaceIndex

BLOCKLIST_ROLES = frozenset({Role.SUPERVISOR})


@dataclass(frozen=True)
class BlocklistHit:
    entry_id: int
    kind: str  # "id_number" or "face"
    reason: str
    distance: float | None = None

    def as_evidence(self) -> dict[str, object]:
        found: dict[str, object] = {
            "entry": self.entry_id,
            "kind": self.kind,
            "reason": self.reason,
        }
        if self.distance is not None:
            found["distance"] = round(self.distance, 4)
        return found


@dataclass(frozen=True)
class BlocklistView:
    entry_id: int
    kind: str
    document_number: str | None
    source_registration_id: str | None
    reason: str
    added_by: str


def _normalised(number: str) -> str:
    return "".join(number.split()).upper()


def _require_supervisor(session: Session, operator_id: str) -> None:
    operator = session.get(Operator, operator_id)
    if operator is None or not operator.active or Role(operator.role) not in BLOCKLIST_ROLES:
        raise PermissionDeniedError("only supervisors keep the blocklist", code="permission.role")


def _reason(reason: str) -> str:
    if not reason.strip():
        raise DeskError("say why the entry is blocked", code="blocklist.reason_required")
    return reason.strip()[:500]


def add_number(database: Database, operator_id: str, number: str, reason: str) -> int:
    """Block an ID number; returns the entry's id."""
    why, wanted = _reason(reason), _normalised(number)
    if not wanted:
        raise DeskError("the number is empty", code="blocklist.empty_number")
    with database.unit_of_work() as uow:
        _require_supervisor(uow.session, operator_id)
        entry = BlocklistEntry(
            kind="id_number", document_number=wanted, reason=why, added_by=operator_id
        )
        uow.session.add(entry)
        uow.flush()
        audit.append(
            uow.session,
            actor=operator_id,
            action="blocklist.add",
            subject=f"entry:{entry.id}",
            details={"kind": "id_number", "reason": why},
        )
        uow.commit()
        return entry.id


def add_faces_of_case(
    database: Database, operator_id: str, registration_id: str, reason: str
) -> list[int]:
    """Block the live faces kept with a revoked case (someone sat for someone else); returns
    the entries' ids."""
    why = _reason(reason)
    with database.unit_of_work() as uow:
        session = uow.session
        _require_supervisor(session, operator_id)
        candidate = session.execute(
            select(Candidate).where(Candidate.registration_id == registration_id)
        ).scalar_one_or_none()
        if candidate is None:
            raise NotFoundError(
                f"no pre-registration {registration_id!r}", code="candidate.not_found"
            )
        if candidate.state != CandidateState.REVOKED.value:
            raise DeskError(
                "only the faces of a revoked case are blocked", code="blocklist.not_revoked"
            )
        templates = session.execute(
            select(FaceTemplate)
            .join(Photo, Photo.id == FaceTemplate.photo_id)
            .where(FaceTemplate.candidate_id == candidate.id, Photo.purpose == "live")
        ).scalars()
        entries = [
            BlocklistEntry(
                kind="face",
                engine=template.engine,
                model_version=template.model_version,
                vector=template.vector,
                source_registration_id=registration_id,
                reason=why,
                added_by=operator_id,
            )
            for template in templates
        ]
        if not entries:
            raise DeskError("this case kept no live face to block", code="blocklist.no_face")
        session.add_all(entries)
        uow.flush()
        audit.append(
            session,
            actor=operator_id,
            action="blocklist.add",
            subject=registration_id,
            details={"kind": "face", "entries": [e.id for e in entries], "reason": why},
        )
        uow.commit()
        return [entry.id for entry in entries]


def blocklist(database: Database) -> list[BlocklistView]:
    with database.reading() as uow:
        rows = uow.session.execute(
            select(BlocklistEntry)
            .where(BlocklistEntry.removed_at.is_(None))
            .order_by(BlocklistEntry.id)
        ).scalars()
        return [
            BlocklistView(e.id, e.kind, e.document_number, e.source_registration_id, e.reason,
                          e.added_by)
            for e in rows
        ]  # fmt: skip


def find_hit(
    session: Session,
    document_number: str,
    template: Template | None,
    *,
    engine: str,
    model_version: str,
    metric: str,
    same_person: float,
) -> BlocklistHit | None:
    """The first entry this case hits: its ID number, or its live face within ``same_person``
    of a blocked face of the same engine and model."""
    number = session.execute(
        select(BlocklistEntry.id, BlocklistEntry.reason).where(
            BlocklistEntry.kind == "id_number",
            BlocklistEntry.removed_at.is_(None),
            BlocklistEntry.document_number == _normalised(document_number),
        )
    ).first()
    if number is not None:
        return BlocklistHit(number.id, "id_number", number.reason)
    if template is None:
        return None
    faces = session.execute(
        select(BlocklistEntry.id, BlocklistEntry.reason, BlocklistEntry.vector).where(
            BlocklistEntry.kind == "face",
            BlocklistEntry.removed_at.is_(None),
            BlocklistEntry.engine == engine,
            BlocklistEntry.model_version == model_version,
        )
    ).all()
    if not faces:
        return None
    reasons = {row.id: row.reason for row in faces}
    vectors = np.stack([np.frombuffer(row.vector, dtype="<f4") for row in faces])
    index = FaceIndex.from_arrays([row.id for row in faces], vectors, metric)
    nearest = index.search(np.asarray(template, dtype=np.float32), 1)
    if nearest and nearest[0].distance <= same_person:
        found = nearest[0]
        return BlocklistHit(
            int(found.identity), "face", reasons[int(found.identity)], found.distance
        )
    return None
