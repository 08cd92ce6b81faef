"""Importing the platform's roster of pre-registrations into the counter database.

All or nothing by default: a file with any bad row imports nothing and the report lists every bad
row. Re-importing the same file changes nothing: rows are upserted by registration id, and a record
that has left ``pre_registered`` (confirmed, referred...) is never changed by an import, so an old
roster can never undo a decision. Everything is written in one transaction with one audit entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from desk_app.domain.errors import DeskError
from desk_app.domain.progress import Cancelled, Progress
from desk_app.domain.tickets import TicketLayout, ticket_number_shape_problem
from desk_app.domain.workflow import CandidateState
from desk_app.persistence.database import Database
from desk_app.persistence.models import Candidate, Photo, utc_now
from desk_app.roster import PhotoSource, RosterRow, RowProblem, read_roster
from desk_app.security import audit
from desk_app.vision.images import max_image_pixels

# Columns an import may set; compared to decide whether a row changed anything.
IMPORTED_FIELDS = (
    "kind",
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "document_type",
    "document_number",
    "phone",
    "email",
    "exam_area",
    "programme_code",
    "programme_name",
    "tutoring_unit",
    "class_name",
    "ticket_number",
    "merged_ticket_numbers",
    "prior_diploma_status",
)
_CHUNK = 2000


@dataclass
class ImportReport:
    file: str
    sha256: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    photos_stored: int = 0
    imported: bool = False
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Records that have left pre_registered and whose roster row differs: left as they are.
    kept_decided: list[str] = field(default_factory=list)


def _row_values(row: RosterRow) -> dict[str, Any]:
    return {
        "kind": row.kind.value,
        "name": row.name,
        "sex": row.sex,
        "ethnicity": row.ethnicity,
        "birth_date": row.birth_date,
        "document_type": row.document_type.value,
        "document_number": row.document_number,
        "phone": row.phone,
        "email": row.email,
        "exam_area": row.exam_area,
        "programme_code": row.programme_code,
        "programme_name": row.programme_name,
        "tutoring_unit": row.tutoring_unit,
        "class_name": row.class_name,
        "ticket_number": row.ticket_number,
        "merged_ticket_numbers": ";".join(row.merged_ticket_numbers),
        "prior_diploma_status": row.prior_diploma_status.value,
    }


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load_photos(
    rows: list[RosterRow], photo_location: Path, problems: list[RowProblem]
) -> dict[str, bytes]:
    """E-photo bytes by registration id; a photo that cannot be used is a problem of its row."""
    wanted = [(row, row.photo_file) for row in rows if row.photo_file]
    if not wanted:
        return {}
    photos: dict[str, bytes] = {}
    with PhotoSource.open(photo_location, max_pixels=max_image_pixels()) as source:
        for row, file_name in wanted:
            try:
                photos[row.registration_id] = source.read(file_name)
            except DeskError as error:
                problems.append(RowProblem(row.row_number, "photo_file", error.code, error.message))
    return photos


def import_roster(
    database: Database,
    path: Path,
    *,
    ticket_layout: TicketLayout,
    photos: Path | None = None,
    skip_invalid: bool = False,
    operator_id: str = "system",
    today: date | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Read, validate and upsert ``path``; see the module docstring for the rules."""
    report = ImportReport(file=str(path), sha256="")
    result = read_roster(
        path,
        today=today,
        ticket_number_check=lambda number: ticket_number_shape_problem(
            number, ticket_layout.length
        ),
        progress=progress,
        cancelled=cancelled,
    )
    report.sha256 = _file_sha256(path)
    report.warnings.extend(result.warnings)
    report.problems.extend(result.problems)
    # Without a photo folder or ZIP, photos are looked for beside the roster file.
    photo_bytes = _load_photos(result.rows, photos or path.parent, report.problems)
    bad_rows = {problem.row_number for problem in report.problems}
    if bad_rows and not skip_invalid:
        return report
    rows = [row for row in result.rows if row.row_number not in bad_rows]

    with database.unit_of_work() as uow:
        session = uow.session
        existing = {
            registration_id: (candidate_id, state, values)
            for registration_id, candidate_id, state, *values in session.execute(
                select(
                    Candidate.registration_id,
                    Candidate.id,
                    Candidate.state,
                    *(getattr(Candidate, name) for name in IMPORTED_FIELDS),
                )
            )
        }
        now = utc_now()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in rows:
            values = _row_values(row)
            known = existing.get(row.registration_id)
            if known is None:
                inserts.append(
                    {
                        "registration_id": row.registration_id,
                        **values,
                        "state": CandidateState.PRE_REGISTERED.value,
                        "imported_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                continue
            candidate_id, state, old_values = known
            if tuple(values[name] for name in IMPORTED_FIELDS) == tuple(old_values):
                report.unchanged += 1
            elif state != CandidateState.PRE_REGISTERED.value:
                report.kept_decided.append(row.registration_id)
            else:
                updates.append({"id": candidate_id, **values, "updated_at": now})
        for index, chunk in enumerate(_chunks(inserts)):
            session.execute(insert(Candidate), list(chunk))
            if progress:
                progress(min((index + 1) * _CHUNK, len(inserts)), len(inserts))
        for chunk in _chunks(updates):
            session.execute(update(Candidate), list(chunk))
        report.inserted, report.updated = len(inserts), len(updates)
        report.photos_stored = _store_photos(session, photo_bytes)
        audit.append(
            session,
            actor=operator_id,
            action="roster.import",
            subject=path.name,
            details={
                "sha256": report.sha256,
                "inserted": report.inserted,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "kept_decided": len(report.kept_decided),
                "skipped_invalid_rows": len(bad_rows),
                "photos": report.photos_stored,
            },
        )
        uow.commit()
    report.imported = True
    return report


def _store_photos(session: Session, photo_bytes: dict[str, bytes]) -> int:
    """Add each e-photo that differs from the candidate's current registered one.

    Only records still pre-registered take a new photo: a decided record keeps its evidence.
    """
    stored = 0
    for chunk in _chunks(list(photo_bytes)):
        candidates = session.execute(
            select(Candidate.registration_id, Candidate.id).where(
                Candidate.registration_id.in_(chunk),
                Candidate.state == CandidateState.PRE_REGISTERED.value,
            )
        ).all()
        current = dict(
            session.execute(
                select(Photo.candidate_id, Photo.sha256)
                .where(
                    Photo.candidate_id.in_([candidate_id for _, candidate_id in candidates]),
                    Photo.purpose == "registered",
                )
                .order_by(Photo.id)
            ).all()
        )
        for registration_id, candidate_id in candidates:
            data = photo_bytes[registration_id]
            digest = hashlib.sha256(data).hexdigest()
            if current.get(candidate_id) == digest:
                continue
            session.add(
                Photo(
                    candidate_id=candidate_id,
                    purpose="registered",
                    media_type="image/png" if data.startswith(b"\x89PNG") else "image/jpeg",
                    sha256=digest,
                    data=data,
                )
            )
            stored += 1
    return stored
