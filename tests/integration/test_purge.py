"""The retention purge: face data of old decisions goes, decisions and the audit chain stay."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from desk_app.bootstrap import Application
from desk_app.cli import main
from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import ReasonCode
from desk_app.persistence.models import (
    Candidate,
    FaceTemplate,
    Photo,
    PurgedMedia,
    Transition,
)
from desk_app.security import audit
from desk_app.services.faces import LiveCapture
from desk_app.services.retention import purge_face_data
from desk_app.services.workflow import Decision
from tests.support.factories import add_candidate, add_staff, make_application, set_password

TODAY = date(2026, 11, 30)
LONG_AGO = datetime(2026, 3, 1, tzinfo=UTC)


def _capture(seed: int, model_version: str = "m1") -> LiveCapture:
    image = b"\xff\xd8\xff\xe0" + f"LIVE-FACE-{seed:04d}-".encode() * 1500  # overflow pages
    template = np.random.default_rng(seed).normal(size=128).astype(np.float32)
    return LiveCapture(image=image, template=template, engine="sface", model_version=model_version)


def _world(tmp_path: Path, **environment: str) -> Application:
    application = make_application(
        f"sqlite:///{tmp_path / 'counter.db'}",
        DESK_APP_TICKETS_BLOCK_SIZE="10",
        DESK_APP_TICKETS_PERIOD="271",
        **environment,
    )
    add_staff(application.database)
    for index in range(4):
        add_candidate(application.database, f"R{index}")
    workflow = application.workflow
    version = application.faces.model_version
    workflow.confirm("R0", "clerk", Decision(live_capture=_capture(0, version)))
    workflow.reject(
        "R1", "clerk", Decision(reason=ReasonCode.OTHER, live_capture=_capture(1, version))
    )
    workflow.refer(
        "R2",
        "clerk",
        Decision(reason=ReasonCode.FACE_SCORE_LOW, live_capture=_capture(2, version)),
    )
    workflow.confirm("R3", "clerk", Decision(live_capture=_capture(3, version)))
    with application.database.unit_of_work() as uow:  # R0..R2 were decided months ago
        uow.session.execute(
            update(Candidate)
            .where(Candidate.registration_id.in_(["R0", "R1", "R2"]))
            .values(state_changed_at=LONG_AGO)
        )
        registered = b"\xff\xd8\xff\xe0REGISTERED-EPHOTO"
        r0 = uow.session.scalars(select(Candidate.id).where(Candidate.registration_id == "R0"))
        uow.session.add(
            Photo(candidate_id=r0.one(), purpose="registered", media_type="image/jpeg",
                  sha256=hashlib.sha256(registered).hexdigest(), data=registered)
        )  # fmt: skip
        uow.commit()
    return application


def _media(application: Application) -> dict[str, list[str]]:
    with application.database.reading() as uow:
        rows = uow.session.execute(
            select(Candidate.registration_id, Photo.purpose)
            .join(Photo, Photo.candidate_id == Candidate.id)
            .order_by(Candidate.registration_id, Photo.purpose)
        ).all()
        templates = uow.session.execute(
            select(Candidate.registration_id)
            .join(FaceTemplate, FaceTemplate.candidate_id == Candidate.id)
            .order_by(Candidate.registration_id)
        ).all()
    found: dict[str, list[str]] = {}
    for registration_id, purpose in rows:
        found.setdefault(registration_id, []).append(purpose)
    for (registration_id,) in templates:
        found.setdefault(registration_id, []).append("template")
    return found


def test_purge_removes_old_face_data_and_keeps_decisions_and_the_audit_chain(
    tmp_path: Path,
) -> None:
    application = _world(tmp_path)
    application.faces.load()
    assert len(application.faces.index) == 2  # R0 and R3 confirmed
    with application.database.reading() as uow:
        transitions_before = uow.session.scalars(select(Transition.id)).all()
        old_live = uow.session.scalars(
            select(Photo.sha256).where(Photo.purpose == "live").order_by(Photo.id)
        ).all()

    with pytest.raises(PermissionDeniedError):
        purge_face_data(application.database, "clerk", None, retention_days=180, today=TODAY)
    with pytest.raises(DeskError) as caught:
        purge_face_data(application.database, "super1", TODAY, retention_days=180, today=TODAY)
    assert caught.value.code == "purge.too_recent"

    report = purge_face_data(
        application.database,
        "super1",
        None,
        retention_days=180,
        today=TODAY + timedelta(days=100),  # 2026-03-01 is now past the retention limit
        registry=application.faces,
    )
    assert (report.records, report.photos, report.templates) == (2, 2, 2)
    media = _media(application)
    assert media["R0"] == ["registered"]  # the e-photo printed on exam documents stays
    assert "R1" not in media
    assert media["R2"] == ["live", "template"]  # referred: not decided yet
    assert media["R3"] == ["live", "template"]  # decided recently
    assert len(application.faces.index) == 1  # the 1:N index follows

    with application.database.reading() as uow:
        assert uow.session.scalars(select(Transition.id)).all() == transitions_before
        assert audit.verify(uow.session).intact
        purged = uow.session.scalars(select(PurgedMedia)).all()
        last = uow.session.scalars(
            select(audit.AuditEntry).order_by(audit.AuditEntry.sequence.desc())
        ).first()
    assert {p.sha256 for p in purged if p.kind == "live"} == set(old_live[:2])
    assert {p.kind for p in purged} == {"live", "template"}
    assert last is not None and last.action == "media.purge" and last.actor == "super1"
    application.close()


def test_purged_pictures_leave_no_trace_in_the_file_or_its_log(tmp_path: Path) -> None:
    # A plain database, to look for the bytes themselves: secure_delete and the checkpoint.
    application = _world(tmp_path, DESK_APP_PRIVACY_ENCRYPT_DATABASE="false")
    purge_face_data(
        application.database,
        "admin",
        date(2026, 4, 1),
        retention_days=180,
        today=date(2026, 12, 31),
    )
    application.close()
    raw = b"".join(
        path.read_bytes() for path in tmp_path.iterdir() if path.name.startswith("counter.db")
    )
    assert b"LIVE-FACE-0000" not in raw and b"LIVE-FACE-0001" not in raw
    assert b"LIVE-FACE-0002" in raw  # not purged: still there (the scan works)


def test_purge_command(tmp_path: Path) -> None:
    application = _world(tmp_path)
    for operator_id in ("clerk", "admin"):
        set_password(application.database, operator_id, "purge-pass-2026")
    application.close()
    (tmp_path / "password").write_text("purge-pass-2026\n")
    db = str(tmp_path / "counter.db")
    runner = CliRunner(env={"DESK_APP_PASSWORD_FILE": str(tmp_path / "password")})
    refused = runner.invoke(main, ["purge", "--operator", "clerk", "--db", db])
    assert refused.exit_code == 1 and "permission.role" in refused.output
    done = runner.invoke(
        main,
        ["purge", "--operator", "admin", "--db", db],
        env={
            "DESK_APP_PRIVACY_RETENTION_DAYS": "30",
            "DESK_APP_PASSWORD_FILE": str(tmp_path / "password"),
        },
    )
    assert done.exit_code == 0, done.output
    assert "purged face data of 2 records" in done.output


@pytest.mark.parametrize("encrypted", ["true", "false"])
def test_deleted_rows_are_overwritten_on_every_connection(tmp_path: Path, encrypted: str) -> None:
    # Keyed SQLCipher and Debian's SQLite turn secure_delete on by themselves; other builds
    # (the SQLite in Windows Python) do not: the engine sets it on every connection.
    application = make_application(
        f"sqlite:///{tmp_path / 'counter.db'}", DESK_APP_PRIVACY_ENCRYPT_DATABASE=encrypted
    )
    with application.database.reading() as uow:
        assert uow.session.connection().exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    application.close()
