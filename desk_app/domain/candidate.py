"""The candidate's pre-registration and the small value types around it."""

from __future__ import annotations

import enum

from desk_app.domain.errors import DeskError


class CandidateKind(enum.StrEnum):
    NEW = "new"  # 新生注册: a ticket number is issued on confirmation
    ENROLLED = "enrolled"  # 在籍注册: keeps the ticket number chosen at registration

    @classmethod
    def parse(cls, value: str) -> CandidateKind:
        text = value.strip()
        for member, aliases in _KIND_ALIASES.items():
            if text.lower() == member.value or text in aliases:
                return member
        raise DeskError(
            f"unknown candidate kind {text!r}", code="candidate.unknown_kind", value=text
        )


_KIND_ALIASES = {
    CandidateKind.NEW: frozenset({"新生", "新生注册"}),
    CandidateKind.ENROLLED: frozenset({"在籍", "在籍注册", "在籍生"}),
}


class PriorDiplomaStatus(enum.StrEnum):
    """Result of the platform's prior-diploma check for bachelor-upgrade (专升本) candidates.

    The counter shows it as a flag and a checklist item; it does not verify it again.
    """

    NOT_APPLICABLE = "not_applicable"
    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"

    @classmethod
    def parse(cls, value: str) -> PriorDiplomaStatus:
        text = value.strip()
        if not text:
            return cls.NOT_APPLICABLE
        for member, aliases in _DIPLOMA_ALIASES.items():
            if text.lower() == member.value or text in aliases:
                return member
        raise DeskError(
            f"unknown prior-diploma check status {text!r}",
            code="candidate.unknown_diploma_status",
            value=text,
        )


_DIPLOMA_ALIASES = {
    PriorDiplomaStatus.NOT_APPLICABLE: frozenset({"无需核验", "不适用", "无"}),
    PriorDiplomaStatus.PASSED: frozenset({"通过", "已通过", "核验通过"}),
    PriorDiplomaStatus.FAILED: frozenset({"未通过", "不通过", "核验未通过"}),
    PriorDiplomaStatus.PENDING: frozenset({"待核验", "核验中"}),
}
