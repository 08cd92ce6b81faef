"""Opening the counter database with its key, encrypting a plain one, changing the key.

Opening: a SQLite file that does not exist yet is created encrypted (with a new key, stored
first) unless ``[privacy] encrypt_database`` is off; a plain file is opened as it is (``db
encrypt`` converts it); an encrypted file opens with its current key, or with the pending key
of an interrupted ``db encrypt``/``db rekey``, which then becomes current. No key that fits is a
coded error (``database.key_missing``, ``database.key_wrong``): never a crash, never a new
empty database in place of the old.

``encrypt_database`` and ``rekey_database`` keep the order that makes a kill at any point safe:
store the new key as pending → write the new file beside the old → compare them → replace the
old file in one rename → make the pending key current. ``step`` is called after each of these
(tests kill the process there).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desk_app.domain.errors import DeskError
from desk_app.persistence.database import (
    Database,
    DatabaseError,
    DatabaseFile,
    DatabaseKeyError,
    database_file_kind,
    sqlite_path,
)
from desk_app.persistence.encryption import (
    export_keyed,
    remove_with_side_files,
    same_content,
    swap_in,
)
from desk_app.security.keys import DatabaseKeys, KeyStore, new_key

Step = Callable[[str], None]


def _no_step(_name: str) -> None:
    return None


def open_database(
    url: str,
    store: KeyStore,
    *,
    encrypt_new: bool = True,
    busy_timeout_ms: int = 10_000,
    upgrade: bool = True,
) -> Database:
    """The database at ``url``, with its key when it is (or will be) an encrypted file."""
    path = sqlite_path(url)
    if path is None:
        return Database.open(url, busy_timeout_ms=busy_timeout_ms, upgrade=upgrade)
    kind = database_file_kind(path)
    if kind is DatabaseFile.PLAIN or (kind is DatabaseFile.MISSING and not encrypt_new):
        return Database.open(url, busy_timeout_ms=busy_timeout_ms, upgrade=upgrade)
    keys = DatabaseKeys(store, path)
    if kind is DatabaseFile.MISSING:
        key = new_key()
        keys.save_current(key)  # before the file exists: a file never lacks its key
        keys.drop_pending()
        return Database.open(url, key=key, busy_timeout_ms=busy_timeout_ms, upgrade=upgrade)
    return _open_encrypted(url, keys, busy_timeout_ms=busy_timeout_ms, upgrade=upgrade)


def _open_encrypted(
    url: str, keys: DatabaseKeys, *, busy_timeout_ms: int, upgrade: bool
) -> Database:
    candidates = list(keys.candidates())
    if not candidates:
        raise DatabaseKeyError(
            "the database is encrypted and no key for it is stored on this machine",
            code="database.key_missing",
        )
    for label, key in candidates:
        try:
            database = Database.open(url, key=key, busy_timeout_ms=busy_timeout_ms, upgrade=upgrade)
        except DatabaseKeyError:
            continue
        if label == "pending":
            keys.promote_pending()  # an encrypt or rekey was interrupted after its swap
        else:
            keys.drop_pending()  # ... or before it: the new key was never used
        return database
    raise DatabaseKeyError("the stored key does not open this database", code="database.key_wrong")


def working_key(path: Path, keys: DatabaseKeys) -> bytes:
    """The key that opens the encrypted file at ``path`` (promoting a pending one)."""
    database = _open_encrypted(f"sqlite:///{path}", keys, busy_timeout_ms=10_000, upgrade=False)
    database.close()
    key = keys.current()
    if key is None:  # pragma: no cover - _open_encrypted just stored it
        raise DatabaseKeyError("no key", code="database.key_missing")
    return key


def _path_of(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise DeskError("only a SQLite database file can be encrypted", code="database.not_a_file")
    return path


def encrypt_database(url: str, store: KeyStore, *, step: Step = _no_step) -> Path:
    """Turn the plain SQLite file at ``url`` into an encrypted one under a new key."""
    path = _path_of(url)
    kind = database_file_kind(path)
    if kind is DatabaseFile.MISSING:
        raise DatabaseError(f"there is no database at {path}", code="database.missing")
    if kind is DatabaseFile.ENCRYPTED:
        raise DatabaseError("the database is already encrypted", code="database.encrypted")
    return _rewrite(path, None, DatabaseKeys(store, path), step)


def rekey_database(url: str, store: KeyStore, *, step: Step = _no_step) -> Path:
    """Give the encrypted SQLite file at ``url`` a new key (the old one stops working)."""
    path = _path_of(url)
    if database_file_kind(path) is not DatabaseFile.ENCRYPTED:
        raise DatabaseError(
            "the database is not encrypted: run 'desk-app db encrypt' first",
            code="database.not_encrypted",
        )
    keys = DatabaseKeys(store, path)
    return _rewrite(path, working_key(path, keys), keys, step)


def _rewrite(path: Path, old_key: bytes | None, keys: DatabaseKeys, step: Step) -> Path:
    draft = path.with_name(path.name + ".rekeying")
    remove_with_side_files(draft)  # a leftover of an interrupted run
    key = new_key()
    keys.save_pending(key)
    step("key_stored")
    try:
        export_keyed(path, old_key, draft, key)
        step("exported")
        if not same_content(path, old_key, draft, key):
            raise DatabaseError(
                "the encrypted copy differs from the database; nothing was changed",
                code="database.copy_differs",
            )
        step("verified")
    except BaseException:
        remove_with_side_files(draft)
        keys.drop_pending()
        raise
    swap_in(draft, path)
    step("swapped")
    keys.promote_pending()
    step("done")
    return path
