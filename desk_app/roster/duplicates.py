"""Rows that clash with other rows of the same file, found once the whole file is read.

Two kinds of clash: a registration id on more than one row, and one document number under two
registration ids. A clash is only known once both rows are read, and the earlier row looked
valid when it was checked, so rows are noted one by one and the problems asked for at the end;
read_roster then takes every row involved out of the result, not only the later ones.
"""

from __future__ import annotations

from desk_app.roster.rows import RowProblem


class DuplicateTracker:
    """Notes who each row claims to be; ``problems()`` names every row of every clash."""

    def __init__(self) -> None:
        self.first_row_of_id: dict[str, int] = {}
        self.repeated_ids: dict[str, list[int]] = {}
        self.first_holder_of_number: dict[str, tuple[int, str]] = {}
        self.shared_numbers: dict[str, list[tuple[int, str]]] = {}

    def note_registration_id(self, registration_id: str, row_number: int) -> None:
        first = self.first_row_of_id.setdefault(registration_id, row_number)
        if first != row_number:
            self.repeated_ids.setdefault(registration_id, [first]).append(row_number)

    def note_document_number(self, number: str, row_number: int, registration_id: str) -> None:
        first = self.first_holder_of_number.setdefault(number, (row_number, registration_id))
        if first[0] != row_number and first[1] != registration_id:
            self.shared_numbers.setdefault(number, [first]).append((row_number, registration_id))

    def problems(self) -> list[RowProblem]:
        """Rows that repeat a registration id, or give one document number two ids: all named."""
        problems: list[RowProblem] = []
        for registration_id, row_numbers in self.repeated_ids.items():
            for row_number in row_numbers:
                others = ", ".join(str(other) for other in row_numbers if other != row_number)
                problems.append(
                    RowProblem(
                        row_number,
                        "registration_id",
                        "roster.duplicate_registration_id",
                        f"registration id {registration_id!r} is also on row {others}",
                    )
                )
        for holders in self.shared_numbers.values():
            for row_number, registration_id in holders:
                others = ", ".join(
                    f"row {other_row} ({other_id})"
                    for other_row, other_id in holders
                    if other_id != registration_id
                )
                problems.append(
                    RowProblem(
                        row_number,
                        "document_number",
                        "roster.duplicate_document_number",
                        f"the same document number is registered under another registration id "
                        f"on {others}",
                    )
                )
        return problems
