"""Chip-like portraits: size, byte budget, determinism, framing (synthetic pictures only)."""

from __future__ import annotations

import numpy as np
import pytest

from desk_app.domain.documents import JP2_SIGNATURE
from desk_app.vision.chiplike import (
    LFW_FRAMING,
    WHOLE_FRAMING,
    ChipError,
    chip_bytes,
    chiplike,
    decode_chip,
    portrait_crop,
)


def _picture(seed: int = 1, size: tuple[int, int] = (250, 250)) -> np.ndarray:
    """A textured picture: flat pictures compress far below the budget and test nothing."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 256, (size[0] // 10, size[1] // 10, 3), dtype=np.uint8)
    return np.ascontiguousarray(np.kron(noise, np.ones((10, 10, 1), dtype=np.uint8)))


def test_a_chip_portrait_fits_the_chip_and_decodes_to_102_by_126() -> None:
    data = chip_bytes(portrait_crop(_picture(), LFW_FRAMING, seed=13, name="a.jpg"))
    assert len(data) <= 1024
    assert len(data) > 900  # the best quality that fits, not a needlessly small file
    assert data.startswith(JP2_SIGNATURE)
    assert decode_chip(data).shape == (126, 102, 3)


def test_the_same_seed_and_name_give_the_same_bytes() -> None:
    picture = _picture()
    first = chip_bytes(portrait_crop(picture, LFW_FRAMING, seed=13, name="a.jpg"))
    again = chip_bytes(portrait_crop(picture, LFW_FRAMING, seed=13, name="a.jpg"))
    other_name = portrait_crop(picture, LFW_FRAMING, seed=13, name="b.jpg")
    assert first == again
    assert not np.array_equal(
        other_name, portrait_crop(picture, LFW_FRAMING, seed=13, name="a.jpg")
    )


def test_whole_framing_keeps_the_picture() -> None:
    picture = _picture(size=(112, 92))
    crop = portrait_crop(picture, WHOLE_FRAMING)
    assert crop.shape == (126, 102, 3)
    # Only resized: the mean colour stays (within interpolation error).
    assert abs(float(crop.mean()) - float(picture.mean())) < 3


def test_a_budget_too_small_for_any_quality_is_a_coded_error() -> None:
    with pytest.raises(ChipError) as raised:
        chip_bytes(portrait_crop(_picture(), LFW_FRAMING), budget=50)
    assert raised.value.code == "chip.encode_failed"


def test_chiplike_loses_detail() -> None:
    picture = portrait_crop(_picture(), WHOLE_FRAMING)
    degraded = chiplike(_picture(), WHOLE_FRAMING)
    assert degraded.shape == picture.shape
    assert 0 < float(np.abs(degraded.astype(int) - picture.astype(int)).mean()) < 80
