"""Parsing single roster cells."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desk_app.roster.values import (
    check_email,
    find_control_character,
    loses_digits,
    normalise_phone,
    parse_date_text,
    restore_neutralised,
    split_ticket_numbers,
    spreadsheet_text,
    to_ascii,
)
from desk_app.roster.writer import neutralise_cell


@pytest.mark.parametrize(
    "text",
    [
        "1990-01-05",
        "1990/01/05",
        "1990/1/5",
        "1990.01.05",
        "19900105",
        "1990-1-5",
        "1990年1月5日",
        "1990-01-05 00:00:00",
        "１９９０-０１-０５",
        " 1990-01-05 ",
    ],
)
def test_dates_in_common_forms(text: str) -> None:
    assert parse_date_text(text) == date(1990, 1, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("05/01/1990", "is not a date"),
        ("1990-13-01", "not a real calendar date"),
        ("19900230", "not a real calendar date"),
        ("1990-01-05 10:30", "is not a date"),
        ("yesterday", "is not a date"),
        ("", "is not a date"),
    ],
)
def test_dates_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "008613800138000",
        "8613800138000",
        "(+86)13800138000",
        "１３８００１３８０００",
    ],
)
def test_mobile_numbers_leniently(text: str) -> None:
    assert normalise_phone(text) == "13800138000"


@pytest.mark.parametrize(
    "text", ["1380013800", "138001380001", "23800138000", "010-12345678", "1380013800x", "+1 555"]
)
def test_mobile_numbers_refused(text: str) -> None:
    with pytest.raises(ValueError, match="mainland mobile number"):
        normalise_phone(text)


@pytest.mark.parametrize(
    "text", ["a@b.cn", "zhang.san+exam@mail.example.com.cn", "x@ｅｘａｍｐｌｅ.cn"]
)
def test_email_accepted(text: str) -> None:
    assert "@" in check_email(text)


@pytest.mark.parametrize(
    "text", ["zhang", "a@b", "a@@b.cn", "a b@c.cn", "a@b..cn", "@b.cn", "a@.cn"]
)
def test_email_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not an e-mail address"):
        check_email(text)


def test_ticket_number_lists() -> None:
    assert split_ticket_numbers("0101191000011;0101202000022") == ("0101191000011", "0101202000022")
    assert split_ticket_numbers(" 1；2 ; ;3; ") == ("1", "2", "3")
    assert split_ticket_numbers("") == ()


@pytest.mark.parametrize(
    "value", ["=1+1", "+86", "-3", "@SUM(A1)", "\tx", "\rx", "＝1+1", '=HYPERLINK("x")']
)
def test_neutralise_cell_quotes_formula_starts(value: str) -> None:
    assert neutralise_cell(value) == "'" + value
    assert restore_neutralised(neutralise_cell(value)) == value


@pytest.mark.parametrize("value", ["", "张三", "1+1", "a=b", "'quoted", "0101", " =x"])
def test_neutralise_cell_leaves_other_text(value: str) -> None:
    assert neutralise_cell(value) == value
    assert restore_neutralised(value) == value


def test_control_characters() -> None:
    assert find_control_character("a\nb")
    assert find_control_character("a\tb")
    assert find_control_character("\x7f")
    assert not find_control_character("张三 Zhang")


def test_to_ascii_folds_full_width_only() -> None:
    assert to_ascii("ＡＢＣ１２３") == "ABC123"
    assert to_ascii("abc") == "abc"
    assert to_ascii("汉族") == "汉族"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("x", "x"),
        (13800138000.0, "13800138000"),
        (13800138000, "13800138000"),
        (1.5, "1.5"),
        (True, "TRUE"),
        (datetime(1990, 1, 5), "1990-01-05"),
        (datetime(1990, 1, 5, 8, 30), "1990-01-05 08:30:00"),
        (date(1990, 1, 5), "1990-01-05"),
    ],
)
def test_spreadsheet_text(value: object, text: str) -> None:
    assert spreadsheet_text(value) == text


def test_loses_digits() -> None:
    assert loses_digits(1.10105194912310e17)
    assert loses_digits(110105194912310020)
    assert not loses_digits(13800138000)
    assert not loses_digits(True)
    assert not loses_digits("110105194912310020")
