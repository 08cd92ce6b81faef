"""Reading roster files (CSV or XLSX) into validated rows and a report of every bad row.

A file that cannot be read at all raises ImportFileError and yields nothing, so an import never
stores part of a file by accident. A readable file gives the good rows and one RowProblem per
broken rule, so a clerk can fix everything in one pass instead of one error per attempt.

Roster files come from outside the authority (tutoring units, e-mail attachments), so the reader
treats them as hostile: the format is decided by content, sizes are capped before parsing, XML
inside an XLSX may not declare entities, and no cell is ever evaluated as a formula.
Nothing here touches the database.

This module only ties the two halves together and reports progress: untrusted_file opens the
file into a Table of text cells (with csv_table and xlsx_table), and row_checker turns each row
into a RosterRow or RowProblems (with duplicates for clashes between rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from desk_app.domain.errors import ImportFileError
from desk_app.domain.progress import Cancelled, Progress
from desk_app.domain.time import china_today
from desk_app.roster.columns import layout_from_header
from desk_app.roster.row_checker import RowChecker
from desk_app.roster.rows import RosterRow, RowProblem, TicketNumberCheck
from desk_app.roster.untrusted_file import DEFAULT_MAX_BYTES, open_table

_REPORT_EVERY = 1000


class ImportCancelledError(ImportFileError):
    """The person cancelled the import; like any ImportFileError, nothing was read."""

    code = "import.cancelled"


@dataclass
class RosterReadResult:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_roster(
    path: Path,
    *,
    today: date | None = None,
    ticket_number_check: TicketNumberCheck | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> RosterReadResult:
    """Read and validate a roster file; see the module docstring for the rules.

    Raises ImportFileError (``import.*`` codes) when the file cannot be read at all, and its
    subclass ImportCancelledError (``import.cancelled``) when ``cancelled()`` turns true; in both
    cases nothing is returned. ``progress(done, total)`` is called every thousand rows; ``total``
    is an estimate (line count or the workbook's declared size) until the last call.
    """
    if cancelled is not None and cancelled():
        raise ImportCancelledError("the import was cancelled", code="import.cancelled")
    result = RosterReadResult()
    table = open_table(path, max_bytes, result.warnings)
    try:
        layout = layout_from_header(table.header)
        result.warnings.extend(layout.warnings)
        checker = RowChecker(
            layout,
            short_rows_are_problems=table.short_rows_are_problems,
            today=today or china_today(),
            ticket_number_check=ticket_number_check,
        )
        rows = result.rows
        done = 0
        for row_number, cells, flags in table.rows:
            row = checker.check(row_number, cells, flags)
            if row is not None:
                rows.append(row)
            done += 1
            if done % _REPORT_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelledError(
                        f"the import was cancelled after {done:,} rows", code="import.cancelled"
                    )
                if progress is not None:
                    progress(done, max(done, table.estimated_rows))
    finally:
        table.close()
    duplicates = checker.duplicates.problems()
    if duplicates:
        refused = {problem.row_number for problem in duplicates}
        result.rows = [row for row in rows if row.row_number not in refused]
    result.problems = sorted(checker.problems + duplicates, key=lambda problem: problem.row_number)
    if progress is not None:
        progress(done, done)
    return result
