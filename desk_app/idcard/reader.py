"""The chip-reader driver: polls a SAM reader on a serial port and yields card events.

One cycle: find → select → read (→ appended address). Polling is never faster than every 300 ms
(the readers' own limit). A card that stays on the reader answers "find failed" until it is
lifted, so it gives one event; a reader that re-finds the same card at once is not reported
twice either. When the reader is unplugged the driver says so once, keeps trying to reopen the
port, and says so again when it is back.

Runs on its own worker thread; never touches widgets.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import serial

from desk_app.idcard.protocol import (
    CardRead,
    Command,
    FrameAssembler,
    ReaderError,
    Reply,
    Status,
    build_request,
    decode_address,
    parse_read_reply,
)

MIN_POLL_INTERVAL = 0.3

# A port that vanished can fail in pyserial, in the OS, or (POSIX) in termios, which is neither.
_PORT_ERRORS: tuple[type[Exception], ...] = (serial.SerialException, OSError)
try:
    import termios

    _PORT_ERRORS += (termios.error,)
except ImportError:  # Windows has no termios
    pass
_OPEN_ERRORS: tuple[type[Exception], ...] = (*_PORT_ERRORS, ReaderError)


@dataclass(frozen=True)
class ReaderEvent:
    """A card read, a failed read, or a change of the reader's connection."""

    kind: str  # "card", "error", "connected", "disconnected"
    card: CardRead | None = None
    error: ReaderError | None = None


class ChipReader:
    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 115200,
        poll_interval: float = MIN_POLL_INTERVAL,
        short_timeout: float = 0.5,  # find / select: the readers answer within ~300 ms
        read_timeout: float = 2.0,
        repeat_window: float = 1.5,  # the same card again within this is the same placement
        open_port: Callable[..., Any] = serial.Serial,
    ) -> None:
        self.port = port
        self.baudrate = baudrate
        self.poll_interval = max(poll_interval, MIN_POLL_INTERVAL)
        self.short_timeout = short_timeout
        self.read_timeout = read_timeout
        self.repeat_window = repeat_window
        self._open_port = open_port
        self._serial: Any = None
        self._connected: bool | None = None
        self._last_card: tuple[str, float] | None = None
        self._last_error = ""

    # --- connection ------------------------------------------------------------------------

    def _ensure_open(self) -> list[ReaderEvent]:
        if self._serial is not None:
            return []
        try:
            self._serial = self._open_port(self.port, self.baudrate, timeout=0.02)
            self._transact(Command.SAM_STATUS, self.short_timeout).require(Status.OK)
        except _OPEN_ERRORS as error:
            self._close()
            if self._connected is not False:
                self._connected = False
                return [ReaderEvent("disconnected", error=_as_reader_error(error))]
            return []
        self._connected = True
        return [ReaderEvent("connected")]

    def _close(self) -> None:
        if self._serial is not None:
            with contextlib.suppress(*_PORT_ERRORS):
                self._serial.close()
        self._serial = None

    def close(self) -> None:
        self._close()

    # --- one exchange ----------------------------------------------------------------------

    def _transact(self, command: Command, timeout: float) -> Reply:
        port = self._serial
        port.reset_input_buffer()
        port.write(build_request(command))
        assembler = FrameAssembler()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = port.read(4096)
            if chunk:
                replies = assembler.feed(chunk)
                if replies:
                    return replies[0]
        raise ReaderError(
            f"the reader did not answer {command.name.lower()} within {timeout:g} s",
            code="reader.timeout",
        )

    # --- one cycle -------------------------------------------------------------------------

    def poll(self) -> list[ReaderEvent]:
        """One find → select → read cycle; the events it produced (often none)."""
        events = self._ensure_open()
        if self._serial is None:
            return events
        try:
            found = self._transact(Command.FIND, self.short_timeout)
            if found.status == Status.FIND_FAILED:
                self._last_error = ""
                return events
            found.require(Status.CARD_FOUND)
            self._transact(Command.SELECT, self.short_timeout).require(Status.OK)
            card = self._read_with_retry()
        except ReaderError as error:
            return events + self._error_once(error)
        except _PORT_ERRORS as error:
            self._close()
            self._connected = False
            return [*events, ReaderEvent("disconnected", error=_as_reader_error(error))]
        self._last_error = ""
        now = time.monotonic()
        if self._last_card is not None:
            last_number, when = self._last_card
            if last_number == card.text.id_number and now - when < self.repeat_window:
                return events
        self._last_card = (card.text.id_number, now)
        return [*events, ReaderEvent("card", card=card)]

    def _read_with_retry(self, attempts: int = 3) -> CardRead:
        """A garbled or late read reply is asked for again before giving up."""
        transient = ("reader.checksum", "reader.timeout")
        for _ in range(attempts - 1):
            try:
                return self._read_once()
            except ReaderError as error:
                if error.code not in transient:
                    raise
        return self._read_once()

    def _read_once(self) -> CardRead:
        reply = self._transact(Command.READ, self.read_timeout).require(Status.OK)
        card = parse_read_reply(reply.data)
        # The appended address (新住址) exists only on cards whose holder moved since issue.
        extra = self._transact(Command.READ_ADDRESS, self.read_timeout)
        if extra.status == Status.OK and extra.data:
            return dataclasses.replace(card, new_address=decode_address(extra.data))
        extra.require(Status.OK, Status.ITEM_EMPTY)
        return card

    def _error_once(self, error: ReaderError) -> list[ReaderEvent]:
        """The same failure on every poll is reported once, not every 300 ms."""
        if error.code == self._last_error:
            return []
        self._last_error = error.code
        return [ReaderEvent("error", error=error)]

    def events(self, stopped: Callable[[], bool]) -> Iterator[ReaderEvent]:
        """Poll until ``stopped()``; yields events as they happen."""
        while not stopped():
            started = time.monotonic()
            yield from self.poll()
            time.sleep(max(self.poll_interval - (time.monotonic() - started), 0.0))
        self.close()


def _as_reader_error(error: Exception) -> ReaderError:
    if isinstance(error, ReaderError):
        return error
    return ReaderError(f"the card reader is not reachable: {error}", code="reader.unreachable")
