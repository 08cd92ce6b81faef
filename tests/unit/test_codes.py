"""Code tables: GB/T 3304 ethnicities, GB/T 2261.1 sexes and GB/T 2260 province codes."""

from __future__ import annotations

import pytest

from desk_app.domain.errors import DocumentError
from desk_app.idcard.areas import MAINLAND_PROVINCES, PROVINCES, SAMPLE_COUNTIES
from desk_app.idcard.codes import (
    ETHNICITIES,
    SEXES,
    ethnicity_code,
    ethnicity_name,
    sex_code,
    sex_name,
)


def test_the_ethnicity_table_is_the_one_of_the_domain_reference() -> None:
    assert list(ETHNICITIES) == [f"{code:02d}" for code in range(1, 57)] + ["97", "98"]
    assert len(set(ETHNICITIES.values())) == len(ETHNICITIES)
    assert (ETHNICITIES["01"], ETHNICITIES["05"], ETHNICITIES["56"]) == ("汉", "维吾尔", "基诺")
    assert (ETHNICITIES["97"], ETHNICITIES["98"]) == ("其他", "外国血统中国籍人士")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("01", "01"),
        ("1", "01"),
        (" 1 ", "01"),
        ("０１", "01"),
        ("汉", "01"),
        ("汉族", "01"),
        ("蒙古族", "02"),
        ("蒙古", "02"),
        ("维吾尔族", "05"),
        ("56", "56"),
        ("97", "97"),
        ("其他", "97"),
        ("外国血统中国籍人士", "98"),
    ],
)
def test_ethnicity_spellings(value: str, code: str) -> None:
    assert ethnicity_code(value) == code


@pytest.mark.parametrize("value", ["", "0", "00", "57", "99", "001", "火星", "汉汉", "Han", "族"])
def test_unknown_ethnicities_are_refused(value: str) -> None:
    with pytest.raises(DocumentError) as raised:
        ethnicity_code(value)
    assert raised.value.code == "document.ethnicity_unknown"
    assert raised.value.context["value"] == value


@pytest.mark.parametrize(("value", "name"), [("01", "汉"), ("2", "蒙古"), ("藏族", "藏")])
def test_ethnicity_names(value: str, name: str) -> None:
    assert ethnicity_name(value) == name


def test_the_sex_table() -> None:
    assert dict(SEXES) == {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1", "1"),
        ("男", "1"),
        ("男性", "1"),
        ("M", "1"),
        ("m", "1"),
        ("male", "1"),
        ("MALE", "1"),
        (" Male ", "1"),
        ("2", "2"),
        ("女", "2"),
        ("F", "2"),
        ("f", "2"),
        ("female", "2"),
        ("Female", "2"),
        ("Ｆ", "2"),
        ("0", "0"),
        ("9", "9"),
        ("未说明的性别", "9"),
    ],
)
def test_sex_spellings(value: str, code: str) -> None:
    assert sex_code(value) == code


@pytest.mark.parametrize("value", ["", "3", "x", "男女", "woman", "mf"])
def test_unknown_sexes_are_refused(value: str) -> None:
    with pytest.raises(DocumentError) as raised:
        sex_code(value)
    assert raised.value.code == "document.sex_unknown"


@pytest.mark.parametrize(("value", "name"), [("1", "男"), ("M", "男"), ("2", "女"), ("f", "女")])
def test_sex_names(value: str, name: str) -> None:
    assert sex_name(value) == name


def test_province_codes() -> None:
    assert len(MAINLAND_PROVINCES) == 31
    assert set(PROVINCES) - set(MAINLAND_PROVINCES) == {"71", "81", "82", "83"}
    assert (PROVINCES["11"], PROVINCES["65"], PROVINCES["81"]) == (
        "北京市",
        "新疆维吾尔自治区",
        "香港特别行政区",
    )


def test_sample_counties_are_spread_over_the_mainland() -> None:
    codes = [code for code, _ in SAMPLE_COUNTIES]
    assert len(codes) == len(set(codes)) >= 60
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert {code[:2] for code in codes} == set(MAINLAND_PROVINCES)
    assert all(name for _, name in SAMPLE_COUNTIES)
