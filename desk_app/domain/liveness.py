"""The liveness rule a confirmation must meet, wherever it is judged (issue 14).

The counter's workflow service (before it writes) and the central side (before it accepts a
counter's event) both ask ``check_liveness``; neither trusts the counter's screen. What a decision
carries is ``LivenessEvidence``: the challenge asked, the judge's coded result per action and, when
a supervisor accepted a failed challenge, who and why. Images stay at the counter (its evidence
frames, purged with the other face media); the summary travels.

Policy: a tutoring unit's confirmations always need a passed challenge, and there no override is
accepted: the unit's own staff confirm their own candidates, so a candidate who cannot pass is
referred to the exam authority's counter. At counters the challenge is on unless an administrator
turned it off, and a supervisor may accept a failed one with a written reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desk_app.domain.errors import TransitionError
from desk_app.domain.workflow import Action, Method, Role

_REASON_LIMIT = 500


@dataclass(frozen=True)
class LivenessEvidence:
    """One judged challenge as a decision records it (no image, name or ID number)."""

    challenge: tuple[str, ...]
    passed: bool
    code: str  # the judge's coded reason (``liveness.passed``, ``liveness.timeout``, ...)
    actions: tuple[tuple[str, str], ...] = ()  # (action, its coded result)
    seconds_to_pass: float | None = None
    overridden_by: str | None = None  # the supervisor who accepted a failed challenge
    override_reason: str = ""

    def as_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "challenge": list(self.challenge),
            "passed": self.passed,
            "code": self.code,
            "actions": [{"action": a, "code": c} for a, c in self.actions],
            "seconds_to_pass": (
                round(self.seconds_to_pass, 2) if self.seconds_to_pass is not None else None
            ),
        }
        if self.overridden_by is not None:
            record["override"] = {"by": self.overridden_by, "reason": self.override_reason}
        return record

    @classmethod
    def from_record(cls, record: object) -> LivenessEvidence | None:
        """The evidence from a decision's record; None when it holds none or is malformed (a
        malformed record then counts as no liveness evidence at all)."""
        if not isinstance(record, Mapping):
            return None
        try:
            challenge = tuple(str(action) for action in record["challenge"])
            passed = record["passed"]
            override = record.get("override")
            if not isinstance(passed, bool) or not challenge:
                return None
            if override is not None and not (
                isinstance(override, Mapping) and isinstance(override.get("by"), str)
            ):
                return None
            seconds = record.get("seconds_to_pass")
            return cls(
                challenge=challenge,
                passed=passed,
                code=str(record["code"]),
                actions=tuple(
                    (str(item["action"]), str(item["code"])) for item in record.get("actions", [])
                ),
                seconds_to_pass=float(seconds) if seconds is not None else None,
                overridden_by=override["by"] if override else None,
                override_reason=str(override.get("reason", ""))[:_REASON_LIMIT] if override else "",
            )
        except (KeyError, TypeError, ValueError):
            return None


def tutoring_unit_case(method: Method, role: Role | None) -> bool:
    """A tutoring unit's station, or a tutoring unit's staff wherever they sign in (the central
    side knows the role from its own records, whatever the counter says of its method)."""
    return method is Method.TUTORING_UNIT or role is Role.TUTORING_UNIT_STAFF


def liveness_required(method: Method, *, at_counters: bool, role: Role | None = None) -> bool:
    """Always for a tutoring unit; at counters as the administrators set it."""
    return tutoring_unit_case(method, role) or at_counters


def check_liveness(
    action: Action,
    liveness: LivenessEvidence | None,
    *,
    method: Method,
    role: Role,
    at_counters: bool,
    overrider_role: Role | None = None,
) -> None:
    """Raise unless a confirmation that needs a liveness challenge carries a passed one (or, at a
    counter, a failed one a supervisor accepted). ``overrider_role`` is the overriding operator's
    role in the judge's own records (None when it does not know them)."""
    if action is not Action.CONFIRM:
        return
    if not liveness_required(method, at_counters=at_counters, role=role):
        return
    if liveness is None:
        raise TransitionError(
            "a confirmation here needs the liveness check", code="evidence.no_liveness"
        )
    if liveness.passed:
        return
    if liveness.overridden_by is None:
        raise TransitionError(
            "the liveness check failed: refer, or ask a supervisor to accept it",
            code="evidence.liveness_failed",
        )
    if tutoring_unit_case(method, role):
        raise TransitionError(
            "a tutoring unit cannot accept a failed liveness check: refer the candidate",
            code="evidence.liveness_override_not_allowed",
        )
    if not liveness.override_reason.strip():
        raise TransitionError(
            "accepting a failed liveness check needs a written reason",
            code="evidence.liveness_override_reason",
        )
    if overrider_role is not Role.SUPERVISOR:
        raise TransitionError(
            f"{liveness.overridden_by} is not a supervisor: the failed liveness check stands",
            code="evidence.liveness_override_not_supervisor",
        )
