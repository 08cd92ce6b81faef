"""The roster's columns and how a header row written by people is matched to them.

Rosters come from the platform's export, from tutoring units' own spreadsheets and from clerks
who retype a header, so a column is recognised by its English name, its Chinese name, or both
("姓名(name)", "name（姓名）"), with any width of brackets and spaces, in any case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from desk_app.domain.errors import ImportFileError


@dataclass(frozen=True)
class Column:
    name: str  # English name, also the attribute of RosterRow
    chinese: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("registration_id", "注册号", required=True),
    Column("kind", "类型", required=True),
    Column("name", "姓名", required=True),
    Column("sex", "性别"),
    Column("ethnicity", "民族"),
    Column("birth_date", "出生日期"),
    Column("document_type", "证件类型"),
    Column("document_number", "证件号码", required=True),
    Column("phone", "手机号码"),
    Column("email", "电子邮箱"),
    Column("exam_area", "考区", required=True),
    Column("programme_code", "专业代码", required=True),
    Column("programme_name", "专业名称"),
    Column("tutoring_unit", "助学单位"),
    Column("class_name", "班级"),
    Column("ticket_number", "准考证号"),
    Column("merged_ticket_numbers", "合并准考证号"),
    Column("prior_diploma_status", "前置学历核验"),
    Column("photo_file", "照片文件"),
)
COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(column.name for column in COLUMNS if column.required)
CHINESE_NAMES: dict[str, str] = {column.name: column.chinese for column in COLUMNS}

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s\-_]+")
_BRACKETED = re.compile(r"^(?P<outer>[^()]*)\((?P<inner>[^()]*)\)(?P<rest>[^()]*)$")


def _key(text: str) -> str:
    """Compare names without case, spaces, hyphens or underscores.

    So "Registration ID" is registration_id, and "姓　名" (spaced to align a paper form) is 姓名.
    """
    return _SEPARATORS.sub("", text).lower()


_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    _LOOKUP[_key(_column.name)] = _column.name
    _LOOKUP[_key(_column.chinese)] = _column.name


def normalise_header(text: str) -> str:
    """NFKC turns full-width brackets and spaces into ASCII ones; whitespace runs become one."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def match_header(text: str) -> str | None:
    """The English column name a header cell stands for, or None when it is not a roster column.

    In "A(B)" forms both parts are tried: a part that names no column is taken as a note
    ("出生日期(YYYY-MM-DD)"), but two parts naming different columns match neither.
    """
    header = normalise_header(text)
    if not header:
        return None
    direct = _LOOKUP.get(_key(header))
    if direct is not None:
        return direct
    bracketed = _BRACKETED.match(header)
    if bracketed is None:
        return None
    parts = (bracketed["outer"], bracketed["inner"], bracketed["rest"])
    found = {_LOOKUP[_key(part)] for part in parts if _key(part) in _LOOKUP}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class HeaderLayout:
    """Where each known column sits in a row (-1 when the roster does not have it)."""

    positions: dict[str, int]
    width: int  # cells in the header row, trailing blank header cells excluded
    warnings: tuple[str, ...]

    def has(self, column: str) -> bool:
        return self.positions[column] >= 0


def layout_from_header(cells: Sequence[str]) -> HeaderLayout:
    """Match a header row, or refuse the file when a column is missing or appears twice.

    Unknown headers are ignored with a warning, so a roster with the platform's extra columns
    (remarks, audit fields) still imports; blank header cells are ignored silently because
    spreadsheet programs often carry formatted but empty columns.
    """
    positions = dict.fromkeys(COLUMN_NAMES, -1)
    seen_as: dict[str, str] = {}
    warnings: list[str] = []
    width = 0
    for index, raw in enumerate(cells):
        header = normalise_header(raw)
        if not header:
            continue
        width = index + 1
        column = match_header(header)
        if column is None:
            warnings.append(f"column {index + 1} {header!r} is not a roster column and is ignored")
            continue
        if positions[column] >= 0:
            raise ImportFileError(
                f"the header has the column {column} twice: {seen_as[column]!r} and {header!r}",
                code="import.duplicate_columns",
                column=column,
            )
        positions[column] = index
        seen_as[column] = header
    missing = [name for name in REQUIRED_COLUMNS if positions[name] < 0]
    if missing:
        named = ", ".join(f"{name} ({CHINESE_NAMES[name]})" for name in missing)
        raise ImportFileError(
            f"the header lacks the required column(s) {named}",
            code="import.missing_columns",
            columns=missing,
        )
    return HeaderLayout(positions=positions, width=width, warnings=tuple(warnings))
