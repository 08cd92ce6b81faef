"""The supervisors' blocklist screen: the ID numbers and faces that stop a confirmation, the
two ways to add one (a number with its reason; the live faces of a revoked proxy case), and
lifting one added by mistake.

A hit at the counter turns the confirmation into a referral with the entry's reason
(``services.workflow``). Numbers are shown masked; every addition and lifting is audited by the
service, which checks the role again (and, on an enrolled counter, that the central side does
not hold the entry: those are lifted centrally).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk_app.services.blocklist import (
    BlocklistView,
    add_faces_of_case,
    add_number,
    blocklist,
    lift_entry,
)
from desk_app.services.counter import SignedIn, mask_document_number
from ui.context import Services
from ui.texts import error_text, problem_text
from ui.widgets import FAIL_COLOUR, PASS_COLOUR


class BlocklistScreen(QWidget):
    """GUI thread only; the database work runs on the operations worker."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.operator: SignedIn | None = None
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Kind"),
                self.tr("ID number / case"),
                self.tr("Reason"),
                self.tr("Added by"),
                self.tr("Where it applies"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.entries: list[BlocklistView] = []
        header = self.table.horizontalHeader()
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        forms = QHBoxLayout()
        number_box = QGroupBox(self.tr("Block an ID number"))
        number_form = QFormLayout(number_box)
        self.number = QLineEdit()
        self.number_reason = QLineEdit()
        self.add_number_button = QPushButton(self.tr("Block the number"))
        number_form.addRow(self.tr("ID number"), self.number)
        number_form.addRow(self.tr("Reason"), self.number_reason)
        number_form.addRow(self.add_number_button)
        forms.addWidget(number_box)
        faces_box = QGroupBox(self.tr("Block the faces of a revoked case"))
        faces_form = QFormLayout(faces_box)
        self.registration_id = QLineEdit()
        self.faces_reason = QLineEdit()
        self.add_faces_button = QPushButton(self.tr("Block the faces"))
        faces_form.addRow(self.tr("Registration number"), self.registration_id)
        faces_form.addRow(self.tr("Reason"), self.faces_reason)
        faces_form.addRow(self.add_faces_button)
        forms.addWidget(faces_box)
        lift_box = QGroupBox(self.tr("Lift the selected entry"))
        lift_form = QFormLayout(lift_box)
        self.lift_reason = QLineEdit()
        self.lift_button = QPushButton(self.tr("Lift the entry"))
        self.lift_button.setEnabled(False)
        lift_form.addRow(self.tr("Reason"), self.lift_reason)
        lift_form.addRow(self.lift_button)
        forms.addWidget(lift_box)
        layout.addLayout(forms)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        layout.addWidget(self.notice)
        self.add_number_button.clicked.connect(self.block_number)
        self.add_faces_button.clicked.connect(self.block_faces)
        self.lift_button.clicked.connect(self.lift_selected)
        self.table.itemSelectionChanged.connect(
            lambda: self.lift_button.setEnabled(self.selected() is not None)
        )

    def set_operator(self, operator: SignedIn | None) -> None:
        self.operator = operator
        self.table.setRowCount(0)
        self.notice.clear()
        if operator is not None:
            self.refresh()

    def refresh(self) -> None:
        database = self.services.application.database
        self.services.operations.run(
            lambda: blocklist(database), on_success=self._show, on_failure=self._failed
        )

    def block_number(self) -> None:
        operator = self.operator
        if operator is None:
            return
        database, number, reason = (
            self.services.application.database,
            self.number.text(),
            self.number_reason.text(),
        )
        self.services.operations.run(
            lambda: add_number(database, operator.operator_id, number, reason),
            on_success=lambda _: self._done(
                self.tr("The number is blocked."), self.number, self.number_reason
            ),
            on_failure=self._failed,
        )

    def block_faces(self) -> None:
        operator = self.operator
        if operator is None:
            return
        database = self.services.application.database
        registration_id, reason = self.registration_id.text().strip(), self.faces_reason.text()
        self.services.operations.run(
            lambda: add_faces_of_case(database, operator.operator_id, registration_id, reason),
            on_success=lambda ids: self._done(
                self.tr("Faces blocked: %1.").replace("%1", str(len(ids))),
                self.registration_id,
                self.faces_reason,
            ),
            on_failure=self._failed,
        )

    def selected(self) -> BlocklistView | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self.entries[rows.pop()] if len(rows) == 1 else None

    def lift_selected(self) -> None:
        operator, entry = self.operator, self.selected()
        if operator is None or entry is None:
            return
        database, reason = self.services.application.database, self.lift_reason.text()
        self.services.operations.run(
            lambda: lift_entry(database, operator.operator_id, entry.uid, reason),
            on_success=lambda _: self._done(self.tr("The entry is lifted."), self.lift_reason),
            on_failure=self._failed,
        )

    def _done(self, text: str, *fields: QLineEdit) -> None:
        for field in fields:
            field.clear()
        self.notice.setStyleSheet(f"color: {PASS_COLOUR};")
        self.notice.setText(text)
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.notice.setStyleSheet(f"color: {FAIL_COLOUR};")
        self.notice.setText(error_text(error))

    def _show(self, entries: list[BlocklistView]) -> None:
        self.entries = entries
        self.table.clearSelection()
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            subject = (
                mask_document_number(entry.document_number)
                if entry.document_number
                else entry.source_registration_id or ""
            )
            kind = self.tr("ID number") if entry.kind == "id_number" else self.tr("Face")
            cells = (kind, subject, entry.reason, entry.added_by, self._where(entry))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def _where(self, entry: BlocklistView) -> str:
        """Every counter once the central side holds the entry; this one until then, or for
        good if the central side refused it (it still applies here)."""
        if entry.central_refusal:
            why = (
                self.tr("the adder is not a supervisor of this site centrally")
                if entry.central_refusal == "permission.role"
                else problem_text(entry.central_refusal, entry.central_refusal)
            )
            return self.tr("This counter; refused centrally: %1").replace("%1", why)
        return self.tr("Every counter") if entry.shared_at else self.tr("This counter")
