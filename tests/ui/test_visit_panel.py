"""The counter's reason-of-visit panel: the reason picked in one step, its checklist, a report
page captured from the camera with its verification code, a worded problem for a bad page, and
a province's own checklist file (or its error, with the shipped set kept)."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
import pytest

from desk_app.bootstrap import Application
from desk_app.domain.visits import VisitReason
from desk_app.services.visits import checklists_or_default
from tests.support.card_images import Conditions, cjk_font_available
from tests.support.report_documents import render_report, report_scene
from tests.support.ui_helpers import sign_in, tick_checklist

PAGE_TIMEOUT = 60_000  # OCR models load on first use on a busy 2-core machine
HELD_UP = Conditions(card_width=0.34, tilt=0.03, noise=2.0, jpeg_quality=90, clutter=True, seed=5)


def _counter_with(qtbot: Any, application: Application, make_window: Any, record: str) -> Any:
    window, _ = make_window(application)
    sign_in(qtbot, window, "clerk")
    counter = window.counter
    counter.lookup(record)
    qtbot.waitUntil(lambda: counter.session.candidate is not None, timeout=10_000)
    return counter


def _pick(counter: Any, reason: VisitReason) -> None:
    box = counter.visit_panel.reason_box
    index = box.findData(reason.value)
    box.setCurrentIndex(index)
    box.activated.emit(index)


@pytest.mark.skipif(not cjk_font_available(), reason="no CJK font to draw reports with")
def test_a_report_page_is_captured_with_its_code_and_completes_the_checklist(
    qtbot: Any, counter_app: Application, make_window: Any
) -> None:
    counter = _counter_with(qtbot, counter_app, make_window, "R1")
    panel = counter.visit_panel
    assert panel.isVisible()
    assert counter.session.visit_reason is VisitReason.ONLINE_CHECK_FAILED
    _pick(counter, VisitReason.PRIOR_DIPLOMA)
    assert counter.session.visit_reason is VisitReason.PRIOR_DIPLOMA
    assert list(panel.checks) == ["certification_report", "verification_code"]
    counter.consent_bar.agree_button.click()
    tick_checklist(counter)
    refusal = counter.session.confirm_refusal(counter.operator, False)
    assert refusal is not None and refusal.code == "visit.checklist_incomplete"  # no page yet

    # A blurred page: a worded problem, nothing kept.
    page = render_report("certification_report", random.Random(11))
    blurred = report_scene(page, replace(HELD_UP, blur=3.5))
    counter.latest_frame = lambda: cv2.cvtColor(blurred, cv2.COLOR_BGR2RGB)
    panel.page_button.click()
    qtbot.waitUntil(lambda: "page.blurred" in panel.status.text(), timeout=PAGE_TIMEOUT)
    assert counter.session.pages == []

    frame = report_scene(page, replace(HELD_UP, rotation=160))
    counter.latest_frame = lambda: cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    panel.page_button.click()
    qtbot.waitUntil(lambda: len(counter.session.pages) == 1, timeout=PAGE_TIMEOUT)
    (captured,) = counter.session.pages
    assert captured.kind == "certification_report"
    assert captured.verification_code == page.code and not captured.code_flagged
    assert page.code in panel.pages_label.text()
    assert counter.session.checklist_missing() == []
    refusal = counter.session.confirm_refusal(counter.operator, False)
    assert refusal is not None and refusal.code.startswith("evidence.")  # the face comes next
    counter.grab().save(str(Path(counter_app.settings.database_url.split("///")[1]).with_name(
        "visit-panel.png")))  # fmt: skip

    # The referral keeps the page and the reason.
    counter.refer(counter.session.suggested_reason(), "")
    qtbot.waitUntil(lambda: counter.session.last_change is not None, timeout=10_000)
    queue = counter.services.queries.review_queue(
        replace(counter.operator, operator_id="super1", role=counter.operator.role.SUPERVISOR)
    )
    (case,) = [c for c in queue if c.candidate.registration_id == "R1"]
    assert case.visit_reason == "prior_diploma"
    assert case.pages[0][0]["verification_code"] == page.code


def test_a_province_checklist_file_is_used_and_a_broken_one_reported(
    qtbot: Any, counter_app: Application, make_window: Any, tmp_path: Path
) -> None:
    shipped = (
        Path(__file__).parents[2] / "desk_app" / "services" / "visit_checklists.toml"
    ).read_text(encoding="utf-8")
    province = tmp_path / "province.toml"
    province.write_text(
        shipped.replace('key = "online_attempts_seen"', 'key = "platform_screenshot_seen"'),
        encoding="utf-8",
    )
    counter_app.checklists, counter_app.checklists_error = checklists_or_default(province)
    counter = _counter_with(qtbot, counter_app, make_window, "R2")
    assert list(counter.visit_panel.checks) == ["card_read", "platform_screenshot_seen"]

    broken = tmp_path / "broken.toml"
    broken.write_text(shipped + '\n[[military]]\nkey = "x"\nzh = 1\n', encoding="utf-8")
    counter_app.checklists, counter_app.checklists_error = checklists_or_default(broken)
    counter = _counter_with(qtbot, counter_app, make_window, "R3")
    assert list(counter.visit_panel.checks) == ["card_read", "online_attempts_seen"]
    problem = counter.visit_panel.config_problem
    assert problem.isVisible() and "visits.bad_checklists" in problem.text()
    assert "broken.toml:81" in problem.text()
