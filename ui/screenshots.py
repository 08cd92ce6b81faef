"""Render every main screen of the demo to PNG files (``make screenshots``).

Runs the real window on a fresh demo database with the file camera and the simulated reader,
walks through a confirmation, a review and the other screens, and grabs each one. Needs a CJK
font for the Chinese text (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QCoreApplication, QEventLoop, QIODevice, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from desk_app.domain.visits import CapturedPage, VisitReason
from desk_app.domain.workflow import ReasonCode
from desk_app.services.demo import DEMO_PASSWORD, generate_roster_rows, write_roster_csv
from ui.app import build_counter, install_translations, readable_font, throwaway_demo
from ui.counter.screen import CounterScreen
from ui.demo import DemoStage
from ui.main_window import MainWindow
from ui.preferences import Preferences
from ui.settings import SettingsDialog
from ui.widgets import Privacy
from ui.workers import CameraWorker


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if condition():
            return True
        time.sleep(0.01)
    return False


def settle(seconds: float = 0.5) -> None:
    wait_until(lambda: False, seconds)


def save(widget: QWidget, folder: Path, name: str) -> Path:
    settle(0.3)
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")
    return path


def admin_screens(window: MainWindow, workdir: Path, out: Path) -> None:
    """The administrator's workspace: a roster with two bad rows, export, the counter's state,
    operators and the day's statistics."""
    workspace = window.admin
    rows = list(generate_roster_rows(40, seed=15))
    rows[3]["document_number"] = rows[3]["document_number"][:-1] + "0"  # a wrong check character
    rows[11]["birth_date"] = "1990-13-45"
    roster = workdir / "roster-with-problems.csv"
    write_roster_csv(roster, iter(rows))
    panel = workspace.roster_import
    workspace.tabs.setCurrentWidget(panel)
    panel.file.setText(str(roster))
    panel.start()
    wait_until(lambda: not panel.running, 30)
    save(window, out, "10-admin-roster-import")
    workspace.tabs.setCurrentWidget(workspace.export)
    save(window, out, "11-admin-export")
    workspace.tabs.setCurrentWidget(workspace.counter_state)
    workspace.counter_state.refresh()
    save(window, out, "12-admin-counter-and-sync")
    workspace.tabs.setCurrentWidget(workspace.operators)
    save(window, out, "13-admin-operators")
    workspace.tabs.setCurrentWidget(workspace.statistics)
    workspace.statistics.refresh()
    wait_until(lambda: workspace.statistics.figures is not None, 30)
    save(window, out, "14-statistics")


def demo_report_page() -> bytes:
    """A stand-in for a certification report, drawn here and marked as a demo: the screenshot
    shows where a captured page appears (no real document is used)."""
    image = QImage(700, 990, QImage.Format.Format_RGB888)
    image.fill(QColor(236, 236, 232))
    painter = QPainter(image)
    painter.setPen(QColor(25, 25, 30))
    font = readable_font()
    font.setPixelSize(30)
    painter.setFont(font)
    title = "教育部学历证书电子注册备案表"
    painter.drawText(QRect(0, 60, 700, 50), Qt.AlignmentFlag.AlignCenter, title)
    font.setPixelSize(20)
    painter.setFont(font)
    painter.drawRect(50, 140, 600, 560)
    for row, (label, value) in enumerate(
        [("姓名", "演示考生"), ("学校名称", "某某职业技术学院"), ("专业", "会计"),
         ("层次", "专科"), ("学历类别", "高等教育自学考试"), ("毕(结)业", "毕业")]
    ):  # fmt: skip
        painter.drawText(70, 190 + row * 80, label)
        painter.drawText(260, 190 + row * 80, value)
    painter.drawText(70, 760, "在线验证码：DEMO7K3Q9PX2WM4T")
    painter.setPen(QColor(200, 40, 40))
    painter.drawText(70, 900, "演示材料 DEMO — 非真实证件")
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG", 85)  # type: ignore[call-overload]  # the stubs want bytes; Qt takes str
    return bytes(buffer.data().data())


def refer_with_report(counter: CounterScreen, stage: DemoStage, camera: CameraWorker) -> None:
    """The next demo candidate comes for their prior diploma: the report's page is kept and the
    case referred, so the supervisor's review shows a document beside the faces."""
    stage.place_next(camera)
    wait_until(lambda: counter.session.candidate is not None, 30)
    counter.session.pick_visit_reason(VisitReason.PRIOR_DIPLOMA)
    counter.session.page_captured(
        CapturedPage(
            demo_report_page(),
            "certification_report",
            verification_code="DEMO7K3Q9PX2WM4T",
            code_confidence=0.98,
            code_flagged=False,
        )
    )
    counter.visit_panel.refresh()
    counter.refer(ReasonCode.PRIOR_DIPLOMA, "认证报告已拍摄")
    wait_until(lambda: counter.session.last_change is not None, 30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--language", default="zh_CN", choices=["zh_CN", "en"])
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    # The demo faces are third-party photographs: the pictures in the repository show a mosaic.
    Privacy.mosaic = True

    app = QApplication(sys.argv)
    install_translations(app, arguments.language)
    app.setFont(readable_font())
    workdir = tempfile.TemporaryDirectory(prefix="desk-screens-")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, workdir.name)
    application, stage = throwaway_demo(Path(workdir.name))
    counter_parts = build_counter(application, Preferences(), stage)
    window, operations = counter_parts.window, counter_parts.operations
    faces, camera = counter_parts.face_worker, counter_parts.camera
    assert faces is not None and camera is not None  # the demo has both
    window.resize(1600, 1000)
    window.show()
    window.start_workers()
    out = arguments.out
    try:
        wait_until(lambda: window.hardware.reader == "connected" and faces.ready, 30)
        save(window, out, "01-sign-in")

        def sign_in(operator_id: str) -> None:
            page = window.sign_in_page
            page.operator_id.setText(operator_id)
            page.password.setText(DEMO_PASSWORD)
            page.submit()
            wait_until(lambda: window.operator is not None, 30)
            settle(1.5)  # frames and fps for the self-test

        sign_in("clerk01")
        window.run_self_test()
        counter = window.counter
        save(window, out, "02-counter-waiting")
        stage.place_next(camera)
        wait_until(lambda: counter.session.candidate is not None, 30)
        counter.consent_bar.agree_button.click()  # the processing notice comes first
        if not wait_until(lambda: counter.session.verification is not None, 60):
            raise SystemExit("the demo candidate was never matched")
        counter.match_panel.card_checked.setChecked(True)
        # The reason of visit and its checklist: Confirm waits until every box is ticked.
        next(iter(counter.visit_panel.checks.values())).click()
        save(window, out, "16-counter-reason-and-checklist")
        for box in counter.visit_panel.checks.values():
            if not box.isChecked():
                box.click()
        # The demo camera shows photos: the liveness check fails them, as it must, and the demo
        # supervisor accepts the failure at the counter.
        wait_until(lambda: counter.session.liveness is not None, 30)
        save(window, out, "15-counter-liveness-failed")
        counter.accept_failed_liveness("super01", DEMO_PASSWORD, "demo: photos on the test camera")
        wait_until(counter.confirm_allowed, 30)
        save(window, out, "03-counter-matched")
        # The side-by-side look a near miss gets before Confirm goes ahead (issue 17).
        counter.match_panel.second_look(lambda: None, lambda: None)
        settle()
        save(counter.match_panel.side_by_side, out, "19-near-miss-side-by-side")
        counter.match_panel.side_by_side.close()
        counter.confirm()
        wait_until(lambda: counter.session.last_change is not None, 30)
        save(window, out, "04-counter-confirmed")
        counter.save_slip(Path(workdir.name) / "slip-example.pdf")
        wait_until(lambda: counter.session.slip_path is not None, 30)

        counter.next_candidate()
        refer_with_report(counter, stage, camera)
        counter.next_candidate()
        stage.lift()
        window.lock()
        save(window, out, "05-locked")
        window.sign_out()

        sign_in("super01")
        wait_until(lambda: bool(window.review.cases), 30)
        save(window, out, "06-review-queue")
        with_pages = [i for i, case in enumerate(window.review.cases) if case.pages]
        if with_pages:
            window.review.queue.setCurrentRow(with_pages[0])
            save(window, out, "17-review-with-documents")
        blocked = window.blocklist
        window.tabs.setCurrentWidget(blocked)
        blocked.number.setText("11010519491231002X")
        blocked.number_reason.setText("冒名顶替：报名资料系伪造")
        blocked.block_number()
        wait_until(lambda: blocked.table.rowCount() > 0, 30)
        save(window, out, "18-blocklist")
        window.sign_out()

        sign_in("unit01")
        wait_until(lambda: counter.roster_panel.roster.count() > 0, 30)
        counter.roster_panel.step_roster(1)
        wait_until(lambda: counter.session.candidate is not None, 30)
        save(window, out, "07-tutoring-unit")
        window.sign_out()

        sign_in("admin")
        save(window, out, "08-administrator")
        admin_screens(window, Path(workdir.name), out)
        dialog = SettingsDialog(window.services, window.preferences, window.operator, window)
        dialog.show()
        save(dialog, out, "09-settings")
        dialog.close()
    finally:
        window.close()
        operations.shutdown()
        stage.stop()
        application.close()
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # Everything is closed and written; skip the interpreter's final garbage collection, where
    # PySide 6.12 has been seen to abort on a refcount error after a clean run.
    os._exit(status)
