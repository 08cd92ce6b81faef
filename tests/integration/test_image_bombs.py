"""Every decoder the product uses measures the header first: bombs are refused, coded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from desk_app.cli import main
from desk_app.domain.image_limits import ImageSizeError
from desk_app.vision.images import configure_image_limits, decode_rgb, max_image_pixels
from tests.support.bombs import FORMATS, bomb
from tests.support.factories import PROJECT_ROOT


@pytest.mark.parametrize("kind", FORMATS)
def test_decoding_a_bomb_is_refused_before_opencv_sees_it(kind: str) -> None:
    with pytest.raises(ImageSizeError) as caught:
        decode_rgb(bomb(kind), source="attachment")
    assert caught.value.code == "image.too_large"


def test_the_cap_is_a_setting(tmp_path: Path) -> None:
    try:
        configure_image_limits(1000)
        with pytest.raises(ImageSizeError):
            decode_rgb(bomb("png", side=40))
    finally:
        configure_image_limits(40_000_000)
    assert max_image_pixels() == 40_000_000


def test_card_read_refuses_a_bomb(tmp_path: Path) -> None:
    image = tmp_path / "card.png"
    image.write_bytes(bomb("png"))
    result = CliRunner().invoke(main, ["card", "read", str(image), "--json"])
    assert result.exit_code == 1
    assert "image.too_large" in result.output


def test_pillow_refuses_bombs_once_limits_are_configured() -> None:
    import io

    from PIL import Image

    configure_image_limits(40_000_000)
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(bomb("png")))
    with pytest.raises((Image.DecompressionBombError, Image.DecompressionBombWarning)):
        Image.open(io.BytesIO(bomb("png", side=7000)))


def test_opencv_gets_its_own_cap_before_it_loads() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "OPENCV_IO_MAX_IMAGE_PIXELS"}
    code = "import desk_app, os, cv2; print(os.environ['OPENCV_IO_MAX_IMAGE_PIXELS'])"
    child = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.strip() == "40000000"
