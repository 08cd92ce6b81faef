"""The central sync service over real HTTPS and a real PostgreSQL database: enrolment, signed
requests and what an attacker holding a counter PC can and cannot do with them."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from desk_app.bootstrap import Application, connect_syncer
from desk_app.cli import main
from desk_app.domain.errors import PermissionDeniedError
from desk_app.domain.sync_events import OutboxStatus
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    AuditEntry,
    AuditHead,
    Candidate,
    FaceTemplate,
    Operator,
    OutboxEvent,
    Photo,
    PurgedMedia,
    SyncBinding,
    utc_now,
)
from desk_app.persistence.sealing import MediaSealer, template_label
from desk_app.security import audit
from desk_app.security.operators import add_operator, sign_in
from desk_app.sync.enrolment import enrol_counter
from desk_app.sync.operators import CentralOperators
from desk_app.sync.protocol import CounterScope, SyncError
from desk_app.sync.signing import (
    AuthenticationError,
    load_private_key,
    new_private_key,
    sign_request,
)
from desk_app.sync.tls import TLSError, client_context
from tests.support.factories import add_staff, counter_connection, make_application
from tests.support.sync_service import RunningService, running_service
from tests.support.sync_world import central_states, make_counter, seed_roster

pytestmark = pytest.mark.postgres


@pytest.fixture
def service(postgres_url: str, tmp_path: Path) -> Iterator[RunningService]:
    with running_service(postgres_url, tmp_path / "service") as running:
        seed_roster(running.central, 9)
        yield running


def _counter_database(folder: Path, name: str = "fresh") -> Application:
    app = make_application(f"sqlite:///{folder / f'{name}.db'}")
    add_staff(app.database)
    return app


def test_a_counter_enrols_and_syncs_over_https_with_no_database_secret(
    tmp_path: Path, service: RunningService, postgres_url: str
) -> None:
    counter = make_counter(tmp_path, service, "C1", areas=("A", "B"))
    try:
        counter.sync()
        assert set(counter.states()) == {"R000000", "R000001", "R000003", "R000004", "R000006",
                                         "R000007"}  # areas A and B of R0..R8  # fmt: skip
        change = counter.decide("confirm", "R000000")
        counter.sync()
        assert counter.outbox() == {OutboxStatus.ACCEPTED: 1}
        assert central_states(service.central)["R000000"] == ("confirmed", change.ticket_number)
        with counter.app.database.reading() as uow:
            binding = uow.session.get(SyncBinding, 1)
            assert binding is not None
            assert binding.central_url is None and binding.server_url == service.url
    finally:
        counter.syncer.close()
        counter.close()
    # Nothing on the counter PC names the central database or could log into it.
    database_name = postgres_url.rsplit("/", 1)[-1]
    for path in tmp_path.glob("C1.db*"):
        content = path.read_bytes()
        assert b"postgresql" not in content and database_name.encode() not in content
    key_file = tmp_path / "C1.counter-key"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_enrolment_codes_are_single_use_expire_and_are_not_guessable(
    tmp_path: Path, service: RunningService
) -> None:
    code = service.add_counter("C1")
    app = _counter_database(tmp_path)
    enrol: dict[str, Any] = {
        "server_url": service.url,
        "key_file": tmp_path / "key",
        "expected_fingerprint": service.fingerprint,
    }
    with pytest.raises(AuthenticationError):
        enrol_counter(app.database, code="AAAAA-BBBBB-CCCCC-DDDDD", **enrol)
    enrol_counter(app.database, code=code, **enrol)
    other = _counter_database(tmp_path, "other")
    with pytest.raises(AuthenticationError) as reused:
        enrol_counter(other.database, code=code, **enrol)
    assert reused.value.code == "enrol.refused"
    # A code made 25 hours ago has expired.
    old = service.registry.add_counter(
        "S1", "C2", CounterScope(("A",)), now=utc_now() - timedelta(hours=25)
    )
    with pytest.raises(AuthenticationError):
        enrol_counter(other.database, code=old, **enrol)
    assert not (tmp_path / "key.pending").exists()


def test_a_wrong_fingerprint_stops_the_enrolment_before_the_code_is_sent(
    tmp_path: Path, service: RunningService
) -> None:
    code = service.add_counter("C1")
    app = _counter_database(tmp_path)
    wrong = "AB:" * 31 + "CD"
    with pytest.raises(TLSError) as raised:
        enrol_counter(
            app.database,
            server_url=service.url,
            code=code,
            key_file=tmp_path / "key",
            expected_fingerprint=wrong,
        )
    assert raised.value.code == "enrol.fingerprint_mismatch"
    # The code was never presented: it still works with the right fingerprint.
    enrol_counter(
        app.database,  # type: ignore[attr-defined]
        server_url=service.url,
        code=code,
        key_file=tmp_path / "key",
        expected_fingerprint=service.fingerprint,
    )


def test_a_revoked_counter_is_refused_at_once(tmp_path: Path, service: RunningService) -> None:
    counter = make_counter(tmp_path, service, "C1")
    try:
        counter.sync()
        service.registry.revoke("C1")
        with pytest.raises(AuthenticationError):
            counter.sync()
    finally:
        counter.syncer.close()
        counter.close()


class _Caller:
    """Raw signed requests, as a modified counter would send them."""

    def __init__(self, service: RunningService, key_file: Path, counter_id: str) -> None:
        self.key = load_private_key(key_file.read_bytes())
        self.counter_id = counter_id
        context = client_context(pinned_certificate=service.certificate_pem, ca_file=None)
        self.http = httpx.Client(base_url=service.url, verify=context, timeout=10)

    def post(self, path: str, payload: object, **signing: object) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = sign_request(
            self.key,
            str(signing.get("as_counter", self.counter_id)),
            "POST",
            path,
            body,
            now=float(signing.get("now", time.time())),
            nonce=signing.get("nonce"),
        )
        if "tamper" in signing:
            body = json.dumps(signing["tamper"]).encode()
        return self.http.post(path, content=body, headers=headers)


def test_signed_requests_cannot_be_forged_replayed_or_delayed(
    tmp_path: Path, service: RunningService
) -> None:
    counter = make_counter(tmp_path, service, "C1")
    make_counter(tmp_path, service, "C2", areas=("B",)).close()
    caller = _Caller(service, tmp_path / "C1.counter-key", "C1")
    try:
        assert caller.post("/v1/changes/count", {"after": 0}).status_code == 200
        unsigned = caller.http.post("/v1/changes/count", json={"after": 0})
        assert unsigned.status_code == 401
        tampered = caller.post("/v1/changes/count", {"after": 0}, tamper={"after": 5})
        assert (tampered.status_code, tampered.json()["code"]) == (401, "auth.failed")
        replayed = caller.post("/v1/changes/count", {"after": 0}, nonce="a" * 32)
        assert replayed.status_code == 200
        again = caller.post("/v1/changes/count", {"after": 0}, nonce="a" * 32)
        assert (again.status_code, again.json()["code"]) == (401, "auth.replay")
        late = caller.post("/v1/changes/count", {"after": 0}, now=time.time() - 3600)
        assert (late.status_code, late.json()["code"]) == (401, "auth.clock_skew")
        # C1's key cannot speak for C2 (nor for a counter that does not exist).
        for other in ("C2", "C9"):
            posing = caller.post("/v1/changes/count", {"after": 0}, as_counter=other)
            assert posing.status_code == 401
        # A stranger's key is refused even with C1's id.
        stranger = _Caller(service, tmp_path / "C1.counter-key", "C1")
        stranger.key = new_private_key()
        assert stranger.post("/v1/changes/count", {"after": 0}).status_code == 401
    finally:
        caller.http.close()
        counter.syncer.close()
        counter.close()


def test_a_counter_reads_only_its_own_scope(tmp_path: Path, service: RunningService) -> None:
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    caller = _Caller(service, tmp_path / "C1.counter-key", "C1")
    try:
        # Every candidate's e-photo checksum asked for: only area A's may come back.
        asked = [f"R{index:06d}" for index in range(9)]
        answer = caller.post("/v1/photos/checksums", {"registration_ids": asked})
        assert answer.status_code == 200
        areas = {r: "ABC"[int(r[1:]) % 3] for r in asked}
        assert all(areas[r] == "A" for r, _ in answer.json())
        rows = caller.post("/v1/changes", {"after": 0, "limit": 100}).json()["rows"]
        assert {row["exam_area"] for row in rows} == {"A"}
        # The body cannot choose another counter: the identity is the signature's.
        lease = caller.post(
            "/v1/blocks/lease",
            {"series": "010127#", "size": 5, "max_sequence": 99999, "counter_id": "C9"},
        )
        assert lease.status_code == 200
        assert [g.first_sequence for g in service.central.blocks("C1", "010127#")] == [1]
    finally:
        caller.http.close()
        counter.syncer.close()
        counter.close()


def test_a_scope_widened_centrally_is_pulled_whole(tmp_path: Path, service: RunningService) -> None:
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        assert len(counter.states()) == 3
        service.registry.set_scope("C1", CounterScope(("A", "C")))
        counter.sync()
        assert len(counter.states()) == 6
    finally:
        counter.syncer.close()
        counter.close()


def test_a_counter_bound_the_old_way_keeps_its_outbox_after_enrolling(
    tmp_path: Path, service: RunningService, postgres_url: str
) -> None:
    old = make_counter(tmp_path, service, "C1", areas=("A",))
    old.sync()
    change = old.decide("confirm", "R000000")  # decided, never pushed
    old.close()
    # What a counter bound before the sync service looks like: the database URL, no service.
    with counter_connection(tmp_path / "C1.db") as connection:
        connection.execute(
            "UPDATE sync_binding SET central_url = ?, server_url = NULL, key_file = NULL",
            (postgres_url,),
        )
    code = service.registry.add_counter("S1", "C1", CounterScope(("A",)))
    app = make_application(f"sqlite:///{tmp_path / 'C1.db'}")
    enrol_counter(
        app.database,
        server_url=service.url,
        code=code,
        key_file=tmp_path / "C1.key",
        expected_fingerprint=service.fingerprint,
    )
    app.close()
    app = make_application(f"sqlite:///{tmp_path / 'C1.db'}")
    with app.database.reading() as uow:
        binding = uow.session.get(SyncBinding, 1)
        assert binding is not None and binding.central_url is None  # the URL is forgotten
    syncer = connect_syncer(app)
    try:
        syncer.sync_once()
    finally:
        syncer.close()
        app.close()
    assert central_states(service.central)["R000000"] == ("confirmed", change.ticket_number)


def test_enrolling_a_database_of_another_counter_is_refused(
    tmp_path: Path, service: RunningService
) -> None:
    counter = make_counter(tmp_path, service, "C1")
    counter.syncer.close()
    counter.close()
    code = service.add_counter("C2")
    app = make_application(f"sqlite:///{tmp_path / 'C1.db'}")
    with pytest.raises(SyncError) as raised:
        enrol_counter(
            app.database,
            server_url=service.url,
            code=code,
            key_file=tmp_path / "C2.key",
            expected_fingerprint=service.fingerprint,
        )
    assert raised.value.code == "sync.already_bound"
    assert not (tmp_path / "C2.key").exists()
    app.close()


def test_operators_are_created_centrally_and_pulled_by_their_sites_counters(
    tmp_path: Path, service: RunningService
) -> None:
    operators = CentralOperators(service.central)
    operators.add(
        site_id="S1", operator_id="li", display_name="Li", role=Role.CLERK, password="li-pass-2026"
    )
    operators.add(
        site_id="S2", operator_id="wang", display_name="Wang", role=Role.CLERK,
        password="wang-pass-2026",
    )  # fmt: skip
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        # Li (this site) signs in offline with the pulled hash; Wang (another site) is unknown.
        assert sign_in(counter.app.database, "li", "li-pass-2026").id == "li"
        with pytest.raises(PermissionDeniedError):
            sign_in(counter.app.database, "wang", "wang-pass-2026")
        # A counter-made operator never reaches the centre: refused at the enrolled counter...
        with pytest.raises(PermissionDeniedError) as refused:
            add_operator(
                counter.app.database, operator_id="ghost", display_name="g",
                role=Role.SUPERVISOR, password="ghost-pass-2026",
            )  # fmt: skip
        assert refused.value.code == "operator.central"
        # ...and deactivated centrally, an operator stops signing in at the next sync.
        operators.deactivate("li")
        counter.sync()
        with pytest.raises(PermissionDeniedError):
            sign_in(counter.app.database, "li", "li-pass-2026")
    finally:
        counter.close()


def test_a_case_approved_by_one_person_through_a_made_up_operator_is_refused(
    tmp_path: Path, service: RunningService
) -> None:
    """The attack of the issue: refer as a clerk, insert a 'supervisor' into the counter's own
    database, approve as them, sync: the central side knows no such operator."""
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        counter.decide("refer", "R000000", operator="clerk")
        with counter.app.database.unit_of_work() as uow:
            uow.session.add(Operator(id="ghost", display_name="g", role="supervisor"))
            uow.commit()
        counter.decide("approve", "R000000", operator="ghost")
        counter.sync()
        assert counter.outbox() == {OutboxStatus.ACCEPTED: 1, OutboxStatus.REJECTED: 1}
        assert central_states(service.central)["R000000"] == ("referred", None)
        (conflict,) = counter.conflicts()
        assert conflict.reason_code == "permission.unknown_operator"
    finally:
        counter.close()


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (a few hundred bytes; gigabytes decoded)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def _attachment(data: bytes, **changes: object) -> dict[str, object]:
    import base64
    import hashlib

    return {
        "role": "live_photo", "purpose": "live", "media_type": "image/jpeg",
        "sha256": hashlib.sha256(data).hexdigest(), "data": base64.b64encode(data).decode(),
        "templates": [], **changes,
    }  # fmt: skip


def test_a_modified_counter_cannot_slip_a_confirmation_past_the_service(
    tmp_path: Path, service: RunningService
) -> None:
    """Each forged push is refused with its own code, and nothing of it is applied."""
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    caller = _Caller(service, tmp_path / "C1.counter-key", "C1")
    try:
        counter.sync()
        # A case the same supervisor referred, for a forged self-approval.
        counter.decide("refer", "R000006", operator="super1")
        counter.sync()
        change = counter.decide("confirm", "R000000")
        with counter.app.database.reading() as uow:
            honest = dict(
                uow.session.execute(
                    select(OutboxEvent).where(OutboxEvent.registration_id == "R000000")
                )
                .scalar_one()
                .payload
            )
        honest_photo = honest["attachments"][0]
        failing = {**honest["scores"], "decision": "fail"}
        supervisor = {"id": "super1", "role": "supervisor", "display_name": "super1",
                      "tutoring_unit": None}  # fmt: skip
        self_approval = {
            "registration_id": "R000006", "action": "approve", "from_state": "referred",
            "operator": supervisor, "approved_by": "super1",
        }  # fmt: skip
        forged = {
            "out of scope": {"registration_id": "R000001"},  # area B
            "a ticket never leased": {"ticket_number": honest["ticket_number"][:-5] + "99999"},
            "a self-approval": self_approval,
            "no live photo": {"attachments": [], "evidence": {}},
            "no face match": {"scores": {}},
            "a failed match": {"scores": failing},
            "a near miss not looked at": {"scores": {**honest["scores"], "near_miss": True}},
            "not a picture": {"attachments": [_attachment(b"MZ\x90\x00" * 100)]},
            "a picture bomb": {"attachments": [_attachment(_png_header(20_000, 20_000))]},
            "too large": {"attachments": [_attachment(b"\xff\xd8\xff" + b"0" * 3_000_000)]},
            "an e-photo replaced": {"attachments": [{**honest_photo, "purpose": "registered"}]},
        }
        expected = {
            "out of scope": "permission.out_of_scope",
            "a ticket never leased": "ticket.not_leased",
            "a self-approval": "permission.four_eyes",
            "no live photo": "evidence.no_live_photo",
            "no face match": "evidence.no_face_match",
            "a failed match": "evidence.face_not_passed",
            "a near miss not looked at": "evidence.faces_not_compared",
            "not a picture": "sync.bad_attachment",
            "a picture bomb": "sync.bad_attachment",
            "too large": "sync.bad_attachment",
            "an e-photo replaced": "sync.bad_attachment",
        }
        for name, changes in forged.items():
            event = {**honest, **changes, "event_id": f"forged-{name.replace(' ', '-')}"}
            answer = caller.post("/v1/events", {"events": [event]})
            assert answer.status_code == 200, answer.text
            (result,) = answer.json()
            assert (result["outcome"], result["reason_code"]) == ("rejected", expected[name]), name
        assert central_states(service.central)["R000000"] == ("pre_registered", None)
        counter.sync()  # the honest event still goes through
        assert central_states(service.central)["R000000"] == ("confirmed", change.ticket_number)
    finally:
        caller.http.close()
        counter.close()


def test_a_counter_cannot_rewrite_its_audit_history(
    tmp_path: Path, service: RunningService, postgres_url: str
) -> None:
    """The centre keeps every counter's chain: an edited entry flags and holds the counter until
    an administrator clears it; 'central audit verify' names it meanwhile."""
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        counter.decide("confirm", "R000000")
        counter.sync()
        verified = CliRunner().invoke(main, ["central", "audit", "verify", "--url", postgres_url])
        assert verified.exit_code == 0, verified.output
        # Someone edits an old decision's audit entry and re-chains everything after it, so the
        # counter's own 'audit verify' says intact.
        rewrite_confirmations_as(counter.app.database, "super1")
        with counter.app.database.reading() as uow:
            assert audit.verify(uow.session).intact
        counter.decide("confirm", "R000003")
        with pytest.raises(SyncError) as held:
            counter.sync()
        assert held.value.code == "audit.held"
        assert central_states(service.central)["R000003"] == ("pre_registered", None)
        verified = CliRunner().invoke(main, ["central", "audit", "verify", "--url", postgres_url])
        assert verified.exit_code == 1 and "counter C1: held" in verified.stderr
        listed = CliRunner().invoke(main, ["central", "counters", "list", "--url", postgres_url])
        assert "AUDIT" in listed.output
        # An administrator looks, and releases it: the counter's current chain is taken anew.
        cleared = CliRunner().invoke(
            main, ["central", "counters", "clear-audit", "C1", "--note", "checked with the site",
                   "--url", postgres_url],
        )  # fmt: skip
        assert cleared.exit_code == 0, cleared.output
        counter.sync()
        assert central_states(service.central)["R000003"][0] == "confirmed"
        verified = CliRunner().invoke(main, ["central", "audit", "verify", "--url", postgres_url])
        assert verified.exit_code == 0, verified.output
    finally:
        counter.close()


def test_a_central_chain_rewritten_with_new_hashes_does_not_verify_without_the_key(
    tmp_path: Path, service: RunningService, postgres_url: str
) -> None:
    """The attack of the issue: rewrite the central audit chain with fresh hashes, so the chain
    alone verifies; the service's key gives it away."""
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        counter.decide("confirm", "R000000")
        counter.sync()
    finally:
        counter.close()
    key_file = service.state_dir / "audit.key"
    verify = [
        "central",
        "audit",
        "verify",
        "--url",
        postgres_url,
        "--audit-key-file",
        str(key_file),
    ]
    assert CliRunner().invoke(main, verify).exit_code == 0
    # As the database owner: edit the confirmation's entry and re-chain everything after it.
    database = Database(service.central.engine)
    rewrite_confirmations_as(database, "super1")
    with database.reading() as uow:
        assert audit.verify(uow.session).intact  # the chain alone is fooled
    refused = CliRunner().invoke(main, verify)
    assert refused.exit_code == 1
    assert "does not carry the service's key" in refused.stderr


def rewrite_confirmations_as(database: Database, actor: str) -> None:
    """What someone with write access to a database does to hide who confirmed: edit the
    confirmations' audit entries and re-chain everything after them, so that the chain alone
    still verifies."""
    with database.unit_of_work() as uow:
        previous = audit.GENESIS_HASH
        for row in uow.session.execute(select(AuditEntry).order_by(AuditEntry.sequence)).scalars():
            if row.action == "candidate.confirm":
                row.actor = actor
            row.previous_hash = previous
            row.entry_hash = audit.entry_hash(
                previous, row.sequence, row.occurred_at, row.actor, row.action, row.subject,
                row.details,
            )  # fmt: skip
            previous = row.entry_hash
        head = uow.session.get(AuditHead, 1)
        assert head is not None
        head.entry_hash = previous
        uow.commit()


def test_the_central_side_purges_face_data_past_its_retention_too(
    tmp_path: Path, service: RunningService, postgres_url: str
) -> None:
    CentralOperators(service.central).add(
        site_id=None, operator_id="chief", display_name="chief", role=Role.SUPERVISOR,
        password="chief-pass-2026",
    )  # fmt: skip
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        change = counter.decide("confirm", "R000000")
        counter.sync()
    finally:
        counter.close()
    database = Database(service.central.engine)
    with database.unit_of_work() as uow:  # the decision is a year old now
        uow.session.execute(
            update(Candidate).values(state_changed_at=utc_now() - timedelta(days=365))
        )
        uow.commit()
    with database.reading() as uow:
        live = uow.session.execute(select(Photo).where(Photo.purpose == "live")).scalars().all()
        assert len(live) == 1
        kept_hash = live[0].sha256
        template = uow.session.execute(select(FaceTemplate)).scalar_one()
    media_key = service.state_dir / "media.key"
    label = template_label(template.engine, template.model_version)
    template_hash = hashlib.sha256(
        MediaSealer(media_key.read_bytes()).open(template.vector, label)
    ).hexdigest()
    password = tmp_path / "password"
    password.write_text("chief-pass-2026\n")
    command = ["central", "purge", "--url", postgres_url, "--operator", "chief",
               "--password-file", str(password)]  # fmt: skip
    without_key = CliRunner().invoke(main, command)
    assert without_key.exit_code == 1 and "--media-key-file" in without_key.output
    purged = CliRunner().invoke(main, [*command, "--media-key-file", str(media_key)])
    assert purged.exit_code == 0, purged.output
    assert "1 photos" in purged.output
    with database.reading() as uow:
        assert uow.session.execute(select(Photo).where(Photo.purpose == "live")).first() is None
        assert uow.session.execute(select(FaceTemplate)).first() is None
        hashes = {row.sha256 for row in uow.session.execute(select(PurgedMedia)).scalars()}
        assert {kept_hash, template_hash} <= hashes  # the plain values' hashes, not the sealed
    assert central_states(service.central)["R000000"] == ("confirmed", change.ticket_number)
    verified = CliRunner().invoke(main, ["central", "audit", "verify", "--url", postgres_url])
    assert verified.exit_code == 0, verified.output
