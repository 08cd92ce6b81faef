"""What the counter screens read: candidates in the operator's scope, the review queue, a unit's
roster and progress, sign-in and the first administrator; and the checks made on a card read.

Screens never touch a session: they call these functions (on the database worker) and get plain,
frozen views back. Scope is enforced here, not by what a screen chooses to show: tutoring-unit
staff only ever receive their unit's candidates, only supervisors receive the review queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from desk_app.domain.candidate import CandidateKind, PriorDiplomaStatus
from desk_app.domain.decisions import Case, face_allows_confirmation
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError, DocumentError, PermissionDeniedError
from desk_app.domain.image_limits import ImageSizeError

# Re-exported: the screens import it from here.
from desk_app.domain.masking import mask_document_number as mask_document_number
from desk_app.domain.time import china_today
from desk_app.domain.visits import VISIT_EVIDENCE_KEY
from desk_app.domain.workflow import Action, CandidateState, Role
from desk_app.idcard.protocol import CardText, CardType
from desk_app.idcard.rules import validate_document
from desk_app.persistence.database import Database
from desk_app.persistence.models import Candidate, Operator, Photo, SyncConflict, Transition
from desk_app.persistence.repositories import CandidateRepository
from desk_app.security.operators import (
    SignInPolicy,
    add_operator,
    change_password,
    reset_password,
    set_active,
    sign_in,
    unlock,
)
from desk_app.services.access import authorise_unmask, record_access, record_search
from desk_app.services.documents import page_images
from desk_app.services.workflow import Workstation
from desk_app.vision.card import CARD_PIPELINE, CHIP_SIZED_MAX_SHORT_SIDE, portrait_template
from desk_app.vision.engines import FaceEngine, NoFaceError, template_of
from desk_app.vision.images import ImageError, decode_rgb
from desk_app.vision.verification import Reference, Verification


@dataclass(frozen=True)
class SignedIn:
    operator_id: str
    display_name: str
    role: Role
    tutoring_unit: str | None = None


@dataclass(frozen=True)
class CandidateView:
    id: int
    registration_id: str
    kind: CandidateKind
    name: str
    sex: str
    birth_date: date | None
    document_type: DocumentType
    document_number: str
    phone: str
    exam_area: str
    programme_code: str
    programme_name: str
    tutoring_unit: str | None
    class_name: str | None
    ticket_number: str | None
    prior_diploma_status: PriorDiplomaStatus
    state: CandidateState
    version: int
    earlier_attempts: int = 0  # earlier refer / reject decisions on this record
    ephoto: bytes | None = None
    # A decision of this counter on the record was refused centrally and not yet settled.
    sync_conflict: bool = False

    def case(self) -> Case:
        """The record as the decision rule sees it."""
        return Case(
            registration_id=self.registration_id,
            state=self.state,
            document_type=self.document_type,
            exam_area=self.exam_area,
            tutoring_unit=self.tutoring_unit,
            document_number=self.document_number,
        )


@dataclass(frozen=True)
class ReviewCase:
    """A referred record with the evidence the referring operator left."""

    candidate: CandidateView
    referred_by: str
    referred_at: datetime
    reason: str | None
    note: str
    scores: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    live_photo: bytes | None = None
    visit_reason: str | None = None  # why the candidate came (a VisitReason value)
    # Supporting documents' pages (JPEG) with what the evidence records of each (kind, code).
    pages: tuple[tuple[dict[str, Any], bytes], ...] = ()


@dataclass(frozen=True)
class UnitProgress:
    confirmed: int
    remaining: int  # pre-registered or referred
    total: int


def _view(
    candidate: Candidate,
    attempts: int = 0,
    ephoto: bytes | None = None,
    sync_conflict: bool = False,
) -> CandidateView:
    return CandidateView(
        id=candidate.id,
        registration_id=candidate.registration_id,
        kind=CandidateKind(candidate.kind),
        name=candidate.name,
        sex=candidate.sex,
        birth_date=candidate.birth_date,
        document_type=DocumentType(candidate.document_type),
        document_number=candidate.document_number,
        phone=candidate.phone,
        exam_area=candidate.exam_area,
        programme_code=candidate.programme_code,
        programme_name=candidate.programme_name,
        tutoring_unit=candidate.tutoring_unit,
        class_name=candidate.class_name,
        ticket_number=candidate.ticket_number,
        prior_diploma_status=PriorDiplomaStatus(candidate.prior_diploma_status),
        state=CandidateState(candidate.state),
        version=candidate.version,
        earlier_attempts=attempts,
        ephoto=ephoto,
        sync_conflict=sync_conflict,
    )


class CounterQueries:
    """Reads for the counter screens; every method runs on the database worker."""

    def __init__(
        self,
        database: Database,
        workstation: Workstation,
        sign_in_policy: SignInPolicy | None = None,
    ) -> None:
        self._database = database
        self._workstation = workstation
        self._sign_in_policy = sign_in_policy or SignInPolicy()

    # --- operators ---------------------------------------------------------------------------

    def change_password(self, operator: SignedIn, old_password: str, new_password: str) -> None:
        """The signed-in operator's own password (the old one is checked like a sign-in)."""
        change_password(
            self._database,
            operator.operator_id,
            old_password,
            new_password,
            policy=self._sign_in_policy,
        )

    def operator_count(self) -> int:
        with self._database.reading() as uow:
            return int(uow.session.execute(select(func.count()).select_from(Operator)).scalar_one())

    def create_first_administrator(
        self, operator_id: str, display_name: str, password: str
    ) -> SignedIn:
        """The administrator of a fresh counter; refused once any operator exists."""
        if self.operator_count():
            raise PermissionDeniedError(
                "this counter already has operators; an administrator adds new ones",
                code="permission.first_admin_exists",
            )
        operator = add_operator(
            self._database,
            operator_id=operator_id,
            display_name=display_name or operator_id,
            role=Role.ADMINISTRATOR,
            password=password,
            created_by="first-start",
        )
        return SignedIn(operator.id, operator.display_name, Role.ADMINISTRATOR)

    def sign_in(self, operator_id: str, password: str) -> SignedIn:
        operator = sign_in(
            self._database, operator_id.strip(), password, policy=self._sign_in_policy
        )
        return SignedIn(
            operator.id, operator.display_name, Role(operator.role), operator.tutoring_unit
        )

    # --- candidates --------------------------------------------------------------------------

    def _unit_scope(self, operator: SignedIn) -> str | None:
        if operator.role is Role.TUTORING_UNIT_STAFF:
            return operator.tutoring_unit or "\x00no unit"
        return self._workstation.tutoring_unit

    def _in_scope(self, operator: SignedIn, candidate: Candidate) -> bool:
        unit = self._unit_scope(operator)
        if unit is not None and candidate.tutoring_unit != unit:
            return False
        areas = self._workstation.exam_areas
        return not areas or candidate.exam_area in areas

    def _full_view(self, session: Any, candidate: Candidate) -> CandidateView:
        repository = CandidateRepository(session)
        photo = repository.registered_photo(candidate.id)
        attempts = session.execute(
            select(func.count())
            .select_from(Transition)
            .where(
                Transition.candidate_id == candidate.id,
                Transition.action.in_((Action.REFER.value, Action.REJECT.value)),
            )
        ).scalar_one()
        if candidate.state == CandidateState.REFERRED.value:
            attempts -= 1  # the referral being reviewed is not an earlier attempt
        conflict = session.execute(
            select(SyncConflict.id).where(
                SyncConflict.registration_id == candidate.registration_id,
                SyncConflict.resolved_at.is_(None),
            )
        ).first()
        ephoto = photo.data if photo is not None else None
        return _view(candidate, int(attempts), ephoto, sync_conflict=conflict is not None)

    def search(self, operator: SignedIn, text: str, *, limit: int = 50) -> list[CandidateView]:
        """Full ID number, its last 6, name, phone or registration id; within the scope only."""
        if not text.strip():
            return []
        with self._database.reading() as uow:
            found = CandidateRepository(uow.session).search(
                text,
                exam_areas=self._workstation.exam_areas,
                tutoring_unit=self._unit_scope(operator),
                limit=limit,
            )
            views = [self._full_view(uow.session, c) for c in found if self._in_scope(operator, c)]
        record_search(self._database, operator.operator_id, text, len(views))
        return views

    def by_registration_id(self, operator: SignedIn, registration_id: str) -> CandidateView | None:
        with self._database.reading() as uow:
            candidate = CandidateRepository(uow.session).by_registration_id(registration_id)
            if candidate is None or not self._in_scope(operator, candidate):
                return None
            view = self._full_view(uow.session, candidate)
        record_access(self._database, operator.operator_id, "candidate.view", registration_id)
        return view

    def reveal(self, operator: SignedIn, registration_id: str, reason: str) -> tuple[str, str]:
        """The full ID and phone numbers of one record: for supervisors and administrators,
        with a reason, audited (who, when, why); PermissionDeniedError otherwise."""
        authorise_unmask(
            self._database, operator.operator_id, subject=registration_id, reason=reason
        )
        with self._database.reading() as uow:
            candidate = CandidateRepository(uow.session).by_registration_id(registration_id)
            if candidate is None or not self._in_scope(operator, candidate):
                raise PermissionDeniedError(
                    "this record is not in the counter's scope", code="permission.out_of_scope"
                )
            return candidate.document_number, candidate.phone

    def unit_roster(self, operator: SignedIn) -> list[CandidateView]:
        """The class roster of the operator's tutoring unit (tutoring-unit staff only)."""
        if operator.role is not Role.TUTORING_UNIT_STAFF:
            raise PermissionDeniedError(
                "only tutoring-unit staff have a class roster", code="permission.role"
            )
        with self._database.reading() as uow:
            found = CandidateRepository(uow.session).search(
                tutoring_unit=self._unit_scope(operator), limit=10_000
            )
            return [_view(c) for c in found if self._in_scope(operator, c)]

    def unit_progress(self, operator: SignedIn) -> UnitProgress:
        roster = self.unit_roster(operator)
        confirmed = sum(c.state is CandidateState.CONFIRMED for c in roster)
        waiting = (CandidateState.PRE_REGISTERED, CandidateState.REFERRED)
        remaining = sum(c.state in waiting for c in roster)
        return UnitProgress(confirmed, remaining, len(roster))

    def review_queue(self, operator: SignedIn) -> list[ReviewCase]:
        """Referred records, oldest first, with the referral's evidence (supervisors only)."""
        if operator.role is not Role.SUPERVISOR:
            raise PermissionDeniedError(
                "only supervisors review referred cases", code="permission.role"
            )
        cases = []
        with self._database.reading() as uow:
            repository = CandidateRepository(uow.session)
            referred = repository.search(
                states=[CandidateState.REFERRED.value],
                exam_areas=self._workstation.exam_areas,
                limit=500,
            )
            for candidate in referred:
                referral = repository.last_transition(candidate.id, Action.REFER.value)
                if referral is None:
                    continue
                live_id = referral.evidence.get("live_photo")
                live = uow.session.get(Photo, live_id) if isinstance(live_id, int) else None
                cases.append(
                    ReviewCase(
                        candidate=self._full_view(uow.session, candidate),
                        referred_by=referral.operator_id,
                        referred_at=referral.occurred_at,
                        reason=referral.reason_code,
                        note=referral.note,
                        scores=dict(referral.scores),
                        evidence=dict(referral.evidence),
                        live_photo=live.data if live is not None else None,
                        visit_reason=referral.visit_reason,
                        pages=tuple(
                            page_images(uow.session, referral.evidence.get(VISIT_EVIDENCE_KEY))
                        ),
                    )
                )
        cases.sort(key=lambda case: case.referred_at)
        return cases


# --- checks on what was read ---------------------------------------------------------------------


_CARD_DOCUMENT = {
    CardType.RESIDENT: DocumentType.RESIDENT_ID,
    CardType.RESIDENCE_PERMIT: DocumentType.RESIDENCE_PERMIT,
    CardType.FOREIGNER_2023: DocumentType.FOREIGNER_PERMANENT,
    CardType.FOREIGNER_2017: DocumentType.FOREIGNER_PERMANENT,
}


def card_problems(card: CardText, today: date) -> list[DeskError]:
    """What is wrong with a card read, as coded errors the screen words (empty: nothing)."""
    problems: list[DeskError] = []
    document_type = _CARD_DOCUMENT[card.card_type]
    validated = None
    try:
        validated = validate_document(document_type, card.id_number, today=today)
    except DocumentError as error:
        problems.append(error)
    if not card.long_term and card.valid_to is not None and card.valid_to < today:
        problems.append(
            DocumentError(
                f"the card expired on {card.valid_to.isoformat()}",
                code="card.expired",
                valid_to=card.valid_to.isoformat(),
            )
        )
    if (
        validated is not None
        and validated.birth_date
        and card.birth_date
        and validated.birth_date != card.birth_date
    ):
        problems.append(
            DocumentError(
                "the birth date on the card differs from the one in the number",
                code="card.birth_date_mismatch",
            )
        )
    return problems


def record_mismatches(card: CardText, candidate: CandidateView) -> list[str]:
    """Fields where the card and the pre-registration disagree ("name", "birth_date", "sex")."""
    differing = []
    if card.name.replace(" ", "") != candidate.name.replace(" ", ""):
        differing.append("name")
    if card.birth_date and candidate.birth_date and card.birth_date != candidate.birth_date:
        differing.append("birth_date")
    if (
        card.sex_code in ("1", "2")
        and candidate.sex in ("1", "2")
        and card.sex_code != candidate.sex
    ):
        differing.append("sex")
    return differing


def reference_from_photo(
    engine: FaceEngine, data: bytes | None, *, card: CardText | None = None
) -> Reference:
    """The template of a stored picture (e-photo, card portrait), or why there is none.

    A chip-sized picture goes through the card pipeline and its quality is recorded; with the
    ``card`` it came from, the portrait's age is known (issue date, birth date) for the
    age-gap rule."""
    if not data:
        return Reference(None, "photo.missing")
    try:
        rgb = decode_rgb(data)
        if min(rgb.shape[:2]) <= CHIP_SIZED_MAX_SHORT_SIDE:
            portrait = portrait_template(engine, rgb, CARD_PIPELINE)
            template, face = portrait.template, portrait.face
            quality: dict[str, float] | None = portrait.quality.as_record()
        else:
            template, face = template_of(engine, rgb)
            quality = None
    except (NoFaceError, ImageError, ImageSizeError) as error:
        return Reference(None, error.code)
    age_years = age_at_capture = None
    if card is not None and card.valid_from is not None:
        age_years = (china_today() - card.valid_from).days / 365.25
        if card.birth_date is not None:
            age_at_capture = (card.valid_from - card.birth_date).days / 365.25
    return Reference(
        template,
        eye_distance=face.eye_distance,
        age_years=age_years,
        age_at_capture=age_at_capture,
        quality=quality,
    )


def may_confirm(verification: Verification, *, card_photo_checked_by_eye: bool) -> bool:
    """Whether the clerk may confirm on this match result (else refer to a supervisor)."""
    return face_allows_confirmation(
        verification.result(), card_photo_checked_by_eye=card_photo_checked_by_eye
    )


def add_operator_as(
    database: Database,
    creator: SignedIn,
    *,
    operator_id: str,
    display_name: str,
    role: Role,
    password: str,
    tutoring_unit: str | None = None,
) -> SignedIn:
    """An administrator adds an operator; the creator's role is read again from the database."""
    require_administrator(database, creator, "adds operators")
    operator = add_operator(
        database,
        operator_id=operator_id,
        display_name=display_name or operator_id,
        role=role,
        password=password,
        tutoring_unit=tutoring_unit,
        created_by=creator.operator_id,
    )
    return SignedIn(operator.id, operator.display_name, role, operator.tutoring_unit)


def require_administrator(database: Database, operator: SignedIn, doing: str) -> None:
    """PermissionDeniedError unless ``operator`` is an active administrator now (the role is
    read again from the database, not taken from the screen)."""
    with database.reading() as uow:
        stored = uow.session.get(Operator, operator.operator_id)
        allowed = stored is not None and stored.active and stored.role == Role.ADMINISTRATOR
    if not allowed:
        raise PermissionDeniedError(
            f"only an administrator {doing}", code="permission.role", role=operator.role
        )


def reset_password_as(
    database: Database, administrator: SignedIn, operator_id: str, new_password: str
) -> None:
    require_administrator(database, administrator, "sets other operators' passwords")
    reset_password(database, administrator.operator_id, operator_id, new_password)


def set_active_as(
    database: Database, administrator: SignedIn, operator_id: str, *, active: bool
) -> None:
    """Deactivate (or reactivate) an operator: administrators only, audited."""
    require_administrator(database, administrator, "deactivates operators")
    set_active(database, administrator.operator_id, operator_id, active)


def unlock_as(database: Database, administrator: SignedIn, subject: str) -> None:
    """End a sign-in lockout of an operator id or (``counter``) of the whole counter."""
    require_administrator(database, administrator, "ends lockouts")
    unlock(database, administrator.operator_id, subject)


def operator_list(database: Database) -> list[SignedIn]:
    with database.reading() as uow:
        operators = uow.session.execute(select(Operator).order_by(Operator.id)).scalars().all()
        return [SignedIn(o.id, o.display_name, Role(o.role), o.tutoring_unit) for o in operators]
