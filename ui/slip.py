"""The confirmation slip: one A5 page the candidate takes away, printed or saved as PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRect, Qt
from PySide6.QtGui import (
    QFont,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from desk_app.services.counter_session import Slip

__all__ = ["Slip", "paint_slip", "write_slip_pdf"]

translate = QCoreApplication.translate
LAYOUT_DPI = 150


def _font(points: int, bold: bool = True) -> QFont:
    font = QFont()
    font.setPixelSize(round(points * LAYOUT_DPI / 72))
    font.setBold(bold)
    return font


def write_slip_pdf(slip: Slip, path: Path) -> Path:
    """Render the slip to ``path`` (PDF); returns the path. Safe off the GUI thread: it paints
    on a PDF device only (no widgets, no pixmaps)."""
    writer = QPdfWriter(str(path))
    writer.setResolution(150)
    writer.setTitle(translate("Slip", "Identity confirmation slip"))
    paint_slip(slip, writer)
    return path


def paint_slip(slip: Slip, device: QPagedPaintDevice) -> None:
    """Lay the slip out on an A5 page of ``device`` (a PDF writer or a printer)."""
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    device.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    painter = QPainter(device)
    # Laid out in units of 1/150 inch whatever the device's resolution (PDF 150 dpi, printers
    # 300-1200 dpi); fonts get pixel sizes in the same units so the transform scales them too.
    factor = device.logicalDpiX() / LAYOUT_DPI
    painter.scale(factor, factor)
    width = round(device.width() / factor)
    line = 60
    painter.setFont(_font(16))
    painter.drawText(
        QRect(0, 0, width, 80),
        Qt.AlignmentFlag.AlignCenter,
        translate("Slip", "Self-study examination: on-site identity confirmation slip"),
    )
    painter.setFont(_font(11, bold=False))
    rows = [
        (translate("Slip", "Name"), slip.name),
        (translate("Slip", "ID number"), slip.masked_document_number),
        (translate("Slip", "Registration"), slip.registration_id),
        (translate("Slip", "Programme"), slip.programme),
        (translate("Slip", "Exam area"), slip.exam_area),
        (translate("Slip", "Confirmed at"), slip.confirmed_at.strftime("%Y-%m-%d %H:%M")),
        (translate("Slip", "Site / counter"), f"{slip.site} / {slip.counter}"),
        (translate("Slip", "Clerk"), slip.clerk),
    ]
    top = 140
    for index, (label, value) in enumerate(rows):
        y = top + index * line
        painter.drawText(QRect(0, y, 260, line), Qt.AlignmentFlag.AlignLeft, label)
        painter.drawText(QRect(270, y, width - 560, line), Qt.AlignmentFlag.AlignLeft, value)
    image = QImage()
    if slip.photo and image.loadFromData(slip.photo):
        painter.drawImage(QRect(width - 260, top, 240, 300), image)
    y = top + len(rows) * line + 30
    painter.setFont(_font(14))
    painter.drawText(
        QRect(0, y, width, 80),
        Qt.AlignmentFlag.AlignLeft,
        translate("Slip", "Admission ticket number") + f":  {slip.ticket_number}",
    )
    painter.setFont(_font(11, bold=False))
    y += 200
    painter.drawText(
        QRect(0, y, width, line),
        Qt.AlignmentFlag.AlignLeft,
        translate("Slip", "Candidate's signature") + ": ______________________",
    )
    painter.end()
