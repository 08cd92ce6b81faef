"""The SAM card-reader protocol (GA/T 467, domain.md section 4): frames, statuses, card text.

Request: ``AA AA AA 96 69`` LEN(2) CMD PARA DATA CHK; reply: ``AA AA AA 96 69`` LEN(2) SW1 SW2 SW3
DATA CHK. LEN counts every byte after itself (CHK included); CHK is the XOR of every byte from
the first LEN byte to the last DATA byte. Replies arrive in pieces of any size and are
reassembled by LEN, never by fixed sizes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

from desk_app.domain.errors import DeskError

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
MAX_FRAME_LENGTH = 4096  # the longest real reply (text + photo + fingerprints) is under 2,400


class Command(enum.Enum):
    RESET = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    SAM_ID = (0x12, 0xFF)
    FIND = (0x20, 0x01)
    SELECT = (0x20, 0x02)
    READ = (0x30, 0x01)  # text + photo
    READ_ADDRESS = (0x30, 0x03)  # appended address (新住址), when the card has one
    READ_WITH_FINGERPRINT = (0x30, 0x10)


class Status(enum.IntEnum):
    """SW3 values."""

    OK = 0x90
    CARD_FOUND = 0x9F
    ITEM_EMPTY = 0x91
    CHECKSUM_ERROR = 0x10
    LENGTH_ERROR = 0x11
    BAD_COMMAND = 0x21
    NOT_PERMITTED = 0x23
    UNKNOWN_ERROR = 0x24
    CARD_AUTHENTICATION_FAILED = 0x31
    SAM_AUTHENTICATION_FAILED = 0x32
    VERIFICATION_ERROR = 0x33
    UNKNOWN_CARD_TYPE = 0x40
    READ_FAILED = 0x41
    RANDOM_NUMBER_FAILED = 0x47
    SAM_SELF_TEST_FAILED = 0x60
    SAM_NOT_AUTHORISED = 0x66
    FIND_FAILED = 0x80  # also: the card already read is still on the reader
    SELECT_FAILED = 0x81


class ReaderError(DeskError):
    """A reader or card problem; ``code`` is ``reader.<status name>`` or a framing problem."""

    code = "reader.error"


def checksum(data: bytes) -> int:
    return reduce(lambda total, byte: total ^ byte, data, 0)


def build_frame(body: bytes) -> bytes:
    """PREAMBLE, LEN, ``body`` and CHK; used for requests (CMD PARA DATA) and replies (SW DATA)."""
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


def build_request(command: Command, data: bytes = b"") -> bytes:
    return build_frame(bytes(command.value) + data)


def build_reply(status: int, data: bytes = b"", sw1: int = 0x00, sw2: int = 0x00) -> bytes:
    return build_frame(bytes([sw1, sw2, status]) + data)


@dataclass(frozen=True)
class Reply:
    sw1: int
    sw2: int
    status: int
    data: bytes

    @classmethod
    def from_body(cls, body: bytes) -> Reply:
        if len(body) < 3:
            raise ReaderError("a reply without its three status bytes", code="reader.length_error")
        return cls(body[0], body[1], body[2], body[3:])

    def require(self, *accepted: Status) -> Reply:
        """This reply, or the ReaderError its status stands for."""
        if self.status in accepted:
            return self
        raise status_error(self.status)


def status_error(status: int) -> ReaderError:
    try:
        name = Status(status).name.lower()
    except ValueError:
        name = f"status_{status:02x}"
    return ReaderError(
        f"the reader answered {name.replace('_', ' ')} (SW3 {status:02X})",
        code=f"reader.{name}",
        status=status,
    )


@dataclass
class FrameAssembler:
    """Turns bytes as they arrive into complete frames; bad frames raise, the rest is kept."""

    _buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> list[Reply]:
        """Complete replies (SW1 SW2 SW3 DATA) found so far."""
        return [Reply.from_body(body) for body in self.feed_bodies(data)]

    def feed_bodies(self, data: bytes) -> list[bytes]:
        """Complete frame bodies (what lies between LEN and CHK), requests or replies."""
        self._buffer.extend(data)
        replies: list[bytes] = []
        while True:
            start = self._buffer.find(PREAMBLE)
            if start < 0:
                del self._buffer[: max(len(self._buffer) - len(PREAMBLE) + 1, 0)]
                return replies
            del self._buffer[:start]
            if len(self._buffer) < len(PREAMBLE) + 2:
                return replies
            length = int.from_bytes(self._buffer[5:7], "big")
            if length < 3 or length > MAX_FRAME_LENGTH:  # CMD PARA CHK is the shortest
                del self._buffer[: len(PREAMBLE)]
                raise ReaderError(
                    f"a frame announced {length} bytes, which no frame has",
                    code="reader.length_error",
                )
            end = 7 + length
            if len(self._buffer) < end:
                return replies
            frame = bytes(self._buffer[:end])
            del self._buffer[:end]
            if checksum(frame[5:-1]) != frame[-1]:
                raise ReaderError(
                    "a reply failed its checksum (the cable or the reader garbled it)",
                    code="reader.checksum",
                )
            replies.append(frame[7:-1])

    def reset(self) -> None:
        self._buffer.clear()


# --- the card's text -----------------------------------------------------------------------------


class CardType(enum.StrEnum):
    RESIDENT = "resident"  # 居民身份证
    RESIDENCE_PERMIT = "residence_permit"  # 港澳台居民居住证 (J)
    FOREIGNER_2017 = "foreigner_2017"  # 外国人永久居留身份证 (I)
    FOREIGNER_2023 = "foreigner_2023"  # 2023 版 (Y)


_TYPE_MARKS = {
    " ": CardType.RESIDENT,
    "J": CardType.RESIDENCE_PERMIT,
    "I": CardType.FOREIGNER_2017,
    "Y": CardType.FOREIGNER_2023,
}
LONG_TERM = "长期"


@dataclass(frozen=True)
class CardText:
    card_type: CardType
    name: str
    sex_code: str
    birth_date: date | None
    id_number: str  # citizen ID number, or the card number of a foreigner's card
    valid_from: date | None
    valid_to: date | None  # None for 长期 (long-term)
    long_term: bool
    ethnicity_code: str = ""
    address: str = ""
    issuing_authority: str = ""
    english_name: str = ""
    nationality: str = ""
    pass_number: str = ""  # residence permit: the travel permit number
    issue_count: str = ""


def _field(text: bytes, offset: int, width: int) -> str:
    return text[offset : offset + width].decode("utf-16-le", "replace").replace("\x00", " ").strip()


def _date(value: str) -> date | None:
    if len(value) == 8 and value.isdigit():
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            return None
    return None


def decode_text(text: bytes) -> CardText:
    """The 256-byte UCS-2 text block of a read reply; ReaderError for unknown layouts."""
    if len(text) < 256:
        raise ReaderError(
            f"the card text has {len(text)} bytes, not 256", code="reader.length_error"
        )
    mark = text[248:250].decode("utf-16-le", "replace").replace("\x00", " ")
    card_type = _TYPE_MARKS.get(mark)
    if card_type is None:
        raise ReaderError(f"unknown card type mark {mark!r}", code="reader.unknown_card_type")
    valid_to_text = _field(text, 204, 16)
    long_term = valid_to_text.startswith(LONG_TERM)
    chinese_layout = card_type in (CardType.RESIDENT, CardType.RESIDENCE_PERMIT)
    sex_code = _field(text, 30 if chinese_layout else 120, 2)
    valid_from = _date(_field(text, 188, 16))
    valid_to = None if long_term else _date(valid_to_text)
    if chinese_layout:
        return CardText(
            card_type=card_type,
            sex_code=sex_code,
            valid_from=valid_from,
            valid_to=valid_to,
            long_term=long_term,
            name=_field(text, 0, 30),
            birth_date=_date(_field(text, 36, 16)),
            id_number=_field(text, 122, 36),
            ethnicity_code=_field(text, 32, 4),
            address=_field(text, 52, 70),
            issuing_authority=_field(text, 158, 30),
            pass_number=_field(text, 220, 18) if card_type is CardType.RESIDENCE_PERMIT else "",
            issue_count=_field(text, 238, 4) if card_type is CardType.RESIDENCE_PERMIT else "",
        )
    # Foreigners' cards. The 2023 card (Y) is assumed to keep the 2017 layout for these fields:
    # domain.md documents only the 2017 one.
    return CardText(
        card_type=card_type,
        sex_code=sex_code,
        valid_from=valid_from,
        valid_to=valid_to,
        long_term=long_term,
        name=_field(text, 158, 30),
        english_name=_field(text, 0, 120),
        birth_date=_date(_field(text, 220, 16)),
        id_number=_field(text, 122, 30),
        nationality=_field(text, 152, 6),
    )


def encode_text(card: CardText) -> bytes:
    """The inverse of ``decode_text`` (for the simulator and tests)."""
    block = bytearray(" ".encode("utf-16-le") * 128)

    def put(offset: int, width: int, value: str) -> None:
        data = value.encode("utf-16-le")[:width]
        block[offset : offset + len(data)] = data

    def day(value: date | None) -> str:
        return value.strftime("%Y%m%d") if value else ""

    valid_to = LONG_TERM if card.long_term else day(card.valid_to)
    if card.card_type in (CardType.RESIDENT, CardType.RESIDENCE_PERMIT):
        put(0, 30, card.name)
        put(30, 2, card.sex_code)
        put(32, 4, card.ethnicity_code)
        put(36, 16, day(card.birth_date))
        put(52, 70, card.address)
        put(122, 36, card.id_number)
        put(158, 30, card.issuing_authority)
        if card.card_type is CardType.RESIDENCE_PERMIT:
            put(220, 18, card.pass_number)
            put(238, 4, card.issue_count)
    else:
        put(0, 120, card.english_name)
        put(120, 2, card.sex_code)
        put(122, 30, card.id_number)
        put(152, 6, card.nationality)
        put(158, 30, card.name)
        put(220, 16, day(card.birth_date))
    put(188, 16, day(card.valid_from))
    put(204, 16, valid_to)
    mark = {value: key for key, value in _TYPE_MARKS.items()}[card.card_type]
    put(248, 2, mark)
    return bytes(block)


@dataclass(frozen=True)
class CardRead:
    text: CardText
    photo: bytes  # WLT, 1024 bytes, decodable only by a vendor library plug-in
    fingerprint: bytes = b""
    new_address: str = ""  # from READ_ADDRESS, when present


def decode_address(data: bytes) -> str:
    """The appended-address reply: UCS-2 LE text, padded like the card text."""
    return data.decode("utf-16-le", "replace").replace("\x00", " ").strip()


def parse_read_reply(data: bytes, *, with_fingerprint: bool = False) -> CardRead:
    """TEXT_LEN(2) PHOTO_LEN(2) [FP_LEN(2)] TEXT PHOTO [FP]."""
    header = 6 if with_fingerprint else 4
    if len(data) < header:
        raise ReaderError("the read reply is too short", code="reader.length_error")
    text_length = int.from_bytes(data[0:2], "big")
    photo_length = int.from_bytes(data[2:4], "big")
    fingerprint_length = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    if len(data) != header + text_length + photo_length + fingerprint_length:
        raise ReaderError(
            "the read reply's parts do not add up to its length", code="reader.length_error"
        )
    text = data[header : header + text_length]
    photo = data[header + text_length : header + text_length + photo_length]
    return CardRead(decode_text(text), photo, data[header + text_length + photo_length :])


def build_read_data(card: CardText, photo: bytes) -> bytes:
    text = encode_text(card)
    return len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo
