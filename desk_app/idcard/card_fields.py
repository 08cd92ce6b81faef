"""The fields of an ID card, parsed from its text lines in the upright frame.

The third step of reading a card held up to the camera (``camera_reader``), split out of that
module: the printed rows (from ``card_geometry``) become field values (name, sex, ethnicity,
birth date, address, issuing authority, validity) and the candidate reads of the ID number, which
the reader then settles and cross-checks. ``FieldValue`` and ``LONG_TERM`` are defined here, as
the parser produces them; ``camera_reader`` re-exports both, its public home.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from desk_app.idcard.card_geometry import CJK, NUMBER_RUN, VALIDITY, Placed

LONG_TERM = "长期"

_PRINTED_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_NAME_CHARACTERS = re.compile(r"[\u3400-\u9fff·•]+")


@dataclass(frozen=True)
class FieldValue:
    """A field as read: the value (dates as YYYY-MM-DD) and a confidence in [0, 1]."""

    value: str
    confidence: float


@dataclass
class Parsed:
    fields: dict[str, FieldValue] = field(default_factory=dict)
    number_reads: list[tuple[str, float]] = field(default_factory=list)
    number_line: Placed | None = None
    address_rows: list[Sequence[Placed]] = field(default_factory=list)


def lowest_score(items: Iterable[Placed]) -> float:
    scores = [item.line.score for item in items]
    return min(scores) if scores else 0.0


def _after(text: str, label: str) -> str:
    index = text.find(label)
    return text[index + len(label) :] if index >= 0 else text


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse(rows: Sequence[Sequence[Placed]], portrait_left: float | None) -> Parsed:
    parsed = Parsed()
    found = parsed.fields
    address_rows: list[Sequence[Placed]] | None = None
    for row in rows:
        if portrait_left is not None:  # nothing of the text runs into the photo
            row = [p for p in row if p.left < portrait_left] or row
        text = "".join(p.text for p in row)
        number = NUMBER_RUN.search(text.replace("×", "X").replace("x", "X"))
        if number is not None and "有效期限" not in text:
            holders = [p for p in row if NUMBER_RUN.search(p.text.replace("×", "X"))] or list(row)
            parsed.number_reads.append((number.group(), lowest_score(holders)))
            parsed.number_line = parsed.number_line or holders[0]
            if address_rows is not None:
                parsed.address_rows = parsed.address_rows or address_rows
                address_rows = None
            continue
        if address_rows is not None:
            if "公民身份" in text or "身份号码" in text:
                parsed.address_rows = parsed.address_rows or address_rows
                address_rows = None
            else:
                address_rows.append(row)
            continue
        if "姓名" in text or (text.startswith("姓") and "name" not in found):
            name = "".join(_NAME_CHARACTERS.findall(_after(text, "姓名").removeprefix("姓")))
            if name:
                found["name"] = FieldValue(name.replace("•", "·"), lowest_score(row))
        if "性别" in text:
            sex = _after(text, "性别")[:1]
            if sex in ("男", "女"):
                found["sex"] = FieldValue(sex, lowest_score(row))
        if "民族" in text:
            ethnicity = "".join(CJK.findall(_after(text, "民族")))
            if ethnicity:
                found["ethnicity"] = FieldValue(ethnicity, lowest_score(row))
        birth = _PRINTED_DATE.search(text)
        if birth is not None and ("出生" in text or "birth_date" not in found):
            iso = _iso(*birth.groups())
            if iso is not None:
                found["birth_date"] = FieldValue(iso, lowest_score(row))
        if "住址" in text:
            address_rows = [row]
        if "签发机关" in text or "签发机" in text:
            authority = "".join(CJK.findall(_after(text, "签发机关").removeprefix("签发机")))
            if authority:
                found["issuing_authority"] = FieldValue(authority, lowest_score(row))
        validity = VALIDITY.search(text)
        if validity is not None:
            start = _iso(*validity.group(1, 2, 3))
            end = LONG_TERM if validity.group(7) else _iso(*validity.group(4, 5, 6))
            if start is not None and end is not None:
                found["valid_from"] = FieldValue(start, lowest_score(row))
                found["valid_to"] = FieldValue(end, lowest_score(row))
    if address_rows is not None:
        parsed.address_rows = parsed.address_rows or address_rows
    return parsed


def address_field(rows: Sequence[Sequence[Placed]]) -> FieldValue:
    text = "".join(p.text for row in rows for p in row)
    text = _after(text, "住址") if "住址" in text else text.removeprefix("住").removeprefix("址")
    return FieldValue(text, lowest_score([p for row in rows for p in row]))
