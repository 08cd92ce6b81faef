"""Three-way verification on real photographs (YuNet + SFace, the default engine)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from desk_app.config import Settings
from desk_app.domain.matching import Band
from desk_app.vision.card import CARD_PIPELINE, portrait_template
from desk_app.vision.chiplike import LFW_FRAMING, chiplike
from desk_app.vision.engines import FaceEngine, template_of
from desk_app.vision.images import load_rgb
from desk_app.vision.verification import Comparison, Reason, Reference, verify_three_way

KAN = "Naoto_Kan/Naoto_Kan_000{}.jpg"
KOIZUMI = "Junichiro_Koizumi/Junichiro_Koizumi_000{}.jpg"


@pytest.fixture(scope="module")
def engine(sface_engine: FaceEngine) -> FaceEngine:
    return sface_engine


@pytest.fixture(scope="module")
def picture(data_dir: Path, engine: FaceEngine):
    root = data_dir / "faces" / "lfw" / "images"

    def reference(name: str, *, age_years: float | None = None) -> Reference:
        template, face = template_of(engine, load_rgb(root / name))
        return Reference(template, eye_distance=face.eye_distance, age_years=age_years)

    return reference


def _verify(engine: FaceEngine, live: Reference, card: Reference, ephoto: Reference):
    assert live.template is not None
    return verify_three_way(
        engine, live.template, card, ephoto, Settings().thresholds_for(engine.name)
    )


def test_all_three_agree(engine: FaceEngine, picture) -> None:
    result = _verify(engine, picture(KAN.format(1)), picture(KAN.format(3)), picture(KAN.format(2)))
    assert result.decision is Band.PASS and result.reasons == ()
    assert [s.comparison for s in result.scores] == [
        Comparison.LIVE_CARD,
        Comparison.LIVE_EPHOTO,
        Comparison.CARD_EPHOTO,
    ]
    record = result.as_record()
    assert record["engine"] == "sface" and "live_card" in record["scores"]


def test_someone_else_in_front_of_the_camera_fails(engine: FaceEngine, picture) -> None:
    result = _verify(
        engine, picture(KOIZUMI.format(1)), picture(KAN.format(3)), picture(KAN.format(2))
    )
    assert result.decision is Band.FAIL
    assert result.reasons[0] is Reason.LIVE_MISMATCH


def test_a_missing_reference_goes_to_review(engine: FaceEngine, picture) -> None:
    missing = Reference(None, missing_reason="face.not_found")
    result = _verify(engine, picture(KAN.format(1)), missing, picture(KAN.format(2)))
    assert result.decision is Band.REVIEW
    assert result.reasons == (Reason.CARD_MISSING,)
    live_card = next(s for s in result.scores if s.comparison is Comparison.LIVE_CARD)
    assert live_card.distance is None and live_card.band is None


def test_no_reference_at_all_is_never_a_pass(engine: FaceEngine, picture) -> None:
    result = _verify(engine, picture(KAN.format(1)), Reference(None), Reference(None))
    assert result.decision is Band.REVIEW
    assert set(result.reasons) == {Reason.CARD_MISSING, Reason.EPHOTO_MISSING}


def _chip_reference(engine: FaceEngine, root: Path, name: str, **known: float) -> Reference:
    """A chip-like card portrait of ``name`` (102x126, <= 1,024 bytes), as the counter reads it."""
    portrait = chiplike(load_rgb(root / name), LFW_FRAMING, name=name)
    card = portrait_template(engine, portrait, CARD_PIPELINE)
    return Reference(
        card.template,
        eye_distance=card.face.eye_distance,
        quality=card.quality.as_record(),
        **known,  # type: ignore[arg-type]
    )


def test_a_chip_portrait_of_the_same_person_passes_and_records_its_quality(
    engine: FaceEngine, data_dir: Path, picture
) -> None:
    root = data_dir / "faces" / "lfw" / "images"
    card = _chip_reference(engine, root, KAN.format(3))
    result = _verify(engine, picture(KAN.format(1)), card, picture(KAN.format(2)))
    assert result.decision is Band.PASS
    assert result.fused is not None and result.fused.band is Band.PASS
    record = result.as_record()
    assert record["card_quality"]["width"] == 102 and record["card_quality"]["height"] == 126
    assert 10 < record["card_quality"]["eye_distance"] < 50
    assert record["fused"]["distance"] == result.fused.distance


def test_an_impostor_with_the_candidates_card_fails(
    engine: FaceEngine, data_dir: Path, picture
) -> None:
    root = data_dir / "faces" / "lfw" / "images"
    card = _chip_reference(engine, root, KAN.format(3))
    result = _verify(engine, picture(KOIZUMI.format(1)), card, picture(KAN.format(2)))
    assert result.decision is Band.FAIL and result.reasons[0] is Reason.LIVE_MISMATCH


def _fused_distance(engine: FaceEngine, live, card, ephoto, weight: float) -> float:
    return weight * engine.distance(live, card) + (1 - weight) * engine.distance(live, ephoto)


def test_an_old_card_widens_the_review_band_only(engine: FaceEngine, data_dir: Path) -> None:
    root = data_dir / "faces" / "lfw" / "images"
    live, _ = template_of(engine, load_rgb(root / KAN.format(1)))
    ephoto, _ = template_of(engine, load_rgb(root / KAN.format(2)))
    card = _chip_reference(engine, root, KAN.format(4), age_years=12.0, age_at_capture=30.0)
    assert card.template is not None and card.is_old
    settings = Settings().thresholds_for("sface")
    fused = _fused_distance(engine, live, card.template, ephoto, settings.fused_card_weight)
    # Limits that put this fused distance just past the review band of a new card...
    thresholds = dataclasses.replace(
        settings, fused_pass=fused - 0.05, fused_review=fused - 0.01, age_gap_margin=0.02
    )
    new_card = dataclasses.replace(card, age_years=2.0)
    assert verify_three_way(engine, live, new_card, Reference(ephoto), thresholds).decision is (
        Band.FAIL
    )
    # ...and inside the widened band of an old one: a supervisor decides, nothing more passes.
    result = verify_three_way(engine, live, card, Reference(ephoto), thresholds)
    assert result.decision is Band.REVIEW
    assert Reason.AGE_GAP in result.reasons and Reason.BORDERLINE in result.reasons
    assert result.fused is not None and result.fused.thresholds.passing == fused - 0.05
    # A portrait taken at 12 is old after 5 years already.
    child = dataclasses.replace(card, age_years=6.0, age_at_capture=12.0)
    assert child.is_old and not dataclasses.replace(card, age_years=6.0).is_old


def test_a_failing_reference_keeps_a_fused_pass_in_review(
    engine: FaceEngine, data_dir: Path
) -> None:
    root = data_dir / "faces" / "lfw" / "images"
    live, _ = template_of(engine, load_rgb(root / KAN.format(1)))
    ephoto, _ = template_of(engine, load_rgb(root / KAN.format(2)))
    card = _chip_reference(engine, root, KAN.format(4))
    assert card.template is not None
    live_card = engine.distance(live, card.template)
    thresholds = dataclasses.replace(
        Settings().thresholds_for("sface"),
        live_card_pass=live_card - 0.02,
        live_card_review=live_card - 0.01,  # the card alone says "fail"
        fused_pass=2.0,
        fused_review=2.0,  # the fused distance says "pass"
    )
    result = verify_three_way(engine, live, card, Reference(ephoto), thresholds)
    assert result.decision is Band.REVIEW and result.reasons == (Reason.BORDERLINE,)


def test_a_pass_close_to_the_limit_is_marked_for_a_second_look(engine: FaceEngine, picture) -> None:
    live, card, ephoto = picture(KAN.format(1)), picture(KAN.format(3)), picture(KAN.format(2))
    assert live.template is not None
    shipped = Settings().thresholds_for(engine.name)
    clear = verify_three_way(engine, live.template, card, ephoto, shipped)
    assert clear.decision is Band.PASS and clear.fused is not None
    assert clear.fused.distance is not None
    gap = shipped.fused_pass - clear.fused.distance
    assert gap > shipped.near_miss_margin  # this honest pass is no near miss
    assert clear.near_miss is False and clear.as_record()["near_miss"] is False

    wider = dataclasses.replace(shipped, near_miss_margin=gap + 0.01)
    close = verify_three_way(engine, live.template, card, ephoto, wider)
    assert close.decision is Band.PASS and close.near_miss is True
    assert close.as_record()["near_miss"] is True

    impostor = picture(KOIZUMI.format(1))
    assert impostor.template is not None
    failed = verify_three_way(engine, impostor.template, card, ephoto, wider)
    assert failed.decision is not Band.PASS and failed.near_miss is False


def test_without_the_chip_portrait_the_live_e_photo_distance_is_the_near_miss(
    engine: FaceEngine, picture
) -> None:
    """No vendor decoder: the clerk may confirm on the e-photo alone (with the printed card
    checked by eye), so a live-e-photo distance just under its limit asks for the look too."""
    live, ephoto = picture(KAN.format(1)), picture(KAN.format(2))
    assert live.template is not None and ephoto.template is not None
    shipped = Settings().thresholds_for(engine.name)
    no_card = Reference(None, "wlt.no_decoder")
    distance = engine.distance(live.template, ephoto.template)
    clear = verify_three_way(engine, live.template, no_card, ephoto, shipped)
    assert clear.reasons == (Reason.CARD_MISSING,) and clear.near_miss is False
    assert shipped.live_ephoto_pass - distance > shipped.near_miss_margin
    wider = dataclasses.replace(
        shipped, near_miss_margin=shipped.live_ephoto_pass - distance + 0.01
    )
    close = verify_three_way(engine, live.template, no_card, ephoto, wider)
    assert close.reasons == (Reason.CARD_MISSING,) and close.near_miss is True
    assert close.result().near_miss
