"""Roster files: reading and validating them, e-photos beside them, and writing tables safely.

No database here: the import service (desk_app.services.roster_import) decides what to store.
"""

from desk_app.roster.columns import COLUMN_NAMES, COLUMNS, REQUIRED_COLUMNS, Column, match_header
from desk_app.roster.photos import (
    DEFAULT_MAX_PHOTO_BYTES,
    FolderPhotoSource,
    PhotoError,
    PhotoSource,
    ZipPhotoSource,
)
from desk_app.roster.reader import ImportCancelledError, RosterReadResult, read_roster
from desk_app.roster.rows import RosterRow, RowProblem
from desk_app.roster.untrusted_file import DEFAULT_MAX_BYTES
from desk_app.roster.values import MAX_CELL_LENGTH
from desk_app.roster.writer import neutralise_cell, roster_cells, write_roster, write_table

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PHOTO_BYTES",
    "MAX_CELL_LENGTH",
    "REQUIRED_COLUMNS",
    "Column",
    "FolderPhotoSource",
    "ImportCancelledError",
    "PhotoError",
    "PhotoSource",
    "RosterReadResult",
    "RosterRow",
    "RowProblem",
    "ZipPhotoSource",
    "match_header",
    "neutralise_cell",
    "read_roster",
    "roster_cells",
    "write_roster",
    "write_table",
]
