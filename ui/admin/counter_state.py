"""The counter's identity, enrolment and sync state: read-only (the central registration sets
them once the counter is enrolled; ``desk-app counter register`` enrols it)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from desk_app.domain.time import CHINA_TIME
from desk_app.services.counter import SignedIn
from desk_app.sync.binding import SyncStatus, sync_status
from ui.context import Services
from ui.texts import error_text


def _when(moment: object) -> str:
    from datetime import datetime

    if not isinstance(moment, datetime):
        return "—"
    return moment.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


class CounterStatePanel(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        layout = QVBoxLayout(self)
        identity = QGroupBox(self.tr("This counter"))
        form = QFormLayout(identity)
        station = services.application.workstation
        self.site = QLabel(station.site_id)
        self.counter = QLabel(station.counter_id)
        self.method = QLabel(station.method.value)
        self.areas = QLabel(", ".join(station.exam_areas) or self.tr("every exam area"))
        self.unit = QLabel(station.tutoring_unit or "—")
        form.addRow(self.tr("Site"), self.site)
        form.addRow(self.tr("Counter"), self.counter)
        form.addRow(self.tr("Method"), self.method)
        form.addRow(self.tr("Exam areas"), self.areas)
        form.addRow(self.tr("Tutoring unit"), self.unit)
        layout.addWidget(identity)
        sync = QGroupBox(self.tr("Enrolment and synchronisation"))
        sync_form = QFormLayout(sync)
        self.enrolment = QLabel()
        self.enrolment.setWordWrap(True)
        self.online = QLabel("—")
        self.last_success = QLabel("—")
        self.last_attempt = QLabel("—")
        self.waiting = QLabel("—")
        self.conflicts = QLabel("—")
        self.tickets_left = QLabel("—")
        self.last_error = QLabel("—")
        self.last_error.setWordWrap(True)
        for label, widget in (
            (self.tr("Enrolment"), self.enrolment),
            (self.tr("Connection"), self.online),
            (self.tr("Last success"), self.last_success),
            (self.tr("Last attempt"), self.last_attempt),
            (self.tr("Waiting to send"), self.waiting),
            (self.tr("Open conflicts"), self.conflicts),
            (self.tr("Ticket numbers left"), self.tickets_left),
            (self.tr("Last error"), self.last_error),
        ):
            sync_form.addRow(label, widget)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setMaximumWidth(200)
        self.refresh_button.clicked.connect(self.refresh)
        sync_form.addRow(self.refresh_button)
        layout.addWidget(sync)
        layout.addStretch(1)

    @property
    def enrolled(self) -> bool:
        return self.services.application.binding is not None

    def set_operator(self, operator: SignedIn | None) -> None:
        if operator is not None:
            self.refresh()

    def refresh(self) -> None:
        application = self.services.application
        self.services.operations.run(
            lambda: sync_status(application.database, application.tickets.layout.series),
            on_success=self.show_status,
            on_failure=lambda error: self.last_error.setText(error_text(error)),
        )

    def show_status(self, status: SyncStatus | None) -> None:
        if status is None:
            self.enrolment.setText(
                self.tr(
                    "Standalone counter: not enrolled with a central service; its own "
                    "administrator manages operators and ticket numbers."
                )
            )
            for label in (self.online, self.last_success, self.last_attempt, self.waiting,
                          self.conflicts, self.tickets_left, self.last_error):  # fmt: skip
                label.setText("—")
            return
        self.enrolment.setText(
            self.tr("Enrolled as {0} with {1}").format(status.counter_id, status.central)
        )
        self.online.setText(self.tr("online") if status.online else self.tr("offline"))
        self.last_success.setText(_when(status.last_success_at))
        self.last_attempt.setText(_when(status.last_attempt_at))
        self.waiting.setText(
            self.tr("{0} pending, {1} parked").format(status.pending, status.parked)
        )
        self.conflicts.setText(str(status.conflicts))
        self.tickets_left.setText(str(status.tickets_left))
        self.last_error.setText(status.last_error or "—")
