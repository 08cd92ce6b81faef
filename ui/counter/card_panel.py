"""The card panel: the card read (or the typed-in document) and what is wrong with it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desk_app.services.counter_session import CounterSession
from ui.texts import document_text, error_text
from ui.widgets import FAIL_COLOUR, REVIEW_COLOUR, heading_font


class CardPanel(QGroupBox):
    """Shows the session's card; its two buttons are wired by the screen. GUI thread only."""

    def __init__(self, session: CounterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setTitle(self.tr("ID card"))
        layout = QHBoxLayout(self)
        self.card_fields = QLabel(self.tr("Place the ID card on the reader"))
        self.card_fields.setWordWrap(True)
        self.card_fields.setFont(heading_font(12, bold=False))
        buttons = QVBoxLayout()
        self.camera_card_button = QPushButton(self.tr("Read card with camera"))
        self.manual_button = QPushButton(self.tr("Document without chip…"))
        buttons.addWidget(self.camera_card_button)
        buttons.addWidget(self.manual_button)
        buttons.addStretch(1)
        layout.addWidget(self.card_fields, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        card, manual = self.session.card, self.session.manual_document
        if manual is not None:
            self.card_fields.setText(
                self.tr("Typed in: {0} {1}").format(
                    document_text(manual.document_type), manual.number
                )
                + "\n"
                + self.tr("A document without a chip is always referred to a supervisor.")
            )
            return
        if card is None:
            self.card_fields.setText(self.tr("Place the ID card on the reader"))
            return
        validity = (
            self.tr("long-term")
            if card.long_term
            else (card.valid_to.isoformat() if card.valid_to else "?")
        )
        lines = [
            f"<b>{card.name}</b>  {card.id_number}",
            self.tr("Born {0}, valid until {1}").format(
                card.birth_date.isoformat() if card.birth_date else "?", validity
            ),
            card.address,
        ]
        for issue in self.session.card_issues:
            lines.append(f"<span style='color:{FAIL_COLOUR}'>⚠ {error_text(issue)}</span>")
        if self.session.portrait_error is not None:
            # Not a problem of the card: the counter's portrait decoder, worded for the clerk.
            words = error_text(self.session.portrait_error)
            lines.append(f"<span style='color:{REVIEW_COLOUR}'>ⓘ {words}</span>")
        self.card_fields.setTextFormat(Qt.TextFormat.RichText)
        self.card_fields.setText("<br>".join(lines))
