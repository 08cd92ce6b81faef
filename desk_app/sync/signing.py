"""Signed requests between an enrolled counter and the central sync service.

Every request a counter makes carries its counter id, a timestamp, a random nonce and an Ed25519
signature over all of them, the method, the path and query, and the SHA-256 of the body. The
service checks the signature with the public key the counter registered at enrolment, refuses a
timestamp more than ``MAX_CLOCK_SKEW_S`` away from its own clock, and records the nonce so the
same request is never accepted twice (the nonces live in the central database, so this holds
across service instances).

Why signatures rather than mutual TLS: the service runs behind a TLS-terminating reverse proxy
in production (two instances), where the client certificate would not reach the application;
and uvicorn does not hand the peer certificate to the application anyway. A signature binds the
identity to each request's content, end to end, whatever terminates TLS.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desk_app.domain.errors import PermissionDeniedError

COUNTER_HEADER = "x-desk-counter"
TIMESTAMP_HEADER = "x-desk-timestamp"
NONCE_HEADER = "x-desk-nonce"
SIGNATURE_HEADER = "x-desk-signature"
MAX_CLOCK_SKEW_S = 300
_DOMAIN = b"desk-app-request-v1"


class AuthenticationError(PermissionDeniedError):
    """A request whose signature, timestamp or nonce does not hold (never says which secret)."""

    code = "auth.failed"


@dataclass(frozen=True)
class SignedHeaders:
    counter_id: str
    timestamp: int
    nonce: str
    signature: bytes


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise AuthenticationError("the counter key is not an Ed25519 key", code="auth.bad_key")
    return key


def public_key_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def load_public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise AuthenticationError("not a public key", code="auth.bad_key") from error
    if not isinstance(key, Ed25519PublicKey):
        raise AuthenticationError("the public key is not an Ed25519 key", code="auth.bad_key")
    return key


def _message(
    counter_id: str, method: str, target: str, timestamp: int, nonce: str, body: bytes
) -> bytes:
    return b"\n".join(
        [
            _DOMAIN,
            counter_id.encode("utf-8"),
            method.upper().encode("ascii"),
            target.encode("utf-8"),
            str(timestamp).encode("ascii"),
            nonce.encode("ascii"),
            hashlib.sha256(body).hexdigest().encode("ascii"),
        ]
    )


def sign_request(
    key: Ed25519PrivateKey,
    counter_id: str,
    method: str,
    target: str,
    body: bytes,
    *,
    now: float,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers that authenticate one request; ``target`` is the path with its query."""
    nonce = nonce or secrets.token_hex(16)
    timestamp = int(now)
    signature = key.sign(_message(counter_id, method, target, timestamp, nonce, body))
    return {
        COUNTER_HEADER: counter_id,
        TIMESTAMP_HEADER: str(timestamp),
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii"),
    }


def read_headers(headers: Mapping[str, str]) -> SignedHeaders:
    """The signing headers of a request, or AuthenticationError when any is missing or malformed."""
    try:
        counter_id = headers[COUNTER_HEADER]
        timestamp = int(headers[TIMESTAMP_HEADER])
        nonce = headers[NONCE_HEADER]
        signature = base64.b64decode(headers[SIGNATURE_HEADER], validate=True)
    except (KeyError, ValueError) as error:
        raise AuthenticationError("the request is not signed") from error
    if not (0 < len(counter_id) <= 40 and 16 <= len(nonce) <= 64 and nonce.isalnum()):
        raise AuthenticationError("the request is not signed")
    return SignedHeaders(counter_id, timestamp, nonce, signature)


def verify_request(
    public_key: Ed25519PublicKey,
    signed: SignedHeaders,
    method: str,
    target: str,
    body: bytes,
    *,
    now: float,
) -> None:
    """Raise AuthenticationError unless the signature and the timestamp hold (the caller records
    the nonce: that needs the shared database)."""
    if abs(now - signed.timestamp) > MAX_CLOCK_SKEW_S:
        raise AuthenticationError(
            "the request's time is too far from the service's clock", code="auth.clock_skew"
        )
    message = _message(signed.counter_id, method, target, signed.timestamp, signed.nonce, body)
    try:
        public_key.verify(signed.signature, message)
    except InvalidSignature as error:
        raise AuthenticationError("the request's signature does not hold") from error
