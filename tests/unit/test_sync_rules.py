"""Sync rules that need no database: scopes and the retry backoff."""

from __future__ import annotations

import pytest

from desk_app.persistence.models import Candidate
from desk_app.sync.protocol import CounterScope, SyncError
from desk_app.sync.syncer import SyncOptions, backoff_delay


def test_a_scope_is_either_exam_areas_or_one_tutoring_unit() -> None:
    assert CounterScope.parse(" 0101, 0102 ,", None) == CounterScope(("0101", "0102"))
    assert CounterScope.parse("", "Unit A") == CounterScope((), "Unit A")
    for areas, unit in (("", None), ("0101", "Unit A")):
        with pytest.raises(SyncError) as refusal:
            CounterScope.parse(areas, unit)
        assert refusal.value.code == "sync.bad_scope"


def test_scope_membership() -> None:
    areas = CounterScope(("0101", "0102"))
    unit = CounterScope((), "Unit A")
    candidate = Candidate(exam_area="0102", tutoring_unit=None)
    assert areas.contains(candidate) and not unit.contains(candidate)
    candidate = Candidate(exam_area="0305", tutoring_unit="Unit A")
    assert unit.contains(candidate) and not areas.contains(candidate)
    assert areas.areas_text == "0101,0102"


def test_backoff_doubles_up_to_its_ceiling_and_draws_from_the_upper_half() -> None:
    options = SyncOptions(backoff_first_s=1.0, backoff_max_s=30.0)
    upper = [backoff_delay(n, options, draw=lambda low, high: high) for n in range(1, 8)]
    lower = [backoff_delay(n, options, draw=lambda low, high: low) for n in range(1, 8)]
    assert upper == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert lower == [value / 2 for value in upper]
    drawn = [backoff_delay(3, options) for _ in range(200)]
    assert all(2.0 <= value <= 4.0 for value in drawn)
    assert len(set(drawn)) > 100  # jitter: counters coming back do not retry in step
