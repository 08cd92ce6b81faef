"""Why the candidate came, the evidence checklist for that reason, and supporting pages.

A compact panel in the candidate area (no dialog: the clerk is busy): the reason proposed from
the record and the card, changeable in one pick; the reason's checklist as tick boxes; a button
that takes the camera's newest frame, straightens the page held up to it and keeps it for the
case (for the certification report, with its verification code read). Confirm is offered only
once the checklist is complete (``CounterSession.confirm_refusal``).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.errors import DeskError
from desk_app.domain.visits import CapturedPage, ChecklistItem, VisitReason
from desk_app.idcard.documents import DocumentReader, encode_page
from desk_app.services.counter_session import CounterSession
from desk_app.vision.images import RGBImage
from ui.operations import Operations
from ui.texts import error_text, visit_reason_text
from ui.widgets import FAIL_COLOUR, PASS_COLOUR, REVIEW_COLOUR


def chinese_ui() -> bool:
    return QLocale().language() == QLocale.Language.Chinese


def capture_page(reader: DocumentReader, frame: RGBImage, reason: VisitReason) -> CapturedPage:
    """The page in ``frame`` straightened and checked (any thread; PageError when unusable);
    for prior-diploma documents, the certification report with its code read."""
    bgr = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)
    if reason is VisitReason.PRIOR_DIPLOMA:
        page, code = reader.report(bgr)
        return CapturedPage(
            encode_page(page.image),
            "certification_report",
            verification_code=code.code,
            code_confidence=round(code.confidence, 4),
            code_flagged=code.flagged,
        )
    straight = reader.page(bgr, a4=False)
    return CapturedPage(encode_page(straight.image), "page")


class VisitPanel(QGroupBox):
    """Shows and edits the session's reason of visit and checklist; ``changed`` after each
    edit (the screen then recomputes Confirm). GUI thread; page capture runs on the OCR
    worker."""

    changed = Signal()
    failed = Signal(object)  # BaseException: a page that could not be used, worded

    def __init__(
        self,
        session: CounterSession,
        operations: Operations,
        reader: DocumentReader,
        latest_frame: Callable[[], RGBImage | None],
        parent: QWidget | None = None,
        *,
        config_error: DeskError | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.operations = operations
        self.reader = reader
        self.latest_frame = latest_frame
        self.setTitle(self.tr("Reason of visit"))
        layout = QVBoxLayout(self)
        # A province's checklist file that could not be used: said on every case until fixed.
        self.config_problem = QLabel(error_text(config_error) if config_error else "")
        self.config_problem.setWordWrap(True)
        self.config_problem.setStyleSheet(f"color: {FAIL_COLOUR};")
        self.config_problem.setVisible(config_error is not None)
        layout.addWidget(self.config_problem)
        self.reason_box = QComboBox()
        for reason in VisitReason:
            self.reason_box.addItem(visit_reason_text(reason), reason.value)
        self.reason_box.activated.connect(self._reason_picked)
        layout.addWidget(self.reason_box)
        self.items_box = QVBoxLayout()
        layout.addLayout(self.items_box)
        self.checks: dict[str, QCheckBox] = {}
        self._shown_items: tuple[ChecklistItem, ...] = ()
        row = QHBoxLayout()
        self.page_button = QPushButton(self.tr("Capture page (F9)"))
        self.page_button.clicked.connect(self.capture_page)
        row.addWidget(self.page_button)
        self.pages_label = QLabel()
        self.pages_label.setWordWrap(True)
        row.addWidget(self.pages_label, 1)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self._capturing = False
        self.refresh()

    # --- the clerk's edits -------------------------------------------------------------------

    def _reason_picked(self, index: int) -> None:
        self.session.pick_visit_reason(VisitReason(str(self.reason_box.itemData(index))))
        self.refresh()
        self.changed.emit()

    def _ticked(self, key: str, ticked: bool) -> None:
        self.session.tick(key, ticked)
        self._show_status()
        self.changed.emit()

    def capture_page(self) -> None:
        reason = self.session.visit_reason
        frame = self.latest_frame()
        if reason is None or self._capturing or self.session.last_change is not None:
            return
        if frame is None:
            self.status.setStyleSheet(f"color: {FAIL_COLOUR};")
            self.status.setText(self.tr("No camera picture: hold the page up to the camera."))
            return
        self._capturing = True
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Straightening the page…"))
        reader = self.reader
        self.operations.run(
            lambda: capture_page(reader, frame, reason),
            on_success=self._page_ready,
            on_failure=self._page_failed,
            worker="ocr",
        )

    def _page_ready(self, page: CapturedPage) -> None:
        self._capturing = False
        self.session.page_captured(page)
        self.refresh()
        self.changed.emit()

    def _page_failed(self, error: BaseException) -> None:
        self._capturing = False
        self.status.setStyleSheet(f"color: {FAIL_COLOUR};")
        self.status.setText(error_text(error))
        self.failed.emit(error)

    # --- showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        session = self.session
        reason = session.visit_reason
        self.setVisible(reason is not None)
        if reason is None:
            return
        self.reason_box.setCurrentIndex(self.reason_box.findData(reason.value))
        open_case = session.last_change is None
        self.reason_box.setEnabled(open_case)
        items = session.checklist()
        if items != self._shown_items:
            self._rebuild(items)
        for key, box in self.checks.items():
            box.blockSignals(True)
            box.setChecked(key in session.ticked)
            box.setEnabled(open_case)
            box.blockSignals(False)
        self.page_button.setEnabled(open_case and not self._capturing)
        self._show_pages()
        self._show_status()

    def _rebuild(self, items: tuple[ChecklistItem, ...]) -> None:
        for box in self.checks.values():
            self.items_box.removeWidget(box)
            box.deleteLater()
        self.checks = {}
        chinese = chinese_ui()
        for item in items:
            text = item.chinese if chinese else item.english
            if item.page:
                text += " " + self.tr("(page)")
            box = QCheckBox(text)
            box.toggled.connect(lambda ticked, key=item.key: self._ticked(key, ticked))
            self.items_box.addWidget(box)
            self.checks[item.key] = box
        self._shown_items = items

    def _show_pages(self) -> None:
        pages = self.session.pages
        if not pages:
            self.pages_label.setText(self.tr("No page captured"))
            self.pages_label.setStyleSheet("")
            return
        text = self.tr("{count} page(s) captured").replace("{count}", str(len(pages)))
        colour = PASS_COLOUR
        reports = [page for page in pages if page.kind == "certification_report"]
        if reports:
            last = reports[-1]
            if last.verification_code is None:
                text += " · " + self.tr("verification code not found: type it from the paper")
                colour = REVIEW_COLOUR
            elif last.code_flagged:
                text += " · " + self.tr("verification code {code}? check it on the paper").replace(
                    "{code}", last.verification_code
                )
                colour = REVIEW_COLOUR
            else:
                text += " · " + self.tr("verification code {code}").replace(
                    "{code}", last.verification_code
                )
        self.pages_label.setText(text)
        self.pages_label.setStyleSheet(f"color: {colour};")

    def _show_status(self) -> None:
        if self._capturing:
            return
        missing = self.session.checklist_missing()
        if not missing or self.session.last_change is not None:
            self.status.setStyleSheet(f"color: {PASS_COLOUR};")
            self.status.setText(self.tr("Checklist complete"))
            return
        self.status.setStyleSheet(f"color: {REVIEW_COLOUR};")
        self.status.setText(
            self.tr("{count} item(s) to check: only a referral until then").replace(
                "{count}", str(len(missing))
            )
        )
