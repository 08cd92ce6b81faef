"""Reading roster files (CSV or XLSX) into validated rows and a report of every bad row.

A file that cannot be read at all raises ImportFileError and yields nothing, so an import never
stores part of a file by accident. A readable file gives the good rows and one RowProblem per
broken rule, so a clerk can fix everything in one pass instead of one error per attempt.

Roster files come from outside the authority (tutoring units, e-mail attachments), so the reader
treats them as hostile: the format is decided by content, sizes are capped before parsing, XML
inside an XLSX may not declare entities, and no cell is ever evaluated as a formula.
Nothing here touches the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from desk_app.domain.candidate import CandidateKind, PriorDiplomaStatus
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError, ImportFileError
from desk_app.domain.progress import Cancelled, Progress
from desk_app.domain.time import china_today
from desk_app.idcard.codes import ethnicity_code, sex_code
from desk_app.idcard.rules import validate_document
from desk_app.roster.columns import (
    CHINESE_NAMES,
    COLUMN_NAMES,
    REQUIRED_COLUMNS,
    HeaderLayout,
    layout_from_header,
    match_header,
)
from desk_app.roster.values import (
    MAX_CELL_LENGTH,
    check_email,
    find_control_character,
    loses_digits,
    normalise_phone,
    parse_date_text,
    restore_neutralised,
    split_ticket_numbers,
    spreadsheet_text,
    to_ascii,
)

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# An XLSX is a ZIP of XML: real workbooks expand 5 to 15 times; far more means a ZIP bomb.
UNPACKED_SIZE_FACTOR = 10
_EARLIEST_BIRTH_DATE = date(1900, 1, 1)
_REPORT_EVERY = 1000
_XML_PROLOGUE_BYTES = 64 * 1024
_CSV_DELIMITERS = (",", ";", "\t", "|", "，")

TicketNumberCheck = Callable[[str], str | None]
# A cell flagged while reading the file: (position in the row, problem code, reason).
# Position -1 stands for the whole row.
_CellFlag = tuple[int, str, str]
_RawRow = tuple[int, list[str], list[_CellFlag] | None]


class ImportCancelledError(ImportFileError):
    """The person cancelled the import; like any ImportFileError, nothing was read."""

    code = "import.cancelled"


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


@dataclass
class RosterReadResult:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Table:
    """A file opened as rows of text cells, with the header already taken off."""

    header: list[str]
    header_row: int
    rows: Iterator[_RawRow]
    estimated_rows: int
    short_rows_are_problems: bool  # CSV: a missing cell means a shifted row
    close: Callable[[], None] = lambda: None


# --- the file as a whole -----------------------------------------------------------------------

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_OTHER_FORMATS = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls or a password-protected workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"{\\rtf", "an RTF document"),
)
_WIDE_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_SAVE_AS = "save it from the spreadsheet program as 'CSV UTF-8' or as an .xlsx workbook"


def _check_file(path: Path, max_bytes: int) -> None:
    """The checks that need no reading: the file exists, is a file, and is not too large."""
    try:
        if not path.exists():
            raise ImportFileError(f"{path} does not exist", code="import.missing_file")
        if not path.is_file():
            raise ImportFileError(f"{path} is not a file", code="import.not_a_file")
        size = path.stat().st_size
    except OSError as error:
        raise _read_failure(path, error) from error
    if size == 0:
        raise ImportFileError(f"{path.name} is empty", code="import.empty_file")
    if size > max_bytes:
        raise ImportFileError(
            f"{path.name} has {size:,} bytes, more than the limit of {max_bytes:,}",
            code="import.too_large",
            size=size,
        )


def _read_failure(path: Path, error: OSError) -> ImportFileError:
    return ImportFileError(
        f"{path.name} cannot be read: {error.strerror or error}", code="import.read_failed"
    )


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(16)
    except OSError as error:
        raise _read_failure(path, error) from error


def _read_text_bytes(path: Path, max_bytes: int) -> bytes:
    """The whole file; the size is checked again because the file may grow after the check."""
    try:
        with path.open("rb") as stream:
            data = stream.read()
    except OSError as error:
        raise _read_failure(path, error) from error
    if len(data) > max_bytes:
        raise ImportFileError(
            f"{path.name} grew beyond the limit of {max_bytes:,} bytes while being read",
            code="import.too_large",
        )
    return data


def _refuse_other_formats(data: bytes, name: str) -> None:
    for signature, description in _OTHER_FORMATS:
        if data.startswith(signature):
            raise ImportFileError(
                f"{name} is {description}, not a roster; {_SAVE_AS}",
                code="import.unsupported_format",
            )
    for bom, encoding in _WIDE_ENCODINGS:
        if data.startswith(bom):
            raise ImportFileError(
                f"{name} is {encoding} text, which is not supported; {_SAVE_AS}",
                code="import.unsupported_encoding",
            )
    if b"\x00" in data:
        sample = data[:512]
        zeros_at_odd, zeros_at_even = sample[1::2].count(0), sample[0::2].count(0)
        if (
            max(zeros_at_odd, zeros_at_even) > len(sample) // 4
            and min(zeros_at_odd, zeros_at_even) < len(sample) // 64
        ):
            raise ImportFileError(
                f"{name} looks like UTF-16 text without a byte-order mark; {_SAVE_AS}",
                code="import.unsupported_encoding",
            )
        raise ImportFileError(
            f"{name} holds binary data, not text; {_SAVE_AS}", code="import.binary_content"
        )


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
        f"{position} is not valid in either); {_SAVE_AS}",
        code="import.undecodable",
        offset=position,
    )


def _looks_binary(text: str) -> bool:
    """Control characters other than tab and line breaks are rare in real text."""
    sample = text[:65536]
    controls = sum(1 for character in sample if character < " " and character not in "\t\r\n\f")
    return controls > max(8, len(sample) // 200)


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _pick_delimiter(text: str, warnings_out: list[str]) -> str:
    """The separator that makes the first non-blank line name the most roster columns."""
    best, best_count = ",", -1
    sample = text[:65536]
    for delimiter in _CSV_DELIMITERS:
        for cells in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if _is_blank(cells):
                continue
            count = sum(1 for cell in cells if match_header(cell) is not None)
            if count > best_count:
                best, best_count = delimiter, count
            break
    if best != ",":
        warnings_out.append(f"the columns are separated by {best!r} instead of commas")
    return best


def _open_csv(data: bytes, name: str, warnings_out: list[str]) -> _Table:
    text = _decode(data, name, warnings_out)
    if not text.strip():
        raise ImportFileError(f"{name} is empty", code="import.empty_file")
    if _looks_binary(text):
        raise ImportFileError(
            f"{name} holds binary data, not text; {_SAVE_AS}", code="import.binary_content"
        )
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_pick_delimiter(text, warnings_out)
    )
    header_row = 0
    header: list[str] = []
    try:
        for cells in reader:
            header_row += 1
            if not _is_blank(cells):
                header = cells
                break
    except csv.Error as error:
        raise ImportFileError(
            f"the header of {name} is not valid CSV: {error}", code="import.bad_header"
        ) from error

    if not header:
        raise ImportFileError(f"{name} has no rows at all", code="import.empty_file")

    def rows() -> Iterator[_RawRow]:
        row_number = header_row
        try:
            for cells in reader:
                row_number += 1
                yield row_number, cells, None
        except csv.Error as error:
            reason = f"the CSV cannot be read from this row on ({error}); later rows were not read"
            yield row_number + 1, [], [(-1, "roster.csv_syntax", reason)]

    estimated = max(text.count("\n") - header_row, 0)
    return _Table(header, header_row, rows(), estimated, short_rows_are_problems=True)


def _inspect_package(path: Path, max_bytes: int) -> None:
    """Refuse ZIP bombs, non-workbook archives and XML with a DTD before openpyxl sees them.

    defusedxml (used by openpyxl) refuses entity declarations too; checking the prologue here
    as well keeps the refusal independent of how openpyxl happens to be configured.
    """
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names:
                raise ImportFileError(
                    f"{name} is a ZIP archive but not an Excel workbook; {_SAVE_AS}",
                    code="import.unsupported_format",
                )
            unpacked = sum(member.file_size for member in members)
            limit = UNPACKED_SIZE_FACTOR * max_bytes
            strings = next((m for m in members if m.filename == "xl/sharedStrings.xml"), None)
            if unpacked > limit or (strings is not None and strings.file_size > max_bytes):
                raise ImportFileError(
                    f"{name} would unpack to {unpacked:,} bytes, more than the limit of "
                    f"{limit:,}: refused as a possible ZIP bomb",
                    code="import.unpacked_too_large",
                )
            for member in members:
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                with archive.open(member) as stream:
                    prologue = stream.read(_XML_PROLOGUE_BYTES).upper()
                if b"<!DOCTYPE" in prologue or b"<!ENTITY" in prologue:
                    raise ImportFileError(
                        f"{name} contains XML with a document type declaration "
                        f"({member.filename}), which workbooks never need: refused as unsafe",
                        code="import.unsafe_xml",
                        part=member.filename,
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise ImportFileError(
            f"{name} is a damaged or incomplete XLSX workbook (perhaps cut short): {error}",
            code="import.corrupt_xlsx",
        ) from error


def _xlsx_failure(name: str, error: Exception) -> ImportFileError:
    from defusedxml.common import DefusedXmlException

    cause: BaseException | None = error
    for _depth in range(16):  # openpyxl wraps parse errors in its own ValueError
        if cause is None:
            break
        if isinstance(cause, DefusedXmlException):
            return ImportFileError(
                f"{name} contains XML entities or a DTD: refused as unsafe "
                f"({type(cause).__name__})",
                code="import.unsafe_xml",
            )
        cause = cause.__cause__ or cause.__context__
    return ImportFileError(
        f"{name} is a damaged XLSX workbook ({type(error).__name__}: {error})".replace("\n", " "),
        code="import.corrupt_xlsx",
    )


def _open_xlsx(path: Path, max_bytes: int, warnings_out: list[str]) -> _Table:
    # openpyxl is imported here: it takes a noticeable time to load and most rosters are CSV.
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        raise ImportFileError(
            "XLSX rosters are refused because openpyxl is not using defusedxml "
            "(OPENPYXL_DEFUSEDXML is set); use a CSV file",
            code="import.xlsx_unavailable",
        )
    _inspect_package(path, max_bytes)
    # A file object rather than the path: openpyxl refuses names that do not end in .xlsx.
    try:
        stream = path.open("rb")
    except OSError as error:
        raise _read_failure(path, error) from error
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds of error for a broken package
        stream.close()
        raise _xlsx_failure(path.name, error) from error

    def close() -> None:
        workbook.close()
        stream.close()

    try:
        sheets = workbook.worksheets
        if not sheets:
            raise ImportFileError(f"{path.name} has no worksheet", code="import.corrupt_xlsx")
        sheet = sheets[0]
        if len(sheets) > 1:
            warnings_out.append(
                f"the workbook has {len(sheets)} sheets; only the first, {sheet.title!r}, was read"
            )
        declared_rows = sheet.max_row or 0
        # Some programs write a wrong <dimension>; without it openpyxl reads every stored row.
        sheet.reset_dimensions()
        cells_by_row = enumerate(sheet.iter_rows(), start=1)
        header_row, header = 0, []
        for row_number, cells in cells_by_row:
            texts = [spreadsheet_text(cell.value) for cell in cells]
            if not _is_blank(texts):
                header_row, header = row_number, texts
                break
    except ImportFileError:
        close()
        raise
    except Exception as error:
        close()
        raise _xlsx_failure(path.name, error) from error
    if not header:
        close()
        raise ImportFileError(f"{path.name} has no rows at all", code="import.empty_file")

    def rows() -> Iterator[_RawRow]:
        try:
            for row_number, cells in cells_by_row:
                yield row_number, *_xlsx_row_text(cells)
        except ImportFileError:
            raise
        except Exception as error:
            raise _xlsx_failure(path.name, error) from error

    return _Table(
        header,
        header_row,
        rows(),
        max(declared_rows - header_row, 0),
        short_rows_are_problems=False,
        close=close,
    )


def _xlsx_row_text(cells: Sequence[Any]) -> tuple[list[str], list[_CellFlag] | None]:
    """Cell values as text; formula, error and precision-losing cells are flagged, not read."""
    texts: list[str] = []
    flags: list[_CellFlag] | None = None
    for position, cell in enumerate(cells):
        value = cell.value
        if value is None:
            texts.append("")
            continue
        data_type = cell.data_type
        flag: _CellFlag | None = None
        if data_type == "f":
            flag = (
                position,
                "roster.formula_cell",
                f"formula cells are not accepted (found {str(value)[:60]!r}); type the value",
            )
        elif data_type == "e":
            flag = (position, "roster.error_cell", f"the cell shows the spreadsheet error {value}")
        elif loses_digits(value):
            flag = (
                position,
                "roster.number_precision_lost",
                "the cell holds a number too long for a spreadsheet to keep exactly; "
                "format the column as text and type the value again",
            )
        if flag is None:
            texts.append(value if type(value) is str else spreadsheet_text(value))
        else:
            texts.append("")
            flags = [flag] if flags is None else [*flags, flag]
    return texts, flags


def _open_table(path: Path, max_bytes: int, warnings_out: list[str]) -> _Table:
    """Decide the format by content: an XLSX named .csv is still a workbook, and back."""
    _check_file(path, max_bytes)
    suffix = path.suffix.lower()
    if _read_head(path).startswith(_ZIP_SIGNATURES):
        if suffix not in (".xlsx", ".xlsm", ".zip"):
            warnings_out.append(f"{path.name} is an XLSX workbook despite its name; read as one")
        return _open_xlsx(path, max_bytes, warnings_out)
    data = _read_text_bytes(path, max_bytes)
    _refuse_other_formats(data, path.name)
    if suffix in (".xlsx", ".xls", ".xlsm"):
        warnings_out.append(f"{path.name} is plain text despite its name; read as CSV")
    return _open_csv(data, path.name, warnings_out)


# --- one row -----------------------------------------------------------------------------------

_T = TypeVar("_T")
_VALUE_HINTS = {
    "kind": "write new (新生) or enrolled (在籍)",
    "sex": "write 1 (男) or 2 (女)",
    "ethnicity": "write the GB/T 3304 code or name, e.g. 01 or 汉族",
    "document_type": "write resident_id or a Chinese name such as 居民身份证",
    "prior_diploma_status": "write not_applicable, passed, failed or pending (or 无需核验, "
    "通过, 未通过, 待核验)",
}


class _RowChecker:
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
        self.first_row_of_id: dict[str, int] = {}
        self.repeated_ids: dict[str, list[int]] = {}
        self.first_holder_of_number: dict[str, tuple[int, str]] = {}
        self.shared_numbers: dict[str, list[tuple[int, str]]] = {}
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

    def _flag_problems(self, row_number: int, flags: list[_CellFlag]) -> list[RowProblem]:
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
        self, row_number: int, cells: list[str], flags: list[_CellFlag] | None
    ) -> RosterRow | None:
        """The valid row, or None after adding its problems (None also for a blank row)."""
        found = self._flag_problems(row_number, flags) if flags else []
        width = self.width
        if len(cells) == width:
            cells.append("")  # the cell read for columns the roster does not have
        elif len(cells) < width:
            if not found and _is_blank(cells):
                return None
            if self.short_rows_are_problems:
                self.problems.extend(found)
                self.problems.append(self._shape_problem(row_number, cells))
                return None
            cells = cells + [""] * (width + 1 - len(cells))
        elif not _is_blank(cells[width:]):
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
                self._note_number(number, row_number, registration_id)

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
            first = self.first_row_of_id.setdefault(registration_id, row_number)
            if first != row_number:
                self.repeated_ids.setdefault(registration_id, [first]).append(row_number)
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

    def _note_number(self, number: str, row_number: int, registration_id: str) -> None:
        first = self.first_holder_of_number.setdefault(number, (row_number, registration_id))
        if first[0] != row_number and first[1] != registration_id:
            self.shared_numbers.setdefault(number, [first]).append((row_number, registration_id))

    def duplicate_problems(self) -> list[RowProblem]:
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


# --- the whole file ----------------------------------------------------------------------------


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
    table = _open_table(path, max_bytes, result.warnings)
    try:
        layout = layout_from_header(table.header)
        result.warnings.extend(layout.warnings)
        checker = _RowChecker(
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
    duplicates = checker.duplicate_problems()
    if duplicates:
        refused = {problem.row_number for problem in duplicates}
        result.rows = [row for row in rows if row.row_number not in refused]
    result.problems = sorted(checker.problems + duplicates, key=lambda problem: problem.row_number)
    if progress is not None:
        progress(done, done)
    return result
