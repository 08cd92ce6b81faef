"""The first-run wizard: what a fresh counter PC needs before a clerk can sign in.

Shown by the app when the counter database has no operator and is not enrolled. The
administrator chooses how this counter works:

* **enrolled** with the central sync service: its address, the one-time code and the
  certificate fingerprint the central administrator gave (``desk_app.sync.enrolment``, the
  same service as ``desk-app counter enrol``); operators then arrive with the first sync;
* **standalone**: the first administrator is created here (password rules and audit as
  ``desk-app operators add``).

Then the camera and the chip reader, each with a live check, saved as this workstation's
preferences. Every core call runs on a worker through ``ui.operations``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desk_app.bootstrap import Application, default_key_file
from desk_app.camera.choice import CameraChoice
from desk_app.camera.sources import try_camera
from desk_app.domain.workflow import Role
from desk_app.idcard.reader import ChipReader
from desk_app.security.operators import add_operator
from ui.operations import Operations
from ui.preferences import SIMULATOR, Preferences
from ui.texts import error_text

MODE_PAGE, ENROL_PAGE, ADMIN_PAGE, DEVICES_PAGE = range(4)
CAMERA_KINDS = ("device", "files", "generated")


def _code(error: BaseException) -> str:
    """The coded error for support (its message may be long and in English)."""
    return str(getattr(error, "code", "") or type(error).__name__)


def _status(label: QLabel, ok: bool, text: str) -> None:
    label.setText(text)
    label.setStyleSheet("color: #1b7f3b;" if ok else "color: #b3261e;")


class ModePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Set up this counter"))
        self.setSubTitle(self.tr("How will this counter work?"))
        self.enrolled = QRadioButton(self.tr("Enrolled with the central sync service"))
        self.standalone = QRadioButton(self.tr("Standalone (no central service)"))
        self.enrolled.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.enrolled)
        group.addButton(self.standalone)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enrolled)
        layout.addWidget(
            QLabel(
                self.tr(
                    "The central administrator gives you the service's address, a one-time "
                    "code and the certificate fingerprint. Operators arrive with the first sync."
                )
            )
        )
        layout.addWidget(self.standalone)
        layout.addWidget(
            QLabel(self.tr("You create the first administrator of this counter next."))
        )
        layout.addStretch()
        for label in self.findChildren(QLabel):
            label.setWordWrap(True)

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return ENROL_PAGE if self.enrolled.isChecked() else ADMIN_PAGE


class EnrolPage(QWizardPage):
    def __init__(self, application: Application, operations: Operations) -> None:
        super().__init__()
        self._application = application
        self._operations = operations
        self.done = False
        self.setTitle(self.tr("Enrol with the central service"))
        self.setSubTitle(self.tr("Type what the central administrator gave you."))
        self.server = QLineEdit()
        self.server.setPlaceholderText("https://central.example.cn:8443")
        self.code = QLineEdit()
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText("SHA-256 AB:CD:…")
        self.enrol_button = QPushButton(self.tr("Enrol"))
        self.enrol_button.clicked.connect(self._enrol)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Service address"), self.server)
        form.addRow(self.tr("One-time code"), self.code)
        form.addRow(self.tr("Certificate fingerprint"), self.fingerprint)
        form.addRow("", self.enrol_button)
        form.addRow("", self.status)

    def _enrol(self) -> None:
        server, code = self.server.text().strip(), self.code.text().strip()
        fingerprint = self.fingerprint.text().strip()
        if not (server and code and fingerprint):
            _status(self.status, False, self.tr("Fill in all three fields."))
            return
        self.enrol_button.setEnabled(False)
        self.status.setText(self.tr("Enrolling…"))
        database = self._application.database
        key_file = default_key_file(self._application.settings.database_url)

        def work() -> str:
            # Imported on the worker, when a counter enrols: the HTTPS stack is not needed to
            # open the counter (ui.app imports this module on every start).
            from desk_app.sync.enrolment import enrol_counter

            binding = enrol_counter(
                database,
                server_url=server,
                code=code,
                key_file=key_file,
                expected_fingerprint=fingerprint,
                operator_id="first-run",
            )
            return f"{binding.site_id} / {binding.counter_id}"

        self._operations.run(work, on_success=self._enrolled, on_failure=self._failed)

    def _enrolled(self, counter: str) -> None:
        self.done = True
        self.code.clear()
        _status(
            self.status,
            True,
            self.tr("Enrolled as counter %1. Operators arrive with the first sync.").replace(
                "%1", counter
            ),
        )
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> None:
        self.enrol_button.setEnabled(True)
        _status(self.status, False, error_text(error))

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.done

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return DEVICES_PAGE


class AdminPage(QWizardPage):
    def __init__(self, application: Application, operations: Operations) -> None:
        super().__init__()
        self._application = application
        self._operations = operations
        self.done = False
        self.setTitle(self.tr("The first administrator"))
        self.setSubTitle(self.tr("The administrator adds the other operators after signing in."))
        self.operator_id = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.create_button = QPushButton(self.tr("Create administrator"))
        self.create_button.clicked.connect(self._create)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Operator ID"), self.operator_id)
        form.addRow(self.tr("Name"), self.display_name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Repeat password"), self.repeat)
        form.addRow("", self.create_button)
        form.addRow("", self.status)

    def _create(self) -> None:
        operator_id = self.operator_id.text().strip()
        name = self.display_name.text().strip()
        password = self.password.text()
        if not (operator_id and name and password):
            _status(self.status, False, self.tr("Fill in the ID, the name and the password."))
            return
        if password != self.repeat.text():
            _status(self.status, False, self.tr("The two passwords differ."))
            return
        self.create_button.setEnabled(False)
        database = self._application.database

        def work() -> None:
            add_operator(
                database,
                operator_id=operator_id,
                display_name=name,
                role=Role.ADMINISTRATOR,
                password=password,
                created_by="first-run",
            )

        self._operations.run(work, on_success=self._created, on_failure=self._failed)

    def _created(self, _result: Any) -> None:
        self.done = True
        for field in (self.operator_id, self.display_name, self.password, self.repeat):
            field.setReadOnly(True)
        self.password.clear()
        self.repeat.clear()
        _status(self.status, True, self.tr("Administrator created."))
        self.completeChanged.emit()

    def _failed(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        _status(self.status, False, error_text(error))

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.done

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return DEVICES_PAGE


class DevicesPage(QWizardPage):
    """The camera and the chip reader, each tried live before they are saved."""

    def __init__(self, operations: Operations, preferences: Preferences) -> None:
        super().__init__()
        self._operations = operations
        self.setTitle(self.tr("Camera and card reader"))
        self.setSubTitle(self.tr("Try each one; you can change them later in the settings."))
        self.camera_kind = QComboBox()
        for kind, text in zip(
            CAMERA_KINDS,
            (self.tr("Webcam"), self.tr("Folder or video file (testing)"), self.tr("Test pattern")),
            strict=True,
        ):
            self.camera_kind.addItem(text, kind)
        self.camera_kind.setCurrentIndex(max(0, CAMERA_KINDS.index(preferences.camera.kind)))
        self.device_index = QSpinBox()
        self.device_index.setRange(0, 9)
        self.device_index.setValue(preferences.camera.device_index)
        self.camera_path = QLineEdit(preferences.camera.path)
        self.camera_button = QPushButton(self.tr("Try the camera"))
        self.camera_button.clicked.connect(self._try_camera)
        self.camera_status = QLabel()
        self.camera_status.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setFixedSize(160, 120)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #222;")
        self.reader_port = QComboBox()
        self.reader_port.setEditable(True)
        self.reader_port.addItems([SIMULATOR, "/dev/ttyUSB0", "COM3"])
        self.reader_port.setCurrentText(preferences.reader_port)
        self.reader_button = QPushButton(self.tr("Try the reader"))
        self.reader_button.clicked.connect(self._try_reader)
        self.reader_status = QLabel()
        self.reader_status.setWordWrap(True)
        self._base = preferences

        camera_row = QWidget()
        row = QHBoxLayout(camera_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.camera_button)
        row.addWidget(self.preview)
        row.addStretch()
        form = QFormLayout(self)
        form.addRow(self.tr("Camera"), self.camera_kind)
        form.addRow(self.tr("Webcam number"), self.device_index)
        form.addRow(self.tr("Folder or file"), self.camera_path)
        form.addRow("", camera_row)
        form.addRow("", self.camera_status)
        form.addRow(self.tr("Reader port"), self.reader_port)
        form.addRow("", self.reader_button)
        form.addRow("", self.reader_status)

    def camera_choice(self) -> CameraChoice:
        return dataclasses.replace(
            self._base.camera,
            kind=str(self.camera_kind.currentData()),
            device_index=self.device_index.value(),
            path=self.camera_path.text().strip(),
        )

    def preferences(self) -> Preferences:
        port = self.reader_port.currentText().strip() or SIMULATOR
        return dataclasses.replace(self._base, camera=self.camera_choice(), reader_port=port)

    def _try_camera(self) -> None:
        choice = self.camera_choice()
        self.camera_button.setEnabled(False)
        self.camera_status.setText(self.tr("Opening the camera…"))

        def work() -> QImage:
            _source, frame = try_camera(choice)
            height, width = frame.shape[:2]
            return QImage(frame.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()

        self._operations.run(
            work, on_success=self._camera_ok, on_failure=self._camera_failed, worker="camera-check"
        )

    def _camera_ok(self, image: QImage) -> None:
        self.camera_button.setEnabled(True)
        self.preview.setPixmap(
            QPixmap.fromImage(image).scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio)
        )
        _status(
            self.camera_status,
            True,
            self.tr("The camera works (%1×%2).")
            .replace("%1", str(image.width()))
            .replace("%2", str(image.height())),
        )

    def _camera_failed(self, error: BaseException) -> None:
        self.camera_button.setEnabled(True)
        self.preview.clear()
        problem = self.tr("The camera cannot be opened or sends no picture.")
        _status(self.camera_status, False, f"{problem} [{_code(error)}]")

    def _try_reader(self) -> None:
        port = self.reader_port.currentText().strip()
        if not port or port == SIMULATOR:
            _status(self.reader_status, True, self.tr("The simulator needs no check."))
            return
        self.reader_button.setEnabled(False)
        self.reader_status.setText(self.tr("Asking the reader…"))

        def work() -> None:
            reader = ChipReader(port)
            try:
                events = reader.poll()
            finally:
                reader.close()
            for event in events:
                if event.kind == "disconnected" and event.error is not None:
                    raise event.error

        self._operations.run(
            work,
            on_success=lambda _result: self._reader_done(None),
            on_failure=self._reader_done,
            worker="reader-check",
        )

    def _reader_done(self, error: BaseException | None) -> None:
        self.reader_button.setEnabled(True)
        if error is None:
            _status(self.reader_status, True, self.tr("The reader answers."))
        else:
            problem = self.tr("No reader answers on this port.")
            _status(self.reader_status, False, f"{problem} [{_code(error)}]")


class FirstRunWizard(QWizard):
    """Mode, then enrolment or the first administrator, then the devices (saved on Finish)."""

    def __init__(
        self,
        application: Application,
        operations: Operations,
        preferences: Preferences,
        store: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self.setWindowTitle(self.tr("Confirmation Desk: first start"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setMinimumSize(640, 480)
        self.mode_page = ModePage()
        self.enrol_page = EnrolPage(application, operations)
        self.admin_page = AdminPage(application, operations)
        self.devices_page = DevicesPage(operations, preferences)
        self.setPage(MODE_PAGE, self.mode_page)
        self.setPage(ENROL_PAGE, self.enrol_page)
        self.setPage(ADMIN_PAGE, self.admin_page)
        self.setPage(DEVICES_PAGE, self.devices_page)
        self.setStartId(MODE_PAGE)
        # Once enrolled or created there is no going back to the other mode.
        for page in (self.enrol_page, self.admin_page):
            page.completeChanged.connect(self._lock_back(page))

    def _lock_back(self, page: EnrolPage | AdminPage) -> Callable[[], None]:
        def lock() -> None:
            if page.done:
                page.setCommitPage(True)

        return lock

    def accept(self) -> None:
        self.devices_page.preferences().save(self._store)
        super().accept()


def needs_first_run(operator_count: int, enrolled: bool) -> bool:
    """A counter with no operator that is not enrolled cannot be signed into: set it up."""
    return operator_count == 0 and not enrolled
