"""Opening a CSV roster: decoding its bytes and finding its delimiter, then a Table of its rows.

Rosters are saved by whatever spreadsheet program a tutoring unit has, so the text may be
UTF-8 or GB18030 and the columns may be separated by something other than commas.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

from desk_app.domain.errors import ImportFileError
from desk_app.roster.columns import match_header
from desk_app.roster.table import SAVE_AS, RawRow, Table, is_blank

_CSV_DELIMITERS = (",", ";", "\t", "|", "，")


def _decode(data: bytes, name: str, warnings_out: list[str]) -> str:
    """UTF-8 (with or without BOM) first, because GB18030 would decode most UTF-8 as nonsense.

    A file cut short in the middle of a multi-byte character keeps its complete part, with a
    warning: its last row is then incomplete and the row checks report it.
    """
    encodings: tuple[str, ...] = ("utf-8", "gb18030")
    if data.startswith(codecs.BOM_UTF8):
        data, encodings = data[len(codecs.BOM_UTF8) :], ("utf-8",)
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            if error.end >= len(data) and error.start >= len(data) - 3:
                warnings_out.append(
                    f"{name} ends in the middle of a character: it may have been cut short"
                )
                return data[: error.start].decode(encoding)
            first_error = first_error or error
    position = first_error.start if first_error else 0
    raise ImportFileError(
        f"{name} is neither UTF-8 nor GB18030 text (byte {data[position]:#04x} at offset "
        f"{position} is not valid in either); {SAVE_AS}",
        code="import.undecodable",
        offset=position,
    )


def _looks_binary(text: str) -> bool:
    """Control characters other than tab and line breaks are rare in real text."""
    sample = text[:65536]
    controls = sum(1 for character in sample if character < " " and character not in "\t\r\n\f")
    return controls > max(8, len(sample) // 200)


def _pick_delimiter(text: str, warnings_out: list[str]) -> str:
    """The separator that makes the first non-blank line name the most roster columns."""
    best, best_count = ",", -1
    sample = text[:65536]
    for delimiter in _CSV_DELIMITERS:
        for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if is_blank(cells):
                continue
            count = sum(1 for cell in cells if match_header(cell) is not None)
            if count > best_count:
                best, best_count = delimiter, count
            break
    if best != ",":
        warnings_out.append(f"the columns are separated by {best!r} instead of commas")
    return best


def open_csv(data: bytes, name: str, warnings_out: list[str]) -> Table:
    text = _decode(data, name, warnings_out)
    if not text.strip():
        raise ImportFileError(f"{name} is empty", code="import.empty_file")
    if _looks_binary(text):
        raise ImportFileError(
            f"{name} holds binary data, not text; {SAVE_AS}", code="import.binary_content"
        )
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_pick_delimiter(text, warnings_out)
    )
    header_row = 0
    header: list[str] = []
    try:
        for cells in reader:
            header_row += 1
            if not is_blank(cells):
                header = cells
                break
    except csv.Error as error:
        raise ImportFileError(
            f"the header of {name} is not valid CSV: {error}", code="import.bad_header"
        ) from error

    if not header:
        raise ImportFileError(f"{name} has no rows at all", code="import.empty_file")

    def rows() -> Iterator[RawRow]:
        row_number = header_row
        try:
            for cells in reader:
                row_number += 1
                yield row_number, cells, None
        except csv.Error as error:
            reason = f"the CSV cannot be read from this row on ({error}); later rows were not read"
            yield row_number + 1, [], [(-1, "roster.csv_syntax", reason)]

    estimated = max(text.count("\n") - header_row, 0)
    return Table(header, header_row, rows(), estimated, short_rows_are_problems=True)
