"""Document number rules (domain.md section 3). Every rejection names the rule it breaks.

The citizen ID number rule (GB 11643-1999) also covers the residence permits of Hong Kong, Macau
and Taiwan residents (codes 810000/820000/830000) and the 2023 foreigner permanent residence card
(``9`` + province + nationality + birth date + sequence + check). Documents without a chip are
typed in by hand and checked for shape only, except passports, whose machine-readable zone (MRZ)
carries check digits.

Numbers are normalised before they are checked: full-width characters (from Chinese input
methods) become ASCII, whitespace anywhere is dropped (numbers are often written in groups) and
letters are upper-cased, so the same document always gets the same stored number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DocumentError
from desk_app.domain.time import china_today
from desk_app.idcard.areas import MAINLAND_PROVINCES, PROVINCES

Holder = Literal["citizen", "hong_kong", "macau", "taiwan", "foreigner"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_PERMIT_HOLDERS: dict[str, Holder] = {"81": "hong_kong", "82": "macau", "83": "taiwan"}
_PERMIT_AREA_CODES = ("810000", "820000", "830000")
_FOREIGNER_MARK = "9"
_EARLIEST_BIRTH = date(1900, 1, 1)
_HOLDER_DESCRIPTIONS: dict[Holder, str] = {
    "citizen": "mainland citizen",
    "hong_kong": "Hong Kong resident",
    "macau": "Macau resident",
    "taiwan": "Taiwan resident",
    "foreigner": "foreign permanent resident",
}

_ENGLISH_NAMES: dict[DocumentType, str] = {
    DocumentType.RESIDENT_ID: "resident ID card",
    DocumentType.RESIDENCE_PERMIT: "Hong Kong, Macau or Taiwan residence permit",
    DocumentType.FOREIGNER_PERMANENT: "foreigner permanent residence card",
    DocumentType.HK_MACAU_TRAVEL_PERMIT: "Hong Kong and Macau residents' travel permit",
    DocumentType.TAIWAN_TRAVEL_PERMIT: "Taiwan residents' travel permit",
    DocumentType.MILITARY_CARD: "military card",
    DocumentType.PASSPORT: "passport",
}

_HK_MACAU_PERMIT = re.compile(r"(?P<lifelong>[HM][0-9]{8})(?P<replacements>[0-9]{2})?")
_TAIWAN_PERMIT = re.compile(r"[0-9]{8}")
_MILITARY_CARD = re.compile(r"(?P<prefix>[军兵士文职])字?第?(?P<digits>[0-9]{6,12})号?")
_PASSPORT_NUMBER = re.compile(r"[A-Z0-9]{5,9}")
_MRZ_LINE_LENGTH = 44


def _is_digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts superscripts and other scripts' digits."""
    return text.isascii() and text.isdigit()


def _normalise(number: str) -> str:
    return "".join(unicodedata.normalize("NFKC", number).split()).upper()


def check_character(first17: str) -> str:
    """The 18th character of a citizen ID number whose first 17 digits are given (ISO 7064 11-2)."""
    if len(first17) != 17 or not _is_digits(first17):
        raise DocumentError(
            "the check character is computed from exactly 17 digits",
            code="document.characters",
            value=first17,
        )
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def upgrade_15_to_18(number15: str) -> str:
    """A legacy 15-digit number in today's form: ``19`` before the year, check character after.

    Cards issued before 1999 carry 15 digits and a two-digit year; every one of their holders
    was born in the 1900s, so the conversion is unambiguous.
    """
    if len(number15) != 15 or not _is_digits(number15):
        raise DocumentError(
            "a legacy ID number has exactly 15 digits",
            code="document.length",
            value=number15,
            length=len(number15),
        )
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


def compose_citizen_id(area_code: str, birth_date: date, sequence: int) -> str:
    """A valid number for the given parts (odd sequence: male), for demo data and tests."""
    if len(area_code) != 6 or not _is_digits(area_code):
        raise ValueError(f"an area code has 6 digits, not {area_code!r}")
    if not 0 <= sequence <= 999:
        raise ValueError(f"a sequence number is 0..999, not {sequence}")
    first17 = (
        f"{area_code}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}{sequence:03d}"
    )
    return first17 + check_character(first17)


@dataclass(frozen=True)
class CitizenIdInfo:
    """What a valid 18-digit number (resident ID, residence permit, foreigner card) encodes.

    ``area_code`` is the first six digits as printed; on a foreigner card they are ``9``, the
    two-digit province of issue and the three-digit nationality code. ``sex_code`` follows the
    parity of the 17th digit (odd: "1" male, even: "2" female) on every card of this family.
    """

    number: str
    area_code: str
    province: str | None
    birth_date: date
    sex_code: str
    holder: Holder
    upgraded_from_15: bool


def _require_citizen_shape(text: str, number: str, *, lengths: tuple[int, ...]) -> None:
    """Empty, length and character rules, shared by all cards of the citizen number family."""
    if not text:
        raise DocumentError("the ID number is empty", code="document.empty", value=number)
    if len(text) not in lengths:
        expected = " or ".join(str(length) for length in lengths)
        raise DocumentError(
            f"this ID number has {len(text)} characters; it must have {expected}",
            code="document.length",
            value=number,
            length=len(text),
        )
    body, last = (text, "") if len(text) == 15 else (text[:17], text[17])
    if not _is_digits(body) or (last not in ("", "X") and not _is_digits(last)):
        raise DocumentError(
            "an ID number has only digits, with an X allowed only as its last character",
            code="document.characters",
            value=number,
        )


def _holder_and_province(text: str, number: str, *, upgraded: bool) -> tuple[Holder, str | None]:
    if text.startswith(_FOREIGNER_MARK):
        province_code = text[1:3]
        if upgraded or province_code not in MAINLAND_PROVINCES:
            raise DocumentError(
                f"{province_code} after the leading 9 of a foreigner card number is not the "
                "code of a mainland province",
                code="document.area_code",
                value=number,
                province_code=province_code,
            )
        return "foreigner", MAINLAND_PROVINCES[province_code]
    province_code = text[:2]
    if province_code not in PROVINCES:
        raise DocumentError(
            f"the number starts with {province_code}, which is not a province code",
            code="document.area_code",
            value=number,
            province_code=province_code,
        )
    holder = _PERMIT_HOLDERS.get(province_code, "citizen")
    if upgraded and holder != "citizen":
        raise DocumentError(
            f"a 15-digit legacy number cannot start with {province_code}: residence permits "
            "have always had 18 digits",
            code="document.area_code",
            value=number,
            province_code=province_code,
        )
    return holder, PROVINCES[province_code]


def _birth_date(digits: str, number: str, today: date) -> date:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as error:
        raise DocumentError(
            f"the birth date digits {digits} are not a real calendar date",
            code="document.birth_date_invalid",
            value=number,
            birth_date=digits,
        ) from error
    if born > today:
        raise DocumentError(
            f"the birth date {born.isoformat()} is after today ({today.isoformat()})",
            code="document.birth_date_future",
            value=number,
            birth_date=born.isoformat(),
            today=today.isoformat(),
        )
    if born < _EARLIEST_BIRTH:
        raise DocumentError(
            f"the birth date {born.isoformat()} is before 1900-01-01",
            code="document.birth_date_too_old",
            value=number,
            birth_date=born.isoformat(),
        )
    return born


def parse_citizen_id(number: str, *, today: date | None = None) -> CitizenIdInfo:
    """Validate an 18-digit (or legacy 15-digit) number and say what it encodes.

    The rules run from the coarsest to the finest (shape, province, birth date, check character),
    so a number with a typo in its birth date is reported as such rather than as a bad check
    character, which would also be true but less helpful to the clerk.
    """
    text = _normalise(number)
    _require_citizen_shape(text, number, lengths=(15, 18))
    upgraded = len(text) == 15
    if upgraded:
        text = upgrade_15_to_18(text)
    holder, province = _holder_and_province(text, number, upgraded=upgraded)
    born = _birth_date(text[6:14], number, today or china_today())
    expected = check_character(text[:17])
    if text[17] != expected:
        raise DocumentError(
            f"the check character is {text[17]}, but the first 17 digits give {expected}: "
            "a digit was probably mistyped",
            code="document.check_character",
            value=number,
            expected=expected,
            actual=text[17],
        )
    return CitizenIdInfo(
        number=text,
        area_code=text[:6],
        province=province,
        birth_date=born,
        sex_code="1" if int(text[16]) % 2 else "2",
        holder=holder,
        upgraded_from_15=upgraded,
    )


# --- passports (ICAO 9303) -------------------------------------------------------------------


def mrz_check_digit(field: str) -> str:
    """ICAO 9303 check digit: weights 7-3-1, digits as themselves, A-Z as 10-35, ``<`` as 0."""
    total = 0
    for position, character in enumerate(field):
        if "0" <= character <= "9":
            value = int(character)
        elif "A" <= character <= "Z":
            value = ord(character) - ord("A") + 10
        elif character == "<":
            value = 0
        else:
            raise DocumentError(
                f"{character!r} cannot appear in a machine-readable zone",
                code="document.characters",
                value=field,
            )
        total += value * (7, 3, 1)[position % 3]
    return str(total % 10)


@dataclass(frozen=True)
class MrzLine2:
    """The decoded second line of a passport's machine-readable zone (TD3, 44 characters).

    Dates are ``None`` where the MRZ leaves them unknown (``<`` fillers), as ICAO allows.
    """

    document_number: str
    nationality: str
    birth_date: date | None
    sex: str  # "M", "F", or "<"/"X" for unspecified
    expiry_date: date | None
    optional_data: str


def _mrz_date(digits: str, line: str, *, field: str, past: bool, today: date) -> date | None:
    """A YYMMDD field as a date. Birth dates lie in the past; expiry dates in this century."""
    if "<" in digits:
        return None
    year, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    full_year = today.year // 100 * 100 + year
    if past and (full_year, month, day) > (today.year, today.month, today.day):
        full_year -= 100
    try:
        return date(full_year, month, day)
    except ValueError as error:
        raise DocumentError(
            f"the MRZ {field} {digits} is not a real calendar date",
            code=f"document.{field.replace(' ', '_')}_invalid",
            value=line,
            field=field,
        ) from error


def parse_mrz_line2(line: str, *, today: date | None = None) -> MrzLine2:
    """Verify every check digit of a TD3 line 2, then decode it.

    The check digits are verified in the order of the line (document number, birth date,
    expiry date, optional data, composite) and the first broken one is named in the error's
    ``field`` context, so the clerk knows where to look for the misread character.
    """
    text = _normalise(line)
    if len(text) != _MRZ_LINE_LENGTH:
        raise DocumentError(
            f"a passport MRZ line has {_MRZ_LINE_LENGTH} characters, not {len(text)}",
            code="document.length",
            value=line,
            length=len(text),
        )
    for position in (13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26):
        if not ("0" <= text[position] <= "9" or text[position] == "<"):
            raise DocumentError(
                f"the MRZ dates hold only digits, not {text[position]!r}",
                code="document.characters",
                value=line,
                position=position + 1,
            )
    checked_fields = (
        ("document number", text[0:9], text[9]),
        ("birth date", text[13:19], text[19]),
        ("expiry date", text[21:27], text[27]),
        ("optional data", text[28:42], text[42]),
        ("composite", text[0:10] + text[13:20] + text[21:43], text[43]),
    )
    for field, value, check in checked_fields:
        unused_optional_data = field == "optional data" and check == "<" and set(value) == {"<"}
        expected = mrz_check_digit(value)
        if not unused_optional_data and check != expected:
            raise DocumentError(
                f"the MRZ check digit of the {field} is {check}, but the field gives {expected}",
                code="document.mrz_check_digit",
                value=line,
                field=field,
                expected=expected,
                actual=check,
            )
    now = today or china_today()
    return MrzLine2(
        document_number=text[0:9].rstrip("<"),
        nationality=text[10:13].rstrip("<"),
        birth_date=_mrz_date(text[13:19], line, field="birth date", past=True, today=now),
        sex=text[20],
        expiry_date=_mrz_date(text[21:27], line, field="expiry date", past=False, today=now),
        optional_data=text[28:42].rstrip("<"),
    )


# --- every document type ---------------------------------------------------------------------


@dataclass(frozen=True)
class ValidatedDocument:
    """A document number that passed its rules, with what it tells about the holder.

    ``facts`` are ordered (English key, value) pairs for people: the counter shows them next to
    the candidate's record so the clerk can compare, and the command line prints them.
    """

    document_type: DocumentType
    number: str
    birth_date: date | None
    sex_code: str | None
    facts: tuple[tuple[str, str], ...]
    citizen: CitizenIdInfo | None = None


def _format_error(document_type: DocumentType, expected: str, number: str) -> DocumentError:
    return DocumentError(
        f"a {_ENGLISH_NAMES[document_type]} number is {expected}",
        code="document.format",
        value=number,
        document_type=document_type.value,
    )


def _sex_word(code: str | None) -> str:
    return {"1": "male", "2": "female"}.get(code or "", "not stated")


def _citizen_document(document_type: DocumentType, info: CitizenIdInfo) -> ValidatedDocument:
    facts: list[tuple[str, str]] = []
    if info.holder == "foreigner":
        facts.append(("issued in", f"{info.area_code[1:3]} {info.province}"))
        facts.append(("nationality code", info.area_code[3:6]))
    else:
        facts.append(("area code", f"{info.area_code} {info.province}"))
    facts += [
        ("birth date", info.birth_date.isoformat()),
        ("sex", _sex_word(info.sex_code)),
        ("holder", _HOLDER_DESCRIPTIONS[info.holder]),
    ]
    if info.upgraded_from_15:
        facts.append(("converted from", "a 15-digit legacy number"))
    return ValidatedDocument(
        document_type=document_type,
        number=info.number,
        birth_date=info.birth_date,
        sex_code=info.sex_code,
        facts=tuple(facts),
        citizen=info,
    )


def _type_of_18_digit_number(text: str) -> DocumentType:
    """Which chip card an 18-character number of the citizen family belongs to, by its prefix."""
    if text.startswith(_FOREIGNER_MARK):
        return DocumentType.FOREIGNER_PERMANENT
    if text[:2] in _PERMIT_HOLDERS:
        return DocumentType.RESIDENCE_PERMIT
    return DocumentType.RESIDENT_ID


def _resident_id(number: str, today: date | None) -> ValidatedDocument:
    text = _normalise(number)
    _require_citizen_shape(text, number, lengths=(15, 18))
    suggested = _type_of_18_digit_number(text) if len(text) == 18 else DocumentType.RESIDENT_ID
    if suggested is not DocumentType.RESIDENT_ID:
        raise DocumentError(
            f"a number starting with {text[:2]} belongs to a {_ENGLISH_NAMES[suggested]}, "
            "not a resident ID card",
            code="document.type_mismatch",
            value=number,
            suggested_type=suggested.value,
        )
    return _citizen_document(DocumentType.RESIDENT_ID, parse_citizen_id(number, today=today))


def _residence_permit(number: str, today: date | None) -> ValidatedDocument:
    text = _normalise(number)
    _require_citizen_shape(text, number, lengths=(18,))
    if text[:6] not in _PERMIT_AREA_CODES:
        raise DocumentError(
            "a residence permit number starts with 810000 (Hong Kong), 820000 (Macau) or "
            f"830000 (Taiwan), not {text[:6]}",
            code="document.prefix",
            value=number,
            suggested_type=_type_of_18_digit_number(text).value,
        )
    return _citizen_document(DocumentType.RESIDENCE_PERMIT, parse_citizen_id(number, today=today))


def _foreigner_card(number: str, today: date | None) -> ValidatedDocument:
    text = _normalise(number)
    _require_citizen_shape(text, number, lengths=(18,))
    if not text.startswith(_FOREIGNER_MARK):
        raise DocumentError(
            "a 2023 foreigner permanent residence card number starts with 9",
            code="document.prefix",
            value=number,
            suggested_type=_type_of_18_digit_number(text).value,
        )
    info = parse_citizen_id(number, today=today)
    return _citizen_document(DocumentType.FOREIGNER_PERMANENT, info)


def _hk_macau_travel_permit(number: str) -> ValidatedDocument:
    """H (Hong Kong) or M (Macau), an 8-digit lifelong number, optionally 2 replacement digits."""
    text = _normalise(number)
    match = _HK_MACAU_PERMIT.fullmatch(text)
    if match is None:
        raise _format_error(
            DocumentType.HK_MACAU_TRAVEL_PERMIT, "H or M followed by 8 (or 10) digits", number
        )
    facts = [
        ("holder", _HOLDER_DESCRIPTIONS["hong_kong" if text[0] == "H" else "macau"]),
        ("lifelong number", match["lifelong"]),
    ]
    if match["replacements"] is not None:
        facts.append(("times replaced", str(int(match["replacements"]))))
    return ValidatedDocument(DocumentType.HK_MACAU_TRAVEL_PERMIT, text, None, None, tuple(facts))


def _taiwan_travel_permit(number: str) -> ValidatedDocument:
    text = _normalise(number)
    if _TAIWAN_PERMIT.fullmatch(text) is None:
        raise _format_error(DocumentType.TAIWAN_TRAVEL_PERMIT, "8 digits", number)
    return ValidatedDocument(
        DocumentType.TAIWAN_TRAVEL_PERMIT,
        text,
        None,
        None,
        (("holder", _HOLDER_DESCRIPTIONS["taiwan"]),),
    )


def _military_card(number: str) -> ValidatedDocument:
    """军, 兵, 士, 文 or 职 and digits; the printed form 军字第1234567号 is stored as 军1234567."""
    text = _normalise(number)
    match = _MILITARY_CARD.fullmatch(text)
    if match is None:
        raise _format_error(
            DocumentType.MILITARY_CARD, "军, 兵, 士, 文 or 职 followed by 6 to 12 digits", number
        )
    return ValidatedDocument(
        DocumentType.MILITARY_CARD,
        match["prefix"] + match["digits"],
        None,
        None,
        (("card prefix", match["prefix"]),),
    )


def _passport(number: str, today: date | None) -> ValidatedDocument:
    text = _normalise(number)
    if len(text) == _MRZ_LINE_LENGTH:
        mrz = parse_mrz_line2(text, today=today)
        sex = {"M": "1", "F": "2"}.get(mrz.sex)
        facts = [("read from", "MRZ line 2"), ("nationality", mrz.nationality)]
        if mrz.birth_date is not None:
            facts.append(("birth date", mrz.birth_date.isoformat()))
        facts.append(("sex", _sex_word(sex)))
        if mrz.expiry_date is not None:
            facts.append(("expiry date", mrz.expiry_date.isoformat()))
        return ValidatedDocument(
            DocumentType.PASSPORT, mrz.document_number, mrz.birth_date, sex, tuple(facts)
        )
    if _PASSPORT_NUMBER.fullmatch(text) is None:
        raise _format_error(
            DocumentType.PASSPORT,
            "5 to 9 letters and digits, or the 44-character second MRZ line",
            number,
        )
    return ValidatedDocument(DocumentType.PASSPORT, text, None, None, (("read from", "number"),))


def validate_document(
    document_type: DocumentType, number: str, *, today: date | None = None
) -> ValidatedDocument:
    """The normalised number and what it encodes, or a ``DocumentError`` naming the broken rule.

    ``today`` bounds birth dates and dates the MRZ century; tests pass it to stay deterministic.
    """
    if not _normalise(number):
        raise DocumentError("the document number is empty", code="document.empty", value=number)
    match document_type:
        case DocumentType.RESIDENT_ID:
            return _resident_id(number, today)
        case DocumentType.RESIDENCE_PERMIT:
            return _residence_permit(number, today)
        case DocumentType.FOREIGNER_PERMANENT:
            return _foreigner_card(number, today)
        case DocumentType.HK_MACAU_TRAVEL_PERMIT:
            return _hk_macau_travel_permit(number)
        case DocumentType.TAIWAN_TRAVEL_PERMIT:
            return _taiwan_travel_permit(number)
        case DocumentType.MILITARY_CARD:
            return _military_card(number)
        case DocumentType.PASSPORT:
            return _passport(number, today)
