"""Sign-in, the first administrator of a fresh counter, and the idle lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.texts import error_text
from ui.widgets import FAIL_COLOUR, heading_font

if TYPE_CHECKING:
    # Types only: the sign-in page is built before the database and its services exist
    # (``ui.app`` shows the window first and hands the services over when they are ready).
    from desk_app.services.counter import SignedIn
    from ui.context import Services

WAIT_COLOUR = "#5f6368"  # the note while the database opens


class _Form(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self.title = QLabel(title)
        self.title.setFont(heading_font(24))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.title)
        holder = QWidget()
        holder.setMinimumWidth(440)
        holder.setMaximumWidth(520)
        self.form = QFormLayout(holder)
        outer.addWidget(holder, 0, Qt.AlignmentFlag.AlignHCenter)
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {FAIL_COLOUR};")
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.problem.setFont(heading_font(12, bold=False))
        outer.addWidget(self.problem)
        outer.addStretch(2)

    def _field(self, label: str, secret: bool = False) -> QLineEdit:
        field = QLineEdit()
        field.setFont(heading_font(14, bold=False))
        if secret:
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(label, field)
        return field

    def _button(self, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setMinimumHeight(44)
        button.setFont(heading_font(14))
        self.form.addRow(button)
        return button

    def show_error(self, error: BaseException) -> None:
        self.problem.setText(error_text(error))
        self.setEnabled(True)


class SignInPage(_Form):
    """Without services yet (the window shown while the database opens), the fields take input
    and the button waits; ``set_services`` makes it ready."""

    signed_in = Signal(object)  # SignedIn

    def __init__(self, services: Services | None, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.services = services
        self.title.setText(self.tr("Confirmation Desk: sign in"))
        self.operator_id = self._field(self.tr("Operator id"))
        self.password = self._field(self.tr("Password"), secret=True)
        self.button = self._button(self.tr("Sign in"))
        self.button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        if services is None:
            self.button.setEnabled(False)
            self.problem.setStyleSheet(f"color: {WAIT_COLOUR};")  # a note, not a problem
            self.problem.setText(self.tr("Opening the database…"))

    @property
    def ready(self) -> bool:
        return self.services is not None

    def set_services(self, services: Services) -> None:
        self.services = services
        self.button.setEnabled(True)
        self.problem.setStyleSheet(f"color: {FAIL_COLOUR};")
        self.problem.clear()

    def submit(self) -> None:
        if self.services is None:  # Enter pressed before the database is open: nothing yet
            return
        queries = self.services.queries
        operator_id, password = self.operator_id.text(), self.password.text()
        self.problem.clear()
        self.setEnabled(False)
        self.services.operations.run(
            lambda: queries.sign_in(operator_id, password),
            on_success=self._accepted,
            on_failure=self.show_error,
        )

    def _accepted(self, operator: SignedIn) -> None:
        self.setEnabled(True)
        self.password.clear()
        self.signed_in.emit(operator)


class FirstAdministratorPage(_Form):
    """A fresh counter has no operators: its first user becomes the administrator."""

    signed_in = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.services = services
        self.title.setText(self.tr("First start: create the administrator"))
        self.operator_id = self._field(self.tr("Operator id"))
        self.display_name = self._field(self.tr("Name"))
        self.password = self._field(self.tr("Password (10+ characters)"), secret=True)
        self.repeat = self._field(self.tr("Password again"), secret=True)
        self.button = self._button(self.tr("Create administrator"))
        self.button.clicked.connect(self.submit)

    def submit(self) -> None:
        if self.password.text() != self.repeat.text():
            self.problem.setText(self.tr("The two passwords differ."))
            return
        queries = self.services.queries
        operator_id, name, password = (
            self.operator_id.text(),
            self.display_name.text(),
            self.password.text(),
        )
        self.setEnabled(False)
        self.services.operations.run(
            lambda: queries.create_first_administrator(operator_id, name, password),
            on_success=self._created,
            on_failure=self.show_error,
        )

    def _created(self, operator: SignedIn) -> None:
        self.setEnabled(True)
        self.signed_in.emit(operator)


class LockPage(_Form):
    """Shown after the idle time: only the signed-in operator's password unlocks."""

    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.services = services
        self.title.setText(self.tr("Locked"))
        self.who = QLabel()
        self.form.addRow(self.who)
        self.password = self._field(self.tr("Password"), secret=True)
        self.button = self._button(self.tr("Unlock"))
        self.button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        switch = QPushButton(self.tr("Sign out"))
        switch.clicked.connect(self.sign_out_requested)
        self.form.addRow(switch)
        self.operator: SignedIn | None = None

    def lock_for(self, operator: SignedIn) -> None:
        self.operator = operator
        self.who.setText(
            self.tr("Signed in: {0} ({1})").format(operator.display_name, operator.operator_id)
        )
        self.password.clear()
        self.problem.clear()

    def submit(self) -> None:
        if self.operator is None:
            return
        queries, operator_id, password = (
            self.services.queries,
            self.operator.operator_id,
            self.password.text(),
        )
        self.setEnabled(False)
        self.services.operations.run(
            lambda: queries.sign_in(operator_id, password),
            on_success=lambda _operator: self._unlocked(),
            on_failure=self.show_error,
        )

    def _unlocked(self) -> None:
        self.setEnabled(True)
        self.password.clear()
        self.unlocked.emit()
