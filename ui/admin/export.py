"""Exporting confirmations for the platform (``services.export``): masked by default; full
names and ID numbers only for an administrator with a written reason (audited by the service)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.time import china_today
from desk_app.services.counter import SignedIn
from desk_app.services.export import export_confirmed
from ui.context import Services
from ui.texts import error_text
from ui.widgets import FAIL_COLOUR, PASS_COLOUR


class ExportPanel(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.operator: SignedIn | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        today = china_today()
        self.since = QDateEdit(QDate(today.year, today.month, today.day))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setMaximumWidth(180)
        form.addRow(self.tr("Confirmed since"), self.since)
        self.out = QLineEdit()
        self.out.setPlaceholderText(self.tr("confirmed.csv or confirmed.xlsx"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Export file"), row)
        self.full = QCheckBox(self.tr("Full names and ID numbers (audited)"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why the full numbers are needed"))
        self.reason.setEnabled(False)
        self.full.toggled.connect(self.reason.setEnabled)
        form.addRow("", self.full)
        form.addRow(self.tr("Reason"), self.reason)
        form_holder = QWidget()
        form_holder.setLayout(form)
        form_holder.setMaximumWidth(900)
        layout.addWidget(form_holder)
        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setMaximumWidth(200)
        self.export_button.clicked.connect(self.start)
        layout.addWidget(self.export_button)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def set_operator(self, operator: SignedIn | None) -> None:
        self.operator = operator

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export file"), "confirmed.xlsx", self.tr("Tables (*.csv *.xlsx)")
        )
        if path:
            self.out.setText(path)

    def start(self) -> None:
        if self.operator is None:
            return
        text = self.out.text().strip()
        if not text:
            self._say(self.tr("Choose the export file first."), ok=False)
            return
        database = self.services.application.database
        chosen = self.since.date()
        since = date(chosen.year(), chosen.month(), chosen.day())
        out, operator_id = Path(text), self.operator.operator_id
        full, reason = self.full.isChecked(), self.reason.text()
        self.export_button.setEnabled(False)
        self.services.operations.run(
            lambda: export_confirmed(
                database, since, out, operator_id=operator_id, full=full, reason=reason
            ),
            on_success=lambda count: self._done(count, out),
            on_failure=self._failed,
        )

    def _done(self, count: int, out: Path) -> None:
        self.export_button.setEnabled(True)
        self._say(self.tr("Wrote {0} confirmations to {1}.").format(count, out.name), ok=True)

    def _failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self._say(error_text(error), ok=False)

    def _say(self, text: str, *, ok: bool) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {PASS_COLOUR if ok else FAIL_COLOUR}")
