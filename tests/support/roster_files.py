"""Roster files for tests: valid rosters with realistic random identities, and broken files.

Valid rosters use real county codes and correct check characters, Chinese names, both kinds of
candidate, several exam areas, programmes and tutoring units; every identity is unique. The
broken files reproduce what counters actually receive: wrong encodings, cut-off downloads,
spreadsheets with formulas, and hostile archives.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from desk_app.roster.columns import CHINESE_NAMES, COLUMN_NAMES
from desk_app.services.demo import generate_roster_rows
from tests.support.bombs import bomb

Record = dict[str, str]

AREA_CODES = ("110105", "310115", "440106", "510107", "320106", "420106", "330106", "610113")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐欧阳司马"
GIVEN_NAME_CHARACTERS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉萍红建国文辉力永健"
EXAM_AREAS = ("0101", "0102", "0201", "0305")
PROGRAMMES = (
    ("080901", "计算机科学与技术"),
    ("120203K", "会计学"),
    ("030101K", "法学"),
    ("050101", "汉语言文学"),
)
TUTORING_UNITS = ("", "", "滨江大学继续教育学院", "明德培训学校")
# Headers of a 480×640 picture (the pixel check reads them) and no more: the importer never decodes.
PHOTO_JPEG = bomb("jpeg", side=480) + b"\x00" * 64
PHOTO_PNG = bomb("png", side=480)
PHOTO_BOMB = bomb("png")  # 389 KB would do; this declares 20,000 × 20,000 in far fewer bytes


def roster_records(count: int, *, seed: int = 7, enrolled_share: float = 0.2) -> list[Record]:
    """``count`` valid roster rows (the demo's generator) as English column name -> cell text."""
    return list(generate_roster_rows(count, seed=seed, enrolled_share=enrolled_share))


def record(**changes: str) -> Record:
    """One valid new-candidate row (the domain's test identity) with ``changes`` applied."""
    row: Record = {
        "registration_id": "R1",
        "kind": "new",
        "name": "张三",
        "sex": "2",
        "ethnicity": "01",
        "birth_date": "1949-12-31",
        "document_type": "resident_id",
        "document_number": "11010519491231002X",
        "phone": "13800138000",
        "email": "zhang@example.cn",
        "exam_area": "0101",
        "programme_code": "080901",
        "programme_name": "计算机科学与技术",
        "tutoring_unit": "",
        "class_name": "",
        "ticket_number": "",
        "merged_ticket_numbers": "",
        "prior_diploma_status": "",
        "photo_file": "",
    }
    row.update(changes)
    return row


def header_for(columns: Sequence[str], *, chinese: bool = False) -> list[str]:
    return [CHINESE_NAMES[column] if chinese else column for column in columns]


def csv_text(
    records: Iterable[Mapping[str, str]],
    *,
    columns: Sequence[str] = COLUMN_NAMES,
    header: Sequence[str] | None = None,
    delimiter: str = ",",
) -> str:
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header if header is not None else columns)
    for row in records:
        writer.writerow([row.get(column, "") for column in columns])
    return stream.getvalue()


def write_csv(
    path: Path,
    records: Iterable[Mapping[str, str]],
    *,
    columns: Sequence[str] = COLUMN_NAMES,
    header: Sequence[str] | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    """A roster CSV; ``encoding="utf-8-sig"`` adds a BOM, ``"gb18030"`` is the Chinese one."""
    text = csv_text(records, columns=columns, header=header, delimiter=delimiter)
    path.write_bytes(text.encode(encoding))
    return path


def write_lines(path: Path, lines: Iterable[str], *, encoding: str = "utf-8") -> Path:
    """A CSV written line by line, for files whose shape is the point of the test."""
    path.write_bytes("".join(f"{line}\r\n" for line in lines).encode(encoding))
    return path


def write_xlsx(
    path: Path,
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[str] = COLUMN_NAMES,
    sheets: int = 1,
) -> Path:
    """A workbook written by openpyxl in normal mode, so cells can be formulas or dates.

    A string starting with ``=`` becomes a formula cell, as when a person types it in Excel.
    """
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for number in range(1, sheets):
        workbook.create_sheet(f"Sheet{number + 1}").append(["notes"])
    workbook.save(path)
    return path


def record_cells(row: Mapping[str, str], columns: Sequence[str] = COLUMN_NAMES) -> list[object]:
    return [row.get(column, "") for column in columns]


def _replace_part(path: Path, part: str, content: bytes) -> None:
    original = path.read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = content if entry.filename == part else source.read(entry)
            target.writestr(entry.filename, data)


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b"<!DOCTYPE lolz [\n"
    b' <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n'
        % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>\n"
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def billion_laughs_xlsx(path: Path, *, padding: int = 0) -> Path:
    """A workbook whose sheet XML declares the billion-laughs entity bomb (~3 GB if expanded).

    ``padding`` puts a comment of that many bytes before the DOCTYPE, to reach past a scanner
    that only looks at the start of the part.
    """
    write_xlsx(path, [record_cells(record())])
    bomb = BILLION_LAUGHS
    if padding:
        declaration, rest = bomb.split(b"\n", 1)
        bomb = declaration + b"\n<!--" + b" " * padding + b"-->\n" + rest
    _replace_part(path, "xl/worksheets/sheet1.xml", bomb)
    return path


def truncated_xlsx(path: Path, *, keep: float = 0.6) -> Path:
    """A valid workbook cut short, as an interrupted download leaves it."""
    write_xlsx(path, (record_cells(row) for row in roster_records(50)))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def inflated_xlsx(path: Path, *, unpacked_bytes: int) -> Path:
    """A small workbook whose sheet XML unpacks to ``unpacked_bytes`` (mostly a comment)."""
    write_xlsx(path, [record_cells(record())])
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    padded = b"<!--" + b" " * unpacked_bytes + b"-->" + sheet
    _replace_part(path, "xl/worksheets/sheet1.xml", padded)
    return path


def latin1_csv(path: Path) -> Path:
    """A roster saved as Latin-1 (Western Windows) with accents: neither UTF-8 nor GB18030."""
    row = record(name="José", programme_name="Informàtica", tutoring_unit="Escola Técnica")
    path.write_bytes(csv_text([row]).encode("latin-1"))
    return path


def utf16_csv(path: Path, *, bom: bool = True) -> Path:
    """Excel's 'Unicode text' export: UTF-16 little-endian."""
    text = csv_text([record()])
    path.write_bytes(text.encode("utf-16" if bom else "utf-16-le"))
    return path


def binary_file(path: Path, *, size: int = 4096, seed: int = 3) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def zip_with(path: Path, entries: Mapping[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def zip_bomb(
    path: Path, *, entry: str = "bomb.jpg", unpacked_bytes: int = 64 * 1024 * 1024
) -> Path:
    """A ZIP with one highly compressed entry (64 MiB of one byte repeated, about 64 KiB packed)."""
    block = b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 - 3)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(entry, "w", force_zip64=True) as stream,
    ):
        for _ in range(unpacked_bytes // len(block)):
            stream.write(block)
    return path


def lying_zip(
    path: Path, *, entry: str = "liar.jpg", unpacked_bytes: int = 8 * 1024 * 1024
) -> Path:
    """A ZIP whose entry claims to be 1,000 bytes but unpacks to ``unpacked_bytes``."""
    zip_with(path, {entry: b"\xff\xd8\xff" + b"\x00" * (unpacked_bytes - 3)})
    raw = bytearray(path.read_bytes())
    claimed = (1000).to_bytes(4, "little")
    local_header = raw.find(b"PK\x03\x04")
    raw[local_header + 22 : local_header + 26] = claimed
    central_header = raw.find(b"PK\x01\x02")
    raw[central_header + 24 : central_header + 28] = claimed
    path.write_bytes(bytes(raw))
    return path
