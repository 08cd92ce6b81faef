"""Admission ticket numbers (准考证号): layout from configuration, issued from leased blocks.

Province codes are not public, so the layout is data: an ordered list of fixed-width digit segments,
one of which is the ``sequence`` that the counter issues from its leased block. The default is the
common 12-digit form: city (2) + county (2) + period (3) + sequence (5).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from desk_app.domain.errors import ConfigError, TicketNumberError

SEQUENCE = "sequence"


def default_period(today: date) -> str:
    """The sitting a confirmation made today is for: two-digit year + 1 (April) or 2 (October).

    Confirmations run months ahead of a sitting, so January to March serve April of the same year,
    April to September serve October, and October to December serve April of the next year.
    """
    if today.month <= 3:
        return f"{today.year % 100:02d}1"
    if today.month <= 9:
        return f"{today.year % 100:02d}2"
    return f"{(today.year + 1) % 100:02d}1"


class TicketStatus(enum.StrEnum):
    """A ticket number's life: issued from a leased block, kept (an enrolled candidate's own
    number), or retired with its revoked confirmation (never issued again)."""

    ISSUED = "issued"
    KEPT = "kept"
    RETIRED = "retired"


@dataclass(frozen=True)
class TicketLayout:
    """A layout with every segment but the sequence filled in from configuration."""

    prefix: str  # every digit before the sequence
    suffix: str  # every digit after it (usually empty)
    sequence_width: int

    @classmethod
    def parse(cls, segments: Sequence[str], codes: Mapping[str, str]) -> TicketLayout:
        before: list[str] = []
        after: list[str] = []
        width = 0
        for segment in segments:
            name, _, width_text = segment.partition(":")
            if not width_text.isdigit() or int(width_text) < 1:
                raise ConfigError(
                    f"ticket layout segment {segment!r} needs a width, like 'city:2'",
                    code="config.ticket_layout",
                )
            segment_width = int(width_text)
            if name == SEQUENCE:
                if width:
                    raise ConfigError(
                        "ticket layout has two sequence segments", code="config.ticket_layout"
                    )
                width = segment_width
                continue
            code = codes.get(name, "")
            if len(code) != segment_width or not code.isdigit():
                raise ConfigError(
                    f"ticket code {name!r} must be {segment_width} digits, not {code!r}",
                    code="config.ticket_layout",
                    segment=name,
                )
            (after if width else before).append(code)
        if not width:
            raise ConfigError("ticket layout has no sequence segment", code="config.ticket_layout")
        return cls(prefix="".join(before), suffix="".join(after), sequence_width=width)

    @property
    def length(self) -> int:
        return len(self.prefix) + self.sequence_width + len(self.suffix)

    @property
    def series(self) -> str:
        """What identifies the family of numbers a block belongs to (the fixed segments)."""
        return f"{self.prefix}#{self.suffix}"

    @property
    def max_sequence(self) -> int:
        return int(10**self.sequence_width) - 1

    def format(self, sequence: int) -> str:
        if not 1 <= sequence <= self.max_sequence:
            raise TicketNumberError(
                f"sequence {sequence} does not fit {self.sequence_width} digits",
                code="ticket.sequence_overflow",
                sequence=sequence,
            )
        return f"{self.prefix}{sequence:0{self.sequence_width}d}{self.suffix}"


def ticket_number_shape_problem(number: str, length: int) -> str | None:
    """Why an existing (enrolled) ticket number cannot be one, or None when its shape is right.

    Enrolled candidates' numbers were issued in earlier years under possibly other codes, so only
    the shape (all digits, the configured length) is checked, never the codes.
    """
    if not number.isdigit():
        return f"a ticket number has only digits, got {number!r}"
    if len(number) != length:
        return f"a ticket number has {length} digits, got {len(number)}"
    return None
