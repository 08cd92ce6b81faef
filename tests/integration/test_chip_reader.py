"""The chip-reader driver against the simulator, through a real pseudo-terminal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desk_app.idcard.protocol import Command
from desk_app.idcard.reader import ChipReader, ReaderEvent
from desk_app.idcard.simulator import Faults, ReaderSimulator
from tests.support.cards import PERMIT, RESIDENT

CARDS = [RESIDENT, PERMIT]


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[ReaderSimulator]:
    with ReaderSimulator(CARDS, tmp_path / "reader") as running:
        yield running


@pytest.fixture
def reader(simulator: ReaderSimulator) -> Iterator[ChipReader]:
    # Generous timeouts: a busy CI machine must not turn a slow-but-valid reply into a failure.
    driver = ChipReader(str(simulator.link), short_timeout=1.0, read_timeout=5.0)
    yield driver
    driver.close()


def kinds(events: list[ReaderEvent]) -> list[str]:
    return [event.kind for event in events]


def test_a_placed_card_is_read_once(simulator: ReaderSimulator, reader: ChipReader) -> None:
    assert kinds(reader.poll()) == ["connected"]  # no card yet
    simulator.place_card(0)
    events = reader.poll()
    assert kinds(events) == ["card"]
    card = events[0].card
    assert card is not None
    assert (card.text.name, card.text.id_number, card.text.long_term) == (
        "张三",
        "11010519491231002X",
        True,
    )
    assert len(card.photo) == 1024
    assert card.new_address == ""  # this card has no appended address
    assert simulator.requests[-4:] == [
        Command.FIND,
        Command.SELECT,
        Command.READ,
        Command.READ_ADDRESS,
    ]
    for _ in range(3):  # the card stays on the reader: no repeated events
        assert reader.poll() == []
    simulator.lift_card()
    assert reader.poll() == []
    simulator.place_card(1)
    (permit,) = reader.poll()
    assert permit.card is not None and permit.card.text.pass_number == "H12345678"


@pytest.mark.parametrize(
    ("faults", "code"),
    [
        (Faults(bad_checksum=True), "reader.checksum"),
        (Faults(failing={Command.SELECT}), "reader.select_failed"),
        (Faults(failing={Command.READ}), "reader.read_failed"),
    ],
    ids=["bad-checksum", "select-fails", "read-fails"],
)
def test_failures_are_reported_once_as_coded_errors(
    simulator: ReaderSimulator, reader: ChipReader, faults: Faults, code: str
) -> None:
    reader.poll()
    simulator.faults = faults
    simulator.place_card(0)
    events = reader.poll()
    assert kinds(events) == ["error"] and events[0].error is not None
    assert events[0].error.code == code
    assert reader.poll() == []  # the same failure is not repeated every poll
    simulator.faults = Faults()
    simulator.lift_card()
    reader.poll()
    simulator.place_card(0)
    assert kinds(reader.poll()) == ["card"]  # and it recovers


def test_replies_in_one_byte_pieces_and_slow_replies(
    simulator: ReaderSimulator, reader: ChipReader
) -> None:
    reader.poll()
    simulator.faults = Faults(chunk_size=1, delay=0.2)
    simulator.place_card(0)
    (event,) = reader.poll()
    assert event.card is not None and event.card.text.name == "张三"


def test_too_slow_a_reader_times_out(simulator: ReaderSimulator, reader: ChipReader) -> None:
    reader.poll()
    simulator.faults = Faults(delay=1.6)  # beyond the 1 s find timeout
    simulator.place_card(0)
    (event,) = reader.poll()
    assert event.error is not None and event.error.code == "reader.timeout"


def test_no_card_and_a_broken_security_module(
    simulator: ReaderSimulator, reader: ChipReader
) -> None:
    reader.poll()
    simulator.faults = Faults(no_card=True)
    simulator.place_card(0)
    assert reader.poll() == []
    simulator.faults = Faults(sam_error=True)
    (event,) = reader.poll()
    assert event.error is not None and event.error.code == "reader.sam_self_test_failed"


def test_unplugged_and_plugged_back(simulator: ReaderSimulator, reader: ChipReader) -> None:
    assert kinds(reader.poll()) == ["connected"]
    simulator.unplug()
    assert kinds(reader.poll()) == ["disconnected"]
    assert reader.poll() == []  # said once, then quietly retried
    simulator.start()
    simulator.place_card(0)
    assert kinds(reader.poll()) == ["connected", "card"]


def test_a_missing_port_is_a_disconnected_reader(tmp_path: Path) -> None:
    driver = ChipReader(str(tmp_path / "no-such-port"))
    (event,) = driver.poll()
    assert event.kind == "disconnected" and event.error is not None
    assert event.error.code == "reader.unreachable"


def test_the_appended_address_is_read_when_present(tmp_path: Path) -> None:
    moved = {0: "上海市浦东新区世纪大道100号"}
    with ReaderSimulator(CARDS, tmp_path / "reader", new_addresses=moved) as simulator:
        driver = ChipReader(str(simulator.link))
        driver.poll()
        simulator.place_card(0)
        (event,) = driver.poll()
        driver.close()
    assert event.card is not None and event.card.new_address == "上海市浦东新区世纪大道100号"
