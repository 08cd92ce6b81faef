"""A day of decisions with known counts, written straight into a database, for the statistics,
the reports and their benchmark.

The plan is laid out first (who decided what, when, on which counter, with which distances and
handling times) and the expected figures are counted from the plan itself, by plain loops that
share no code with ``desk_app.services.statistics``; then the plan is written as candidates and
transitions in one transaction.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from desk_app.domain.time import CHINA_TIME
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import Candidate, Operator, Transition
from tests.support.factories import candidate_values

COUNTERS = (("S1", "C1"), ("S1", "C2"), ("S2", "C7"))
CLERKS = ("clerk", "clerk2", "unitstaff")
AREAS = ("0101", "0102", "0201")
FIRST_LINE_ACTIONS = ("confirm", "confirm", "confirm", "confirm", "refer", "reject")
REFER_REASONS = ("face_score_low", "document_without_chip", "data_mismatch")


@dataclass
class PlannedDecision:
    registration_id: str
    occurred_at: datetime  # UTC
    site_id: str
    counter_id: str
    operator_id: str
    action: str
    from_state: str
    to_state: str
    reason_code: str | None
    method: str
    exam_area: str
    handling_seconds: float | None
    distances: dict[str, float]


@dataclass
class PlannedDay:
    day: date
    decisions: list[PlannedDecision] = field(default_factory=list)

    # --- the expected figures, counted from the plan -------------------------------------------

    def first_line(self) -> list[PlannedDecision]:
        return [d for d in self.decisions if d.from_state == "pre_registered"]

    def count_by(self, key: str) -> dict[str, int]:
        return dict(Counter(str(getattr(d, key)) for d in self.decisions))

    def by_hour(self) -> dict[int, int]:
        counts = dict.fromkeys(range(24), 0)
        for decision in self.decisions:
            counts[decision.occurred_at.astimezone(CHINA_TIME).hour] += 1
        return counts

    def referrals(self) -> int:
        return sum(1 for d in self.first_line() if d.action == "refer")

    def active_hours(self) -> int:
        return len({d.occurred_at.astimezone(CHINA_TIME).hour for d in self.first_line()})

    def median_handling(self) -> float:
        return statistics.median(
            d.handling_seconds for d in self.first_line() if d.handling_seconds is not None
        )

    def distances(self, comparison: str) -> list[float]:
        return [d.distances[comparison] for d in self.decisions if comparison in d.distances]


def plan_day(day: date, count: int, *, seed: int = 7) -> PlannedDay:
    """``count`` first-line decisions spread over 08:00–17:59 China time on three counters, plus
    a supervisor's approval for every third referral; one decision in ten has no handling time
    (typed at the command line), and decisions one day before and after (not counted)."""
    rng = random.Random(seed)
    plan = PlannedDay(day)
    opening = datetime(day.year, day.month, day.day, 8, tzinfo=CHINA_TIME)
    referred: list[PlannedDecision] = []
    for index in range(count):
        site_id, counter_id = COUNTERS[index % len(COUNTERS)]
        operator_id = CLERKS[index % len(CLERKS)]
        action = FIRST_LINE_ACTIONS[rng.randrange(len(FIRST_LINE_ACTIONS))]
        occurred = opening + timedelta(seconds=rng.randrange(10 * 3600))
        handling = None if index % 10 == 9 else float(30 + rng.randrange(240))
        distances = {
            "live_card": round(rng.uniform(0.2, 0.6), 4),
            "live_ephoto": round(rng.uniform(0.15, 0.55), 4),
        }
        if index % 4 == 0:
            distances["card_ephoto"] = round(rng.uniform(0.2, 0.7), 4)
        reason = None
        if action == "refer":
            reason = REFER_REASONS[index % len(REFER_REASONS)]
        elif action == "reject":
            reason = "impersonation"
        decision = PlannedDecision(
            registration_id=f"D{index:06d}",
            occurred_at=occurred.astimezone(UTC),
            site_id=site_id,
            counter_id=counter_id,
            operator_id=operator_id,
            action=action,
            from_state="pre_registered",
            to_state={"confirm": "confirmed", "refer": "referred", "reject": "rejected"}[action],
            reason_code=reason,
            method="tutoring_unit" if operator_id == "unitstaff" else "counter",
            exam_area=AREAS[index % len(AREAS)],
            handling_seconds=handling,
            distances=distances,
        )
        plan.decisions.append(decision)
        if action == "refer":
            referred.append(decision)
    for decision in referred[::3]:
        plan.decisions.append(
            PlannedDecision(
                registration_id=decision.registration_id,
                occurred_at=decision.occurred_at + timedelta(minutes=20),
                site_id=decision.site_id,
                counter_id=decision.counter_id,
                operator_id="super1",
                action="approve",
                from_state="referred",
                to_state="confirmed",
                reason_code=None,
                method="counter",
                exam_area=decision.exam_area,
                handling_seconds=None,
                distances={},
            )
        )
    # Approvals 20 minutes after a referral late in the day can fall on the next day: keep the
    # plan to the day itself so the expected figures are those of the day.
    end = opening.replace(hour=0) + timedelta(days=1)
    plan.decisions = [d for d in plan.decisions if d.occurred_at < end]
    return plan


OUTSIDE_THE_DAY = 5


def _ensure_operators(database: Database) -> None:
    with database.unit_of_work() as uow:
        known = set(uow.session.execute(select(Operator.id)).scalars())
        for operator_id, role in (
            ("clerk", Role.CLERK),
            ("clerk2", Role.CLERK),
            ("unitstaff", Role.TUTORING_UNIT_STAFF),
            ("super1", Role.SUPERVISOR),
        ):
            if operator_id not in known:
                uow.session.add(
                    Operator(
                        id=operator_id,
                        display_name=operator_id,
                        role=role.value,
                        tutoring_unit="Unit A" if role is Role.TUTORING_UNIT_STAFF else None,
                    )
                )
        uow.commit()


def _transition_row(
    decision: PlannedDecision, candidate_id: int, thresholds: dict[str, Any]
) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    if decision.handling_seconds is not None:
        started = decision.occurred_at - timedelta(seconds=decision.handling_seconds)
        evidence["case_started_at"] = started.isoformat()
    scores: dict[str, Any] = {}
    if decision.distances:
        scores = {
            "engine": "sface",
            "model_version": "test",
            "scores": {
                name: {"distance": value, "band": "pass", **thresholds}
                for name, value in decision.distances.items()
            },
        }
    return {
        "candidate_id": candidate_id,
        "action": decision.action,
        "from_state": decision.from_state,
        "to_state": decision.to_state,
        "operator_id": decision.operator_id,
        "operator_role": "supervisor" if decision.operator_id == "super1" else "clerk",
        "occurred_at": decision.occurred_at,
        "site_id": decision.site_id,
        "counter_id": decision.counter_id,
        "method": decision.method,
        "reason_code": decision.reason_code,
        "note": "",
        "evidence": evidence,
        "scores": scores,
    }


def write_day(database: Database, plan: PlannedDay) -> None:
    """The plan as candidates and transitions, plus a few decisions just outside the day."""
    _ensure_operators(database)
    thresholds = {"pass": 0.4, "review": 0.5}
    with database.unit_of_work() as uow:
        session = uow.session
        registration_ids = sorted({d.registration_id for d in plan.decisions})
        outside = [f"X{index:04d}" for index in range(OUTSIDE_THE_DAY)]
        areas = {d.registration_id: d.exam_area for d in plan.decisions}
        session.execute(
            insert(Candidate),
            [
                candidate_values(registration_id, exam_area=areas.get(registration_id, "0101"))
                for registration_id in registration_ids + outside
            ],
        )
        ids = dict(session.execute(select(Candidate.registration_id, Candidate.id)).all())
        rows = [_transition_row(d, ids[d.registration_id], thresholds) for d in plan.decisions]
        start = datetime(plan.day.year, plan.day.month, plan.day.day, tzinfo=CHINA_TIME)
        for index, registration_id in enumerate(outside):
            # Just before the day starts and just after it ends, in China time.
            when = start - timedelta(seconds=1) if index % 2 else start + timedelta(days=1)
            stray = PlannedDecision(
                registration_id, when.astimezone(UTC), "S1", "C1", "clerk", "confirm",
                "pre_registered", "confirmed", None, "counter", "0101", 60.0, {"live_card": 0.3},
            )  # fmt: skip
            rows.append(_transition_row(stray, ids[registration_id], thresholds))
        session.execute(insert(Transition), rows)
        uow.commit()
