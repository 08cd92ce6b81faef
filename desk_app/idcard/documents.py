"""Supporting documents held up to the camera: the page found, straightened and checked, and the
certification report's online verification code read.

The card reader's outline finding (``card_geometry.quad_candidates``) generalised to a page:
the largest page-shaped quadrilateral (A4, 1:1.414, either orientation, any rotation) is warped
to an upright rectangle, then checked for sharpness (variance of the Laplacian) and glare
(washed-out pixels). A page that cannot be used is a worded problem (``page.not_found``,
``page.cut_off``, ``page.blurred``, ``page.glare``), never a bad image kept as evidence.

For the two certification reports (《中国高等教育学历认证报告》, 《教育部学历证书电子注册备案表》)
the online verification code is read twice: by the page's OCR pass, and again by a second pass
over a band around the code's line, cut out upright. Only two agreeing reads in the
expected format with confident scores are returned as read; anything else comes back flagged
with the best guess, for the clerk to check against the paper. The code's format (16 capital
letters other than I and O, and digits) is an assumption from public samples: no rule or check
character is published, so a format failure flags a read but cannot prove one right.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import cv2
import numpy as np

from desk_app.domain.errors import DeskError
from desk_app.idcard.card_geometry import (
    Placed,
    normalised,
    order_corners,
    place,
    quad_candidates,
    rectify,
    rotation_matrix,
    side_lengths,
    text_angle,
)
from desk_app.idcard.ocr import TextLine, TextReader

A4_ASPECT = 297 / 210
PAGE_LONG_SIDE = 1414  # pixels of the straightened page's long side (~120 dpi for A4)
VERIFICATION_CODE_LENGTH = 16
# Capital letters without I and O (never printed beside 1 and 0 on the samples) and digits: a
# read with I or O is a misread and fails the format.
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
VERIFICATION_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{VERIFICATION_CODE_LENGTH}}}$")
CODE_LABEL = "验证码"
REPORT_TITLES = ("学历认证报告", "电子注册备案表", "认证报告", "备案表")
# Measured on generated pages (tests/support/report_documents.py, bench/documents.py): sharp
# pages held up to a 1080p webcam score 150-1500, a Gaussian blur of sigma 2.5 px or more
# below 60. A washed-out share above 3 % of the page is a reflection over part of its text.
MIN_SHARPNESS = 20.0
MAX_GLARE_SHARE = 0.03
MIN_CODE_SCORE = 0.90


class PageError(DeskError):
    """A page that cannot be kept as evidence; ``code`` says why, in words for the clerk."""

    code = "page.not_found"


@dataclass(frozen=True)
class StraightPage:
    image: np.ndarray  # BGR, straightened (not yet turned upright: see ``upright``)
    sharpness: float
    glare: float


@dataclass(frozen=True)
class CodeRead:
    """The verification code as read: ``code`` is the best guess (None when nothing was
    found); ``flagged`` unless two independent reads agree in the right format."""

    code: str | None
    confidence: float
    flagged: bool
    problem: str | None = None  # why it is flagged: code.not_found, code.format, ...


def find_page(image: np.ndarray, *, a4: bool = True) -> np.ndarray:
    """The corners of the largest page-shaped quadrilateral, in image order (TL, TR, BR, BL
    as they appear); PageError when there is none or it runs off the picture."""
    height, width = image.shape[:2]
    low, high = (0.8 * A4_ASPECT, 1.2 * A4_ASPECT) if a4 else (1.0, 2.2)
    best: tuple[float, np.ndarray] | None = None
    identity = rotation_matrix(0.0)
    for quad in quad_candidates(image):
        corners = order_corners(quad, identity)
        across, down = side_lengths(corners)
        if min(across, down) < 0.2 * min(height, width):
            continue
        if not low <= max(across, down) / min(across, down) <= high:
            continue
        if not _looks_like_paper(image, corners):
            continue
        area = abs(cv2.contourArea(corners.reshape(-1, 1, 2)))
        if best is None or area > best[0]:
            best = (area, corners)
    paper_at_edge = _paper_at_edge(image)
    if best is not None and paper_at_edge is not None:
        # A quad inside a page that runs off the picture is a frame printed on that page.
        centre = best[1].mean(axis=0) * paper_at_edge[1]
        inside = cv2.pointPolygonTest(paper_at_edge[0], (float(centre[0]), float(centre[1])), False)
        if inside >= 0:
            best = None
    if best is None:
        if paper_at_edge is not None:
            raise PageError(
                "the page runs off the picture: hold all of it in view", code="page.cut_off"
            )
        raise PageError("no page found in the picture", code="page.not_found")
    corners = best[1]
    margin = 0.004 * max(height, width)
    off = (corners[:, 0] < margin) | (corners[:, 0] > width - 1 - margin)
    off |= (corners[:, 1] < margin) | (corners[:, 1] > height - 1 - margin)
    if off.any():
        raise PageError(
            "the page runs off the picture: hold all of it in view", code="page.cut_off"
        )
    return corners


def _looks_like_paper(image: np.ndarray, corners: np.ndarray) -> bool:
    """Pale and nearly grey inside: a sheet of paper, not a coloured box or a dark screen."""
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, corners.astype(np.int32), 255)
    _hue, saturation, value = cv2.split(cv2.cvtColor(image, cv2.COLOR_BGR2HSV))
    inside = mask > 0
    return bool(value[inside].mean() >= 120 and saturation[inside].mean() <= 70)


def _paper_at_edge(image: np.ndarray) -> tuple[np.ndarray, float] | None:
    """A large region of paper (bright, clearly brighter than the rest) touching the border:
    a page partly out of the picture. Returns its contour in a reduced image and the scale."""
    scale = 640 / max(image.shape[:2])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    _, bright = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    h, w = bright.shape
    inside = bright > 0
    if not inside.any() or inside.all():
        return None
    if grey[inside].mean() < 150 or grey[inside].mean() - grey[~inside].mean() < 40:
        return None
    contours = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    for contour in contours:
        if not 0.08 * h * w <= cv2.contourArea(contour) <= 0.9 * h * w:
            continue
        x, y, cw, ch = cv2.boundingRect(contour)
        if x <= 1 or y <= 1 or x + cw >= w - 1 or y + ch >= h - 1:
            return contour, scale
    return None


def straighten_page(image: np.ndarray, *, a4: bool = True) -> StraightPage:
    """The page found in ``image`` (BGR), warped flat and checked; PageError when unusable."""
    corners = find_page(image, a4=a4)
    across, down = side_lengths(corners)
    ratio = max(across, down) / min(across, down)
    long_side, short_side = PAGE_LONG_SIDE, round(PAGE_LONG_SIDE / (A4_ASPECT if a4 else ratio))
    size = (short_side, long_side) if down >= across else (long_side, short_side)
    flat = rectify(image, corners, size)
    page = StraightPage(flat, page_sharpness(flat), glare_share(flat))
    if page.sharpness < MIN_SHARPNESS:
        raise PageError(
            f"the page is blurred (sharpness {page.sharpness:.0f} < {MIN_SHARPNESS:.0f})",
            code="page.blurred",
        )
    if page.glare > MAX_GLARE_SHARE:
        raise PageError(
            f"light reflects off the page ({page.glare:.1%} washed out)", code="page.glare"
        )
    return page


def page_sharpness(page: np.ndarray) -> float:
    """Variance of the Laplacian of the page scaled to a fixed width (comparable across
    camera distances)."""
    grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    scale = 1000 / max(grey.shape)
    grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def glare_share(page: np.ndarray) -> float:
    hsv = cv2.cvtColor(page, cv2.COLOR_BGR2HSV)
    washed_out = (hsv[:, :, 2] >= 250) & (hsv[:, :, 1] <= 30)
    return float(washed_out.mean())


# --- the verification code -------------------------------------------------------------------


def _clean(text: str) -> str:
    """Letters and digits only; O and I, which the code never holds, are the 0 and 1 that a
    recogniser reads as letters (the format check still sees any other misread)."""
    cleaned = re.sub(r"[^A-Z0-9]", "", normalised(text).upper())
    return cleaned.replace("O", "0").replace("I", "1")


def _code_part(text: str) -> str:
    """The characters after the label (or the whole line when it has no label)."""
    text = normalised(text)
    for separator in ("：", ":"):
        if separator in text:
            text = text.rsplit(separator, 1)[1]
    if CODE_LABEL in text:
        text = text.rsplit(CODE_LABEL, 1)[1]
    return _clean(text)


# The code is read a second time by a whole detection and recognition pass over a band around
# its line (two line heights above and below), cut out upright. Measured on 120 generated
# reports (bench/documents.py), this confirms more right reads, with no wrong one, than
# re-reading the line's crop alone at 40-96 px (those crops misread more, so they flag more).
_BAND_MARGIN = 2.0


def read_verification_code(page: np.ndarray, reader: TextReader) -> CodeRead:
    """The report's online verification code, read twice (the page's OCR pass, then a second
    pass over a band around the code's line). Returned unflagged only when both reads are in
    the code's format, agree and are confident (bench/documents.py measures how often such
    agreeing reads are still wrong)."""
    return read_report(page, reader)[0]


def read_report(page: np.ndarray, reader: TextReader) -> tuple[CodeRead, np.ndarray]:
    """The verification code, and the page turned upright (by quarter turns) from the
    direction of its text and where its title lies."""
    lines = [line for line in reader.lines(page) if line.text.strip()]
    if not lines:
        return CodeRead(None, 0.0, True, "code.not_found"), page
    angle = text_angle(lines)
    rotation = rotation_matrix(angle)
    placed = place(lines, rotation)
    label = next((p for p in placed if CODE_LABEL in p.text), None)
    title = next((p for p in placed if any(t in p.text for t in REPORT_TITLES)), None)
    code_line = _code_line(placed, label)
    anchor = label or code_line
    upside_down = title is not None and anchor is not None and title.centre_y > anchor.centre_y
    upright = _turned_upright(page, angle, upside_down)
    if code_line is None:
        return CodeRead(None, 0.0, True, "code.not_found"), upright
    reads = [(_code_part(code_line.text), code_line.line.score)]
    band = _line_crop(page, code_line.line, rotation, upside_down, _BAND_MARGIN)
    again = max(reader.lines(band), key=lambda line: len(_code_part(line.text)), default=None)
    reads.append((_code_part(again.text), again.score) if again else ("", 0.0))
    return _verdict(reads), upright


def _turned_upright(page: np.ndarray, angle: float, upside_down: bool) -> np.ndarray:
    """The page turned by the quarter turns nearest to its text's direction (radians, y down;
    plus half a turn when the title lies below the code)."""
    turns = round(math.degrees(angle) / 90 + (2 if upside_down else 0)) % 4
    if turns == 0:
        return page
    return cv2.rotate(
        page,
        (cv2.ROTATE_90_COUNTERCLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_CLOCKWISE)[turns - 1],
    )


def _verdict(reads: list[tuple[str, float]]) -> CodeRead:
    formatted = [(text, score) for text, score in reads if VERIFICATION_CODE.match(text)]
    guess = formatted[0][0] if formatted else next((t for t, _ in reads if t), None)
    if not formatted:
        return CodeRead(guess, max(score for _, score in reads), True, "code.format")
    votes: dict[str, list[float]] = {}
    for text, score in formatted:
        votes.setdefault(text, []).append(score)
    best, scores = max(votes.items(), key=lambda item: (len(item[1]), min(item[1])))
    confidence = min(scores)
    if len(scores) < 2 or len(votes) > 1:  # no two reads agree, or a well-formed read dissents
        return CodeRead(best, confidence, True, "code.disagreement")
    if confidence < MIN_CODE_SCORE:
        return CodeRead(best, confidence, True, "code.low_confidence")
    return CodeRead(best, confidence, False)


def _code_line(placed: list[Placed], label: Placed | None) -> Placed | None:
    """The line holding the code: the label's own line when the code follows it there, else
    the nearest line on the label's printed row; without a label read, the one line in the
    code's format."""
    if label is None:
        shaped = [p for p in placed if VERIFICATION_CODE.match(_clean(p.text))]
        return shaped[0] if len(shaped) == 1 else None
    if len(_code_part(label.text)) >= VERIFICATION_CODE_LENGTH // 2:
        return label
    same_row = [
        p
        for p in placed
        if p is not label and abs(p.centre_y - label.centre_y) < 0.6 * max(p.height, label.height)
    ]
    if not same_row:
        return None
    return min(same_row, key=lambda p: min(abs(p.left - label.right), abs(label.left - p.right)))


def _line_crop(
    page: np.ndarray, line: TextLine, rotation: np.ndarray, upside_down: bool, margin: float
) -> np.ndarray:
    """The line's box cut out upright at the page's scale, with ``margin`` line heights of the
    page around it."""
    upright = line.box @ rotation.T
    left, top = upright.min(axis=0)
    right, bottom = upright.max(axis=0)
    pad = margin * (bottom - top)
    corners_upright = np.array(
        [[left - pad, top - pad], [right + pad, top - pad], [right + pad, bottom + pad],
         [left - pad, bottom + pad]], dtype=np.float32,
    )  # fmt: skip
    corners = corners_upright @ rotation.astype(np.float32)
    size = (math.ceil(right - left + 2 * pad), math.ceil(bottom - top + 2 * pad))
    crop = rectify(page, corners, size)
    return cv2.rotate(crop, cv2.ROTATE_180) if upside_down else crop


# --- the reader the counter uses --------------------------------------------------------------


def encode_page(page: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:  # pragma: no cover - OpenCV encodes any 8-bit BGR image
        raise PageError("the page could not be encoded", code="page.not_found")
    return encoded.tobytes()


class DocumentReader:
    """Straightens pages and reads certification reports' codes; any thread (the OCR engine
    serialises its calls). Shares the card reader's OCR engine when given it."""

    def __init__(self, reader: TextReader | None = None) -> None:
        self.reader = reader or TextReader()

    def page(self, frame_bgr: np.ndarray, *, a4: bool = True) -> StraightPage:
        return straighten_page(frame_bgr, a4=a4)

    def report(self, frame_bgr: np.ndarray) -> tuple[StraightPage, CodeRead]:
        """A certification report: the page straightened, checked and turned upright, and its
        verification code."""
        page = straighten_page(frame_bgr, a4=True)
        code, upright = read_report(page.image, self.reader)
        return StraightPage(upright, page.sharpness, page.glare), code
