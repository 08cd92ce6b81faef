"""The SAM reader protocol: exact frames from domain.md, reassembly, statuses, card text."""

from __future__ import annotations

import pytest

from desk_app.idcard.protocol import (
    CardText,
    Command,
    FrameAssembler,
    ReaderError,
    Status,
    build_read_data,
    build_reply,
    build_request,
    decode_text,
    encode_text,
    parse_read_reply,
)
from tests.support.cards import FOREIGNER, PERMIT, RESIDENT


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (Command.FIND, "AA AA AA 96 69 00 03 20 01 22"),
        (Command.SELECT, "AA AA AA 96 69 00 03 20 02 21"),
        (Command.READ, "AA AA AA 96 69 00 03 30 01 32"),
        (Command.RESET, "AA AA AA 96 69 00 03 10 FF EC"),
    ],
)
def test_request_frames_match_domain_md(command: Command, expected: str) -> None:
    assert build_request(command) == bytes.fromhex(expected)


def _read_reply(card: CardText) -> bytes:
    return build_reply(Status.OK, build_read_data(card, bytes(range(256)) * 4))


@pytest.mark.parametrize("card", [RESIDENT, PERMIT, FOREIGNER], ids=lambda c: c.card_type.value)
def test_a_full_read_reply_round_trips(card: CardText) -> None:
    frame = _read_reply(card)
    assert len(frame) == 1295  # the size domain.md gives for a 30 01 reply
    (reply,) = FrameAssembler().feed(frame)
    assert reply.status == Status.OK
    read = parse_read_reply(reply.data)
    assert read.text == card
    assert len(read.photo) == 1024 and read.photo[:4] == b"\x00\x01\x02\x03"


def test_a_reply_split_into_single_bytes_is_reassembled() -> None:
    frame = _read_reply(RESIDENT)
    assembler = FrameAssembler()
    replies = []
    for byte in b"\x00\x13garbage" + frame + build_reply(Status.CARD_FOUND):
        replies.extend(assembler.feed(bytes([byte])))
    assert [r.status for r in replies] == [Status.OK, Status.CARD_FOUND]
    assert parse_read_reply(replies[0].data).text.name == "张三"


def test_a_corrupted_reply_is_a_coded_error_and_the_next_one_still_reads() -> None:
    frame = bytearray(build_reply(Status.CARD_FOUND))
    frame[-1] ^= 0xFF
    assembler = FrameAssembler()
    with pytest.raises(ReaderError) as raised:
        assembler.feed(bytes(frame))
    assert raised.value.code == "reader.checksum"
    assert [r.status for r in assembler.feed(build_reply(Status.OK))] == [Status.OK]


def test_an_absurd_length_is_refused() -> None:
    with pytest.raises(ReaderError) as raised:
        FrameAssembler().feed(b"\xaa\xaa\xaa\x96\x69\xff\xff\x00")
    assert raised.value.code == "reader.length_error"


def test_statuses_become_coded_errors() -> None:
    (reply,) = FrameAssembler().feed(build_reply(Status.FIND_FAILED))
    with pytest.raises(ReaderError) as raised:
        reply.require(Status.CARD_FOUND)
    assert raised.value.code == "reader.find_failed"
    (unknown,) = FrameAssembler().feed(build_reply(0x77))
    with pytest.raises(ReaderError) as other:
        unknown.require(Status.OK)
    assert other.value.code == "reader.status_77"


def test_nul_padding_and_unknown_card_types() -> None:
    text = bytearray(encode_text(RESIDENT))
    text[60:80] = b"\x00" * 20  # NUL used as padding inside the address field
    assert decode_text(bytes(text)).address.startswith("北京市")
    text[248:250] = "Z".encode("utf-16-le")
    with pytest.raises(ReaderError) as raised:
        decode_text(bytes(text))
    assert raised.value.code == "reader.unknown_card_type"
    with pytest.raises(ReaderError):
        parse_read_reply(b"\x01\x00\x04\x00" + b"\x00" * 10)
