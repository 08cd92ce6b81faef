"""E-photos named by a roster, read from a folder or a ZIP archive.

File names come from a roster someone else wrote, so they are treated as hostile: no absolute
paths, no ``..``, no escaping the folder through a symbolic link, a size cap checked on the bytes
actually read (a ZIP entry can lie about its size), and the content must be a JPEG or PNG image
whose header declares no more pixels than the cap (a small PNG can declare 20,000 × 20,000).
Nothing is ever extracted to disk.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Self

from desk_app.domain.errors import DeskError, ImportFileError
from desk_app.domain.image_limits import DEFAULT_MAX_PIXELS, ImageSizeError, check_image_size

DEFAULT_MAX_PHOTO_BYTES = 2 * 1024 * 1024
_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
_CHUNK = 64 * 1024


class PhotoError(DeskError):
    """One photo cannot be used; ``code`` is one of the ``photo.*`` codes of this module."""

    code = "photo.invalid"


def safe_relative_name(file_name: str) -> str:
    """The name as a relative POSIX path, or PhotoError ``photo.unsafe_name``.

    Backslashes count as separators because rosters are often written on Windows.
    """
    name = file_name.strip().replace("\\", "/")
    parts = PurePosixPath(name).parts
    if (
        not name
        or name.startswith("/")
        or ".." in parts
        or ":" in name  # a drive letter (C:) or an NTFS stream
        or "\x00" in name
    ):
        raise PhotoError(
            f"photo file name {file_name!r} points outside the photo folder",
            code="photo.unsafe_name",
            file_name=file_name,
        )
    return "/".join(part for part in parts if part != ".")


def _read_capped(stream: IO[bytes], file_name: str, max_bytes: int) -> bytes:
    data = bytearray()
    while len(data) <= max_bytes:
        chunk = stream.read(min(_CHUNK, max_bytes + 1 - len(data)))
        if not chunk:
            break
        data += chunk
    if len(data) > max_bytes:
        raise _too_large(file_name, max_bytes)
    return bytes(data)


def _too_large(file_name: str, max_bytes: int) -> PhotoError:
    return PhotoError(
        f"photo {file_name!r} is larger than the limit of {max_bytes:,} bytes",
        code="photo.too_large",
        file_name=file_name,
    )


def _missing(file_name: str) -> PhotoError:
    return PhotoError(
        f"photo {file_name!r} is not in the photo folder or archive",
        code="photo.missing",
        file_name=file_name,
    )


class PhotoSource:
    """Photos by file name: exact first, then ignoring case; use ``PhotoSource.open``."""

    def __init__(self, max_bytes: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels

    @classmethod
    def open(
        cls,
        location: Path,
        *,
        max_bytes: int = DEFAULT_MAX_PHOTO_BYTES,
        max_pixels: int = DEFAULT_MAX_PIXELS,
    ) -> PhotoSource:
        """A folder or a ZIP archive; ImportFileError ``photo.source_*`` when it is neither."""
        if location.is_dir():
            source: PhotoSource = FolderPhotoSource(location, max_bytes)
            source.max_pixels = max_pixels
            return source
        if not location.exists():
            raise ImportFileError(
                f"the photo folder or archive {location} does not exist",
                code="photo.source_missing",
            )
        source = ZipPhotoSource(location, max_bytes)
        source.max_pixels = max_pixels
        return source

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the archive, if any."""

    def _read_raw(self, name: str, file_name: str) -> bytes:
        raise NotImplementedError

    def read(self, file_name: str) -> bytes:
        """The image bytes, or PhotoError: photo.unsafe_name, photo.missing, photo.too_large,
        photo.not_an_image or photo.unreadable."""
        data = self._read_raw(safe_relative_name(file_name), file_name)
        if not data.startswith(_IMAGE_SIGNATURES):
            raise PhotoError(
                f"photo {file_name!r} is not a JPEG or PNG image",
                code="photo.not_an_image",
                file_name=file_name,
            )
        try:
            check_image_size(data, self.max_pixels, source=file_name)
        except ImageSizeError as error:
            raise PhotoError(
                f"photo {file_name!r}: {error.message}",
                code="photo.too_many_pixels"
                if error.code == "image.too_large"
                else "photo.not_an_image",
                file_name=file_name,
            ) from error
        return data


class FolderPhotoSource(PhotoSource):
    """Photos in a folder (and its subfolders, when the roster names them)."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        super().__init__(max_bytes)
        self.folder = folder.resolve()
        self._by_lower_name: dict[str, str] | None = None

    def _lower_case_index(self) -> dict[str, str]:
        """Built on the first miss only: most rosters name their photos exactly."""
        if self._by_lower_name is None:
            index: dict[str, str] = {}
            for root, _folders, files in os.walk(self.folder):
                relative = Path(root).relative_to(self.folder)
                for name in files:
                    stored = (relative / name).as_posix()
                    index.setdefault(stored.lower(), stored)
            self._by_lower_name = index
        return self._by_lower_name

    def _read_raw(self, name: str, file_name: str) -> bytes:
        path = self.folder / name
        if not path.is_file():
            stored = self._lower_case_index().get(name.lower())
            if stored is None:
                raise _missing(file_name)
            path = self.folder / stored
        resolved = path.resolve()
        if not resolved.is_relative_to(self.folder):
            raise PhotoError(
                f"photo {file_name!r} is a link that leads outside the photo folder",
                code="photo.unsafe_name",
                file_name=file_name,
            )
        try:
            if resolved.stat().st_size > self.max_bytes:
                raise _too_large(file_name, self.max_bytes)
            with resolved.open("rb") as stream:
                return _read_capped(stream, file_name, self.max_bytes)
        except OSError as error:
            raise PhotoError(
                f"photo {file_name!r} cannot be read: {error.strerror or error}",
                code="photo.unreadable",
                file_name=file_name,
            ) from error


class ZipPhotoSource(PhotoSource):
    """Photos inside a ZIP archive, read in memory.

    A name without a folder also finds an entry inside one folder of the archive, because
    zipping a folder usually stores it as ``photos/000001.jpg``.
    """

    def __init__(self, archive: Path, max_bytes: int) -> None:
        super().__init__(max_bytes)
        try:
            self._zip = zipfile.ZipFile(archive)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise ImportFileError(
                f"{archive.name} is neither a photo folder nor a readable ZIP archive ({error})",
                code="photo.source_unreadable",
            ) from error
        self._entries: dict[str, zipfile.ZipInfo] = {}
        self._by_lower_name: dict[str, zipfile.ZipInfo] = {}
        self._by_base_name: dict[str, zipfile.ZipInfo | None] = {}  # None: ambiguous
        for entry in self._zip.infolist():
            if entry.is_dir():
                continue
            name = entry.filename.replace("\\", "/")
            self._entries.setdefault(name, entry)
            self._by_lower_name.setdefault(name.lower(), entry)
            base = name.rsplit("/", 1)[-1].lower()
            self._by_base_name[base] = None if base in self._by_base_name else entry

    def close(self) -> None:
        self._zip.close()

    def _find(self, name: str) -> zipfile.ZipInfo | None:
        entry = self._entries.get(name) or self._by_lower_name.get(name.lower())
        if entry is None and "/" not in name:
            entry = self._by_base_name.get(name.lower())
        return entry

    def _read_raw(self, name: str, file_name: str) -> bytes:
        entry = self._find(name)
        if entry is None:
            raise _missing(file_name)
        if entry.file_size > self.max_bytes:
            raise _too_large(file_name, self.max_bytes)
        try:
            with self._zip.open(entry) as stream:
                return _read_capped(stream, file_name, self.max_bytes)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as error:
            # RuntimeError: an encrypted entry; NotImplementedError is a RuntimeError too.
            raise PhotoError(
                f"photo {file_name!r} cannot be read from the archive ({error})",
                code="photo.unreadable",
                file_name=file_name,
            ) from error
