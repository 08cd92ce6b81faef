"""Reasons of visit end to end: stored with the decision, pages kept and purged, counted in the
statistics and the daily report, shown in the evidence pack, judged centrally."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from sqlalchemy import select, update

from desk_app.bootstrap import Application
from desk_app.domain.errors import DeskError
from desk_app.domain.time import china_today
from desk_app.domain.visits import CapturedPage, VisitReason, checklist_record
from desk_app.domain.workflow import ReasonCode, Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import (
    Candidate,
    OutboxEvent,
    Photo,
    PurgedMedia,
    Transition,
)
from desk_app.reports.daily import breakdowns
from desk_app.reports.evidence import collect_evidence, evidence_pack
from desk_app.services.counter import CounterQueries, SignedIn
from desk_app.services.retention import purge_face_data
from desk_app.services.statistics import daily_statistics
from desk_app.services.visits import default_checklists
from desk_app.services.workflow import Decision
from desk_app.sync.central import CentralDatabase
from tests.support.factories import add_candidate, add_staff, last_transition, make_application
from tests.support.sync_service import RunningService
from tests.support.sync_world import central_events, confirmation, make_counter, seed_roster


def _page_jpeg(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    ok, encoded = cv2.imencode(".jpg", rng.integers(0, 255, (140, 100, 3), dtype=np.uint8))
    assert ok
    return encoded.tobytes()


def _visit(reason: VisitReason, *, ticked: bool = True) -> dict[str, Any]:
    items = default_checklists().for_reason(reason)
    return {"visit": checklist_record(reason, items, {i.key for i in items} if ticked else set())}


def _report_page(seed: int = 1) -> CapturedPage:
    return CapturedPage(
        _page_jpeg(seed),
        "certification_report",
        verification_code="9R346P3YD25TS4F5",
        code_confidence=0.97,
        code_flagged=True,
    )


@pytest.fixture
def application(tmp_path: Path) -> Application:
    application = make_application(
        f"sqlite:///{tmp_path / 'counter.db'}",
        DESK_APP_TICKETS_BLOCK_SIZE="10",
        DESK_APP_TICKETS_PERIOD="271",
    )
    add_staff(application.database)
    for index in range(4):
        add_candidate(application.database, f"R{index}")
    return application


def test_the_reason_checklist_and_pages_are_kept_with_the_decision(
    application: Application,
) -> None:
    workflow = application.workflow
    decision = Decision(
        evidence=_visit(VisitReason.PRIOR_DIPLOMA),
        visit_reason=VisitReason.PRIOR_DIPLOMA,
        pages=(_report_page(),),
    )
    workflow.confirm("R0", "clerk", decision)
    transition = last_transition(application.database, "R0")
    assert transition.visit_reason == "prior_diploma"
    visit = transition.evidence["visit"]
    assert [item["ticked"] for item in visit["items"]] == [True, True]
    (page,) = visit["pages"]
    assert page["kind"] == "certification_report" and page["code_flagged"] is True
    assert page["verification_code"] == "9R346P3YD25TS4F5"
    with application.database.reading() as uow:
        stored = uow.session.get(Photo, page["photo"])
        assert stored is not None and stored.purpose == "document"
        assert stored.data == _report_page().image


def test_an_incomplete_checklist_can_only_be_referred(application: Application) -> None:
    workflow = application.workflow
    incomplete = Decision(
        evidence=_visit(VisitReason.MOVED_HOUSEHOLD, ticked=False),
        visit_reason=VisitReason.MOVED_HOUSEHOLD,
        pages=(CapturedPage(_page_jpeg(2), "page"),),
    )
    with pytest.raises(DeskError) as refused:
        workflow.confirm("R1", "clerk", incomplete)
    assert refused.value.code == "visit.checklist_incomplete"
    with application.database.reading() as uow:  # nothing of the refused decision is left
        assert uow.session.scalars(select(Photo).where(Photo.purpose == "document")).all() == []
    referral = dataclasses.replace(incomplete, reason=ReasonCode.OTHER)
    assert workflow.refer("R1", "clerk", referral).new_state.value == "referred"
    assert last_transition(application.database, "R1").visit_reason == "moved_household"
    # The supervisor sees the reason, the checklist as ticked and the page.
    queries = CounterQueries(application.database, application.workstation)
    (case,) = queries.review_queue(SignedIn("super1", "s", Role.SUPERVISOR))
    assert case.visit_reason == "moved_household"
    assert [entry["kind"] for entry, _ in case.pages] == ["page"]
    assert case.pages[0][1] == _page_jpeg(2)


def test_documents_are_purged_with_the_faces(application: Application) -> None:
    decision = Decision(
        evidence=_visit(VisitReason.PRIOR_DIPLOMA),
        visit_reason=VisitReason.PRIOR_DIPLOMA,
        pages=(_report_page(3),),
    )
    application.workflow.confirm("R2", "clerk", decision)
    with application.database.unit_of_work() as uow:
        uow.session.execute(
            update(Candidate)
            .where(Candidate.registration_id == "R2")
            .values(state_changed_at=datetime(2026, 3, 1, tzinfo=UTC))
        )
        uow.commit()
    report = purge_face_data(
        application.database, "super1", None, retention_days=180, today=date(2026, 11, 30)
    )
    assert report.photos == 1
    with application.database.reading() as uow:
        assert uow.session.scalars(select(Photo).where(Photo.purpose == "document")).all() == []
        purged = uow.session.scalars(select(PurgedMedia)).all()
        assert [item.kind for item in purged] == ["document"]
    # The evidence pack says the page was purged, and when.
    record = collect_evidence(application.database, "R2", application.settings)
    (document,) = record.documents
    assert document.jpeg is None and "purged" in document.note


def test_statistics_report_and_evidence_pack_carry_the_reason(
    application: Application, tmp_path: Path
) -> None:
    workflow = application.workflow
    for registration_id, reason in (
        ("R0", VisitReason.RENEWED_ID_CARD),
        ("R1", VisitReason.RENEWED_ID_CARD),
        ("R2", VisitReason.MILITARY),
    ):
        workflow.refer(
            registration_id,
            "clerk",
            Decision(reason=ReasonCode.OTHER, evidence=_visit(reason), visit_reason=reason),
        )
    workflow.confirm("R3", "clerk")  # the command line: no reason recorded
    workflow.approve("R2", "super2")  # not a first-line decision: not counted per reason
    figures = daily_statistics(application.database, china_today(), operator_id="super1")
    assert figures.by_visit_reason == {"renewed_id_card": 2, "": 1, "military": 1}
    rows = dict(breakdowns(figures))["按来访原因 By reason of visit"]
    assert ("身份证换领 Renewed ID card", 2) in rows
    with application.database.unit_of_work() as uow:  # R0 gets a page kept
        candidate_id = uow.session.scalar(
            select(Candidate.id).where(Candidate.registration_id == "R0")
        )
        uow.session.add(
            Photo(candidate_id=candidate_id, purpose="document", media_type="image/jpeg",
                  sha256="0" * 64, data=_page_jpeg(4))
        )  # fmt: skip
        uow.commit()
    record = collect_evidence(application.database, "R0", application.settings)
    assert record.decisions[0].visit_reason == "renewed_id_card"
    assert len(record.documents) == 1 and record.documents[0].jpeg is not None
    pack = evidence_pack(
        application.database,
        "R0",
        tmp_path / "pack.pdf",
        operator_id="super1",
        reason="dispute",
        settings=application.settings,
    )
    assert pack.photos == 1 and pack.path.stat().st_size > 0


# --- the central side ------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_reason_travels_and_an_unknown_one_is_refused_centrally(
    tmp_path: Path, central: CentralDatabase, postgres_url: str, service: RunningService
) -> None:
    seed_roster(central, 9, areas=("A",))
    counter = make_counter(tmp_path, service, "C1")
    counter.sync()
    workflow = counter.app.workflow
    renewed = VisitReason.RENEWED_ID_CARD
    workflow.confirm(
        "R000000",
        "clerk",
        dataclasses.replace(
            confirmation("R000000"), evidence={**_visit(renewed)}, visit_reason=renewed
        ),
    )
    workflow.confirm("R000001", "clerk", confirmation("R000001"))
    workflow.confirm("R000002", "clerk", confirmation("R000002"))
    with counter.app.database.unit_of_work() as uow:  # forged: what an altered counter sends
        for registration_id, change in (
            ("R000001", {"visit_reason": "bored"}),
            ("R000002", {"evidence": _visit(renewed, ticked=False)}),
        ):
            event = uow.session.scalars(
                select(OutboxEvent).where(OutboxEvent.registration_id == registration_id)
            ).one()
            payload = dict(event.payload)
            if "evidence" in change:
                payload["evidence"] = {**payload["evidence"], **change["evidence"]}
            else:
                payload.update(change)
            event.payload = payload
        uow.commit()
    counter.sync()
    answers = {e.registration_id: (e.outcome, e.reason_code) for e in central_events(central)}
    assert answers == {
        "R000000": ("accepted", None),
        "R000001": ("rejected", "visit.unknown_reason"),
        "R000002": ("rejected", "visit.checklist_incomplete"),
    }
    with _central_reading(central) as uow:
        stored = uow.session.scalars(select(Transition.visit_reason)).all()
    assert stored == ["renewed_id_card"]
    counter.close()


def _central_reading(central: CentralDatabase) -> Any:
    return Database(central.engine).reading()
