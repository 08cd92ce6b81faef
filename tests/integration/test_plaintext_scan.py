"""After the demo and a few confirmations, nothing a counter leaves on disk shows a known name,
ID number or phone number, or a picture: the database file and its WAL, the temporary folder,
what the commands print (the product writes no log files: names may show there, full numbers
never) and the exports."""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from desk_app.cli import main
from desk_app.persistence.models import Candidate
from desk_app.services.demo import DEMO_PASSWORD, build_demo
from desk_app.services.faces import LiveCapture
from desk_app.services.workflow import Decision
from tests.support.factories import make_application

# Long enough that random (encrypted) bytes never contain them by chance.
PICTURE_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"IHDR\x00",
    b"\xff\xd8\xff\xe0\x00\x10JFIF",
    b"JFIF\x00",
    b"Exif\x00\x00",
)


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.mark.slow
def test_no_personal_data_in_plain_sight(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    counter = tmp_path / "counter"
    db = counter / "counter.db"
    application = make_application(f"sqlite:///{db}", DESK_APP_TICKETS_PERIOD="271")
    summary = build_demo(
        application.database,
        application.workflow,
        ticket_layout=application.ticket_layout,
        count=40,
        data_dir=data_dir,
    )
    assert summary.photos > 10
    # A few confirmations at the counter, each keeping its live picture and template.
    faces = sorted((data_dir / "faces").rglob("*.jpg"))[:3]
    with application.database.reading() as uow:
        waiting = uow.session.scalars(
            select(Candidate.registration_id)
            .where(Candidate.state == "pre_registered")
            .order_by(Candidate.id)
        ).all()[:3]
    for registration_id, face in zip(waiting, faces, strict=True):
        ok, jpeg = cv2.imencode(".jpg", cv2.imread(str(face)))
        assert ok
        capture = LiveCapture(
            image=jpeg.tobytes(),
            template=np.ones(128, dtype=np.float32),
            engine="sface",
            model_version=application.faces.model_version,
        )
        application.workflow.confirm(registration_id, "clerk01", Decision(live_capture=capture))
    with application.database.reading() as uow:
        people = uow.session.scalars(select(Candidate)).all()
        numbers = {
            text.encode()
            for candidate in people
            for text in (candidate.document_number, candidate.phone)
            if len(text) >= 6
        }
        names = {candidate.name.encode() for candidate in people if len(candidate.name) >= 2}
    secrets = numbers | names
    application.close()
    assert len(secrets) > 100

    # What an operator does next on the command line: exports, look-ups, a card read.
    password = tmp_path / "password"
    password.write_text(DEMO_PASSWORD + "\n")
    runner = CliRunner(env={"DESK_APP_PASSWORD_FILE": str(password)})
    exports = tmp_path / "exports"
    printed = []
    for command in (
        ["export", "confirmed", "--since", "2000-01-01", "--out", str(exports / "c.xlsx")],
        ["export", "confirmed", "--since", "2000-01-01", "--out", str(exports / "c.csv")],
        ["candidates", "list", "--limit", "100"],
        ["candidates", "show", waiting[0], "--operator", "clerk01"],
        ["card", "read", str(sorted((data_dir / "idcards").glob("*"))[0])],
    ):
        result = runner.invoke(main, [*command, "--db", str(db)])
        assert result.exception is None or isinstance(result.exception, SystemExit)
        if command[0] != "card":  # the specimen card has a wrong check character: exit 1
            assert result.exit_code == 0, result.output
        printed.append(result.output.encode())

    # The counter stays open while the disk is read: its WAL holds the newest pages.
    still_open = make_application(f"sqlite:///{db}", DESK_APP_TICKETS_PERIOD="271")
    still_open.workflow.approve(summary.referred[0], "super01")
    places = {
        "database": _files(counter),
        "temporary folder": _files(scratch),
        "exports": _files(exports),
    }
    hits = []
    for place, paths in places.items():
        for path in paths:
            content = path.read_bytes()
            if path.suffix == ".xlsx":
                import zipfile

                with zipfile.ZipFile(path) as archive:
                    content = b"".join(archive.read(name) for name in archive.namelist())
            hits += [(place, path.name, s) for s in secrets if s in content]
            hits += [(place, path.name, s) for s in PICTURE_SIGNATURES if s in content]
    # Screens and listings show names (that is how a clerk finds a record); never full numbers.
    for index, output in enumerate(printed):
        hits += [("output", str(index), s) for s in numbers if s in output]
    wal = [path for path in places["database"] if path.name.endswith("-wal")]
    assert wal and wal[0].stat().st_size > 0  # the log was there to be read
    still_open.close()
    assert hits == []
