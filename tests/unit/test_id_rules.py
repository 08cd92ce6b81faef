"""Document number rules, with the test vectors of domain.md section 3."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DocumentError
from desk_app.idcard.areas import SAMPLE_COUNTIES
from desk_app.idcard.codes import ethnicity_code, ethnicity_name, sex_code, sex_name
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
ICAO_SPECIMEN = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


def _rule(document_type: DocumentType, number: str) -> str:
    with pytest.raises(DocumentError) as raised:
        validate_document(document_type, number, today=TODAY)
    return raised.value.code


def test_the_domain_test_vector() -> None:
    info = parse_citizen_id("11010519491231002X", today=TODAY)
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex_code == "2"  # sequence 002 is even
    assert info.area_code == "110105" and info.province == "北京市"
    assert info.holder == "citizen" and not info.upgraded_from_15


def test_lowercase_x_and_spaces_are_normalised() -> None:
    assert parse_citizen_id(" 110105 19491231 002x ", today=TODAY).number == "11010519491231002X"


def test_legacy_15_digit_numbers_are_converted() -> None:
    assert upgrade_15_to_18("110105491231002") == "11010519491231002X"
    info = parse_citizen_id("110105491231002", today=TODAY)
    assert info.number == "11010519491231002X" and info.upgraded_from_15


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("", "document.empty"),
        ("   ", "document.empty"),
        ("1101051949123100", "document.length"),
        ("110105194912310021X", "document.length"),
        ("11010519491231002A", "document.characters"),
        ("1101051949123X002X", "document.characters"),
        ("110105194912310021", "document.check_character"),
        (_with_check("00010519491231002"), "document.area_code"),
        (_with_check("99010519491231002"), "document.area_code"),
        (_with_check("11010519990230002"), "document.birth_date_invalid"),
        (_with_check("11010519991301002"), "document.birth_date_invalid"),
        (_with_check("11010520261129002"), "document.birth_date_future"),
        (_with_check("11010518991231002"), "document.birth_date_too_old"),
    ],
)
def test_each_rule_is_named(number: str, rule: str) -> None:
    with pytest.raises(DocumentError) as raised:
        parse_citizen_id(number, today=TODAY)
    assert raised.value.code == rule
    assert raised.value.message


def test_a_wrong_check_character_says_what_was_expected() -> None:
    with pytest.raises(DocumentError) as raised:
        parse_citizen_id("110105194912310021", today=TODAY)
    assert raised.value.context["expected"] == "X"


def test_leap_day_is_a_real_date() -> None:
    assert parse_citizen_id(_with_check("11010520000229001"), today=TODAY).sex_code == "1"
    assert _rule(DocumentType.RESIDENT_ID, _with_check("11010519000229001")) == (
        "document.birth_date_invalid"
    )


@pytest.mark.parametrize(
    ("prefix", "holder"), [("810000", "hong_kong"), ("820000", "macau"), ("830000", "taiwan")]
)
def test_residence_permits(prefix: str, holder: str) -> None:
    number = _with_check(f"{prefix}19900101003")
    document = validate_document(DocumentType.RESIDENCE_PERMIT, number, today=TODAY)
    assert document.citizen is not None and document.citizen.holder == holder
    assert document.sex_code == "1"
    assert _rule(DocumentType.RESIDENT_ID, number) == "document.type_mismatch"
    assert _rule(DocumentType.RESIDENCE_PERMIT, _with_check("81010119900101003")) == (
        "document.prefix"
    )
    assert _rule(DocumentType.RESIDENCE_PERMIT, "11010519491231002X") == "document.prefix"


def test_foreigner_permanent_residence_card_2023() -> None:
    number = _with_check("91115619800101124")  # issued in Beijing (11), nationality 156
    document = validate_document(DocumentType.FOREIGNER_PERMANENT, number, today=TODAY)
    assert document.birth_date == date(1980, 1, 1)
    assert ("nationality code", "156") in document.facts
    assert _rule(DocumentType.RESIDENT_ID, number) == "document.type_mismatch"
    assert _rule(DocumentType.FOREIGNER_PERMANENT, "11010519491231002X") == "document.prefix"
    wrong_check = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert _rule(DocumentType.FOREIGNER_PERMANENT, wrong_check) == "document.check_character"
    assert _rule(DocumentType.FOREIGNER_PERMANENT, _with_check("90015619800101124")) == (
        "document.area_code"
    )


@pytest.mark.parametrize(
    ("document_type", "number", "normalised"),
    [
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "h12345678", "H12345678"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "M1234567801", "M1234567801"),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, "12345678", "12345678"),
        (DocumentType.MILITARY_CARD, "军1234567", "军1234567"),
        (DocumentType.MILITARY_CARD, "士字第20231234号", "士20231234"),
        (DocumentType.MILITARY_CARD, "文 123456", "文123456"),
        (DocumentType.PASSPORT, "e12345678", "E12345678"),
    ],
)
def test_documents_without_a_chip_valid(
    document_type: DocumentType, number: str, normalised: str
) -> None:
    assert validate_document(document_type, number, today=TODAY).number == normalised


@pytest.mark.parametrize(
    ("document_type", "number"),
    [
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "X12345678"),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "H1234567"),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, "1234567"),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, "T1234567"),
        (DocumentType.MILITARY_CARD, "警1234567"),
        (DocumentType.MILITARY_CARD, "军12345"),
        (DocumentType.MILITARY_CARD, "军12345A7"),
        (DocumentType.PASSPORT, "E12"),
        (DocumentType.PASSPORT, "E1234567890"),
        (DocumentType.PASSPORT, "护照12345"),
    ],
)
def test_documents_without_a_chip_invalid(document_type: DocumentType, number: str) -> None:
    assert _rule(document_type, number) == "document.format"


def test_every_type_refuses_an_empty_number() -> None:
    for document_type in DocumentType:
        assert _rule(document_type, " ") == "document.empty"


def test_icao_specimen_mrz() -> None:
    mrz = parse_mrz_line2(ICAO_SPECIMEN, today=TODAY)
    assert mrz.document_number == "L898902C3"
    assert mrz.nationality == "UTO"
    assert mrz.birth_date == date(1974, 8, 12)
    assert mrz.expiry_date == date(2012, 4, 15)
    assert mrz.sex == "F" and mrz.optional_data == "ZE184226B"
    document = validate_document(DocumentType.PASSPORT, ICAO_SPECIMEN, today=TODAY)
    assert (document.number, document.sex_code) == ("L898902C3", "2")


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
    with pytest.raises(DocumentError) as raised:
        parse_mrz_line2(line, today=TODAY)
    assert raised.value.code == "document.mrz_check_digit"
    assert raised.value.context["field"] == field


def test_mrz_check_digit_weights() -> None:
    assert mrz_check_digit("L898902C3") == "6"
    assert mrz_check_digit("740812") == "2"
    assert mrz_check_digit("<<<<<<") == "0"
    with pytest.raises(DocumentError):
        mrz_check_digit("ab#")


def test_code_tables() -> None:
    assert ethnicity_code("汉") == ethnicity_code("汉族") == ethnicity_code("1") == "01"
    assert ethnicity_code("蒙古族") == "02"
    assert ethnicity_code("外国血统中国籍人士") == "98"
    assert ethnicity_name("56") == "基诺"
    assert sex_code("男") == sex_code("M") == sex_code("male") == "1"
    assert sex_code("女") == sex_code("f") == "2"
    assert sex_name("2") == "女"
    for bad in ("57", "火星", ""):
        with pytest.raises(DocumentError) as raised:
            ethnicity_code(bad)
        assert raised.value.code == "document.ethnicity_unknown"
    with pytest.raises(DocumentError) as sex:
        sex_code("x")
    assert sex.value.code == "document.sex_unknown"


@given(
    county=st.sampled_from([code for code, _ in SAMPLE_COUNTIES]),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(0, 999),
)
def test_composed_numbers_round_trip(county: str, birth: date, sequence: int) -> None:
    number = compose_citizen_id(county, birth, sequence)
    info = parse_citizen_id(number, today=TODAY)
    assert (info.birth_date, info.area_code) == (birth, county)
    assert info.sex_code == ("1" if sequence % 2 else "2")


@given(
    county=st.sampled_from([code for code, _ in SAMPLE_COUNTIES]),
    birth=st.dates(min_value=date(1950, 1, 1), max_value=date(2008, 1, 1)),
    sequence=st.integers(0, 999),
    position=st.integers(0, 17),
    data=st.data(),
)
def test_any_single_character_change_is_caught(
    county: str, birth: date, sequence: int, position: int, data: st.DataObject
) -> None:
    """The weights are non-zero modulo 11, so one changed digit always changes the check."""
    number = compose_citizen_id(county, birth, sequence)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(DocumentError):
        parse_citizen_id(changed, today=TODAY)
