"""The class roster shown to tutoring-unit staff: their unit's records and its progress."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.workflow import CandidateState
from desk_app.services.counter import CandidateView, UnitProgress
from ui.texts import state_text
from ui.widgets import PASS_COLOUR, REVIEW_COLOUR, heading_font


class RosterPanel(QGroupBox):
    """The roster list; ``chosen`` carries the registration id the operator stepped to.

    GUI thread only; the screen fetches the roster (on the database worker) and shows it here.
    """

    chosen = Signal(str)  # registration id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Class roster"))
        layout = QVBoxLayout(self)
        self.progress = QLabel()
        self.progress.setFont(heading_font(12))
        self.roster = QListWidget()
        self.roster.itemActivated.connect(self._roster_chosen)
        self.roster.itemClicked.connect(self._roster_chosen)
        steps = QHBoxLayout()
        self.previous_button = QPushButton(self.tr("Previous"))
        self.next_in_roster_button = QPushButton(self.tr("Next in roster"))
        # Bound methods, not lambdas: PySide keeps lambda receivers in shared objects that can
        # outlive (and crash) a deleted window.
        self.previous_button.clicked.connect(self.previous_in_roster)
        self.next_in_roster_button.clicked.connect(self.next_in_roster)
        steps.addWidget(self.previous_button)
        steps.addWidget(self.next_in_roster_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.roster, 1)
        layout.addLayout(steps)
        self.setVisible(False)
        self.setMinimumWidth(340)
        self.setMaximumWidth(380)

    def clear(self) -> None:
        """Never another operator's class on screen."""
        self.roster.clear()
        self.progress.clear()

    def show_roster(self, result: tuple[list[CandidateView], UnitProgress]) -> None:
        roster, progress = result
        current = self.roster.currentRow()
        self.roster.clear()
        for candidate in roster:
            item = QListWidgetItem(
                f"{candidate.name}  …{candidate.document_number[-4:]}  "
                f"{state_text(candidate.state)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, candidate.registration_id)
            if candidate.state is CandidateState.CONFIRMED:
                item.setForeground(QColor(PASS_COLOUR))
            elif candidate.state is CandidateState.REFERRED:
                item.setForeground(QColor(REVIEW_COLOUR))
            self.roster.addItem(item)
        if 0 <= current < self.roster.count():
            self.roster.setCurrentRow(current)
        self.progress.setText(
            self.tr("Confirmed {0} / remaining {1} / total {2}").format(
                progress.confirmed, progress.remaining, progress.total
            )
        )
        self.roster_progress = progress

    def previous_in_roster(self) -> None:
        self.step_roster(-1)

    def next_in_roster(self) -> None:
        self.step_roster(1)

    def step_roster(self, step: int) -> None:
        if not self.roster.count():
            return
        row = min(max(self.roster.currentRow() + step, 0), self.roster.count() - 1)
        self.roster.setCurrentRow(row)
        item = self.roster.item(row)
        if item is not None:
            self._roster_chosen(item)

    def _roster_chosen(self, item: QListWidgetItem) -> None:
        self.chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
