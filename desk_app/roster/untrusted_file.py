"""Opening an untrusted roster file into a Table: the checks that come before any parsing.

Roster files come from outside the authority (tutoring units, e-mail attachments), so they
are treated as hostile: sizes are capped before parsing, and the format is decided by content,
not by the file's name, so an XLSX named .csv is still read as a workbook and other formats
(old .xls, PDF, archives, images, UTF-16 text) are refused with a word on how to save the file.
The CSV and XLSX openers themselves are in csv_table and xlsx_table.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from desk_app.domain.errors import ImportFileError
from desk_app.roster.csv_table import open_csv
from desk_app.roster.table import SAVE_AS, Table, read_failure
from desk_app.roster.xlsx_table import open_xlsx

DEFAULT_MAX_BYTES = 200 * 1024 * 1024

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


def _check_file(path: Path, max_bytes: int) -> None:
    """The checks that need no reading: the file exists, is a file, and is not too large."""
    try:
        if not path.exists():
            raise ImportFileError(f"{path} does not exist", code="import.missing_file")
        if not path.is_file():
            raise ImportFileError(f"{path} is not a file", code="import.not_a_file")
        size = path.stat().st_size
    except OSError as error:
        raise read_failure(path, error) from error
    if size == 0:
        raise ImportFileError(f"{path.name} is empty", code="import.empty_file")
    if size > max_bytes:
        raise ImportFileError(
            f"{path.name} has {size:,} bytes, more than the limit of {max_bytes:,}",
            code="import.too_large",
            size=size,
        )


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(16)
    except OSError as error:
        raise read_failure(path, error) from error


def _read_text_bytes(path: Path, max_bytes: int) -> bytes:
    """The whole file; the size is checked again because the file may grow after the check."""
    try:
        with path.open("rb") as stream:
            data = stream.read()
    except OSError as error:
        raise read_failure(path, error) from error
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
                f"{name} is {description}, not a roster; {SAVE_AS}",
                code="import.unsupported_format",
            )
    for bom, encoding in _WIDE_ENCODINGS:
        if data.startswith(bom):
            raise ImportFileError(
                f"{name} is {encoding} text, which is not supported; {SAVE_AS}",
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
                f"{name} looks like UTF-16 text without a byte-order mark; {SAVE_AS}",
                code="import.unsupported_encoding",
            )
        raise ImportFileError(
            f"{name} holds binary data, not text; {SAVE_AS}", code="import.binary_content"
        )


def open_table(path: Path, max_bytes: int, warnings_out: list[str]) -> Table:
    """Decide the format by content: an XLSX named .csv is still a workbook, and back."""
    _check_file(path, max_bytes)
    suffix = path.suffix.lower()
    if _read_head(path).startswith(_ZIP_SIGNATURES):
        if suffix not in (".xlsx", ".xlsm", ".zip"):
            warnings_out.append(f"{path.name} is an XLSX workbook despite its name; read as one")
        return open_xlsx(path, max_bytes, warnings_out)
    data = _read_text_bytes(path, max_bytes)
    _refuse_other_formats(data, path.name)
    if suffix in (".xlsx", ".xls", ".xlsm"):
        warnings_out.append(f"{path.name} is plain text despite its name; read as CSV")
    return open_csv(data, path.name, warnings_out)
