"""The counter screen: the clerk's whole day (and, with the roster, the tutoring unit's).

Card on the reader → the pre-registration found by its number → the live face captured when the
quality gate passes → three-way match → Confirm (Enter) / Refer / Reject → the ticket number,
large, and the slip. Every decision goes through ``WorkflowService``, which checks the role and
scope again: the buttons only mirror what the service would allow.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.candidate import PriorDiplomaStatus
from desk_app.domain.errors import DeskError
from desk_app.domain.matching import Band
from desk_app.domain.time import CHINA_TIME, china_today
from desk_app.domain.workflow import Action, CandidateState, ReasonCode, Role
from desk_app.idcard.portrait import find_wlt_decoder
from desk_app.idcard.protocol import CardRead, CardText
from desk_app.idcard.rules import ValidatedDocument
from desk_app.services.counter import (
    CandidateView,
    SignedIn,
    UnitProgress,
    card_problems,
    mask_document_number,
    may_confirm,
    record_mismatches,
    reference_from_photo,
)
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import ChangeSet, Decision
from desk_app.vision.engines import FaceEngine
from desk_app.vision.images import RGBImage
from desk_app.vision.verification import Comparison, Reference, Verification, verify_three_way
from ui.card_camera import CameraCard, CameraCardReader
from ui.context import Services
from ui.dialogs import ManualDocumentDialog, ReasonDialog
from ui.slip import Slip, paint_slip, write_slip_pdf
from ui.texts import (
    document_text,
    error_text,
    kind_text,
    match_reason_text,
    state_text,
)
from ui.widgets import (
    FAIL_COLOUR,
    PASS_COLOUR,
    REVIEW_COLOUR,
    CameraPreview,
    PictureBox,
    TicketNumber,
    heading_font,
)

BAND_COLOURS = {Band.PASS: PASS_COLOUR, Band.REVIEW: REVIEW_COLOUR, Band.FAIL: FAIL_COLOUR}
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
    ReasonCode.CANDIDATE_REQUEST,
    ReasonCode.OTHER,
]


class CounterScreen(QWidget):
    """One candidate at a time; ``decided`` carries each decision's change set."""

    decided = Signal(object)  # ChangeSet
    message = Signal(str)

    def __init__(self, services: Services, preview: CameraPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        # The newest camera frame, for reading the card held up to the camera (set by the window).
        self.latest_frame: Callable[[], RGBImage | None] = lambda: None
        self.operator: SignedIn | None = None
        self.preview = preview
        self._reset_state()
        self._build()
        face_worker = services.face_worker
        if face_worker is not None:
            face_worker.captured.connect(self.on_captured)

    def _reset_state(self) -> None:
        self.card: CardText | None = None
        self.card_portrait: bytes | None = None
        self.card_issues: list[DeskError] = []
        self.manual_document: ValidatedDocument | None = None
        self.candidate: CandidateView | None = None
        self.candidates_found: list[CandidateView] = []
        self.lookup_done = False
        self.capture: LiveCapture | None = None
        self.live_jpeg: bytes | None = None
        self.ephoto_reference: Reference | None = None
        self.verification: Verification | None = None
        self.last_change: ChangeSet | None = None
        self.slip_path: Path | None = None
        self.requested_action: Action | None = None

    # --- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QHBoxLayout(self)
        self.roster_box = QGroupBox(self.tr("Class roster"))
        roster_layout = QVBoxLayout(self.roster_box)
        self.progress = QLabel()
        self.progress.setFont(heading_font(12))
        self.roster = QListWidget()
        self.roster.itemActivated.connect(self._roster_chosen)
        self.roster.itemClicked.connect(self._roster_chosen)
        steps = QHBoxLayout()
        self.previous_button = QPushButton(self.tr("Previous"))
        self.next_in_roster_button = QPushButton(self.tr("Next in roster"))
        # Bound methods, not lambdas: PySide keeps lambda receivers in shared objects that can
        # outlive (and crash) a deleted window.
        self.previous_button.clicked.connect(self.previous_in_roster)
        self.next_in_roster_button.clicked.connect(self.next_in_roster)
        steps.addWidget(self.previous_button)
        steps.addWidget(self.next_in_roster_button)
        roster_layout.addWidget(self.progress)
        roster_layout.addWidget(self.roster, 1)
        roster_layout.addLayout(steps)
        self.roster_box.setVisible(False)
        self.roster_box.setMinimumWidth(340)
        self.roster_box.setMaximumWidth(380)
        outer.addWidget(self.roster_box)

        left = QVBoxLayout()
        left.addWidget(self.preview, 1)
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
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setFont(heading_font(12))
        left.addWidget(self.notice)
        ticket_row = QHBoxLayout()
        self.ticket = TicketNumber()
        self.slip_button = QPushButton(self.tr("Save slip as PDF…"))
        self.slip_button.clicked.connect(self._ask_slip)
        self.print_button = QPushButton(self.tr("Print slip…"))
        self.print_button.clicked.connect(self._print_slip)
        ticket_row.addWidget(self.ticket, 1)
        ticket_row.addWidget(self.print_button)
        ticket_row.addWidget(self.slip_button)
        left.addLayout(ticket_row)
        outer.addLayout(left, 3)

        right = QVBoxLayout()
        outer.addLayout(right, 2)
        # Card panel
        self.card_box = QGroupBox(self.tr("ID card"))
        card_layout = QHBoxLayout(self.card_box)
        self.card_fields = QLabel(self.tr("Place the ID card on the reader"))
        self.card_fields.setWordWrap(True)
        self.card_fields.setFont(heading_font(12, bold=False))
        card_buttons = QVBoxLayout()
        self.camera_card_button = QPushButton(self.tr("Read card with camera"))
        self.camera_card_button.clicked.connect(self.read_card_with_camera)
        self.manual_button = QPushButton(self.tr("Document without chip…"))
        self.manual_button.clicked.connect(self._ask_manual_document)
        card_buttons.addWidget(self.camera_card_button)
        card_buttons.addWidget(self.manual_button)
        card_buttons.addStretch(1)
        card_layout.addWidget(self.card_fields, 1)
        card_layout.addLayout(card_buttons)
        right.addWidget(self.card_box)
        # Candidate panel
        self.candidate_box = QGroupBox(self.tr("Pre-registration"))
        candidate_layout = QVBoxLayout(self.candidate_box)
        search_row = QHBoxLayout()
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText(self.tr("ID number, last 6 digits, name or phone"))
        self.search_field.returnPressed.connect(self._search_typed)
        search_button = QPushButton(self.tr("Search"))
        search_button.clicked.connect(self._search_typed)
        search_row.addWidget(self.search_field, 1)
        search_row.addWidget(search_button)
        candidate_layout.addLayout(search_row)
        self.results = QListWidget()
        self.results.setMaximumHeight(80)
        self.results.itemClicked.connect(self._result_chosen)
        self.results.setVisible(False)
        candidate_layout.addWidget(self.results)
        details = QHBoxLayout()
        self.candidate_fields = QLabel(self.tr("No candidate yet"))
        self.candidate_fields.setWordWrap(True)
        self.candidate_fields.setFont(heading_font(12, bold=False))
        self.candidate_fields.setTextFormat(Qt.TextFormat.RichText)
        details.addWidget(self.candidate_fields, 1)
        candidate_layout.addLayout(details)
        right.addWidget(self.candidate_box)
        # Match panel
        self.match_box = QGroupBox(self.tr("Face match"))
        match_layout = QVBoxLayout(self.match_box)
        pictures = QGridLayout()
        self.live_picture = PictureBox(self.tr("Live"))
        self.card_picture = PictureBox(self.tr("Card portrait"))
        self.ephoto_picture = PictureBox(self.tr("Registered e-photo"))
        for column, box in enumerate((self.live_picture, self.card_picture, self.ephoto_picture)):
            pictures.addWidget(box, 0, column)
        match_layout.addLayout(pictures)
        self.scores = QTableWidget(3, 4)
        self.scores.setHorizontalHeaderLabels(
            [
                self.tr("Comparison"),
                self.tr("Distance"),
                self.tr("Result"),
                self.tr("Pass / review"),
            ]
        )
        self.scores.verticalHeader().setVisible(False)
        self.scores.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.scores.setMinimumHeight(4 * 30 + 6)
        self.scores.setMaximumHeight(4 * 30 + 6)
        self.scores.verticalHeader().setDefaultSectionSize(30)
        self.scores.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scores.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        match_layout.addWidget(self.scores)
        self.match_summary = QLabel()
        self.match_summary.setWordWrap(True)
        self.match_summary.setFont(heading_font(12))
        match_layout.addWidget(self.match_summary)
        self.card_checked = QCheckBox(self.tr("I compared the printed card photo with the person"))
        self.card_checked.toggled.connect(self._update_actions)
        match_layout.addWidget(self.card_checked)
        right.addWidget(self.match_box, 1)

        QShortcut(QKeySequence(Qt.Key.Key_Return), self, self._enter_pressed)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self, self._enter_pressed)
        QShortcut(QKeySequence(Qt.Key.Key_F6), self, self._ask_refer)
        QShortcut(QKeySequence(Qt.Key.Key_F8), self, self._ask_reject)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.retake)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self._space_pressed)
        QShortcut(QKeySequence(Qt.Key.Key_F12), self, self.next_candidate)
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
        in_unit = operator is not None and operator.role is Role.TUTORING_UNIT_STAFF
        self.roster_box.setVisible(in_unit)
        self.roster.clear()  # never another operator's class on screen
        self.progress.clear()
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

        self.services.operations.run(work, on_success=self._show_roster, on_failure=self.show_error)

    def _show_roster(self, result: tuple[list[CandidateView], UnitProgress]) -> None:
        roster, progress = result
        current = self.roster.currentRow()
        self.roster.clear()
        for candidate in roster:
            item = QListWidgetItem(
                f"{candidate.name}  …{candidate.document_number[-4:]}  "
                f"{state_text(candidate.state)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, candidate.registration_id)
            if candidate.state is CandidateState.CONFIRMED:
                item.setForeground(QColor(PASS_COLOUR))
            elif candidate.state is CandidateState.REFERRED:
                item.setForeground(QColor(REVIEW_COLOUR))
            self.roster.addItem(item)
        if 0 <= current < self.roster.count():
            self.roster.setCurrentRow(current)
        self.progress.setText(
            self.tr("Confirmed {0} / remaining {1} / total {2}").format(
                progress.confirmed, progress.remaining, progress.total
            )
        )
        self.roster_progress = progress

    def previous_in_roster(self) -> None:
        self.step_roster(-1)

    def next_in_roster(self) -> None:
        self.step_roster(1)

    def step_roster(self, step: int) -> None:
        if not self.roster.count():
            return
        row = min(max(self.roster.currentRow() + step, 0), self.roster.count() - 1)
        self.roster.setCurrentRow(row)
        item = self.roster.item(row)
        if item is not None:
            self._roster_chosen(item)

    def _roster_chosen(self, item: QListWidgetItem) -> None:
        registration_id = str(item.data(Qt.ItemDataRole.UserRole))
        operator = self.operator
        if operator is None:
            return
        queries = self.services.queries
        self.services.operations.run(
            lambda: queries.by_registration_id(operator, registration_id),
            on_success=lambda view: self._candidates_found([view] if view else []),
            on_failure=self.show_error,
        )

    # --- the card ---------------------------------------------------------------------------

    @Slot(object)
    def on_card(self, read: CardRead) -> None:
        """A card was placed on the reader: a new candidate steps up."""
        if self.operator is None:
            return
        self.next_candidate()
        card = read.text
        self.card = card
        decoder = find_wlt_decoder()
        if decoder is not None:
            try:
                self.card_portrait = decoder(read.photo)
            except Exception:
                self.card_portrait = None
        self.card_issues = card_problems(card, china_today())
        self._show_all()
        self.lookup(card.id_number)

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

    def _search_typed(self) -> None:
        text = self.search_field.text().strip()
        if text:
            self.lookup(text)

    def _candidates_found(self, found: list[CandidateView]) -> None:
        self.lookup_done = True
        self.candidates_found = found
        self.results.clear()
        if self.card is not None:
            exact = [c for c in found if c.document_number == self.card.id_number]
            found = exact or found
        self.results.setVisible(len(found) > 1)
        for candidate in found:
            item = QListWidgetItem(
                f"{candidate.name}  {mask_document_number(candidate.document_number)}  "
                f"{candidate.registration_id}  [{state_text(candidate.state)}]"
            )
            item.setData(Qt.ItemDataRole.UserRole, candidate.registration_id)
            self.results.addItem(item)
        self._choose(found[0] if len(found) == 1 else None)

    def _result_chosen(self, item: QListWidgetItem) -> None:
        registration_id = item.data(Qt.ItemDataRole.UserRole)
        chosen = [c for c in self.candidates_found if c.registration_id == registration_id]
        if chosen:
            self._choose(chosen[0])

    def _choose(self, candidate: CandidateView | None) -> None:
        self.candidate = candidate
        self.capture = self.live_jpeg = self.verification = self.ephoto_reference = None
        self._show_all()
        face_worker = self.services.face_worker
        if candidate is None or face_worker is None:
            return
        if candidate.state is CandidateState.PRE_REGISTERED:
            face_worker.arm()
        ephoto = candidate.ephoto
        face_worker.submit(
            lambda engine: reference_from_photo(engine, ephoto),
            lambda reference, error: self._ephoto_ready(candidate, reference, error),
        )

    def _ephoto_ready(self, candidate: CandidateView, reference: Any, error: Any) -> None:
        if candidate is not self.candidate:
            return  # the clerk moved on
        self.ephoto_reference = reference if error is None else Reference(None, "engine.failed")
        if self.capture is not None:
            self._match()

    # --- the face ---------------------------------------------------------------------------

    @Slot(object, bytes)
    def on_captured(self, capture: LiveCapture, jpeg: bytes) -> None:
        if self.candidate is None or self.last_change is not None:
            return
        self.capture, self.live_jpeg = capture, jpeg
        self.live_picture.show_image(jpeg)
        if self.ephoto_reference is not None:
            self._match()
        self._update_actions()

    def capture_now(self) -> None:
        if self.services.face_worker is not None and self.candidate is not None:
            self.services.face_worker.capture_now()

    def retake(self) -> None:
        if self.candidate is None or self.last_change is not None:
            return
        self.capture = self.live_jpeg = self.verification = None
        self.live_picture.show_image(None, self.tr("Capturing…"))
        if self.services.face_worker is not None:
            self.services.face_worker.arm()
        self._show_all()

    def _match(self) -> None:
        capture, ephoto, face_worker = (
            self.capture,
            self.ephoto_reference,
            self.services.face_worker,
        )
        if capture is None or ephoto is None or face_worker is None:
            return
        portrait, thresholds, candidate = (
            self.card_portrait,
            self.services.thresholds,
            self.candidate,
        )

        def work(engine: FaceEngine) -> Verification:
            card = (
                reference_from_photo(engine, portrait)
                if portrait
                else Reference(None, "card.portrait_unavailable")
            )
            return verify_three_way(engine, capture.template, card, ephoto, thresholds)

        def done(result: Any, error: Any) -> None:
            if candidate is not self.candidate or capture is not self.capture:
                return
            if error is not None:
                self.show_error(error)
                return
            self.verification = result
            self._show_all()

        face_worker.submit(work, done)

    # --- decisions --------------------------------------------------------------------------

    def confirm_allowed(self) -> bool:
        candidate, card, verification = self.candidate, self.card, self.verification
        if self.operator is None or self.operator.role is Role.ADMINISTRATOR:
            return False
        if candidate is None or self.last_change is not None or verification is None:
            return False
        if candidate.state is not CandidateState.PRE_REGISTERED:
            return False
        if not candidate.document_type.has_chip or card is None or self.card_issues:
            return False
        if card.id_number != candidate.document_number or record_mismatches(card, candidate):
            return False
        return may_confirm(verification, card_photo_checked_by_eye=self.card_checked.isChecked())

    def _decision(self, reason: ReasonCode | None = None, note: str = "") -> Decision:
        evidence: dict[str, Any] = {}
        if self.card is not None:
            evidence["card_number"] = self.card.id_number
            evidence["card_problems"] = [problem.code for problem in self.card_issues]
            evidence["card_photo_checked_by_eye"] = self.card_checked.isChecked()
        if self.manual_document is not None:
            evidence["manual_document"] = {
                "type": self.manual_document.document_type.value,
                "number": self.manual_document.number,
            }
        return Decision(
            reason=reason,
            note=note,
            evidence=evidence,
            scores=self.verification.as_record() if self.verification else {},
            expected_version=self.candidate.version if self.candidate else None,
            live_capture=self.capture,
        )

    def confirm(self) -> None:
        if not self.confirm_allowed() or self.candidate is None or self.operator is None:
            return
        self._run_decision(Action.CONFIRM, self._decision())

    def refer(self, reason: ReasonCode, note: str = "") -> None:
        if not self._may_refer_or_reject():
            return
        self._run_decision(Action.REFER, self._decision(reason, note))

    def reject(self, reason: ReasonCode, note: str = "") -> None:
        if not self._may_refer_or_reject():
            return
        self._run_decision(Action.REJECT, self._decision(reason, note))

    def _may_refer_or_reject(self) -> bool:
        return (
            self.operator is not None
            and self.candidate is not None
            and self.last_change is None
            and self.candidate.state is CandidateState.PRE_REGISTERED
        )

    def _run_decision(self, action: Action, decision: Decision) -> None:
        assert self.candidate is not None and self.operator is not None
        workflow = self.services.application.workflow
        method = {
            Action.CONFIRM: workflow.confirm,
            Action.REFER: workflow.refer,
            Action.REJECT: workflow.reject,
        }[action]
        registration_id, operator_id = self.candidate.registration_id, self.operator.operator_id
        self.requested_action = action
        self._set_buttons_enabled(False)
        self.services.operations.run(
            lambda: method(registration_id, operator_id, decision),
            on_success=self._decided,
            on_failure=self._decision_failed,
        )

    def _decided(self, change: ChangeSet) -> None:
        self.last_change = change
        if self.candidate is not None:
            self.candidate = dataclasses.replace(
                self.candidate,
                state=change.new_state,
                version=change.version,
                ticket_number=change.ticket_number or self.candidate.ticket_number,
            )
        if self.services.face_worker is not None:
            self.services.face_worker.disarm()
        self._show_all()
        self.decided.emit(change)
        self.refresh_roster()

    def _decision_failed(self, error: BaseException) -> None:
        self.show_error(error)
        self._update_actions()

    def show_error(self, error: BaseException) -> None:
        self.notice.setStyleSheet(f"color: {FAIL_COLOUR};")
        self.notice.setText(error_text(error))
        self.message.emit(error_text(error))

    def _suggested_reason(self) -> ReasonCode:
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
        return ReasonCode.FACE_SCORE_LOW

    def _ask_refer(self) -> None:
        if not self._may_refer_or_reject():
            return
        dialog = ReasonDialog(
            self.tr("Refer to supervisor"), FRONT_DESK_REASONS, self._suggested_reason(), self
        )
        if dialog.exec():
            self.refer(*dialog.choice())

    def _ask_reject(self) -> None:
        if not self._may_refer_or_reject():
            return
        dialog = ReasonDialog(self.tr("Reject"), FRONT_DESK_REASONS, self._suggested_reason(), self)
        if dialog.exec():
            self.reject(*dialog.choice())

    # --- the card held up to the camera -------------------------------------------------------

    def read_card_with_camera(self) -> None:
        frame = self.latest_frame()
        if frame is None:
            self.notice.setText(self.tr("No camera picture: hold the card up to the camera."))
            return
        self.notice.setText(self.tr("Reading the card…"))
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
        self.card, self.card_portrait = card, portrait
        issues = card_problems(card, china_today())
        known = {issue.code for issue in issues}
        self.card_issues = issues + [problem for problem in seen if problem.code not in known]
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
        self.manual_document = document
        self._show_all()
        self.lookup(document.number)

    # --- after the decision -------------------------------------------------------------------

    def slip(self) -> Slip | None:
        change, candidate, operator = self.last_change, self.candidate, self.operator
        if change is None or candidate is None or operator is None or not change.ticket_number:
            return None
        station = self.services.application.workstation
        return Slip(
            name=candidate.name,
            masked_document_number=mask_document_number(candidate.document_number),
            registration_id=candidate.registration_id,
            programme=f"{candidate.programme_code} {candidate.programme_name}",
            exam_area=candidate.exam_area,
            ticket_number=change.ticket_number,
            confirmed_at=datetime.now(CHINA_TIME),
            site=station.site_id,
            counter=station.counter_id,
            clerk=operator.display_name,
            photo=self.live_jpeg or candidate.ephoto,
        )

    def save_slip(self, path: Path) -> None:
        """Write the slip on its own worker (rendering a PDF with a CJK font takes ~60 ms);
        ``slip_path`` is set when it is written."""
        slip = self.slip()
        if slip is None:
            return
        self.services.operations.run(
            lambda: write_slip_pdf(slip, path),
            on_success=self._slip_written,
            on_failure=self.show_error,
            worker="documents",
        )

    def _slip_written(self, path: Path) -> None:
        self.slip_path = path
        self.notice.setText(self.tr("Slip saved: {0}").format(str(path)))

    def _ask_slip(self) -> None:
        slip = self.slip()
        if slip is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save slip"), f"{slip.registration_id}.pdf", "PDF (*.pdf)"
        )
        if name:
            self.save_slip(Path(name))

    def _print_slip(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        slip = self.slip()
        if slip is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec():
            paint_slip(slip, printer)

    def next_candidate(self) -> None:
        if self.services.face_worker is not None:
            self.services.face_worker.disarm()
        self._reset_state()
        self.card_checked.setChecked(False)
        self.search_field.clear()
        self.results.clear()
        self.results.setVisible(False)
        self.notice.clear()
        self._show_all()

    # --- showing ----------------------------------------------------------------------------

    def _set_buttons_enabled(self, enabled: bool) -> None:
        for button in (self.confirm_button, self.refer_button, self.reject_button):
            button.setEnabled(enabled)

    def _update_actions(self) -> None:
        self.confirm_button.setEnabled(self.confirm_allowed())
        referable = self._may_refer_or_reject()
        self.refer_button.setEnabled(referable)
        self.reject_button.setEnabled(referable and self.manual_document is None)
        capturing = self.candidate is not None and self.last_change is None
        self.retake_button.setEnabled(capturing and self.capture is not None)
        self.capture_button.setEnabled(capturing and self.capture is None)
        self.slip_button.setEnabled(self.slip() is not None)
        self.print_button.setEnabled(self.slip() is not None)
        self.camera_card_button.setEnabled(self.operator is not None)
        self.card_checked.setVisible(self.verification is not None and self.card_portrait is None)

    def _show_all(self) -> None:
        self._show_card()
        self._show_candidate()
        self._show_match()
        self._show_outcome()
        self._update_actions()

    def _show_card(self) -> None:
        card, manual = self.card, self.manual_document
        if manual is not None:
            self.card_fields.setText(
                self.tr("Typed in: {0} {1}").format(
                    document_text(manual.document_type), manual.number
                )
                + "\n"
                + self.tr("A document without a chip is always referred to a supervisor.")
            )
            self.card_picture.show_image(None, self.tr("No chip"))
            return
        if card is None:
            self.card_fields.setText(self.tr("Place the ID card on the reader"))
            self.card_picture.show_image(None, "")
            return
        validity = (
            self.tr("long-term")
            if card.long_term
            else (card.valid_to.isoformat() if card.valid_to else "?")
        )
        lines = [
            f"<b>{card.name}</b>  {card.id_number}",
            self.tr("Born {0}, valid until {1}").format(
                card.birth_date.isoformat() if card.birth_date else "?", validity
            ),
            card.address,
        ]
        for issue in self.card_issues:
            lines.append(f"<span style='color:{FAIL_COLOUR}'>⚠ {error_text(issue)}</span>")
        self.card_fields.setTextFormat(Qt.TextFormat.RichText)
        self.card_fields.setText("<br>".join(lines))
        self.card_picture.show_image(
            self.card_portrait, self.tr("Chip portrait needs a vendor decoder")
        )

    def _show_candidate(self) -> None:
        candidate = self.candidate
        if candidate is None:
            if self.lookup_done and not self.candidates_found:
                self.candidate_fields.setText(
                    f"<span style='color:{FAIL_COLOUR}; font-size:16pt'><b>"
                    + self.tr("Not pre-registered")
                    + "</b></span><br>"
                    + self.tr(
                        "Tell the candidate: register on the provincial candidate platform "
                        "first, then come back at the published confirmation times."
                    )
                )
            elif self.lookup_done:
                self.candidate_fields.setText(self.tr("Several records: choose one above"))
            else:
                self.candidate_fields.setText(self.tr("No candidate yet"))
            self.ephoto_picture.show_image(None, "")
            return
        flags = []
        if candidate.prior_diploma_status == PriorDiplomaStatus.FAILED.value:
            flags.append(self.tr("Prior-diploma check failed: ask for the certificate"))
        if candidate.prior_diploma_status == PriorDiplomaStatus.PENDING.value:
            flags.append(self.tr("Prior-diploma check pending"))
        if candidate.earlier_attempts:
            flags.append(self.tr("Earlier attempts: {0}").format(candidate.earlier_attempts))
        if candidate.sync_conflict:
            flags.append(
                self.tr(
                    "Sync conflict: the central database kept another decision (see supervisor)"
                )
            )
        if self.card is not None:
            for field in record_mismatches(self.card, candidate):
                flags.append(self.tr("Card and registration differ: {0}").format(field))
        lines = [
            f"<b style='font-size:15pt'>{candidate.name}</b>  "
            f"{mask_document_number(candidate.document_number)}",
            f"{candidate.registration_id} · {kind_text(candidate.kind)} · "
            f"{document_text(candidate.document_type)}",
            self.tr("Programme: {0} {1}").format(
                candidate.programme_code, candidate.programme_name
            ),
            self.tr("Exam area: {0}").format(candidate.exam_area),
            self.tr("State: {0}").format(state_text(candidate.state)),
        ]
        if candidate.ticket_number:
            lines.append(self.tr("Ticket number {0}").format(candidate.ticket_number))
        if candidate.tutoring_unit:
            lines.append(
                self.tr("Tutoring unit: {0} {1}").format(
                    candidate.tutoring_unit, candidate.class_name or ""
                )
            )
        lines += [f"<span style='color:{REVIEW_COLOUR}'>⚑ {flag}</span>" for flag in flags]
        self.candidate_fields.setText("<br>".join(lines))
        self.ephoto_picture.show_image(candidate.ephoto, self.tr("No e-photo"))

    def _show_match(self) -> None:
        verification = self.verification
        if self.live_jpeg is None:
            self.live_picture.show_image(
                None, self.tr("Capturing…") if self.candidate is not None else ""
            )
        names = {
            Comparison.LIVE_CARD: self.tr("Live – card"),
            Comparison.LIVE_EPHOTO: self.tr("Live – e-photo"),
            Comparison.CARD_EPHOTO: self.tr("Card – e-photo"),
        }
        band_words = {
            Band.PASS: self.tr("Pass"),
            Band.REVIEW: self.tr("Review"),
            Band.FAIL: self.tr("Fail"),
        }
        self.scores.clearContents()
        if verification is None:
            self.match_summary.clear()
            return
        for row, score in enumerate(verification.scores):
            cells = [
                names[score.comparison],
                "—" if score.distance is None else f"{score.distance:.3f}",
                band_words[score.band] if score.band else self.tr("n/a"),
                f"≤{score.thresholds.passing:.2f} / ≤{score.thresholds.review:.2f}",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if score.band is not None and column == 2:
                    item.setForeground(Qt.GlobalColor.white)
                    item.setBackground(QColor(BAND_COLOURS[score.band]))
                self.scores.setItem(row, column, item)
        colour = BAND_COLOURS[verification.decision]
        reasons = "; ".join(match_reason_text(reason) for reason in verification.reasons)
        self.match_summary.setText(
            f"<span style='color:{colour}'>{band_words[verification.decision]}</span>"
            + (f" — {reasons}" if reasons else "")
        )

    def _show_outcome(self) -> None:
        change = self.last_change
        if change is None:
            self.ticket.clear()
            return
        if change.new_state is CandidateState.CONFIRMED:
            self.ticket.setText(self.tr("Ticket number {0}").format(change.ticket_number or ""))
            self.notice.setStyleSheet(f"color: {PASS_COLOUR};")
            self.notice.setText(self.tr("Confirmed. Press F12 for the next candidate."))
        elif change.new_state is CandidateState.REFERRED:
            self.ticket.clear()
            self.notice.setStyleSheet(f"color: {REVIEW_COLOUR};")
            duplicate = self.duplicate_face_alert()
            self.notice.setText(
                self.tr(
                    "ALERT: this face matches another confirmed candidate. "
                    "The case was referred to a supervisor."
                )
                if duplicate
                else self.tr("Referred to a supervisor.")
            )
        elif change.new_state is CandidateState.REJECTED:
            self.ticket.clear()
            self.notice.setStyleSheet(f"color: {FAIL_COLOUR};")
            self.notice.setText(self.tr("Rejected."))

    def duplicate_face_alert(self) -> bool:
        """The service turned the confirmation into a referral: the face is someone else's."""
        change = self.last_change
        return (
            change is not None
            and self.requested_action is Action.CONFIRM
            and change.action is Action.REFER
        )
