"""A counter enrols with the central sync service: its own key pair, a one-time code, a pinned
certificate, and from then on no database URL or password anywhere on the counter PC.

The private key is written to a file only its owner can read, beside the counter's database by
default; the binding keeps the service's address, the certificate the administrator's fingerprint
vouched for (or a CA file), and the key file's path. A counter bound the old way (directly to
the central database) keeps its outbox and cursor and pushes them through the service after
enrolling, as the same counter; its stored database URL is erased.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from desk_app.persistence.database import Database
from desk_app.persistence.models import SyncBinding, TicketBlock
from desk_app.security import audit
from desk_app.security.keys import write_private
from desk_app.sync.client import enrol
from desk_app.sync.protocol import CounterScope, SyncError
from desk_app.sync.signing import new_private_key, private_key_pem, public_key_pem
from desk_app.sync.tls import (
    TLSError,
    client_context,
    fetch_certificate,
    fingerprint,
    same_fingerprint,
)


def enrol_counter(
    database: Database,
    *,
    server_url: str,
    code: str,
    key_file: Path,
    expected_fingerprint: str | None = None,
    ca_file: str | None = None,
    operator_id: str = "system",
) -> SyncBinding:
    """Enrol this counter database with the service; the binding as stored."""
    if (expected_fingerprint is None) == (ca_file is None):
        raise SyncError(
            "give the service's certificate fingerprint or a CA file (one of them)",
            code="enrol.trust_missing",
        )
    with database.reading() as uow:
        previous = uow.session.get(SyncBinding, 1)
        local_blocks = uow.session.execute(
            select(func.count()).select_from(TicketBlock).where(TicketBlock.granted_by == "local")
        ).scalar_one()
    if local_blocks:
        raise SyncError(
            "this database issued ticket numbers on its own; enrol a fresh counter database",
            code="sync.local_tickets",
        )
    certificate = None
    if expected_fingerprint is not None:
        certificate = fetch_certificate(server_url)
        if not same_fingerprint(fingerprint(certificate), expected_fingerprint):
            raise TLSError(
                "the service's certificate does not have the fingerprint you were given: "
                "do not enrol, and tell the central administrator",
                code="enrol.fingerprint_mismatch",
            )
    context = client_context(pinned_certificate=certificate, ca_file=ca_file)
    key = new_private_key()
    # The key is kept before the service learns it, and only moved into place once enrolled.
    pending = key_file.with_name(key_file.name + ".pending")
    write_private(pending, private_key_pem(key))
    try:
        answer = enrol(server_url, code, public_key_pem(key), context)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    site_id, counter_id = str(answer["site_id"]), str(answer["counter_id"])
    scope = CounterScope(tuple(answer["exam_areas"] or ()), answer["tutoring_unit"] or None)
    if previous is not None and previous.counter_id != counter_id:
        pending.unlink(missing_ok=True)
        raise SyncError(
            f"this database belongs to counter {previous.counter_id}, and the code is for "
            f"counter {counter_id}",
            code="sync.already_bound",
        )
    pending.replace(key_file)
    with database.unit_of_work() as uow:
        binding = uow.session.get(SyncBinding, 1)
        if binding is None:
            binding = SyncBinding(id=1, pulled_through=0, last_error="")
            uow.session.add(binding)
        binding.central_url = None  # a bound-the-old-way counter forgets the database password
        binding.server_url = server_url
        binding.server_certificate = certificate
        binding.ca_file = ca_file
        binding.key_file = str(key_file)
        binding.site_id = site_id
        binding.counter_id = counter_id
        binding.exam_areas = scope.areas_text
        binding.tutoring_unit = scope.tutoring_unit
        audit.append(
            uow.session,
            actor=operator_id,
            action="counter.enrol",
            subject=counter_id,
            details={
                "site": site_id,
                "server": server_url,
                "exam_areas": scope.areas_text,
                "tutoring_unit": scope.tutoring_unit,
            },
        )
        uow.commit()
    return binding
