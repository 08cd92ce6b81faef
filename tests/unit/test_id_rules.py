"""Document number rules, with the test vectors of domain.md section 3."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DocumentError
from desk_app.idcard.areas import SAMPLE_COUNTIES
from desk_app.idcard.rules import (
    check_character,
    compose_citizen_id,
    mrz_check_digit,
    parse_citizen_id,
    parse_mrz_line2,
    upgrade_15_to_18,
    validate_document,
)

TODAY = date(2026, 11, 28)
DOMAIN_VECTOR = "11010519491231002X"
ICAO_SPECIMEN = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
COUNTY_CODES = [code for code, _ in SAMPLE_COUNTIES]


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


def _wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def _mrz_line(
    number: str = "E12345678",
    nationality: str = "CHN",
    birth: str = "900101",
    sex: str = "M",
    expiry: str = "300101",
    optional: str = "",
) -> str:
    """A TD3 line 2 with correct check digits, built field by field."""
    number_field = number.ljust(9, "<")
    optional_field = optional.ljust(14, "<")
    upper = number_field + mrz_check_digit(number_field)
    middle = birth + mrz_check_digit(birth)
    lower = expiry + mrz_check_digit(expiry)
    optional_check = mrz_check_digit(optional_field) if optional else "<"
    tail = optional_field + optional_check
    composite = mrz_check_digit(upper + middle + lower + tail)
    return f"{upper}{nationality}{middle}{sex}{lower}{tail}{composite}"


def _parse_rule(number: str) -> str:
    with pytest.raises(DocumentError) as raised:
        parse_citizen_id(number, today=TODAY)
    assert raised.value.message
    assert raised.value.context["value"] == number
    return raised.value.code


def _rule(document_type: DocumentType, number: str) -> DocumentError:
    with pytest.raises(DocumentError) as raised:
        validate_document(document_type, number, today=TODAY)
    assert raised.value.message
    return raised.value


# --- the citizen ID number -------------------------------------------------------------------


def test_the_domain_test_vector() -> None:
    info = parse_citizen_id(DOMAIN_VECTOR, today=TODAY)
    assert info.number == DOMAIN_VECTOR
    assert info.area_code == "110105" and info.province == "北京市"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex_code == "2"
    assert info.holder == "citizen" and not info.upgraded_from_15


def test_check_character_of_the_domain_vector() -> None:
    assert check_character(DOMAIN_VECTOR[:17]) == "X"
    assert check_character("11010519491231001") == "1"


@pytest.mark.parametrize("first17", ["", "1101051949123100", "1101051949123100X", "\u0661" * 17])
def test_check_character_needs_17_ascii_digits(first17: str) -> None:
    with pytest.raises(DocumentError) as raised:
        check_character(first17)
    assert raised.value.code == "document.characters"


def test_legacy_15_digit_numbers_are_converted() -> None:
    assert upgrade_15_to_18("110105491231002") == DOMAIN_VECTOR
    info = parse_citizen_id("110105491231002", today=TODAY)
    assert info.number == DOMAIN_VECTOR and info.upgraded_from_15
    assert info.birth_date == date(1949, 12, 31)


@pytest.mark.parametrize("number15", ["11010549123100", "11010549123100X", "1101054912310021"])
def test_upgrade_refuses_anything_but_15_digits(number15: str) -> None:
    with pytest.raises(DocumentError) as raised:
        upgrade_15_to_18(number15)
    assert raised.value.code == "document.length"


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        " 11010519491231002X\n",
        "110105 19491231 002X",
        "１１０１０５１９４９１２３１００２Ｘ",
    ],
)
def test_typed_forms_are_normalised(typed: str) -> None:
    assert parse_citizen_id(typed, today=TODAY).number == DOMAIN_VECTOR


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("", "document.empty"),
        ("  \t", "document.empty"),
        ("1101051949123100", "document.length"),
        ("11010519491231002X1", "document.length"),
        ("1101054912310", "document.length"),
        ("11010519491231002A", "document.characters"),
        ("1101051949123X002X", "document.characters"),
        ("11010549123100X", "document.characters"),
        ("11010519491231002\u0662", "document.characters"),
        ("110105194912310021", "document.check_character"),
        (_with_check("00010519491231002"), "document.area_code"),
        (_with_check("72010519491231002"), "document.area_code"),
        (_with_check("99010519491231002"), "document.area_code"),
        (_with_check("97110019800101001"), "document.area_code"),
        (_with_check("98110019800101001"), "document.area_code"),
        ("810000900101003", "document.area_code"),
        ("911840800101001", "document.area_code"),
        (_with_check("11010519990230002"), "document.birth_date_invalid"),
        (_with_check("11010519991301002"), "document.birth_date_invalid"),
        (_with_check("11010519000229001"), "document.birth_date_invalid"),
        (_with_check("11010520261129002"), "document.birth_date_future"),
        (_with_check("11010521000101002"), "document.birth_date_future"),
        (_with_check("11010518991231002"), "document.birth_date_too_old"),
    ],
)
def test_each_rule_is_named(number: str, rule: str) -> None:
    assert _parse_rule(number) == rule


def test_a_wrong_check_character_says_what_was_expected() -> None:
    with pytest.raises(DocumentError) as raised:
        parse_citizen_id("110105194912310021", today=TODAY)
    assert (raised.value.context["expected"], raised.value.context["actual"]) == ("X", "1")
    assert "check character" in raised.value.message


def test_dates_at_the_edges() -> None:
    assert parse_citizen_id(_with_check("11010520000229001"), today=TODAY).sex_code == "1"
    assert parse_citizen_id(_with_check("11010519000101001"), today=TODAY).birth_date == date(
        1900, 1, 1
    )
    born_today = parse_citizen_id(_with_check("11010520261128001"), today=TODAY)
    assert born_today.birth_date == TODAY


def test_today_defaults_to_the_real_date() -> None:
    assert parse_citizen_id(DOMAIN_VECTOR).birth_date == date(1949, 12, 31)
    with pytest.raises(DocumentError) as raised:
        parse_citizen_id(compose_citizen_id("110105", date(9999, 12, 31), 1))
    assert raised.value.code == "document.birth_date_future"


def test_compose_citizen_id() -> None:
    assert compose_citizen_id("110105", date(1949, 12, 31), 2) == DOMAIN_VECTOR
    for area_code, sequence in (("11010", 1), ("11010A", 1), ("110105", -1), ("110105", 1000)):
        with pytest.raises(ValueError):
            compose_citizen_id(area_code, date(1990, 1, 1), sequence)


# --- the chip cards through validate_document ------------------------------------------------


def test_a_resident_id_card_and_its_facts() -> None:
    document = validate_document(DocumentType.RESIDENT_ID, "11010519491231002x", today=TODAY)
    assert (document.number, document.birth_date, document.sex_code) == (
        DOMAIN_VECTOR,
        date(1949, 12, 31),
        "2",
    )
    assert document.facts == (
        ("area code", "110105 北京市"),
        ("birth date", "1949-12-31"),
        ("sex", "female"),
        ("holder", "mainland citizen"),
    )
    assert document.citizen is not None and document.citizen.number == DOMAIN_VECTOR


def test_a_legacy_resident_number_is_stored_in_its_18_digit_form() -> None:
    document = validate_document(DocumentType.RESIDENT_ID, "110105491231002", today=TODAY)
    assert document.number == DOMAIN_VECTOR
    assert document.facts[-1] == ("converted from", "a 15-digit legacy number")


@pytest.mark.parametrize(
    ("number", "suggested"),
    [
        (_with_check("81000019900101003"), "residence_permit"),
        (_with_check("82000019900101004"), "residence_permit"),
        (_with_check("83000019900101003"), "residence_permit"),
        (_wrong_check(_with_check("83000019900101003")), "residence_permit"),
        (_with_check("91184019800101001"), "foreigner_permanent"),
    ],
)
def test_a_resident_id_refuses_permit_and_foreigner_numbers(number: str, suggested: str) -> None:
    error = _rule(DocumentType.RESIDENT_ID, number)
    assert error.code == "document.type_mismatch"
    assert error.context["suggested_type"] == suggested


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("11010519491231002", "document.length"),
        ("110105194912310021", "document.check_character"),
        (_with_check("11010519990230002"), "document.birth_date_invalid"),
        (_with_check("11010520270101002"), "document.birth_date_future"),
    ],
)
def test_a_resident_id_applies_the_citizen_rule(number: str, rule: str) -> None:
    assert _rule(DocumentType.RESIDENT_ID, number).code == rule


@pytest.mark.parametrize(
    ("prefix", "holder", "province", "description"),
    [
        ("810000", "hong_kong", "香港特别行政区", "Hong Kong resident"),
        ("820000", "macau", "澳门特别行政区", "Macau resident"),
        ("830000", "taiwan", "台湾地区", "Taiwan resident"),
    ],
)
def test_residence_permits(prefix: str, holder: str, province: str, description: str) -> None:
    number = _with_check(f"{prefix}19900101003")
    document = validate_document(DocumentType.RESIDENCE_PERMIT, number, today=TODAY)
    assert document.citizen is not None and document.citizen.holder == holder
    assert (document.birth_date, document.sex_code) == (date(1990, 1, 1), "1")
    assert ("area code", f"{prefix} {province}") in document.facts
    assert ("holder", description) in document.facts


@pytest.mark.parametrize(
    ("number", "rule", "suggested"),
    [
        (DOMAIN_VECTOR, "document.prefix", "resident_id"),
        (_with_check("81010119900101003"), "document.prefix", "residence_permit"),
        (_with_check("91184019800101001"), "document.prefix", "foreigner_permanent"),
        ("810000900101003", "document.length", None),
        (_wrong_check(_with_check("81000019900101003")), "document.check_character", None),
        (_with_check("81000019900231003"), "document.birth_date_invalid", None),
    ],
)
def test_residence_permits_invalid(number: str, rule: str, suggested: str | None) -> None:
    error = _rule(DocumentType.RESIDENCE_PERMIT, number)
    assert error.code == rule
    assert error.context.get("suggested_type") == suggested


def test_foreigner_permanent_residence_card_2023() -> None:
    number = _with_check("91184019800101124")  # issued in Beijing (11), nationality 840
    document = validate_document(DocumentType.FOREIGNER_PERMANENT, number, today=TODAY)
    assert (document.birth_date, document.sex_code) == (date(1980, 1, 1), "2")
    assert document.facts[:2] == (("issued in", "11 北京市"), ("nationality code", "840"))
    assert ("holder", "foreign permanent resident") in document.facts
    assert document.citizen is not None and document.citizen.holder == "foreigner"


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        (DOMAIN_VECTOR, "document.prefix"),
        (_with_check("81000019900101003"), "document.prefix"),
        ("911840800101001", "document.length"),
        ("9118401980010112", "document.length"),
        (_wrong_check(_with_check("91184019800101124")), "document.check_character"),
        (_with_check("90084019800101124"), "document.area_code"),
        (_with_check("97184019800101124"), "document.area_code"),
        (_with_check("98184019800101124"), "document.area_code"),
        (_with_check("91184019800230124"), "document.birth_date_invalid"),
    ],
)
def test_foreigner_permanent_residence_card_invalid(number: str, rule: str) -> None:
    assert _rule(DocumentType.FOREIGNER_PERMANENT, number).code == rule


# --- documents without a chip ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("document_type", "number", "normalised"),
    [
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "H12345678", "H12345678"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "h12345678", "H12345678"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "M1234567801", "M1234567801"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "Ｈ１２３４５６７８", "H12345678"),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, "12345678", "12345678"),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, " 0123 4567 ", "01234567"),
        (DocumentType.MILITARY_CARD, "军1234567", "军1234567"),
        (DocumentType.MILITARY_CARD, "兵123456", "兵123456"),
        (DocumentType.MILITARY_CARD, "职123456789012", "职123456789012"),
        (DocumentType.MILITARY_CARD, "军字第1234567号", "军1234567"),
        (DocumentType.MILITARY_CARD, "士字第20231234号", "士20231234"),
        (DocumentType.MILITARY_CARD, "文 123456", "文123456"),
        (DocumentType.MILITARY_CARD, "文字１２３４５６号", "文123456"),
        (DocumentType.PASSPORT, "e12345678", "E12345678"),
        (DocumentType.PASSPORT, "EA1234567", "EA1234567"),
        (DocumentType.PASSPORT, "K1234", "K1234"),
    ],
)
def test_documents_without_a_chip_valid(
    document_type: DocumentType, number: str, normalised: str
) -> None:
    document = validate_document(document_type, number, today=TODAY)
    assert document.number == normalised
    assert document.document_type is document_type
    assert (document.birth_date, document.sex_code, document.citizen) == (None, None, None)


@pytest.mark.parametrize(
    ("document_type", "number"),
    [
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "X12345678"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "H1234567"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "H123456789"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "H123456780123"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "12345678"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "HM1234567"),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, "1234567"),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, "123456789"),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, "T1234567"),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, "1234567\u0662"),
        (DocumentType.MILITARY_CARD, "警1234567"),
        (DocumentType.MILITARY_CARD, "军12345"),
        (DocumentType.MILITARY_CARD, "军1234567890123"),
        (DocumentType.MILITARY_CARD, "军12345A7"),
        (DocumentType.MILITARY_CARD, "1234567"),
        (DocumentType.MILITARY_CARD, "军字第号"),
        (DocumentType.MILITARY_CARD, "军军1234567"),
        (DocumentType.PASSPORT, "E12"),
        (DocumentType.PASSPORT, "E1234567890"),
        (DocumentType.PASSPORT, "护照12345"),
        (DocumentType.PASSPORT, "E1234-567"),
        (DocumentType.PASSPORT, ICAO_SPECIMEN[:-1]),
    ],
)
def test_documents_without_a_chip_invalid(document_type: DocumentType, number: str) -> None:
    error = _rule(document_type, number)
    assert error.code == "document.format"
    assert error.context == {"value": number, "document_type": document_type.value}


def test_hk_macau_permit_facts() -> None:
    document = validate_document(DocumentType.HK_MACAU_TRAVEL_PERMIT, "M1234567802", today=TODAY)
    assert document.facts == (
        ("holder", "Macau resident"),
        ("lifelong number", "M12345678"),
        ("times replaced", "2"),
    )


@pytest.mark.parametrize("document_type", list(DocumentType))
@pytest.mark.parametrize("number", ["", " ", "\u3000"])
def test_every_type_refuses_an_empty_number(document_type: DocumentType, number: str) -> None:
    assert _rule(document_type, number).code == "document.empty"


# --- passports and the ICAO 9303 machine-readable zone ---------------------------------------


def test_icao_specimen_mrz() -> None:
    mrz = parse_mrz_line2(ICAO_SPECIMEN, today=TODAY)
    assert (mrz.document_number, mrz.nationality) == ("L898902C3", "UTO")
    assert (mrz.birth_date, mrz.expiry_date) == (date(1974, 8, 12), date(2012, 4, 15))
    assert (mrz.sex, mrz.optional_data) == ("F", "ZE184226B")


def test_a_passport_from_its_mrz() -> None:
    document = validate_document(DocumentType.PASSPORT, ICAO_SPECIMEN, today=TODAY)
    assert (document.number, document.birth_date, document.sex_code) == (
        "L898902C3",
        date(1974, 8, 12),
        "2",
    )
    assert document.facts == (
        ("read from", "MRZ line 2"),
        ("nationality", "UTO"),
        ("birth date", "1974-08-12"),
        ("sex", "female"),
        ("expiry date", "2012-04-15"),
    )


@pytest.mark.parametrize(
    ("position", "field"),
    [
        (9, "document number"),
        (19, "birth date"),
        (27, "expiry date"),
        (42, "optional data"),
        (43, "composite"),
    ],
)
def test_each_broken_mrz_check_digit_is_named(position: int, field: str) -> None:
    wrong = str((int(ICAO_SPECIMEN[position]) + 1) % 10)
    line = ICAO_SPECIMEN[:position] + wrong + ICAO_SPECIMEN[position + 1 :]
    for check in (
        lambda: parse_mrz_line2(line, today=TODAY),
        lambda: validate_document(DocumentType.PASSPORT, line, today=TODAY),
    ):
        with pytest.raises(DocumentError) as raised:
            check()
        assert raised.value.code == "document.mrz_check_digit"
        assert raised.value.context["field"] == field
        assert raised.value.context["actual"] == wrong


@pytest.mark.parametrize(
    ("position", "field"),
    [(1, "document number"), (15, "birth date"), (24, "expiry date"), (30, "optional data")],
)
def test_a_misread_character_in_a_field_breaks_its_check_digit(position: int, field: str) -> None:
    replacement = "7" if ICAO_SPECIMEN[position] != "7" else "8"
    line = ICAO_SPECIMEN[:position] + replacement + ICAO_SPECIMEN[position + 1 :]
    with pytest.raises(DocumentError) as raised:
        parse_mrz_line2(line, today=TODAY)
    assert raised.value.context["field"] == field


def test_nationality_and_sex_have_no_check_digit() -> None:
    """No check digit covers nationality or sex, so a misread there cannot be detected."""
    line = ICAO_SPECIMEN[:10] + "CHN" + ICAO_SPECIMEN[13:20] + "M" + ICAO_SPECIMEN[21:]
    mrz = parse_mrz_line2(line, today=TODAY)
    assert (mrz.nationality, mrz.sex) == ("CHN", "M")


def test_mrz_check_digit_weights() -> None:
    assert mrz_check_digit("L898902C3") == "6"
    assert mrz_check_digit("740812") == "2"
    assert mrz_check_digit("120415") == "9"
    assert mrz_check_digit("ZE184226B<<<<<") == "1"
    assert mrz_check_digit("<<<<<<") == "0"
    assert mrz_check_digit("") == "0"


@pytest.mark.parametrize("field", ["ab", "L898#", "E1234 567"])
def test_mrz_check_digit_refuses_characters_outside_the_mrz(field: str) -> None:
    with pytest.raises(DocumentError) as raised:
        mrz_check_digit(field)
    assert raised.value.code == "document.characters"


def test_a_chinese_passport_mrz_without_optional_data() -> None:
    line = _mrz_line("E12345678", "CHN", "900101", "M", "300101")
    assert line[42] == "<"
    document = validate_document(DocumentType.PASSPORT, line.lower(), today=TODAY)
    assert (document.number, document.birth_date, document.sex_code) == (
        "E12345678",
        date(1990, 1, 1),
        "1",
    )


def test_a_short_document_number_is_padded_in_the_mrz() -> None:
    mrz = parse_mrz_line2(_mrz_line(number="K1234", optional="AB12"), today=TODAY)
    assert (mrz.document_number, mrz.optional_data) == ("K1234", "AB12")


def test_mrz_birth_dates_are_in_the_past_and_expiry_dates_in_this_century() -> None:
    yesterday = parse_mrz_line2(_mrz_line(birth="261127", expiry="361127"), today=TODAY)
    assert (yesterday.birth_date, yesterday.expiry_date) == (date(2026, 11, 27), date(2036, 11, 27))
    tomorrow = parse_mrz_line2(_mrz_line(birth="261129"), today=TODAY)
    assert tomorrow.birth_date == date(1926, 11, 29)


def test_unknown_mrz_dates_and_sex_are_allowed() -> None:
    document = validate_document(
        DocumentType.PASSPORT, _mrz_line(birth="90<<<<", sex="<"), today=TODAY
    )
    assert (document.birth_date, document.sex_code) == (None, None)
    assert ("sex", "not stated") in document.facts


@pytest.mark.parametrize(
    ("line", "rule", "field"),
    [
        (_mrz_line(birth="900230"), "document.birth_date_invalid", "birth date"),
        (_mrz_line(expiry="301301"), "document.expiry_date_invalid", "expiry date"),
        (_mrz_line(birth="9A0101"), "document.characters", None),
        (ICAO_SPECIMEN[:-1], "document.length", None),
        (ICAO_SPECIMEN + "<", "document.length", None),
        (ICAO_SPECIMEN[:5] + "#" + ICAO_SPECIMEN[6:], "document.characters", None),
    ],
)
def test_mrz_lines_that_cannot_be_decoded(line: str, rule: str, field: str | None) -> None:
    with pytest.raises(DocumentError) as raised:
        parse_mrz_line2(line, today=TODAY)
    assert raised.value.code == rule
    assert raised.value.context.get("field") == field


# --- properties ------------------------------------------------------------------------------

_county_codes = st.sampled_from(COUNTY_CODES)
_birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
_sequences = st.integers(min_value=0, max_value=999)


@given(county=_county_codes, birth=_birth_dates, sequence=_sequences)
def test_composed_numbers_round_trip(county: str, birth: date, sequence: int) -> None:
    number = compose_citizen_id(county, birth, sequence)
    info = parse_citizen_id(number, today=TODAY)
    assert (info.number, info.area_code, info.birth_date) == (number, county, birth)
    assert info.sex_code == ("1" if sequence % 2 else "2")
    document = validate_document(DocumentType.RESIDENT_ID, number.lower(), today=TODAY)
    assert (document.number, document.birth_date) == (number, birth)


@given(
    county=_county_codes,
    birth=_birth_dates,
    sequence=_sequences,
    position=st.integers(min_value=0, max_value=17),
    data=st.data(),
)
def test_any_single_character_change_is_caught(
    county: str, birth: date, sequence: int, position: int, data: st.DataObject
) -> None:
    """MOD 11-2 catches every single substitution; other rules may catch it first.

    Changing digit ``i`` by ``d`` moves the weighted sum by ``w_i * d``. Every weight is non-zero
    modulo the prime 11 and ``0 < |d| < 11``, so the sum, and therefore the check character,
    always changes: one change can never be compensated, only a second one can. An edit in the
    province or birth date may break one of those rules before the check runs, so only edits in
    the sequence digits or the check character itself are sure to be reported as a bad check.
    """
    number = compose_citizen_id(county, birth, sequence)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    if position < 17:
        assert check_character(changed[:17]) != changed[17]
    with pytest.raises(DocumentError) as raised:
        parse_citizen_id(changed, today=TODAY)
    if position >= 14:
        assert raised.value.code == "document.check_character"


@given(
    county=_county_codes,
    birth=_birth_dates,
    sequence=_sequences,
    position=st.integers(min_value=0, max_value=15),
)
def test_swapping_two_neighbouring_digits_is_caught(
    county: str, birth: date, sequence: int, position: int
) -> None:
    """A swap of unequal neighbours moves the sum by ``(a - b)(w_i - w_i+1)``, never 0 mod 11.

    Neighbouring weights differ by ``w_i+1`` (each weight is twice the next one modulo 11).
    """
    number = compose_citizen_id(county, birth, sequence)
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if swapped == number:
        return
    assert check_character(swapped[:17]) != number[17]
    with pytest.raises(DocumentError):
        parse_citizen_id(swapped, today=TODAY)


def test_two_compensating_changes_can_go_unnoticed() -> None:
    """The check is no proof of authenticity: two edits can cancel out, so numbers are also
    compared with the chip and the roster."""
    number = DOMAIN_VECTOR
    forged = next(
        candidate
        for first in "0123456789"
        for second in "0123456789"
        if (candidate := number[:14] + first + second + number[16:]) != number
        and check_character(candidate[:17]) == candidate[17]
    )
    assert parse_citizen_id(forged, today=TODAY).number == forged
