"""The blocklist shared through the central side.

The central database holds the authority's list: its administrators add ID numbers and the faces
of revoked proxy cases there (``desk-app central blocklist``), and a supervisor's entry made at an
enrolled counter travels to it. Every enrolled counter pulls the list with its roster, so a
number blocked in one hall stops a confirmation in every other one.

The central side takes nothing on a counter's word: an entry pushed by a counter names a
supervisor who must be one centrally (active, of the counter's site or of the authority); a face
entry must be a live template the central side itself holds of a case it knows as revoked, in the
counter's scope, so a counter cannot block an innocent candidate's face. And the judge refuses a
pushed confirmation of a blocked number or face (``judge``), so a counter that ignores its copy
gains nothing. Face vectors are sealed centrally like every other template.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desk_app.domain.errors import DeskError, NotFoundError, PermissionDeniedError
from desk_app.domain.workflow import CandidateState, Role
from desk_app.persistence.models import (
    BlocklistEntry,
    Candidate,
    CentralCounter,
    FaceTemplate,
    Operator,
    Photo,
    utc_now,
)
from desk_app.persistence.sealing import (
    blocked_vector,
    blocklist_label,
    sealed,
    template_label,
    unsealed,
)
from desk_app.security import audit
from desk_app.services.blocklist import (
    BLOCKLIST_ROLES,
    BlocklistView,
    checked_reason,
    normalised_number,
)
from desk_app.sync.applying import registered_scope, scope_condition
from desk_app.sync.central import CentralDatabase

MAX_SHARED = 500  # the most entries a counter pushes, or pulls, in one request
MAX_VECTOR_BYTES = 4 * 1024  # 128 or 512 float32 values at most


def wire_blocklist_entry(entry: BlocklistEntry, vector: bytes | None) -> dict[str, Any]:
    """An entry as it travels (``vector``: the plain float32 bytes, base64 on the wire)."""
    return {
        "uid": entry.uid,
        "kind": entry.kind,
        "document_number": entry.document_number,
        "engine": entry.engine,
        "model_version": entry.model_version,
        "vector": base64.b64encode(vector).decode("ascii") if vector is not None else None,
        "source_registration_id": entry.source_registration_id,
        "reason": entry.reason,
        "added_by": entry.added_by,
        "added_at": entry.added_at.isoformat(),
        "removed_at": entry.removed_at.isoformat() if entry.removed_at else None,
        "change_number": entry.change_number,
    }


class BadBlocklistEntryError(DeskError):
    code = "blocklist.refused"


def _text(item: dict[str, Any], name: str, limit: int) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise BadBlocklistEntryError(
            f"the entry's {name} is missing or too long", code="blocklist.bad_entry"
        )
    return value.strip()


def _uid(item: dict[str, Any]) -> str:
    try:
        return str(uuid.UUID(_text(item, "uid", 36)))
    except ValueError as error:
        raise BadBlocklistEntryError(
            "the entry's uid is not a UUID", code="blocklist.bad_entry"
        ) from error


def _vector(item: dict[str, Any]) -> bytes:
    encoded = item.get("vector")
    try:
        vector = base64.b64decode(str(encoded), validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadBlocklistEntryError(
            "the face entry's vector is not base64", code="blocklist.bad_entry"
        ) from error
    if not vector or len(vector) > MAX_VECTOR_BYTES or len(vector) % 4:
        raise BadBlocklistEntryError(
            "the face entry's vector is malformed", code="blocklist.bad_entry"
        )
    return vector


def pulled_values(item: dict[str, Any]) -> dict[str, Any]:
    """A pulled entry as column values for the counter's copy."""
    vector = item.get("vector")
    return {
        "kind": item["kind"],
        "document_number": item.get("document_number"),
        "engine": item.get("engine"),
        "model_version": item.get("model_version"),
        "vector": base64.b64decode(vector) if vector else None,
        "source_registration_id": item.get("source_registration_id"),
        "reason": str(item["reason"]),
        "added_by": str(item["added_by"]),
        "added_at": datetime.fromisoformat(item["added_at"]),
        "removed_at": datetime.fromisoformat(item["removed_at"])
        if item.get("removed_at")
        else None,
        "change_number": int(item["change_number"]),
    }


class CentralBlocklist:
    """The authority's blocklist, on the central database."""

    def __init__(self, central: CentralDatabase) -> None:
        self._central = central

    # --- the central administrator ------------------------------------------------------------

    def add_number(self, number: str, why: str, *, by: str) -> str:
        """Block an ID number everywhere; returns the entry's uid."""
        wanted, why = normalised_number(number), checked_reason(why)

        def work(session: Session) -> str:
            entry = self._new(session, kind="id_number", document_number=wanted, reason=why, by=by)
            audit.append(
                session,
                actor=by,
                action="blocklist.add",
                subject=f"entry:{entry.uid}",
                details={"kind": "id_number", "reason": why},
            )
            return entry.uid

        return self._central.write(work)

    def add_faces_of_case(self, registration_id: str, why: str, *, by: str) -> list[str]:
        """Block the live faces the central side holds of a revoked case; returns the uids."""
        why = checked_reason(why)

        def work(session: Session) -> list[str]:
            candidate = _revoked_case(session, registration_id)
            uids = []
            for template in _live_templates(session, candidate.id):
                vector = unsealed(
                    session,
                    template.vector,
                    template_label(template.engine, template.model_version),
                )
                entry = self._new(
                    session,
                    kind="face",
                    engine=template.engine,
                    model_version=template.model_version,
                    vector=vector,
                    source_registration_id=registration_id,
                    reason=why,
                    by=by,
                )
                uids.append(entry.uid)
            if not uids:
                raise DeskError("this case kept no live face to block", code="blocklist.no_face")
            audit.append(
                session,
                actor=by,
                action="blocklist.add",
                subject=registration_id,
                details={"kind": "face", "entries": uids, "reason": why},
            )
            return uids

        return self._central.write(work)

    def remove(self, uid: str, why: str, *, by: str) -> None:
        """Lift an entry everywhere: counters take the removal with their next pull."""
        why = checked_reason(why)

        def work(session: Session) -> None:
            entry = session.execute(
                select(BlocklistEntry).where(BlocklistEntry.uid == uid)
            ).scalar_one_or_none()
            if entry is None or entry.removed_at is not None:
                raise NotFoundError("no such entry on the blocklist", code="blocklist.not_found")
            entry.removed_at = utc_now()
            entry.change_number = _next_change(session)
            audit.append(
                session,
                actor=by,
                action="blocklist.remove",
                subject=f"entry:{uid}",
                details={"reason": why},
            )

        self._central.write(work)

    def listed(self) -> list[BlocklistView]:
        def work(session: Session) -> list[BlocklistView]:
            rows = session.execute(
                select(BlocklistEntry)
                .where(BlocklistEntry.removed_at.is_(None))
                .order_by(BlocklistEntry.change_number)
            ).scalars()
            return [BlocklistView.of(row) for row in rows]

        return self._central.read(work)

    # --- counters ----------------------------------------------------------------------------

    def changes(self, after: int, limit: int = MAX_SHARED) -> list[dict[str, Any]]:
        """Entries added or removed after central change ``after``, oldest change first."""

        def work(session: Session) -> list[dict[str, Any]]:
            rows = session.execute(
                select(BlocklistEntry)
                .where(BlocklistEntry.change_number > after)
                .order_by(BlocklistEntry.change_number)
                .limit(min(limit, MAX_SHARED))
            ).scalars()
            return [wire_blocklist_entry(row, blocked_vector(session, row)) for row in rows]

        return self._central.read(work)

    def receive(self, counter_id: str, entries: Sequence[Any]) -> list[dict[str, Any]]:
        """Take the entries a counter's supervisors added; per entry, ``{"uid", "accepted":
        true}`` or ``{"uid", "code", "message"}``. An entry already taken is answered again
        (the counter may not have heard the first answer)."""
        if len(entries) > MAX_SHARED:
            raise BadBlocklistEntryError("too many entries at once", code="request.too_large")

        def work(session: Session) -> list[dict[str, Any]]:
            answers: list[dict[str, Any]] = []
            for item in entries:
                uid = str(item.get("uid")) if isinstance(item, dict) else "?"
                try:
                    with session.begin_nested():
                        self._take(session, counter_id, item)
                except DeskError as error:
                    answers.append({"uid": uid, "code": error.code, "message": error.message})
                else:
                    answers.append({"uid": uid, "accepted": True})
            return answers

        return self._central.write(work)

    def _take(self, session: Session, counter_id: str, item: Any) -> None:
        if not isinstance(item, dict):
            raise BadBlocklistEntryError("an entry must be an object", code="blocklist.bad_entry")
        uid = _uid(item)
        if session.execute(select(BlocklistEntry.id).where(BlocklistEntry.uid == uid)).first():
            return
        by = _text(item, "added_by", 40)
        _require_site_supervisor(session, counter_id, by)
        why = checked_reason(_text(item, "reason", 500))
        kind = item.get("kind")
        if kind == "id_number":
            number = normalised_number(_text(item, "document_number", 44))
            if not number.isalnum():
                raise BadBlocklistEntryError("not an ID number", code="blocklist.bad_entry")
            self._new(session, kind=kind, document_number=number, reason=why, by=by, uid=uid)
            subject, details = f"entry:{uid}", {"kind": kind}
        elif kind == "face":
            registration_id = _text(item, "source_registration_id", 40)
            engine, model_version = _text(item, "engine", 20), _text(item, "model_version", 80)
            vector = _vector(item)
            candidate = _revoked_case(session, registration_id)
            if not session.execute(
                select(Candidate.id).where(
                    Candidate.id == candidate.id,
                    scope_condition(registered_scope(session, counter_id)),
                )
            ).first():
                raise PermissionDeniedError(
                    "the case is outside the counter's scope", code="permission.scope"
                )
            held = {
                unsealed(session, t.vector, template_label(t.engine, t.model_version))
                for t in _live_templates(session, candidate.id)
                if (t.engine, t.model_version) == (engine, model_version)
            }
            if vector not in held:
                raise PermissionDeniedError(
                    "the central side holds no such live face of this case",
                    code="blocklist.face_unknown",
                )
            self._new(
                session,
                kind=kind,
                engine=engine,
                model_version=model_version,
                vector=vector,
                source_registration_id=registration_id,
                reason=why,
                by=by,
                uid=uid,
            )
            subject, details = registration_id, {"kind": kind, "entries": [uid]}
        else:
            raise BadBlocklistEntryError("unknown kind of entry", code="blocklist.bad_entry")
        audit.append(
            session,
            actor=by,
            action="blocklist.add",
            subject=subject,
            details={**details, "reason": why, "counter": counter_id},
        )

    @staticmethod
    def _new(
        session: Session,
        *,
        kind: str,
        reason: str,
        by: str,
        uid: str | None = None,
        document_number: str | None = None,
        engine: str | None = None,
        model_version: str | None = None,
        vector: bytes | None = None,
        source_registration_id: str | None = None,
    ) -> BlocklistEntry:
        uid = uid or str(uuid.uuid4())
        entry = BlocklistEntry(
            uid=uid,
            kind=kind,
            document_number=document_number,
            engine=engine,
            model_version=model_version,
            vector=(
                sealed(session, vector, blocklist_label(uid, engine or "", model_version or ""))
                if vector is not None
                else None
            ),
            source_registration_id=source_registration_id,
            reason=reason,
            added_by=by,
            change_number=_next_change(session),
            shared_at=utc_now(),
        )
        session.add(entry)
        session.flush()
        return entry


def _next_change(session: Session) -> int:
    # Under the central write lock (CentralDatabase.write): no two writers take the same number.
    highest = session.execute(select(func.max(BlocklistEntry.change_number))).scalar_one()
    return int(highest or 0) + 1


def _revoked_case(session: Session, registration_id: str) -> Candidate:
    candidate = session.execute(
        select(Candidate).where(Candidate.registration_id == registration_id)
    ).scalar_one_or_none()
    if candidate is None:
        raise NotFoundError(f"no pre-registration {registration_id!r}", code="candidate.not_found")
    if candidate.state != CandidateState.REVOKED.value:
        raise DeskError(
            "only the faces of a revoked case are blocked", code="blocklist.not_revoked"
        )
    return candidate


def _live_templates(session: Session, candidate_id: int) -> list[FaceTemplate]:
    return list(
        session.execute(
            select(FaceTemplate)
            .join(Photo, Photo.id == FaceTemplate.photo_id)
            .where(FaceTemplate.candidate_id == candidate_id, Photo.purpose == "live")
            .order_by(FaceTemplate.id)
        ).scalars()
    )


def _require_site_supervisor(session: Session, counter_id: str, operator_id: str) -> None:
    counter = session.get(CentralCounter, counter_id)
    site_id = counter.site_id if counter is not None else None
    operator = session.execute(
        select(Operator).where(
            Operator.id == operator_id, or_(Operator.site_id == site_id, Operator.site_id.is_(None))
        )
    ).scalar_one_or_none()
    if operator is None or not operator.active or Role(operator.role) not in BLOCKLIST_ROLES:
        raise PermissionDeniedError(
            f"operator {operator_id} is not a supervisor of this site centrally",
            code="permission.role",
        )
