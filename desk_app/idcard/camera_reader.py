"""Reading a resident ID card held up to the camera (or photographed): locate, orient, OCR,
cross-check, crop the portrait.

The steps, and why they are in this order:

1. OCR the whole frame once. The detector finds text in any orientation, and the printed labels
   (姓名, 公民身份号码, 签发机关 …) are the most reliable landmarks a card has: its edges may be
   invisible against a pale desk, its text never is.
2. Orient by the text: the angle of the text lines gives the card's rotation up to 180°, and the
   layout (the number below the name, the emblem title above the issuing authority) settles
   upside-down.
3. Locate the card outline: the tightest card-shaped quadrilateral in the edge map that holds the
   card's text, or, when the edges are lost, the outline implied by where the text lies on a
   card. Rectify it to the canonical size (10 px/mm) for the portrait crop and the quality
   checks (size, blur, glare).
4. Parse the fields row by row in the upright frame, then cross-check them: the ID number is
   returned only when its check character is right and two independent reads agree (or one
   read is nearly certain), so that a bad read becomes an error, never a wrong number.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import cv2
import numpy as np

from desk_app.domain.errors import DocumentError
from desk_app.domain.time import china_today
from desk_app.idcard.codes import ETHNICITIES, ethnicity_code
from desk_app.idcard.layout import (
    BACK_FIELDS,
    CANONICAL_SIZE,
    CARD_ASPECT,
    FRONT_FIELDS,
    PORTRAIT,
    Region,
)
from desk_app.idcard.ocr import TextLine, TextReader
from desk_app.idcard.protocol import CardText, CardType
from desk_app.idcard.rules import parse_citizen_id

FIELDS = (
    "id_number", "name", "sex", "ethnicity", "birth_date", "address",
    "issuing_authority", "valid_from", "valid_to",
)  # fmt: skip
LONG_TERM = "长期"

MIN_CARD_WIDTH_PX = 300
"""Below this the 4 mm digits of the number are under ~14 px tall: too few for a sure read."""
BLUR_LIMIT = 60.0
"""Variance of the Laplacian of the rectified card below which fine print is smeared."""
GLARE_SHARE = 0.08
"""Share of a field's area washed out to white that makes glare the likely reason it failed."""
SURE_READ = 0.985
"""OCR score above which one read of a valid number is accepted without a second read."""

_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBER_RUN = re.compile(r"[0-9Xx×]{15,20}")
_CITIZEN_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
_PRINTED_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_VALIDITY = re.compile(
    r"(\d{4})[.,。·]?(\d{2})[.,。·]?(\d{2})[-—–一~至]+(?:(\d{4})[.,。·]?(\d{2})[.,。·]?(\d{2})|(长期))"
)
_NAME_CHARACTERS = re.compile(r"[\u3400-\u9fff·•]+")

FRONT_LABELS = ("姓名", "性别", "民族", "出生", "住址", "公民身份号码")
BACK_LABELS = ("中华人民共和国", "居民身份证", "签发机关", "有效期限")


@dataclass(frozen=True)
class FieldValue:
    """A field as read: the value (dates as YYYY-MM-DD) and a confidence in [0, 1]."""

    value: str
    confidence: float


@dataclass(frozen=True)
class CardProblem:
    """Something that stopped a field from being read, or a check it failed, in words."""

    code: str
    message: str
    field: str | None = None


@dataclass
class CardImageReading:
    """What one image of a card gave."""

    side: str | None  # "front", "back", "both" (two sides in one image) or None: no card
    fields: dict[str, FieldValue] = field(default_factory=dict)
    problems: list[CardProblem] = field(default_factory=list)
    portrait: np.ndarray | None = None
    corners: np.ndarray | None = None  # TL, TR, BR, BL of the upright card in the image

    def value(self, name: str) -> str | None:
        found = self.fields.get(name)
        return None if found is None else found.value

    @property
    def id_number(self) -> str | None:
        return self.value("id_number")

    def card_text(self) -> CardText | None:
        """The card as the chip would give it, when the number and name were read; fields of
        the side not shown stay empty (a front alone has no validity period)."""
        number, name = self.id_number, self.value("name")
        if number is None or name is None:
            return None
        info = parse_citizen_id(number)
        valid_from, valid_to = self.value("valid_from"), self.value("valid_to")
        ethnicity, sex, printed_birth = (self.value(k) for k in ("ethnicity", "sex", "birth_date"))
        return CardText(
            card_type=CardType.RESIDENT,
            name=name,
            # As printed, when read: a card whose print disagrees with its number must show it.
            sex_code={"男": "1", "女": "2"}.get(sex or "", info.sex_code),
            birth_date=date.fromisoformat(printed_birth) if printed_birth else info.birth_date,
            id_number=number,
            valid_from=date.fromisoformat(valid_from) if valid_from else None,
            valid_to=date.fromisoformat(valid_to) if valid_to and valid_to != LONG_TERM else None,
            long_term=valid_to == LONG_TERM,
            ethnicity_code=ethnicity_code(ethnicity) if ethnicity else "",
            address=self.value("address") or "",
            issuing_authority=self.value("issuing_authority") or "",
        )

    def problem_codes(self) -> list[str]:
        return [problem.code for problem in self.problems]

    def as_dict(self, portrait_path: str | None = None) -> dict[str, Any]:
        """The JSON shape of ``desk-app card read --json``."""
        return {
            **{name: self.value(name) for name in FIELDS},
            "confidence": {name: round(found.confidence, 3) for name, found in self.fields.items()},
            "side": self.side,
            "portrait": portrait_path,
            "errors": [
                {"code": problem.code, "field": problem.field, "message": problem.message}
                for problem in self.problems
            ],
        }


# --- geometry in the upright frame ----------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
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


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _is_card_text(text: str) -> bool:
    """Chinese text or a long digit run: background clutter (labels, logos) is rarely either."""
    return bool(_CJK.search(text)) or len(re.findall(r"\d", text)) >= 8


def _text_angle(lines: Sequence[TextLine]) -> float:
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


def _rotation(angle: float) -> np.ndarray:
    """The matrix that turns text at ``angle`` horizontal (image coordinates, y down)."""
    cos, sin = math.cos(angle), math.sin(angle)
    return np.array([[cos, sin], [-sin, cos]])


def _place(lines: Iterable[TextLine], rotation: np.ndarray) -> list[_Placed]:
    placed = []
    for line in lines:
        points = line.box @ rotation.T
        placed.append(
            _Placed(
                line,
                _normalised(line.text),
                float(points[:, 0].min()),
                float(points[:, 0].max()),
                float(points[:, 1].min()),
                float(points[:, 1].max()),
            )
        )
    return placed


def _first_with(placed: Sequence[_Placed], *needles: str) -> _Placed | None:
    for item in placed:
        if any(needle in item.text for needle in needles):
            return item
    return None


def _upside_down(placed: Sequence[_Placed]) -> bool | None:
    """Whether the rotated frame shows the card upside down, from the order of its lines."""
    number = next((p for p in placed if _NUMBER_RUN.search(p.text)), None) or _first_with(
        placed, "公民身份号码", "身份号码"
    )
    upper = _first_with(placed, "姓名", "性别", "民族", "出生", "住址")
    if number is not None and upper is not None:
        return number.centre_y < upper.centre_y
    title = _first_with(placed, "中华人民共和国", "居民身份证")
    lower = _first_with(placed, "签发机关", "有效期限") or next(
        (p for p in placed if _VALIDITY.search(p.text)), None
    )
    if title is not None and lower is not None:
        return title.centre_y > lower.centre_y
    label = _first_with(placed, "公民身份号码")
    if label is not None and number is not None and number is not label:
        return number.left < label.left
    return None


def _rows(placed: Sequence[_Placed]) -> list[list[_Placed]]:
    """Lines grouped into printed rows (top to bottom), each row left to right."""
    rows: list[list[_Placed]] = []
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


def _order_corners(quad: np.ndarray, rotation: np.ndarray) -> np.ndarray:
    """TL, TR, BR, BL of the upright card, whatever order the quad came in."""
    upright = quad @ rotation.T
    centre = upright.mean(axis=0)
    angles = np.arctan2(upright[:, 1] - centre[1], upright[:, 0] - centre[0])
    order = np.argsort(angles)  # from the left (-π) clockwise in y-down coordinates
    ordered = quad[order]
    upright = upright[order]
    start = int(np.argmin(upright[:, 0] + upright[:, 1]))
    return np.roll(ordered, -start, axis=0).astype(np.float32)


def _side_lengths(corners: np.ndarray) -> tuple[float, float]:
    top = float(np.hypot(*(corners[1] - corners[0])) + np.hypot(*(corners[2] - corners[3]))) / 2
    left = float(np.hypot(*(corners[3] - corners[0])) + np.hypot(*(corners[2] - corners[1]))) / 2
    return top, left


def _quad_candidates(image: np.ndarray) -> list[np.ndarray]:
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


def _outline_from_edges(
    image: np.ndarray, card_lines: Sequence[_Placed], rotation: np.ndarray
) -> np.ndarray | None:
    """The tightest card-shaped quad holding most of the card's text lines."""
    centres = np.array([p.line.box.mean(axis=0) for p in card_lines], dtype=np.float32)
    best: tuple[float, np.ndarray] | None = None
    for quad in _quad_candidates(image):
        corners = _order_corners(quad, rotation)
        width, height = _side_lengths(corners)
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


def _outline_from_text(placed: Sequence[_Placed], rotation: np.ndarray, front: bool) -> np.ndarray:
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


def _rectify(image: np.ndarray, corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    homography = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(image, homography, size, flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def _crop(card: np.ndarray, region: Region) -> np.ndarray:
    x0, y0, x1, y1 = region.pixels(card.shape[1] / 85.6)
    return card[max(y0, 0) : y1, max(x0, 0) : x1]


def _glare_share(card: np.ndarray, region: Region) -> float:
    patch = cv2.cvtColor(_crop(card, region), cv2.COLOR_BGR2HSV)
    washed_out = (patch[:, :, 2] >= 245) & (patch[:, :, 1] <= 40)
    return float(washed_out.mean()) if washed_out.size else 0.0


def _sharpness(card: np.ndarray) -> float:
    grey = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


# --- fields ----------------------------------------------------------------------------------


@dataclass
class _Parsed:
    fields: dict[str, FieldValue] = field(default_factory=dict)
    number_reads: list[tuple[str, float]] = field(default_factory=list)
    number_line: _Placed | None = None
    address_rows: list[Sequence[_Placed]] = field(default_factory=list)


def _score(items: Iterable[_Placed]) -> float:
    scores = [item.line.score for item in items]
    return min(scores) if scores else 0.0


def _after(text: str, label: str) -> str:
    index = text.find(label)
    return text[index + len(label) :] if index >= 0 else text


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _parse(rows: Sequence[Sequence[_Placed]], portrait_left: float | None) -> _Parsed:
    parsed = _Parsed()
    found = parsed.fields
    address_rows: list[Sequence[_Placed]] | None = None
    for row in rows:
        if portrait_left is not None:  # nothing of the text runs into the photo
            row = [p for p in row if p.left < portrait_left] or row
        text = "".join(p.text for p in row)
        number = _NUMBER_RUN.search(text.replace("×", "X").replace("x", "X"))
        if number is not None and "有效期限" not in text:
            holders = [p for p in row if _NUMBER_RUN.search(p.text.replace("×", "X"))] or list(row)
            parsed.number_reads.append((number.group(), _score(holders)))
            parsed.number_line = parsed.number_line or holders[0]
            if address_rows is not None:
                parsed.address_rows = parsed.address_rows or address_rows
                address_rows = None
            continue
        if address_rows is not None:
            if "公民身份" in text or "身份号码" in text:
                parsed.address_rows = parsed.address_rows or address_rows
                address_rows = None
            else:
                address_rows.append(row)
            continue
        if "姓名" in text or (text.startswith("姓") and "name" not in found):
            name = "".join(_NAME_CHARACTERS.findall(_after(text, "姓名").removeprefix("姓")))
            if name:
                found["name"] = FieldValue(name.replace("•", "·"), _score(row))
        if "性别" in text:
            sex = _after(text, "性别")[:1]
            if sex in ("男", "女"):
                found["sex"] = FieldValue(sex, _score(row))
        if "民族" in text:
            ethnicity = "".join(_CJK.findall(_after(text, "民族")))
            if ethnicity:
                found["ethnicity"] = FieldValue(ethnicity, _score(row))
        birth = _PRINTED_DATE.search(text)
        if birth is not None and ("出生" in text or "birth_date" not in found):
            iso = _iso(*birth.groups())
            if iso is not None:
                found["birth_date"] = FieldValue(iso, _score(row))
        if "住址" in text:
            address_rows = [row]
        if "签发机关" in text or "签发机" in text:
            authority = "".join(_CJK.findall(_after(text, "签发机关").removeprefix("签发机")))
            if authority:
                found["issuing_authority"] = FieldValue(authority, _score(row))
        validity = _VALIDITY.search(text)
        if validity is not None:
            start = _iso(*validity.group(1, 2, 3))
            end = LONG_TERM if validity.group(7) else _iso(*validity.group(4, 5, 6))
            if start is not None and end is not None:
                found["valid_from"] = FieldValue(start, _score(row))
                found["valid_to"] = FieldValue(end, _score(row))
    if address_rows is not None:
        parsed.address_rows = parsed.address_rows or address_rows
    return parsed


def _address(rows: Sequence[Sequence[_Placed]]) -> FieldValue:
    text = "".join(p.text for row in rows for p in row)
    text = _after(text, "住址") if "住址" in text else text.removeprefix("住").removeprefix("址")
    return FieldValue(text, _score([p for row in rows for p in row]))


# --- the reader ------------------------------------------------------------------------------


class CardImageReader:
    """Reads ID cards from camera frames or photos. One instance per application (the OCR
    models are loaded once, on first use)."""

    def __init__(self, text_reader: TextReader | None = None, *, today: date | None = None) -> None:
        self._text = text_reader or TextReader()
        self._today = today

    def warm_up(self) -> None:
        self._text.warm_up()

    def read(self, image: np.ndarray) -> CardImageReading:
        """Read one BGR image. Never raises for a bad picture: every failure is a problem in the
        result, worded for the clerk."""
        if image is None or image.size == 0:
            return CardImageReading(None, problems=[_problem("card.not_found")])
        if image.ndim == 2:  # a monochrome camera or scan
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        image = image[:, :, :3]
        limit = 1600
        if max(image.shape[:2]) > limit:  # a phone photo: the OCR gains nothing above this
            factor = limit / max(image.shape[:2])
            image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        every_line = self._text.lines(image)
        lines = [line for line in every_line if _is_card_text(_normalised(line.text))]
        angle = _text_angle(lines)
        placed = _place(lines, _rotation(angle))
        if not lines or not _has_card_words(placed):
            return CardImageReading(None, problems=[_problem(_why_no_text(image))])

        if _upside_down(placed):
            angle += math.pi
        rotation = _rotation(angle)
        placed = _place(lines, rotation)
        front = any(_first_with([p], *FRONT_LABELS) or _NUMBER_RUN.search(p.text) for p in placed)
        back = any(_first_with([p], *BACK_LABELS) or _VALIDITY.search(p.text) for p in placed)
        side = "both" if front and back else "front" if front else "back"
        # With both sides in one picture, the outline and the portrait are the front's.
        primary = [p for p in placed if side != "both" or not _is_back_line(p)]

        corners = _outline_from_edges(image, primary, rotation)
        if corners is None:
            corners = _order_corners(_outline_from_text(primary, rotation, front), rotation)
        width_px, _ = _side_lengths(corners)
        card = _rectify(image, corners, CANONICAL_SIZE)

        portrait_left = None
        if front:
            portrait_left = self._portrait_left(corners, rotation)
        # Short pieces ("6室", a lone digit) only count once they are known to be on the card.
        outline = corners.reshape(-1, 1, 2)
        card_text = {id(line) for line in lines}
        on_card = [
            line
            for line in every_line
            if id(line) in card_text
            or cv2.pointPolygonTest(outline, tuple(map(float, line.box.mean(axis=0))), False) >= 0
        ]
        parsed = _parse(_rows(_place(on_card, rotation)), portrait_left)
        if parsed.address_rows:
            address = _address(self._complete_rows(parsed.address_rows, image, rotation))
            if address.value:
                parsed.fields["address"] = address
        reading = CardImageReading(side, fields=parsed.fields, corners=corners)
        if front:
            reading.portrait = _crop(card, PORTRAIT).copy()
            self._settle_number(reading, parsed, image, rotation)
        self._cross_check(reading)
        self._explain_missing(reading, image, card, width_px)
        return reading

    def _complete_rows(
        self, rows: Sequence[Sequence[_Placed]], image: np.ndarray, rotation: np.ndarray
    ) -> list[Sequence[_Placed]]:
        """Re-read continuation lines that start right of the text column or hold fewer characters
        than their width: recognition drops a lone leading digit of a short last line ("6室" read
        as "室")."""
        continuation = [row for row in rows[1:] if row]
        if not continuation:
            return list(rows)
        column = min(row[0].left for row in continuation)
        completed: list[Sequence[_Placed]] = [rows[0]]
        for row in continuation:
            first, last = row[0], row[-1]
            height = max(p.height for p in row)
            text = "".join(p.text for p in row)
            starts_late = first.left - column > 0.6 * height
            too_wide = last.right - first.left > 1.25 * height * len(text)  # room for more
            if starts_late or too_wide:
                box = _Placed(first.line, text, column, last.right, min(p.top for p in row),
                              max(p.bottom for p in row))  # fmt: skip
                again = self._text.read_line(_line_image(image, box, rotation, 0.2))
                if again is not None:
                    longer = _normalised(again.text)
                    if len(longer) > len(text) and longer.endswith(text[-1:]):
                        line = TextLine(first.line.box, longer, min(again.score, _score(row)))
                        row = [replace(box, line=line, text=longer)]
            completed.append(row)
        return completed

    @staticmethod
    def _portrait_left(corners: np.ndarray, rotation: np.ndarray) -> float:
        upright = corners @ rotation.T
        left = (upright[0, 0] + upright[3, 0]) / 2
        right = (upright[1, 0] + upright[2, 0]) / 2
        return float(left + (right - left) * (PORTRAIT.left + 1.0) / 85.6)

    def _settle_number(
        self, reading: CardImageReading, parsed: _Parsed, image: np.ndarray, rotation: np.ndarray
    ) -> None:
        reads = list(parsed.number_reads)
        sure = any(score >= SURE_READ and _valid_number(text) for text, score in reads)
        if not sure and parsed.number_line is not None:
            for padding in (0.15, 0.35):
                again = self._text.read_line(
                    _line_image(image, parsed.number_line, rotation, padding)
                )
                if again is not None:
                    run = _NUMBER_RUN.search(_normalised(again.text).replace("x", "X"))
                    if run is not None:
                        reads.append((run.group(), again.score))
        valid = [(text, score) for text, score in reads if _valid_number(text)]
        for text, score in valid:
            agreeing = sum(other == text for other, _ in valid)
            if score >= SURE_READ or agreeing >= 2:
                confidence = min(1.0, score if agreeing == 1 else 0.5 + score / 2)
                reading.fields["id_number"] = FieldValue(text, confidence)
                return
        if not reads:
            reading.problems.append(_problem("card.number_unreadable", "id_number"))
            return
        best = max(reads, key=lambda read: read[1])[0]
        if len(best) == 18 and _CITIZEN_NUMBER.fullmatch(best):
            try:
                parse_citizen_id(best, today=self._today)
            except DocumentError as error:
                code = (
                    "card.check_character"
                    if error.code == "document.check_character"
                    else "card.number_invalid"
                )
                reading.problems.append(
                    CardProblem(code, _MESSAGES[code].format(detail=str(error)), "id_number")
                )
                return
        reading.problems.append(_problem("card.number_unreadable", "id_number"))

    def _cross_check(self, reading: CardImageReading) -> None:
        number = reading.id_number
        if number is not None:
            info = parse_citizen_id(number, today=self._today)
            birth = reading.value("birth_date")
            if birth is not None and birth != info.birth_date.isoformat():
                reading.problems.append(CardProblem(
                    "card.birth_date_mismatch",
                    f"the printed birth date {birth} is not the one in the ID number "
                    f"({info.birth_date.isoformat()})",
                    "birth_date",
                ))  # fmt: skip
            sex = reading.value("sex")
            expected = "男" if info.sex_code == "1" else "女"
            if sex is not None and sex != expected:
                reading.problems.append(CardProblem(
                    "card.sex_mismatch",
                    f"the printed sex {sex} is not the one in the ID number ({expected})",
                    "sex",
                ))  # fmt: skip
        ethnicity = reading.fields.get("ethnicity")
        if ethnicity is not None:
            try:
                reading.fields["ethnicity"] = FieldValue(
                    ETHNICITIES[ethnicity_code(ethnicity.value)], ethnicity.confidence
                )
            except DocumentError:
                del reading.fields["ethnicity"]
                reading.problems.append(CardProblem(
                    "card.ethnicity_unknown",
                    f"the ethnicity read, {ethnicity.value!r}, is not in the code table",
                    "ethnicity",
                ))  # fmt: skip
        valid_to = reading.value("valid_to")
        today = self._today or china_today()
        if valid_to not in (None, LONG_TERM) and date.fromisoformat(str(valid_to)) < today:
            reading.problems.append(CardProblem(
                "card.expired", f"the card expired on {valid_to}", "valid_to"
            ))  # fmt: skip

    @staticmethod
    def _explain_missing(
        reading: CardImageReading, image: np.ndarray, card: np.ndarray, width_px: float
    ) -> None:
        """Say why fields that should be on this side were not read (``card``: rectified to
        the canonical size; sharpness is judged at the card's own resolution in ``image``)."""
        expected: dict[str, Region] = {}
        if reading.side in ("front", "both"):
            expected |= {k: v for k, v in FRONT_FIELDS.items() if k != "id_number"}
        if reading.side in ("back", "both"):
            expected |= {"issuing_authority": BACK_FIELDS["issuing_authority"],
                         "valid_from": BACK_FIELDS["validity"]}  # fmt: skip
        missing = [name for name in expected if name not in reading.fields]
        if "card.number_unreadable" in reading.problem_codes():
            missing.insert(0, "id_number")
            expected["id_number"] = FRONT_FIELDS["id_number"]
        if not missing:
            return
        if width_px < MIN_CARD_WIDTH_PX:
            reading.problems.insert(0, _problem("card.too_small"))
            return
        assert reading.corners is not None
        native_size = (max(int(width_px), 1), max(int(width_px / CARD_ASPECT), 1))
        if _sharpness(_rectify(image, reading.corners, native_size)) < BLUR_LIMIT:
            reading.problems.insert(0, _problem("card.blurred"))
            return
        for name in missing:
            if _glare_share(card, expected[name]) >= GLARE_SHARE:
                reading.problems.append(_problem("card.glare", name))
            elif name != "id_number":
                reading.problems.append(_problem("card.field_unreadable", name))


def _why_no_text(image: np.ndarray) -> str:
    """No card text at all: blurred or too small if a card-shaped outline is in view."""
    for quad in _quad_candidates(image):
        corners = _order_corners(quad, np.eye(2))
        long_side, short_side = sorted(_side_lengths(corners), reverse=True)
        if short_side <= 0 or not 0.75 * CARD_ASPECT < long_side / short_side < 1.3 * CARD_ASPECT:
            continue
        if long_side < MIN_CARD_WIDTH_PX:
            return "card.too_small"
        size = (int(long_side), int(short_side))
        if _sharpness(_rectify(image, corners, size)) < BLUR_LIMIT:
            return "card.blurred"
    return "card.not_found"


def _is_back_line(placed: _Placed) -> bool:
    return bool(_first_with([placed], *BACK_LABELS) or _VALIDITY.search(placed.text))


def _has_card_words(placed: Sequence[_Placed]) -> bool:
    return any(
        _first_with([p], *FRONT_LABELS, *BACK_LABELS, "姓", "住址")
        or _NUMBER_RUN.search(p.text)
        or _VALIDITY.search(p.text)
        for p in placed
    )


def _valid_number(text: str) -> bool:
    if not _CITIZEN_NUMBER.fullmatch(text):
        return False
    try:
        parse_citizen_id(text)
    except DocumentError:
        return False
    return True


def _line_image(
    image: np.ndarray, line: _Placed, rotation: np.ndarray, padding: float
) -> np.ndarray:
    """The number line cut out upright, with some margin, for a second read."""
    height = line.bottom - line.top
    pad = padding * height
    corners = np.array([
        [line.left - pad, line.top - pad], [line.right + pad, line.top - pad],
        [line.right + pad, line.bottom + pad], [line.left - pad, line.bottom + pad],
    ])  # fmt: skip
    in_image = (corners @ rotation).astype(np.float32)
    out_height = 48
    out_width = max(int(out_height * (line.right - line.left + 2 * pad) / (height + 2 * pad)), 1)
    return _rectify(image, in_image, (out_width, out_height))


_MESSAGES = {
    "card.not_found": "no ID card found in the image: hold the card flat, filling the frame",
    "card.too_small": "the card is too small in the image: bring it closer to the camera",
    "card.blurred": "the card image is blurred: hold the card still and in focus",
    "card.glare": "glare hides this field: tilt the card away from the light",
    "card.number_unreadable": "the ID number could not be read with certainty: read it again",
    "card.check_character": "the ID number read fails its check character ({detail})",
    "card.number_invalid": "the ID number read is not a valid number ({detail})",
    "card.field_unreadable": "this field could not be read",
}


def _problem(code: str, field_name: str | None = None) -> CardProblem:
    return CardProblem(code, _MESSAGES[code], field_name)
