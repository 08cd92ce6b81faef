"""The processing notice and the candidate's consent, asked before the first capture.

PIPL art. 17 and 29-30: the candidate is told what is done with their face and why, and the
clerk records the answer. Without consent no face is taken: the case goes to a supervisor, who
compares the documents by hand.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desk_app.services.counter_session import CounterSession
from ui.widgets import PASS_COLOUR, heading_font


class ConsentBar(QFrame):
    """Shown while the session needs the candidate's answer; ``answered(bool)``. GUI thread."""

    answered = Signal(bool)

    def __init__(self, session: CounterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.notice = QLabel(
            self.tr(
                "Processing notice: to confirm your identity the exam authority compares a "
                "photo taken now with your ID card and registration photo. The photo and its "
                "face data are kept on this counter and the authority's own systems, encrypted, "
                "for at most 180 days after the decision, then deleted. You may refuse: a "
                "supervisor then checks your documents by hand."
            )
        )
        self.notice.setWordWrap(True)
        self.notice.setFont(heading_font(11, bold=False))
        layout.addWidget(self.notice)
        buttons = QHBoxLayout()
        self.agree_button = QPushButton(self.tr("Candidate consents"))
        self.agree_button.setStyleSheet(f"background: {PASS_COLOUR}; color: white;")
        self.refuse_button = QPushButton(self.tr("Candidate refuses: refer to supervisor"))
        for button in (self.agree_button, self.refuse_button):
            button.setMinimumHeight(40)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.agree_button.clicked.connect(lambda: self.answered.emit(True))
        self.refuse_button.clicked.connect(lambda: self.answered.emit(False))
        self.refresh()

    def refresh(self) -> None:
        self.setVisible(self.session.needs_consent())
