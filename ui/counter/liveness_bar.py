"""The liveness check's line on the counter screen: what is being asked, how it ended, and what
the clerk may do about a failure (ask again, or have a supervisor accept it with a reason).

The prompt itself is drawn over the preview (``challenge.ChallengeOverlay``); this bar is for the
clerk. Shown only when the check is required for the case at the counter.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desk_app.services.counter import SignedIn
from desk_app.services.counter_session import MAX_CHALLENGES, CounterSession
from ui.texts import liveness_reason_text
from ui.widgets import FAIL_COLOUR, PASS_COLOUR


class LivenessBar(QFrame):
    """GUI thread only; the screen connects the buttons and calls ``refresh``."""

    def __init__(self, session: CounterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.operator: SignedIn | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status, 1)
        self.retry_button = QPushButton(self.tr("Check again (F7)"))
        self.override_button = QPushButton(self.tr("Supervisor accepts…"))
        for button in (self.retry_button, self.override_button):
            button.setMinimumHeight(36)
            layout.addWidget(button)

    def refresh(self) -> None:
        session, operator = self.session, self.operator
        required = session.undecided() and session.liveness_required(operator)
        self.setVisible(required and session.consent is True)
        self.retry_button.setEnabled(session.may_retry_challenge())
        self.override_button.setVisible(session.may_override_liveness(operator))
        self.status.setStyleSheet("")
        liveness = session.liveness
        if session.capture is None:
            self.status.setText(self.tr("Liveness check: after the photo"))
        elif session.challenge is not None:
            self.status.setText(
                self.tr("Liveness check %1 of %2: the candidate follows the prompt")
                .replace("%1", str(session.challenges_asked))
                .replace("%2", str(MAX_CHALLENGES))
            )
        elif liveness is None:
            self.status.setText(self.tr("Liveness check: starting"))
        elif liveness.passed:
            self.status.setStyleSheet(f"color: {PASS_COLOUR}; font-weight: bold;")
            self.status.setText(self.tr("Liveness check passed"))
        elif liveness.overridden_by is not None:
            self.status.setStyleSheet(f"color: {PASS_COLOUR};")
            self.status.setText(
                self.tr("Liveness check failed; accepted by supervisor %1").replace(
                    "%1", liveness.overridden_by
                )
            )
        else:
            self.status.setStyleSheet(f"color: {FAIL_COLOUR}; font-weight: bold;")
            self.status.setText(
                self.tr("Liveness check failed: %1").replace(
                    "%1", liveness_reason_text(liveness.code)
                )
            )


class SupervisorAcceptDialog(QDialog):
    """A supervisor at the clerk's counter signs in and says why a failed check is accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Supervisor accepts the failed liveness check"))
        form = QFormLayout(self)
        self.supervisor = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(
            self.tr("Why the candidate is accepted (e.g. a medical condition; checked how)")
        )
        self.reason.setMaximumHeight(90)
        form.addRow(self.tr("Supervisor"), self.supervisor)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Reason"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for changed in (self.supervisor.textChanged, self.password.textChanged):
            changed.connect(self._update)
        self.reason.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(
            bool(self.supervisor.text().strip())
            and bool(self.password.text())
            and bool(self.reason.toPlainText().strip())
        )

    def answer(self) -> tuple[str, str, str]:
        """(supervisor id, password, reason)."""
        return self.supervisor.text().strip(), self.password.text(), self.reason.toPlainText()
