"""Where the counter database's key is kept: the OS keystore, else a 0600 file.

The key is 256 random bits, one per database file (named by the file's absolute path). The OS
keystore (Windows Credential Manager, the Secret Service on a Linux desktop) is used through
``keyring`` where one exists; a headless machine (a server, CI) has none, and then the key is a
file readable by its owner only in the user's config folder. ``[privacy] key_file`` (or
``DESK_APP_KEY_FILE``) names one file that holds the key instead of either.

Each database has a *current* key and, while ``db encrypt`` or ``db rekey`` runs, a *pending*
one: the new key is stored before the new file replaces the old, and becomes current after. A
process killed between the two leaves a file that opens with one of the keys kept here, never
one whose key is lost. Keys never appear in messages or logs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from desk_app.domain.errors import DeskError

KEY_BYTES = 32
SERVICE = "desk-app database key"


class KeyStoreError(DeskError):
    code = "database.key_store"


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


class KeyStore(Protocol):
    """A place for named keys. ``load`` returns None when there is no such key."""

    def load(self, name: str) -> bytes | None: ...

    def save(self, name: str, key: bytes) -> None: ...

    def delete(self, name: str) -> None: ...


def _decode(text: str) -> bytes | None:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as a 0600 file, atomically (a draft, fsync, then replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    handle = os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)
    draft.replace(path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class FolderKeyStore:
    """One 0600 file per key in a 0700 folder; file names are digests, not database paths."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str) -> Path:
        return self.folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".key")

    def load(self, name: str) -> bytes | None:
        try:
            return _decode(self._path(name).read_text(encoding="ascii"))
        except (FileNotFoundError, UnicodeDecodeError):
            return None

    def save(self, name: str, key: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        write_private(self._path(name), key.hex().encode("ascii") + b"\n")

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)


class SingleFileKeyStore:
    """``[privacy] key_file``: the current key in that file, a pending one beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _path(self, name: str) -> Path:
        pending = name.endswith(PENDING_SUFFIX)
        return self.path.with_name(self.path.name + ".pending") if pending else self.path

    def load(self, name: str) -> bytes | None:
        try:
            return _decode(self._path(name).read_text(encoding="ascii"))
        except (FileNotFoundError, UnicodeDecodeError):
            return None

    def save(self, name: str, key: bytes) -> None:
        write_private(self._path(name), key.hex().encode("ascii") + b"\n")

    def delete(self, name: str) -> None:
        if name.endswith(PENDING_SUFFIX):
            self._path(name).unlink(missing_ok=True)


class KeyringStore:
    """The OS keystore through ``keyring`` (the backend is passed in, so tests can use one
    in memory)."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend

    def load(self, name: str) -> bytes | None:
        text = self.backend.get_password(SERVICE, name)
        return _decode(text) if text else None

    def save(self, name: str, key: bytes) -> None:
        self.backend.set_password(SERVICE, name, key.hex())

    def delete(self, name: str) -> None:
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):
            self.backend.delete_password(SERVICE, name)


class FallbackKeyStore:
    """The keystore first, the key file when the keystore fails (locked, absent, broken)."""

    def __init__(self, primary: KeyStore, fallback: KeyStore) -> None:
        self.primary = primary
        self.fallback = fallback

    def load(self, name: str) -> bytes | None:
        try:
            key = self.primary.load(name)
        except Exception:
            key = None
        return key or self.fallback.load(name)

    def save(self, name: str, key: bytes) -> None:
        try:
            self.primary.save(name, key)
        except Exception:
            self.fallback.save(name, key)
            return
        self.fallback.delete(name)  # an older copy in a file must not outlive the keystore's

    def delete(self, name: str) -> None:
        with contextlib.suppress(Exception):
            self.primary.delete(name)
        self.fallback.delete(name)


def usable_keyring() -> Any | None:
    """The OS keystore's keyring backend, or None where there is none (headless, CI)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - a dependency, but the file store still works
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return backend


def key_store(
    *, key_file: str, use_keystore: bool, key_folder: Path, backend: Any | None = None
) -> KeyStore:
    """The key store the settings ask for: a named file; else the keystore with the folder as
    fallback; else the folder alone."""
    if key_file:
        return SingleFileKeyStore(Path(key_file).expanduser())
    folder = FolderKeyStore(key_folder)
    if not use_keystore:
        return folder
    backend = backend if backend is not None else usable_keyring()
    if backend is None:
        return folder
    return FallbackKeyStore(KeyringStore(backend), folder)


PENDING_SUFFIX = "#pending"


class DatabaseKeys:
    """The current and pending keys of one database file."""

    def __init__(self, store: KeyStore, database_path: Path) -> None:
        self.store = store
        self.name = str(database_path.expanduser().resolve())

    @property
    def _pending(self) -> str:
        return self.name + PENDING_SUFFIX

    def current(self) -> bytes | None:
        return self.store.load(self.name)

    def pending(self) -> bytes | None:
        return self.store.load(self._pending)

    def candidates(self) -> Iterator[tuple[str, bytes]]:
        """("current" | "pending", key) in the order to try them."""
        for label, key in (("current", self.current()), ("pending", self.pending())):
            if key is not None:
                yield label, key

    def save_current(self, key: bytes) -> None:
        self.store.save(self.name, key)

    def save_pending(self, key: bytes) -> None:
        self.store.save(self._pending, key)

    def promote_pending(self) -> None:
        """The pending key becomes current (after its file replaced the old one)."""
        key = self.pending()
        if key is None:
            return
        self.store.save(self.name, key)
        self.store.delete(self._pending)

    def drop_pending(self) -> None:
        self.store.delete(self._pending)
