"""Proxy-candidate detection in the workflow, with real faces and both databases."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest
from sqlalchemy import select

from desk_app.bootstrap import Application
from desk_app.config import ENGINES as CONFIGURED_ENGINES
from desk_app.domain.workflow import CandidateState, ReasonCode
from desk_app.persistence.models import FaceTemplate, Photo, Transition
from desk_app.services.faces import FaceRegistry, LiveCapture
from desk_app.services.workflow import Decision
from desk_app.vision.engines import ENGINES, FaceEngine, template_of
from desk_app.vision.images import load_rgb


@pytest.fixture(scope="module")
def engine(sface_engine: FaceEngine) -> FaceEngine:
    return sface_engine


@pytest.fixture(scope="module")
def capture(engine: FaceEngine, data_dir: Path):
    root = data_dir / "faces" / "lfw" / "images"

    def make(name: str) -> LiveCapture:
        rgb = load_rgb(root / name)
        template, _ = template_of(engine, rgb)
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        assert ok
        return LiveCapture(jpeg.tobytes(), template, engine.name, engine.model_version)

    return make


def test_engine_lists_agree() -> None:
    assert set(CONFIGURED_ENGINES) == set(ENGINES)


def test_a_face_already_confirmed_for_someone_else_is_referred(
    app_with_roster: Application, capture
) -> None:
    app = app_with_roster
    kan = [capture(f"Naoto_Kan/Naoto_Kan_000{i}.jpg") for i in (1, 2, 3, 4)]
    first = app.workflow.confirm("R1", "clerk", Decision(live_capture=kan[0]))
    assert first.new_state is CandidateState.CONFIRMED

    proxy = app.workflow.confirm("R2", "clerk", Decision(live_capture=kan[1]))
    assert proxy.new_state is CandidateState.REFERRED and proxy.ticket_number is None
    with app.database.reading() as uow:
        transition = uow.session.get(Transition, proxy.transition_id)
        assert transition is not None
        assert transition.reason_code == ReasonCode.DUPLICATE_FACE
        assert [d["candidate_id"] for d in transition.evidence["duplicate_of"]] == [
            first.candidate_id
        ]
        photo = uow.session.get(Photo, transition.evidence["live_photo"])
        assert photo is not None and photo.purpose == "live" and photo.data.startswith(b"\xff\xd8")

    other = app.workflow.confirm(
        "R3",
        "clerk",
        Decision(live_capture=capture("Junichiro_Koizumi/Junichiro_Koizumi_0001.jpg")),
    )
    assert other.new_state is CandidateState.CONFIRMED

    app.workflow.revoke("R1", "super1", Decision(reason=ReasonCode.IMPERSONATION))
    after_revocation = app.workflow.confirm("R4", "clerk", Decision(live_capture=kan[2]))
    assert after_revocation.new_state is CandidateState.CONFIRMED

    # A supervisor approves the referral anyway: its stored template joins the index.
    app.workflow.approve("R2", "super2")
    again = app.workflow.confirm("R5", "clerk", Decision(live_capture=kan[3]))
    assert again.new_state is CandidateState.REFERRED

    # After a restart the index is rebuilt from the database: R2, R3 and R4 are confirmed.
    rebuilt = FaceRegistry(
        app.database, "sface", ENGINES["sface"].model_version, app.faces.duplicate
    )
    assert rebuilt.load() == 3
    with app.database.reading() as uow:
        assert len(uow.session.execute(select(FaceTemplate)).all()) == 5


def test_captures_of_another_engine_are_not_compared(app_with_roster: Application, capture) -> None:
    app = app_with_roster
    kan = capture("Naoto_Kan/Naoto_Kan_0001.jpg")
    app.workflow.confirm("R1", "clerk", Decision(live_capture=kan))
    foreign = LiveCapture(kan.image, kan.template, "dlib", "another-model")
    assert app.workflow.confirm("R2", "clerk", Decision(live_capture=foreign)).new_state is (
        CandidateState.CONFIRMED
    )
