"""Face media at rest in the central database: sealed with the sync service's key (AES-GCM), so
a copy of the database, a backup or a curious engineer's query gives away no face."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, insert, select, text

from desk_app.cli import main
from desk_app.persistence.database import Database
from desk_app.persistence.models import Candidate, FaceTemplate, Photo
from desk_app.persistence.sealing import (
    MediaKeyError,
    MediaSealer,
    is_sealed,
    photo_label,
    template_label,
)
from desk_app.services.demo import generate_roster_rows, write_roster_csv
from desk_app.sync.central import CentralDatabase
from tests.support.sync_service import RunningService
from tests.support.sync_world import make_counter, open_central, seed_roster

pytestmark = pytest.mark.postgres

# How a JPEG or PNG shows in a plain SQL dump: bytea in hex, or base64 inside JSON.
PICTURE_MARKS = ("\\\\xffd8ff", "\\\\x89504e47", "/9j/", "iVBORw0KGgo")


def run(*arguments: str) -> Result:
    return CliRunner().invoke(main, list(arguments))


def _jpeg(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 255, (120, 100, 3), dtype=np.uint8)
    return bytes(cv2.imencode(".jpg", pixels)[1])


def test_a_sealed_value_opens_only_with_its_key_and_in_its_own_row() -> None:
    sealer = MediaSealer(bytes(range(32)))
    image = _jpeg(1)
    sealed = sealer.seal(image, photo_label("a" * 64))
    assert is_sealed(sealed) and image not in sealed
    assert sealer.open(sealed, photo_label("a" * 64)) == image
    assert sealer.seal(image, photo_label("a" * 64)) != sealed  # a fresh nonce each time

    with pytest.raises(MediaKeyError) as other_key:
        MediaSealer(bytes(32)).open(sealed, photo_label("a" * 64))
    assert other_key.value.code == "media.key_mismatch"
    with pytest.raises(MediaKeyError) as moved:  # copied into the row of another photo
        sealer.open(sealed, photo_label("b" * 64))
    assert moved.value.code == "media.damaged"
    altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(MediaKeyError) as damaged:
        sealer.open(altered, photo_label("a" * 64))
    assert damaged.value.code == "media.damaged"
    with pytest.raises(MediaKeyError) as short:
        MediaSealer(b"too short")
    assert short.value.code == "media.key_invalid"


def test_nothing_in_a_dump_of_the_central_database_is_a_picture(
    tmp_path: Path, postgres_url: str, service: RunningService
) -> None:
    """Registered e-photos loaded by an administrator and live photos pushed by a counter:
    ``pg_dump`` of the whole database shows no JPEG or PNG, yet the counter still pulls its
    e-photos intact."""
    media_key = service.state_dir / "media.key"
    rows = list(generate_roster_rows(3, ticket_length=12, photos=3))
    roster = tmp_path / "roster.csv"
    write_roster_csv(roster, iter(rows))
    photos = tmp_path / "photos"
    photos.mkdir()
    originals = {}
    for index, row in enumerate(rows):
        originals[row["registration_id"]] = _jpeg(index)
        (photos / row["photo_file"]).write_bytes(originals[row["registration_id"]])
    loaded = run(
        "central", "load-roster", str(roster), "--url", postgres_url, "--photos", str(photos),
        "--media-key-file", str(media_key),
    )  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    seed_roster(service.central, 2, areas=("A",))
    counter = make_counter(tmp_path, service, "C1", areas=("A", *{r["exam_area"] for r in rows}))
    try:
        counter.sync()
        counter.decide("confirm", "R000000")  # carries a live photo and its templates
        counter.sync()
        with counter.app.database.reading() as uow:
            pulled = dict(
                uow.session.execute(
                    select(Candidate.registration_id, Photo.data)
                    .join(Photo, Photo.candidate_id == Candidate.id)
                    .where(Photo.purpose == "registered")
                ).all()
            )
    finally:
        counter.close()
    assert pulled == originals

    with Database(service.central.engine).reading() as uow:
        stored = uow.session.execute(select(Photo.purpose, Photo.data)).all()
        vectors = uow.session.scalars(select(FaceTemplate.vector)).all()
    assert {purpose for purpose, _ in stored} == {"registered", "live"}
    assert vectors and all(is_sealed(data) for _, data in stored) and all(map(is_sealed, vectors))
    dump = subprocess.run(
        ["pg_dump", "--data-only", "--no-owner", postgres_url.replace("+psycopg", "")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "COPY public.photos" in dump
    assert [mark for mark in PICTURE_MARKS if mark in dump] == []
    for original in originals.values():
        assert base64.b64encode(original[:48]).decode() not in dump


def test_without_the_key_face_media_is_neither_stored_nor_read(
    tmp_path: Path, postgres_url: str, central: CentralDatabase
) -> None:
    seed_roster(central, 1, areas=("A",))
    keyless = open_central(postgres_url)
    try:
        database = keyless.writer_database()
        with pytest.raises(MediaKeyError) as refused, database.unit_of_work() as uow:
            candidate_id = uow.session.scalars(select(Candidate.id)).one()
            image = _jpeg(5)
            uow.session.add(
                Photo(
                    candidate_id=candidate_id, purpose="registered", media_type="image/jpeg",
                    sha256="0" * 64, data=image,
                )
            )  # fmt: skip
            uow.commit()
        assert refused.value.code == "media.key_missing"
        database.close()
        with Database(keyless.engine).reading() as uow:
            assert uow.session.scalar(select(func.count()).select_from(Photo)) == 0

        # Stored by a process holding the key, it cannot be read back by one without it.
        writer = central.writer_database()
        with writer.unit_of_work() as uow:
            uow.session.add(
                Photo(
                    candidate_id=candidate_id, purpose="registered", media_type="image/jpeg",
                    sha256="0" * 64, data=image,
                )
            )  # fmt: skip
            uow.commit()
        writer.close()
        wanted = {("R000000", "0" * 64)}
        assert central.registered_photos(wanted) == [("R000000", "0" * 64, "image/jpeg", image)]
        with pytest.raises(MediaKeyError) as unreadable:
            keyless.registered_photos(wanted)
        assert unreadable.value.code == "media.key_missing"
    finally:
        keyless.close()


def test_seal_media_seals_what_was_stored_in_the_clear(
    tmp_path: Path, postgres_url: str, central: CentralDatabase, service_state: Path
) -> None:
    """A central database upgraded from before sealing: ``central seal-media`` seals its plain
    photos and templates once, and a second run finds nothing left."""
    seed_roster(central, 2, areas=("A",))
    image, vector = _jpeg(9), np.arange(128, dtype="<f4").tobytes()
    with central.engine.begin() as connection:
        candidate_id = connection.scalar(select(Candidate.id).limit(1))
        photo_id = connection.execute(
            insert(Photo).returning(Photo.id),
            {"candidate_id": candidate_id, "purpose": "live", "media_type": "image/jpeg",
             "sha256": "f" * 64, "data": image},
        ).scalar_one()  # fmt: skip
        connection.execute(
            insert(FaceTemplate),
            {"photo_id": photo_id, "candidate_id": candidate_id, "engine": "sface",
             "model_version": "m1", "dimensions": 128, "vector": vector},
        )  # fmt: skip
    key_file = service_state / "media.key"
    assert run("central", "seal-media", "--url", postgres_url).exit_code == 1  # no key: refused
    first = run("central", "seal-media", "--url", postgres_url, "--media-key-file", str(key_file))
    assert first.exit_code == 0, first.output
    assert "sealed 1 photos and 1 face templates" in first.output
    again = run("central", "seal-media", "--url", postgres_url, "--media-key-file", str(key_file))
    assert "sealed 0 photos and 0 face templates" in again.output
    sealer = MediaSealer(key_file.read_bytes())
    with central.engine.connect() as connection:
        stored_photo = connection.execute(text("SELECT data FROM photos")).scalar_one()
        stored_vector = connection.execute(text("SELECT vector FROM face_templates")).scalar_one()
    assert sealer.open(stored_photo, photo_label("f" * 64)) == image
    assert sealer.open(stored_vector, template_label("sface", "m1")) == vector
