"""The counter records when a case began, so the statistics can tell the handling time."""

from __future__ import annotations

from datetime import UTC, datetime

from desk_app.services.statistics import CASE_STARTED_KEY
from tests.unit.test_counter_session import _candidate, _card, _session


def test_a_decision_carries_the_moment_the_card_was_placed() -> None:
    session = _session()
    before = datetime.now(UTC)
    session.card_placed(_card(), portrait=None)
    after = datetime.now(UTC)
    session.lookup_answered([_candidate()])
    evidence = session.decision(card_photo_checked_by_eye=True).evidence
    started = datetime.fromisoformat(evidence[CASE_STARTED_KEY])
    assert before <= started <= after


def test_a_roster_pick_starts_the_case_and_the_next_candidate_forgets_it() -> None:
    session = _session()
    assert CASE_STARTED_KEY not in session.decision(card_photo_checked_by_eye=False).evidence
    session.choose(_candidate())
    assert CASE_STARTED_KEY in session.decision(card_photo_checked_by_eye=False).evidence
    session.next_candidate()
    assert session.case_started_at is None


def test_choosing_a_record_after_the_card_keeps_the_card_time() -> None:
    session = _session()
    session.card_placed(_card(), portrait=None)
    placed = session.case_started_at
    session.lookup_answered([_candidate()])
    assert session.case_started_at == placed
