"""The demo's cards carry chip-like portraits: read through the simulated reader's real serial
protocol, decoded by the product's demo decoder, matched by the card pipeline. This is the path
the counter takes in ``make run`` once the demo stage hands the photos to the simulator."""

from __future__ import annotations

from pathlib import Path

from desk_app.camera.demo import demo_live_faces
from desk_app.config import FaceSettings, Settings
from desk_app.domain.matching import Band
from desk_app.idcard.portrait import find_wlt_decoder
from desk_app.idcard.reader import ChipReader
from desk_app.idcard.simulator import ReaderSimulator, demo_cards
from desk_app.services.counter import reference_from_photo
from desk_app.services.demo_counter import chip_photo
from desk_app.vision.engines import FaceEngine, template_of
from desk_app.vision.images import load_rgb
from desk_app.vision.verification import Reference, verify_three_way


def test_a_demo_card_portrait_is_read_decoded_and_matched(
    tmp_path: Path, data_dir: Path, sface_engine: FaceEngine
) -> None:
    faces = demo_live_faces(data_dir)
    photo = chip_photo(faces, 0)
    assert 900 < len(photo) <= 1024
    card = demo_cards()[1]
    with ReaderSimulator([card], tmp_path / "reader", photos=[photo]) as simulator:
        reader = ChipReader(str(simulator.link), short_timeout=1.0, read_timeout=5.0)
        try:
            reader.poll()
            simulator.place_card(0)
            events = reader.poll()
        finally:
            reader.close()
    read = events[0].card
    assert read is not None and len(read.photo) == 1024
    decoder = find_wlt_decoder(FaceSettings())
    assert decoder is not None
    portrait = decoder(read.photo)
    reference = reference_from_photo(sface_engine, portrait, card=read.text)
    assert reference.template is not None, reference.missing_reason
    assert reference.quality is not None and reference.quality["width"] == 102
    assert reference.age_years is not None and reference.age_years > 5  # issued 2016-05-01
    # The identity's first photo is the demo e-photo; a middle one plays the live face.
    lfw = data_dir / "faces" / "lfw" / "images"
    identity = faces[0][0].parent.name
    ephoto, _ = template_of(sface_engine, load_rgb(sorted((lfw / identity).iterdir())[0]))
    live, _ = template_of(sface_engine, load_rgb(faces[0][0]))
    result = verify_three_way(
        sface_engine, live, reference, Reference(ephoto), Settings().thresholds_for("sface")
    )
    assert result.decision is Band.PASS, result.as_record()


def test_a_card_without_a_portrait_keeps_the_blank_field(tmp_path: Path) -> None:
    with ReaderSimulator(demo_cards()[:1], tmp_path / "reader") as simulator:
        reader = ChipReader(str(simulator.link), short_timeout=1.0, read_timeout=5.0)
        try:
            reader.poll()
            simulator.place_card(0)
            events = reader.poll()
        finally:
            reader.close()
    assert events[0].card is not None and events[0].card.photo == bytes(1024)
