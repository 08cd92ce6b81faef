"""Where an ID card lies in a camera image: its text turned upright, and its outline.

Two steps of reading a card held up to the camera (``camera_reader``), split out of that module
so the reader keeps the order of the steps and the checks, and this module the image geometry:

* geometry in the upright frame: the OCR'd text lines placed in the frame in which the card's
  text is horizontal (text direction, upside-down, printed rows);
* the card outline: card-shaped quadrilaterals in the edge map, or the outline implied by where
  the text lies, rectification to the canonical size, crops, and the glare and sharpness
  measures of the quality checks.

The text patterns that tell card text from background clutter live here too, as the lowest
module: ``card_fields`` and the reader use them as well.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from desk_app.idcard.layout import CARD_ASPECT, Region
from desk_app.idcard.ocr import TextLine

CJK = re.compile(r"[\u3400-\u9fff]")
NUMBER_RUN = re.compile(r"[0-9Xx×]{15,20}")
VALIDITY = re.compile(
    r"(\d{4})[.,。·]?(\d{2})[.,。·]?(\d{2})[-—–一~至]+(?:(\d{4})[.,。·]?(\d{2})[.,。·]?(\d{2})|(长期))"
)


# --- geometry in the upright frame ----------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A text line with its position in the upright card frame (rotated, not yet rectified)."""

    line: TextLine
    text: str  # NFKC-normalised, without spaces
    left: float
    right: float
    top: float
    bottom: float

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


def normalised(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def is_card_text(text: str) -> bool:
    """Chinese text or a long digit run: background clutter (labels, logos) is rarely either."""
    return bool(CJK.search(text)) or len(re.findall(r"\d", text)) >= 8


def text_angle(lines: Sequence[TextLine]) -> float:
    """The direction of the text lines in radians, modulo π, weighted by line length."""
    sin_sum = cos_sum = 0.0
    for line in lines:
        p0, p1, p2, p3 = line.box
        along, across = (p1 - p0) + (p2 - p3), (p3 - p0) + (p2 - p1)
        if np.hypot(*along) < np.hypot(*across):  # vertical boxes may start on a short side
            along, across = across, along
        length = float(np.hypot(*along)) / 2
        height = float(np.hypot(*across)) / 2
        if length < 1.5 * height:  # one or two characters: the box says little about direction
            continue
        angle = math.atan2(float(along[1]), float(along[0]))
        sin_sum += length * math.sin(2 * angle)
        cos_sum += length * math.cos(2 * angle)
    return 0.5 * math.atan2(sin_sum, cos_sum)


def rotation_matrix(angle: float) -> np.ndarray:
    """The matrix that turns text at ``angle`` horizontal (image coordinates, y down)."""
    cos, sin = math.cos(angle), math.sin(angle)
    return np.array([[cos, sin], [-sin, cos]])


def place(lines: Iterable[TextLine], rotation: np.ndarray) -> list[Placed]:
    placed = []
    for line in lines:
        points = line.box @ rotation.T
        placed.append(
            Placed(
                line,
                normalised(line.text),
                float(points[:, 0].min()),
                float(points[:, 0].max()),
                float(points[:, 1].min()),
                float(points[:, 1].max()),
            )
        )
    return placed


def first_with(placed: Sequence[Placed], *needles: str) -> Placed | None:
    for item in placed:
        if any(needle in item.text for needle in needles):
            return item
    return None


def upside_down(placed: Sequence[Placed]) -> bool | None:
    """Whether the rotated frame shows the card upside down, from the order of its lines."""
    number = next((p for p in placed if NUMBER_RUN.search(p.text)), None) or first_with(
        placed, "公民身份号码", "身份号码"
    )
    upper = first_with(placed, "姓名", "性别", "民族", "出生", "住址")
    if number is not None and upper is not None:
        return number.centre_y < upper.centre_y
    title = first_with(placed, "中华人民共和国", "居民身份证")
    lower = first_with(placed, "签发机关", "有效期限") or next(
        (p for p in placed if VALIDITY.search(p.text)), None
    )
    if title is not None and lower is not None:
        return title.centre_y > lower.centre_y
    label = first_with(placed, "公民身份号码")
    if label is not None and number is not None and number is not label:
        return number.left < label.left
    return None


def printed_rows(placed: Sequence[Placed]) -> list[list[Placed]]:
    """Lines grouped into printed rows (top to bottom), each row left to right."""
    rows: list[list[Placed]] = []
    for item in sorted(placed, key=lambda p: p.centre_y):
        if rows:
            row = rows[-1]
            row_centre = sum(p.centre_y for p in row) / len(row)
            row_height = max(p.height for p in row)
            if abs(item.centre_y - row_centre) < 0.45 * max(row_height, item.height):
                row.append(item)
                continue
        rows.append([item])
    return [sorted(row, key=lambda p: p.left) for row in rows]


# --- the card outline ---------------------------------------------------------------------------

FRONT_TEXT = Region(7.0, 6.3, 71.0, 42.5)
"""Where a front's text lies: from the labels' left edge to the number's end, name to number."""
BACK_TEXT = Region(13.0, 8.0, 63.0, 40.5)


def order_corners(quad: np.ndarray, rotation: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL of the upright card, whatever order the quad came in."""
    upright = quad @ rotation.T
    centre = upright.mean(axis=0)
    angles = np.arctan2(upright[:, 1] - centre[1], upright[:, 0] - centre[0])
    order = np.argsort(angles)  # from the left (-π) clockwise in y-down coordinates
    ordered = quad[order]
    upright = upright[order]
    start = int(np.argmin(upright[:, 0] + upright[:, 1]))
    return np.roll(ordered, -start, axis=0).astype(np.float32)


def side_lengths(corners: np.ndarray) -> tuple[float, float]:
    top = float(np.hypot(*(corners[1] - corners[0])) + np.hypot(*(corners[2] - corners[3]))) / 2
    left = float(np.hypot(*(corners[3] - corners[0])) + np.hypot(*(corners[2] - corners[1]))) / 2
    return top, left


def quad_candidates(image: np.ndarray) -> list[np.ndarray]:
    """Card-shaped convex quadrilaterals in the edge map (any aspect checked later)."""
    scale = 640 / max(image.shape[:2])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(grey, 30, 90), np.ones((3, 3), np.uint8))
    contours = list(cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0])
    # A card is usually the brightest large object: this finds it when its edges are smeared.
    _, bright = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    contours += cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    minimum_area = 0.02 * small.shape[0] * small.shape[1]
    quads = []
    for contour in contours:
        if not minimum_area < cv2.contourArea(contour) < 45 * minimum_area:  # not the frame
            continue
        hull = cv2.convexHull(contour)
        perimeter = cv2.arcLength(hull, True)
        for epsilon in (0.02, 0.04):
            approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
            if len(approx) == 4:
                quads.append(approx.reshape(4, 2).astype(np.float32) / scale)
                break
        else:
            rectangle = cv2.boxPoints(cv2.minAreaRect(hull))
            if cv2.contourArea(hull) > 0.9 * cv2.contourArea(rectangle):
                quads.append(rectangle.astype(np.float32) / scale)
    return quads


def outline_from_edges(
    image: np.ndarray, card_lines: Sequence[Placed], rotation: np.ndarray
) -> np.ndarray | None:
    """The tightest card-shaped quad holding most of the card's text lines."""
    centres = np.array([p.line.box.mean(axis=0) for p in card_lines], dtype=np.float32)
    best: tuple[float, np.ndarray] | None = None
    for quad in quad_candidates(image):
        corners = order_corners(quad, rotation)
        width, height = side_lengths(corners)
        if height <= 0 or not 0.75 * CARD_ASPECT < width / height < 1.3 * CARD_ASPECT:
            continue
        contour = corners.reshape(-1, 1, 2)
        inside = sum(
            cv2.pointPolygonTest(contour, (float(x), float(y)), False) >= 0 for x, y in centres
        )
        if inside < 0.75 * len(centres):
            continue
        area = abs(cv2.contourArea(contour))
        if best is None or area < best[0]:
            best = (area, corners)
    return None if best is None else best[1]


def outline_from_text(placed: Sequence[Placed], rotation: np.ndarray, front: bool) -> np.ndarray:
    """The card outline implied by where its text lies (when the card's edges are not visible)."""
    extent = FRONT_TEXT if front else BACK_TEXT
    left = min(p.left for p in placed)
    right = max(p.right for p in placed)
    top = min(p.top for p in placed)
    bottom = max(p.bottom for p in placed)
    mm_x = (right - left) / extent.width
    mm_y = (bottom - top) / extent.height
    x0 = left - extent.left * mm_x
    y0 = top - extent.top * mm_y
    x1 = x0 + 85.6 * mm_x
    y1 = y0 + 54.0 * mm_y
    upright = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    in_image: np.ndarray = upright @ rotation.astype(np.float32)  # a rotation's inverse: transpose
    return in_image


def rectify(image: np.ndarray, corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    homography = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(image, homography, size, flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def crop(card: np.ndarray, region: Region) -> np.ndarray:
    x0, y0, x1, y1 = region.pixels(card.shape[1] / 85.6)
    return card[max(y0, 0) : y1, max(x0, 0) : x1]


def glare_share(card: np.ndarray, region: Region) -> float:
    patch = cv2.cvtColor(crop(card, region), cv2.COLOR_BGR2HSV)
    washed_out = (patch[:, :, 2] >= 245) & (patch[:, :, 1] <= 40)
    return float(washed_out.mean()) if washed_out.size else 0.0


def sharpness(card: np.ndarray) -> float:
    grey = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())
