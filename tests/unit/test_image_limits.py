"""Pixel dimensions from image headers, and the cap that refuses bombs before decoding."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from desk_app.domain.image_limits import ImageSizeError, check_image_size, image_size
from tests.support.bombs import FORMATS, bomb

ENCODED = [".png", ".jpg", ".bmp", ".webp", ".tiff", ".jp2", ".ppm", ".pgm"]


@pytest.mark.parametrize("extension", ENCODED)
def test_the_header_gives_the_real_size_of_images_opencv_writes(extension: str) -> None:
    picture = np.zeros((53, 67, 3), dtype=np.uint8)  # JPEG 2000 needs 32 px or more
    if extension == ".pgm":
        picture = picture[:, :, 0]
    ok, encoded = cv2.imencode(extension, picture)
    assert ok
    found = image_size(encoded.tobytes())
    assert found is not None and found[1:] == (67, 53)


@pytest.mark.parametrize("kind", FORMATS)
def test_bombs_of_every_format_are_refused_by_their_header(kind: str) -> None:
    data = bomb(kind)
    assert len(data) < 400_000
    with pytest.raises(ImageSizeError) as caught:
        check_image_size(data, 40_000_000, source="upload")
    assert caught.value.code == "image.too_large"


@pytest.mark.parametrize("kind", FORMATS)
def test_a_small_declared_size_passes(kind: str) -> None:
    assert check_image_size(bomb(kind, side=100), 40_000_000) == (100, 100)


def test_unknown_or_truncated_headers_are_refused() -> None:
    for data in (b"", b"hello", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00"):
        with pytest.raises(ImageSizeError) as caught:
            check_image_size(data)
        assert caught.value.code == "image.unknown_format"
