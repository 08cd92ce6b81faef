"""One case at the counter: what the clerk has in front of them and what the rules allow.

The counter screen used to keep this state in widget attributes; here it is plain Python, so
the rules (may the clerk confirm? refer? which reason fits? is a late face result still wanted?)
are unit-tested without Qt. The screen holds one ``CounterSession``, feeds it what happened
(card placed, candidates found, face captured, match done, decision made) and shows it.

Threading contract: a session belongs to the GUI thread. Its methods are called from slots and
from worker callbacks delivered there; they never block, never do I/O and never touch widgets.
Work done elsewhere (look-ups, face templates, matching) reports back through the methods that
check the result is still wanted (``ephoto_ready``, ``matched``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from desk_app.domain.consent import consent_evidence
from desk_app.domain.decisions import (
    FACES_COMPARED_KEY,
    SECOND_LOOK_CODE,
    Actor,
    CounterEvidence,
    Scope,
    refusal,
)
from desk_app.domain.errors import DeskError
from desk_app.domain.liveness import (
    LivenessEvidence,
    check_liveness,
    liveness_required,
    tutoring_unit_case,
)
from desk_app.domain.matching import Band
from desk_app.domain.time import china_today
from desk_app.domain.visits import (
    VISIT_EVIDENCE_KEY,
    CapturedPage,
    ChecklistItem,
    Checklists,
    VisitReason,
    checklist_record,
    missing_items,
)
from desk_app.domain.workflow import Action, CandidateState, Method, ReasonCode, Role
from desk_app.idcard.portrait import find_wlt_decoder
from desk_app.idcard.protocol import CardRead, CardText
from desk_app.idcard.rules import ValidatedDocument
from desk_app.services.counter import (
    CandidateView,
    SignedIn,
    card_problems,
    mask_document_number,
    record_mismatches,
)
from desk_app.services.faces import LiveCapture, LookAlike
from desk_app.services.statistics import CASE_STARTED_KEY
from desk_app.services.visits import default_checklists, default_visit_reason
from desk_app.services.workflow import ChangeSet, Decision, Workstation
from desk_app.vision.ephoto import EPhoto
from desk_app.vision.verification import Reference, Verification

PortraitDecoder = Callable[[bytes], bytes]

# Challenges a candidate may try on one shot: a slip or a misunderstanding is retried at once; a
# third failure is for a supervisor.
MAX_CHALLENGES = 3


@dataclass(frozen=True)
class DecodedPortrait:
    """The chip portrait decoded (PNG or JPEG bytes), or the coded reason it is not there."""

    portrait: bytes | None
    error: DeskError | None = None


def portrait_failure(failure: BaseException) -> DeskError:
    """A decoder's uncoded failure, coded: the clerk is told there is no portrait."""
    return DeskError(f"the portrait decoder failed: {failure}", code="wlt.failed")


@dataclass(frozen=True)
class Slip:
    """What the confirmation slip shows (the UI paints it; see ``ui.slip``)."""

    name: str
    masked_document_number: str  # first 3 and last 4 characters only
    registration_id: str
    programme: str
    exam_area: str
    ticket_number: str
    confirmed_at: datetime
    site: str
    counter: str
    clerk: str
    photo: bytes | None
    consent: bool | None = None  # the candidate's answer to the processing notice
    visit_reason: VisitReason | None = None  # why the candidate came


class CounterSession:
    """The state of the case at the counter and the rules the screen's buttons mirror.

    ``WorkflowService`` checks role, scope and state again when a decision is made: these rules
    only decide what the clerk is offered. Runs on the GUI thread (see the module docstring).
    """

    def __init__(
        self,
        *,
        today: Callable[[], date] = china_today,
        find_decoder: Callable[[], PortraitDecoder | None] = find_wlt_decoder,
        scope: Scope | None = None,
        method: Method = Method.COUNTER,
        liveness_at_counters: bool = False,
        checklists: Checklists | None = None,
    ) -> None:
        self._today = today
        self._find_decoder = find_decoder
        self._scope = scope or Scope()  # the workstation's; queries already keep to it
        self._method = method
        self._liveness_at_counters = liveness_at_counters
        self.checklists = checklists or default_checklists()
        self.next_candidate()

    def next_candidate(self) -> None:
        """Forget the case: the next candidate steps up."""
        self.card: CardText | None = None
        self.card_portrait: bytes | None = None
        # Why the chip portrait could not be decoded (wlt.decoder_crashed...), for the screen and
        # the match record; None when it was decoded or no card was read.
        self.portrait_error: DeskError | None = None
        self.card_issues: list[DeskError] = []
        # The chip portrait is decoded off the GUI thread (a vendor library runs in a helper
        # process): True from the card's arrival until ``portrait_decoded``.
        self.portrait_pending = False
        # The card portrait's template, computed as soon as the portrait is there (before the
        # live face): the match after the capture then only compares templates.
        self.card_reference: Reference | None = None
        self.manual_document: ValidatedDocument | None = None
        self.candidate: CandidateView | None = None
        self.candidates_found: list[CandidateView] = []
        self.lookup_done = False
        self.capture: LiveCapture | None = None
        self.live_jpeg: bytes | None = None
        self.ephoto_reference: Reference | None = None
        self.verification: Verification | None = None
        self._forget_shot_results()
        self.last_change: ChangeSet | None = None
        self.slip_path: Path | None = None
        self.requested_action: Action | None = None
        # The candidate's answer to the processing notice: None until the clerk records it.
        self.consent: bool | None = None
        # When the case began (card placed, document typed, record chosen): the decision keeps
        # it so the statistics can tell the handling time (services.statistics).
        self.case_started_at: datetime | None = None
        self._clear_visit()
        self.pages: list[CapturedPage] = []  # supporting documents captured for the case

    # --- the reason of visit and its checklist --------------------------------------------------

    def _clear_visit(self) -> None:
        # Why the candidate came: proposed from the record and the card until the clerk picks.
        self.visit_reason: VisitReason | None = None
        self.visit_reason_picked = False
        self.ticked: set[str] = set()

    def _propose_visit_reason(self) -> None:
        if self.visit_reason_picked:
            return
        if self.candidate is None and self.card is None and self.manual_document is None:
            self.visit_reason = None
            return
        reason = default_visit_reason(
            self.candidate,
            self.card,
            manual_document=(self.manual_document.document_type if self.manual_document else None),
            today=self._today(),
        )
        if reason is not self.visit_reason:
            self.visit_reason, self.ticked = reason, set()

    def pick_visit_reason(self, reason: VisitReason) -> None:
        """The clerk's reason: the checklist changes with it, ticks start again."""
        if reason is not self.visit_reason:
            self.ticked = set()
        self.visit_reason, self.visit_reason_picked = reason, True

    def checklist(self) -> tuple[ChecklistItem, ...]:
        if self.visit_reason is None:
            return ()
        return self.checklists.for_reason(self.visit_reason)

    def tick(self, key: str, ticked: bool) -> None:
        if ticked and key in {item.key for item in self.checklist()}:
            self.ticked.add(key)
        else:
            self.ticked.discard(key)

    def checklist_missing(self) -> list[ChecklistItem]:
        """What is not yet seen: unticked items, and page items while no page was captured."""
        return missing_items(self.checklist(), self.ticked, len(self.pages))

    def page_captured(self, page: CapturedPage) -> bool:
        """A supporting document's page for the case; False (ignored) once decided."""
        if self.last_change is not None:
            return False
        self.pages.append(page)
        return True

    # --- the card or the typed-in document ---------------------------------------------------

    def decode_portrait(self, photo: bytes) -> DecodedPortrait:
        """The chip portrait of a card. Any thread: reads no session state (the screen runs it
        on a worker; a vendor decoder runs a helper process). Without a decoder, or when it
        fails, there is none, and the clerk compares the printed photo by eye."""
        try:
            # Finding it loads plug-ins and reads the settings: it can fail too.
            decoder = self._find_decoder()
            if decoder is None:
                return DecodedPortrait(None)
            return DecodedPortrait(decoder(photo))
        except DeskError as failure:  # the product's adapter: coded (crash, timeout...)
            return DecodedPortrait(None, failure)
        except Exception as failure:  # a vendor plug-in: any failure means "no portrait"
            return DecodedPortrait(None, portrait_failure(failure))

    def card_read(self, read: CardRead) -> None:
        """A card on the chip reader, its portrait decoded here (blocking; the screen uses
        ``card_arrived`` and ``portrait_decoded`` so that decoding runs on a worker)."""
        self.card_arrived(read.text)
        self.portrait_decoded(read.text, self.decode_portrait(read.photo))

    def card_arrived(self, card: CardText) -> None:
        """A new case from the chip reader's text; the portrait follows (``portrait_decoded``)."""
        self.card_placed(card, None)
        self.portrait_pending = True

    def portrait_decoded(self, card: CardText, decoded: DecodedPortrait) -> bool:
        """The portrait of ``card``; False (and ignored) when another case started since."""
        if card is not self.card or not self.portrait_pending:
            return False
        self.portrait_pending = False
        self.card_portrait, self.portrait_error = decoded.portrait, decoded.error
        return True

    def card_template_ready(self, portrait: bytes, reference: Reference) -> bool:
        """The template of ``portrait``; False (and ignored) when the card changed since."""
        if portrait is not self.card_portrait:
            return False
        self.card_reference = reference
        return True

    def card_reference_for_match(self) -> Reference | None:
        """The card side of the three-way match, or None while it is still being computed
        (the portrait decoding or its template)."""
        if self.card is None or self.card_portrait is None:
            if self.portrait_pending:
                return None
            missing = self.portrait_error.code if self.portrait_error else ""
            return Reference(None, missing or "card.portrait_unavailable")
        return self.card_reference

    def card_placed(
        self, card: CardText, portrait: bytes | None, seen: Sequence[DeskError] = ()
    ) -> None:
        """A new case from a card; ``seen`` are problems the camera reader found on the image
        (kept unless the card checks already report the same code)."""
        self.next_candidate()
        self.case_started_at = datetime.now(UTC)
        self.card, self.card_portrait = card, portrait
        issues = card_problems(card, self._today())
        known = {issue.code for issue in issues}
        self.card_issues = issues + [problem for problem in seen if problem.code not in known]
        self._propose_visit_reason()

    def document_typed(self, document: ValidatedDocument) -> None:
        """A new case from a document without chip: looked up like a card, only referable."""
        self.next_candidate()
        self.case_started_at = datetime.now(UTC)
        self.manual_document = document
        self._propose_visit_reason()

    # --- the pre-registration -----------------------------------------------------------------

    def lookup_answered(self, found: list[CandidateView]) -> list[CandidateView]:
        """A look-up's answer; returns the records to offer. With a card, records with exactly
        its number win over looser matches; a single record offered is chosen at once."""
        self.lookup_done = True
        self.candidates_found = found
        offered = found
        if self.card is not None:
            exact = [c for c in found if c.document_number == self.card.id_number]
            offered = exact or found
        self.choose(offered[0] if len(offered) == 1 else None)
        return offered

    def found_record(self, registration_id: str) -> CandidateView | None:
        """The record with this registration id among the last look-up's answer."""
        chosen = [c for c in self.candidates_found if c.registration_id == registration_id]
        return chosen[0] if chosen else None

    def choose(self, candidate: CandidateView | None) -> None:
        """The clerk's record (or none): any face work done for the previous one is dropped."""
        if (
            candidate is None
            or self.candidate is None
            or (candidate.registration_id != self.candidate.registration_id)
        ):
            self.consent = None  # another person: the notice is shown again
        if candidate is not None and self.case_started_at is None:
            self.case_started_at = datetime.now(UTC)  # a roster pick: no card came first
        previous = self.candidate
        if candidate is None or (
            previous is not None and candidate.registration_id != previous.registration_id
        ):
            self._clear_visit()  # another person: their own reason and checklist
        self.candidate = candidate
        self.capture = self.live_jpeg = self.verification = self.ephoto_reference = None
        self._forget_shot_results()
        self._propose_visit_reason()

    # --- notice and consent --------------------------------------------------------------------

    def needs_consent(self) -> bool:
        """Show the processing notice: a record waits for its first capture, no answer yet."""
        return self.wants_capture() and self.last_change is None and self.consent is None

    def consent_recorded(self, given: bool) -> None:
        """The clerk records the candidate's answer. A refusal drops any shot taken."""
        if self.candidate is None or self.last_change is not None:
            return
        self.consent = given
        if not given:
            self.capture = self.live_jpeg = self.verification = None
            self._forget_shot_results()

    def wants_capture(self) -> bool:
        """Whether the record is one whose face would be taken (undecided ones)."""
        return self.candidate is not None and self.candidate.state is CandidateState.PRE_REGISTERED

    def may_capture(self) -> bool:
        """Whether the face worker may arm itself: the candidate consented to face processing."""
        return self.wants_capture() and self.consent is True

    def undecided(self) -> bool:
        """A record is chosen and no decision was made on it here: faces may be taken."""
        return self.candidate is not None and self.last_change is None

    # --- the face ------------------------------------------------------------------------------

    def ephoto_ready(
        self, candidate: CandidateView, reference: Reference | None, *, failed: bool = False
    ) -> bool:
        """The e-photo's template (or ``failed``); False when the clerk left that record."""
        if candidate is not self.candidate:
            return False
        self.ephoto_reference = (
            reference if not failed and reference is not None else Reference(None, "engine.failed")
        )
        return True

    def captured(self, capture: LiveCapture, jpeg: bytes) -> bool:
        """A best shot; False (and ignored) with no record, without consent or after the
        decision."""
        if not self.undecided() or self.consent is not True:
            return False
        self.capture, self.live_jpeg = capture, jpeg
        return True

    def retake(self) -> bool:
        """Drop the shot and its match; False when there is nothing to retake."""
        if not self.undecided():
            return False
        self.capture = self.live_jpeg = self.verification = None
        self._forget_shot_results()
        return True

    # --- what is made of the shot --------------------------------------------------------------

    def _forget_shot_results(self) -> None:
        # The standard registration photo made from the shot (issue 15), for the clerk to see
        # before confirming; and the liveness challenge running on the shot (asked, not yet
        # judged), its judged result and its evidence frames (JPEG): all belong to one shot.
        self.standard_photo: EPhoto | None = None
        self.standard_photo_done = False
        # Other confirmed candidates whose face matches the shot (issue 17's second look).
        self.look_alikes: tuple[LookAlike, ...] = ()
        # The clerk compared the faces of a near-miss pass side by side (compared_side_by_side).
        self.faces_compared = False
        self.challenge: tuple[str, ...] | None = None
        self.liveness: LivenessEvidence | None = None
        self.liveness_frames: tuple[bytes, ...] = ()
        self.challenges_asked = 0

    def look_alikes_ready(self, capture: LiveCapture, found: Sequence[LookAlike]) -> bool:
        """The confirmed candidates whose face matches ``capture``; False (and ignored) when
        the shot changed since."""
        if capture is not self.capture:
            return False
        self.look_alikes = tuple(found)
        return True

    def standard_photo_ready(self, capture: LiveCapture, photo: EPhoto | None) -> bool:
        """The registration photo made from ``capture`` (None: no face to make one from);
        False (and ignored) when the shot changed since."""
        if capture is not self.capture:
            return False
        self.standard_photo = photo
        self.standard_photo_done = True
        return True

    # --- the liveness challenge ----------------------------------------------------------------

    def liveness_required(self, operator: SignedIn | None) -> bool:
        role = operator.role if operator is not None else None
        return liveness_required(self._method, at_counters=self._liveness_at_counters, role=role)

    def challenge_wanted(self, operator: SignedIn | None) -> bool:
        """Start a challenge now: a shot is there, none is running or judged, one is required."""
        return (
            self.undecided()
            and self.capture is not None
            and self.challenge is None
            and self.liveness is None
            and self.liveness_required(operator)
        )

    def challenge_started(self, capture: LiveCapture, challenge: Sequence[str]) -> bool:
        if capture is not self.capture or not self.undecided():
            return False
        self.challenge = tuple(challenge)
        self.challenges_asked += 1
        return True

    def challenge_judged(
        self, capture: LiveCapture, evidence: LivenessEvidence, frames: Sequence[bytes]
    ) -> bool:
        """The judged challenge of ``capture``; False (and ignored) when the shot changed."""
        if capture is not self.capture or self.challenge is None or not self.undecided():
            return False
        self.challenge = None
        self.liveness, self.liveness_frames = evidence, tuple(frames)
        return True

    def liveness_failed(self) -> bool:
        return self.liveness is not None and not self.liveness.passed

    def may_retry_challenge(self) -> bool:
        return (
            self.undecided()
            and self.liveness_failed()
            and self.liveness is not None
            and self.liveness.overridden_by is None
            and self.challenges_asked < MAX_CHALLENGES
        )

    def retry_challenge(self) -> bool:
        """Ask a new challenge on the same shot (the judged one is dropped, its count kept)."""
        if not self.may_retry_challenge():
            return False
        self.liveness, self.liveness_frames = None, ()
        return True

    def may_override_liveness(self, operator: SignedIn | None) -> bool:
        """A failed challenge a supervisor could accept: never for a tutoring unit."""
        role = operator.role if operator is not None else None
        return (
            self.undecided()
            and self.liveness_failed()
            and self.liveness is not None
            and self.liveness.overridden_by is None
            and not tutoring_unit_case(self._method, role)
        )

    def liveness_overridden(self, evidence: LivenessEvidence) -> bool:
        """A supervisor accepted the failed challenge (``services.liveness`` checked the role)."""
        if not self.liveness_failed() or evidence.overridden_by is None:
            return False
        self.liveness = evidence
        return True

    def ready_to_match(self) -> bool:
        """The shot and both references (e-photo, card side) are there."""
        return (
            self.capture is not None
            and self.ephoto_reference is not None
            and self.card_reference_for_match() is not None
        )

    def is_current(self, candidate: CandidateView | None, capture: LiveCapture | None) -> bool:
        """Whether work started for this record and shot is still wanted."""
        return candidate is self.candidate and capture is self.capture

    def matched(
        self,
        candidate: CandidateView | None,
        capture: LiveCapture | None,
        verification: Verification,
    ) -> bool:
        """The three-way match for ``capture``; False (and ignored) when the clerk has moved
        on to another record or shot since it was started."""
        if not self.is_current(candidate, capture):
            return False
        self.verification = verification
        self.faces_compared = False  # a new match: a near miss gets its own look
        return True

    def second_look_wanted(self) -> bool:
        """The match passes only just: Confirm first shows the faces side by side."""
        return (
            self.verification is not None
            and self.verification.result().near_miss
            and not self.faces_compared
        )

    def compared_side_by_side(self) -> None:
        """The clerk looked at the near miss's faces side by side and judged them the same
        person: recorded with the decision, and Confirm goes ahead."""
        if self.verification is not None and self.undecided():
            self.faces_compared = True

    # --- the rules -----------------------------------------------------------------------------

    def confirm_allowed(self, operator: SignedIn | None, card_photo_checked_by_eye: bool) -> bool:
        """Whether Confirm is offered: the domain's decision rule, given the record, the operator
        and the evidence on screen, allows it (and the case is not decided already). A near miss
        not yet compared is offered: Confirm then shows the faces side by side first."""
        refused = self.confirm_refusal(operator, card_photo_checked_by_eye)
        return refused is None or refused.code == SECOND_LOOK_CODE

    def confirm_refusal(
        self, operator: SignedIn | None, card_photo_checked_by_eye: bool
    ) -> DeskError | None:
        """Why Confirm is not offered (None when it is), as the decision rule words it."""
        candidate = self.candidate
        if operator is None or candidate is None:
            return DeskError("no candidate on the counter", code="counter.no_case")
        if self.last_change is not None:
            return DeskError("this case is decided", code="counter.decided")
        if self.consent is not True:
            return DeskError(
                "without consent to face processing the case goes to a supervisor",
                code="counter.no_consent",
            )
        if self.checklist_missing():
            return DeskError(
                "the evidence checklist is incomplete: the case can only be referred",
                code="visit.checklist_incomplete",
            )
        card = self.card
        evidence = CounterEvidence(
            card_number=card.id_number if card is not None else None,
            card_problems=tuple(issue.code for issue in self.card_issues),
            record_mismatches=tuple(record_mismatches(card, candidate)) if card else (),
            face=self.verification.result() if self.verification is not None else None,
            card_photo_checked_by_eye=card_photo_checked_by_eye,
            faces_compared=self.faces_compared,
        )
        refused = refusal(
            Action.CONFIRM,
            candidate.case(),
            Actor(operator.operator_id, operator.role, operator.tutoring_unit),
            self._scope,
            evidence=evidence,
        )
        if refused is not None:
            return refused
        try:
            check_liveness(
                Action.CONFIRM,
                self.liveness,
                method=self._method,
                role=operator.role,
                at_counters=self._liveness_at_counters,
                # An override is only recorded here after the service checked the role.
                overrider_role=Role.SUPERVISOR,
            )
        except DeskError as error:
            return error
        return None

    def may_refer_or_reject(self, operator: SignedIn | None) -> bool:
        return (
            operator is not None
            and self.candidate is not None
            and self.last_change is None
            and self.candidate.state is CandidateState.PRE_REGISTERED
        )

    def suggested_reason(self) -> ReasonCode:
        """The reason the refer / reject dialog proposes, from what is wrong with the case."""
        if self.consent is False:
            return ReasonCode.CONSENT_REFUSED
        if self.manual_document is not None:
            return ReasonCode.DOCUMENT_WITHOUT_CHIP
        if self.card_issues:
            expired = any(issue.code == "card.expired" for issue in self.card_issues)
            return ReasonCode.DOCUMENT_EXPIRED if expired else ReasonCode.DOCUMENT_INVALID
        card, candidate = self.card, self.candidate
        if card is not None and candidate is not None and record_mismatches(card, candidate):
            return ReasonCode.DATA_MISMATCH
        if self.verification is not None and self.verification.decision is Band.FAIL:
            return ReasonCode.FACE_MISMATCH
        if self.liveness_failed():
            return ReasonCode.LIVENESS_FAILED
        return ReasonCode.FACE_SCORE_LOW

    def decision(
        self,
        reason: ReasonCode | None = None,
        note: str = "",
        *,
        card_photo_checked_by_eye: bool,
    ) -> Decision:
        """The decision with its evidence: the card read, the typed-in document, the scores,
        the version the clerk was looking at and the live capture."""
        evidence: dict[str, Any] = {}
        if self.card is not None:
            evidence["card_number"] = self.card.id_number
            evidence["card_problems"] = [problem.code for problem in self.card_issues]
            evidence["card_photo_checked_by_eye"] = card_photo_checked_by_eye
        if self.manual_document is not None:
            evidence["manual_document"] = {
                "type": self.manual_document.document_type.value,
                "number": self.manual_document.number,
            }
        if self.verification is not None and self.verification.result().near_miss:
            evidence[FACES_COMPARED_KEY] = self.faces_compared
        if self.consent is not None:
            evidence["consent"] = consent_evidence(self.consent)
        if self.case_started_at is not None:
            evidence[CASE_STARTED_KEY] = self.case_started_at.isoformat()
        if self.visit_reason is not None:
            evidence[VISIT_EVIDENCE_KEY] = checklist_record(
                self.visit_reason, self.checklist(), self.ticked
            )
        return Decision(
            reason=reason,
            note=note,
            evidence=evidence,
            scores=self.verification.as_record() if self.verification else {},
            expected_version=self.candidate.version if self.candidate else None,
            live_capture=self.capture if self.consent is True else None,
            liveness=self.liveness if self.consent is True else None,
            liveness_frames=self.liveness_frames if self.consent is True else (),
            visit_reason=self.visit_reason,
            pages=tuple(self.pages),
        )

    # --- after the decision --------------------------------------------------------------------

    def deciding(self, action: Action) -> None:
        """The clerk asked for ``action`` (the service may turn a confirmation into a referral)."""
        self.requested_action = action

    def decided(self, change: ChangeSet) -> None:
        """The service's answer: the record as it is now."""
        self.last_change = change
        if self.candidate is not None:
            self.candidate = dataclasses.replace(
                self.candidate,
                state=change.new_state,
                version=change.version,
                ticket_number=change.ticket_number or self.candidate.ticket_number,
            )

    def duplicate_face_alert(self) -> bool:
        """The service turned the confirmation into a referral: the face is someone else's."""
        change = self.last_change
        return (
            change is not None
            and self.requested_action is Action.CONFIRM
            and change.action is Action.REFER
        )

    def slip(
        self, operator: SignedIn | None, workstation: Workstation, now: datetime
    ) -> Slip | None:
        """The slip for a decision that issued a ticket number, else None."""
        change, candidate = self.last_change, self.candidate
        if change is None or candidate is None or operator is None or not change.ticket_number:
            return None
        return Slip(
            name=candidate.name,
            masked_document_number=mask_document_number(candidate.document_number),
            registration_id=candidate.registration_id,
            programme=f"{candidate.programme_code} {candidate.programme_name}",
            exam_area=candidate.exam_area,
            ticket_number=change.ticket_number,
            confirmed_at=now,
            site=workstation.site_id,
            counter=workstation.counter_id,
            clerk=operator.display_name,
            photo=self.live_jpeg or candidate.ephoto,
            consent=self.consent,
            visit_reason=self.visit_reason,
        )

    def slip_saved(self, path: Path) -> None:
        self.slip_path = path
