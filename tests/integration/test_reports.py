"""The daily report (PDF, XLSX; counter and central) and the evidence pack, as a supervisor
uses them from the command line; figures checked against a generated day with known counts."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from desk_app.cli import main
from desk_app.domain.consent import consent_evidence
from desk_app.domain.liveness import LivenessEvidence
from desk_app.domain.workflow import ReasonCode, Role
from desk_app.persistence.models import AuditEntry
from desk_app.security.operators import add_operator
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import Decision
from desk_app.sync.central import CentralDatabase
from tests.support.decision_days import plan_day, write_day
from tests.support.factories import add_candidate, add_staff, make_application, set_password
from tests.support.ui_helpers import add_ephoto

PASSWORD = "staff-pass-2026"
DAY = date(2026, 11, 20)


def run(*arguments: str) -> Result:
    return CliRunner().invoke(main, list(arguments), catch_exceptions=False)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def day_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "counter.db"
    app = make_application(f"sqlite:///{path}")
    add_staff(app.database)
    for operator_id in ("clerk", "super1", "admin"):
        set_password(app.database, operator_id, PASSWORD)
    write_day(app.database, plan_day(DAY, 300))
    app.close()
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n")
    monkeypatch.setenv("DESK_APP_PASSWORD_FILE", str(password_file))
    return str(path)


def _summary(path: Path) -> dict[str, object]:
    sheet = load_workbook(path)["Summary"]
    return {str(row[0]): row[1] for row in sheet.iter_rows(values_only=True)}


def test_daily_report_xlsx_has_the_known_figures(day_db: str, tmp_path: Path) -> None:
    plan = plan_day(DAY, 300)
    out = tmp_path / "day.xlsx"
    result = run("--db", day_db, "report", "daily", "--date", "2026-11-20", "--out", str(out),
                 "--operator", "super1")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    summary = _summary(out)
    assert summary["决定 Decisions"] == len(plan.decisions)
    assert summary["首次处理 First-line decisions"] == 300
    assert summary["转审 Referrals"] == plan.referrals()
    assert summary["转审率 Referral rate"] == f"{plan.referrals() / 300 * 100:.1f} %"
    assert summary["每小时处理 Throughput per hour"] == f"{300 / plan.active_hours():.1f}"
    assert summary["处理时长中位数 Median handling time (s)"] == f"{plan.median_handling():.1f}"
    workbook = load_workbook(out)
    hours = {row[0]: row[1] for row in workbook["By hour"].iter_rows(min_row=2, values_only=True)}
    assert hours == {f"{hour:02d}:00": n for hour, n in plan.by_hour().items()}
    operators = dict(workbook["By operator"].iter_rows(min_row=2, values_only=True))
    assert operators == plan.count_by("operator_id")
    assert workbook["By hour"]._charts, "the hours sheet carries a chart"


def test_daily_report_pdf_reads_back_the_same_figures(day_db: str, tmp_path: Path) -> None:
    plan = plan_day(DAY, 300)
    out = tmp_path / "day.pdf"
    result = run("--db", day_db, "report", "daily", "--date", "2026-11-20", "--out", str(out),
                 "--operator", "admin")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = pdf_text(out)
    assert "现场确认日报" in text and "2026-11-20" in text
    assert f"决定 Decisions\n{len(plan.decisions)}" in text
    assert f"转审 Referrals\n{plan.referrals()}" in text
    assert f"{plan.median_handling():.1f}" in text
    for counter in ("S1/C1", "S1/C2", "S2/C7"):
        assert counter in text
    with make_application(f"sqlite:///{day_db}").database.reading() as uow:
        actions = uow.session.scalars(select(AuditEntry.action)).all()
    assert "report.daily" in actions


def test_clerks_get_no_report_and_wrong_suffixes_are_refused(day_db: str, tmp_path: Path) -> None:
    refused = CliRunner().invoke(
        main,
        ["--db", day_db, "report", "daily", "--date", "2026-11-20",
         "--out", str(tmp_path / "x.pdf"), "--operator", "clerk"],
    )  # fmt: skip
    assert refused.exit_code == 1 and "supervisors and administrators" in refused.output
    assert not (tmp_path / "x.pdf").exists()
    wrong = CliRunner().invoke(
        main,
        ["--db", day_db, "report", "daily", "--date", "2026-11-20",
         "--out", str(tmp_path / "x.csv"), "--operator", "super1"],
    )  # fmt: skip
    assert wrong.exit_code == 1 and "[report.format]" in wrong.output


@pytest.mark.postgres
def test_central_report_covers_every_counter(
    central: CentralDatabase, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_day(DAY, 120)
    writer = central.writer_database()
    try:
        write_day(writer, plan)
        add_operator(writer, operator_id="csuper", display_name="central supervisor",
                     role=Role.SUPERVISOR, password=PASSWORD)  # fmt: skip
    finally:
        writer.close()
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n")
    monkeypatch.setenv("DESK_APP_PASSWORD_FILE", str(password_file))
    out = tmp_path / "central.xlsx"
    url = postgres_url  # the test server trusts local connections: no password in the URL
    result = run("central", "report", "--url", url, "--date", "2026-11-20", "--out", str(out),
                 "--operator", "csuper")  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = _summary(out)
    assert summary["决定 Decisions"] == len(plan.decisions)
    assert summary["范围 Scope"] == "全部窗口 all counters"
    rows = list(load_workbook(out)["Per counter"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["S1/C1", "S1/C2", "S2/C7"]
    assert sum(int(row[2]) for row in rows) == 120  # first-line decisions over the counters


# --- evidence pack -----------------------------------------------------------------------------


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    image = np.full((160, 120, 3), colour, dtype=np.uint8)
    cv2.circle(image, (60, 70), 30, (40, 60, 200), -1)
    return bytes(cv2.imencode(".jpg", image)[1])


@pytest.fixture
def decided_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """R1 referred with a live capture, scores and a failed liveness challenge, then rejected by
    a supervisor."""
    path = tmp_path / "counter.db"
    app = make_application(f"sqlite:///{path}")
    add_staff(app.database)
    for operator_id in ("clerk", "super1"):
        set_password(app.database, operator_id, PASSWORD)
    add_candidate(app.database, "R1", name="王小明", document_number="11010519491231002X")
    add_ephoto(app, "R1", _jpeg((230, 230, 230)))
    scores = {
        "engine": "sface",
        "model_version": "sface-2021dec-int8",
        "decision": "review",
        "scores": {"live_ephoto": {"distance": 0.4567, "band": "review", "pass": 0.3,
                                   "review": 0.5}},
    }  # fmt: skip
    app.workflow.refer(
        "R1",
        "clerk",
        Decision(
            reason=ReasonCode.FACE_SCORE_LOW,
            evidence={"consent": consent_evidence(True), "card_number": "11010519491231002X"},
            scores=scores,
            live_capture=LiveCapture(
                _jpeg((200, 220, 240)), np.ones(128, np.float32), "sface", "m"
            ),
            liveness=LivenessEvidence(("blink", "left"), passed=False, code="liveness.timeout"),
            liveness_frames=(_jpeg((90, 90, 90)), _jpeg((120, 120, 120))),
        ),
    )
    app.workflow.reject("R1", "super1", Decision(reason=ReasonCode.IMPERSONATION, note="不是本人"))
    app.close()
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n")
    monkeypatch.setenv("DESK_APP_PASSWORD_FILE", str(password_file))
    return str(path)


def test_evidence_pack_has_pictures_scores_decisions_and_audit(
    decided_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "R1.pdf"
    reason = "candidate disputes the rejection"
    result = run("--db", decided_db, "evidence", "R1", "--out", str(out),
                 "--operator", "super1", "--reason", reason)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 decisions, 4 photos" in result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    reader = PdfReader(out)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "王小明" in text and "R1" in text
    assert "11010519491231002X" not in text  # masked, in the header and in the evidence
    assert "0.4567" in text and "sface-2021dec-int8" in text
    assert "refer" in text and "reject" in text and "super1" in text
    assert "SITE-LOCAL/COUNTER-1" in text  # where each decision was taken
    assert "不是本人" in text
    assert "candidate.refer" in text and "candidate.reject" in text
    images = sum(len(page.images) for page in reader.pages)
    # The e-photo, the live capture (no chip portrait was kept) and two liveness frames.
    assert images == 4
    assert "Liveness frame 2" in text
    with make_application(f"sqlite:///{decided_db}").database.reading() as uow:
        entry = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.sequence.desc())).first()
    assert entry is not None and entry.action == "personal_data.unmask"
    assert entry.details == {"what": "evidence_pack", "reason": "candidate disputes the rejection"}


def test_a_clerk_gets_no_evidence_pack_and_the_attempt_is_audited(
    decided_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "R1.pdf"
    result = CliRunner().invoke(
        main,
        ["--db", decided_db, "evidence", "R1", "--out", str(out), "--operator", "clerk",
         "--reason", "curious"],
    )  # fmt: skip
    assert result.exit_code == 1 and "[permission.role]" in result.output
    assert not out.exists()
    with make_application(f"sqlite:///{decided_db}").database.reading() as uow:
        actions = uow.session.scalars(select(AuditEntry.action)).all()
    assert actions[-1] == "personal_data.unmask_refused"
