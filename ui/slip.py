"""The confirmation slip: one A5 page the candidate takes away, printed or saved as PDF."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
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

__all__ = ["Slip", "paint_slip", "warm_up_slip_writer", "write_slip_pdf"]

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


def warm_up_slip_writer() -> None:
    """Write a sample slip to a private temporary folder and delete it. A process's first slip
    loads the CJK font, the JPEG reader and Qt's PDF engine, and Qt holds the GIL meanwhile
    (33 ms, against 14 ms for the next slips): at the first confirmation of the day that stalled
    the GUI. Call it on the worker that writes slips, since Qt caches fonts per thread."""
    grey = np.full((8, 8, 3), 128, np.uint8)
    sample = Slip(
        name="张三",
        masked_document_number="110***********1234",
        registration_id="R0",
        programme="—",
        exam_area="—",
        ticket_number="0",
        confirmed_at=datetime(2000, 1, 1),
        site="—",
        counter="—",
        clerk="—",
        photo=cv2.imencode(".jpg", grey)[1].tobytes(),
    )
    with tempfile.TemporaryDirectory() as folder:
        write_slip_pdf(sample, Path(folder) / "warm-up.pdf")


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
