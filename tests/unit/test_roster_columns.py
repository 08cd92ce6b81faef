"""Matching the header cells people write to the roster's columns."""

from __future__ import annotations

import pytest

from desk_app.domain.errors import ImportFileError
from desk_app.roster.columns import (
    COLUMN_NAMES,
    COLUMNS,
    REQUIRED_COLUMNS,
    layout_from_header,
    match_header,
    normalise_header,
)


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("registration_id", "registration_id"),
        ("注册号", "registration_id"),
        ("Registration ID", "registration_id"),
        ("  REGISTRATION-ID ", "registration_id"),
        ("姓名(name)", "name"),
        ("name(姓名)", "name"),
        ("name（姓名）", "name"),  # full-width brackets
        ("姓名 ( name )", "name"),
        ("姓\u3000名", "name"),  # spaced out to align a paper form
        ("出生日期(YYYY-MM-DD)", "birth_date"),  # a note in brackets
        ("证件号码（document_number）", "document_number"),
        ("合并准考证号", "merged_ticket_numbers"),
        ("准考证号", "ticket_number"),
        ("前置学历核验", "prior_diploma_status"),
        ("姓名(注册号)", None),  # two different columns: neither
        ("remarks", None),
        ("", None),
        ("   ", None),
    ],
)
def test_match_header(header: str, column: str | None) -> None:
    assert match_header(header) == column


def test_every_column_matches_by_both_names() -> None:
    for column in COLUMNS:
        assert match_header(column.name) == column.name
        assert match_header(column.chinese) == column.name
        assert match_header(f"{column.chinese}({column.name})") == column.name


def test_normalise_header_folds_width_and_whitespace() -> None:
    assert normalise_header(" 姓名（ name ）\t") == "姓名( name )"
    assert normalise_header("ｎａｍｅ") == "name"


def test_layout_positions_warnings_and_width() -> None:
    header = ["注册号", "remarks", "kind", "name", "证件号码", "考区", "专业代码", "", ""]
    layout = layout_from_header(header)
    assert layout.positions["registration_id"] == 0
    assert layout.positions["name"] == 3
    assert layout.positions["exam_area"] == 5
    assert layout.positions["photo_file"] == -1
    assert layout.width == 7  # blank header cells at the end do not count
    assert layout.warnings == ("column 2 'remarks' is not a roster column and is ignored",)
    assert list(layout.positions) == list(COLUMN_NAMES)


def test_missing_required_columns_are_named() -> None:
    with pytest.raises(ImportFileError) as caught:
        layout_from_header(["registration_id", "name", "kind", "document_number"])
    assert caught.value.code == "import.missing_columns"
    assert caught.value.context["columns"] == ["exam_area", "programme_code"]
    assert "exam_area (考区)" in caught.value.message
    assert "programme_code (专业代码)" in caught.value.message


def test_an_empty_header_lacks_every_required_column() -> None:
    with pytest.raises(ImportFileError) as caught:
        layout_from_header(["", ""])
    assert caught.value.context["columns"] == list(REQUIRED_COLUMNS)


@pytest.mark.parametrize("second", ["name", "姓名", "Name", "name(姓名)"])
def test_a_column_twice_is_refused(second: str) -> None:
    header = [*REQUIRED_COLUMNS, second]
    with pytest.raises(ImportFileError) as caught:
        layout_from_header(header)
    assert caught.value.code == "import.duplicate_columns"
    assert caught.value.context["column"] == "name"
