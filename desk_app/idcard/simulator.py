"""A card reader that answers like a real one, on a pseudo-terminal, with fault injection.

Used by the demo (no hardware needed), by the tests (through a real pseudo-terminal, so the
driver's serial code runs for real) and by engineers (``desk-app reader simulate``). A stable
symbolic link points at the current terminal, so "unplugging" and "plugging back" can be
simulated: the terminal disappears, then a new one appears behind the same path.
"""

from __future__ import annotations

import json
import os
import select
import threading
import time
import tty
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from desk_app.domain.errors import DeskError
from desk_app.idcard.protocol import (
    LONG_TERM,
    CardText,
    CardType,
    Command,
    FrameAssembler,
    ReaderError,
    Status,
    build_read_data,
    build_reply,
)
from desk_app.idcard.rules import compose_citizen_id

_COMMANDS = {command.value: command for command in Command}
_BLANK_PHOTO = bytes(1024)  # a WLT photo only a vendor library could decode


@dataclass
class Faults:
    """What can go wrong, switchable while the simulator runs."""

    bad_checksum: bool = False  # every reply garbled
    chunk_size: int = 0  # replies written in pieces of this many bytes (0: whole)
    delay: float = 0.0  # seconds before each reply
    no_card: bool = False
    failing: set[Command] = field(default_factory=set)  # FIND, SELECT or READ answer failure
    sam_error: bool = False  # the security module is broken


def load_cards(path: Path) -> list[CardText]:
    """Cards from a JSON list; dates as YYYY-MM-DD, ``valid_to`` may be 长期."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
        cards = []
        for record in records:
            valid_to = record.get("valid_to", "")
            cards.append(
                CardText(
                    card_type=CardType(record.get("card_type", "resident")),
                    name=record["name"],
                    sex_code=str(record.get("sex_code", "")),
                    birth_date=date.fromisoformat(record["birth_date"]),
                    id_number=record["id_number"],
                    valid_from=date.fromisoformat(record["valid_from"]),
                    valid_to=None if valid_to in ("", LONG_TERM) else date.fromisoformat(valid_to),
                    long_term=valid_to == LONG_TERM,
                    ethnicity_code=record.get("ethnicity_code", ""),
                    address=record.get("address", ""),
                    issuing_authority=record.get("issuing_authority", ""),
                    english_name=record.get("english_name", ""),
                    nationality=record.get("nationality", ""),
                    pass_number=record.get("pass_number", ""),
                    issue_count=record.get("issue_count", ""),
                )
            )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DeskError(
            f"cannot read simulated cards from {path}: {error}", code="reader.bad_card_file"
        ) from error
    return cards


def demo_cards() -> list[CardText]:
    """Three synthetic resident cards (valid numbers) for trying the reader without a file."""
    return [
        CardText(
            card_type=CardType.RESIDENT,
            name=name,
            sex_code=sex,
            birth_date=born,
            id_number=number,
            valid_from=date(2016, 5, 1),
            valid_to=None if born.year < 1980 else date(2036, 5, 1),
            long_term=born.year < 1980,
            ethnicity_code="01",
            address=address,
            issuing_authority=authority,
        )
        for name, sex, born, number, address, authority in (
            ("张三", "2", date(1949, 12, 31), "11010519491231002X", "北京市朝阳区建国路88号",
             "北京市公安局朝阳分局"),
            ("李明", "1", date(1995, 7, 17), compose_citizen_id("320102", date(1995, 7, 17), 31),
             "江苏省南京市玄武区中山路1号", "南京市公安局玄武分局"),
            ("王芳", "2", date(2001, 3, 9), compose_citizen_id("440305", date(2001, 3, 9), 48),
             "广东省深圳市南山区科技园", "深圳市公安局南山分局"),
        )
    ]  # fmt: skip


class ReaderSimulator:
    def __init__(
        self,
        cards: list[CardText],
        link: Path,
        faults: Faults | None = None,
        new_addresses: dict[int, str] | None = None,
        photos: Sequence[bytes] | Callable[[int], bytes] | None = None,
    ) -> None:
        self.cards = cards
        # Per card, the 1,024-byte photo field: the demo's chip-like portraits (JPEG 2000, which
        # the demo decoder reads); a blank WLT field for cards without one. Given as a function
        # of the card's index, a photo is made when the card is first read, on this simulator's
        # thread (the demo's portraits take ~0.1 s each to encode: not at the counter's start).
        if callable(photos):
            self._photo_of: Callable[[int], bytes] = photos
        else:
            listed = list(photos or [])
            self._photo_of = lambda index: listed[index] if index < len(listed) else b""
        self.new_addresses = new_addresses or {}  # card index -> appended address
        self.link = link
        self.faults = faults or Faults()
        self.requests: list[Command] = []  # what the driver asked, for tests
        self._card: int | None = None
        self._read_since_placed = False
        self._lock = threading.Lock()
        self._master = -1
        self._slave = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the card on the reader ------------------------------------------------------------

    def place_card(self, index: int = 0) -> None:
        with self._lock:
            self._card, self._read_since_placed = index, False

    def lift_card(self) -> None:
        with self._lock:
            self._card = None

    # --- the cable -------------------------------------------------------------------------

    def start(self) -> Path:
        """Plug in: a new pseudo-terminal behind ``link``; returns the link."""
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.link.unlink(missing_ok=True)
        self.link.symlink_to(os.ttyname(self._slave))
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="reader-simulator", daemon=True)
        self._thread.start()
        return self.link

    def unplug(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for descriptor in (self._master, self._slave):
            if descriptor >= 0:
                os.close(descriptor)
        self._master = self._slave = -1
        self.link.unlink(missing_ok=True)

    stop = unplug

    def __enter__(self) -> ReaderSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.unplug()

    # --- answering -------------------------------------------------------------------------

    def _serve(self) -> None:
        assembler = FrameAssembler()
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError:
                continue  # nobody has the terminal open yet
            try:
                bodies = assembler.feed_bodies(data)
            except ReaderError:
                self._send(build_reply(Status.CHECKSUM_ERROR))
                continue
            for body in bodies:
                command = _COMMANDS.get((body[0], body[1]))
                if command is None:
                    self._send(build_reply(Status.BAD_COMMAND))
                    continue
                self.requests.append(command)
                self._send(self._answer(command))

    def _answer(self, command: Command) -> bytes:
        faults = self.faults
        with self._lock:
            card = None if self._card is None or faults.no_card else self.cards[self._card]
            if faults.sam_error and command is not Command.RESET:
                return build_reply(Status.SAM_SELF_TEST_FAILED)
            if command in (Command.RESET, Command.SAM_STATUS):
                return build_reply(Status.OK)
            if command is Command.SAM_ID:
                return build_reply(Status.OK, bytes(range(16)))
            if command is Command.FIND:
                if card is None or self._read_since_placed or Command.FIND in faults.failing:
                    return build_reply(Status.FIND_FAILED)
                return build_reply(Status.CARD_FOUND)
            if card is None:
                return build_reply(Status.SELECT_FAILED)
            if command is Command.SELECT:
                if Command.SELECT in faults.failing:
                    return build_reply(Status.SELECT_FAILED)
                return build_reply(Status.OK)
            if command is Command.READ:
                if Command.READ in faults.failing:
                    return build_reply(Status.READ_FAILED)
                self._read_since_placed = True
                index = self._card if self._card is not None else 0
                photo = (self._photo_of(index) + _BLANK_PHOTO)[: len(_BLANK_PHOTO)]
                return build_reply(Status.OK, build_read_data(card, photo))
            if command is Command.READ_ADDRESS:
                address = self.new_addresses.get(self._card or 0, "")
                if not address:
                    return build_reply(Status.ITEM_EMPTY)
                padded = address.ljust(35)  # 70 bytes of UCS-2, space padded
                return build_reply(Status.OK, padded.encode("utf-16-le"))
            return build_reply(Status.NOT_PERMITTED)

    def _send(self, frame: bytes) -> None:
        if self.faults.bad_checksum:
            frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
        if self.faults.delay:
            time.sleep(self.faults.delay)
        size = self.faults.chunk_size or len(frame)
        for start in range(0, len(frame), size):
            try:
                os.write(self._master, frame[start : start + size])
            except OSError:
                return
            if self.faults.chunk_size:
                time.sleep(0.001)
