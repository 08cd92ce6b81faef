"""Writing tables: neutralised cells, UTF-8 with BOM, and never a half-written file."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desk_app.domain.errors import DeskError
from desk_app.roster.writer import write_table


def test_csv_has_a_bom_and_neutralised_text(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    count = write_table(
        path,
        ["name", "note", "count", "day"],
        [("张三", "=cmd|' /C calc'!A0", 3, date(2026, 4, 1)), ("李四", None, -2, "@x")],
    )
    assert count == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows == [
        ["name", "note", "count", "day"],
        ["张三", "'=cmd|' /C calc'!A0", "3", "2026-04-01"],
        ["李四", "", "-2", "'@x"],
    ]


def test_xlsx_text_never_becomes_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    assert write_table(path, ["a", "b", "c"], [("=1+1", "0101", 7), ("+86 138", "-", None)]) == 2
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    kinds = [[cell.data_type for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [["a", "b", "c"], ["'=1+1", "0101", 7], ["'+86 138", "'-", None]]
    assert "f" not in {kind for row in kinds for kind in row}


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DeskError) as caught:
        write_table(tmp_path / "out.txt", ["a"], [])
    assert caught.value.code == "export.unsupported_format"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    write_table(path, ["a"], [("old",)])
    before = path.read_bytes()

    def rows() -> Iterator[tuple[str]]:
        yield ("new",)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_table(path, ["a"], rows())
    assert path.read_bytes() == before
    assert [entry.name for entry in tmp_path.iterdir()] == [path.name]


def test_creates_the_folder_and_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "exports" / "out.csv"
    write_table(path, ["a"], [("1",), ("2",)])
    assert write_table(path, ["a"], [("3",)]) == 1
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["a", "3"]
    assert [entry.name for entry in path.parent.iterdir()] == ["out.csv"]
