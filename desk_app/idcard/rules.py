"""Document number rules (domain.md section 3). Every rejection names the rule it breaks.

The citizen ID number (GB 11643-1999) rule also covers the residence permits of Hong Kong, Macau
and Taiwan residents (codes 810000/820000/830000) and the 2023 foreigner permanent residence card
(``9`` + province + nationality + birth date + sequence + check). Documents without a chip are
checked for shape only, except passports whose machine-readable zone carries check digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DocumentError
from desk_app.idcard.areas import PROVINCES

Holder = Literal["citizen", "hong_kong", "macau", "taiwan", "foreigner"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_PERMIT_HOLDERS: dict[str, Holder] = {"81": "hong_kong", "82": "macau", "83": "taiwan"}
_EARLIEST_BIRTH = date(1900, 1, 1)
_MILITARY_PREFIXES = "军兵士文职"


def check_character(first17: str) -> str:
    """The 18th character of a citizen ID number whose first 17 digits are given."""
    if len(first17) != 17 or not first17.isdigit():
        raise DocumentError(
            "the check character is computed from exactly 17 digits",
            code="document.characters",
            value=first17,
        )
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def upgrade_15_to_18(number15: str) -> str:
    """A legacy 15-digit number in today's form: ``19`` before the year, check character after."""
    if len(number15) != 15 or not number15.isdigit():
        raise DocumentError(
            "a legacy ID number has 15 digits", code="document.length", value=number15
        )
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


def compose_citizen_id(area_code: str, birth_date: date, sequence: int) -> str:
    """A valid number for the given parts (odd sequence: male). For demos and tests."""
    if not (len(area_code) == 6 and area_code.isdigit() and 0 <= sequence <= 999):
        raise ValueError("area code is 6 digits and sequence 0..999")
    first17 = f"{area_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


@dataclass(frozen=True)
class CitizenIdInfo:
    number: str  # 18 characters, upper-case X
    area_code: str
    province: str | None
    birth_date: date
    sex_code: str  # "1" male, "2" female
    holder: Holder
    upgraded_from_15: bool


def _normalise(number: str) -> str:
    return "".join(number.split()).upper()


def _birth_date(digits: str, number: str, today: date) -> date:
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as error:
        raise DocumentError(
            f"{digits} in the number is not a real calendar date",
            code="document.birth_date_invalid",
            value=number,
        ) from error
    if born > today:
        raise DocumentError(
            f"the birth date {born.isoformat()} is in the future",
            code="document.birth_date_future",
            value=number,
        )
    if born < _EARLIEST_BIRTH:
        raise DocumentError(
            f"the birth date {born.isoformat()} is before 1900",
            code="document.birth_date_too_old",
            value=number,
        )
    return born


def parse_citizen_id(number: str, *, today: date | None = None) -> CitizenIdInfo:
    """Validate an 18-digit (or legacy 15-digit) number and say what it encodes."""
    text = _normalise(number)
    if not text:
        raise DocumentError("the ID number is empty", code="document.empty", value=number)
    if len(text) not in (15, 18):
        raise DocumentError(
            f"an ID number has 18 characters (or 15 for old cards), not {len(text)}",
            code="document.length",
            value=number,
        )
    body = text if len(text) == 15 else text[:17]
    if not body.isdigit() or not (len(text) == 15 or text[17].isdigit() or text[17] == "X"):
        raise DocumentError(
            "an ID number has only digits, and an X only as its last character",
            code="document.characters",
            value=number,
        )
    upgraded = len(text) == 15
    if upgraded:
        text = upgrade_15_to_18(text)

    holder: Holder = _PERMIT_HOLDERS.get(text[:2], "citizen")
    if text[0] == "9":
        holder = "foreigner"
        province = PROVINCES.get(text[1:3])
        if text[1:3] not in PROVINCES or text[1:3] in _PERMIT_HOLDERS or text[1] == "7":
            raise DocumentError(
                f"{text[1:3]} is not a province code of a foreigner's card",
                code="document.area_code",
                value=number,
            )
    else:
        province = PROVINCES.get(text[:2])
        if province is None:
            raise DocumentError(
                f"{text[:2]} is not a province code", code="document.area_code", value=number
            )
    born = _birth_date(text[6:14], number, today or date.today())
    expected = check_character(text[:17])
    if text[17] != expected:
        raise DocumentError(
            f"the check character is {text[17]} but the first 17 digits give {expected}",
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
        if character.isdigit():
            value = int(character)
        elif "A" <= character <= "Z":
            value = ord(character) - ord("A") + 10
        elif character == "<":
            value = 0
        else:
            raise DocumentError(
                f"{character!r} cannot stand in a machine-readable zone",
                code="document.characters",
                value=field,
            )
        total += value * (7, 3, 1)[position % 3]
    return str(total % 10)


@dataclass(frozen=True)
class MrzLine2:
    """The second line of a passport's machine-readable zone (TD3, 44 characters)."""

    document_number: str
    nationality: str
    birth_date: date | None
    sex: str  # "M", "F" or "<"
    expiry_date: date | None
    optional_data: str


def _mrz_date(digits: str, *, past: bool, today: date) -> date | None:
    """YYMMDD to a date; birth dates are in the past, expiry dates within the next 50 years."""
    if not digits.isdigit():
        return None
    year, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    century = today.year // 100 * 100
    candidate_year = century + year
    if past and candidate_year > today.year:
        candidate_year -= 100
    if not past and candidate_year < today.year - 50:
        candidate_year += 100
    try:
        return date(candidate_year, month, day)
    except ValueError:
        return None


def parse_mrz_line2(line: str, *, today: date | None = None) -> MrzLine2:
    """Check every check digit of a TD3 line 2 and decode it; name the first field that fails."""
    text = line.strip().upper()
    if len(text) != 44:
        raise DocumentError(
            f"a passport MRZ line has 44 characters, not {len(text)}",
            code="document.length",
            value=line,
        )
    fields = (
        ("document number", text[0:9], text[9]),
        ("birth date", text[13:19], text[19]),
        ("expiry date", text[21:27], text[27]),
        ("optional data", text[28:42], text[42]),
        ("composite", text[0:10] + text[13:20] + text[21:43], text[43]),
    )
    for name, value, check in fields:
        if name == "optional data" and check == "<" and set(value) == {"<"}:
            continue
        if mrz_check_digit(value) != check:
            raise DocumentError(
                f"the MRZ check digit of the {name} is {check}, expected {mrz_check_digit(value)}",
                code="document.mrz_check_digit",
                value=line,
                field=name,
            )
    now = today or date.today()
    return MrzLine2(
        document_number=text[0:9].rstrip("<"),
        nationality=text[10:13].rstrip("<"),
        birth_date=_mrz_date(text[13:19], past=True, today=now),
        sex=text[20],
        expiry_date=_mrz_date(text[21:27], past=False, today=now),
        optional_data=text[28:42].rstrip("<"),
    )


# --- every document type ---------------------------------------------------------------------


@dataclass(frozen=True)
class ValidatedDocument:
    document_type: DocumentType
    number: str  # normalised
    birth_date: date | None
    sex_code: str | None
    facts: tuple[tuple[str, str], ...]  # what the number encodes, for people
    citizen: CitizenIdInfo | None = None


def _format_error(document_type: DocumentType, expected: str, number: str) -> DocumentError:
    return DocumentError(
        f"a {document_type.chinese_name} number is {expected}",
        code="document.format",
        value=number,
        document_type=document_type.value,
    )


def _citizen_document(document_type: DocumentType, info: CitizenIdInfo) -> ValidatedDocument:
    facts: list[tuple[str, str]] = [
        ("area code", f"{info.area_code} {info.province or ''}".strip()),
        ("birth date", info.birth_date.isoformat()),
        ("sex", "male" if info.sex_code == "1" else "female"),
        ("holder", info.holder.replace("_", " ")),
    ]
    if info.holder == "foreigner":
        facts[0] = ("issued in", f"{info.area_code[1:3]} {info.province or ''}".strip())
        facts.insert(1, ("nationality code", info.area_code[3:6]))
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


def _resident_id(number: str, today: date | None) -> ValidatedDocument:
    info = parse_citizen_id(number, today=today)
    if info.holder != "citizen":
        suggested = (
            DocumentType.FOREIGNER_PERMANENT
            if info.holder == "foreigner"
            else DocumentType.RESIDENCE_PERMIT
        )
        raise DocumentError(
            f"this number belongs to a {suggested.chinese_name}, not a resident ID card",
            code="document.type_mismatch",
            value=number,
            suggested_type=suggested.value,
        )
    return _citizen_document(DocumentType.RESIDENT_ID, info)


def _residence_permit(number: str, today: date | None) -> ValidatedDocument:
    info = parse_citizen_id(number, today=today)
    if info.area_code not in ("810000", "820000", "830000"):
        raise DocumentError(
            "a residence permit number starts with 810000, 820000 or 830000",
            code="document.prefix",
            value=number,
        )
    return _citizen_document(DocumentType.RESIDENCE_PERMIT, info)


def _foreigner_card(number: str, today: date | None) -> ValidatedDocument:
    text = _normalise(number)
    if len(text) != 18 or not text.startswith("9"):
        raise DocumentError(
            "a 2023 foreigner permanent residence card number has 18 digits starting with 9",
            code="document.prefix",
            value=number,
        )
    return _citizen_document(DocumentType.FOREIGNER_PERMANENT, parse_citizen_id(text, today=today))


def _travel_permit_hk_macau(number: str) -> ValidatedDocument:
    text = _normalise(number)
    if not (text[:1] in ("H", "M") and text[1:].isdigit() and len(text) in (9, 11)):
        raise _format_error(
            DocumentType.HK_MACAU_TRAVEL_PERMIT, "H or M followed by 8 (or 10) digits", number
        )
    holder = "Hong Kong resident" if text[0] == "H" else "Macau resident"
    return ValidatedDocument(
        DocumentType.HK_MACAU_TRAVEL_PERMIT, text, None, None, (("holder", holder),)
    )


def _travel_permit_taiwan(number: str) -> ValidatedDocument:
    text = _normalise(number)
    if not (len(text) == 8 and text.isdigit()):
        raise _format_error(DocumentType.TAIWAN_TRAVEL_PERMIT, "8 digits", number)
    return ValidatedDocument(
        DocumentType.TAIWAN_TRAVEL_PERMIT, text, None, None, (("holder", "Taiwan resident"),)
    )


def _military_card(number: str) -> ValidatedDocument:
    text = _normalise(number)
    if text[:1] in _MILITARY_PREFIXES and text[1:2] == "字" and text[2:3] == "第":
        text = text[0] + text[3:].removesuffix("号")  # 军字第1234567号 -> 军1234567
    digits = text[1:]
    if not (text[:1] in _MILITARY_PREFIXES and digits.isdigit() and 6 <= len(digits) <= 12):
        raise _format_error(
            DocumentType.MILITARY_CARD, "军, 兵, 士, 文 or 职 followed by 6 to 12 digits", number
        )
    return ValidatedDocument(
        DocumentType.MILITARY_CARD, text, None, None, (("card class", text[0]),)
    )


def _passport(number: str, today: date | None) -> ValidatedDocument:
    text = _normalise(number)
    if len(text) == 44:
        mrz = parse_mrz_line2(text, today=today)
        sex = {"M": "1", "F": "2"}.get(mrz.sex)
        facts = [("nationality", mrz.nationality)]
        if mrz.birth_date:
            facts.append(("birth date", mrz.birth_date.isoformat()))
        if mrz.expiry_date:
            facts.append(("expiry date", mrz.expiry_date.isoformat()))
        return ValidatedDocument(
            DocumentType.PASSPORT, mrz.document_number, mrz.birth_date, sex, tuple(facts)
        )
    if not (5 <= len(text) <= 9 and text.isalnum() and text.isascii()):
        raise _format_error(
            DocumentType.PASSPORT,
            "5 to 9 letters and digits, or the 44-character second MRZ line",
            number,
        )
    return ValidatedDocument(DocumentType.PASSPORT, text, None, None, ())


def validate_document(
    document_type: DocumentType, number: str, *, today: date | None = None
) -> ValidatedDocument:
    """The normalised number and what it encodes, or a DocumentError naming the broken rule."""
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
            return _travel_permit_hk_macau(number)
        case DocumentType.TAIWAN_TRAVEL_PERMIT:
            return _travel_permit_taiwan(number)
        case DocumentType.MILITARY_CARD:
            return _military_card(number)
        case DocumentType.PASSPORT:
            return _passport(number, today)
