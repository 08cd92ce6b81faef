"""What reading a roster gives: a valid row (RosterRow), or a problem with one (RowProblem).

These are the types the rest of the application sees: the import service stores RosterRows and
shows RowProblems, and the roster writer writes RosterRows back out. How a row is checked is
in row_checker; opening the file is in untrusted_file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from desk_app.domain.candidate import CandidateKind, PriorDiplomaStatus
from desk_app.domain.documents import DocumentType

# Given an enrolled candidate's ticket number, why its layout is wrong, or None when it is right.
TicketNumberCheck = Callable[[str], str | None]


@dataclass(frozen=True)
class RosterRow:
    row_number: int  # as a spreadsheet shows it: the header is row 1, the first data row 2
    registration_id: str
    kind: CandidateKind
    name: str
    sex: str  # GB/T 2261.1 code: from the column, else from the document number, else "0"
    ethnicity: str  # GB/T 3304 two-digit code, "" when the roster does not say
    birth_date: date | None  # from the column, else from the document number
    document_type: DocumentType
    document_number: str  # normalised by validate_document
    phone: str  # 11 digits or ""
    email: str
    exam_area: str
    programme_code: str
    programme_name: str
    tutoring_unit: str | None
    class_name: str | None
    ticket_number: str | None  # enrolled candidates only
    merged_ticket_numbers: tuple[str, ...]
    prior_diploma_status: PriorDiplomaStatus
    photo_file: str | None


@dataclass(frozen=True)
class RowProblem:
    row_number: int
    column: str  # English column name, "" when the problem is the whole row
    code: str
    reason: str  # plain English: what is wrong and what was found
