"""The match panel: the three pictures, the scores table and the by-eye check box."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.matching import Band
from desk_app.services.counter_session import CounterSession
from desk_app.services.faces import LookAlike
from desk_app.vision.verification import Comparison
from ui.texts import ephoto_issue_text, match_reason_text
from ui.widgets import FAIL_COLOUR, PASS_COLOUR, REVIEW_COLOUR, PictureBox, heading_font

BAND_COLOURS = {Band.PASS: PASS_COLOUR, Band.REVIEW: REVIEW_COLOUR, Band.FAIL: FAIL_COLOUR}


class SideBySideDialog(QDialog):
    """Faces at a size where ears, hairline and moles can be told apart, with a worded hint
    (``hint``) and the buttons the caller adds beside Back (``buttons``)."""

    def __init__(
        self, title: str, pictures: list[tuple[str, bytes | None]], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        for caption, data in pictures:
            box = PictureBox(caption)
            box.show_image(data, self.tr("No photo kept"), size=(360, 460))
            row.addWidget(box)
        layout.addLayout(row)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {REVIEW_COLOUR}; font-weight: bold;")
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox()
        self.back_button = self.buttons.addButton(
            self.tr("Back"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


class MatchPanel(QGroupBox):
    """Shows the session's pictures and three-way match. GUI thread only.

    The live picture is shown once, when the shot arrives (``show_live``), not on every refresh:
    decoding it again each time would cost the preview frames.
    """

    def __init__(self, session: CounterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setTitle(self.tr("Face match"))
        layout = QVBoxLayout(self)
        pictures = QGridLayout()
        self.live_picture = PictureBox(self.tr("Live"))
        self.card_picture = PictureBox(self.tr("Card portrait"))
        self.ephoto_picture = PictureBox(self.tr("Registered e-photo"))
        # The registration photo made from the shot: printed on the exam notice and diploma.
        self.standard_picture = PictureBox(self.tr("New registration photo"))
        # Another confirmed candidate with the same face (a stand-in, or a double
        # registration), shown beside the live face only when there is one.
        self.look_alike_picture = PictureBox(self.tr("Same face as"))
        self.look_alike_picture.hide()
        self._look_alikes_shown: tuple[LookAlike, ...] = ()
        boxes = (self.live_picture, self.card_picture, self.ephoto_picture, self.standard_picture,
                 self.look_alike_picture)  # fmt: skip
        for column, box in enumerate(boxes):
            pictures.addWidget(box, 0, column)
        layout.addLayout(pictures)
        self.look_alike_hint = QLabel()
        self.look_alike_hint.setWordWrap(True)
        self.look_alike_hint.setStyleSheet(f"color: {FAIL_COLOUR}; font-weight: bold;")
        # Two lines always: the panel is tight, and a cut hint would hide what to do.
        self.look_alike_hint.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 4)
        self.compare_button = QPushButton(self.tr("Compare side by side…"))
        self.compare_button.clicked.connect(self.compare_side_by_side)
        look_alike_row = QHBoxLayout()
        look_alike_row.addWidget(self.look_alike_hint, 1)
        look_alike_row.addWidget(self.compare_button)
        self.look_alike_hint.hide()
        self.compare_button.hide()
        layout.addLayout(look_alike_row)
        self.standard_problems = QLabel()
        self.standard_problems.setWordWrap(True)
        self.standard_problems.setStyleSheet(f"color: {REVIEW_COLOUR};")
        layout.addWidget(self.standard_problems)
        self.scores = QTableWidget(3, 4)
        self.scores.setHorizontalHeaderLabels(
            [
                self.tr("Comparison"),
                self.tr("Distance"),
                self.tr("Result"),
                self.tr("Pass / review"),
            ]
        )
        self.scores.verticalHeader().setVisible(False)
        self.scores.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.scores.setMinimumHeight(4 * 30 + 6)
        self.scores.setMaximumHeight(4 * 30 + 6)
        self.scores.verticalHeader().setDefaultSectionSize(30)
        self.scores.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scores.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.scores)
        self.match_summary = QLabel()
        self.match_summary.setWordWrap(True)
        self.match_summary.setFont(heading_font(12))
        layout.addWidget(self.match_summary)
        self.card_checked = QCheckBox(self.tr("I compared the printed card photo with the person"))
        layout.addWidget(self.card_checked)

    def show_live(self, jpeg: bytes) -> None:
        self.live_picture.show_image(jpeg)

    def show_capturing(self) -> None:
        self.live_picture.show_image(None, self.tr("Capturing…"))

    def refresh(self) -> None:
        self._show_card_picture()
        self._show_ephoto()
        self._show_standard_photo()
        self._show_look_alike()
        self._show_match()

    def _show_look_alike(self) -> None:
        found = self.session.look_alikes if self.session.capture is not None else ()
        if found is self._look_alikes_shown:
            return  # refreshed for something else: no need to decode the photo again
        self._look_alikes_shown = found
        for widget in (self.look_alike_picture, self.look_alike_hint, self.compare_button):
            widget.setVisible(bool(found))
        if not found:
            return
        nearest = found[0]
        self.look_alike_picture.show_image(nearest.photo, self.tr("No photo kept"))
        when = nearest.confirmed_at.date().isoformat() if nearest.confirmed_at else "?"
        self.look_alike_hint.setText(
            self.tr(
                "Same face as %1 (%2), confirmed %3 (distance %4 ≤ %5). Compare them side by "
                "side: if it is the same person, refer the case."
            )
            .replace("%1", nearest.registration_id)
            .replace("%2", nearest.masked_name)
            .replace("%3", when)
            .replace("%4", f"{nearest.distance:.3f}")
            .replace("%5", f"{nearest.limit:.2f}")
        )

    def compare_side_by_side(self) -> None:
        """The live face and the other confirmed candidate's, large (the panel's pictures are
        thumbnails)."""
        found = self.session.look_alikes
        if not found or self.session.live_jpeg is None:
            return
        self.side_by_side = SideBySideDialog(
            self.tr("Same face as %1").replace("%1", found[0].registration_id),
            [(self.tr("Live"), self.session.live_jpeg), (found[0].registration_id, found[0].photo)],
            self,
        )
        self.side_by_side.open()

    def second_look(self, same_person: Callable[[], None], refer: Callable[[], None]) -> None:
        """A near miss: the live face beside each photo it was matched against, with the distance
        and the limit under each, before the clerk confirms (``same_person``) or refers."""
        session, verification = self.session, self.session.verification
        if verification is None or session.live_jpeg is None:
            return
        distances = {score.comparison: score for score in verification.scores}
        pictures: list[tuple[str, bytes | None]] = [(self.tr("Live"), session.live_jpeg)]
        for comparison, caption, photo in (
            (Comparison.LIVE_CARD, self.tr("Card portrait"), session.card_portrait),
            (Comparison.LIVE_EPHOTO, self.tr("Registered e-photo"), self._ephoto()),
        ):
            score = distances.get(comparison)
            if photo is None or score is None or score.distance is None:
                continue
            distance = (
                self.tr("distance %1 (pass ≤ %2)")
                .replace("%1", f"{score.distance:.3f}")
                .replace("%2", f"{score.thresholds.passing:.2f}")
            )
            pictures.append((f"{caption}\n{distance}", photo))
        dialog = SideBySideDialog(self.tr("Compare before confirming"), pictures, self)
        dialog.hint.setText(
            self.tr(
                "The faces match, but only just: compare the live face with the photos side "
                "by side (ears, hairline, moles, teeth) before confirming."
            )
        )
        confirm = dialog.buttons.addButton(
            self.tr("Same person: confirm"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        refer_button = dialog.buttons.addButton(
            self.tr("Not sure: refer…"), QDialogButtonBox.ButtonRole.RejectRole
        )
        confirm.clicked.connect(same_person)
        refer_button.clicked.connect(refer)
        # Enter must not confirm a near miss by reflex: the default is to look, then choose.
        confirm.setAutoDefault(False)
        dialog.back_button.setDefault(True)
        self.side_by_side = dialog
        dialog.open()

    def _ephoto(self) -> bytes | None:
        candidate = self.session.candidate
        return candidate.ephoto if candidate is not None else None

    def _show_standard_photo(self) -> None:
        session = self.session
        photo = session.standard_photo
        if session.capture is None or not session.standard_photo_done:
            self.standard_picture.show_image(None, "")
            self.standard_problems.clear()
            return
        self.standard_picture.show_image(photo.jpeg if photo else None, self.tr("No face"))
        if photo is None:
            self.standard_problems.setText(self.tr("No registration photo: retake."))
        elif photo.issues:
            words = "; ".join(ephoto_issue_text(issue) for issue in photo.issues)
            self.standard_problems.setText(
                self.tr("Registration photo: %1. Retake (F5) if it should be better.").replace(
                    "%1", words
                )
            )
        else:
            self.standard_problems.clear()

    def _show_card_picture(self) -> None:
        session = self.session
        if session.manual_document is not None:
            self.card_picture.show_image(None, self.tr("No chip"))
        elif session.card is None:
            self.card_picture.show_image(None, "")
        else:
            self.card_picture.show_image(
                session.card_portrait, self.tr("Chip portrait needs a vendor decoder")
            )

    def _show_ephoto(self) -> None:
        candidate = self.session.candidate
        if candidate is None:
            self.ephoto_picture.show_image(None, "")
        else:
            self.ephoto_picture.show_image(candidate.ephoto, self.tr("No e-photo"))

    def _show_match(self) -> None:
        verification = self.session.verification
        if self.session.live_jpeg is None:
            self.live_picture.show_image(
                None, self.tr("Capturing…") if self.session.candidate is not None else ""
            )
        names = {
            Comparison.LIVE_CARD: self.tr("Live – card"),
            Comparison.LIVE_EPHOTO: self.tr("Live – e-photo"),
            Comparison.CARD_EPHOTO: self.tr("Card – e-photo"),
        }
        band_words = {
            Band.PASS: self.tr("Pass"),
            Band.REVIEW: self.tr("Review"),
            Band.FAIL: self.tr("Fail"),
        }
        self.scores.clearContents()
        if verification is None:
            self.match_summary.clear()
            return
        for row, score in enumerate(verification.scores):
            cells = [
                names[score.comparison],
                "—" if score.distance is None else f"{score.distance:.3f}",
                band_words[score.band] if score.band else self.tr("n/a"),
                f"≤{score.thresholds.passing:.2f} / ≤{score.thresholds.review:.2f}",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if score.band is not None and column == 2:
                    item.setForeground(Qt.GlobalColor.white)
                    item.setBackground(QColor(BAND_COLOURS[score.band]))
                self.scores.setItem(row, column, item)
        colour = BAND_COLOURS[verification.decision]
        reasons = "; ".join(match_reason_text(reason) for reason in verification.reasons)
        # A pass just under its limit is where a look-alike stand-in lands (domain.matching
        # NEAR_MISS_HINT): the clerk is asked for a side-by-side look rather than a silent pass.
        second_look = (
            "<br><span style='color:{}'>{}</span>".format(
                BAND_COLOURS[Band.REVIEW],
                self.tr(
                    "The faces match, but only just: compare the live face with the photos side "
                    "by side (ears, hairline, moles, teeth) before confirming."
                ),
            )
            if verification.near_miss
            else ""
        )
        self.match_summary.setText(
            f"<span style='color:{colour}'>{band_words[verification.decision]}</span>"
            + (f" — {reasons}" if reasons else "")
            + second_look
        )
