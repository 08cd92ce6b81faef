"""Camera sources: the file-backed camera loops, paces, survives losing its folder, and fits."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from desk_app.camera.demo import demo_live_faces
from desk_app.camera.sources import (
    CameraChoice,
    CameraError,
    CameraLostError,
    FileCamera,
    GeneratedCamera,
    fit_frame,
    open_source,
)


def _write_images(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        image = np.full((120, 160, 3), 40 * (index + 1), dtype=np.uint8)
        path = folder / f"{index:02d}.png"
        cv2.imwrite(str(path), image)
        paths.append(path)
    return paths


def test_folder_camera_loops_over_images_at_the_requested_size(tmp_path: Path) -> None:
    _write_images(tmp_path / "faces", 3)
    camera = FileCamera(tmp_path / "faces", size=(64, 48), fps=0)
    camera.open()
    levels = [int(camera.read()[0, 0, 0]) for _ in range(4)]
    camera.close()
    assert levels == [40, 80, 120, 40]
    assert camera.size == (64, 48)


def test_frames_are_rgb_contiguous_and_sized(tmp_path: Path) -> None:
    _write_images(tmp_path / "faces", 1)
    camera = FileCamera(tmp_path / "faces", size=(640, 480), fps=0)
    camera.open()
    frame = camera.read()
    assert frame.shape == (480, 640, 3)
    assert frame.dtype == np.uint8
    assert frame.flags["C_CONTIGUOUS"]


def test_removed_folder_is_a_lost_camera_that_recovers(tmp_path: Path) -> None:
    folder = tmp_path / "faces"
    paths = _write_images(folder, 2)
    camera = FileCamera(folder, size=(32, 24), fps=0)
    camera.open()
    camera.read()
    hidden = tmp_path / "unplugged"
    folder.rename(hidden)
    with pytest.raises(CameraLostError):
        camera.read()
    camera.close()
    with pytest.raises(CameraError):
        camera.open()
    hidden.rename(folder)
    camera.open()
    assert camera.read().shape == (24, 32, 3)
    assert paths[0].exists()


def test_empty_folder_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(CameraError) as raised:
        FileCamera(tmp_path / "empty").open()
    assert raised.value.code == "camera.unavailable"


def test_still_images_are_held_for_several_frames(tmp_path: Path) -> None:
    paths = _write_images(tmp_path / "faces", 2)
    camera = FileCamera(paths, size=(16, 12), fps=0, hold_frames=3)
    camera.open()
    levels = [int(camera.read()[0, 0, 0]) for _ in range(7)]
    assert levels == [40, 40, 40, 80, 80, 80, 40]


def test_video_file_loops(tmp_path: Path) -> None:
    video = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"MJPG"), 10, (64, 48))
    if not writer.isOpened():
        pytest.skip("this OpenCV build cannot write MJPG video")
    for level in (30, 200):
        writer.write(np.full((48, 64, 3), level, dtype=np.uint8))
    writer.release()
    camera = FileCamera(video, size=(64, 48), fps=0)
    camera.open()
    levels = [int(camera.read()[10, 10, 0]) for _ in range(3)]
    assert levels[0] < 100 < levels[1]
    assert levels[2] < 100  # back at the first frame


def test_fit_frame_covers_and_crops_the_centre() -> None:
    wide = np.zeros((100, 300, 3), dtype=np.uint8)
    wide[:, 100:200] = 255
    fitted = fit_frame(wide, (100, 100))
    assert fitted.shape == (100, 100, 3)
    assert fitted.min() == 255  # only the centre third is left


def test_generated_camera_and_choice() -> None:
    source = open_source(CameraChoice(kind="generated", width=32, height=24, fps=0))
    assert isinstance(source, GeneratedCamera)
    source.open()
    first, second = source.read().copy(), source.read()
    assert first.shape == (24, 32, 3)
    assert not np.array_equal(first, second)
    with pytest.raises(CameraError):
        open_source(CameraChoice(kind="telescope"))


def test_demo_live_faces_are_the_other_photos_of_each_identity(data_dir: Path) -> None:
    faces = demo_live_faces(data_dir)
    assert len(faces) >= 20
    assert all(path.exists() for path in faces[0])
    assert not faces[0][0].name.endswith("_0001.jpg")  # the first photo is the e-photo
