"""Masked by default, unmasked only by entitled roles with a reason (audited); searches and
views audited; exports masked and private."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from desk_app.cli import main
from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.masking import mask_document_number, mask_email, mask_phone, mask_query
from desk_app.domain.workflow import Role
from desk_app.persistence.models import AuditEntry
from desk_app.services.counter import CounterQueries, SignedIn
from tests.support.factories import add_candidate, add_staff, make_application, set_password

NUMBER = "11010519491231002X"
PASSWORD = "access-pass-2026"
PHONE = "13912345678"


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "counter.db"
    application = make_application(f"sqlite:///{path}")
    add_staff(application.database)
    for operator_id in ("clerk", "super1", "admin"):
        set_password(application.database, operator_id, PASSWORD)
    add_candidate(application.database, "R1", phone=PHONE, email="zhang@example.cn")
    application.close()
    (tmp_path / "password").write_text(PASSWORD + "\n")
    return str(path)


def _runner(db: str) -> CliRunner:
    """Commands acting for an operator sign them in: the password comes from a file."""
    return CliRunner(env={"DESK_APP_PASSWORD_FILE": str(Path(db).parent / "password")})


def _audit(db: str) -> list[AuditEntry]:
    application = make_application(f"sqlite:///{db}")
    try:
        with application.database.reading() as uow:
            return list(uow.session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)))
    finally:
        application.close()


def test_masks() -> None:
    assert mask_document_number(NUMBER) == "110***********002X"
    assert mask_phone(PHONE) == "139****5678"
    assert mask_email("zhang@example.cn") == "z***@example.cn"
    assert mask_query(NUMBER) == "110***********002X" and mask_query("张三") == "张三"


def test_candidates_show_masks_unless_an_entitled_operator_gives_a_reason(db: str) -> None:
    runner = _runner(db)
    shown = runner.invoke(main, ["candidates", "show", "R1", "--operator", "clerk", "--db", db])
    assert shown.exit_code == 0, shown.output
    assert NUMBER not in shown.output and PHONE not in shown.output
    assert "zhang@" not in shown.output
    assert mask_document_number(NUMBER) in shown.output and mask_phone(PHONE) in shown.output

    as_clerk = ["candidates", "show", "R1", "--full", "--reason", "x", "--operator", "clerk"]
    refused = runner.invoke(main, [*as_clerk, "--db", db])
    assert refused.exit_code == 1 and "permission.role" in refused.output
    no_reason = runner.invoke(
        main, ["candidates", "show", "R1", "--full", "--operator", "super1", "--db", db]
    )
    assert no_reason.exit_code == 1 and "access.reason_required" in no_reason.output
    full = runner.invoke(
        main,
        ["candidates", "show", "R1", "--full", "--operator", "super1",
         "--reason", "candidate disputes the number", "--db", db],
    )  # fmt: skip
    assert full.exit_code == 0 and NUMBER in full.output and PHONE in full.output

    entries = [(e.actor, e.action, e.details) for e in _audit(db)]
    assert ("clerk", "personal_data.unmask_refused", {"what": "candidate", "reason": "x"}) in (
        entries
    )
    assert (
        "super1",
        "personal_data.unmask",
        {"what": "candidate", "reason": "candidate disputes the number"},
    ) in entries
    assert [a for _, a, _ in entries].count("candidate.view") == 2


def test_searches_are_audited_with_the_query_masked(db: str) -> None:
    result = CliRunner().invoke(
        main, ["candidates", "list", "--search", NUMBER, "--operator", "clerk", "--db", db]
    )
    assert result.exit_code == 0 and NUMBER not in result.output
    search = _audit(db)[-1]
    assert (search.action, search.actor) == ("candidate.search", "clerk")
    assert search.subject == mask_document_number(NUMBER)
    assert search.details == {"results": 1}


def test_screen_searches_views_and_reveals_are_audited(tmp_path: Path) -> None:
    application = make_application(f"sqlite:///{tmp_path / 'counter.db'}")
    add_staff(application.database)
    add_candidate(application.database, "R1", phone=PHONE)
    queries = CounterQueries(application.database, application.workstation)
    clerk = SignedIn("clerk", "c", Role.CLERK)
    supervisor = SignedIn("super1", "s", Role.SUPERVISOR)
    assert len(queries.search(clerk, NUMBER[-6:])) == 1
    assert queries.by_registration_id(clerk, "R1") is not None
    with pytest.raises(PermissionDeniedError):
        queries.reveal(clerk, "R1", "curious")
    with pytest.raises(DeskError):
        queries.reveal(supervisor, "R1", " ")
    assert queries.reveal(supervisor, "R1", "card number unreadable") == (NUMBER, PHONE)
    with application.database.reading() as uow:
        actions = [e.action for e in uow.session.scalars(select(AuditEntry))]
    application.close()
    assert [a for a in actions if not a.startswith("operator.")] == [
        "candidate.search",
        "candidate.view",
        "personal_data.unmask_refused",  # a clerk; a blank reason is refused before anything
        "personal_data.unmask",
    ]
    assert "candidate.search" in actions and "candidate.view" in actions
    assert actions.count("personal_data.unmask") == 1


@pytest.mark.usefixtures("liveness_off")
def test_exports_are_masked_private_and_full_only_for_administrators(
    db: str, tmp_path: Path
) -> None:
    runner = _runner(db)
    confirmed = runner.invoke(main, ["confirm", "R1", "--operator", "clerk", "--db", db])
    assert confirmed.exit_code == 0, confirmed.output
    out = tmp_path / "confirmed.csv"
    base = ["export", "confirmed", "--since", "2000-01-01", "--out", str(out), "--db", db]
    assert runner.invoke(main, [*base, "--operator", "clerk"]).exit_code == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["document_number"] == mask_document_number(NUMBER)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    by_supervisor = runner.invoke(main, [*base, "--full", "--reason", "upload",
                                         "--operator", "super1"])  # fmt: skip
    assert by_supervisor.exit_code == 1 and "permission.role" in by_supervisor.output
    by_admin = runner.invoke(main, [*base, "--full", "--reason", "upload to the platform",
                                    "--operator", "admin"])  # fmt: skip
    assert by_admin.exit_code == 0, by_admin.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["document_number"] == NUMBER
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
