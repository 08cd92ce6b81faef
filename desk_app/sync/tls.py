"""TLS for the central sync service: a self-signed certificate when none is given, its
fingerprint, and the counter's client context that trusts exactly the certificate it pinned.

A counter enrols with the service's SHA-256 fingerprint read to it by the administrator (or a CA
file). It fetches the certificate the service presents, compares the fingerprint, and from then on
trusts that one certificate and no other: a man in the middle with any other certificate, even
one a public CA signed, is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import socket
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desk_app.security.keys import write_private
from desk_app.sync.protocol import SyncError

CERTIFICATE_FILE = "service-cert.pem"
KEY_FILE = "service-key.pem"


class TLSError(SyncError):
    code = "sync.tls"


def fingerprint(certificate_pem: str) -> str:
    """SHA-256 over the certificate's DER form, as colon-separated upper-case hex."""
    der = ssl.PEM_cert_to_DER_cert(certificate_pem)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def same_fingerprint(one: str, other: str) -> bool:
    def normal(text: str) -> str:
        return text.replace(":", "").replace(" ", "").lower()

    return normal(one) == normal(other)


def ensure_certificate(state_dir: Path, hosts: list[str]) -> tuple[Path, Path]:
    """The service's certificate and key in ``state_dir``, made (self-signed, ECDSA P-256,
    valid ten years, for ``hosts``) on first start; the key file is readable by its owner only."""
    state_dir.mkdir(parents=True, exist_ok=True)
    certificate, key = state_dir / CERTIFICATE_FILE, state_dir / KEY_FILE
    if certificate.exists() and key.exists():
        return certificate, key
    private = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys([*hosts, "localhost", "127.0.0.1", socket.gethostname()]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "desk-app central service")])
    now = dt.datetime.now(dt.UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        # A self-signed certificate is its own trust anchor: it must be a CA to verify, under
        # OpenSSL's strict checks as well (key usage, key identifiers).
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(private.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(private.public_key()),
            critical=False,
        )
        .sign(private, hashes.SHA256())
    )
    key_bytes = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_private(key, key_bytes)
    certificate.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    return certificate, key


def fetch_certificate(server_url: str, *, timeout_s: float = 10.0) -> str:
    """The certificate the server presents, unverified (the caller checks its fingerprint)."""
    parts = urlsplit(server_url)
    if parts.scheme != "https" or not parts.hostname:
        raise TLSError(f"the sync service is reached over https://, not {server_url!r}")
    try:
        return ssl.get_server_certificate((parts.hostname, parts.port or 443), timeout=timeout_s)
    except OSError as error:
        raise TLSError(f"cannot reach {parts.hostname}:{parts.port or 443}: {error}") from error


def client_context(*, pinned_certificate: str | None, ca_file: str | None) -> ssl.SSLContext:
    """The counter's TLS context: trust the pinned certificate alone (its name is not checked:
    the pin is stronger), or verify against ``ca_file`` with the host name."""
    if pinned_certificate:
        context = ssl.create_default_context(cadata=pinned_certificate)
        context.check_hostname = False  # the one trusted certificate is the identity
        return context
    if ca_file:
        return ssl.create_default_context(cafile=ca_file)
    raise TLSError("no pinned certificate and no CA file: enrol the counter again")
