"""Parsing single roster cells: dates, phone numbers, e-mail addresses, ticket number lists.

Rosters are typed by people and exported by several programs, so each parser accepts the
harmless variants found in practice (``1990/1/5``, ``+86 138-0013-8000``, ``；``) and rejects
anything ambiguous with a ValueError whose message says what a valid value looks like.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

MAX_CELL_LENGTH = 200
# Spreadsheet programs run text starting with one of these as a formula (CSV injection); the
# full-width forms are included because some programs convert them on input.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")

_DATE_PARTS = re.compile(
    r"(?P<year>\d{4})(?:[-/.年](?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})日?"
    r"|(?P<month8>\d{2})(?P<day8>\d{2}))"
    r"(?:[ T]0{1,2}:00(?::00)?)?"
)
_PHONE_NOISE = str.maketrans("", "", " -()\u00a0\u3000")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_TICKET_SEPARATORS = str.maketrans({"；": ";"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def find_control_character(text: str) -> bool:
    """Tabs, line breaks and other control characters never belong inside a roster value."""
    return _CONTROL.search(text) is not None


def restore_neutralised(text: str) -> str:
    """Undo ``neutralise_cell`` so that a table this package wrote reads back unchanged."""
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def to_ascii(text: str) -> str:
    """Full-width digits and letters (１３８, ＠) as typed with a Chinese input method to ASCII."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def parse_date_text(text: str) -> date:
    """A birth date written as YYYY-MM-DD, YYYY/M/D, YYYY.MM.DD, YYYYMMDD or YYYY年M月D日."""
    value = to_ascii(text).strip()
    if len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    found = _DATE_PARTS.fullmatch(value)
    if found is None:
        raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD")
    month = found["month"] or found["month8"]
    day = found["day"] or found["day8"]
    try:
        return date(int(found["year"]), int(month), int(day))
    except ValueError:
        raise ValueError(f"{text!r} is not a real calendar date") from None


def normalise_phone(text: str) -> str:
    """A mainland mobile number as 11 digits; spaces, dashes and a +86 / 0086 prefix are dropped."""
    if len(text) == 11 and text.isdigit() and text.isascii() and text[0] == "1":
        return text
    digits = to_ascii(text).translate(_PHONE_NOISE)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    else:
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
    if len(digits) != 11 or not digits.isdigit() or not digits.isascii() or digits[0] != "1":
        raise ValueError(f"{text!r} is not a mainland mobile number (11 digits starting with 1)")
    return digits


def check_email(text: str) -> str:
    value = to_ascii(text)
    if _EMAIL.fullmatch(value) is None:
        raise ValueError(f"{text!r} is not an e-mail address")
    return value


def split_ticket_numbers(text: str) -> tuple[str, ...]:
    """``a;b`` or ``a；b`` (blank parts and spaces ignored) as a tuple of numbers."""
    parts = to_ascii(text).translate(_TICKET_SEPARATORS).split(";")
    return tuple(part for part in (piece.strip() for piece in parts) if part)


def spreadsheet_text(value: object) -> str:
    """A cell value from openpyxl as the text a roster column holds.

    Whole-number floats lose their ``.0`` (phone numbers typed as numbers), date cells become
    ISO dates, and a date-time at midnight becomes a plain date.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def loses_digits(value: object) -> bool:
    """A number too large for a spreadsheet to hold exactly (an 18-digit ID typed as a number)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 2**53
