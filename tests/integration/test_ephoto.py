"""The standard e-photo made from real faces in the shared data: size, file size, head position,
and the problems a clerk must be told about (background, eyes, pose, edge)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from desk_app.vision.engines import FaceEngine, best_face, load_engine
from desk_app.vision.ephoto import CROWN_ABOVE_EYES, EPhotoIssue, EPhotoSpec, make_ephoto
from desk_app.vision.quality import LandmarkModel

RGB = npt.NDArray[np.uint8]


@pytest.fixture(scope="module")
def engine() -> FaceEngine:
    return load_engine("sface")


@pytest.fixture(scope="module")
def landmarks() -> LandmarkModel:
    return LandmarkModel()


def read_rgb(path: Path) -> RGB:
    return np.ascontiguousarray(cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB))


def id_photo_panels(data_dir: Path) -> list[RGB]:
    """The four finished ID photos (red, blue, white, grey backdrops) side by side in one file."""
    whole = read_rgb(
        data_dir / "faces" / "hivision_idphoto_portraits" / "demoImage_idphoto_outputs.jpg"
    )
    width = whole.shape[1] // 4
    return [np.ascontiguousarray(whole[:, i * width : (i + 1) * width]) for i in range(4)]


def decoded(jpeg: bytes) -> RGB:
    return cv2.cvtColor(
        cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB
    )


def test_light_backdrops_give_a_clean_standard_photo(
    data_dir: Path, engine: FaceEngine, landmarks: LandmarkModel
) -> None:
    spec = EPhotoSpec()
    white_backdrop = id_photo_panels(data_dir)[2]
    plain_wall = read_rgb(data_dir / "faces" / "hivision_idphoto_portraits" / "test0.jpg")
    for source in (white_backdrop, plain_wall):
        photo = make_ephoto(source, engine, landmarks)
        assert photo.issues == ()
        assert spec.min_bytes <= len(photo.jpeg) <= spec.max_bytes
        assert photo.jpeg[:2] == b"\xff\xd8"
        output = decoded(photo.jpeg)
        assert output.shape == (640, 480, 3)
        # The head where the rules want it, measured again on the photo itself.
        face = best_face(engine.detect(output))
        points = landmarks.points(output, face)
        eye_y = float((points[36:48, 1]).mean())
        eye_x = float((points[36:48, 0]).mean())
        chin_y = float(points[8][1])
        head = (1 + CROWN_ABOVE_EYES) * (chin_y - eye_y)
        assert 0.70 <= head / 640 <= 0.80
        crown_y = eye_y - CROWN_ABOVE_EYES * (chin_y - eye_y)
        assert abs(crown_y / 640 - spec.top_margin_fraction) < 0.03
        assert abs(eye_x / 480 - 0.5) < 0.03
        assert face.eye_distance >= 90  # ICAO: about 90 px or more between the eye centres


def test_coloured_or_busy_backgrounds_send_the_clerk_to_the_backdrop(
    data_dir: Path, engine: FaceEngine, landmarks: LandmarkModel
) -> None:
    red, blue, _, grey_gradient = id_photo_panels(data_dir)
    street = read_rgb(data_dir / "faces" / "hivision_idphoto_portraits" / "test4.jpg")
    for source in (red, blue, grey_gradient, street):
        photo = make_ephoto(source, engine, landmarks)
        assert EPhotoIssue.BACKGROUND in photo.issues
        assert decoded(photo.jpeg).shape == (640, 480, 3)  # still made, for the clerk to see


def test_a_tilted_head_is_reported(
    data_dir: Path, engine: FaceEngine, landmarks: LandmarkModel
) -> None:
    upright = id_photo_panels(data_dir)[2]
    height, width = upright.shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), 25, 1.0)
    tilted = cv2.warpAffine(upright, turn, (width, height), borderValue=(255, 255, 255))
    assert EPhotoIssue.NOT_FRONTAL not in make_ephoto(upright, engine, landmarks).issues
    assert EPhotoIssue.NOT_FRONTAL in make_ephoto(tilted, engine, landmarks).issues


def test_a_head_without_room_around_it_is_reported(
    data_dir: Path, engine: FaceEngine, landmarks: LandmarkModel
) -> None:
    tight = read_rgb(data_dir / "faces" / "face_recognition_examples" / "examples" / "obama.jpg")
    photo = make_ephoto(tight, engine, landmarks)
    assert EPhotoIssue.TOO_CLOSE_TO_EDGE in photo.issues
    assert photo.measures["padding"] > EPhotoSpec().max_padding_fraction


def test_closed_eyes_are_reported(
    data_dir: Path, engine: FaceEngine, landmarks: LandmarkModel
) -> None:
    """Frames of a labelled blink (eyes closed at frames 15-16, open at 44)."""
    capture = cv2.VideoCapture(str(data_dir / "liveness" / "dino_blink" / "example.mp4"))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)))
    assert len(frames) == 75
    closed = make_ephoto(frames[16], engine, landmarks)
    opened = make_ephoto(frames[44], engine, landmarks)
    assert EPhotoIssue.EYES_CLOSED in closed.issues
    assert EPhotoIssue.EYES_CLOSED not in opened.issues


def test_the_older_photo_size_is_a_setting(
    data_dir: Path, engine: FaceEngine, landmarks: LandmarkModel
) -> None:
    spec = EPhotoSpec(width=151, height=201, min_bytes=4 * 1024, max_bytes=10 * 1024)
    photo = make_ephoto(id_photo_panels(data_dir)[2], engine, landmarks, spec)
    assert decoded(photo.jpeg).shape == (201, 151, 3)
    assert len(photo.jpeg) <= 10 * 1024


# --- desk-app export photos --------------------------------------------------------------------


def test_export_photos_writes_a_zip_with_a_manifest(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv
    import hashlib
    import io
    import stat
    import zipfile

    from click.testing import CliRunner
    from sqlalchemy import select

    from desk_app.cli import main
    from desk_app.persistence.models import AuditEntry
    from desk_app.services.faces import LiveCapture
    from desk_app.services.workflow import Decision
    from tests.support.factories import add_candidate, add_staff, make_application, set_password
    from tests.support.ui_helpers import citizen_number

    path = tmp_path / "counter.db"
    app = make_application(f"sqlite:///{path}")
    add_staff(app.database)
    for operator_id in ("admin", "clerk"):
        set_password(app.database, operator_id, "staff-pass-2026")
    sources = [
        id_photo_panels(data_dir)[2],
        read_rgb(data_dir / "faces" / "hivision_idphoto_portraits" / "test4.jpg"),
    ]
    rng = np.random.default_rng(5)
    for index, source in enumerate(sources):
        add_candidate(app.database, f"E{index}", document_number=citizen_number(700 + index))
        jpeg = bytes(cv2.imencode(".jpg", cv2.cvtColor(source, cv2.COLOR_RGB2BGR))[1])
        template = rng.normal(size=128).astype(np.float32)
        capture = LiveCapture(jpeg, template / np.linalg.norm(template), "sface", "m")
        app.workflow.confirm(f"E{index}", "clerk", Decision(live_capture=capture))
    add_candidate(app.database, "E9", document_number=citizen_number(709))
    app.workflow.confirm("E9", "clerk", Decision())  # confirmed without a face (no consent)
    app.close()
    password_file = tmp_path / "password"
    password_file.write_text("staff-pass-2026\n")
    monkeypatch.setenv("DESK_APP_PASSWORD_FILE", str(password_file))
    out = tmp_path / "photos.zip"
    arguments = ["--db", str(path), "export", "photos", "--since", "2000-01-01", "--out", str(out)]
    refused = CliRunner().invoke(main, [*arguments, "--operator", "clerk", "--reason", "upload"])
    assert refused.exit_code == 1 and "[permission.role]" in refused.output
    assert not out.exists()
    result = CliRunner().invoke(main, [*arguments, "--operator", "admin", "--reason", "upload"])
    assert result.exit_code == 0, result.output
    assert "2 photos (1 with problems), 1 confirmations without" in result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["E0.jpg", "E1.jpg", "manifest.csv"]
        manifest = list(
            csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig")))
        )
        by_id = {row["registration_id"]: row for row in manifest}
        for name in ("E0", "E1"):
            jpeg = archive.read(f"{name}.jpg")
            assert 20 * 1024 <= len(jpeg) <= 40 * 1024
            assert decoded(jpeg).shape == (640, 480, 3)
            assert by_id[name]["sha256"] == hashlib.sha256(jpeg).hexdigest()
        assert by_id["E0"]["id_number"] == citizen_number(700)
        assert by_id["E0"]["problems"] == ""
        assert "ephoto.background" in by_id["E1"]["problems"]
        assert by_id["E9"]["file"] == "" and by_id["E9"]["problems"] == "ephoto.no_live_capture"
    with make_application(f"sqlite:///{path}").database.reading() as uow:
        actions = uow.session.scalars(select(AuditEntry.action)).all()
    assert "export.photos" in actions and "personal_data.unmask_refused" in actions
