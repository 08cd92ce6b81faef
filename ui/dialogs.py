"""Dialogs: a reason for refer / reject / revoke, a document typed in by hand."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DocumentError
from desk_app.domain.workflow import ReasonCode
from desk_app.idcard.rules import ValidatedDocument, validate_document
from ui.texts import document_text, error_text, reason_text

NON_CHIP_DOCUMENTS = [document for document in DocumentType if not document.has_chip]


class ReasonDialog(QDialog):
    """A coded reason and a note; ``choice()`` after ``exec()`` returns them."""

    def __init__(
        self,
        title: str,
        reasons: list[ReasonCode],
        suggested: ReasonCode | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.reason = QComboBox()
        for reason in reasons:
            self.reason.addItem(reason_text(reason), reason)
        if suggested in reasons:
            self.reason.setCurrentIndex(reasons.index(suggested))
        self.note = QLineEdit()
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[ReasonCode, str]:
        return ReasonCode(self.reason.currentData()), self.note.text().strip()


class ManualDocumentDialog(QDialog):
    """A document without a chip, typed in and checked against its rules before it is used."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Document without chip"))
        form = QFormLayout(self)
        self.document_type = QComboBox()
        for document in NON_CHIP_DOCUMENTS:
            self.document_type.addItem(document_text(document), document)
        self.number = QLineEdit()
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #d93025;")
        self.problem.setWordWrap(True)
        form.addRow(self.tr("Document"), self.document_type)
        form.addRow(self.tr("Number"), self.number)
        form.addRow(
            QLabel(self.tr("A document without a chip is always referred to a supervisor."))
        )
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.validated: ValidatedDocument | None = None

    def _check(self) -> None:
        try:
            self.validated = validate_document(
                DocumentType(self.document_type.currentData()), self.number.text()
            )
        except DocumentError as error:
            self.problem.setText(error_text(error))
            return
        self.accept()
