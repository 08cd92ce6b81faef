"""The certification report's verification code decoded from the recogniser's per-character
probabilities and judged over several crops; pages found beside things that touch them; glare
that washes print away told from glare over readable print."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from desk_app.idcard.documents import (
    CODE_ALPHABET,
    CharacterRead,
    code_verdict,
    decode_code,
    find_page,
    glare_share,
)

CLASSES = ["blank", "在", "码", "：", *CODE_ALPHABET, "O", "I", "o", "l", "-", " "]
CODE = "9R346P3YD25TS4F5"


def _steps(
    text: str, *, sure: float = 0.97, doubt: dict[int, str] | None = None, rival: float = 0.34
) -> np.ndarray:
    """A recogniser output for ``text``: each character over two time steps with a blank
    between; ``doubt`` gives characters (by position) a rival class taking ``rival``."""
    blank = np.full(len(CLASSES), 0.01 / (len(CLASSES) - 1))
    blank[0] = 0.99
    rows = [blank]
    for position, character in enumerate(text):
        for certainty in (sure, sure - 0.05):
            row = np.full(len(CLASSES), (1 - certainty) / (len(CLASSES) - 1))
            row[CLASSES.index(character)] = certainty
            if doubt and position in doubt:
                row[CLASSES.index(doubt[position])] = rival
                row[CLASSES.index(character)] = certainty - rival
            rows.append(row)
        rows.append(blank)
    return np.array(rows, dtype=np.float32)


def _read(text: str, sure: float = 0.97) -> CharacterRead:
    return decode_code(_steps(text, sure=sure), CLASSES)


def test_the_code_is_decoded_after_its_label_with_o_and_i_as_digits() -> None:
    read = decode_code(_steps("在码：" + CODE.replace("0", "O")), CLASSES)
    assert read.text == CODE
    assert read.probabilities.shape == (16, len(CODE_ALPHABET))
    # O and I are read as the 0 and 1 the code holds: their probability counts for the digit.
    with_letters = decode_code(_steps("9R346P3YD25TS4FO"), CLASSES)
    assert with_letters.text == "9R346P3YD25TS4F0"
    assert with_letters.probabilities[-1].max() == pytest.approx(0.97, abs=0.01)
    # A repeated character needs the blank between its two reads; both are kept.
    assert decode_code(_steps("AA"), CLASSES).text == "AA"
    assert decode_code(_steps("在码："), CLASSES).text == ""


def test_a_character_read_with_a_rival_keeps_the_rival_s_probability() -> None:
    read = decode_code(_steps(CODE, doubt={4: "8"}), CLASSES)
    assert read.text == CODE
    assert read.probabilities[4].max() == pytest.approx(0.63, abs=0.01)
    assert read.probabilities[4][CODE_ALPHABET.index("8")] == pytest.approx(0.34, abs=0.01)


def test_only_agreeing_confident_complete_reads_are_returned_unflagged() -> None:
    reads = [_read(CODE) for _ in range(6)]
    verdict = code_verdict(CODE, reads)
    assert (verdict.code, verdict.flagged, verdict.problem) == (CODE, False, None)
    assert verdict.confidence == pytest.approx(0.97, abs=0.01)

    other = "9R346P3Y025TS4F5"  # one crop reads D as 0
    split = code_verdict(CODE, [*reads[:5], _read(other, sure=0.9)])
    assert split.flagged and split.problem == "code.disagreement" and split.code == CODE

    page_dissents = code_verdict(other, reads)
    assert page_dissents.flagged and page_dissents.problem == "code.disagreement"

    unsure = code_verdict(CODE, [_read(CODE, sure=0.7) for _ in range(6)])
    assert unsure.flagged and unsure.problem == "code.low_confidence" and unsure.code == CODE

    few = code_verdict(CODE, [*reads[:3], _read(CODE[:15]), _read(CODE[:15]), _read("")])
    assert few.flagged and few.problem == "code.format"

    none = code_verdict("", [_read(CODE[:12]) for _ in range(6)])
    assert none.flagged and none.problem == "code.format" and none.code == CODE[:12]


def test_a_measured_misread_needs_more_certainty() -> None:
    """A printed B read as 8 by every crop at 0.94 (as measured): an 8 with B as runner-up is
    flagged; a B with 8 as runner-up, or an 8 doubted against an unlike character, is not."""
    code = "YXNMDX84FX82Y52A"
    suspect = [decode_code(_steps(code, doubt={6: "B"}, rival=0.05), CLASSES)] * 6
    verdict = code_verdict(code, suspect)
    assert verdict.flagged and verdict.problem == "code.low_confidence" and verdict.code == code
    unlike = [decode_code(_steps(code, doubt={6: "K"}, rival=0.05), CLASSES)] * 6
    assert not code_verdict(code, unlike).flagged
    printed_b = "YXNMDXB4FX82Y52A"
    reverse = [decode_code(_steps(printed_b, doubt={6: "8"}, rival=0.05), CLASSES)] * 6
    assert not code_verdict(printed_b, reverse).flagged


def _desk_with_page(strip: bool) -> tuple[np.ndarray, np.ndarray]:
    """A pale page (with print) on a dark desk, and a light strip touching its edge."""
    frame = np.full((1080, 1920, 3), (70, 60, 110), np.uint8)
    corners = np.array([[700, 150], [1230, 150], [1230, 900], [700, 900]], np.float32)
    cv2.fillConvexPoly(frame, corners.astype(np.int32), (228, 228, 225))
    for y in range(240, 860, 60):
        cv2.putText(frame, "ABCD 1234", (760, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (30, 30, 30), 2)
    if strip:
        cv2.rectangle(frame, (1228, 400), (1700, 440), (170, 215, 235), -1)  # a pale sleeve
    return frame, corners


@pytest.mark.parametrize("strip", [False, True])
def test_a_page_is_found_when_something_pale_touches_its_edge(strip: bool) -> None:
    frame, corners = _desk_with_page(strip)
    found = find_page(frame)
    ordered = sorted(map(tuple, found.round()))
    expected = sorted(map(tuple, corners))
    assert np.abs(np.array(ordered) - np.array(expected)).max() < 12


def _printed_page() -> np.ndarray:
    page = np.full((1414, 1000, 3), 232, np.uint8)
    for y in range(120, 1300, 40):
        for x in (40, 300, 560):
            cv2.putText(page, "AB3D 5E7K", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (25, 25, 25), 3)
    return page


def _with_glare(
    page: np.ndarray, centre: tuple[int, int], strength: float, radius: float = 120.0
) -> np.ndarray:
    ys, xs = np.mgrid[0 : page.shape[0], 0 : page.shape[1]].astype(np.float32)
    spot = np.exp(-((xs - centre[0]) ** 2 + (ys - centre[1]) ** 2) / (2 * radius**2))
    glaring: np.ndarray = np.clip(page + (strength * spot)[:, :, None], 0, 255).astype(np.uint8)
    return glaring


def test_glare_counts_where_print_is_washed_away_not_where_it_stays_dark() -> None:
    page = _printed_page()
    assert glare_share(page) == 0.0
    readable = _with_glare(page, (420, 700), 60)  # paper saturates, print stays dark
    washed = _with_glare(page, (420, 700), 250, 200)  # print as white as the paper
    saturated = (cv2.cvtColor(readable, cv2.COLOR_BGR2HSV)[:, :, 2] >= 250).mean()
    assert saturated > 0.03  # the old measure refused this page
    assert glare_share(readable) < 0.005
    assert glare_share(washed) > 0.03
    blank = np.full_like(page, 232)  # a blank stretch under glare cannot be told from print lost
    assert glare_share(_with_glare(blank, (420, 700), 60)) > 0.03
