"""Importing rosters: upserts, all-or-nothing, never undoing a decision."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desk_app.bootstrap import Application
from desk_app.domain.errors import ImportFileError
from desk_app.persistence.models import AuditEntry, Candidate, Photo
from desk_app.security import audit
from desk_app.services.demo import generate_roster_rows, write_roster_csv
from desk_app.services.roster_import import import_roster


def _roster(app: Application, path: Path, count: int = 40, photos: int = 0) -> list[dict[str, str]]:
    rows = list(generate_roster_rows(count, ticket_length=app.ticket_layout.length, photos=photos))
    write_roster_csv(path, iter(rows))
    return rows


def _count(app: Application, model: type[object]) -> int:
    with app.database.reading() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_import_then_reimport_changes_nothing(application: Application, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    _roster(application, roster)
    first = import_roster(application.database, roster, ticket_layout=application.ticket_layout)
    assert (first.imported, first.inserted, first.updated) == (True, 40, 0)
    with application.database.reading() as uow:
        before = {
            c.registration_id: (c.name, c.updated_at, c.version)
            for c in uow.session.execute(select(Candidate)).scalars()
        }
    second = import_roster(application.database, roster, ticket_layout=application.ticket_layout)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 40)
    with application.database.reading() as uow:
        after = {
            c.registration_id: (c.name, c.updated_at, c.version)
            for c in uow.session.execute(select(Candidate)).scalars()
        }
        actions = uow.session.execute(select(AuditEntry.action)).scalars().all()
        assert audit.verify(uow.session).intact
    assert after == before
    assert actions.count("roster.import") == 2


def test_reimport_updates_waiting_records_but_never_decided_ones(
    application: Application, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    rows = _roster(application, roster, count=5)
    rows = [row for row in rows if row["document_type"] == "resident_id"]
    write_roster_csv(roster, iter(rows))
    import_roster(application.database, roster, ticket_layout=application.ticket_layout)
    decided, waiting = rows[0]["registration_id"], rows[1]["registration_id"]
    application.workflow.confirm(decided, "clerk")
    original_name = rows[0]["name"]
    for row in rows[:2]:
        row["name"] = "新名字"
    write_roster_csv(roster, iter(rows))
    report = import_roster(application.database, roster, ticket_layout=application.ticket_layout)
    assert report.kept_decided == [decided]
    assert report.updated == 1
    with application.database.reading() as uow:
        names = dict(uow.session.execute(select(Candidate.registration_id, Candidate.name)).all())
        states = dict(uow.session.execute(select(Candidate.registration_id, Candidate.state)).all())
    assert names[waiting] == "新名字"
    assert names[decided] == original_name
    assert states[decided] == "confirmed"


def test_a_bad_row_imports_nothing_unless_asked(application: Application, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    rows = _roster(application, roster, count=10)
    resident = next(i for i, r in enumerate(rows) if r["document_type"] == "resident_id")
    number = rows[resident]["document_number"]
    rows[resident]["document_number"] = number[:-1] + ("0" if number[-1] != "0" else "1")
    write_roster_csv(roster, iter(rows))
    refused = import_roster(application.database, roster, ticket_layout=application.ticket_layout)
    assert not refused.imported
    assert [(p.row_number, p.column) for p in refused.problems] == [
        (resident + 2, "document_number")
    ]
    assert _count(application, Candidate) == 0
    assert _count(application, AuditEntry) == 5  # the five operators, nothing from the import

    partial = import_roster(
        application.database, roster, ticket_layout=application.ticket_layout, skip_invalid=True
    )
    assert partial.imported and partial.inserted == 9


def test_a_half_written_file_changes_nothing(application: Application, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    _roster(application, roster, count=30)
    data = roster.read_bytes()
    roster.write_bytes(data[: len(data) * 2 // 3])  # cut mid-row, as a crashed copy would
    report = import_roster(application.database, roster, ticket_layout=application.ticket_layout)
    assert not report.imported and report.problems
    assert _count(application, Candidate) == 0

    xlsx = tmp_path / "roster.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportFileError):
        import_roster(application.database, xlsx, ticket_layout=application.ticket_layout)
    assert _count(application, Candidate) == 0


def test_photos_come_from_a_folder(
    application: Application, tmp_path: Path, data_dir: Path
) -> None:
    roster = tmp_path / "roster.csv"
    rows = _roster(application, roster, count=4, photos=3)
    photos = tmp_path / "photos"
    photos.mkdir()
    sample = next((data_dir / "faces" / "lfw" / "images").rglob("*.jpg")).read_bytes()
    for row in rows[:2]:
        (photos / row["photo_file"]).write_bytes(sample)
    missing = import_roster(
        application.database, roster, ticket_layout=application.ticket_layout, photos=photos
    )
    assert not missing.imported
    assert [(p.row_number, p.column) for p in missing.problems] == [(4, "photo_file")]
    (photos / rows[2]["photo_file"]).write_bytes(sample)
    report = import_roster(
        application.database, roster, ticket_layout=application.ticket_layout, photos=photos
    )
    assert report.imported and report.photos_stored == 3
    again = import_roster(
        application.database, roster, ticket_layout=application.ticket_layout, photos=photos
    )
    assert again.photos_stored == 0
    assert _count(application, Photo) == 3


def test_chinese_headers_and_gb18030(application: Application, tmp_path: Path) -> None:
    english = tmp_path / "english.csv"
    rows = _roster(application, english, count=3)
    chinese_headers = {
        "registration_id": "注册号",
        "kind": "类型",
        "name": "姓名",
        "sex": "性别",
        "ethnicity": "民族",
        "birth_date": "出生日期",
        "document_type": "证件类型",
        "document_number": "证件号码",
        "exam_area": "考区",
        "programme_code": "专业代码",
        "programme_name": "专业名称",
        "ticket_number": "准考证号",
    }
    path = tmp_path / "chinese.csv"
    with path.open("w", encoding="gb18030", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(chinese_headers.values())
        for row in rows:
            writer.writerow(row[column] for column in chinese_headers)
    report = import_roster(application.database, path, ticket_layout=application.ticket_layout)
    assert report.imported and report.inserted == 3, report.problems
    with application.database.reading() as uow:
        names = set(uow.session.execute(select(Candidate.name)).scalars())
    assert names == {row["name"] for row in rows}


def test_without_a_photo_folder_photos_are_found_beside_the_roster(
    application: Application, tmp_path: Path, data_dir: Path
) -> None:
    roster = tmp_path / "roster.csv"
    rows = _roster(application, roster, count=2, photos=2)
    sample = next((data_dir / "faces" / "lfw" / "images").rglob("*.jpg")).read_bytes()
    for row in rows:
        (tmp_path / row["photo_file"]).write_bytes(sample)
    report = import_roster(application.database, roster, ticket_layout=application.ticket_layout)
    assert report.imported and report.photos_stored == 2
