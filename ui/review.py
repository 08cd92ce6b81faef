"""The supervisor's review queue: referred cases with their evidence; approve, reject, revoke.

The four-eyes rule (no approving a case one referred oneself) is the workflow service's: this
screen shows its refusal in words.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.liveness import LivenessEvidence
from desk_app.domain.time import CHINA_TIME
from desk_app.domain.visits import VISIT_EVIDENCE_KEY
from desk_app.domain.workflow import CandidateState, ReasonCode
from desk_app.reports.evidence import EvidencePackResult, evidence_pack
from desk_app.services.counter import ReviewCase, SignedIn, mask_document_number
from desk_app.services.workflow import ChangeSet, Decision
from desk_app.sync.binding import ConflictView, open_conflicts, resolve_conflict
from ui.context import Services
from ui.dialogs import ReasonDialog
from ui.texts import (
    document_text,
    error_text,
    kind_text,
    liveness_reason_text,
    problem_text,
    reason_text,
    state_text,
    visit_reason_text,
)
from ui.widgets import FAIL_COLOUR, PASS_COLOUR, REVIEW_COLOUR, PictureBox, heading_font

SUPERVISOR_REJECT_REASONS = [
    ReasonCode.FACE_MISMATCH,
    ReasonCode.IMPERSONATION,
    ReasonCode.DOCUMENT_INVALID,
    ReasonCode.DOCUMENT_EXPIRED,
    ReasonCode.DATA_MISMATCH,
    ReasonCode.DUPLICATE_REGISTRATION,
    ReasonCode.DUPLICATE_FACE,
    ReasonCode.ATTEMPTS_EXHAUSTED,
    ReasonCode.OTHER,
]
REVOKE_REASONS = [
    ReasonCode.IMPERSONATION,
    ReasonCode.CLERK_ERROR,
    ReasonCode.DUPLICATE_REGISTRATION,
    ReasonCode.CANDIDATE_REQUEST,
    ReasonCode.OTHER,
]


class ReviewScreen(QWidget):
    decided = Signal(object)  # ChangeSet

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.operator: SignedIn | None = None
        self.cases: list[ReviewCase] = []
        self.current: ReviewCase | None = None
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.count = QLabel()
        self.count.setFont(heading_font(14))
        self.queue = QListWidget()
        self.queue.currentRowChanged.connect(self._show_case)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        left.addWidget(self.count)
        left.addWidget(self.queue, 1)
        left.addWidget(refresh)
        outer.addLayout(left, 1)

        right = QVBoxLayout()
        pictures = QGridLayout()
        self.live_picture = PictureBox(self.tr("Live"))
        self.card_picture = PictureBox(self.tr("Card portrait"))
        self.ephoto_picture = PictureBox(self.tr("Registered e-photo"))
        # The supporting document beside the faces (the newest page; the details list them all).
        self.document_picture = PictureBox(self.tr("Supporting document"))
        boxes = (self.live_picture, self.card_picture, self.ephoto_picture, self.document_picture)
        for column, box in enumerate(boxes):
            pictures.addWidget(box, 0, column)
        right.addLayout(pictures)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setFont(heading_font(12, bold=False))
        right.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        self.approve_button = QPushButton(self.tr("Approve (issue ticket number)"))
        self.approve_button.setStyleSheet(
            f"QPushButton:enabled {{ background: {PASS_COLOUR}; color: white; }}"
        )
        self.reject_button = QPushButton(self.tr("Reject…"))
        # Numbers are masked; showing them in full is an audited action with a reason.
        self.reveal_button = QPushButton(self.tr("Show full numbers…"))
        self.reveal_button.clicked.connect(self._ask_reveal)
        for button in (self.approve_button, self.reject_button, self.reveal_button):
            button.setMinimumHeight(44)
            button.setFont(heading_font(12))
            buttons.addWidget(button)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self._ask_reject)
        right.addLayout(buttons)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setFont(heading_font(12))
        right.addWidget(self.notice)

        revoke_box = QGroupBox(self.tr("Revoke a confirmation"))
        revoke_row = QHBoxLayout(revoke_box)
        self.revoke_id = QLineEdit()
        self.revoke_id.setPlaceholderText(self.tr("Registration id"))
        revoke_button = QPushButton(self.tr("Revoke…"))
        revoke_button.clicked.connect(self._ask_revoke)
        revoke_row.addWidget(self.revoke_id, 1)
        revoke_row.addWidget(revoke_button)
        right.addWidget(revoke_box)
        # For a dispute: one PDF with the pictures, scores, decisions and audit (audited).
        evidence_box = QGroupBox(self.tr("Evidence pack"))
        evidence_row = QHBoxLayout(evidence_box)
        self.evidence_id = QLineEdit()
        self.evidence_id.setPlaceholderText(self.tr("Registration id (default: the case shown)"))
        self.evidence_button = QPushButton(self.tr("Evidence pack…"))
        self.evidence_button.clicked.connect(self._ask_evidence)
        evidence_row.addWidget(self.evidence_id, 1)
        evidence_row.addWidget(self.evidence_button)
        right.addWidget(evidence_box)
        # Local decisions the central database refused: both versions, settled by a supervisor.
        self.conflict_box = QGroupBox(self.tr("Sync conflicts"))
        conflict_layout = QVBoxLayout(self.conflict_box)
        self.conflict_list = QListWidget()
        self.conflict_list.setMaximumHeight(110)
        self.settle_button = QPushButton(self.tr("Both versions seen: settle"))
        self.settle_button.clicked.connect(self.settle_conflict)
        conflict_layout.addWidget(self.conflict_list)
        conflict_layout.addWidget(self.settle_button)
        self.conflict_box.setVisible(False)
        self.conflicts: list[ConflictView] = []
        right.addWidget(self.conflict_box)
        self.thresholds = QLabel()
        self.thresholds.setWordWrap(True)
        right.addWidget(self.thresholds)
        outer.addLayout(right, 3)
        self._show_case(-1)

    def set_operator(self, operator: SignedIn | None) -> None:
        self.operator = operator
        self._show_queue([])  # nothing of the previous operator's session stays on screen
        limits = self.services.thresholds
        self.thresholds.setText(
            self.tr(
                "Thresholds (distance, pass / review): live–card {0} / {1}, "
                "live–e-photo {2} / {3}, card–e-photo {4} / {5}"
            ).format(
                limits.live_card_pass,
                limits.live_card_review,
                limits.live_ephoto_pass,
                limits.live_ephoto_review,
                limits.card_ephoto_pass,
                limits.card_ephoto_review,
            )
        )
        if operator is not None:
            self.refresh()

    def refresh(self) -> None:
        operator = self.operator
        if operator is None:
            return
        queries = self.services.queries
        self.services.operations.run(
            lambda: queries.review_queue(operator),
            on_success=self._show_queue,
            on_failure=self.show_error,
        )
        database = self.services.application.database
        self.services.operations.run(
            lambda: open_conflicts(database),
            on_success=self._show_conflicts,
            on_failure=self.show_error,
        )

    def _show_conflicts(self, conflicts: list[ConflictView]) -> None:
        self.conflicts = conflicts
        self.conflict_list.clear()
        for conflict in conflicts:
            local, central = conflict.local_version, conflict.central_version
            self.conflict_list.addItem(
                self.tr("{0}: here {1}, central {2} ({3})").format(
                    conflict.registration_id,
                    _version_text(local),
                    _version_text(central),
                    _refusal_text(conflict),
                )
            )
        self.conflict_box.setVisible(bool(conflicts))
        if conflicts:
            self.conflict_list.setCurrentRow(0)

    def settle_conflict(self) -> None:
        row, operator = self.conflict_list.currentRow(), self.operator
        if operator is None or not 0 <= row < len(self.conflicts):
            return
        conflict_id = self.conflicts[row].id
        database = self.services.application.database
        self.services.operations.run(
            lambda: resolve_conflict(database, conflict_id, operator.operator_id),
            on_success=lambda _settled: self.refresh(),
            on_failure=self.show_error,
        )

    def _show_queue(self, cases: list[ReviewCase]) -> None:
        keep = self.current.candidate.registration_id if self.current else None
        self.cases = cases
        self.queue.blockSignals(True)
        self.queue.clear()
        row = 0 if cases else -1
        for index, case in enumerate(cases):
            candidate = case.candidate
            item = QListWidgetItem(
                f"{candidate.name}  {mask_document_number(candidate.document_number)}\n"
                f"{reason_text(case.reason)} · {case.referred_by}"
            )
            self.queue.addItem(item)
            if candidate.registration_id == keep:
                row = index
        self.queue.blockSignals(False)
        self.count.setText(self.tr("Referred cases: {0}").format(len(cases)))
        self.queue.setCurrentRow(row)
        self._show_case(row, keep_notice=True)

    def _show_case(self, row: int, *, keep_notice: bool = False) -> None:
        self.current = self.cases[row] if 0 <= row < len(self.cases) else None
        case = self.current
        self.approve_button.setEnabled(case is not None)
        self.reject_button.setEnabled(case is not None)
        self.reveal_button.setEnabled(case is not None)
        if case is None:
            self.details.setText(self.tr("No referred cases."))
            for box in (
                self.live_picture,
                self.card_picture,
                self.ephoto_picture,
                self.document_picture,
            ):
                box.show_image(None, "")
            return
        candidate = case.candidate
        own_referral = self.operator is not None and case.referred_by == self.operator.operator_id
        # The service refuses it anyway (four-eyes); the button says so before the click.
        self.approve_button.setEnabled(not own_referral)
        self.approve_button.setToolTip(
            self.tr("You referred this case yourself: another supervisor must decide.")
            if own_referral
            else ""
        )
        self.live_picture.show_image(case.live_photo, self.tr("No live picture"))
        self.card_picture.show_image(None, self.tr("Chip portrait needs a vendor decoder"))
        self.ephoto_picture.show_image(candidate.ephoto, self.tr("No e-photo"))
        self.document_picture.show_image(
            case.pages[-1][1] if case.pages else None, self.tr("No document page")
        )
        lines = [
            f"<b style='font-size:15pt'>{candidate.name}</b>  "
            f"{mask_document_number(candidate.document_number)}",
            f"{candidate.registration_id} · {kind_text(candidate.kind)} · "
            f"{document_text(candidate.document_type)}",
            self.tr("Programme: {0} {1}").format(
                candidate.programme_code, candidate.programme_name
            ),
            self.tr("Exam area: {0}").format(candidate.exam_area),
            self.tr("Reason: {0}").format(reason_text(case.reason)),
            self.tr("Note: {0}").format(case.note or "—"),
            self.tr("Referred by {0} at {1}").format(
                case.referred_by, case.referred_at.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")
            ),
            self.tr("Earlier attempts: {0}").format(candidate.earlier_attempts),
        ]
        lines += self._visit_lines(case)
        lines += self._liveness_lines(case)
        lines += _score_lines(case.scores)
        blocked = case.evidence.get("blocklist")
        if isinstance(blocked, dict):
            what = self.tr("ID number") if blocked.get("kind") == "id_number" else self.tr("face")
            lines.append(
                f"<b style='color:{FAIL_COLOUR}'>"
                + self.tr("On the blocklist ({0}): {1}").format(
                    what, html.escape(str(blocked.get("reason", "")))
                )
                + "</b>"
            )
        duplicates = case.evidence.get("duplicate_of")
        if duplicates:
            lines.append(
                f"<b style='color:{FAIL_COLOUR}'>"
                + self.tr("This face matches another confirmed candidate: {0}").format(
                    ", ".join(str(d.get("candidate_id")) for d in duplicates)
                )
                + "</b>"
            )
        self.details.setText("<br>".join(lines))
        if not keep_notice:
            self.notice.clear()

    def _liveness_lines(self, case: ReviewCase) -> list[str]:
        """How the liveness challenge at the counter ended (its frames are in the evidence
        pack)."""
        judged = LivenessEvidence.from_record(case.evidence.get("liveness"))
        if judged is None:
            return []
        if judged.passed:
            return [self.tr("Liveness check: passed")]
        reason = liveness_reason_text(judged.code)
        line = self.tr("Liveness check: failed ({0})").format(html.escape(reason))
        if judged.overridden_by is not None:
            line += " · " + self.tr("accepted by {0}: {1}").format(
                html.escape(judged.overridden_by), html.escape(judged.override_reason)
            )
        return [line]

    def _visit_lines(self, case: ReviewCase) -> list[str]:
        """The reason of visit, the checklist as the clerk ticked it, and the pages kept."""
        lines = [self.tr("Reason of visit: {0}").format(visit_reason_text(case.visit_reason))]
        visit = case.evidence.get(VISIT_EVIDENCE_KEY)
        items = visit.get("items") if isinstance(visit, dict) else None
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            ticked = item.get("ticked") is True
            mark = (
                f"<span style='color:{PASS_COLOUR}'>☑</span>"
                if ticked
                else f"<span style='color:{FAIL_COLOUR}'>☐</span>"
            )
            lines.append(f"&nbsp;&nbsp;{mark} {html.escape(str(item.get('label', '')))}")
        for entry, _image in case.pages:
            if entry.get("kind") != "certification_report":
                continue
            code = entry.get("verification_code")
            if not code:
                lines.append(self.tr("Verification code: not read"))
            elif entry.get("code_flagged"):
                lines.append(
                    f"<b style='color:{REVIEW_COLOUR}'>"
                    + self.tr("Verification code: {0} (doubtful read: check the paper)").format(
                        html.escape(str(code))
                    )
                    + "</b>"
                )
            else:
                lines.append(self.tr("Verification code: {0}").format(html.escape(str(code))))
        if case.pages:
            lines.append(self.tr("Document pages kept: {0}").format(len(case.pages)))
        return lines

    def approve(self) -> None:
        case, operator = self.current, self.operator
        if case is None or operator is None:
            return
        workflow = self.services.application.workflow
        registration_id, version = case.candidate.registration_id, case.candidate.version
        self.services.operations.run(
            lambda: workflow.approve(
                registration_id, operator.operator_id, Decision(expected_version=version)
            ),
            on_success=self._decided,
            on_failure=self.show_error,
        )

    def reject(self, reason: ReasonCode, note: str = "") -> None:
        case, operator = self.current, self.operator
        if case is None or operator is None:
            return
        workflow = self.services.application.workflow
        registration_id, version = case.candidate.registration_id, case.candidate.version
        decision = Decision(reason=reason, note=note, expected_version=version)
        self.services.operations.run(
            lambda: workflow.reject(registration_id, operator.operator_id, decision),
            on_success=self._decided,
            on_failure=self.show_error,
        )

    def revoke(self, registration_id: str, reason: ReasonCode, note: str) -> None:
        operator = self.operator
        if operator is None or not registration_id:
            return
        workflow = self.services.application.workflow
        decision = Decision(reason=reason, note=note)
        self.services.operations.run(
            lambda: workflow.revoke(registration_id, operator.operator_id, decision),
            on_success=self._decided,
            on_failure=self.show_error,
        )

    def _ask_reject(self) -> None:
        dialog = ReasonDialog(self.tr("Reject"), SUPERVISOR_REJECT_REASONS, None, self)
        if dialog.exec():
            self.reject(*dialog.choice())

    def _ask_reveal(self) -> None:
        if self.current is None:
            return
        reason, given = QInputDialog.getText(
            self, self.tr("Show full numbers"), self.tr("Why are the full numbers needed?")
        )
        if given:
            self.reveal(reason)

    def reveal(self, reason: str) -> None:
        """Ask the service for the case's full ID and phone numbers (audited: who, when, why)."""
        case, operator = self.current, self.operator
        if case is None or operator is None:
            return
        queries, registration_id = self.services.queries, case.candidate.registration_id
        self.services.operations.run(
            lambda: queries.reveal(operator, registration_id, reason),
            on_success=self._revealed,
            on_failure=self.show_error,
        )

    def _revealed(self, numbers: tuple[str, str]) -> None:
        document_number, phone = numbers
        self.notice.setStyleSheet("")
        self.notice.setText(
            self.tr("ID number {0}, phone {1} (this view is recorded)").format(
                document_number, phone or "—"
            )
        )

    def _ask_evidence(self) -> None:
        registration_id = self.evidence_id.text().strip() or (
            self.current.candidate.registration_id if self.current is not None else ""
        )
        if not registration_id:
            return
        reason, given = QInputDialog.getText(
            self, self.tr("Evidence pack"), self.tr("Why is the evidence pack needed? (audited)")
        )
        if not given:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Evidence pack"), f"{registration_id}.pdf", self.tr("PDF (*.pdf)")
        )
        if path:
            self.evidence(registration_id, reason, Path(path))

    def evidence(self, registration_id: str, reason: str, out: Path) -> None:
        """Write the evidence pack on the database worker; the service checks the role and
        records the request with its reason before reading anything."""
        operator = self.operator
        if operator is None:
            return
        application = self.services.application
        self.services.operations.run(
            lambda: evidence_pack(
                application.database,
                registration_id,
                out,
                operator_id=operator.operator_id,
                reason=reason,
                settings=application.settings,
            ),
            on_success=self._evidence_written,
            on_failure=self.show_error,
        )

    def _evidence_written(self, pack: EvidencePackResult) -> None:
        self.notice.setStyleSheet(f"color: {PASS_COLOUR};")
        self.notice.setText(self.tr("Wrote the evidence pack to {0}.").format(pack.path.name))

    def _ask_revoke(self) -> None:
        registration_id = self.revoke_id.text().strip()
        if not registration_id:
            return
        dialog = ReasonDialog(self.tr("Revoke"), REVOKE_REASONS, None, self)
        if dialog.exec():
            self.revoke(registration_id, *dialog.choice())

    def _decided(self, change: ChangeSet) -> None:
        self.notice.setStyleSheet(f"color: {PASS_COLOUR};")
        text = f"{change.registration_id}: {change.new_state.value}"
        if change.ticket_number:
            text += " · " + self.tr("Ticket number {0}").format(change.ticket_number)
        self.notice.setText(text)
        self.decided.emit(change)
        self.refresh()

    def show_error(self, error: BaseException) -> None:
        self.notice.setStyleSheet(f"color: {FAIL_COLOUR};")
        self.notice.setText(error_text(error))


def _score_lines(scores: dict[str, Any]) -> list[str]:
    lines = []
    for comparison, score in (scores.get("scores") or {}).items():
        distance = score.get("distance")
        shown = "—" if distance is None else f"{distance:.3f}"
        lines.append(
            f"{comparison}: {shown} ({score.get('band') or 'n/a'}; "
            f"≤{score.get('pass')} / ≤{score.get('review')})"
        )
    return lines


def _refusal_text(conflict: ConflictView) -> str:
    """Why the central side refused: worded where the rule has words, with its code."""
    worded = problem_text(conflict.reason_code, "")
    return f"{worded} [{conflict.reason_code}]" if worded else conflict.reason_code


def _version_text(version: dict[str, Any]) -> str:
    """One version of a record in a conflict: its state, and its ticket number if any. The
    local version is the refused event (what this counter decided); the central one the record."""
    event = version.get("event")
    source = event if isinstance(event, dict) else version
    raw = str(source.get("to_state") or source.get("state") or "")
    known = {member.value for member in CandidateState}
    state = state_text(CandidateState(raw)) if raw in known else raw or "?"
    ticket = source.get("ticket_number")
    return f"{state} {ticket}" if ticket else state
