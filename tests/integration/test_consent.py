"""Consent to face processing: a refusal keeps no face data and goes to a supervisor."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from desk_app.bootstrap import Application
from desk_app.domain.consent import consent_evidence
from desk_app.domain.errors import DeskError
from desk_app.domain.workflow import ReasonCode
from desk_app.persistence.models import FaceTemplate, Photo, PurgedMedia
from desk_app.services.counter_session import CounterSession
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import Decision


def _capture(application: Application) -> LiveCapture:
    return LiveCapture(
        image=b"\xff\xd8\xff\xe0 a face",
        template=np.ones(128, dtype=np.float32),
        engine="sface",
        model_version=application.faces.model_version,
    )


def test_a_refusal_with_a_face_is_refused(app_with_roster: Application) -> None:
    with pytest.raises(DeskError) as caught:
        app_with_roster.workflow.refer(
            "R1",
            "clerk",
            Decision(
                reason=ReasonCode.CONSENT_REFUSED,
                evidence={"consent": consent_evidence(False)},
                live_capture=_capture(app_with_roster),
            ),
        )
    assert caught.value.code == "consent.refused"


def test_a_refusal_removes_faces_taken_earlier(app_with_roster: Application) -> None:
    workflow = app_with_roster.workflow
    workflow.refer(  # a first attempt, with consent and a face
        "R1",
        "clerk",
        Decision(
            reason=ReasonCode.FACE_SCORE_LOW,
            evidence={"consent": consent_evidence(True)},
            live_capture=_capture(app_with_roster),
        ),
    )
    workflow.reject(  # the supervisor sends it back ... then the candidate withdraws consent
        "R1",
        "super1",
        Decision(reason=ReasonCode.CONSENT_REFUSED, evidence={"consent": consent_evidence(False)}),
    )
    with app_with_roster.database.reading() as uow:
        assert uow.session.scalars(select(Photo).where(Photo.purpose == "live")).all() == []
        assert uow.session.scalars(select(FaceTemplate)).all() == []
        kinds = sorted(p.kind for p in uow.session.scalars(select(PurgedMedia)))
    assert kinds == ["live", "template"]


def test_the_session_takes_no_face_before_consent() -> None:
    from datetime import date

    from desk_app.domain.candidate import CandidateKind, PriorDiplomaStatus
    from desk_app.domain.documents import DocumentType
    from desk_app.domain.workflow import CandidateState
    from desk_app.services.counter import CandidateView

    view = CandidateView(
        id=1, registration_id="R1", kind=CandidateKind.NEW, name="张三", sex="1",
        birth_date=date(1990, 1, 1), document_type=DocumentType.RESIDENT_ID,
        document_number="11010519491231002X", phone="", exam_area="0101",
        programme_code="1", programme_name="p", tutoring_unit=None, class_name=None,
        ticket_number=None, prior_diploma_status=PriorDiplomaStatus.NOT_APPLICABLE,
        state=CandidateState.PRE_REGISTERED, version=1,
    )  # fmt: skip
    session = CounterSession()
    session.choose(view)
    capture = LiveCapture(b"x", np.ones(128, dtype=np.float32), "sface", "m")
    assert session.needs_consent() and not session.may_capture()
    assert not session.captured(capture, b"jpeg")
    session.consent_recorded(True)
    assert session.may_capture() and session.captured(capture, b"jpeg")
    assert session.decision(card_photo_checked_by_eye=False).evidence["consent"]["given"]
    session.consent_recorded(False)
    assert session.capture is None
    decision = session.decision(ReasonCode.CONSENT_REFUSED, card_photo_checked_by_eye=False)
    assert decision.live_capture is None and decision.evidence["consent"]["given"] is False
    assert session.suggested_reason() is ReasonCode.CONSENT_REFUSED
