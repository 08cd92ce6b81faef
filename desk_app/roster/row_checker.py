"""Checking the rows of one roster file: each row becomes a RosterRow or RowProblems.

Every rule a row breaks is reported, not only the first, so a clerk can fix a file in one pass.
Cells come as text from a Table (see table); cells the opener flagged (formulas, spreadsheet
errors, lost digits) become problems of their column. Clashes between rows are left to
DuplicateTracker, since they are only known once the whole file is read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from desk_app.domain.candidate import CandidateKind, PriorDiplomaStatus
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError
from desk_app.idcard.codes import ethnicity_code, sex_code
from desk_app.idcard.rules import validate_document
from desk_app.roster.columns import CHINESE_NAMES, COLUMN_NAMES, REQUIRED_COLUMNS, HeaderLayout
from desk_app.roster.duplicates import DuplicateTracker
from desk_app.roster.rows import RosterRow, RowProblem, TicketNumberCheck
from desk_app.roster.table import CellFlag, is_blank
from desk_app.roster.values import (
    MAX_CELL_LENGTH,
    check_email,
    find_control_character,
    normalise_phone,
    parse_date_text,
    restore_neutralised,
    split_ticket_numbers,
    to_ascii,
)

_EARLIEST_BIRTH_DATE = date(1900, 1, 1)
_T = TypeVar("_T")
_VALUE_HINTS = {
    "kind": "write new (新生) or enrolled (在籍)",
    "sex": "write 1 (男) or 2 (女)",
    "ethnicity": "write the GB/T 3304 code or name, e.g. 01 or 汉族",
    "document_type": "write resident_id or a Chinese name such as 居民身份证",
    "prior_diploma_status": "write not_applicable, passed, failed or pending (or 无需核验, "
    "通过, 未通过, 待核验)",
}


class RowChecker:
    """Checks the rows of one file; collects every problem instead of stopping at the first.

    Coded values repeat across thousands of rows, so their parses are cached per file.
    """

    def __init__(
        self,
        layout: HeaderLayout,
        *,
        short_rows_are_problems: bool,
        today: date,
        ticket_number_check: TicketNumberCheck | None,
    ) -> None:
        # Columns the roster lacks read the blank cell appended after the last real one.
        self.positions = tuple(
            position if position >= 0 else layout.width for position in layout.positions.values()
        )
        self.column_at = {
            position: name for name, position in layout.positions.items() if position >= 0
        }
        self.width = layout.width
        self.short_rows_are_problems = short_rows_are_problems
        self.today = today
        self.ticket_number_check = ticket_number_check
        self.problems: list[RowProblem] = []
        self.duplicates = DuplicateTracker()
        self._caches: dict[str, dict[str, Any]] = {name: {} for name in _VALUE_HINTS}

    def _coded(
        self,
        column: str,
        text: str,
        parser: Callable[[str], _T],
        found: list[RowProblem],
        row_number: int,
    ) -> _T | None:
        if not text:
            return None  # an empty required cell is reported once, as roster.required_empty
        cache = self._caches[column]
        value = cache.get(text)
        if value is not None:
            return value  # type: ignore[no-any-return]
        try:
            parsed = parser(to_ascii(text))
        except DeskError as error:
            found.append(
                RowProblem(
                    row_number, column, error.code, f"{error.message}; {_VALUE_HINTS[column]}"
                )
            )
            return None
        cache[text] = parsed
        return parsed

    def _flag_problems(self, row_number: int, flags: list[CellFlag]) -> list[RowProblem]:
        """Problems found while reading the file; flags on ignored columns do not count."""
        found: list[RowProblem] = []
        for position, code, reason in flags:
            if position < 0:
                found.append(RowProblem(row_number, "", code, reason))
            elif position in self.column_at:
                found.append(RowProblem(row_number, self.column_at[position], code, reason))
        return found

    def _shape_problem(self, row_number: int, cells: list[str]) -> RowProblem:
        if len(cells) > self.width:
            return RowProblem(
                row_number,
                "",
                "roster.too_many_cells",
                f"the row has values in {len(cells)} cells but the header names only "
                f"{self.width} columns (a separator inside a value, or a column without a header?)",
            )
        return RowProblem(
            row_number,
            "",
            "roster.too_few_cells",
            f"the row has {len(cells)} cells but the header has {self.width} "
            "(a missing separator, or a file cut short?)",
        )

    def _required_problems(
        self, row_number: int, texts: list[str], found: list[RowProblem]
    ) -> None:
        flagged = {problem.column for problem in found}
        for column, text in zip(COLUMN_NAMES, texts, strict=True):
            if column in REQUIRED_COLUMNS and not text and column not in flagged:
                found.append(
                    RowProblem(
                        row_number,
                        column,
                        "roster.required_empty",
                        f"{column} ({CHINESE_NAMES[column]}) is empty",
                    )
                )

    def check(
        self, row_number: int, cells: list[str], flags: list[CellFlag] | None
    ) -> RosterRow | None:
        """The valid row, or None after adding its problems (None also for a blank row)."""
        found = self._flag_problems(row_number, flags) if flags else []
        width = self.width
        if len(cells) == width:
            cells.append("")  # the cell read for columns the roster does not have
        elif len(cells) < width:
            if not found and is_blank(cells):
                return None
            if self.short_rows_are_problems:
                self.problems.extend(found)
                self.problems.append(self._shape_problem(row_number, cells))
                return None
            cells = cells + [""] * (width + 1 - len(cells))
        elif not is_blank(cells[width:]):
            self.problems.extend(found)
            self.problems.append(self._shape_problem(row_number, cells))
            return None

        texts = [cells[position].strip() for position in self.positions]
        joined = "".join(texts)
        if not joined and not found:
            return None
        if "'" in joined:
            texts = [restore_neutralised(text) for text in texts]
        if (len(joined) > MAX_CELL_LENGTH and max(map(len, texts)) > MAX_CELL_LENGTH) or (
            find_control_character(joined)
        ):
            self._cell_text_problems(row_number, texts, found)
        (
            registration_id, kind_text, name, sex_text, ethnicity_text, birth_text,
            document_type_text, number_text, phone_text, email_text, exam_area,
            programme_code, programme_name, tutoring_unit, class_name, ticket_text,
            merged_text, diploma_text, photo_file,
        ) = texts  # fmt: skip
        if not (
            registration_id and kind_text and name and number_text and exam_area and programme_code
        ):
            self._required_problems(row_number, texts, found)

        kind = self._coded("kind", kind_text, CandidateKind.parse, found, row_number)
        document_type = (
            self._coded("document_type", document_type_text, DocumentType.parse, found, row_number)
            if document_type_text
            else DocumentType.RESIDENT_ID
        )
        diploma = (
            self._coded(
                "prior_diploma_status", diploma_text, PriorDiplomaStatus.parse, found, row_number
            )
            if diploma_text
            else PriorDiplomaStatus.NOT_APPLICABLE
        )
        ethnicity = (
            self._coded("ethnicity", ethnicity_text, ethnicity_code, found, row_number)
            if ethnicity_text
            else ""
        )
        stated_sex = self._coded("sex", sex_text, sex_code, found, row_number) if sex_text else None

        number, number_birth_date, number_sex = to_ascii(number_text), None, None
        if number and document_type is not None:
            try:
                document = validate_document(document_type, number, today=self.today)
            except DeskError as error:
                found.append(RowProblem(row_number, "document_number", error.code, error.message))
            else:
                number = document.number
                number_birth_date, number_sex = document.birth_date, document.sex_code
                self.duplicates.note_document_number(number, row_number, registration_id)

        birth_date = number_birth_date
        if birth_text:
            birth_date = self._birth_date(row_number, birth_text, number_birth_date, found)
        sex = number_sex or stated_sex or "0"
        if stated_sex in ("1", "2"):
            if number_sex and stated_sex != number_sex:
                found.append(
                    RowProblem(
                        row_number,
                        "sex",
                        "roster.sex_mismatch",
                        f"the sex column says {sex_text!r} but the document number is a "
                        f"{'man' if number_sex == '1' else 'woman'}'s",
                    )
                )
            sex = stated_sex

        phone = ""
        if phone_text:
            try:
                phone = normalise_phone(phone_text)
            except ValueError as error:
                found.append(RowProblem(row_number, "phone", "roster.bad_phone", str(error)))
        email = ""
        if email_text:
            try:
                email = check_email(email_text)
            except ValueError as error:
                found.append(RowProblem(row_number, "email", "roster.bad_email", str(error)))

        ticket = to_ascii(ticket_text)
        merged = split_ticket_numbers(merged_text) if merged_text else ()
        if kind is not None:
            self._ticket_problems(row_number, kind, ticket, merged, found)

        if registration_id:
            self.duplicates.note_registration_id(registration_id, row_number)
        if found or kind is None or document_type is None or diploma is None or ethnicity is None:
            self.problems.extend(found)
            return None
        return RosterRow(
            row_number=row_number,
            registration_id=registration_id,
            kind=kind,
            name=name,
            sex=sex,
            ethnicity=ethnicity,
            birth_date=birth_date,
            document_type=document_type,
            document_number=number,
            phone=phone,
            email=email,
            exam_area=exam_area,
            programme_code=programme_code,
            programme_name=programme_name,
            tutoring_unit=tutoring_unit or None,
            class_name=class_name or None,
            ticket_number=ticket or None,
            merged_ticket_numbers=merged,
            prior_diploma_status=diploma,
            photo_file=photo_file or None,
        )

    def _cell_text_problems(
        self, row_number: int, texts: list[str], found: list[RowProblem]
    ) -> None:
        for column, text in zip(COLUMN_NAMES, texts, strict=True):
            if len(text) > MAX_CELL_LENGTH:
                found.append(
                    RowProblem(
                        row_number,
                        column,
                        "roster.cell_too_long",
                        f"the value has {len(text)} characters; at most {MAX_CELL_LENGTH} "
                        f"are accepted (it starts {text[:30]!r})",
                    )
                )
            elif find_control_character(text):
                found.append(
                    RowProblem(
                        row_number,
                        column,
                        "roster.control_character",
                        f"the value contains a line break, tab or other control character "
                        f"({text[:40]!r})",
                    )
                )

    def _birth_date(
        self,
        row_number: int,
        text: str,
        from_number: date | None,
        found: list[RowProblem],
    ) -> date | None:
        try:
            stated = parse_date_text(text)
        except ValueError as error:
            found.append(RowProblem(row_number, "birth_date", "roster.bad_date", str(error)))
            return from_number
        if not _EARLIEST_BIRTH_DATE <= stated <= self.today:
            found.append(
                RowProblem(
                    row_number,
                    "birth_date",
                    "roster.bad_date",
                    f"the birth date {stated.isoformat()} is "
                    f"{'in the future' if stated > self.today else 'before 1900'}",
                )
            )
        elif from_number is not None and stated != from_number:
            found.append(
                RowProblem(
                    row_number,
                    "birth_date",
                    "roster.birth_date_mismatch",
                    f"the birth date column says {stated.isoformat()} but the document number "
                    f"gives {from_number.isoformat()}",
                )
            )
        return stated

    def _ticket_problems(
        self,
        row_number: int,
        kind: CandidateKind,
        ticket: str,
        merged: tuple[str, ...],
        found: list[RowProblem],
    ) -> None:
        if kind is CandidateKind.NEW:
            if ticket:
                found.append(
                    RowProblem(
                        row_number,
                        "ticket_number",
                        "roster.ticket_number_unexpected",
                        f"a new (新生) candidate is given a ticket number on confirmation, "
                        f"but the row has {ticket!r}",
                    )
                )
            if merged:
                found.append(
                    RowProblem(
                        row_number,
                        "merged_ticket_numbers",
                        "roster.merged_ticket_numbers_unexpected",
                        f"a new (新生) candidate has no earlier ticket numbers to merge, but the "
                        f"row lists {'; '.join(merged)!r}",
                    )
                )
            return
        if not ticket:
            found.append(
                RowProblem(
                    row_number,
                    "ticket_number",
                    "roster.ticket_number_missing",
                    "an enrolled (在籍) candidate needs the ticket number chosen at registration",
                )
            )
        elif not (ticket.isdigit() and ticket.isascii()):
            found.append(
                RowProblem(
                    row_number,
                    "ticket_number",
                    "roster.ticket_number_not_digits",
                    f"a ticket number has only digits, found {ticket!r}",
                )
            )
        elif self.ticket_number_check is not None:
            reason = self.ticket_number_check(ticket)
            if reason:
                found.append(
                    RowProblem(row_number, "ticket_number", "roster.ticket_number_layout", reason)
                )
        for other in merged:
            if not (other.isdigit() and other.isascii()):
                found.append(
                    RowProblem(
                        row_number,
                        "merged_ticket_numbers",
                        "roster.merged_ticket_number_not_digits",
                        f"a ticket number has only digits, found {other!r}",
                    )
                )
            elif other == ticket:
                found.append(
                    RowProblem(
                        row_number,
                        "merged_ticket_numbers",
                        "roster.merged_ticket_number_is_chosen",
                        f"{other} is the chosen ticket number and cannot also be merged into it",
                    )
                )
