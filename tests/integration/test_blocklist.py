"""The blocklist: a blocked ID number or a blocked face (from a revoked proxy case) turns a
confirmation into a referral with the entry's reason; only supervisors keep the list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import pytest
from sqlalchemy import select

from desk_app.bootstrap import Application
from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import CandidateState, ReasonCode
from desk_app.persistence.models import AuditEntry, Transition
from desk_app.services.blocklist import add_faces_of_case, add_number, blocklist, lift_entry
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import Decision
from desk_app.vision.engines import FaceEngine, load_engine, template_of
from desk_app.vision.images import load_rgb
from tests.support.factories import add_candidate
from tests.support.ui_helpers import citizen_number


def _transition(app: Application, transition_id: int) -> Transition:
    with app.database.reading() as uow:
        transition = uow.session.get(Transition, transition_id)
        assert transition is not None
        return transition


def test_a_blocked_number_is_referred_with_the_reason(application: Application) -> None:
    add_candidate(application.database, "B1", document_number=citizen_number(801))
    add_candidate(application.database, "B2", document_number=citizen_number(802))
    entry = add_number(application.database, "super1", citizen_number(801).lower(), "stolen card")
    blocked = application.workflow.confirm("B1", "clerk", Decision())
    assert blocked.new_state is CandidateState.REFERRED and blocked.ticket_number is None
    transition = _transition(application, blocked.transition_id)
    assert transition.reason_code == ReasonCode.IMPERSONATION
    assert transition.evidence["blocklist"] == {
        "entry": entry, "kind": "id_number", "reason": "stolen card"
    }  # fmt: skip
    assert application.workflow.confirm("B2", "clerk", Decision()).new_state is (
        CandidateState.CONFIRMED
    )
    # A supervisor who has looked at it may still approve (four-eyes: not the referrer).
    approved = application.workflow.approve("B1", "super1", Decision())
    assert approved.new_state is CandidateState.CONFIRMED


def test_only_supervisors_keep_the_list_with_a_reason(application: Application) -> None:
    with pytest.raises(PermissionDeniedError):
        add_number(application.database, "clerk", citizen_number(803), "curious")
    with pytest.raises(DeskError) as missing:
        add_number(application.database, "super1", citizen_number(803), " ")
    assert missing.value.code == "blocklist.reason_required"
    add_number(application.database, "super1", citizen_number(803), "reported lost")
    assert [view.kind for view in blocklist(application.database)] == ["id_number"]
    with application.database.reading() as uow:
        actions = uow.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("blocklist.add") == 1


def test_a_supervisor_lifts_an_entry_with_a_reason_and_it_stops_nothing_more(
    application: Application,
) -> None:
    add_candidate(application.database, "B4", document_number=citizen_number(804))
    add_number(application.database, "super1", citizen_number(804), "typed by mistake")
    [listed] = blocklist(application.database)
    entry = listed.uid
    with pytest.raises(PermissionDeniedError):
        lift_entry(application.database, "clerk", entry, "I think it is fine")
    with pytest.raises(DeskError) as missing:
        lift_entry(application.database, "super1", entry, "  ")
    assert missing.value.code == "blocklist.lift_reason_required"
    assert application.workflow.confirm("B4", "clerk", Decision()).new_state is (
        CandidateState.REFERRED
    )
    lift_entry(application.database, "super1", entry, "wrong number typed")
    assert blocklist(application.database) == []
    with pytest.raises(DeskError) as again:
        lift_entry(application.database, "super1", entry, "twice")
    assert again.value.code == "blocklist.not_found"
    with application.database.reading() as uow:
        lifted = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "blocklist.remove")
        ).one()
    assert (lifted.actor, lifted.details["reason"]) == ("super1", "wrong number typed")
    approved = application.workflow.approve("B4", "super1", Decision())
    assert approved.new_state is CandidateState.CONFIRMED


@pytest.fixture(scope="module")
def engine() -> FaceEngine:
    return load_engine("sface")


def test_the_face_of_a_revoked_proxy_case_is_stopped_everywhere(
    application: Application, engine: FaceEngine, data_dir: Path
) -> None:
    root = data_dir / "faces" / "lfw" / "images"

    def capture(name: str) -> LiveCapture:
        rgb = load_rgb(root / name)
        template, _ = template_of(engine, rgb)
        jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))[1].tobytes()
        return LiveCapture(jpeg, template, engine.name, engine.model_version)

    app: Any = application
    for index in range(3):
        add_candidate(app.database, f"F{index}", document_number=citizen_number(810 + index))
    proxy = capture("Naoto_Kan/Naoto_Kan_0001.jpg")
    app.workflow.confirm("F0", "clerk", Decision(live_capture=proxy))
    with pytest.raises(DeskError) as not_revoked:
        add_faces_of_case(app.database, "super1", "F0", "proxy sitter")
    assert not_revoked.value.code == "blocklist.not_revoked"
    app.workflow.revoke("F0", "super1", Decision(reason=ReasonCode.IMPERSONATION))
    entries = add_faces_of_case(app.database, "super1", "F0", "proxy sitter")
    assert len(entries) == 1

    again = app.workflow.confirm(
        "F1", "clerk", Decision(live_capture=capture("Naoto_Kan/Naoto_Kan_0002.jpg"))
    )
    assert again.new_state is CandidateState.REFERRED
    hit = _transition(app, again.transition_id).evidence["blocklist"]
    assert hit["kind"] == "face" and hit["reason"] == "proxy sitter" and hit["distance"] >= 0
    someone_else = app.workflow.confirm(
        "F2",
        "clerk",
        Decision(live_capture=capture("Junichiro_Koizumi/Junichiro_Koizumi_0001.jpg")),
    )
    assert someone_else.new_state is CandidateState.CONFIRMED


def test_the_command_line_keeps_numbers_out_of_argv_and_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from desk_app.cli import main
    from tests.support.factories import add_staff, make_application, set_password

    path = tmp_path / "counter.db"
    app = make_application(f"sqlite:///{path}")
    add_staff(app.database)
    set_password(app.database, "super1", "staff-pass-2026")
    app.close()
    password_file = tmp_path / "password"
    password_file.write_text("staff-pass-2026\n")
    monkeypatch.setenv("DESK_APP_PASSWORD_FILE", str(password_file))
    number = citizen_number(820)
    added = CliRunner().invoke(
        main,
        ["--db", str(path), "blocklist", "add-number", "--operator", "super1",
         "--reason", "stolen card"],
        input=number + "\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = CliRunner().invoke(
        main, ["--db", str(path), "blocklist", "list", "--operator", "super1"]
    )
    assert listed.exit_code == 0 and "stolen card" in listed.output
    assert number not in added.output and number not in listed.output
    assert number[-4:] in listed.output  # masked, recognisable
    uid = listed.output.split("\t")[0].strip()
    lifted = CliRunner().invoke(
        main,
        ["--db", str(path), "blocklist", "lift", uid, "--operator", "super1",
         "--reason", "found the card"],
    )  # fmt: skip
    assert lifted.exit_code == 0, lifted.output
    after = CliRunner().invoke(
        main, ["--db", str(path), "blocklist", "list", "--operator", "super1"]
    )
    assert after.exit_code == 0 and "stolen card" not in after.output
