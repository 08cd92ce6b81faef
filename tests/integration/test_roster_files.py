"""Reading real roster and photo files: good ones, broken ones and hostile ones."""

from __future__ import annotations

import dataclasses
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desk_app.domain.candidate import CandidateKind, PriorDiplomaStatus
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import ImportFileError
from desk_app.idcard.rules import compose_citizen_id
from desk_app.roster import (
    COLUMN_NAMES,
    REQUIRED_COLUMNS,
    ImportCancelledError,
    PhotoError,
    PhotoSource,
    RosterReadResult,
    read_roster,
    write_roster,
)
from tests.support import roster_files as files

TODAY = date(2026, 5, 1)
ZHANG = "11010519491231002X"  # domain.md's test vector: a woman born 1949-12-31
OTHER = compose_citizen_id("310115", date(1990, 5, 6), 31)  # a man born 1990-05-06


def _twelve_digits(number: str) -> str | None:
    return None if len(number) == 12 else f"a ticket number has 12 digits, got {len(number)}"


def read(path: Path, **options: Any) -> RosterReadResult:
    """read_roster as a counter configured for 12-digit ticket numbers calls it, on TODAY."""
    return read_roster(path, today=TODAY, ticket_number_check=_twelve_digits, **options)


def found(result: RosterReadResult) -> list[tuple[int, str, str]]:
    return [(problem.row_number, problem.column, problem.code) for problem in result.problems]


def refused(path: Path, **options: Any) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read(path, **options)
    assert "\n" not in caught.value.message
    return caught.value


# --- good files --------------------------------------------------------------------------------


def test_a_valid_roster_reads_every_row(tmp_path: Path) -> None:
    records = files.roster_records(60)
    result = read(files.write_csv(tmp_path / "roster.csv", records))
    assert (result.problems, result.warnings) == ([], [])
    assert [row.registration_id for row in result.rows] == [r["registration_id"] for r in records]
    assert [row.row_number for row in result.rows] == list(range(2, 62))
    assert {row.kind for row in result.rows} == {CandidateKind.NEW, CandidateKind.ENROLLED}
    first, source = result.rows[0], records[0]
    assert first.name == source["name"]
    assert first.birth_date == date.fromisoformat(source["birth_date"])
    assert first.document_number == source["document_number"]
    assert first.sex == source["sex"]
    assert first.tutoring_unit == (source["tutoring_unit"] or None)
    assert first.merged_ticket_numbers == ()


def test_sex_and_birth_date_come_from_the_id_number_when_absent(tmp_path: Path) -> None:
    path = files.write_csv(tmp_path / "r.csv", [files.record()], columns=REQUIRED_COLUMNS)
    result = read(path)
    assert result.problems == []
    (row,) = result.rows
    assert (row.sex, row.birth_date, row.ethnicity) == ("2", date(1949, 12, 31), "")
    assert row.document_type is DocumentType.RESIDENT_ID
    assert row.prior_diploma_status is PriorDiplomaStatus.NOT_APPLICABLE
    assert (row.phone, row.email, row.tutoring_unit, row.ticket_number) == ("", "", None, None)


def test_values_are_normalised(tmp_path: Path) -> None:
    row = files.record(
        kind="在籍",
        sex="女",
        ethnicity="汉族",
        birth_date="1949/12/31",
        document_type="居民身份证",
        document_number="11010519491231002x",
        phone="+86 138-0013-8000",
        ticket_number="010119100001",
        merged_ticket_numbers="010120200002；010120200003",
        prior_diploma_status="通过",
        tutoring_unit=" 明德培训学校 ",
    )
    result = read(files.write_csv(tmp_path / "r.csv", [row]))
    assert result.problems == []
    (read_row,) = result.rows
    assert read_row.kind is CandidateKind.ENROLLED
    assert (read_row.sex, read_row.ethnicity) == ("2", "01")
    assert read_row.document_number == ZHANG
    assert read_row.phone == "13800138000"
    assert read_row.merged_ticket_numbers == ("010120200002", "010120200003")
    assert read_row.prior_diploma_status is PriorDiplomaStatus.PASSED
    assert read_row.tutoring_unit == "明德培训学校"


def test_a_legacy_15_digit_number_is_upgraded(tmp_path: Path) -> None:
    path = files.write_csv(tmp_path / "r.csv", [files.record(document_number="110105491231002")])
    assert read(path).rows[0].document_number == ZHANG


def test_documents_without_a_birth_date_use_the_column(tmp_path: Path) -> None:
    row = files.record(document_type="passport", document_number="E12345678", sex="1")
    (read_row,) = read(files.write_csv(tmp_path / "r.csv", [row])).rows
    assert (read_row.document_type, read_row.document_number) == (
        DocumentType.PASSPORT,
        "E12345678",
    )
    assert (read_row.birth_date, read_row.sex) == (date(1949, 12, 31), "1")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("chinese", [False, True])
def test_encodings_and_chinese_headers(tmp_path: Path, encoding: str, chinese: bool) -> None:
    records = files.roster_records(20, seed=11)
    header = files.header_for(COLUMN_NAMES, chinese=chinese)
    path = files.write_csv(tmp_path / "r.csv", records, header=header, encoding=encoding)
    result = read(path)
    assert (result.problems, result.warnings) == ([], [])
    assert [row.name for row in result.rows] == [record["name"] for record in records]


def test_bracketed_headers_and_unknown_columns(tmp_path: Path) -> None:
    columns = [*REQUIRED_COLUMNS, "remarks"]
    header = [
        "注册号(registration_id)",
        "kind（类型）",
        "姓名",
        "证件号码",
        "考区",
        "专业代码",
        "备注",
    ]
    path = files.write_csv(
        tmp_path / "r.csv", [{**files.record(), "remarks": "=1+1"}], columns=columns, header=header
    )
    result = read(path)
    assert result.problems == []
    assert len(result.rows) == 1
    assert result.warnings == ["column 7 '备注' is not a roster column and is ignored"]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_other_separators_are_recognised(tmp_path: Path, delimiter: str) -> None:
    path = files.write_csv(tmp_path / "r.csv", files.roster_records(5), delimiter=delimiter)
    result = read(path)
    assert result.problems == [] and len(result.rows) == 5
    assert result.warnings == [f"the columns are separated by {delimiter!r} instead of commas"]


def test_blank_rows_are_skipped_and_row_numbers_follow_the_file(tmp_path: Path) -> None:
    good = files.csv_text([files.record()], columns=REQUIRED_COLUMNS).splitlines()
    bad = good[1].replace("R1", "R2").replace("张三", "").replace(ZHANG, OTHER)
    path = files.write_lines(tmp_path / "r.csv", ["", ",,,", good[0], good[1], "", ",,,,,", bad])
    result = read(path)
    assert [row.row_number for row in result.rows] == [4]
    assert found(result) == [(7, "name", "roster.required_empty")]


def test_the_header_only_is_an_empty_roster(tmp_path: Path) -> None:
    result = read(files.write_csv(tmp_path / "r.csv", []))
    assert (result.rows, result.problems, result.warnings) == ([], [], [])


def test_formula_like_text_in_a_csv_is_only_text(tmp_path: Path) -> None:
    row = files.record(
        name='=HYPERLINK("http://evil","张三")',
        programme_name="+cmd|' /C calc'!A0",
        class_name="@SUM(1+1)",
        tutoring_unit="-2+3",
        registration_id="\t=R1",
    )
    result = read(files.write_csv(tmp_path / "r.csv", [row]))
    assert result.problems == []
    (read_row,) = result.rows
    assert read_row.name == row["name"]
    assert read_row.programme_name == row["programme_name"]
    assert read_row.class_name == "@SUM(1+1)"
    assert read_row.tutoring_unit == "-2+3"
    assert read_row.registration_id == "=R1"  # surrounding whitespace is never part of a value


# --- files that cannot be read at all ----------------------------------------------------------


def test_file_level_failures(tmp_path: Path) -> None:
    def code_of(path: Path, **options: Any) -> str:
        return refused(path, **options).code

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    blank = files.write_lines(tmp_path / "blank.csv", ["", "   ", ""])
    bom_only = tmp_path / "bom.csv"
    bom_only.write_bytes(b"\xef\xbb\xbf")
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    pdf = tmp_path / "roster.pdf"
    pdf.write_bytes(b"%PDF-1.7\n...")
    not_a_workbook = files.zip_with(tmp_path / "photos.zip", {"a.jpg": files.PHOTO_JPEG})
    stub = tmp_path / "stub.xlsx"
    stub.write_bytes(b"PK\x03\x04" + b"\x00" * 100)

    assert code_of(tmp_path / "missing.csv") == "import.missing_file"
    assert code_of(tmp_path) == "import.not_a_file"
    assert code_of(empty) == "import.empty_file"
    assert code_of(blank) == "import.empty_file"
    assert code_of(bom_only) == "import.empty_file"
    assert code_of(files.binary_file(tmp_path / "random.csv")) == "import.binary_content"
    assert code_of(files.latin1_csv(tmp_path / "latin1.csv")) == "import.undecodable"
    assert code_of(files.utf16_csv(tmp_path / "u16.csv")) == "import.unsupported_encoding"
    assert code_of(files.utf16_csv(tmp_path / "u16le.csv", bom=False)) == (
        "import.unsupported_encoding"
    )
    assert code_of(xls) == "import.unsupported_format"
    assert code_of(pdf) == "import.unsupported_format"
    assert code_of(not_a_workbook) == "import.unsupported_format"
    assert code_of(files.truncated_xlsx(tmp_path / "cut.xlsx")) == "import.corrupt_xlsx"
    assert code_of(stub) == "import.corrupt_xlsx"


def test_the_encoding_error_says_where(tmp_path: Path) -> None:
    error = refused(files.latin1_csv(tmp_path / "latin1.csv"))
    assert "neither UTF-8 nor GB18030" in error.message
    assert "0xe9" in error.message


@pytest.mark.parametrize("padding", [0, 100_000])
def test_an_xml_entity_bomb_is_refused_without_expanding(tmp_path: Path, padding: int) -> None:
    """padding=100 000 hides the DOCTYPE from the quick scan: defusedxml must refuse it then."""
    path = files.billion_laughs_xlsx(tmp_path / "bomb.xlsx", padding=padding)
    tracemalloc.start()
    try:
        error = refused(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "import.unsafe_xml"
    assert peak < 20 * 1024 * 1024


def test_an_xlsx_that_unpacks_too_far_is_refused(tmp_path: Path) -> None:
    path = files.inflated_xlsx(tmp_path / "inflated.xlsx", unpacked_bytes=3_000_000)
    assert path.stat().st_size < 30_000
    error = refused(path, max_bytes=200_000)
    assert error.code == "import.unpacked_too_large"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"big{suffix}"
    records = files.roster_records(300)
    if suffix == ".csv":
        files.write_csv(path, records)
    else:
        files.write_xlsx(path, (files.record_cells(record) for record in records))
    error = refused(path, max_bytes=path.stat().st_size - 1)
    assert error.code == "import.too_large"
    assert len(read(path, max_bytes=path.stat().st_size).rows) == 300


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    columns = [column for column in COLUMN_NAMES if column not in ("exam_area", "kind")]
    error = refused(files.write_csv(tmp_path / "r.csv", [files.record()], columns=columns))
    assert error.code == "import.missing_columns"
    assert error.context["columns"] == ["kind", "exam_area"]


def test_duplicate_header_columns_are_refused(tmp_path: Path) -> None:
    header = [*REQUIRED_COLUMNS, "姓名"]
    path = files.write_lines(tmp_path / "r.csv", [",".join(header)])
    assert refused(path).code == "import.duplicate_columns"


def test_cancelling_raises_and_returns_nothing(tmp_path: Path) -> None:
    path = files.write_csv(tmp_path / "r.csv", files.roster_records(2500))
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(ImportCancelledError) as caught:
        read(path, cancelled=cancelled)
    assert caught.value.code == "import.cancelled"
    with pytest.raises(ImportFileError):
        read(path, cancelled=lambda: True)


def test_progress_is_reported(tmp_path: Path) -> None:
    path = files.write_csv(tmp_path / "r.csv", files.roster_records(2500))
    reports: list[tuple[int, int]] = []
    read(path, progress=lambda done, total: reports.append((done, total)))
    assert [done for done, _ in reports] == [1000, 2000, 2500]
    assert all(total >= done for done, total in reports)
    assert reports[-1] == (2500, 2500)


# --- row problems ------------------------------------------------------------------------------

HK_PERMIT = compose_citizen_id("810000", date(1990, 1, 1), 11)
TICKET = "010119100001"
ENROLLED = {"kind": "enrolled", "ticket_number": TICKET}
ROW_PROBLEMS: list[tuple[dict[str, str], list[str]]] = [
    ({"document_number": "110105194912310021"}, ["document_number document.check_character"]),
    ({"document_number": "11010519491231002"}, ["document_number document.length"]),
    (
        {"document_number": HK_PERMIT, "birth_date": "", "sex": ""},
        ["document_number document.type_mismatch"],
    ),
    ({"document_type": "驾驶证"}, ["document_type document.unknown_type"]),
    ({"birth_date": "1950-01-01"}, ["birth_date roster.birth_date_mismatch"]),
    ({"birth_date": "1949-02-30"}, ["birth_date roster.bad_date"]),
    ({"birth_date": "2030-01-01"}, ["birth_date roster.bad_date"]),
    ({"sex": "男"}, ["sex roster.sex_mismatch"]),
    ({"sex": "X"}, ["sex document.sex_unknown"]),
    ({"ethnicity": "99"}, ["ethnicity document.ethnicity_unknown"]),
    ({"kind": "old"}, ["kind candidate.unknown_kind"]),
    ({"prior_diploma_status": "maybe"}, ["prior_diploma_status candidate.unknown_diploma_status"]),
    ({"kind": "enrolled"}, ["ticket_number roster.ticket_number_missing"]),
    ({"ticket_number": TICKET}, ["ticket_number roster.ticket_number_unexpected"]),
    (
        {**ENROLLED, "ticket_number": "0101-191-0001"},
        ["ticket_number roster.ticket_number_not_digits"],
    ),
    ({**ENROLLED, "ticket_number": "01011910001"}, ["ticket_number roster.ticket_number_layout"]),
    (
        {**ENROLLED, "merged_ticket_numbers": "01012020000x"},
        ["merged_ticket_numbers roster.merged_ticket_number_not_digits"],
    ),
    (
        {**ENROLLED, "merged_ticket_numbers": f"010120200002;{TICKET}"},
        ["merged_ticket_numbers roster.merged_ticket_number_is_chosen"],
    ),
    (
        {"merged_ticket_numbers": "010120200002"},
        ["merged_ticket_numbers roster.merged_ticket_numbers_unexpected"],
    ),
    ({"email": "zhang@"}, ["email roster.bad_email"]),
    ({"phone": "12345"}, ["phone roster.bad_phone"]),
    ({"name": ""}, ["name roster.required_empty"]),
    ({"kind": ""}, ["kind roster.required_empty"]),
    (
        {"exam_area": " ", "programme_code": ""},
        ["exam_area roster.required_empty", "programme_code roster.required_empty"],
    ),
    (
        {"registration_id": "", "document_number": ""},
        ["registration_id roster.required_empty", "document_number roster.required_empty"],
    ),
    ({"programme_name": "学" * 201}, ["programme_name roster.cell_too_long"]),
    ({"name": "张\n三"}, ["name roster.control_character"]),
    (
        {"kind": "新", "phone": "1380013800", "email": "x", "ethnicity": "火星"},
        [
            "ethnicity document.ethnicity_unknown",
            "kind candidate.unknown_kind",
            "phone roster.bad_phone",
            "email roster.bad_email",
        ],
    ),
]


@pytest.mark.parametrize(("changes", "expected"), ROW_PROBLEMS)
def test_row_problems(tmp_path: Path, changes: dict[str, str], expected: list[str]) -> None:
    good = files.record(
        registration_id="R0", document_number=OTHER, sex="1", birth_date="1990-05-06"
    )
    result = read(files.write_csv(tmp_path / "r.csv", [good, files.record(**changes)]))
    assert sorted(found(result)) == sorted((3, *problem.split()) for problem in expected)
    assert [row.row_number for row in result.rows] == [2]
    assert all(problem.reason for problem in result.problems)


def test_every_problem_of_a_row_is_reported_with_a_reason(tmp_path: Path) -> None:
    row = files.record(kind="enrolled", document_number="110105194912310021", phone="abc")
    result = read(files.write_csv(tmp_path / "r.csv", [row]))
    assert found(result) == [
        (2, "document_number", "document.check_character"),
        (2, "phone", "roster.bad_phone"),
        (2, "ticket_number", "roster.ticket_number_missing"),
    ]
    assert "'abc'" in result.problems[1].reason
    assert result.rows == []


def test_duplicate_registration_ids_name_every_row(tmp_path: Path) -> None:
    records = files.roster_records(5)
    records[3]["registration_id"] = records[0]["registration_id"]
    records[4]["registration_id"] = records[0]["registration_id"]
    result = read(files.write_csv(tmp_path / "r.csv", records))
    assert found(result) == [
        (2, "registration_id", "roster.duplicate_registration_id"),
        (5, "registration_id", "roster.duplicate_registration_id"),
        (6, "registration_id", "roster.duplicate_registration_id"),
    ]
    assert result.problems[0].reason.endswith("also on row 5, 6")
    assert [row.row_number for row in result.rows] == [3, 4]


def test_one_document_number_under_two_registration_ids(tmp_path: Path) -> None:
    records = files.roster_records(4)
    records[2]["document_number"] = records[0]["document_number"].lower()
    for field in ("sex", "birth_date"):
        records[2][field] = records[0][field]
    result = read(files.write_csv(tmp_path / "r.csv", records))
    assert found(result) == [
        (2, "document_number", "roster.duplicate_document_number"),
        (4, "document_number", "roster.duplicate_document_number"),
    ]
    assert records[2]["registration_id"] in result.problems[0].reason
    assert [row.row_number for row in result.rows] == [3, 5]


def test_ragged_rows(tmp_path: Path) -> None:
    lines = files.csv_text(
        files.roster_records(4, enrolled_share=0), columns=REQUIRED_COLUMNS
    ).splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0]  # one cell short
    lines[3] = lines[3] + ",extra"
    lines[4] = lines[4] + ",,"  # empty trailing cells, as some programs write them
    result = read(files.write_lines(tmp_path / "r.csv", lines))
    assert found(result) == [(3, "", "roster.too_few_cells"), (4, "", "roster.too_many_cells")]
    assert [row.row_number for row in result.rows] == [2, 5]


def test_a_csv_cut_short_mid_character(tmp_path: Path) -> None:
    path = files.write_csv(tmp_path / "r.csv", files.roster_records(10))
    data = path.read_bytes()
    cut = max(index for index, byte in enumerate(data) if byte >= 0xE0)  # a 3-byte lead byte
    path.write_bytes(data[: cut + 1])
    last_row = data[:cut].count(b"\n") + 1
    result = read(path)
    assert any("cut short" in warning for warning in result.warnings)
    assert found(result) == [(last_row, "", "roster.too_few_cells")]
    assert len(result.rows) == last_row - 2


def test_an_unclosed_quote_makes_its_row_a_problem(tmp_path: Path) -> None:
    lines = files.csv_text(
        files.roster_records(3, enrolled_share=0), columns=REQUIRED_COLUMNS
    ).splitlines()
    lines[2] = lines[2].replace(",", ',"', 1)
    result = read(files.write_lines(tmp_path / "r.csv", lines))
    assert [row.row_number for row in result.rows] == [2]
    assert {problem.row_number for problem in result.problems} == {3}


# --- spreadsheet cells -------------------------------------------------------------------------


def test_xlsx_cells_of_every_type(tmp_path: Path) -> None:
    cells = files.record_cells(files.record(ticket_number="", merged_ticket_numbers=""))
    cells[COLUMN_NAMES.index("birth_date")] = datetime(1949, 12, 31)
    cells[COLUMN_NAMES.index("phone")] = 13800138000
    cells[COLUMN_NAMES.index("sex")] = 2
    cells[COLUMN_NAMES.index("ethnicity")] = 1
    path = files.write_xlsx(tmp_path / "r.xlsx", [cells], sheets=2)
    result = read(path)
    assert result.problems == []
    (row,) = result.rows
    assert (row.birth_date, row.phone, row.sex, row.ethnicity) == (
        date(1949, 12, 31),
        "13800138000",
        "2",
        "01",
    )
    assert result.warnings == ["the workbook has 2 sheets; only the first, 'Sheet', was read"]


def test_xlsx_formula_error_and_long_number_cells(tmp_path: Path) -> None:
    def cells(index: int) -> list[object]:
        number = compose_citizen_id("310115", date(1990, 5, index), 31)
        return files.record_cells(
            files.record(
                registration_id=f"R{index}", document_number=number, sex="1", birth_date=""
            )
        )

    formula, error_cell, long_number, text = cells(1), cells(2), cells(3), cells(4)
    formula[COLUMN_NAMES.index("name")] = '=CONCATENATE("张","三")'
    error_cell[COLUMN_NAMES.index("exam_area")] = "#N/A"
    long_number[COLUMN_NAMES.index("document_number")] = 310115199005030310
    path = files.write_xlsx(tmp_path / "r.xlsx", [formula, error_cell, long_number, text])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    typed_text = sheet.cell(row=5, column=COLUMN_NAMES.index("class_name") + 1)
    typed_text.value, typed_text.data_type = "=1+1", "s"  # text that merely starts with "="
    workbook.save(path)
    result = read(path)
    assert found(result) == [
        (2, "name", "roster.formula_cell"),
        (3, "exam_area", "roster.error_cell"),
        (4, "document_number", "roster.number_precision_lost"),
    ]
    assert [(row.registration_id, row.class_name) for row in result.rows] == [("R4", "=1+1")]


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = files.write_xlsx(tmp_path / "r.xlsx", [files.record_cells(files.record())])
    renamed = path.rename(tmp_path / "r.csv")
    result = read(renamed)
    assert len(result.rows) == 1
    assert result.warnings == ["r.csv is an XLSX workbook despite its name; read as one"]


# --- round trip --------------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "chinese"), [(".csv", False), (".xlsx", False), (".csv", True)])
def test_write_roster_then_read_it_back(tmp_path: Path, suffix: str, chinese: bool) -> None:
    records = files.roster_records(1000, seed=5)
    records[7]["name"] = "=HYPERLINK(1)"
    records[8]["merged_ticket_numbers"] = ""
    original = read(files.write_csv(tmp_path / "source.csv", records))
    assert original.problems == [] and len(original.rows) == 1000

    path = tmp_path / f"copy{suffix}"
    assert write_roster(path, original.rows, chinese_headers=chinese) == 1000
    copy = read(path)
    assert (copy.problems, copy.warnings) == ([], [])
    assert copy.rows == original.rows
    assert copy.rows[7].name == "=HYPERLINK(1)"


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    row = files.record(
        kind="enrolled",
        ticket_number="010119100001",
        merged_ticket_numbers="010120200002;010120200003",
        tutoring_unit="明德培训学校",
        class_name="会计学1班",
        prior_diploma_status="failed",
        photo_file="000001.jpg",
    )
    (original,) = read(files.write_csv(tmp_path / "r.csv", [row])).rows
    write_roster(tmp_path / "copy.xlsx", [original])
    (copy,) = read(tmp_path / "copy.xlsx").rows
    assert dataclasses.asdict(copy) == dataclasses.asdict(original)


# --- e-photos ----------------------------------------------------------------------------------


@pytest.fixture
def photo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    (folder / "class1").mkdir(parents=True)
    (folder / "000001.jpg").write_bytes(files.PHOTO_JPEG)
    (folder / "Zhang.PNG").write_bytes(files.PHOTO_PNG)
    (folder / "class1" / "000002.jpg").write_bytes(files.PHOTO_JPEG)
    (folder / "notes.jpg").write_bytes(b"just text")
    (folder / "big.jpg").write_bytes(files.PHOTO_JPEG + b"\x00" * 5000)
    (folder / "bomb.png").write_bytes(files.PHOTO_BOMB)
    (tmp_path / "secret.jpg").write_bytes(files.PHOTO_JPEG)
    return folder


@pytest.fixture
def photo_zip(tmp_path: Path) -> Path:
    return files.zip_with(
        tmp_path / "photos.zip",
        {
            "photos/000001.jpg": files.PHOTO_JPEG,
            "photos/Zhang.PNG": files.PHOTO_PNG,
            "photos/class1/000002.jpg": files.PHOTO_JPEG,
            "photos/notes.jpg": b"just text",
            "photos/big.jpg": files.PHOTO_JPEG + b"\x00" * 5000,
            "photos/bomb.png": files.PHOTO_BOMB,
            "a/same.jpg": files.PHOTO_JPEG,
            "b/same.jpg": files.PHOTO_JPEG,
            "../escape.jpg": files.PHOTO_JPEG,
        },
    )


def photo_error(source: PhotoSource, name: str) -> str:
    with pytest.raises(PhotoError) as caught:
        source.read(name)
    return caught.value.code


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_photo_lookup(kind: str, photo_folder: Path, photo_zip: Path) -> None:
    location = photo_folder if kind == "folder" else photo_zip
    prefix = "" if kind == "folder" else "photos/"
    with PhotoSource.open(location, max_bytes=4096) as source:
        assert source.read(f"{prefix}000001.jpg") == files.PHOTO_JPEG
        assert source.read("000001.jpg") == files.PHOTO_JPEG
        assert source.read(f"{prefix}zhang.png") == files.PHOTO_PNG  # case does not matter
        assert source.read(f"{prefix}class1/000002.jpg") == files.PHOTO_JPEG
        assert source.read(f"{prefix}class1\\000002.jpg") == files.PHOTO_JPEG
        assert photo_error(source, "nobody.jpg") == "photo.missing"
        assert photo_error(source, f"{prefix}notes.jpg") == "photo.not_an_image"
        assert photo_error(source, f"{prefix}big.jpg") == "photo.too_large"
        assert photo_error(source, f"{prefix}bomb.png") == "photo.too_many_pixels"


@pytest.mark.parametrize("kind", ["folder", "zip"])
@pytest.mark.parametrize(
    "name",
    ["../secret.jpg", "..\\secret.jpg", "/etc/passwd", "class1/../../secret.jpg", "C:\\x.jpg", ""],
)
def test_unsafe_photo_names(kind: str, name: str, photo_folder: Path, photo_zip: Path) -> None:
    with PhotoSource.open(photo_folder if kind == "folder" else photo_zip) as source:
        assert photo_error(source, name) == "photo.unsafe_name"


def test_a_link_out_of_the_photo_folder_is_refused(photo_folder: Path) -> None:
    link = photo_folder / "link.jpg"
    try:
        link.symlink_to(photo_folder.parent / "secret.jpg")
    except OSError:
        pytest.skip("symbolic links are not available here")
    with PhotoSource.open(photo_folder) as source:
        assert photo_error(source, "link.jpg") == "photo.unsafe_name"


def test_an_ambiguous_bare_name_in_a_zip_is_not_guessed(photo_zip: Path) -> None:
    with PhotoSource.open(photo_zip) as source:
        assert photo_error(source, "same.jpg") == "photo.missing"
        assert source.read("a/same.jpg") == files.PHOTO_JPEG


def test_a_zip_bomb_is_stopped_by_its_declared_size(tmp_path: Path) -> None:
    path = files.zip_bomb(tmp_path / "bomb.zip")
    assert path.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        with PhotoSource.open(path) as source:
            assert photo_error(source, "bomb.jpg") == "photo.too_large"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_a_zip_entry_lying_about_its_size_is_not_read_past_the_cap(tmp_path: Path) -> None:
    path = files.lying_zip(tmp_path / "liar.zip")
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("liar.jpg").file_size == 1000
    tracemalloc.start()
    try:
        with PhotoSource.open(path) as source:
            code = photo_error(source, "liar.jpg")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code in ("photo.unreadable", "photo.too_large")
    assert peak < 8 * 1024 * 1024


def test_photo_sources_that_cannot_be_opened(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as missing:
        PhotoSource.open(tmp_path / "nowhere")
    assert missing.value.code == "photo.source_missing"
    text = tmp_path / "photos.txt"
    text.write_text("not an archive")
    with pytest.raises(ImportFileError) as not_zip:
        PhotoSource.open(text)
    assert not_zip.value.code == "photo.source_unreadable"
