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
from desk_app.services.demo_counter import DemoCard, chip_photo
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


def test_a_demo_card_photo_is_made_when_the_card_is_read_not_before(
    tmp_path: Path, data_dir: Path
) -> None:
    """The demo's start does not wait for the JPEG 2000 encodes: a card's portrait is made the
    first time the reader reads that card, on the simulator's thread, and only that card's."""
    faces = demo_live_faces(data_dir)
    cards = [
        DemoCard(text, f"REG{index}", index, tuple(faces[index]))
        for index, text in enumerate(demo_cards()[:2])
    ]
    assert all("photo" not in vars(card) for card in cards)  # nothing encoded yet
    made: list[int] = []

    def photo_of(index: int) -> bytes:
        made.append(index)
        return cards[index].photo

    with ReaderSimulator([c.card for c in cards], tmp_path / "reader", photos=photo_of) as sim:
        reader = ChipReader(str(sim.link), short_timeout=1.0, read_timeout=5.0)
        try:
            reader.poll()
            assert made == []
            sim.place_card(1)
            events = reader.poll()
        finally:
            reader.close()
    assert set(made) == {1} and "photo" not in vars(cards[0])
    read = events[0].card
    assert read is not None and read.photo == (chip_photo(faces, 1) + bytes(1024))[:1024]
