"""The blocklist shared through the central service: the authority's entries reach every counter,
a supervisor's entry at one counter reaches the others, and nothing a hostile counter sends or
skips gets a blocked candidate confirmed or an innocent one blocked."""

from __future__ import annotations

import base64
import copy
import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update
from sqlalchemy.exc import ProgrammingError

from desk_app.cli import main
from desk_app.domain.errors import PermissionDeniedError
from desk_app.domain.workflow import CandidateState, ReasonCode
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    BlocklistEntry,
    Candidate,
    Operator,
    OutboxEvent,
)
from desk_app.persistence.sealing import MAGIC
from desk_app.security.operators import hash_new_password
from desk_app.services.blocklist import add_faces_of_case, add_number, blocklist, lift_entry
from desk_app.services.workflow import Decision
from desk_app.sync.blocklist import CentralBlocklist
from desk_app.sync.central import CentralDatabase
from tests.support.factories import last_transition
from tests.support.sync_service import RunningService, running_service, service_role_url
from tests.support.sync_world import (
    SimulatedCounter,
    add_central_staff,
    confirmation,
    make_counter,
    seed_roster,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def service(postgres_url: str, tmp_path: Path) -> Iterator[RunningService]:
    with running_service(postgres_url, tmp_path / "service") as running:
        seed_roster(running.central, 12)  # R000000..R000011 over areas A, B, C
        yield running


def _number_of(central: CentralDatabase, registration_id: str) -> str:
    return central.read(
        lambda session: session.execute(
            select(Candidate.document_number).where(Candidate.registration_id == registration_id)
        ).scalar_one()
    )


def _with_face(registration_id: str, template: np.ndarray) -> Decision:
    """A confirmation of ``registration_id`` whose live face is ``template`` (a proxy)."""
    decision = confirmation(registration_id)
    assert decision.live_capture is not None
    live = dataclasses.replace(decision.live_capture, template=template)
    return dataclasses.replace(decision, live_capture=live)


def _drop_local_copy(counter: SimulatedCounter) -> None:
    with counter.app.database.unit_of_work() as uow:
        uow.session.execute(BlocklistEntry.__table__.delete())
        uow.commit()


def _central_entries(central: CentralDatabase) -> list[BlocklistEntry]:
    return central.read(
        lambda session: list(
            session.execute(select(BlocklistEntry).order_by(BlocklistEntry.id)).scalars()
        )
    )


def test_the_authoritys_entry_stops_confirmations_at_every_counter_and_lifts_everywhere(
    tmp_path: Path, service: RunningService
) -> None:
    first = make_counter(tmp_path, service, "C1", areas=("A",))
    second = make_counter(tmp_path, service, "C2", areas=("A",), site_id="S2")
    try:
        uid = CentralBlocklist(service.central).add_number(
            _number_of(service.central, "R000000").lower(), "card reported stolen", by="super1"
        )
        for counter in (first, second):
            counter.sync()
            [view] = blocklist(counter.app.database)
            assert (view.uid, view.kind, view.reason) == (uid, "id_number", "card reported stolen")
            assert view.shared_at is not None and view.central_refusal is None
        referred = first.decide("confirm", "R000000")
        assert referred.new_state is CandidateState.REFERRED and referred.ticket_number is None
        transition = last_transition(first.app.database, "R000000")
        assert transition.reason_code == ReasonCode.IMPERSONATION
        assert transition.evidence["blocklist"]["reason"] == "card reported stolen"
        first.sync()  # the referral is what the central side records: accepted
        assert first.outbox() == {"accepted": 1}

        CentralBlocklist(service.central).remove(uid, "card found", by="super1")
        second.sync()
        assert blocklist(second.app.database) == []
        assert second.decide("confirm", "R000003").new_state is CandidateState.CONFIRMED
    finally:
        first.close()
        second.close()


def test_a_supervisors_entry_at_one_counter_reaches_the_others(
    tmp_path: Path, service: RunningService
) -> None:
    first = make_counter(tmp_path, service, "C1", areas=("A",))
    second = make_counter(tmp_path, service, "C2", areas=("A",))
    try:
        first.sync()
        second.sync()
        add_number(first.app.database, "super1", _number_of(service.central, "R000003"), "fraud")
        [unshared] = blocklist(first.app.database)
        assert unshared.shared_at is None
        first.sync()
        [shared] = blocklist(first.app.database)
        assert shared.shared_at is not None
        [central] = _central_entries(service.central)
        assert (central.uid, central.added_by, central.reason) == (shared.uid, "super1", "fraud")
        second.sync()
        assert second.decide("confirm", "R000003").new_state is CandidateState.REFERRED
        first.sync()  # a second cycle sends nothing again
        assert len(_central_entries(service.central)) == 1
    finally:
        first.close()
        second.close()


def test_an_enrolled_counter_lifts_only_what_the_central_side_does_not_hold(
    tmp_path: Path, service: RunningService
) -> None:
    """An entry lifted before it was shared never travels; one the central side took applies at
    every counter and is lifted there alone (the central administrator's command)."""
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        database = counter.app.database
        add_number(database, "super1", _number_of(service.central, "R000000"), "typo")
        [mistake] = blocklist(database)
        lift_entry(database, "super1", mistake.uid, "typed the wrong number")
        kept = add_number(database, "super1", _number_of(service.central, "R000003"), "fraud")
        counter.sync()
        assert [entry.reason for entry in _central_entries(service.central)] == ["fraud"]
        [shared] = blocklist(database)
        with pytest.raises(PermissionDeniedError) as held:
            lift_entry(database, "super1", shared.uid, "settled")
        assert held.value.code == "blocklist.held_centrally"
        assert [entry.entry_id for entry in blocklist(database)] == [kept]
    finally:
        counter.close()


def test_a_counter_that_ignores_its_copy_gets_the_confirmation_refused_centrally(
    tmp_path: Path, service: RunningService
) -> None:
    """The counter confirms before it holds the entry (or after deleting its copy): the central
    judge refuses the confirmation and the counter shows a conflict for a supervisor."""
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        CentralBlocklist(service.central).add_number(
            _number_of(service.central, "R000006"), "stolen card", by="super1"
        )
        assert counter.decide("confirm", "R000006").new_state is CandidateState.CONFIRMED
        counter.sync()
        assert counter.outbox() == {"rejected": 1}
        [conflict] = counter.conflicts()
        assert conflict.reason_code == "blocklist.hit"
        assert (
            service.central.read(
                lambda session: session.execute(
                    select(Candidate.state).where(Candidate.registration_id == "R000006")
                ).scalar_one()
            )
            == CandidateState.PRE_REGISTERED.value
        )
        # Its copy deleted by hand: the next confirmation is refused all the same.
        CentralBlocklist(service.central).add_number(
            _number_of(service.central, "R000009"), "stolen card", by="super1"
        )
        counter.sync()
        _drop_local_copy(counter)
        assert counter.decide("confirm", "R000009").new_state is CandidateState.CONFIRMED
        counter.sync()
        assert [c.reason_code for c in counter.conflicts()] == ["blocklist.hit"] * 2
    finally:
        counter.close()


def test_a_counter_cannot_bring_entries_its_supervisors_did_not_make(
    tmp_path: Path, service: RunningService
) -> None:
    """A hostile counter writes entries straight into its database: one naming a clerk, one
    naming a supervisor the central side does not know, one naming a supervisor of another
    site. None is taken; each is marked refused at the counter (and still applies there)."""
    with Database(service.central.engine).unit_of_work() as uow:
        uow.session.add(
            Operator(
                id="super_s2",
                display_name="super_s2",
                role="supervisor",
                password_hash=hash_new_password("pw-super-s2", "super_s2"),
                site_id="S2",
            )
        )
        uow.commit()
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        number = _number_of(service.central, "R000000")
        with counter.app.database.unit_of_work() as uow:
            for by in ("clerk", "mallory", "super_s2"):
                uow.session.add(
                    BlocklistEntry(
                        kind="id_number", document_number=number, reason="grudge", added_by=by
                    )
                )
            uow.commit()
        counter.sync()
        assert _central_entries(service.central) == []
        refusals = {v.added_by: v.central_refusal for v in blocklist(counter.app.database)}
        assert refusals == {
            "clerk": "permission.role",
            "mallory": "permission.role",
            "super_s2": "permission.role",
        }
        counter.sync()  # refused entries are not sent again
        assert _central_entries(service.central) == []
    finally:
        counter.close()


def test_blocked_faces_travel_only_from_a_revoked_case_the_centre_holds(
    tmp_path: Path, service: RunningService
) -> None:
    first = make_counter(tmp_path, service, "C1", areas=("A",))
    second = make_counter(tmp_path, service, "C2", areas=("A",))
    try:
        first.sync()
        second.sync()
        first.decide("confirm", "R000000")
        first.decide("revoke", "R000000", "super1")
        proxy = confirmation("R000000").live_capture
        assert proxy is not None
        # A hostile counter first: a made-up face of the revoked case, and a face of a case
        # that is not revoked.
        with first.app.database.unit_of_work() as uow:
            stranger = np.random.default_rng(7).standard_normal(128).astype("<f4")
            uow.session.add_all(
                [
                    BlocklistEntry(
                        kind="face", engine=proxy.engine, model_version=proxy.model_version,
                        vector=(stranger / np.linalg.norm(stranger)).astype("<f4").tobytes(),
                        source_registration_id="R000000", reason="framed", added_by="super1",
                    ),
                    BlocklistEntry(
                        kind="face", engine=proxy.engine, model_version=proxy.model_version,
                        vector=np.asarray(proxy.template, dtype="<f4").tobytes(),
                        source_registration_id="R000003", reason="framed", added_by="super1",
                    ),
                ]
            )  # fmt: skip
            uow.commit()
        add_faces_of_case(first.app.database, "super1", "R000000", "sat for R000000")
        first.sync()
        refusals = sorted(
            (v.source_registration_id or "", v.central_refusal or "")
            for v in blocklist(first.app.database)
        )
        assert refusals == [
            ("R000000", ""),
            ("R000000", "blocklist.face_unknown"),
            ("R000003", "blocklist.not_revoked"),
        ]
        [central] = _central_entries(service.central)
        assert central.kind == "face" and central.vector is not None
        assert central.vector.startswith(MAGIC)  # sealed at rest like every template

        # The same face comes back for another candidate at the other counter: referred.
        second.sync()
        referred = second.app.workflow.confirm(
            "R000003", "clerk", _with_face("R000003", proxy.template)
        )
        assert referred.new_state is CandidateState.REFERRED
        assert (
            last_transition(second.app.database, "R000003").evidence["blocklist"]["kind"] == "face"
        )
        # A counter that dropped its copy confirms that face: refused centrally.
        third = make_counter(tmp_path, service, "C3", areas=("A",))
        try:
            third.sync()
            _drop_local_copy(third)
            third.app.workflow.confirm("R000006", "clerk", _with_face("R000006", proxy.template))
            third.sync()
            assert [c.reason_code for c in third.conflicts()] == ["blocklist.hit"]
            # And an honest face is not caught by it.
            third.decide("confirm", "R000009")
            third.sync()
            assert len(third.conflicts()) == 1
        finally:
            third.close()
    finally:
        first.close()
        second.close()


def test_entries_from_the_wire_are_checked_one_by_one(service: RunningService) -> None:
    """Malformed entries get a coded answer each; good ones beside them are taken."""
    service.add_counter("C9", areas=("A",))
    add_central_staff(service.central)
    vector = base64.b64encode(b"\x00" * 6).decode()
    answers = CentralBlocklist(service.central).receive(
        "C9",
        [
            "not an object",
            {"uid": "nope", "kind": "id_number"},
            {"uid": str(uuid.uuid4()), "kind": "face", "added_by": "super1", "reason": "x",
             "source_registration_id": "R000000", "engine": "sface", "model_version": "m",
             "vector": vector},
            {"uid": str(uuid.uuid4()), "kind": "id_number", "added_by": "super1",
             "reason": " ", "document_number": "110101199003077777"},
            {"uid": str(uuid.uuid4()), "kind": "id_number", "added_by": "super1",
             "reason": "lost", "document_number": "1101 0119 9003 07777x"},
        ],
    )  # fmt: skip
    assert [a.get("code") for a in answers] == [
        "blocklist.bad_entry",
        "blocklist.bad_entry",
        "blocklist.bad_entry",
        "blocklist.bad_entry",
        None,
    ]
    [entry] = _central_entries(service.central)
    assert entry.document_number == "11010119900307777X"


def test_the_central_command_blocks_without_the_number_in_argv(
    service: RunningService, postgres_url: str
) -> None:
    with Database(service.central.engine).unit_of_work() as uow:
        for operator_id, role in (("chief", "supervisor"), ("desk", "clerk")):
            uow.session.add(
                Operator(
                    id=operator_id,
                    display_name=operator_id,
                    role=role,
                    password_hash=hash_new_password(f"{operator_id}-password-1", operator_id),
                )
            )
        uow.commit()
    number = _number_of(service.central, "R000000")
    runner = CliRunner()
    env = {"DESK_APP_CENTRAL_URL": postgres_url}
    added = runner.invoke(
        main,
        ["central", "blocklist", "add-number", "--operator", "chief", "--reason", "stolen"],
        input=f"chief-password-1\n{number}\n",
        env=env,
    )
    assert added.exit_code == 0, added.output
    assert number not in added.output
    listed = runner.invoke(
        main,
        ["central", "blocklist", "list", "--operator", "chief"],
        input="chief-password-1\n",
        env=env,
    )
    assert listed.exit_code == 0, listed.output
    assert "stolen" in listed.output and number not in listed.output
    clerk = runner.invoke(
        main,
        ["central", "blocklist", "list", "--operator", "desk"],
        input="desk-password-1\n",
        env=env,
    )
    assert clerk.exit_code != 0 and "supervisor" in clerk.output


def test_the_service_role_may_add_entries_but_never_lift_or_change_one(
    service: RunningService,
) -> None:
    CentralBlocklist(service.central).add_number("110101199003077777", "stolen", by="super1")
    owner_url = service.central.engine.url.render_as_string(hide_password=False)
    served = CentralDatabase.connect(service_role_url(owner_url))
    try:
        with pytest.raises(ProgrammingError, match="permission denied"):
            served.write(
                lambda session: session.execute(
                    update(BlocklistEntry).values(removed_at=text("now()"))
                )
            )
    finally:
        served.close()


def test_one_face_confirmed_for_two_candidates_at_different_counters_is_refused_centrally(
    tmp_path: Path, service: RunningService
) -> None:
    """A stand-in sits for R000000 at one hall and for R000001 at another: neither counter knows
    the other's faces, the central side does. A revocation lifts the hit."""
    north = make_counter(tmp_path, service, "C1", areas=("A",))
    south = make_counter(tmp_path, service, "C2", areas=("B",), site_id="S2")
    try:
        for counter in (north, south):
            counter.sync()
        proxy = confirmation("R000000").live_capture
        assert proxy is not None
        north.decide("confirm", "R000000")
        north.sync()
        assert north.outbox() == {"accepted": 1}
        south.app.workflow.confirm("R000001", "clerk", _with_face("R000001", proxy.template))
        south.decide("confirm", "R000004")  # someone else: accepted
        south.sync()
        [conflict] = south.conflicts()
        assert (conflict.registration_id, conflict.reason_code) == (
            "R000001",
            "face.same_as_confirmed",
        )
        assert "R000000" in conflict.message
        # The first confirmation revoked: the face no longer belongs to a confirmed candidate.
        north.decide("revoke", "R000000", "super1")
        north.sync()
        south.app.workflow.confirm("R000007", "clerk", _with_face("R000007", proxy.template))
        south.sync()
        assert len(south.conflicts()) == 1
        assert south.outbox() == {"accepted": 2, "rejected": 1}
    finally:
        north.close()
        south.close()


def test_one_face_confirmed_for_two_candidates_in_one_push_is_refused_for_the_second(
    tmp_path: Path, service: RunningService
) -> None:
    """A hostile counter (its own duplicate check bypassed) pushes two confirmations with one
    live face in the same batch, so the central index (caught up before the batch) holds
    neither: the judge compares each with those the batch has accepted."""
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        for registration_id in ("R000000", "R000003", "R000006"):
            counter.decide("confirm", registration_id)
        with counter.app.database.unit_of_work() as uow:
            rows = {
                row.payload["registration_id"]: row
                for row in uow.session.execute(select(OutboxEvent)).scalars()
            }
            proxy = rows["R000000"].payload["attachments"][0]["templates"]
            payload = copy.deepcopy(rows["R000003"].payload)
            payload["attachments"][0]["templates"] = copy.deepcopy(proxy)
            rows["R000003"].payload = payload
            uow.commit()
        counter.sync()
        [conflict] = counter.conflicts()
        assert (conflict.registration_id, conflict.reason_code) == (
            "R000003",
            "face.same_as_confirmed",
        )
        assert "R000000" in conflict.message and "same batch" in conflict.message
        assert counter.outbox() == {"accepted": 2, "rejected": 1}
    finally:
        counter.close()


def test_a_template_of_another_size_than_its_engines_is_refused(
    tmp_path: Path, service: RunningService
) -> None:
    """A counter's template of 64 values for a 128-value engine (consistent with its own stated
    dimensions) could be compared with no face: the blocklist's and the same-face checks would
    pass it by. It is refused, and the counter's later confirmations go through."""
    counter = make_counter(tmp_path, service, "C1", areas=("A",))
    try:
        counter.sync()
        counter.decide("confirm", "R000000")
        # A hostile counter rewrites the waiting event: its template now has 64 values.
        with counter.app.database.unit_of_work() as uow:
            row = uow.session.execute(select(OutboxEvent)).scalar_one()
            payload = copy.deepcopy(row.payload)
            template = payload["attachments"][0]["templates"][0]
            short = (np.ones(64, dtype="<f4") / 8.0).tobytes()
            template.update(vector=base64.b64encode(short).decode(), dimensions=64)
            row.payload = payload
            uow.commit()
        counter.sync()
        [conflict] = counter.conflicts()
        assert (conflict.registration_id, conflict.reason_code) == (
            "R000000",
            "sync.bad_attachment",
        )
        for registration_id in ("R000003", "R000006"):  # each in a batch of its own
            counter.decide("confirm", registration_id)
            counter.sync()
        assert counter.outbox() == {"accepted": 2, "rejected": 1}
    finally:
        counter.close()
