"""Supporting documents held up to the camera: the page found, straightened and checked, and the
certification report's online verification code read.

The card reader's outline finding (``card_geometry.quad_candidates``) generalised to a page,
with outlines of the picture's pale regions added (a page whose edge touches something on the
desk merges with it in the edge map): the largest page-shaped quadrilateral (A4, 1:1.414,
either orientation, any rotation) that is nearly all paper inside is warped to an upright
rectangle, then checked for sharpness (variance of the Laplacian) and glare (white washed out
with no print left near it). A page that cannot be used is a worded problem (``page.not_found``,
``page.cut_off``, ``page.blurred``, ``page.glare``), never a bad image kept as evidence.

For the two certification reports (《中国高等教育学历认证报告》, 《教育部学历证书电子注册备案表》)
the online verification code is found by the page's OCR pass (the line beside its label), then
read again from several upright crops of that line cut from the original camera frame, decoded
character by character against the code's alphabet. It is returned as read only when every
crop and the page's pass agree and each character is confidently read; anything else comes
back flagged with the best guess, for the clerk to check against the paper. Nothing is ever
"corrected": no check character is published, so a guess stays a guess. The code's format
(16 characters: digits and capital letters other than I and O) is an assumption from public
samples of both reports; a read outside it is flagged, and a read inside it proves nothing.
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
from desk_app.idcard.ocr import TextReader

A4_ASPECT = 297 / 210
PAGE_LONG_SIDE = 1414  # pixels of the straightened page's long side (~120 dpi for A4)
VERIFICATION_CODE_LENGTH = 16
# Capital letters without I and O (never printed beside 1 and 0 on the samples) and digits: a
# read with I or O is a misread and fails the format.
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
VERIFICATION_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{VERIFICATION_CODE_LENGTH}}}$")
CODE_LABEL = "验证码"
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
REPORT_TITLES = ("学历认证报告", "电子注册备案表", "认证报告", "备案表")
# Measured on generated pages (tests/support/report_documents.py) in 1080p frames, the page
# 26-36 % of the frame's width, sensor noise 1-3, JPEG 80-95: in focus 1900-4900; a Gaussian
# blur of sigma 0.9 px 88-133 (the codes are still read), 1.2 px 34-37, 1.5 px 16-39, 3 px 8-29.
# (On the straightened page instead, a far page's upsampling cost it as much as a blur: 0.9 px
# scored 12-60 there, and pages whose code reads were refused.) A washed-out share above 3 %
# of the page is a reflection that may hide print.
MIN_SHARPNESS = 50.0
MAX_GLARE_SHARE = 0.03


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
    runs_off = False
    identity = rotation_matrix(0.0)
    margin = 0.004 * max(height, width)
    for quad in quad_candidates(image) + _paper_quads(image):
        corners = order_corners(quad, identity)
        across, down = side_lengths(corners)
        if min(across, down) < 0.2 * min(height, width):
            continue
        if not low <= max(across, down) / min(across, down) <= high:
            continue
        paper = _paper_share(image, corners)
        if paper < 0.9:
            continue
        off = (corners[:, 0] < margin) | (corners[:, 0] > width - 1 - margin)
        off |= (corners[:, 1] < margin) | (corners[:, 1] > height - 1 - margin)
        if off.any():
            # A page running off the picture, or an outline merged with something beside the
            # page (its shadow, a line on the desk): a page wholly in view wins over it.
            runs_off = True
            continue
        # The largest, but an outline that takes in some desk beside the page loses to the
        # page's own: each point of non-paper share costs about 8 % of the area.
        area = abs(cv2.contourArea(corners.reshape(-1, 1, 2))) * paper**8
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
        if paper_at_edge is not None or runs_off:
            raise PageError(
                "the page runs off the picture: hold all of it in view", code="page.cut_off"
            )
        raise PageError("no page found in the picture", code="page.not_found")
    return best[1]


def _paper_quads(image: np.ndarray) -> list[np.ndarray]:
    """Quadrilaterals around the pale, grey regions of the picture, cut loose from thin things
    that touch them (a pen, a cable, a strip of something light beside the page), which merge
    with the page's outline in the edge map."""
    scale = 640 / max(image.shape[:2])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2HSV)
    value = hsv[:, :, 2]
    bright = value >= max(120.0, 0.7 * float(np.percentile(value, 99)))
    pale_mask = (bright & (hsv[:, :, 1] <= 20)).astype(np.uint8) * 255
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    closed = cv2.morphologyEx(pale_mask, cv2.MORPH_CLOSE, kernel)
    pale = cv2.morphologyEx(closed, cv2.MORPH_OPEN, kernel)
    minimum_area = 0.02 * small.shape[0] * small.shape[1]
    quads = []
    for contour in cv2.findContours(pale, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]:
        if cv2.contourArea(contour) < minimum_area:
            continue
        hull = cv2.convexHull(contour)
        approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        quad = approx if len(approx) == 4 else cv2.boxPoints(cv2.minAreaRect(hull))
        quads.append(np.asarray(quad, dtype=np.float32).reshape(4, 2) / scale)
    return quads


def _paper_share(image: np.ndarray, corners: np.ndarray) -> float:
    """How much of the inside is pale and nearly grey: a sheet of paper (print covers a small
    part of it), not a coloured box, a dark screen, nor an outline that merges the page with
    the desk around it. 0 when the inside is dark or coloured on average."""
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, corners.astype(np.int32), 255)
    _hue, saturation, value = cv2.split(cv2.cvtColor(image, cv2.COLOR_BGR2HSV))
    inside = mask > 0
    if value[inside].mean() < 120 or saturation[inside].mean() > 70:
        return 0.0
    return float(((value[inside] >= 120) & (saturation[inside] <= 70)).mean())


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


def straighten_page(
    image: np.ndarray, *, a4: bool = True, corners: np.ndarray | None = None
) -> StraightPage:
    """The page found in ``image`` (BGR) (or at ``corners``), warped flat and checked;
    PageError when unusable."""
    corners = find_page(image, a4=a4) if corners is None else corners
    across, down = side_lengths(corners)
    ratio = max(across, down) / min(across, down)
    long_side, short_side = PAGE_LONG_SIDE, round(PAGE_LONG_SIDE / (A4_ASPECT if a4 else ratio))
    size = (short_side, long_side) if down >= across else (long_side, short_side)
    flat = rectify(image, corners, size)
    page = StraightPage(flat, page_sharpness(image, corners), glare_share(flat))
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


def page_sharpness(image: np.ndarray, corners: np.ndarray) -> float:
    """Variance of the Laplacian of the camera's own pixels inside the page (its edge left
    out): how sharp the picture is, whatever the page's distance. Measured before any
    resampling, which would blur a far page's print as much as a bad focus does."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    mask = np.zeros(grey.shape, np.uint8)
    cv2.fillConvexPoly(mask, corners.astype(np.int32), 255)
    inside = cv2.erode(mask, np.ones((15, 15), np.uint8)) > 0
    if not inside.any():
        return 0.0
    return float(cv2.Laplacian(grey, cv2.CV_64F)[inside].var())


def glare_share(page: np.ndarray) -> float:
    """The share of the page washed out by a reflection so that no print survives there:
    saturated white with no dark stroke within about a printed line's height. Print still dark
    under a mild reflection (the paper saturates first) is readable and does not count; a blank
    stretch under a reflection counts, since it cannot be told from print washed away."""
    hsv = cv2.cvtColor(page, cv2.COLOR_BGR2HSV)
    washed_out = (hsv[:, :, 2] >= 250) & (hsv[:, :, 1] <= 30)
    if not washed_out.any():
        return 0.0
    unit = max(page.shape[:2]) / PAGE_LONG_SIDE  # the sizes below are for a 1414-pixel page
    grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    stroke = cv2.getStructuringElement(cv2.MORPH_RECT, (_odd(15 * unit), _odd(15 * unit)))
    print_ = (cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, stroke) > 80).astype(np.uint8)
    near_print = cv2.dilate(print_, np.ones((_odd(41 * unit), _odd(41 * unit)), np.uint8)) > 0
    return float((washed_out & ~near_print).mean())


def _odd(size: float) -> int:
    return max(1, round(size)) | 1


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


# The code is read again, character by character, from several upright crops of its line: cut
# from the original camera frame through the page's homography (one resampling, bicubic, instead
# of the straightened page's two), with different margins around the line. The recogniser's
# per-character probabilities are decoded against the code's alphabet and averaged over the crops;
# a character is taken only when the crops agree on it and are sure of it.
_CROP_MARGINS = ((0.0, 0.0), (-0.06, 0.1), (0.06, 0.2))  # (vertical, horizontal) line heights
_CROP_HEIGHTS = (48, 96)  # pixels of the crop's height, before the recogniser rescales it to 48
MIN_CROPS_AGREEING = 4
MIN_CHARACTER_CONFIDENCE = 0.80
# Misreads the recogniser makes in the code's font at webcam resolution, as (read, printed). On
# 240 generated reports it read a printed B as 8 on every crop, at a mean probability of 0.94
# (seed 5067), while every B it read with 8 as runner-up (9 reports, down to 0.72), and every 5,
# 6 and D read with S, G or 0 as runner-up, was right. A character read as the first of a pair
# with the second as runner-up needs far more certainty. Measured, so narrow: widened to every
# look-alike pair at 0.98, the rule flagged 21 right reads of 240 (88-89 % exact).
SUSPECT_MISREADS = (("8", "B"),)
MIN_SUSPECT_CONFIDENCE = 0.98


@dataclass(frozen=True)
class CharacterRead:
    """One crop's code: per character, the probabilities over ``CODE_ALPHABET``."""

    text: str
    probabilities: np.ndarray  # (characters, len(CODE_ALPHABET))


def read_verification_code(
    page: np.ndarray, reader: TextReader, *, source: tuple[np.ndarray, np.ndarray] | None = None
) -> CodeRead:
    """The report's online verification code (see ``read_report``)."""
    return read_report(page, reader, source=source)[0]


def read_report(
    page: np.ndarray, reader: TextReader, *, source: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[CodeRead, np.ndarray]:
    """The verification code, and the page turned upright (by quarter turns) from the
    direction of its text and where its title lies. ``source``: the camera frame the page was
    straightened from and the page's corners in it, to cut the code's line from at full
    resolution (without it, from the page)."""
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
    image, to_image = page, np.eye(3, dtype=np.float64)
    if source is not None:
        image, corners = source
        height, width = page.shape[:2]
        target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
        to_image = np.asarray(
            cv2.getPerspectiveTransform(target, corners.astype(np.float32)), dtype=np.float64
        )
    crops = [
        _line_crop(image, to_image, code_line, rotation, upside_down, margins, crop_height)
        for margins in _CROP_MARGINS
        for crop_height in _CROP_HEIGHTS
    ]
    probabilities, classes = reader.character_probabilities(crops)
    reads = [decode_code(matrix, classes) for matrix in probabilities]
    return code_verdict(_code_part(code_line.text), reads), upright


def decode_code(probabilities: np.ndarray, classes: list[str]) -> CharacterRead:
    """The code's characters in one line's recogniser output (time steps × classes, class 0
    the CTC blank): the greedy path, cut after the last character that cannot be part of the
    code (the label and its colon), each character's probabilities taken at its most certain
    time step and folded onto the code's alphabet (O and o count for 0, I and l for 1: the code
    holds neither letter; any other class counts for nothing)."""
    folding = _folding(tuple(classes))
    best = probabilities.argmax(axis=1)
    characters: list[np.ndarray] = []
    previous = 0
    for step, index in enumerate(best):
        if index != 0 and index != previous:
            characters.append(probabilities[step])
        elif index != 0 and characters[-1][index] < probabilities[step][index]:
            characters[-1] = probabilities[step]
        previous = index
    kept: list[np.ndarray] = []
    for row in characters:
        if folding[1][int(row.argmax())] < 0:  # the label, its colon, a stray mark
            kept = []
            continue
        kept.append(row)
    if not kept:
        return CharacterRead("", np.zeros((0, len(CODE_ALPHABET))))
    folded = np.stack(kept) @ folding[0]
    text = "".join(CODE_ALPHABET[i] for i in folded.argmax(axis=1))
    return CharacterRead(text, folded)


_FOLDINGS: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}


def _folding(classes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The (classes × alphabet) matrix that sums a class's probability into its code character,
    and each class's code character index (-1: none)."""
    if classes not in _FOLDINGS:
        aliases = {"O": "0", "o": "0", "I": "1", "l": "1"}
        matrix = np.zeros((len(classes), len(CODE_ALPHABET)), np.float32)
        index = np.full(len(classes), -1)
        for position, name in enumerate(classes):
            character = aliases.get(name, name.upper() if len(name) == 1 else name)
            if len(character) == 1 and character in CODE_ALPHABET:
                matrix[position, CODE_ALPHABET.index(character)] = 1.0
                index[position] = CODE_ALPHABET.index(character)
        _FOLDINGS[classes] = (matrix, index)
    return _FOLDINGS[classes]


def code_verdict(page_read: str, reads: list[CharacterRead]) -> CodeRead:
    """One code from the crops' reads. Unflagged only when at least ``MIN_CROPS_AGREEING``
    crops read 16 characters, every one of them and the page's own read say the same code,
    and each character's mean probability is at least ``MIN_CHARACTER_CONFIDENCE`` (at least
    ``MIN_SUSPECT_CONFIDENCE`` when it is one of ``SUSPECT_MISREADS``)."""
    complete = [read for read in reads if len(read.text) == VERIFICATION_CODE_LENGTH]
    if not complete:
        guess = next((r.text for r in reads if r.text), page_read or None)
        return CodeRead(guess, 0.0, True, "code.format")
    mean = np.mean([read.probabilities for read in complete], axis=0)
    code = "".join(CODE_ALPHABET[i] for i in mean.argmax(axis=1))
    confidence = float(mean.max(axis=1).min())
    if len(complete) < MIN_CROPS_AGREEING:
        return CodeRead(code, confidence, True, "code.format")
    if any(read.text != code for read in complete) or page_read != code:
        return CodeRead(code, confidence, True, "code.disagreement")
    if confidence < MIN_CHARACTER_CONFIDENCE or _look_alike_doubt(mean):
        return CodeRead(code, confidence, True, "code.low_confidence")
    return CodeRead(code, confidence, False)


def _look_alike_doubt(mean: np.ndarray) -> bool:
    """Whether a character is read as one of ``SUSPECT_MISREADS`` with its printed look-alike
    as runner-up, below ``MIN_SUSPECT_CONFIDENCE``."""
    order = np.argsort(mean, axis=1)
    for position in range(len(mean)):
        first, second = CODE_ALPHABET[order[position, -1]], CODE_ALPHABET[order[position, -2]]
        suspect = (first, second) in SUSPECT_MISREADS
        if suspect and mean[position, order[position, -1]] < MIN_SUSPECT_CONFIDENCE:
            return True
    return False


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
    # The code holds no Chinese; the sentence under it (with the web address) does, and on a
    # page not quite straight it can come as near the label as the code.
    return min(
        same_row,
        key=lambda p: (
            bool(_CHINESE.search(p.text)),
            min(abs(p.left - label.right), abs(label.left - p.right)),
        ),
    )


def _line_crop(
    image: np.ndarray,
    page_to_image: np.ndarray,
    line: Placed,
    rotation: np.ndarray,
    upside_down: bool,
    margins: tuple[float, float],
    crop_height: int,
) -> np.ndarray:
    """The line cut out upright from ``image`` (the page, or the frame it was straightened
    from: ``page_to_image`` maps page points into it), ``margins`` line heights (vertical,
    horizontal) around it, resampled bicubically to ``crop_height`` pixels."""
    vertical, horizontal = margins[0] * line.height, margins[1] * line.height
    left, right = line.left - horizontal, line.right + horizontal
    top, bottom = line.top - vertical, line.bottom + vertical
    corners_upright = np.array(
        [[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float64
    )
    corners_page = corners_upright @ rotation  # a rotation's inverse: its transpose
    corners = cv2.perspectiveTransform(
        corners_page.reshape(-1, 1, 2).astype(np.float32), page_to_image.astype(np.float32)
    ).reshape(4, 2)
    scale = crop_height / (bottom - top)
    size = (max(1, math.ceil((right - left) * scale)), crop_height)
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], dtype=np.float32)
    homography = cv2.getPerspectiveTransform(corners, target)
    crop = cv2.warpPerspective(
        image, homography, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
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
        corners = find_page(frame_bgr, a4=True)
        page = straighten_page(frame_bgr, a4=True, corners=corners)
        code, upright = read_report(page.image, self.reader, source=(frame_bgr, corners))
        return StraightPage(upright, page.sharpness, page.glare), code
