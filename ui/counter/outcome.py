"""Under the preview: the notice line, the ticket number after a decision, and the slip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desk_app.domain.workflow import CandidateState
from desk_app.services.counter_session import CounterSession, Slip
from ui.operations import Operations
from ui.slip import paint_slip, write_slip_pdf
from ui.widgets import FAIL_COLOUR, PASS_COLOUR, REVIEW_COLOUR, TicketNumber, heading_font


class OutcomePanel(QWidget):
    """The notice (also the screen's line for errors and hints), the ticket number and the
    slip buttons. GUI thread only; the slip PDF is written on the ``documents`` worker.

    No margins of its own: it lays out exactly as the rows of the screen's column it sits in.
    """

    failed = Signal(object)  # BaseException: writing the slip failed

    def __init__(
        self,
        session: CounterSession,
        operations: Operations,
        slip: Callable[[], Slip | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.operations = operations
        self.slip = slip
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setFont(heading_font(12))
        layout.addWidget(self.notice)
        ticket_row = QHBoxLayout()
        self.ticket = TicketNumber()
        self.slip_button = QPushButton(self.tr("Save slip as PDF…"))
        self.slip_button.clicked.connect(self._ask_slip)
        self.print_button = QPushButton(self.tr("Print slip…"))
        self.print_button.clicked.connect(self._print_slip)
        ticket_row.addWidget(self.ticket, 1)
        ticket_row.addWidget(self.print_button)
        ticket_row.addWidget(self.slip_button)
        layout.addLayout(ticket_row)

    def update_actions(self) -> None:
        available = self.slip() is not None
        self.slip_button.setEnabled(available)
        self.print_button.setEnabled(available)

    def refresh(self) -> None:
        change = self.session.last_change
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
            self.notice.setText(
                self.tr(
                    "ALERT: this face matches another confirmed candidate. "
                    "The case was referred to a supervisor."
                )
                if self.session.duplicate_face_alert()
                else self.tr("Referred to a supervisor.")
            )
        elif change.new_state is CandidateState.REJECTED:
            self.ticket.clear()
            self.notice.setStyleSheet(f"color: {FAIL_COLOUR};")
            self.notice.setText(self.tr("Rejected."))

    def save_slip(self, path: Path) -> None:
        """Write the slip on its own worker (rendering a PDF with a CJK font takes ~60 ms);
        the session's ``slip_path`` is set when it is written."""
        slip = self.slip()
        if slip is None:
            return
        self.operations.run(
            lambda: write_slip_pdf(slip, path),
            on_success=self._slip_written,
            on_failure=self._failed,
            worker="documents",
        )

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(error)

    def _slip_written(self, path: Path) -> None:
        self.session.slip_saved(path)
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
