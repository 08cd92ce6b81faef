"""Reasons of visit: the proposed reason, the checklists (shipped and a province's), and the rule
that an incomplete checklist can only be referred."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desk_app.domain.candidate import PriorDiplomaStatus
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import ConfigError, DeskError
from desk_app.domain.visits import (
    CapturedPage,
    VisitReason,
    check_visit_evidence,
    checklist_record,
)
from desk_app.services.visits import (
    checklists_or_default,
    default_checklists,
    default_visit_reason,
    load_checklists,
    parse_checklists,
)
from tests.unit.test_counter_session import (
    CLERK,
    TODAY,
    _candidate,
    _card,
    _matched,
    _session,
    complete_checklist,
)

SHIPPED_KEYS = {
    VisitReason.RENEWED_ID_CARD: {"new_card_read": False, "card_matches_record": False},
    VisitReason.MOVED_HOUSEHOLD: {"household_register_page": True, "card_read": False},
    VisitReason.MILITARY: {"officer_card": True, "unit_letter": True},
    VisitReason.OTHER_DOCUMENT: {"document_original": True, "document_matches_record": False},
    VisitReason.ONLINE_CHECK_FAILED: {"card_read": False, "online_attempts_seen": False},
    VisitReason.TUTORING_CLASS: {"on_class_roster": False, "card_read": False},
    VisitReason.PRIOR_DIPLOMA: {"certification_report": True, "verification_code": False},
}


@pytest.mark.parametrize("reason", list(VisitReason))
def test_each_reason_has_its_shipped_checklist(reason: VisitReason) -> None:
    items = default_checklists().for_reason(reason)
    assert {item.key: item.page for item in items} == SHIPPED_KEYS[reason]
    assert all(item.chinese and item.english for item in items)
    assert reason.chinese_label and reason.english_label


def test_the_reason_is_proposed_from_the_record_and_the_card() -> None:
    def propose(**kwargs: object) -> VisitReason:
        card = kwargs.pop("card", None)
        return default_visit_reason(_candidate(**kwargs), card, today=TODAY)  # type: ignore[arg-type]

    assert propose(tutoring_unit="某助学点") is VisitReason.TUTORING_CLASS
    assert propose(document_type=DocumentType.MILITARY_CARD) is VisitReason.MILITARY
    assert propose(document_type=DocumentType.PASSPORT) is VisitReason.OTHER_DOCUMENT
    failed = PriorDiplomaStatus.FAILED
    assert propose(prior_diploma_status=failed) is VisitReason.PRIOR_DIPLOMA
    renewed = _card(valid_from=date(2026, 6, 1))
    assert propose(card=renewed) is VisitReason.RENEWED_ID_CARD
    # A Jiangsu number (320102...) with a Guangdong address: the household moved.
    moved = _card(address="广东省广州市天河区某路1号")
    assert propose(card=moved) is VisitReason.MOVED_HOUSEHOLD
    assert propose(card=_card(address="江苏省南京市玄武区某路1号")) is (
        VisitReason.ONLINE_CHECK_FAILED
    )
    assert propose() is VisitReason.ONLINE_CHECK_FAILED
    typed = default_visit_reason(
        None, None, manual_document=DocumentType.MILITARY_CARD, today=TODAY
    )
    assert typed is VisitReason.MILITARY


PROVINCE = """\
[[renewed_id_card]]
key = "police_certificate"
zh = "公安机关换证证明"
en = "Police certificate of the renewal"
page = true
"""


def _province_file(tmp_path: Path, extra: str = "") -> Path:
    """A province file: its own item for renewed cards, the shipped items for the rest."""
    shipped = (
        Path(__file__).parents[2] / "desk_app" / "services" / "visit_checklists.toml"
    ).read_text(encoding="utf-8")
    rest = shipped.split("[[moved_household]]", 1)[1]
    path = tmp_path / "province.toml"
    path.write_text(PROVINCE + "\n[[moved_household]]" + rest + extra, encoding="utf-8")
    return path


def test_a_province_file_replaces_the_shipped_checklists(tmp_path: Path) -> None:
    checklists = load_checklists(_province_file(tmp_path))
    renewed = checklists.for_reason(VisitReason.RENEWED_ID_CARD)
    assert [(item.key, item.page) for item in renewed] == [("police_certificate", True)]
    assert checklists.source == "province.toml"
    session = _session()
    session.checklists = checklists
    session.card_placed(_card(valid_from=date(2026, 6, 1)), b"portrait")
    assert [item.key for item in session.checklist()] == ["police_certificate"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("[[renewed_id_card]]\nkey = \"a\"\nzh = \"x\nen = \"y\"\n", 3, "not TOML"),
        ("[[renewed_id_card]]\nkey = \"a\"\nzh = \"x\"\nen = \"y\"\n\n[[flying]]\nkey = \"b\"\n",
         6, "unknown reason 'flying'"),
        ("[[renewed_id_card]]\nkey = \"a\"\nzh = \"x\"\nen = \"y\"\n\n[[renewed_id_card]]\n"
         "key = \"a\"\nzh = \"x\"\nen = \"y\"\n", 6, "appears twice"),
        ("[[renewed_id_card]]\nkey = \"a\"\nzh = \"\"\nen = \"y\"\n", 1, "non-empty zh"),
    ],
)  # fmt: skip
def test_a_malformed_file_is_a_coded_error_naming_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_checklists(path)
    assert raised.value.code == "visits.bad_checklists"
    assert raised.value.context["line"] == line
    assert words in raised.value.message and f"bad.toml, line {line}" in raised.value.message


def test_a_file_without_every_reason_is_refused() -> None:
    with pytest.raises(ConfigError, match="no checklist for: moved_household"):
        parse_checklists(PROVINCE, source="p.toml")


def test_a_broken_province_file_leaves_the_shipped_set(tmp_path: Path) -> None:
    broken = _province_file(tmp_path, extra="\n[[military]]\nkey = 3\n")
    checklists, error = checklists_or_default(broken)
    assert error is not None and error.code == "visits.bad_checklists"
    assert checklists.source == "default"
    assert checklists_or_default(tmp_path / "missing.toml")[1] is not None
    assert checklists_or_default("") == (default_checklists(), None)


# --- the counter's rule and the service's --------------------------------------------------------


def test_confirm_waits_for_the_whole_checklist() -> None:
    session = _matched()
    for item in session.checklist():
        session.tick(item.key, False)
    refusal = session.confirm_refusal(CLERK, card_photo_checked_by_eye=False)
    assert refusal is not None and refusal.code == "visit.checklist_incomplete"
    first, second = session.checklist()
    session.tick(first.key, True)
    assert not session.confirm_allowed(CLERK, card_photo_checked_by_eye=False)
    session.tick(second.key, True)
    assert session.confirm_allowed(CLERK, card_photo_checked_by_eye=False)
    assert session.may_refer_or_reject(CLERK)  # referring never waits for the checklist


def test_a_page_item_needs_a_captured_page() -> None:
    session = _matched()
    session.pick_visit_reason(VisitReason.MOVED_HOUSEHOLD)
    assert session.ticked == set()  # another reason: its own ticks
    complete_checklist(session)
    assert [item.key for item in session.checklist_missing()] == ["household_register_page"]
    assert not session.confirm_allowed(CLERK, card_photo_checked_by_eye=False)
    assert session.page_captured(CapturedPage(b"jpeg", "page"))
    assert session.confirm_allowed(CLERK, card_photo_checked_by_eye=False)
    decision = session.decision(card_photo_checked_by_eye=False)
    assert decision.visit_reason is VisitReason.MOVED_HOUSEHOLD
    assert decision.pages == (CapturedPage(b"jpeg", "page"),)


def test_the_clerks_pick_survives_the_record_arriving() -> None:
    session = _session()
    session.card_placed(_card(), b"portrait")
    session.pick_visit_reason(VisitReason.MILITARY)
    session.lookup_answered([_candidate()])
    assert session.visit_reason is VisitReason.MILITARY
    session.choose(_candidate("R2"))  # another person: proposed afresh
    assert session.visit_reason is VisitReason.ONLINE_CHECK_FAILED


def _visit(ticked: bool, pages: bool = False, page_item: bool = False) -> dict[str, object]:
    items = default_checklists().for_reason(VisitReason.PRIOR_DIPLOMA)
    record = checklist_record(
        VisitReason.PRIOR_DIPLOMA,
        [item for item in items if item.page == page_item],
        {item.key for item in items} if ticked else set(),
    )
    if pages:
        record["pages"] = [{"photo": 1, "kind": "certification_report"}]
    return {"visit": record}


def test_the_service_rule_refuses_an_incomplete_checklist() -> None:
    check_visit_evidence("confirm", _visit(ticked=True))
    check_visit_evidence("confirm", {})  # no visit recorded: an older counter, the CLI
    check_visit_evidence("refer", _visit(ticked=False))
    with pytest.raises(DeskError) as raised:
        check_visit_evidence("confirm", _visit(ticked=False))
    assert raised.value.code == "visit.checklist_incomplete"
    with pytest.raises(DeskError, match="incomplete"):
        check_visit_evidence("confirm", _visit(ticked=True, page_item=True))
    check_visit_evidence("confirm", _visit(ticked=True, pages=True, page_item=True))
    with pytest.raises(DeskError) as unknown:
        check_visit_evidence("confirm", {"visit": {"reason": "bored", "items": []}})
    assert unknown.value.code == "visit.unknown_reason"
