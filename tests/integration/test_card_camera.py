"""Reading ID cards from camera images: generated cards with known contents, the two specimens in
the shared data, and every worded failure."""

from __future__ import annotations

import json
import random
import stat
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from click.testing import CliRunner, Result

from desk_app.cli import main
from desk_app.domain.masking import mask_document_number
from desk_app.idcard.camera_reader import CardImageReader, CardImageReading
from desk_app.idcard.layout import CANONICAL_SIZE, FRONT_FIELDS
from desk_app.idcard.rules import check_character
from tests.support.card_images import (
    CLEAN_CONDITIONS,
    Conditions,
    Identity,
    camera_scene,
    cjk_font_available,
    generate_cases,
    portrait_files,
    random_identity,
    render_back,
    render_front,
)
from tests.support.factories import add_staff, make_application, set_password

TODAY = date(2026, 11, 28)
pytestmark = pytest.mark.skipif(
    not cjk_font_available(), reason="no CJK font to draw cards with (apt install fonts-noto-cjk)"
)
CLEAN = CLEAN_CONDITIONS


def run_cli(*arguments: str) -> Result:
    return CliRunner().invoke(main, list(arguments), catch_exceptions=False)


@pytest.fixture(scope="module")
def reader() -> CardImageReader:
    card_reader = CardImageReader(today=TODAY)
    card_reader.warm_up()
    return card_reader


def _identity(seed: int = 3, **changes: Any) -> Identity:
    return replace(random_identity(random.Random(seed)), **changes)


def _front_scene(
    identity: Identity, conditions: Conditions, portrait: Path | None = None
) -> np.ndarray:
    card = render_front(identity, portrait, random.Random(1))
    return camera_scene(card, conditions)[0]


def _assert_front(reading: CardImageReading, identity: Identity) -> None:
    assert reading.side == "front"
    assert reading.id_number == identity.id_number
    assert reading.value("name") == identity.name
    assert reading.value("sex") == identity.sex
    assert reading.value("ethnicity") == identity.ethnicity
    assert reading.value("birth_date") == identity.birth_date.isoformat()
    assert reading.value("address") == identity.address


@pytest.mark.parametrize("rotation", [0.0, 27.0, 90.0, 180.0, -90.0, -150.0])
def test_front_is_read_in_any_orientation(reader: CardImageReader, rotation: float) -> None:
    identity = _identity(valid_to=None)
    reading = reader.read(_front_scene(identity, replace(CLEAN, rotation=rotation, tilt=0.05)))
    _assert_front(reading, identity)
    assert reading.problems == []
    card = reading.card_text()
    assert card is not None and (card.id_number, card.name) == (identity.id_number, identity.name)
    assert card.sex_code == ("1" if identity.sex == "男" else "2")
    assert reading.portrait is not None and reading.portrait.shape[0] > 200


def test_back_gives_authority_and_validity_and_reports_expiry(reader: CardImageReader) -> None:
    identity = _identity(5, valid_from=date(2010, 1, 1), valid_to=date(2020, 1, 1))
    image = camera_scene(render_back(identity, random.Random(2)), replace(CLEAN, rotation=170.0))[0]
    reading = reader.read(image)
    assert reading.side == "back"
    assert reading.value("issuing_authority") == identity.issuing_authority
    assert (reading.value("valid_from"), reading.value("valid_to")) == ("2010-01-01", "2020-01-01")
    assert reading.problem_codes() == ["card.expired"]
    assert reading.portrait is None
    assert reading.card_text() is None  # a back alone does not say whose card it is


def test_long_term_validity(reader: CardImageReader) -> None:
    identity = _identity(6, valid_from=date(2015, 6, 1), valid_to=None)
    reading = reader.read(camera_scene(render_back(identity, random.Random(2)), CLEAN)[0])
    assert reading.value("valid_to") == "长期"
    assert reading.problems == []


def test_camera_like_batch_never_returns_a_wrong_number(
    reader: CardImageReader, data_dir: Path
) -> None:
    cases = [
        case for case in generate_cases(14, seed=2024, data_dir=data_dir) if case.side == "front"
    ]
    read = 0
    for case in cases:
        number = reader.read(case.image).id_number
        assert number in (None, case.identity.id_number), case.conditions
        read += number is not None
    assert read >= len(cases) - 1


def test_bad_reads_of_harsh_images_are_refused_not_guessed(
    reader: CardImageReader, data_dir: Path
) -> None:
    cases = generate_cases(10, seed=77, data_dir=data_dir, back_share=0.0, harsh=True)
    numbers = [reader.read(case.image).id_number for case in cases]
    for case, number in zip(cases, numbers, strict=True):
        assert number in (None, case.identity.id_number), case.conditions
    assert None in numbers  # these conditions really are hard enough to make reads fail


def test_portrait_crop_is_the_holders_face(
    reader: CardImageReader, data_dir: Path, sface_engine: Any
) -> None:
    photo = portrait_files(data_dir)[10]
    reading = reader.read(_front_scene(_identity(), replace(CLEAN, rotation=-35.0), photo))
    assert reading.portrait is not None
    crop = cv2.cvtColor(reading.portrait, cv2.COLOR_BGR2RGB)
    faces = sface_engine.detect(crop)
    assert len(faces) == 1
    original = cv2.cvtColor(cv2.imread(str(photo)), cv2.COLOR_BGR2RGB)
    (original_face,) = sface_engine.detect(original)
    distance = sface_engine.distance(
        sface_engine.encode(crop, faces[0]), sface_engine.encode(original, original_face)
    )
    assert distance < 0.58  # the engine's pass threshold for the same person


def test_wrong_check_character_is_an_error_not_a_number(reader: CardImageReader) -> None:
    identity = _identity()
    good = identity.id_number
    wrong = good[:17] + next(c for c in "0123456789X" if c != check_character(good[:17]))
    reading = reader.read(_front_scene(replace(identity, id_number=wrong), CLEAN))
    assert reading.id_number is None
    assert "card.check_character" in reading.problem_codes()
    assert reading.value("name") == identity.name  # the rest of the card is still read


def test_printed_birth_date_and_sex_are_checked_against_the_number(reader: CardImageReader) -> None:
    identity = _identity()
    printed = replace(
        identity, birth_date=date(1988, 2, 3), sex="女" if identity.sex == "男" else "男"
    )
    reading = reader.read(_front_scene(printed, CLEAN))
    assert reading.id_number == identity.id_number
    assert {"card.birth_date_mismatch", "card.sex_mismatch"} <= set(reading.problem_codes())


def test_ethnicity_outside_the_code_table_is_reported(reader: CardImageReader) -> None:
    reading = reader.read(_front_scene(_identity(ethnicity="火星"), CLEAN))
    assert reading.value("ethnicity") is None
    assert "card.ethnicity_unknown" in reading.problem_codes()


def test_no_card(reader: CardImageReader) -> None:
    empty = np.full((720, 1280, 3), 128, np.uint8)
    assert reader.read(empty).problem_codes() == ["card.not_found"]


def test_too_far_away(reader: CardImageReader) -> None:
    identity = _identity()
    reading = reader.read(_front_scene(identity, replace(CLEAN, card_width=0.15)))
    assert reading.id_number in (None, identity.id_number)
    assert reading.problem_codes()[0] in ("card.too_small", "card.not_found")


def test_blurred(reader: CardImageReader) -> None:
    identity = _identity()
    reading = reader.read(_front_scene(identity, replace(CLEAN, blur=8.0)))
    assert reading.id_number in (None, identity.id_number)
    assert reading.problem_codes()[0] == "card.blurred"


def test_glare_over_the_number(reader: CardImageReader) -> None:
    identity = _identity()
    card = render_front(identity, None, random.Random(1))
    x0, y0, x1, y1 = FRONT_FIELDS["id_number"].pixels()
    card[y0 + 5 : y1, x0 + 200 : x1 - 150, :3] = 255  # a washed-out band across the digits
    assert card.shape[1] == CANONICAL_SIZE[0]
    reading = reader.read(camera_scene(card, CLEAN)[0])
    assert reading.id_number is None
    assert ("card.glare", "id_number") in [(p.code, p.field) for p in reading.problems]


# --- the specimens ------------------------------------------------------------------------


def _specimens(data_dir: Path) -> dict[str, dict[str, Any]]:
    folder = data_dir / "idcards"
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    return {entry["image"]: entry for entry in truth}


def test_upside_down_specimen_with_a_bad_check_character(
    reader: CardImageReader, data_dir: Path
) -> None:
    name = "chineseocr_idcard-demo.jpeg"
    truth = _specimens(data_dir)[name]
    reading = reader.read(cv2.imread(str(data_dir / "idcards" / name)))
    assert reading.side == "front"
    assert reading.id_number is None  # its printed check character is wrong
    assert "card.check_character" in reading.problem_codes()
    assert reading.value("name") == truth["name"]
    assert reading.value("birth_date") == truth["birth_printed"]
    assert reading.value("address") == truth["address"]
    assert reading.portrait is not None


def test_two_sided_specimen(reader: CardImageReader, data_dir: Path) -> None:
    name = "bzsome_idcard_generator_result_color.jpg"
    truth = _specimens(data_dir)[name]
    reading = reader.read(cv2.imread(str(data_dir / "idcards" / name)))
    assert reading.side == "both"
    assert reading.id_number == truth["id_number"]
    for field in ("name", "sex", "ethnicity", "address", "issuing_authority"):
        assert reading.value(field) == truth[field]
    assert reading.value("birth_date") == truth["birth_printed"]
    assert (reading.value("valid_from"), reading.value("valid_to")) == ("2010-01-01", "2020-12-12")
    # The number's sequence digit is even (female) while the card says 男; and it has expired.
    assert {"card.sex_mismatch", "card.expired"} <= set(reading.problem_codes())


# --- the command line ---------------------------------------------------------------------


def test_card_read_command(tmp_path: Path, data_dir: Path) -> None:
    identity = _identity(valid_to=None)
    generated = tmp_path / "front.jpg"
    cv2.imwrite(str(generated), _front_scene(identity, CLEAN))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    specimen = data_dir / "idcards" / "chineseocr_idcard-demo.jpeg"
    portraits = tmp_path / "portraits"

    result = run_cli("card", "read", str(generated), str(specimen), str(broken), "--json",
                     "--portraits", str(portraits))  # fmt: skip
    assert result.exit_code == 1  # the specimen and the broken file have problems
    first, second, third = json.loads(result.output)
    assert first["id_number"] == mask_document_number(identity.id_number)  # masked by default
    assert first["birth_date"] == identity.birth_date.isoformat()
    assert first["side"] == "front" and first["errors"] == []
    assert Path(first["portrait"]).parent == portraits and Path(first["portrait"]).is_file()
    assert stat.S_IMODE(Path(first["portrait"]).stat().st_mode) == 0o600
    assert second["id_number"] is None
    assert [e["code"] for e in second["errors"]] == ["card.check_character"]
    assert third["side"] is None and third["errors"][0]["code"] == "card.image_unreadable"

    plain = run_cli("card", "read", str(generated))
    assert plain.exit_code == 0
    assert f"ID number: {mask_document_number(identity.id_number)}" in plain.output
    assert identity.id_number not in plain.output

    # Full numbers: an entitled operator, a reason, and an entry in the audit chain.
    db = tmp_path / "counter.db"
    application = make_application(f"sqlite:///{db}")
    add_staff(application.database)
    for operator_id in ("clerk", "super1"):
        set_password(application.database, operator_id, "card-pass-2026")
    application.close()
    (tmp_path / "password").write_text("card-pass-2026\n")
    refused = run_cli("card", "read", str(generated), "--full", "--operator", "clerk",
                      "--reason", "check", "--db", str(db),
                      "--password-file", str(tmp_path / "password"))  # fmt: skip
    assert refused.exit_code == 1 and "permission.role" in refused.output
    shown = run_cli("card", "read", str(generated), "--full", "--operator", "super1",
                    "--reason", "number disputed", "--db", str(db),
                    "--password-file", str(tmp_path / "password"))  # fmt: skip
    assert f"ID number: {identity.id_number}" in shown.output
    audit_log = run_cli("audit", "verify", "--db", str(db))
    assert audit_log.exit_code == 0


def test_monochrome_image(reader: CardImageReader) -> None:
    identity = _identity()
    grey = cv2.cvtColor(_front_scene(identity, CLEAN), cv2.COLOR_BGR2GRAY)
    assert reader.read(grey).id_number == identity.id_number
