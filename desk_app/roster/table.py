"""A roster file opened as rows of text cells: what the file openers hand to the row checks.

The CSV opener (csv_table) and the XLSX opener (xlsx_table) both produce a Table, so the row
checks (row_checker) never learn which format the file was. A cell an opener refuses to read
as text (a formula, a spreadsheet error, a number that lost digits) arrives as a CellFlag
beside an empty cell, so the row checks can report it against the right column.

Both openers word two things the same way, so they live here too: a file that cannot be read,
and the advice on how to save a roster that the reader refuses (SAVE_AS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desk_app.domain.errors import ImportFileError

# A cell flagged while reading the file: (position in the row, problem code, reason).
# Position -1 stands for the whole row.
CellFlag = tuple[int, str, str]
RawRow = tuple[int, list[str], list[CellFlag] | None]

SAVE_AS = "save it from the spreadsheet program as 'CSV UTF-8' or as an .xlsx workbook"


@dataclass
class Table:
    """A file opened as rows of text cells, with the header already taken off."""

    header: list[str]
    header_row: int
    rows: Iterator[RawRow]
    estimated_rows: int
    short_rows_are_problems: bool  # CSV: a missing cell means a shifted row
    close: Callable[[], None] = lambda: None


def is_blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def read_failure(path: Path, error: OSError) -> ImportFileError:
    return ImportFileError(
        f"{path.name} cannot be read: {error.strerror or error}", code="import.read_failed"
    )
