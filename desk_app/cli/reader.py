"""``desk-app reader …``: the chip card reader on a serial port, and a simulator of it on a
pseudo-terminal for trying the counter without hardware.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import click

from desk_app.cli.common import fail
from desk_app.idcard.protocol import LONG_TERM, CardText, Command
from desk_app.idcard.reader import ChipReader
from desk_app.idcard.simulator import Faults, ReaderSimulator, demo_cards, load_cards


@click.group()
def reader() -> None:
    """The chip card reader (SAM protocol on a serial port)."""


def _card_json(card: CardText) -> dict[str, object]:
    return {
        "card_type": card.card_type.value,
        "name": card.name,
        "sex_code": card.sex_code,
        "ethnicity_code": card.ethnicity_code,
        "birth_date": card.birth_date.isoformat() if card.birth_date else None,
        "address": card.address,
        "id_number": card.id_number,
        "issuing_authority": card.issuing_authority,
        "valid_from": card.valid_from.isoformat() if card.valid_from else None,
        "valid_to": LONG_TERM
        if card.long_term
        else (card.valid_to.isoformat() if card.valid_to else None),
        "english_name": card.english_name,
        "nationality": card.nationality,
        "pass_number": card.pass_number,
    }


@reader.command("simulate")
@click.option(
    "--cards",
    "cards_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON list of cards (default: three synthetic resident cards).",
)
@click.option(
    "--link",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Stable path to the simulated port (default: desk-reader in the temp folder).",
)
@click.option(
    "--place", type=int, default=0, show_default=True, help="Card placed at start (-1: none)."
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    type=click.Choice(
        [
            "bad-checksum",
            "split",
            "slow",
            "no-card",
            "find-fails",
            "select-fails",
            "read-fails",
            "sam-error",
        ]
    ),
)
def reader_simulate(
    cards_file: Path | None, link: Path | None, place: int, faults: tuple[str, ...]
) -> None:
    """Answer like a card reader on a pseudo-terminal; prints its path.

    Commands on standard input: place N, lift, unplug, plug, quit.
    """
    cards = load_cards(cards_file) if cards_file else demo_cards()
    failing = {
        f"{name}-fails": command
        for name, command in (
            ("find", Command.FIND),
            ("select", Command.SELECT),
            ("read", Command.READ),
        )
    }
    simulator = ReaderSimulator(
        cards,
        link or Path(tempfile.gettempdir()) / "desk-reader",
        Faults(
            bad_checksum="bad-checksum" in faults,
            chunk_size=1 if "split" in faults else 0,
            delay=1.0 if "slow" in faults else 0.0,
            no_card="no-card" in faults,
            failing={failing[f] for f in faults if f in failing},
            sam_error="sam-error" in faults,
        ),
    )
    path = simulator.start()
    if 0 <= place < len(cards):
        simulator.place_card(place)
    click.echo(str(path))
    sys.stdout.flush()
    try:
        for line in sys.stdin:
            word, _, argument = line.strip().partition(" ")
            if word == "quit":
                break
            if word == "place":
                simulator.place_card(int(argument or 0) % len(cards))
            elif word == "lift":
                simulator.lift_card()
            elif word == "unplug":
                simulator.unplug()
            elif word == "plug":
                simulator.start()
        else:
            threading.Event().wait()  # no more input: serve until interrupted
    except KeyboardInterrupt:
        pass
    finally:
        simulator.unplug()


@reader.command("watch")
@click.option("--port", required=True, help="Serial port, e.g. /dev/ttyUSB0.")
@click.option("--baud", default=115200, show_default=True, type=int)
@click.option("--once", is_flag=True, help="Stop after the first card.")
@click.option("--timeout", default=0.0, type=float, help="Give up after this many seconds.")
def reader_watch(port: str, baud: int, once: bool, timeout: float) -> None:
    """Print card-reader events as JSON lines (cards, errors, connection changes)."""
    driver = ChipReader(port, baudrate=baud)
    deadline = time.monotonic() + timeout if timeout else None
    seen_card = threading.Event()

    def stopped() -> bool:
        expired = deadline is not None and time.monotonic() > deadline
        return expired or (once and seen_card.is_set())

    try:
        for event in driver.events(stopped):
            payload: dict[str, object] = {"event": event.kind}
            if event.card is not None:
                payload["card"] = _card_json(event.card.text)
                seen_card.set()
            if event.error is not None:
                payload["error"] = event.error.code
                payload["message"] = event.error.message
            click.echo(json.dumps(payload, ensure_ascii=False))
    except KeyboardInterrupt:
        driver.close()
    if once and not seen_card.is_set():
        fail("no card was read before the timeout")


def register(root: click.Group) -> None:
    """Add ``reader`` to the root group."""
    root.add_command(reader)
