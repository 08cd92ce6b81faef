"""The administrator's workspace and the statistics screen, used as an administrator or a
supervisor would: roster import with progress, cancel and bad rows; export; the counter's
state; operators; the day's figures and charts."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate

from desk_app.bootstrap import Application
from desk_app.domain.workflow import Role
from desk_app.services.counter import SignedIn
from desk_app.services.workflow import Decision
from tests.support.decision_days import plan_day, write_day
from tests.support.roster_files import record, roster_records, write_csv
from tests.support.ui_helpers import citizen_number, sign_in


@pytest.fixture
def admin_window(qtbot: Any, counter_app: Application, make_window: Callable[..., Any]) -> Any:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "admin")
    return window


def _count(application: Application) -> int:
    from sqlalchemy import func, select

    from desk_app.persistence.models import Candidate

    with application.database.reading() as uow:
        return int(uow.session.execute(select(func.count()).select_from(Candidate)).scalar_one())


def test_the_administrator_sees_the_workspace_tabs(admin_window: Any) -> None:
    workspace = admin_window.admin
    assert admin_window.tabs.indexOf(workspace) >= 0
    titles = [workspace.tabs.tabText(i) for i in range(workspace.tabs.count())]
    assert len(titles) == 5
    assert workspace.statistics.operator is not None


def test_a_roster_with_bad_rows_imports_nothing_until_skip_invalid(
    qtbot: Any, admin_window: Any, counter_app: Application, tmp_path: Path
) -> None:
    panel = admin_window.admin.roster_import
    rows = [
        record(registration_id="N1", document_number="11010519491231002X"),
        record(registration_id="N2", document_number="110105194912310021"),  # bad check
        record(registration_id="N3", document_number=citizen_number(500), birth_date="1949-13-01"),
    ]
    roster = write_csv(tmp_path / "roster.csv", rows)
    before = _count(counter_app)
    panel.file.setText(str(roster))
    with qtbot.waitSignal(panel.finished, timeout=20_000):
        panel.import_button.click()
    assert _count(counter_app) == before
    assert panel.problems.rowCount() >= 2
    shown_rows = {panel.problems.item(i, 0).text() for i in range(panel.problems.rowCount())}
    assert shown_rows >= {"3", "4"}  # rows 3 and 4 of the file (the header is row 1)

    panel.skip_invalid.setChecked(True)
    with qtbot.waitSignal(panel.finished, timeout=20_000):
        panel.import_button.click()
    assert _count(counter_app) == before + 1
    assert panel.problems.rowCount() >= 2  # the skipped rows stay listed


def test_import_shows_progress_and_can_be_cancelled(
    qtbot: Any, admin_window: Any, counter_app: Application, tmp_path: Path
) -> None:
    panel = admin_window.admin.roster_import
    roster = write_csv(tmp_path / "big.csv", roster_records(2500))
    panel.file.setText(str(roster))
    seen: list[tuple[int, int]] = []
    panel.relay.progressed.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(panel.finished, timeout=60_000):
        panel.import_button.click()
    assert seen and all(0 < done <= total for done, total in seen)
    assert max(done for done, _ in seen) >= 2000
    imported = _count(counter_app)

    # Hold the database worker so the cancel is certain to come before the reading starts.
    gate = threading.Event()
    admin_window.services.operations.run(gate.wait)
    panel.file.setText(str(write_csv(tmp_path / "other.csv", roster_records(2500, seed=99))))
    panel.import_button.click()
    assert panel.cancel_button.isEnabled() and not panel.import_button.isEnabled()
    with qtbot.waitSignal(panel.finished, timeout=60_000) as finished:
        panel.cancel_button.click()
        gate.set()
    assert getattr(finished.args[0], "code", None) == "import.cancelled"
    assert "import.cancelled" in panel.result.text()
    assert _count(counter_app) == imported
    assert panel.import_button.isEnabled()


def test_export_writes_the_confirmations_masked(
    qtbot: Any, admin_window: Any, counter_app: Application, tmp_path: Path
) -> None:
    counter_app.workflow.confirm("R1", "clerk", Decision(evidence={}))
    panel = admin_window.admin.export
    panel.since.setDate(QDate(2000, 1, 1))
    out = tmp_path / "confirmed.xlsx"
    panel.out.setText(str(out))
    panel.export_button.click()
    qtbot.waitUntil(lambda: "1" in panel.result.text() and out.exists(), timeout=10_000)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "R1"
    assert "*" in str(rows[1][3])  # the ID number is masked by default


def test_full_export_needs_a_reason(qtbot: Any, admin_window: Any, tmp_path: Path) -> None:
    panel = admin_window.admin.export
    panel.out.setText(str(tmp_path / "full.csv"))
    panel.full.setChecked(True)
    panel.export_button.click()
    qtbot.waitUntil(lambda: "access.reason_required" in panel.result.text(), timeout=10_000)
    assert not (tmp_path / "full.csv").exists()


def test_the_counter_state_of_a_standalone_counter(qtbot: Any, admin_window: Any) -> None:
    panel = admin_window.admin.counter_state
    qtbot.waitUntil(lambda: bool(panel.enrolment.text()), timeout=10_000)
    assert panel.site.text() == admin_window.services.application.workstation.site_id
    assert not panel.enrolled


def test_operators_are_read_only_at_an_enrolled_counter(qtbot: Any, admin_window: Any) -> None:
    from ui.admin.operators import OperatorsPanel

    services = admin_window.services
    standalone = OperatorsPanel(services)
    qtbot.addWidget(standalone)
    assert not standalone.read_only and not standalone.form_box.isHidden()
    enrolled_app = dataclasses.replace(services.application, binding=object())
    enrolled = OperatorsPanel(dataclasses.replace(services, application=enrolled_app))
    qtbot.addWidget(enrolled)
    assert enrolled.read_only
    assert enrolled.form_box.isHidden() and not enrolled.central_note.isHidden()


def test_operators_are_added_in_standalone_mode(qtbot: Any, admin_window: Any) -> None:
    panel = admin_window.admin.operators
    qtbot.waitUntil(lambda: panel.operators.count() >= 5, timeout=10_000)
    panel.new_id.setText("clerk9")
    panel.new_name.setText("新窗口")
    panel.new_password.setText("a-long-enough-password-2026")
    panel.add_button.click()
    qtbot.waitUntil(lambda: panel.operators.count() >= 6, timeout=10_000)
    assert any("clerk9" in panel.operators.item(i).text() for i in range(panel.operators.count()))


# --- statistics -----------------------------------------------------------------------------------

DAY = date(2026, 11, 20)


def test_statistics_screen_shows_the_days_figures(
    qtbot: Any, counter_app: Application, make_window: Callable[..., Any]
) -> None:
    plan = plan_day(DAY, 200)
    write_day(counter_app.database, plan)
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "super1")
    screen = window.statistics
    assert window.tabs.indexOf(screen) >= 0  # supervisors have the screen too
    screen.day.setDate(QDate(DAY.year, DAY.month, DAY.day))
    screen.refresh_button.click()
    qtbot.waitUntil(
        lambda: screen.figures is not None and screen.figures.day == DAY, timeout=10_000
    )
    assert screen.values["decisions"].text() == str(len(plan.decisions))
    assert screen.values["first_line"].text() == "200"
    assert screen.values["referral_rate"].text() == f"{plan.referrals() / 200 * 100:.1f} %"
    window.tabs.setCurrentWidget(screen)  # the charts are built when the screen is first shown
    qtbot.waitUntil(lambda: screen.charts().figures_shown is screen.figures, timeout=10_000)
    bars = screen.charts().hours_bars
    assert bars is not None
    heights = list(bars.opts["height"])
    assert heights == [plan.by_hour()[hour] for hour in range(24)]
    _, y = screen.charts().distance_curves["live_card"].getData()
    assert int(sum(y)) == len(plan.distances("live_card"))
    screen.breakdown.setCurrentIndex(screen.breakdown.findData("by_operator"))
    shown = {
        screen.breakdown_table.item(i, 0).text(): int(screen.breakdown_table.item(i, 1).text())
        for i in range(screen.breakdown_table.rowCount())
    }
    assert shown == plan.count_by("operator_id")


def test_clerks_have_no_statistics(
    qtbot: Any, counter_app: Application, make_window: Callable[..., Any]
) -> None:
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "clerk")
    assert window.tabs.indexOf(window.statistics) < 0
    assert window.tabs.indexOf(window.admin) < 0
    # Asked anyway (a screen left over), the service refuses.
    window.statistics.set_operator(SignedIn("clerk", "clerk", Role.CLERK))
    qtbot.waitUntil(lambda: "permission.role" in window.statistics.notice.text(), timeout=10_000)


# --- evidence pack from the review screen -------------------------------------------------------


def test_a_supervisor_writes_an_evidence_pack_from_the_review_screen(
    qtbot: Any, counter_app: Application, make_window: Callable[..., Any], tmp_path: Path
) -> None:
    import stat

    from pypdf import PdfReader

    from desk_app.domain.workflow import ReasonCode

    counter_app.workflow.refer("R0", "clerk", Decision(reason=ReasonCode.FACE_SCORE_LOW))
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "super1")
    review = window.review
    qtbot.waitUntil(lambda: bool(review.cases), timeout=10_000)
    out = tmp_path / "R0.pdf"
    review.evidence("R0", "candidate disputes the referral", out)
    qtbot.waitUntil(lambda: "R0.pdf" in review.notice.text(), timeout=20_000)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "考生0" in text and "face_score_low" in text
    review.evidence("R0", "", tmp_path / "no-reason.pdf")
    qtbot.waitUntil(lambda: "access.reason_required" in review.notice.text(), timeout=10_000)
    assert not (tmp_path / "no-reason.pdf").exists()


def test_the_review_screen_says_a_case_hit_the_blocklist(
    qtbot: Any, counter_app: Application, make_window: Callable[..., Any]
) -> None:
    from desk_app.services.blocklist import add_number
    from tests.support.ui_helpers import citizen_number

    add_number(counter_app.database, "super2", citizen_number(1), "卡片挂失")  # R0's number
    change = counter_app.workflow.confirm("R0", "clerk", Decision())
    assert change.new_state.value == "referred"
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "super1")
    review = window.review
    qtbot.waitUntil(lambda: bool(review.cases), timeout=10_000)
    review.queue.setCurrentRow(0)
    qtbot.waitUntil(lambda: "卡片挂失" in review.details.text(), timeout=10_000)
    assert "blocklist" in review.details.text().lower()


def test_screens_a_role_does_not_see_are_still_owned_by_the_window(
    qtbot: Any, counter_app: Application, make_window: Callable[..., Any]
) -> None:
    """A parentless screen with charts would be destroyed by the garbage collector on a worker
    thread (pyqtgraph's items form reference cycles), which crashes Qt."""
    window, _ = make_window(counter_app)
    sign_in(qtbot, window, "clerk")
    for screen in (window.admin, window.statistics):
        assert window.tabs.indexOf(screen) < 0
        assert window.isAncestorOf(screen)
        assert not screen.isVisible()
