"""The confirmation slip: one A5 page the candidate takes away, printed or saved as PDF."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRect, Qt
from PySide6.QtGui import (
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from desk_app.services.counter_session import Slip
from ui.texts import visit_reason_text
from ui.widgets import load_image

__all__ = ["Slip", "paint_slip", "write_slip_pdf"]

translate = QCoreApplication.translate
LAYOUT_DPI = 150


def _font(points: int, bold: bool = True) -> QFont:
    font = QFont()
    font.setPixelSize(round(points * LAYOUT_DPI / 72))
    font.setBold(bold)
    return font


def _consent_text(consent: bool | None) -> str:
    if consent is True:
        return translate("Slip", "consent given after the processing notice")
    if consent is False:
        return translate("Slip", "consent refused: documents compared by a supervisor")
    return translate("Slip", "not asked")


def write_slip_pdf(slip: Slip, path: Path) -> Path:
    """Render the slip to ``path`` (PDF); returns the path. Safe off the GUI thread: it paints
    on a PDF device only (no widgets, no pixmaps). The slip carries the live face: the file is
    created readable by its owner only."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)
    writer = QPdfWriter(str(path))
    writer.setResolution(150)
    writer.setTitle(translate("Slip", "Identity confirmation slip"))
    paint_slip(slip, writer)
    del writer  # the PDF is finished when its writer goes away
    path.chmod(0o600)
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
        (translate("Slip", "Face processing"), _consent_text(slip.consent)),
    ]
    if slip.visit_reason is not None:
        rows.append((translate("Slip", "Reason of visit"), visit_reason_text(slip.visit_reason)))
    top = 140
    for index, (label, value) in enumerate(rows):
        y = top + index * line
        painter.drawText(QRect(0, y, 260, line), Qt.AlignmentFlag.AlignLeft, label)
        painter.drawText(QRect(270, y, width - 560, line), Qt.AlignmentFlag.AlignLeft, value)
    image = load_image(slip.photo)
    if not image.isNull():
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
