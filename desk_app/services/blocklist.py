"""The blocklist: ID numbers and faces that stop a confirmation.

Supervisors add an ID number with a reason, or the faces of a revoked proxy case (the live
templates kept with that case's decisions). The workflow service checks every confirmation
against it in the decision's own transaction; a hit turns the confirmation into a referral
(reason ``impersonation``) carrying the entry and its reason, so a supervisor decides. Entries
are audited when added and when lifted. An enrolled counter shares its list through the central
service (``sync.blocklist``): its entries travel there, and the authority's come back with the
roster; an entry the central side holds is lifted there alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.domain.errors import DeskError, NotFoundError, PermissionDeniedError
from desk_app.domain.workflow import CandidateState, Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    BlocklistEntry,
    Candidate,
    FaceTemplate,
    Operator,
    Photo,
    SyncBinding,
    utc_now,
)
from desk_app.security import audit
from desk_app.vision.engines import Template
from desk_app.vision.index import FaceIndex

BLOCKLIST_ROLES = frozenset({Role.SUPERVISOR})
_Key = TypeVar("_Key")


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
    uid: str = ""
    shared_at: datetime | None = None  # when the central side held it (None: this counter only)
    central_refusal: str | None = None  # why the central side would not take it

    @classmethod
    def of(cls, entry: BlocklistEntry) -> BlocklistView:
        return cls(
            entry.id,
            entry.kind,
            entry.document_number,
            entry.source_registration_id,
            entry.reason,
            entry.added_by,
            entry.uid,
            entry.shared_at,
            entry.central_refusal,
        )


def normalised_number(number: str) -> str:
    return "".join(number.split()).upper()


def require_supervisor(session: Session, operator_id: str) -> None:
    operator = session.get(Operator, operator_id)
    if operator is None or not operator.active or Role(operator.role) not in BLOCKLIST_ROLES:
        raise PermissionDeniedError("only supervisors keep the blocklist", code="permission.role")


def checked_reason(reason: str) -> str:
    """The reason an entry is blocked, as kept (required, at most 500 characters)."""
    if not reason.strip():
        raise DeskError("say why the entry is blocked", code="blocklist.reason_required")
    return reason.strip()[:500]


def add_number(database: Database, operator_id: str, number: str, reason: str) -> int:
    """Block an ID number; returns the entry's id."""
    why, wanted = checked_reason(reason), normalised_number(number)
    if not wanted:
        raise DeskError("the number is empty", code="blocklist.empty_number")
    with database.unit_of_work() as uow:
        require_supervisor(uow.session, operator_id)
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
    why = checked_reason(reason)
    with database.unit_of_work() as uow:
        session = uow.session
        require_supervisor(session, operator_id)
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


def lift_entry(database: Database, operator_id: str, uid: str, reason: str) -> None:
    """Lift an entry added by mistake or settled (a supervisor, with a reason; audited). On an
    enrolled counter only an entry the central side does not hold: one it took, or sent
    itself, applies at every counter and is lifted there by the central administrator (the
    removal then comes back with the next pull)."""
    if not reason.strip():
        raise DeskError("say why the entry is lifted", code="blocklist.lift_reason_required")
    with database.unit_of_work() as uow:
        session = uow.session
        require_supervisor(session, operator_id)
        entry = session.execute(
            select(BlocklistEntry).where(BlocklistEntry.uid == uid)
        ).scalar_one_or_none()
        if entry is None or entry.removed_at is not None:
            raise NotFoundError("no such entry on the blocklist", code="blocklist.not_found")
        enrolled = session.execute(select(SyncBinding.id)).first() is not None
        held_centrally = entry.shared_at is not None or entry.change_number is not None
        if enrolled and held_centrally:
            raise PermissionDeniedError(
                "the central side holds this entry: the central administrator lifts it",
                code="blocklist.held_centrally",
            )
        entry.removed_at = utc_now()
        audit.append(
            session,
            actor=operator_id,
            action="blocklist.remove",
            subject=f"entry:{entry.uid}",
            details={"reason": reason.strip()[:500]},
        )
        uow.commit()


def blocklist(database: Database) -> list[BlocklistView]:
    with database.reading() as uow:
        rows = uow.session.execute(
            select(BlocklistEntry)
            .where(BlocklistEntry.removed_at.is_(None))
            .order_by(BlocklistEntry.id)
        ).scalars()
        return [BlocklistView.of(entry) for entry in rows]


def nearest_blocked_face(
    faces: Sequence[tuple[_Key, bytes]], template: Template, metric: str, same_person: float
) -> tuple[_Key, float] | None:
    """The blocked face (key, float32 vector) nearest ``template`` if it lies within
    ``same_person``: the same person."""
    if not faces:
        return None
    vectors = np.stack([np.frombuffer(vector, dtype="<f4") for _, vector in faces])
    index = FaceIndex.from_arrays(list(range(len(faces))), vectors, metric)
    nearest = index.search(np.asarray(template, dtype=np.float32), 1)
    if nearest and nearest[0].distance <= same_person:
        return faces[int(nearest[0].identity)][0], nearest[0].distance
    return None


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
            BlocklistEntry.document_number == normalised_number(document_number),
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
    found = nearest_blocked_face(
        [((row.id, row.reason), row.vector) for row in faces], template, metric, same_person
    )
    if found is None:
        return None
    (entry_id, why), distance = found
    return BlocklistHit(entry_id, "face", why, distance)
