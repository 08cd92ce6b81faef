"""The candidate panel: the search field, the records a look-up offered, the chosen record."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.candidate import PriorDiplomaStatus
from desk_app.services.counter import CandidateView, mask_document_number, record_mismatches
from desk_app.services.counter_session import CounterSession
from ui.texts import document_text, kind_text, state_text
from ui.widgets import FAIL_COLOUR, REVIEW_COLOUR, heading_font


class CandidatePanel(QGroupBox):
    """Shows the session's record; asks the screen to search or to take an offered record.

    GUI thread only; the look-ups themselves are the screen's (on the database worker).
    """

    search_requested = Signal(str)  # the typed text, stripped, never empty
    chosen = Signal(object)  # CandidateView: one of the offered records

    def __init__(self, session: CounterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setTitle(self.tr("Pre-registration"))
        layout = QVBoxLayout(self)
        search_row = QHBoxLayout()
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText(self.tr("ID number, last 6 digits, name or phone"))
        self.search_field.returnPressed.connect(self._search_typed)
        search_button = QPushButton(self.tr("Search"))
        search_button.clicked.connect(self._search_typed)
        search_row.addWidget(self.search_field, 1)
        search_row.addWidget(search_button)
        layout.addLayout(search_row)
        self.results = QListWidget()
        self.results.setMaximumHeight(80)
        self.results.itemClicked.connect(self._result_chosen)
        self.results.setVisible(False)
        layout.addWidget(self.results)
        details = QHBoxLayout()
        self.candidate_fields = QLabel(self.tr("No candidate yet"))
        self.candidate_fields.setWordWrap(True)
        self.candidate_fields.setFont(heading_font(12, bold=False))
        self.candidate_fields.setTextFormat(Qt.TextFormat.RichText)
        details.addWidget(self.candidate_fields, 1)
        layout.addLayout(details)

    def _search_typed(self) -> None:
        text = self.search_field.text().strip()
        if text:
            self.search_requested.emit(text)

    def _result_chosen(self, item: QListWidgetItem) -> None:
        candidate = self.session.found_record(str(item.data(Qt.ItemDataRole.UserRole)))
        if candidate is not None:
            self.chosen.emit(candidate)

    def show_offered(self, offered: list[CandidateView]) -> None:
        """The records a look-up offered; the list shows only when there is a choice."""
        self.results.clear()
        self.results.setVisible(len(offered) > 1)
        for candidate in offered:
            item = QListWidgetItem(
                f"{candidate.name}  {mask_document_number(candidate.document_number)}  "
                f"{candidate.registration_id}  [{state_text(candidate.state)}]"
            )
            item.setData(Qt.ItemDataRole.UserRole, candidate.registration_id)
            self.results.addItem(item)

    def clear(self) -> None:
        self.search_field.clear()
        self.results.clear()
        self.results.setVisible(False)

    def refresh(self) -> None:
        session = self.session
        candidate = session.candidate
        if candidate is None:
            if session.lookup_done and not session.candidates_found:
                self.candidate_fields.setText(
                    f"<span style='color:{FAIL_COLOUR}; font-size:16pt'><b>"
                    + self.tr("Not pre-registered")
                    + "</b></span><br>"
                    + self.tr(
                        "Tell the candidate: register on the provincial candidate platform "
                        "first, then come back at the published confirmation times."
                    )
                )
            elif session.lookup_done:
                self.candidate_fields.setText(self.tr("Several records: choose one above"))
            else:
                self.candidate_fields.setText(self.tr("No candidate yet"))
            return
        flags = []
        if candidate.prior_diploma_status == PriorDiplomaStatus.FAILED.value:
            flags.append(self.tr("Prior-diploma check failed: ask for the certificate"))
        if candidate.prior_diploma_status == PriorDiplomaStatus.PENDING.value:
            flags.append(self.tr("Prior-diploma check pending"))
        if candidate.earlier_attempts:
            flags.append(self.tr("Earlier attempts: {0}").format(candidate.earlier_attempts))
        if candidate.sync_conflict:
            flags.append(
                self.tr(
                    "Sync conflict: the central database kept another decision (see supervisor)"
                )
            )
        if session.card is not None:
            for field in record_mismatches(session.card, candidate):
                flags.append(self.tr("Card and registration differ: {0}").format(field))
        lines = [
            f"<b style='font-size:15pt'>{candidate.name}</b>  "
            f"{mask_document_number(candidate.document_number)}",
            f"{candidate.registration_id} · {kind_text(candidate.kind)} · "
            f"{document_text(candidate.document_type)}",
            self.tr("Programme: {0} {1}").format(
                candidate.programme_code, candidate.programme_name
            ),
            self.tr("Exam area: {0}").format(candidate.exam_area),
            self.tr("State: {0}").format(state_text(candidate.state)),
        ]
        if candidate.ticket_number:
            lines.append(self.tr("Ticket number {0}").format(candidate.ticket_number))
        if candidate.tutoring_unit:
            lines.append(
                self.tr("Tutoring unit: {0} {1}").format(
                    candidate.tutoring_unit, candidate.class_name or ""
                )
            )
        lines += [f"<span style='color:{REVIEW_COLOUR}'>⚑ {flag}</span>" for flag in flags]
        self.candidate_fields.setText("<br>".join(lines))
