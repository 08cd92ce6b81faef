"""File-level work on SQLCipher databases: copy into a newly keyed file, compare two files.

``db encrypt`` and ``db rekey`` never change a database in place: they write a new file next to
it (``sqlcipher_export``), compare it with the original, and only then replace the original
with one atomic rename. The orchestration (which key, in what order) is
``desk_app.services.encryption``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from desk_app.persistence.database import (
    DatabaseError,
    key_literal,
    make_private,
    sqlcipher_connect,
)

_SIDE_FILES = ("-wal", "-shm", "-journal")


def side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + side) for side in _SIDE_FILES]


def remove_with_side_files(path: Path) -> None:
    for candidate in (path, *side_files(path)):
        candidate.unlink(missing_ok=True)


def export_keyed(source: Path, source_key: bytes | None, target: Path, target_key: bytes) -> None:
    """Copy every table, index and the user version of ``source`` into a new ``target`` file
    encrypted with ``target_key``, and flush it to disk. The source's WAL is checkpointed
    first; a source still open elsewhere (the WAL cannot be emptied) is refused."""
    remove_with_side_files(target)
    make_private(target)
    connection = sqlcipher_connect(source, source_key)
    try:
        cursor = connection.cursor()
        busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy is not None and busy[0]:
            raise DatabaseError(
                "the database is in use: close the counter application first",
                code="database.in_use",
            )
        version = cursor.execute("PRAGMA user_version").fetchone()[0]
        cursor.execute(f"ATTACH DATABASE ? AS keyed KEY {key_literal(target_key)}", (str(target),))
        cursor.execute("SELECT sqlcipher_export('keyed')")
        cursor.execute(f"PRAGMA keyed.user_version = {int(version)}")
        cursor.execute("DETACH DATABASE keyed")
        cursor.close()
    finally:
        connection.close()
    _fsync(target)


def fingerprint(path: Path, key: bytes | None) -> dict[str, tuple[int, str]]:
    """table → (rows, digest of its rows in any order), after an integrity check."""
    connection = sqlcipher_connect(path, key)
    try:
        cursor = connection.cursor()
        check = [row[0] for row in cursor.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            raise DatabaseError(f"integrity check of {path.name} failed", code="database.corrupt")
        tables = [
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            ).fetchall()
        ]
        result: dict[str, tuple[int, str]] = {}
        for table in tables:
            digests = sorted(
                hashlib.sha256(repr(row).encode()).digest()
                for row in cursor.execute(f'SELECT * FROM "{table}"')
            )
            result[table] = (len(digests), hashlib.sha256(b"".join(digests)).hexdigest())
        cursor.close()
        return result
    finally:
        connection.close()


def same_content(source: Path, source_key: bytes | None, target: Path, target_key: bytes) -> bool:
    return fingerprint(source, source_key) == fingerprint(target, target_key)


def swap_in(new_file: Path, path: Path) -> None:
    """Replace ``path`` by ``new_file`` in one rename. The old file's WAL was checkpointed
    into it and must be empty; its leftover side files would confuse the new one."""
    for side in side_files(path):
        if side.exists() and side.stat().st_size > 0 and side.name.endswith("-wal"):
            raise DatabaseError(
                "the database is in use: close the counter application first",
                code="database.in_use",
            )
    for side in side_files(path):
        side.unlink(missing_ok=True)
    new_file.replace(path)
    _fsync_folder(path.parent)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _fsync_folder(folder: Path) -> None:
    if os.name == "posix":
        _fsync(folder)


def cipher_version(connection: Any) -> str:
    row = connection.execute("PRAGMA cipher_version").fetchone()
    return str(row[0]) if row and row[0] else ""
