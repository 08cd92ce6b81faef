"""The counter screen: the clerk's whole day (and, with the roster, the tutoring unit's).

Card on the reader → the pre-registration found by its number → the live face captured when the
quality gate passes → three-way match → Confirm (Enter) / Refer / Reject → the ticket number,
large, and the slip. Every decision goes through ``WorkflowService``, which checks the role and
scope again: the buttons only mirror what the service would allow.

The case and its rules live in one ``CounterSession`` (core, no Qt); this module wires the
panels, the keys and the workers to it, and words what it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.liveness import LivenessEvidence
from desk_app.domain.time import CHINA_TIME
from desk_app.domain.workflow import Action, ReasonCode, Role
from desk_app.idcard.portrait import find_wlt_decoder
from desk_app.idcard.protocol import CardRead, CardText
from desk_app.idcard.rules import ValidatedDocument
from desk_app.services.counter import (
    CandidateView,
    SignedIn,
    UnitProgress,
)
from desk_app.services.counter_session import (
    CounterSession,
    DecodedPortrait,
    Slip,
    portrait_failure,
)
from desk_app.services.faces import LiveCapture
from desk_app.services.liveness import (
    evidence_of,
    judge_settings,
    new_challenge,
    override_failed_challenge,
    record_challenge,
)
from desk_app.services.workflow import ChangeSet, Decision
from desk_app.vision.images import RGBImage
from desk_app.vision.liveness.judge import Prompt, Reason
from ui.card_camera import CameraCard, CameraCardReader
from ui.context import Services
from ui.counter.candidate_panel import CandidatePanel
from ui.counter.card_panel import CardPanel
from ui.counter.challenge import ChallengeOverlay
from ui.counter.consent import ConsentBar
from ui.counter.face_matching import FaceMatching
from ui.counter.liveness_bar import LivenessBar, SupervisorAcceptDialog
from ui.counter.match_panel import MatchPanel
from ui.counter.outcome import OutcomePanel
from ui.counter.roster_panel import RosterPanel
from ui.counter.visit_panel import VisitPanel
from ui.dialogs import ManualDocumentDialog, ReasonDialog
from ui.texts import error_text
from ui.widgets import FAIL_COLOUR, PASS_COLOUR, CameraPreview, heading_font
from ui.workers import ChallengeEnded, ChallengeRequest

# A challenge whose prompts stop (the camera unplugged, the worker stalled) is ended after this
# long without a judged frame: the judge itself only hears of time passing through frames. The
# first frame may wait behind the face worker's jobs (templates, the match, the photo).
CHALLENGE_SILENCE_MS = 2000
CHALLENGE_FIRST_FRAME_MS = 10_000

FRONT_DESK_REASONS = [
    ReasonCode.FACE_SCORE_LOW,
    ReasonCode.FACE_MISMATCH,
    ReasonCode.DOCUMENT_WITHOUT_CHIP,
    ReasonCode.DOCUMENT_INVALID,
    ReasonCode.DOCUMENT_EXPIRED,
    ReasonCode.DATA_MISMATCH,
    ReasonCode.ATTEMPTS_EXHAUSTED,
    ReasonCode.PRIOR_DIPLOMA,
    ReasonCode.IMPERSONATION,
    ReasonCode.DUPLICATE_REGISTRATION,
    ReasonCode.LIVENESS_FAILED,
    ReasonCode.CANDIDATE_REQUEST,
    ReasonCode.OTHER,
]


class CounterScreen(QWidget):
    """One candidate at a time; ``decided`` carries each decision's change set.

    Runs on the GUI thread; database work goes to ``services.operations``, face work to the
    face worker, and both call back here on the GUI thread.
    """

    decided = Signal(object)  # ChangeSet
    message = Signal(str)

    def __init__(self, services: Services, preview: CameraPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        # The newest camera frame, for reading the card held up to the camera (set by the window).
        self.latest_frame: Callable[[], RGBImage | None] = lambda: None
        self.operator: SignedIn | None = None
        self.preview = preview
        faces_settings = services.application.settings.faces  # the --config file's, too
        workstation = services.application.workstation
        self.session = CounterSession(
            scope=workstation.scope,
            find_decoder=lambda: find_wlt_decoder(faces_settings),
            method=workstation.method,
            liveness_at_counters=workstation.liveness_at_counters,
            checklists=services.application.checklists,
        )
        self._challenge_silence = QTimer(self)
        self._challenge_silence.setSingleShot(True)
        self._challenge_silence.timeout.connect(self._challenge_went_silent)
        self.faces = FaceMatching(
            self.session, services, shown=self._show_all, failed=self.show_error
        )
        self._build()
        face_worker = services.face_worker
        if face_worker is not None:
            face_worker.captured.connect(self.on_captured)
            face_worker.challenge_prompt.connect(self.on_challenge_prompt)
            face_worker.challenge_ended.connect(self.on_challenge_ended)

    # --- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QHBoxLayout(self)
        self.roster_panel = RosterPanel()
        self.roster_panel.chosen.connect(self._roster_chosen)
        outer.addWidget(self.roster_panel)

        left = QVBoxLayout()
        self.test_camera_banner = QLabel(
            self.tr(
                "TEST CAMERA: this counter shows recorded pictures, not a live camera. "
                "Do not confirm real candidates."
            )
        )
        self.test_camera_banner.setStyleSheet(
            f"background: {FAIL_COLOUR}; color: white; font-weight: bold; padding: 8px;"
        )
        self.test_camera_banner.setWordWrap(True)
        self.test_camera_banner.hide()
        left.addWidget(self.test_camera_banner)
        left.addWidget(self.preview, 1)
        self.challenge_overlay = ChallengeOverlay(self.preview, mirrored=self.preview.mirrored)
        self.liveness_bar = LivenessBar(self.session)
        self.liveness_bar.retry_button.clicked.connect(self.retry_challenge)
        self.liveness_bar.override_button.clicked.connect(self._ask_supervisor_accept)
        left.addWidget(self.liveness_bar)
        actions = QHBoxLayout()
        self.confirm_button = QPushButton(self.tr("Confirm (Enter)"))
        self.refer_button = QPushButton(self.tr("Refer to supervisor (F6)"))
        self.reject_button = QPushButton(self.tr("Reject (F8)"))
        self.retake_button = QPushButton(self.tr("Retake (F5)"))
        self.capture_button = QPushButton(self.tr("Capture (Space)"))
        self.next_button = QPushButton(self.tr("Next candidate (F12)"))
        for button in (
            self.confirm_button,
            self.refer_button,
            self.reject_button,
            self.capture_button,
            self.retake_button,
            self.next_button,
        ):
            button.setMinimumHeight(44)
            button.setFont(heading_font(12))
            actions.addWidget(button)
        self.confirm_button.setStyleSheet(
            f"QPushButton:enabled {{ background: {PASS_COLOUR}; color: white; }}"
        )
        self.confirm_button.clicked.connect(self.confirm)
        self.refer_button.clicked.connect(self._ask_refer)
        self.reject_button.clicked.connect(self._ask_reject)
        self.retake_button.clicked.connect(self.retake)
        self.capture_button.clicked.connect(self.capture_now)
        self.next_button.clicked.connect(self.next_candidate)
        left.addLayout(actions)
        self.outcome = OutcomePanel(self.session, self.services.operations, self.slip)
        self.outcome.failed.connect(self.show_error)
        left.addWidget(self.outcome)
        outer.addLayout(left, 3)

        right = QVBoxLayout()
        outer.addLayout(right, 2)
        self.card_panel = CardPanel(self.session)
        self.card_panel.camera_card_button.clicked.connect(self.read_card_with_camera)
        self.card_panel.manual_button.clicked.connect(self._ask_manual_document)
        right.addWidget(self.card_panel)
        self.candidate_panel = CandidatePanel(self.session)
        self.candidate_panel.search_requested.connect(self.lookup)
        self.candidate_panel.chosen.connect(self._choose)
        right.addWidget(self.candidate_panel)
        self.visit_panel = VisitPanel(
            self.session,
            self.services.operations,
            self.services.application.document_reader,
            lambda: self.latest_frame(),
            config_error=self.services.application.checklists_error,
        )
        self.visit_panel.changed.connect(self._update_actions)
        right.addWidget(self.visit_panel)
        self.consent_bar = ConsentBar(self.session)
        self.consent_bar.answered.connect(self.record_consent)
        right.addWidget(self.consent_bar)
        self.match_panel = MatchPanel(self.session)
        self.match_panel.card_checked.toggled.connect(self._update_actions)
        right.addWidget(self.match_panel, 1)

        QShortcut(QKeySequence(Qt.Key.Key_Return), self, self._enter_pressed)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self, self._enter_pressed)
        QShortcut(QKeySequence(Qt.Key.Key_F6), self, self._ask_refer)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self._ask_reject)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.retake)
        QShortcut(QKeySequence(Qt.Key.Key_F7), self, self.retry_challenge)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self._space_pressed)
        QShortcut(QKeySequence(Qt.Key.Key_F12), self, self.next_candidate)
        QShortcut(QKeySequence(Qt.Key.Key_F9), self, self.visit_panel.capture_page)
        self._show_all()

    # Window-wide shortcuts take Enter and Space before a text field sees them: give them back.

    def _enter_pressed(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.returnPressed.emit()
        else:
            self.confirm()

    def _space_pressed(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.insert(" ")
        else:
            self.capture_now()

    # --- operator ---------------------------------------------------------------------------

    def set_operator(self, operator: SignedIn | None) -> None:
        self.operator = operator
        self.liveness_bar.operator = operator
        in_unit = operator is not None and operator.role is Role.TUTORING_UNIT_STAFF
        self.roster_panel.setVisible(in_unit)
        self.roster_panel.clear()  # never another operator's class on screen
        self.next_candidate()
        if in_unit:
            self.refresh_roster()

    # --- the roster (tutoring-unit staff) ---------------------------------------------------

    def refresh_roster(self) -> None:
        operator = self.operator
        if operator is None or operator.role is not Role.TUTORING_UNIT_STAFF:
            return
        queries = self.services.queries

        def work() -> tuple[list[CandidateView], UnitProgress]:
            return queries.unit_roster(operator), queries.unit_progress(operator)

        self.services.operations.run(
            work, on_success=self.roster_panel.show_roster, on_failure=self.show_error
        )

    def _roster_chosen(self, registration_id: str) -> None:
        operator = self.operator
        if operator is None:
            return
        queries = self.services.queries
        self.services.operations.run(
            lambda: queries.by_registration_id(operator, registration_id),
            on_success=lambda view: self._candidates_found([view] if view else []),
            on_failure=self.show_error,
        )

    # --- the card and the look-up -------------------------------------------------------------

    @Slot(object)
    def on_card(self, read: CardRead) -> None:
        """A card was placed on the reader: a new candidate steps up."""
        if self.operator is None:
            return
        self.next_candidate()
        session, card = self.session, read.text
        session.card_arrived(card)
        # No pre-roll of face frames here: no face is analysed before the candidate consents.
        self._show_all()
        self.lookup(card.id_number)
        # The portrait is decoded on a worker (a vendor library runs in a helper process, which
        # would hold the GUI), and its template computed at once, before any live face.
        self.services.operations.run(
            lambda: session.decode_portrait(read.photo),
            on_success=lambda decoded: self._portrait_decoded(card, decoded),
            # Not expected (decoding returns its failures); even so the match must not wait.
            on_failure=lambda error: self._portrait_decoded(
                card, DecodedPortrait(None, portrait_failure(error))
            ),
            worker="card",
        )

    def _portrait_decoded(self, card: CardText, decoded: DecodedPortrait) -> None:
        if not self.session.portrait_decoded(card, decoded):
            return  # another case since
        self.faces.card_portrait()
        self.faces.match_when_ready()  # no portrait: the match waited only for this answer
        self._show_all()

    def lookup(self, text: str) -> None:
        operator = self.operator
        if operator is None:
            return
        queries = self.services.queries
        self.services.operations.run(
            lambda: queries.search(operator, text),
            on_success=self._candidates_found,
            on_failure=self.show_error,
        )

    def _candidates_found(self, found: list[CandidateView]) -> None:
        offered = self.session.lookup_answered(found)
        self.candidate_panel.show_offered(offered)
        self._candidate_changed()

    def _choose(self, candidate: CandidateView | None) -> None:
        self.session.choose(candidate)
        self._candidate_changed()

    def _candidate_changed(self) -> None:
        self._end_challenge_display()
        self._show_all()
        self.faces.start()

    def show_test_camera_banner(self) -> None:
        """A file or folder camera outside the demo: the red banner stays on the screen."""
        self.test_camera_banner.show()

    # --- notice and consent -------------------------------------------------------------------

    def record_consent(self, given: bool) -> None:
        """The candidate's answer to the processing notice: consent arms the camera; a refusal
        refers the case to a supervisor with no face taken."""
        self.session.consent_recorded(given)
        if given:
            self.faces.arm()  # the e-photo's template is already on its way since the record
            self._show_all()
            return
        self._show_all()
        self.refer(ReasonCode.CONSENT_REFUSED, self.tr("Consent to face processing refused"))

    # --- the face ---------------------------------------------------------------------------

    @Slot(object, bytes)
    def on_captured(self, capture: LiveCapture, jpeg: bytes) -> None:
        if not self.session.captured(capture, jpeg):
            return
        self.match_panel.show_live(jpeg)
        self.faces.match_when_ready()
        self.faces.standard_photo()
        if self.operator is not None:
            self.faces.look_alikes(self.operator.operator_id)
        self.start_challenge()
        self._show_all()

    def capture_now(self) -> None:
        if self.services.face_worker is not None and self.session.may_capture():
            self.services.face_worker.capture_now()

    def retake(self) -> None:
        if not self.session.retake():
            return
        self._end_challenge_display()
        self.match_panel.show_capturing()
        if self.services.face_worker is not None:
            self.services.face_worker.arm()
        self._show_all()

    # --- the liveness challenge ------------------------------------------------------------

    def start_challenge(self) -> None:
        """After the best shot: a random challenge on the frames that follow (when required)."""
        session, face_worker = self.session, self.services.face_worker
        capture = session.capture
        if face_worker is None or capture is None or not session.challenge_wanted(self.operator):
            return
        settings = self.services.application.settings
        actions = new_challenge()
        request = ChallengeRequest(
            capture,
            actions,
            judge_settings(settings),
            same_person_limit=self.services.thresholds.live_ephoto_review,
        )
        session.challenge_started(capture, [action.value for action in actions])
        face_worker.challenge(request)
        self._challenge_silence.start(CHALLENGE_FIRST_FRAME_MS)

    def retry_challenge(self) -> None:
        if self.session.retry_challenge():
            self.challenge_overlay.clear()
            self.start_challenge()
            self._show_all()

    @Slot(object, object)
    def on_challenge_prompt(self, request: ChallengeRequest, prompt: Prompt) -> None:
        if request.capture is not self.session.capture or self.session.challenge is None:
            return
        self._challenge_silence.start(CHALLENGE_SILENCE_MS)
        self.challenge_overlay.show_prompt(prompt)

    @Slot(object)
    def on_challenge_ended(self, ended: ChallengeEnded) -> None:
        evidence = evidence_of(ended.result)
        if not self.session.challenge_judged(ended.request.capture, evidence, ended.frames):
            return
        self._challenge_silence.stop()
        self.challenge_overlay.show_result(ended.result)
        self._record_challenge(evidence)
        self._show_all()

    def _challenge_went_silent(self) -> None:
        """No judged frame for a while: the check ends as interrupted (it may be asked again)."""
        session = self.session
        capture, challenge = session.capture, session.challenge
        if capture is None or challenge is None:
            return
        if self.services.face_worker is not None:
            self.services.face_worker.end_challenge()
        evidence = LivenessEvidence(challenge, passed=False, code=Reason.CAPTURE_GAP.value)
        session.challenge_judged(capture, evidence, ())
        self.challenge_overlay.clear()
        self._record_challenge(evidence)
        self._show_all()

    def _record_challenge(self, evidence: LivenessEvidence) -> None:
        candidate, operator = self.session.candidate, self.operator
        if candidate is None or operator is None:
            return
        database, registration_id = self.services.application.database, candidate.registration_id
        self.services.operations.run(
            lambda: record_challenge(database, operator.operator_id, registration_id, evidence),
            on_success=lambda _: None,
            on_failure=self.show_error,
        )

    def _ask_supervisor_accept(self) -> None:
        if not self.session.may_override_liveness(self.operator):
            return
        dialog = SupervisorAcceptDialog(self)
        if dialog.exec():
            self.accept_failed_liveness(*dialog.answer())

    def accept_failed_liveness(self, supervisor_id: str, password: str, reason: str) -> None:
        """A supervisor at this counter signs in (throttled and audited like any sign-in) and
        accepts the failed challenge with a reason; the service checks the role again."""
        session = self.session
        judged, candidate = session.liveness, session.candidate
        if not session.may_override_liveness(self.operator) or judged is None or candidate is None:
            return
        queries, database = self.services.queries, self.services.application.database
        registration_id = candidate.registration_id

        def work() -> LivenessEvidence:
            queries.sign_in(supervisor_id, password)
            return override_failed_challenge(
                database, supervisor_id, registration_id, judged, reason
            )

        def accepted(evidence: LivenessEvidence) -> None:
            if session.candidate is candidate and session.liveness is judged:
                session.liveness_overridden(evidence)
                self._show_all()

        self.services.operations.run(work, on_success=accepted, on_failure=self.show_error)

    def _end_challenge_display(self) -> None:
        self._challenge_silence.stop()
        self.challenge_overlay.clear()

    # --- decisions --------------------------------------------------------------------------

    def confirm_allowed(self) -> bool:
        return self.session.confirm_allowed(
            self.operator, self.match_panel.card_checked.isChecked()
        )

    def _decision(self, reason: ReasonCode | None = None, note: str = "") -> Decision:
        return self.session.decision(
            reason, note, card_photo_checked_by_eye=self.match_panel.card_checked.isChecked()
        )

    def confirm(self) -> None:
        if not self.confirm_allowed() or self.session.candidate is None or self.operator is None:
            return
        if self.session.second_look_wanted():
            # A pass just under its limit: the faces side by side first (issue 17).
            self.match_panel.second_look(self._confirm_after_second_look, self._ask_refer)
            return
        self._run_decision(Action.CONFIRM, self._decision())

    def _confirm_after_second_look(self) -> None:
        self.session.compared_side_by_side()
        self.confirm()

    def refer(self, reason: ReasonCode, note: str = "") -> None:
        if not self.session.may_refer_or_reject(self.operator):
            return
        self._run_decision(Action.REFER, self._decision(reason, note))

    def reject(self, reason: ReasonCode, note: str = "") -> None:
        if not self.session.may_refer_or_reject(self.operator):
            return
        self._run_decision(Action.REJECT, self._decision(reason, note))

    def _run_decision(self, action: Action, decision: Decision) -> None:
        candidate, operator = self.session.candidate, self.operator
        assert candidate is not None and operator is not None
        workflow = self.services.application.workflow
        method = {
            Action.CONFIRM: workflow.confirm,
            Action.REFER: workflow.refer,
            Action.REJECT: workflow.reject,
        }[action]
        registration_id, operator_id = candidate.registration_id, operator.operator_id
        self.session.deciding(action)
        self._set_buttons_enabled(False)
        self.services.operations.run(
            lambda: method(registration_id, operator_id, decision),
            on_success=self._decided,
            on_failure=self._decision_failed,
        )

    def _decided(self, change: ChangeSet) -> None:
        self.session.decided(change)
        if self.services.face_worker is not None:
            self.services.face_worker.disarm()
        self._challenge_silence.stop()
        self._show_all()
        self.decided.emit(change)
        self.refresh_roster()

    def _decision_failed(self, error: BaseException) -> None:
        self.show_error(error)
        self._update_actions()

    def show_error(self, error: BaseException) -> None:
        self.outcome.notice.setStyleSheet(f"color: {FAIL_COLOUR};")
        self.outcome.notice.setText(error_text(error))
        self.message.emit(error_text(error))

    def _ask_refer(self) -> None:
        if not self.session.may_refer_or_reject(self.operator):
            return
        dialog = ReasonDialog(
            self.tr("Refer to supervisor"),
            FRONT_DESK_REASONS,
            self.session.suggested_reason(),
            self,
        )
        if dialog.exec():
            self.refer(*dialog.choice())

    def _ask_reject(self) -> None:
        if not self.session.may_refer_or_reject(self.operator):
            return
        dialog = ReasonDialog(
            self.tr("Reject"), FRONT_DESK_REASONS, self.session.suggested_reason(), self
        )
        if dialog.exec():
            self.reject(*dialog.choice())

    # --- the card held up to the camera -------------------------------------------------------

    def read_card_with_camera(self) -> None:
        frame = self.latest_frame()
        if frame is None:
            self.outcome.notice.setText(
                self.tr("No camera picture: hold the card up to the camera.")
            )
            return
        self.outcome.notice.setText(self.tr("Reading the card…"))
        reader = CameraCardReader(self.services.application.card_images)
        self.services.operations.run(
            lambda: reader.read_card(frame),
            on_success=self._card_from_camera,
            on_failure=self.show_error,
            worker="ocr",
        )

    def _card_from_camera(self, result: CameraCard) -> None:
        card, portrait, seen = result
        self.next_candidate()
        self.session.card_placed(card, portrait, seen)
        self.faces.card_portrait()
        self._show_all()
        self.lookup(card.id_number)

    # --- documents without chip ---------------------------------------------------------------

    def _ask_manual_document(self) -> None:
        dialog = ManualDocumentDialog(self)
        if dialog.exec() and dialog.validated is not None:
            self.use_manual_document(dialog.validated)

    def use_manual_document(self, document: ValidatedDocument) -> None:
        """A typed-in document: looked up like a card, and only referable."""
        self.next_candidate()
        self.session.document_typed(document)
        self._show_all()
        self.lookup(document.number)

    # --- after the decision -------------------------------------------------------------------

    def slip(self) -> Slip | None:
        return self.session.slip(
            self.operator, self.services.application.workstation, datetime.now(CHINA_TIME)
        )

    def save_slip(self, path: Path) -> None:
        """Write the slip on its own worker; ``session.slip_path`` is set when it is written."""
        self.outcome.save_slip(path)

    def next_candidate(self) -> None:
        if self.services.face_worker is not None:
            self.services.face_worker.disarm()
        self._end_challenge_display()
        self.session.next_candidate()
        self.match_panel.card_checked.setChecked(False)
        self.candidate_panel.clear()
        self.outcome.notice.clear()
        self._show_all()

    # --- showing ----------------------------------------------------------------------------

    def _set_buttons_enabled(self, enabled: bool) -> None:
        for button in (self.confirm_button, self.refer_button, self.reject_button):
            button.setEnabled(enabled)

    def _update_actions(self) -> None:
        session = self.session
        self.confirm_button.setEnabled(self.confirm_allowed())
        referable = session.may_refer_or_reject(self.operator)
        self.refer_button.setEnabled(referable)
        # F8 asks only may_refer_or_reject; the button also hides rejection of typed-in
        # documents (as before the split).
        self.reject_button.setEnabled(referable and session.manual_document is None)
        capturing = session.undecided()
        self.retake_button.setEnabled(capturing and session.capture is not None)
        self.capture_button.setEnabled(
            capturing and session.capture is None and session.consent is True
        )
        self.outcome.update_actions()
        self.card_panel.camera_card_button.setEnabled(self.operator is not None)
        self.match_panel.card_checked.setVisible(
            session.verification is not None and session.card_portrait is None
        )

    def _show_all(self) -> None:
        self.consent_bar.refresh()
        self.liveness_bar.refresh()
        self.card_panel.refresh()
        self.candidate_panel.refresh()
        self.visit_panel.refresh()
        self.match_panel.refresh()
        self.outcome.refresh()
        self._update_actions()
