"""Why a candidate came to the counter, and the evidence the clerk must see for that reason.

The online check serves most candidates; the counter serves those it cannot (domain.md 1.2):
a renewed ID card or a moved household registration the police data does not show yet,
military personnel, other documents, three failed online attempts, tutoring-class candidates
(confirmed by their unit) and upgrade candidates whose prior diploma failed the platform's check.
Each reason has an evidence checklist (configured per province, see ``services.visits``) the
clerk ticks before Confirm is offered; an incomplete checklist can only be referred.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from desk_app.domain.errors import DeskError

# Where the decision's evidence keeps the visit (reason, checklist as ticked, documents).
VISIT_EVIDENCE_KEY = "visit"


class VisitReason(enum.StrEnum):
    RENEWED_ID_CARD = "renewed_id_card"  # 换领了新身份证
    MOVED_HOUSEHOLD = "moved_household"  # 户籍迁移
    MILITARY = "military"  # 现役军人、武警
    OTHER_DOCUMENT = "other_document"  # 其他证件（通行证、护照等）
    ONLINE_CHECK_FAILED = "online_check_failed"  # 网上确认三次未通过
    TUTORING_CLASS = "tutoring_class"  # 助学班考生
    PRIOR_DIPLOMA = "prior_diploma"  # 前置学历材料

    @property
    def chinese_label(self) -> str:
        return _LABELS[self][0]

    @property
    def english_label(self) -> str:
        return _LABELS[self][1]

    @classmethod
    def parse(cls, value: object) -> VisitReason:
        """The reason for a stored or received code; an unknown one is a coded error."""
        for member in cls:
            if value == member.value:
                return member
        raise DeskError(
            f"unknown reason of visit {value!r}", code="visit.unknown_reason", value=str(value)
        )


_LABELS: Mapping[VisitReason, tuple[str, str]] = {
    VisitReason.RENEWED_ID_CARD: ("身份证换领", "Renewed ID card"),
    VisitReason.MOVED_HOUSEHOLD: ("户籍迁移", "Moved household registration"),
    VisitReason.MILITARY: ("军人、武警", "Military or armed police"),
    VisitReason.OTHER_DOCUMENT: ("其他证件", "Other document (permit, passport)"),
    VisitReason.ONLINE_CHECK_FAILED: ("网上确认三次未通过", "Online check failed three times"),
    VisitReason.TUTORING_CLASS: ("助学班", "Tutoring class"),
    VisitReason.PRIOR_DIPLOMA: ("前置学历材料", "Prior-diploma documents"),
}


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the clerk looks at. ``page`` items are pages held up to the camera: they can
    be ticked only once a page was captured for the case."""

    key: str
    chinese: str
    english: str
    page: bool = False

    def label(self, language: str) -> str:
        return self.chinese if language.startswith("zh") else self.english


@dataclass(frozen=True)
class Checklists:
    """The checklist of every reason of visit, and where it came from (a file or the default)."""

    items: Mapping[VisitReason, tuple[ChecklistItem, ...]]
    source: str

    def for_reason(self, reason: VisitReason) -> tuple[ChecklistItem, ...]:
        return self.items.get(reason, ())


def missing_items(
    items: Collection[ChecklistItem], ticked: Collection[str], pages_captured: int
) -> list[ChecklistItem]:
    """The items not yet satisfied: not ticked, or a page item ticked with no page captured."""
    return [item for item in items if item.key not in ticked or (item.page and pages_captured == 0)]


def checklist_record(
    reason: VisitReason, items: Collection[ChecklistItem], ticked: Collection[str]
) -> dict[str, object]:
    """The checklist as the decision keeps it: every item with its label and whether it was
    ticked, so a later change of the configuration does not rewrite what the clerk saw."""
    return {
        "reason": reason.value,
        "items": [
            {
                "key": item.key,
                "label": item.chinese,
                "page": item.page,
                "ticked": item.key in ticked,
            }
            for item in items
        ],
    }


@dataclass(frozen=True)
class CapturedPage:
    """A supporting document's page held up to the camera, straightened (JPEG), with the
    certification report's verification code when one was read (``code_flagged``: the read is
    doubtful and the clerk must check it against the paper)."""

    image: bytes
    kind: str  # "page" or "certification_report"
    verification_code: str | None = None
    code_confidence: float | None = None
    code_flagged: bool = False


def check_visit_evidence(action: str, evidence: Mapping[str, object]) -> None:
    """A confirmation whose recorded checklist has an unticked item is refused: an incomplete
    checklist can only be referred. Decisions without a recorded visit (supervisors' approvals,
    the command line, older counters) are not concerned."""
    if action != "confirm":
        return
    visit = evidence.get(VISIT_EVIDENCE_KEY)
    if visit is None:
        return
    if not isinstance(visit, Mapping):
        raise DeskError("the visit record is malformed", code="visit.malformed")
    VisitReason.parse(visit.get("reason"))
    checklist = visit.get("items")
    if not isinstance(checklist, list):
        raise DeskError("the visit record has no checklist", code="visit.malformed")
    pages = visit.get("pages")
    has_pages = isinstance(pages, list) and bool(pages)
    unticked = [
        str(item.get("key"))
        for item in checklist
        if not isinstance(item, Mapping)
        or item.get("ticked") is not True
        or (item.get("page") is True and not has_pages)
    ]
    if unticked:
        raise DeskError(
            "the evidence checklist is incomplete: the case can only be referred",
            code="visit.checklist_incomplete",
            missing=unticked,
        )
