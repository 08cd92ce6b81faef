"""Importing the platform's roster (file and photos) with progress, cancel and the bad rows.

The import runs on the database worker (``services.roster_import``, one transaction); its
progress and cancel are the core's plain callables turned into signals. All or nothing unless
the administrator ticks "skip invalid rows": then the good rows go in and the bad ones stay in
the table with their row, column and reason.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk_app.services.counter import SignedIn
from desk_app.services.roster_import import ImportReport, import_roster
from ui.admin.progress import ProgressRelay
from ui.context import Services
from ui.texts import error_text, problem_text
from ui.widgets import FAIL_COLOUR, PASS_COLOUR


class RosterImportPanel(QWidget):
    finished = Signal(object)  # ImportReport, or the exception

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.operator: SignedIn | None = None
        self.relay = ProgressRelay(self)
        self.relay.progressed.connect(self._progressed)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.file = QLineEdit()
        self.file.setPlaceholderText(self.tr("CSV (UTF-8 or GB18030) or XLSX from the platform"))
        browse_file = QPushButton(self.tr("Choose…"))
        browse_file.clicked.connect(self._choose_file)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse_file)
        form.addRow(self.tr("Roster file"), row)
        self.photos = QLineEdit()
        self.photos.setPlaceholderText(
            self.tr("Folder or ZIP of e-photos (default: beside the file)")
        )
        browse_photos = QPushButton(self.tr("Choose…"))
        browse_photos.clicked.connect(self._choose_photos)
        row = QHBoxLayout()
        row.addWidget(self.photos, 1)
        row.addWidget(browse_photos)
        form.addRow(self.tr("E-photos"), row)
        self.skip_invalid = QCheckBox(self.tr("Skip invalid rows (import the good ones)"))
        form.addRow("", self.skip_invalid)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        layout.addLayout(buttons)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.problems = QTableWidget(0, 4)
        self.problems.setHorizontalHeaderLabels(
            [self.tr("Row"), self.tr("Column"), self.tr("Code"), self.tr("Problem")]
        )
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.problems.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.problems, 1)
        self.running = False

    def set_operator(self, operator: SignedIn | None) -> None:
        self.operator = operator

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Roster file"), "", self.tr("Rosters (*.csv *.xlsx)")
        )
        if path:
            self.file.setText(path)

    def _choose_photos(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("E-photos"))
        if path:
            self.photos.setText(path)

    def start(self) -> None:
        if self.running or self.operator is None:
            return
        file_text = self.file.text().strip()
        if not file_text:
            self._say(self.tr("Choose the roster file first."), ok=False)
            return
        application = self.services.application
        path = Path(file_text)
        photos = Path(self.photos.text().strip()) if self.photos.text().strip() else None
        skip_invalid = self.skip_invalid.isChecked()
        operator_id = self.operator.operator_id
        relay = self.relay
        relay.reset()
        self.running = True
        self.import_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first report
        self.problems.setRowCount(0)
        self._say(self.tr("Reading {0}…").format(path.name), ok=True)

        def work() -> ImportReport:
            return import_roster(
                application.database,
                path,
                ticket_layout=application.ticket_layout,
                photos=photos,
                skip_invalid=skip_invalid,
                operator_id=operator_id,
                progress=relay.report,
                cancelled=relay.cancelled,
            )

        self.services.operations.run(work, on_success=self._done, on_failure=self._failed)

    def cancel(self) -> None:
        self.relay.cancel()
        self.cancel_button.setEnabled(False)
        self._say(self.tr("Cancelling…"), ok=True)

    def _progressed(self, done: int, total: int) -> None:
        if not self.running:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _finish(self) -> None:
        self.running = False
        self.import_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)

    def _done(self, report: ImportReport) -> None:
        self._finish()
        self.progress.setValue(1 if report.imported else 0)
        self._show_problems(report)
        bad = len({problem.row_number for problem in report.problems})
        if report.imported:
            text = self.tr(
                "Imported: {0} new, {1} updated, {2} unchanged, {3} photos; {4} bad rows skipped."
            ).format(report.inserted, report.updated, report.unchanged, report.photos_stored, bad)
            if report.kept_decided:
                text += " " + self.tr("{0} records already decided were left as they are.").format(
                    len(report.kept_decided)
                )
            self._say(text, ok=True)
        else:
            self._say(
                self.tr(
                    "Nothing imported: {0} rows have problems. Fix them, or tick "
                    "'skip invalid rows' to import the rest."
                ).format(bad),
                ok=False,
            )
        self.finished.emit(report)

    def _failed(self, error: BaseException) -> None:
        self._finish()
        self.progress.setValue(0)
        self._say(error_text(error), ok=False)
        self.finished.emit(error)

    def _show_problems(self, report: ImportReport) -> None:
        problems = sorted(report.problems, key=lambda p: (p.row_number, p.column))
        self.problems.setRowCount(len(problems))
        for index, problem in enumerate(problems):
            for column, value in enumerate(
                (
                    str(problem.row_number),
                    problem.column,
                    problem.code,
                    problem_text(problem.code, problem.reason),
                )
            ):
                item = QTableWidgetItem(value)
                item.setToolTip(problem.reason)  # what was found, in the core's words
                self.problems.setItem(index, column, item)

    def _say(self, text: str, *, ok: bool) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {PASS_COLOUR if ok else FAIL_COLOUR}")
