"""Small widgets shared by the screens: pictures, the camera preview, the big ticket number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QRectF, Qt, Slot
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desk_app.domain.image_limits import DEFAULT_MAX_PIXELS, image_size
from ui.texts import hint_text

if TYPE_CHECKING:
    from ui.workers import FrameAnalysis

PASS_COLOUR = "#1e8e3e"
REVIEW_COLOUR = "#e37400"
FAIL_COLOUR = "#d93025"


class Privacy:
    """When ``mosaic`` is on, every photograph is shown as a coarse mosaic.

    For screenshots that go into the repository: the demo's faces are third-party photographs
    that must not be redistributed (``../shared/data/README.md``). Never on at a real counter.
    """

    mosaic = False


def load_image(data: bytes | None, max_pixels: int = DEFAULT_MAX_PIXELS) -> QImage:
    """A QImage of ``data``, or a null one when the header declares an unknown format or more
    pixels than the cap (checked before Qt decodes anything)."""
    image = QImage()
    if not data:
        return image
    found = image_size(data)
    if found is None or found[1] * found[2] > max_pixels:
        return image
    image.loadFromData(data)
    return image


def obscured(image: QImage) -> QImage:
    if not Privacy.mosaic or image.isNull():
        return image
    across = 14  # blocks across, whatever the size: no face stays recognisable
    small = image.scaled(
        across,
        max(round(across * image.height() / max(image.width(), 1)), 1),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    return small.scaled(image.size(), Qt.AspectRatioMode.IgnoreAspectRatio)


def heading_font(size: int = 14, bold: bool = True) -> QFont:
    font = QFont()
    font.setPointSize(size)
    font.setBold(bold)
    return font


class PictureBox(QFrame):
    """A captioned picture (JPEG/PNG bytes), or a short text saying why there is none."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setFont(heading_font(11))
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(120, 150)
        self.picture.setWordWrap(True)
        layout.addWidget(self.caption)
        layout.addWidget(self.picture, 1)
        self.has_picture = False

    def show_image(
        self, data: bytes | None, missing_text: str = "", size: tuple[int, int] = (150, 190)
    ) -> None:
        image = load_image(data)
        if not image.isNull():
            pixmap = QPixmap.fromImage(obscured(image))
            self.picture.setPixmap(
                pixmap.scaled(
                    *size,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            self.has_picture = True
        else:
            self.picture.clear()
            self.picture.setText(missing_text)
            self.has_picture = False


class CameraPreview(QWidget):
    """The live picture with the face box and the quality hint drawn on it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(480, 360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None
        self._analysis: FrameAnalysis | None = None
        self._overlay = ""  # a state message over the picture (camera lost...)
        self.frames_shown = 0
        # Shown like a mirror, as the candidate expects of a picture of themselves (the liveness
        # prompt's arrows follow it); the frames analysed are never mirrored.
        self.mirrored = True

    @Slot(QImage)
    def show_frame(self, image: QImage) -> None:
        self._image = image
        self.frames_shown += 1
        self.update()

    @Slot(object)
    def show_analysis(self, analysis: FrameAnalysis) -> None:
        self._analysis = analysis
        self.update()

    def set_overlay(self, text: str) -> None:
        self._overlay = text
        self.update()

    def hint(self) -> str:
        """The words shown to the candidate for the last analysed frame ("" when all is well, or
        when nobody is being captured)."""
        if self._analysis is None or not self._analysis.armed or not self._analysis.issues:
            return ""
        return hint_text(self._analysis.issues[0])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        # Overlays drawn over the picture (the liveness prompt) cover it whole.
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            child.setGeometry(self.rect())
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#202124"))
        target = QRect()
        if self._image is not None and not self._image.isNull():
            scaled = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(
                (self.width() - scaled.width()) // 2,
                (self.height() - scaled.height()) // 2,
                scaled.width(),
                scaled.height(),
            )
            shown = obscured(self._image)
            painter.drawImage(
                target, shown.flipped(Qt.Orientation.Horizontal) if self.mirrored else shown
            )
        analysis = self._analysis
        if analysis is not None and analysis.box is not None and target.width() > 0:
            factor = target.width() / max(analysis.frame_size[0], 1)
            x, y, width, height = analysis.box
            if self.mirrored:
                x = analysis.frame_size[0] - x - width
            colour = QColor(PASS_COLOUR if not analysis.issues else REVIEW_COLOUR)
            painter.setPen(QPen(colour, 4))
            painter.drawRect(
                QRectF(
                    target.x() + x * factor,
                    target.y() + y * factor,
                    width * factor,
                    height * factor,
                )
            )
        text = self._overlay or self.hint()
        if text:
            painter.setFont(heading_font(22))
            band = QRect(0, self.height() - 70, self.width(), 60)
            painter.fillRect(band, QColor(0, 0, 0, 150))
            painter.setPen(QColor("#ffffff" if self._overlay else "#fbbc04"))
            painter.drawText(band, Qt.AlignmentFlag.AlignCenter, text)
        elif analysis is not None and analysis.armed and analysis.box is not None:
            painter.setFont(heading_font(16))
            painter.setPen(QColor(PASS_COLOUR))
            painter.drawText(
                QRect(0, self.height() - 50, self.width(), 40),
                Qt.AlignmentFlag.AlignCenter,
                self.tr("Hold still: capturing"),
            )
        painter.end()


class TicketNumber(QLabel):
    """The admission ticket number, large enough to read across the counter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFont(heading_font(30))
        self.setStyleSheet(f"color: {PASS_COLOUR};")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
