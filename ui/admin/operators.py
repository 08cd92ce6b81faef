"""The counter's operators. A standalone counter's administrator adds them here; an enrolled
counter takes its operators from the central service (``desk-app central operators``), so the
list is read-only there. Every change is checked again by the service (administrators only)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.workflow import Role
from desk_app.services.counter import SignedIn, add_operator_as, operator_list
from ui.context import Services
from ui.texts import error_text, role_text
from ui.widgets import heading_font


class OperatorsPanel(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.operator: SignedIn | None = None
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        title = QLabel(self.tr("Operators"))
        title.setFont(heading_font(14))
        self.operators = QListWidget()
        left.addWidget(title)
        left.addWidget(self.operators, 1)
        layout.addLayout(left, 1)
        self.form_box = QGroupBox(self.tr("Add an operator"))
        form = QFormLayout(self.form_box)
        self.new_id = QLineEdit()
        self.new_name = QLineEdit()
        self.new_role = QComboBox()
        for role in Role:
            self.new_role.addItem(role_text(role), role)
        self.new_unit = QLineEdit()
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.clicked.connect(self.add)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        form.addRow(self.tr("Operator id"), self.new_id)
        form.addRow(self.tr("Name"), self.new_name)
        form.addRow(self.tr("Role"), self.new_role)
        form.addRow(self.tr("Tutoring unit"), self.new_unit)
        form.addRow(self.tr("Password"), self.new_password)
        form.addRow(self.add_button)
        form.addRow(self.notice)
        right = QVBoxLayout()
        self.central_note = QLabel(
            self.tr(
                "This counter is enrolled: operators, roles and passwords are managed on the "
                "central service and arrive with the next sync. The list is read-only here."
            )
        )
        self.central_note.setWordWrap(True)
        right.addWidget(self.central_note)
        right.addWidget(self.form_box)
        right.addStretch(1)
        layout.addLayout(right, 1)
        self.read_only = services.application.binding is not None
        self.form_box.setVisible(not self.read_only)
        self.central_note.setVisible(self.read_only)

    def set_operator(self, operator: SignedIn | None) -> None:
        self.operator = operator
        if operator is not None:
            self.refresh()

    def refresh(self) -> None:
        database = self.services.application.database
        self.services.operations.run(
            lambda: operator_list(database), on_success=self._show_operators
        )

    def _show_operators(self, operators: list[SignedIn]) -> None:
        self.operators.clear()
        for operator in operators:
            unit = f" · {operator.tutoring_unit}" if operator.tutoring_unit else ""
            role = role_text(operator.role)
            self.operators.addItem(
                f"{operator.operator_id}  {operator.display_name}  ({role}{unit})"
            )

    def add(self) -> None:
        creator = self.operator
        if creator is None or self.read_only:
            return
        database = self.services.application.database
        role = Role(self.new_role.currentData())
        values = (
            self.new_id.text(),
            self.new_name.text(),
            self.new_password.text(),
            self.new_unit.text().strip() or None,
        )
        self.services.operations.run(
            lambda: add_operator_as(
                database,
                creator,
                operator_id=values[0],
                display_name=values[1],
                role=role,
                password=values[2],
                tutoring_unit=values[3],
            ),
            on_success=self._added,
            on_failure=lambda error: self.notice.setText(error_text(error)),
        )

    def _added(self, operator: SignedIn) -> None:
        self.notice.setText(self.tr("Added {0}").format(operator.operator_id))
        self.new_id.clear()
        self.new_password.clear()
        self.refresh()
