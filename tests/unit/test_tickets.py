from __future__ import annotations

from datetime import date

import pytest

from desk_app.domain.errors import ConfigError, TicketNumberError
from desk_app.domain.tickets import TicketLayout, default_period, ticket_number_shape_problem

DEFAULT_SEGMENTS = ("city:2", "county:2", "period:3", "sequence:5")


def test_default_layout_is_twelve_digits() -> None:
    layout = TicketLayout.parse(DEFAULT_SEGMENTS, {"city": "32", "county": "01", "period": "271"})
    assert layout.length == 12
    assert layout.format(1) == "320127100001"
    assert layout.format(99_999) == "320127199999"
    assert layout.series == "3201271#"


@pytest.mark.parametrize("sequence", [0, -1, 100_000])
def test_sequence_outside_the_width_is_refused(sequence: int) -> None:
    layout = TicketLayout.parse(DEFAULT_SEGMENTS, {"city": "32", "county": "01", "period": "271"})
    with pytest.raises(TicketNumberError) as raised:
        layout.format(sequence)
    assert raised.value.code == "ticket.sequence_overflow"


def test_segments_after_the_sequence_are_a_suffix() -> None:
    layout = TicketLayout.parse(("city:2", "sequence:4", "check:1"), {"city": "07", "check": "9"})
    assert layout.format(12) == "0700129"


@pytest.mark.parametrize(
    ("segments", "codes"),
    [
        (("city:2", "sequence:5"), {"city": "3"}),  # code too short
        (("city:2", "sequence:5"), {"city": "AB"}),  # not digits
        (("city:2",), {"city": "32"}),  # no sequence
        (("city", "sequence:5"), {"city": "32"}),  # no width
        (("sequence:2", "sequence:3"), {}),
    ],
)
def test_bad_layouts_are_configuration_errors(
    segments: tuple[str, ...], codes: dict[str, str]
) -> None:
    with pytest.raises(ConfigError):
        TicketLayout.parse(segments, codes)


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (date(2026, 1, 5), "261"),
        (date(2026, 3, 31), "261"),
        (date(2026, 4, 1), "262"),
        (date(2026, 9, 30), "262"),
        (date(2026, 10, 1), "271"),
        (date(2099, 12, 31), "001"),
    ],
)
def test_default_period_is_the_next_sitting(today: date, period: str) -> None:
    assert default_period(today) == period


def test_enrolled_number_shape() -> None:
    assert ticket_number_shape_problem("020319100042", 12) is None
    assert "digits" in (ticket_number_shape_problem("02031910004X", 12) or "")
    assert "12 digits" in (ticket_number_shape_problem("0203191000", 12) or "")
