"""Writing tables for people and other systems: CSV or XLSX, never half-written.

Every text cell is neutralised: spreadsheet programs run text that starts with ``= + - @``, a tab
or a carriage return as a formula (CSV injection), and exported names and numbers come from
rosters that outsiders wrote. The file is written beside its destination under a temporary name
and renamed into place, so a crash or a full disk leaves the previous file, never half of one.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from desk_app.domain.errors import DeskError
from desk_app.roster.columns import COLUMNS
from desk_app.roster.rows import RosterRow
from desk_app.roster.values import FORMULA_STARTS


def neutralise_cell(value: str) -> str:
    """Text that a spreadsheet would run as a formula, with a leading ``'`` so it stays text."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_cell(str(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise_cell(str(value))


def _xlsx_cell(value: object) -> object:
    """Numbers and booleans stay typed; everything else is neutralised text (never a formula)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return _csv_cell(value)


def _write_csv(temporary: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    count = 0
    # UTF-8 with BOM: without it Excel on Chinese Windows reads the file as GBK and garbles it.
    with temporary.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([neutralise_cell(str(name)) for name in header])
        for row in rows:
            writer.writerow([_csv_cell(value) for value in row])
            count += 1
        stream.flush()
        os.fsync(stream.fileno())
    return count


def _write_xlsx(temporary: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    # openpyxl is imported here: it takes a noticeable time to load and most exports are CSV.
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    count = 0
    try:
        sheet.append([neutralise_cell(str(name)) for name in header])
        for row in rows:
            sheet.append([_xlsx_cell(value) for value in row])
            count += 1
    except BaseException as error:
        # Saving finishes openpyxl's own temporary sheet file, which would otherwise be
        # written to after it is closed; the caller deletes the incomplete result.
        with contextlib.suppress(Exception):
            workbook.save(temporary)
        if isinstance(error, IllegalCharacterError):
            raise DeskError(
                f"row {count + 1} holds a control character that XLSX cannot store; export as CSV",
                code="export.illegal_character",
            ) from error
        raise
    workbook.save(temporary)
    with temporary.open("rb") as stream:
        os.fsync(stream.fileno())
    return count


_WRITERS: dict[str, Callable[[Path, Sequence[str], Iterable[Sequence[object]]], int]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
}


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) on Windows."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write ``rows`` under ``header`` as CSV (UTF-8 with BOM) or XLSX, by ``path``'s extension.

    Returns the number of rows written. Raises DeskError ``export.unsupported_format`` for
    another extension; on any failure the destination is left as it was.
    """
    writer = _WRITERS.get(path.suffix.lower())
    if writer is None:
        raise DeskError(
            f"cannot write {path.name}: the file name must end in .csv or .xlsx",
            code="export.unsupported_format",
        )
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".partial", dir=folder
    )
    os.close(descriptor)
    temporary = Path(temporary_name)
    try:
        count = writer(temporary, header, rows)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(folder)
    return count


def roster_cells(row: RosterRow) -> list[object]:
    """A RosterRow as the cells of the roster format, in COLUMNS order."""
    return [
        row.registration_id,
        row.kind.value,
        row.name,
        row.sex,
        row.ethnicity,
        row.birth_date.isoformat() if row.birth_date else "",
        row.document_type.value,
        row.document_number,
        row.phone,
        row.email,
        row.exam_area,
        row.programme_code,
        row.programme_name,
        row.tutoring_unit or "",
        row.class_name or "",
        row.ticket_number or "",
        ";".join(row.merged_ticket_numbers),
        row.prior_diploma_status.value,
        row.photo_file or "",
    ]


def write_roster(path: Path, rows: Iterable[RosterRow], *, chinese_headers: bool = False) -> int:
    """A roster that read_roster reads back to the same rows (row numbers aside)."""
    header = [column.chinese if chinese_headers else column.name for column in COLUMNS]
    return write_table(path, header, (roster_cells(row) for row in rows))
