"""Face media sealed at rest in the central database: AES-256-GCM under a key the sync service
holds, never the database.

A counter's own database is encrypted whole (SQLCipher); the central PostgreSQL database is
shared, backed up and read by its engineers, so the photos and face templates in it are sealed
one by one. A sealed value is ``MAGIC | key id (8 bytes) | nonce (12) | ciphertext+tag``; the
associated data names what the value is (a photo with its SHA-256, a template with its engine),
so a value copied into another row does not open there.

Which sessions seal is said by ``session.info``: no ``MEDIA_SEALER`` entry (a counter's database)
stores plain values; an entry holding ``None`` (a central process without the key) refuses to
store face media at all; an entry holding a ``MediaSealer`` seals every new photo and template
when the session flushes. Bulk inserts that bypass the unit of work call ``sealed`` themselves.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import event
from sqlalchemy.orm import Session

from desk_app.domain.errors import DeskError
from desk_app.persistence.models import BlocklistEntry, FaceTemplate, Photo

MEDIA_SEALER = "media_sealer"
MAGIC = b"DSKS\x01"
KEY_BYTES = 32
_KEY_ID_BYTES = 8
_NONCE_BYTES = 12
_HEADER_BYTES = len(MAGIC) + _KEY_ID_BYTES + _NONCE_BYTES


class MediaKeyError(DeskError):
    """Sealed face media that cannot be opened or sealed with the key at hand."""


class MediaSealer:
    """Seals and opens face media with one 256-bit key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise MediaKeyError(
                f"the media key must be {KEY_BYTES} bytes, not {len(key)}", code="media.key_invalid"
            )
        self._aead = AESGCM(key)
        # Names the key without revealing it, so a wrong key is told apart from damaged data.
        self.key_id = hashlib.sha256(b"desk-app media key id\0" + key).digest()[:_KEY_ID_BYTES]

    def seal(self, data: bytes, label: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return MAGIC + self.key_id + nonce + self._aead.encrypt(nonce, data, label.encode())

    def open(self, blob: bytes, label: str) -> bytes:
        if not is_sealed(blob):
            raise MediaKeyError("the value is not sealed face media", code="media.not_sealed")
        key_id = blob[len(MAGIC) : len(MAGIC) + _KEY_ID_BYTES]
        if key_id != self.key_id:
            raise MediaKeyError(
                "the face media was sealed with another key: give the sync service's media key",
                code="media.key_mismatch",
            )
        nonce = blob[len(MAGIC) + _KEY_ID_BYTES : _HEADER_BYTES]
        try:
            return self._aead.decrypt(nonce, blob[_HEADER_BYTES:], label.encode())
        except InvalidTag:
            raise MediaKeyError(
                "sealed face media failed its integrity check (altered, or moved from another row)",
                code="media.damaged",
            ) from None


def is_sealed(blob: bytes) -> bool:
    return blob[: len(MAGIC)] == MAGIC and len(blob) >= _HEADER_BYTES + 16


def photo_label(sha256: str) -> str:
    return f"photo:{sha256}"


def template_label(engine: str, model_version: str) -> str:
    return f"template:{engine}:{model_version}"


def blocklist_label(uid: str, engine: str, model_version: str) -> str:
    # Bound to the entry: a blocked face's vector copied into another entry does not open.
    return f"blocklist:{uid}:{template_label(engine, model_version)}"


def sealed(session: Session, data: bytes, label: str) -> bytes:
    """``data`` as this session stores it: sealed in the central database, plain elsewhere."""
    if MEDIA_SEALER not in session.info:
        return data
    sealer: MediaSealer | None = session.info[MEDIA_SEALER]
    if sealer is None:
        raise MediaKeyError(
            "the central database keeps face media encrypted and this process has no media key "
            "(--media-key-file)",
            code="media.key_missing",
        )
    return sealer.seal(data, label)


def unsealed(session: Session, blob: bytes, label: str) -> bytes:
    """A stored photo or template as plain bytes (values stored before sealing pass as they are)."""
    if not is_sealed(blob):
        return blob
    sealer: MediaSealer | None = session.info.get(MEDIA_SEALER)
    if sealer is None:
        raise MediaKeyError(
            "reading face media of the central database needs the sync service's media key "
            "(--media-key-file)",
            code="media.key_missing",
        )
    return sealer.open(blob, label)


def blocked_vector(session: Session, entry: BlocklistEntry) -> bytes | None:
    """A blocklist entry's face vector as plain float32 bytes (None for an ID number)."""
    if entry.vector is None:
        return None
    label = blocklist_label(entry.uid, entry.engine or "", entry.model_version or "")
    return unsealed(session, entry.vector, label)


@event.listens_for(Session, "before_flush")
def _seal_new_media(session: Session, _context: Any, _instances: Any) -> None:
    if MEDIA_SEALER not in session.info:
        return
    # Every new value is sealed, even one that looks sealed: a roster photo crafted to start with
    # the magic bytes must not be stored in the clear.
    for item in session.new:
        if isinstance(item, Photo):
            item.data = sealed(session, item.data, photo_label(item.sha256))
        elif isinstance(item, FaceTemplate):
            item.vector = sealed(
                session, item.vector, template_label(item.engine, item.model_version)
            )
