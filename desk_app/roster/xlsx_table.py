"""Opening an XLSX roster: the package is inspected before openpyxl parses it; cells read as text.

An XLSX is a ZIP of XML, which makes two attacks possible on a reader that trusts it: a ZIP
bomb and XML entity expansion. Both are refused here before openpyxl sees the file. No cell
is ever evaluated as a formula: formula, error and precision-losing cells are flagged.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from desk_app.domain.errors import ImportFileError
from desk_app.roster.table import SAVE_AS, CellFlag, RawRow, Table, is_blank, read_failure
from desk_app.roster.values import loses_digits, spreadsheet_text

# An XLSX is a ZIP of XML: real workbooks expand 5 to 15 times; far more means a ZIP bomb.
UNPACKED_SIZE_FACTOR = 10
_XML_PROLOGUE_BYTES = 64 * 1024


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
                    f"{name} is a ZIP archive but not an Excel workbook; {SAVE_AS}",
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


def open_xlsx(path: Path, max_bytes: int, warnings_out: list[str]) -> Table:
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
        raise read_failure(path, error) from error
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
            if not is_blank(texts):
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

    def rows() -> Iterator[RawRow]:
        try:
            for row_number, cells in cells_by_row:
                yield row_number, *_xlsx_row_text(cells)
        except ImportFileError:
            raise
        except Exception as error:
            raise _xlsx_failure(path.name, error) from error

    return Table(
        header,
        header_row,
        rows(),
        max(declared_rows - header_row, 0),
        short_rows_are_problems=False,
        close=close,
    )


def _xlsx_row_text(cells: Sequence[Any]) -> tuple[list[str], list[CellFlag] | None]:
    """Cell values as text; formula, error and precision-losing cells are flagged, not read."""
    texts: list[str] = []
    flags: list[CellFlag] | None = None
    for position, cell in enumerate(cells):
        value = cell.value
        if value is None:
            texts.append("")
            continue
        data_type = cell.data_type
        flag: CellFlag | None = None
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
