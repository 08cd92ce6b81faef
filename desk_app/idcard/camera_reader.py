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

Steps 2 and 3 live in ``card_geometry``, the parsing of step 4 in ``card_fields``; this module
keeps the public types, the order of the steps and the cross-checks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import cv2
import numpy as np

from desk_app.domain.errors import DocumentError
from desk_app.domain.time import china_today
from desk_app.idcard.card_fields import LONG_TERM as LONG_TERM
from desk_app.idcard.card_fields import FieldValue as FieldValue
from desk_app.idcard.card_fields import Parsed, address_field, lowest_score, parse
from desk_app.idcard.card_geometry import (
    NUMBER_RUN,
    VALIDITY,
    Placed,
    crop,
    first_with,
    glare_share,
    is_card_text,
    normalised,
    order_corners,
    outline_from_edges,
    outline_from_text,
    place,
    printed_rows,
    quad_candidates,
    rectify,
    rotation_matrix,
    sharpness,
    side_lengths,
    text_angle,
    upside_down,
)
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

MIN_CARD_WIDTH_PX = 300
"""Below this the 4 mm digits of the number are under ~14 px tall: too few for a sure read."""
BLUR_LIMIT = 60.0
"""Variance of the Laplacian of the rectified card below which fine print is smeared."""
GLARE_SHARE = 0.08
"""Share of a field's area washed out to white that makes glare the likely reason it failed."""
SURE_READ = 0.985
"""OCR score above which one read of a valid number is accepted without a second read."""

_CITIZEN_NUMBER = re.compile(r"[0-9]{17}[0-9X]")

FRONT_LABELS = ("姓名", "性别", "民族", "出生", "住址", "公民身份号码")
BACK_LABELS = ("中华人民共和国", "居民身份证", "签发机关", "有效期限")


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
        lines = [line for line in every_line if is_card_text(normalised(line.text))]
        angle = text_angle(lines)
        placed = place(lines, rotation_matrix(angle))
        if not lines or not _has_card_words(placed):
            return CardImageReading(None, problems=[_problem(_why_no_text(image))])

        if upside_down(placed):
            angle += math.pi
        rotation = rotation_matrix(angle)
        placed = place(lines, rotation)
        front = any(first_with([p], *FRONT_LABELS) or NUMBER_RUN.search(p.text) for p in placed)
        back = any(first_with([p], *BACK_LABELS) or VALIDITY.search(p.text) for p in placed)
        side = "both" if front and back else "front" if front else "back"
        # With both sides in one picture, the outline and the portrait are the front's.
        primary = [p for p in placed if side != "both" or not _is_back_line(p)]

        corners = outline_from_edges(image, primary, rotation)
        if corners is None:
            corners = order_corners(outline_from_text(primary, rotation, front), rotation)
        width_px, _ = side_lengths(corners)
        card = rectify(image, corners, CANONICAL_SIZE)

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
        parsed = parse(printed_rows(place(on_card, rotation)), portrait_left)
        if parsed.address_rows:
            address = address_field(self._complete_rows(parsed.address_rows, image, rotation))
            if address.value:
                parsed.fields["address"] = address
        reading = CardImageReading(side, fields=parsed.fields, corners=corners)
        if front:
            reading.portrait = crop(card, PORTRAIT).copy()
            self._settle_number(reading, parsed, image, rotation)
        self._cross_check(reading)
        self._explain_missing(reading, image, card, width_px)
        return reading

    def _complete_rows(
        self, rows: Sequence[Sequence[Placed]], image: np.ndarray, rotation: np.ndarray
    ) -> list[Sequence[Placed]]:
        """Re-read continuation lines that start right of the text column or hold fewer characters
        than their width: recognition drops a lone leading digit of a short last line ("6室" read
        as "室")."""
        continuation = [row for row in rows[1:] if row]
        if not continuation:
            return list(rows)
        column = min(row[0].left for row in continuation)
        completed: list[Sequence[Placed]] = [rows[0]]
        for row in continuation:
            first, last = row[0], row[-1]
            height = max(p.height for p in row)
            text = "".join(p.text for p in row)
            starts_late = first.left - column > 0.6 * height
            too_wide = last.right - first.left > 1.25 * height * len(text)  # room for more
            if starts_late or too_wide:
                box = Placed(first.line, text, column, last.right, min(p.top for p in row),
                              max(p.bottom for p in row))  # fmt: skip
                again = self._text.read_line(_line_image(image, box, rotation, 0.2))
                if again is not None:
                    longer = normalised(again.text)
                    if len(longer) > len(text) and longer.endswith(text[-1:]):
                        line = TextLine(first.line.box, longer, min(again.score, lowest_score(row)))
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
        self, reading: CardImageReading, parsed: Parsed, image: np.ndarray, rotation: np.ndarray
    ) -> None:
        reads = list(parsed.number_reads)
        sure = any(score >= SURE_READ and _valid_number(text) for text, score in reads)
        if not sure and parsed.number_line is not None:
            for padding in (0.15, 0.35):
                again = self._text.read_line(
                    _line_image(image, parsed.number_line, rotation, padding)
                )
                if again is not None:
                    run = NUMBER_RUN.search(normalised(again.text).replace("x", "X"))
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
        if sharpness(rectify(image, reading.corners, native_size)) < BLUR_LIMIT:
            reading.problems.insert(0, _problem("card.blurred"))
            return
        for name in missing:
            if glare_share(card, expected[name]) >= GLARE_SHARE:
                reading.problems.append(_problem("card.glare", name))
            elif name != "id_number":
                reading.problems.append(_problem("card.field_unreadable", name))


def _why_no_text(image: np.ndarray) -> str:
    """No card text at all: blurred or too small if a card-shaped outline is in view."""
    for quad in quad_candidates(image):
        corners = order_corners(quad, np.eye(2))
        long_side, short_side = sorted(side_lengths(corners), reverse=True)
        if short_side <= 0 or not 0.75 * CARD_ASPECT < long_side / short_side < 1.3 * CARD_ASPECT:
            continue
        if long_side < MIN_CARD_WIDTH_PX:
            return "card.too_small"
        size = (int(long_side), int(short_side))
        if sharpness(rectify(image, corners, size)) < BLUR_LIMIT:
            return "card.blurred"
    return "card.not_found"


def _is_back_line(placed: Placed) -> bool:
    return bool(first_with([placed], *BACK_LABELS) or VALIDITY.search(placed.text))


def _has_card_words(placed: Sequence[Placed]) -> bool:
    return any(
        first_with([p], *FRONT_LABELS, *BACK_LABELS, "姓", "住址")
        or NUMBER_RUN.search(p.text)
        or VALIDITY.search(p.text)
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
    image: np.ndarray, line: Placed, rotation: np.ndarray, padding: float
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
    return rectify(image, in_image, (out_width, out_height))


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
