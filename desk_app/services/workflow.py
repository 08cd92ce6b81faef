"""Confirm, refer, approve, reject and revoke: the decisions made at the counter.

Each decision is one transaction: the candidate row is locked, the operator's role and scope are
checked, the domain's state machine says where the record goes, and the state change, its
transition record, the ticket number and the audit entry are written together. A crash at any
point leaves all of it or none of it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

from desk_app.domain.candidate import CandidateKind
from desk_app.domain.consent import consent_refused
from desk_app.domain.decisions import (
    FACES_COMPARED_KEY,
    Actor,
    Case,
    RecordedEvidence,
    Scope,
    check_decision,
    check_recorded_evidence,
    check_scope,
    face_result_from_record,
)
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import (
    DeskError,
    NotFoundError,
    PermissionDeniedError,
    TransitionError,
)
from desk_app.domain.liveness import LivenessEvidence, check_liveness
from desk_app.domain.tickets import TicketStatus
from desk_app.domain.visits import (
    VISIT_EVIDENCE_KEY,
    CapturedPage,
    VisitReason,
    check_visit_evidence,
)
from desk_app.domain.workflow import Action, CandidateState, Method, ReasonCode, Role
from desk_app.persistence.database import Database, UnitOfWork
from desk_app.persistence.models import Candidate, Operator, Transition, utc_now
from desk_app.persistence.repositories import CandidateRepository, OperatorRepository
from desk_app.security import audit
from desk_app.services.blocklist import find_hit
from desk_app.services.documents import store_pages
from desk_app.services.faces import (
    FaceRegistry,
    LiveCapture,
    forget_faces,
    store_live_capture,
    store_liveness_frames,
)
from desk_app.services.outbox import record_transition
from desk_app.services.tickets import (
    TicketPolicy,
    issue_ticket_number,
    keep_ticket_number,
    retire_ticket_number,
)


@dataclass(frozen=True)
class Workstation:
    """Where decisions are made: the site, the counter and the candidates it serves."""

    site_id: str
    counter_id: str
    method: Method = Method.COUNTER
    exam_areas: tuple[str, ...] = ()  # empty: every area
    tutoring_unit: str | None = None  # set when the station belongs to a tutoring unit
    # Administrators may turn the liveness challenge off at counters; a tutoring unit's
    # confirmations need it whatever this says (domain.liveness).
    liveness_at_counters: bool = True

    @property
    def scope(self) -> Scope:
        return Scope(self.exam_areas, self.tutoring_unit)


@dataclass(frozen=True)
class Decision:
    """What the operator decided and on what grounds."""

    reason: ReasonCode | None = None
    note: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)  # photo ids, card read reference...
    scores: dict[str, Any] = field(default_factory=dict)  # match scores with thresholds used
    expected_version: int | None = None  # the version the operator was looking at, if known
    live_capture: LiveCapture | None = None  # kept as evidence; checked for proxy candidates
    liveness: LivenessEvidence | None = None  # the challenge judged on this live face
    liveness_frames: tuple[bytes, ...] = ()  # its evidence frames (JPEG), kept with the case
    # Why the candidate came; its checklist as ticked is in evidence["visit"].
    visit_reason: VisitReason | None = None
    pages: tuple[CapturedPage, ...] = ()  # supporting documents' pages, kept as evidence


@dataclass(frozen=True)
class ChangeSet:
    """What a decision changed, for screens and the syncer to update from."""

    candidate_id: int
    registration_id: str
    action: Action
    previous_state: CandidateState
    new_state: CandidateState
    ticket_number: str | None
    transition_id: int
    version: int


def recorded_evidence(decision: Decision) -> RecordedEvidence:
    """What the decision will carry to the central side as its evidence."""
    capture = decision.live_capture
    return RecordedEvidence(
        live_photo_sha256=hashlib.sha256(capture.image).hexdigest() if capture else None,
        face=face_result_from_record(decision.scores) if decision.scores else None,
        card_photo_checked_by_eye=bool(decision.evidence.get("card_photo_checked_by_eye")),
        faces_compared=decision.evidence.get(FACES_COMPARED_KEY) is True,
    )


def case_of(candidate: Candidate, *, referred_by: str | None = None) -> Case:
    """The record as the decision rule sees it."""
    return Case(
        registration_id=candidate.registration_id,
        state=CandidateState(candidate.state),
        document_type=DocumentType(candidate.document_type),
        exam_area=candidate.exam_area,
        tutoring_unit=candidate.tutoring_unit,
        document_number=candidate.document_number,
        referred_by=referred_by,
    )


class WorkflowService:
    def __init__(
        self,
        database: Database,
        workstation: Workstation,
        tickets: TicketPolicy,
        faces: FaceRegistry | None = None,
        *,
        outbox: bool = False,
    ) -> None:
        self._database = database
        self._workstation = workstation
        self._tickets = tickets
        self._faces = faces
        # A counter bound to a central database records every change in its outbox.
        self._outbox = outbox

    def confirm(
        self, registration_id: str, operator_id: str, decision: Decision | None = None
    ) -> ChangeSet:
        return self._decide(Action.CONFIRM, registration_id, operator_id, decision or Decision())

    def refer(self, registration_id: str, operator_id: str, decision: Decision) -> ChangeSet:
        return self._decide(Action.REFER, registration_id, operator_id, decision)

    def approve(
        self, registration_id: str, supervisor_id: str, decision: Decision | None = None
    ) -> ChangeSet:
        return self._decide(Action.APPROVE, registration_id, supervisor_id, decision or Decision())

    def reject(self, registration_id: str, operator_id: str, decision: Decision) -> ChangeSet:
        return self._decide(Action.REJECT, registration_id, operator_id, decision)

    def revoke(self, registration_id: str, supervisor_id: str, decision: Decision) -> ChangeSet:
        return self._decide(Action.REVOKE, registration_id, supervisor_id, decision)

    def _decide(
        self, action: Action, registration_id: str, operator_id: str, decision: Decision
    ) -> ChangeSet:
        if self._faces is not None and decision.live_capture is not None:
            # Build the 1:N index (a first-use cost) before taking the database's write lock.
            self._faces.load()
        with self._database.unit_of_work() as uow:
            candidate = CandidateRepository(uow.session).by_registration_id(
                registration_id, for_update=True
            )
            if candidate is None:
                raise NotFoundError(
                    f"no pre-registration {registration_id!r}",
                    code="candidate.not_found",
                    registration_id=registration_id,
                )
            operator = self._operator(uow, operator_id)
            role = Role(operator.role)
            actor = Actor(operator.id, role, operator.tutoring_unit, operator.active)
            # Scope first: a record outside it says nothing of its state (check_decision repeats
            # the check, a few comparisons).
            check_scope(case_of(candidate), actor, self._workstation.scope)
            if decision.expected_version not in (None, candidate.version):
                raise TransitionError(
                    f"{registration_id} changed while it was on screen; look at it again",
                    code="state.stale",
                    registration_id=registration_id,
                )
            previous = CandidateState(candidate.state)
            action, decision = self._refer_if_blocklisted(uow, action, candidate, decision)
            action, decision = self._refer_if_face_seen_elsewhere(action, candidate.id, decision)
            referral = (
                CandidateRepository(uow.session).last_transition(candidate.id, Action.REFER.value)
                if action is Action.APPROVE
                else None
            )
            case = case_of(candidate, referred_by=referral.operator_id if referral else None)
            target = check_decision(
                action, case, actor, self._workstation.scope, reason=decision.reason
            )
            check_liveness(
                action,
                decision.liveness,
                method=self._workstation.method,
                role=role,
                at_counters=self._workstation.liveness_at_counters,
                overrider_role=self._role_of(uow, decision.liveness),
            )
            if self._outbox:
                # The central side will ask for the evidence: refuse now rather than send a
                # confirmation that can only come back as a conflict.
                check_recorded_evidence(action, recorded_evidence(decision))

            keeps_own_number = bool(
                candidate.kind == CandidateKind.ENROLLED and candidate.ticket_number
            )
            ticket = self._ticket_effect(uow, action, candidate)
            evidence = dict(decision.evidence)
            if consent_refused(evidence):
                if decision.live_capture is not None:
                    raise DeskError(
                        "the candidate refused consent: no face may be kept",
                        code="consent.refused",
                    )
                forget_faces(uow.session, candidate.id, operator.id)
            if decision.live_capture is not None:
                evidence["live_photo"] = store_live_capture(
                    uow.session, candidate.id, decision.live_capture
                )
            if decision.liveness is not None:
                frames = [] if consent_refused(evidence) else decision.liveness_frames
                evidence["liveness"] = decision.liveness.as_record() | {
                    "frames": store_liveness_frames(uow.session, candidate.id, frames)
                }
            if decision.pages:
                visit = dict(evidence.get(VISIT_EVIDENCE_KEY) or {})
                visit["pages"] = store_pages(uow.session, candidate.id, decision.pages)
                evidence[VISIT_EVIDENCE_KEY] = visit
            # An incomplete checklist can only be referred (the screen offers no Confirm then).
            check_visit_evidence(action.value, evidence)
            transition = Transition(
                candidate_id=candidate.id,
                action=action.value,
                from_state=previous.value,
                to_state=target.value,
                operator_id=operator.id,
                operator_role=role.value,
                site_id=self._workstation.site_id,
                counter_id=self._workstation.counter_id,
                method=self._workstation.method.value,
                reason_code=decision.reason.value if decision.reason else None,
                visit_reason=decision.visit_reason.value if decision.visit_reason else None,
                note=decision.note,
                evidence=evidence,
                scores=decision.scores,
                approved_by=operator.id if action is Action.APPROVE else None,
                ticket_number=ticket,
            )
            uow.session.add(transition)
            candidate.state = target.value
            candidate.state_changed_at = utc_now()
            candidate.version += 1
            uow.flush()
            entry = audit.append(
                uow.session,
                actor=operator.id,
                action=f"candidate.{action.value}",
                subject=candidate.registration_id,
                details={
                    "from": previous.value,
                    "to": target.value,
                    "ticket_number": ticket,
                    "reason": transition.reason_code,
                    "site": self._workstation.site_id,
                    "counter": self._workstation.counter_id,
                    "transition": transition.id,
                },
            )
            if self._outbox:
                issued = ticket is not None and not keeps_own_number
                record_transition(
                    uow.session,
                    candidate=candidate,
                    transition=transition,
                    operator=operator,
                    audit_entry=entry,
                    ticket_series=self._tickets.layout.series if issued else None,
                    ticket_kind=(
                        None
                        if ticket is None
                        else (TicketStatus.ISSUED if issued else TicketStatus.KEPT)
                    ),
                )
            uow.commit()
        if self._faces is not None:
            if target is CandidateState.CONFIRMED and decision.live_capture is not None:
                self._faces.confirmed(candidate.id, decision.live_capture)
            elif target is CandidateState.CONFIRMED and action is Action.APPROVE:
                self._faces.confirmed(candidate.id)  # the capture stored when it was referred
            elif target is CandidateState.REVOKED:
                self._faces.revoked(candidate.id)
        return ChangeSet(
            candidate_id=candidate.id,
            registration_id=candidate.registration_id,
            action=action,
            previous_state=previous,
            new_state=target,
            ticket_number=ticket,
            transition_id=transition.id,
            version=candidate.version,
        )

    def _refer_if_blocklisted(
        self, uow: UnitOfWork, action: Action, candidate: Candidate, decision: Decision
    ) -> tuple[Action, Decision]:
        """A confirmation of a blocked ID number or face becomes a referral with the entry's
        reason (services.blocklist), in the decision's own transaction."""
        if action is not Action.CONFIRM:
            return action, decision
        capture = decision.live_capture
        faces = self._faces
        hit = find_hit(
            uow.session,
            candidate.document_number,
            capture.template if capture is not None else None,
            engine=capture.engine if capture is not None else "",
            model_version=capture.model_version if capture is not None else "",
            metric=faces.metric if faces is not None else "cosine",
            same_person=faces.duplicate.passing if faces is not None else 0.0,
        )
        if hit is None:
            return action, decision
        evidence = {**decision.evidence, "blocklist": hit.as_evidence()}
        return Action.REFER, dataclasses.replace(
            decision, reason=ReasonCode.IMPERSONATION, evidence=evidence
        )

    def _refer_if_face_seen_elsewhere(
        self, action: Action, candidate_id: int, decision: Decision
    ) -> tuple[Action, Decision]:
        """A confirmation whose live face is another confirmed candidate's becomes a referral."""
        if action is not Action.CONFIRM or self._faces is None or decision.live_capture is None:
            return action, decision
        matches = self._faces.same_person_elsewhere(candidate_id, decision.live_capture)
        if not matches:
            return action, decision
        evidence = {
            **decision.evidence,
            "duplicate_of": [
                {"candidate_id": m.identity, "distance": round(m.distance, 4)} for m in matches
            ],
        }
        return Action.REFER, dataclasses.replace(
            decision, reason=ReasonCode.DUPLICATE_FACE, evidence=evidence
        )

    @staticmethod
    def _role_of(uow: UnitOfWork, liveness: LivenessEvidence | None) -> Role | None:
        """The role of the supervisor who accepted a failed challenge, as this database has it."""
        if liveness is None or liveness.overridden_by is None:
            return None
        overrider = OperatorRepository(uow.session).get(liveness.overridden_by)
        return Role(overrider.role) if overrider is not None and overrider.active else None

    def _operator(self, uow: UnitOfWork, operator_id: str) -> Operator:
        operator = OperatorRepository(uow.session).get(operator_id)
        if operator is None or not operator.active:
            raise PermissionDeniedError(
                f"no active operator {operator_id!r}",
                code="permission.unknown_operator",
                operator_id=operator_id,
            )
        return operator

    def _ticket_effect(self, uow: UnitOfWork, action: Action, candidate: Candidate) -> str | None:
        if action in (Action.CONFIRM, Action.APPROVE):
            if candidate.kind == CandidateKind.ENROLLED and candidate.ticket_number:
                keep_ticket_number(uow.session, candidate.ticket_number, candidate.id)
            else:
                candidate.ticket_number = issue_ticket_number(
                    uow.session, self._tickets, candidate.id
                )
            return candidate.ticket_number
        if action is Action.REVOKE and candidate.ticket_number:
            retire_ticket_number(uow.session, candidate.ticket_number)
        return None
