"""``export photos``: the standard e-photo of every candidate confirmed since a day, for the
registration platform, as one ZIP with a manifest.

Each JPEG is made from the live capture kept with the confirmation (``vision.ephoto``) and named
by registration id; the manifest CSV lists registration id, ID number, file, SHA-256 and the
photo's problems (a photo with problems is still written, flagged, for the authority to judge; a
confirmation without a usable capture gets a manifest row without a file). The ZIP carries faces
and full ID numbers: only an administrator makes it, with a reason (audited as an unmasking),
and it is written 0600.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select

from desk_app.domain.errors import DeskError
from desk_app.domain.image_limits import ImageSizeError
from desk_app.domain.time import CHINA_TIME
from desk_app.domain.workflow import Action, CandidateState
from desk_app.persistence.database import Database
from desk_app.persistence.models import Candidate, Photo, Transition
from desk_app.security import audit
from desk_app.security.keys import write_private
from desk_app.services.access import EXPORT_UNMASK_ROLES, authorise_unmask
from desk_app.vision.engines import FaceEngine, NoFaceError
from desk_app.vision.ephoto import EPhotoSpec, make_ephoto
from desk_app.vision.images import ImageError, decode_rgb
from desk_app.vision.quality import LandmarkModel

MANIFEST_HEADER = ("registration_id", "id_number", "file", "sha256", "problems")


@dataclass(frozen=True)
class PhotoExport:
    confirmed: int
    photos: int
    flagged: int  # photos written with problems
    missing: int  # confirmations without a usable live capture


def _confirmed_captures(database: Database, since: date) -> list[tuple[str, str, bytes | None]]:
    """(registration id, ID number, live capture bytes or None) of every record confirmed on or
    after ``since`` (China time) and still confirmed, in confirmation order."""
    start = datetime.combine(since, time.min, tzinfo=CHINA_TIME)
    found = []
    with database.reading() as uow:
        session = uow.session
        rows = session.execute(
            select(Candidate.id, Candidate.registration_id, Candidate.document_number,
                   Transition.evidence)
            .join(Transition, Transition.candidate_id == Candidate.id)
            .where(
                Candidate.state == CandidateState.CONFIRMED.value,
                Transition.action.in_((Action.CONFIRM.value, Action.APPROVE.value)),
                Transition.to_state == CandidateState.CONFIRMED.value,
                Transition.occurred_at >= start,
            )
            .order_by(Transition.occurred_at, Transition.id)
        ).all()  # fmt: skip
        for candidate_id, registration_id, number, evidence in rows:
            photo_id = (evidence or {}).get("live_photo")
            query = select(Photo.data).where(
                Photo.candidate_id == candidate_id, Photo.purpose == "live"
            )
            if isinstance(photo_id, int):
                query = query.where(Photo.id == photo_id)
            data = session.execute(query.order_by(Photo.id.desc())).scalars().first()
            found.append((registration_id, number, data))
    return found


def export_photos(
    database: Database,
    since: date,
    out: Path,
    *,
    engine: FaceEngine,
    landmarks: LandmarkModel,
    operator_id: str,
    reason: str,
    spec: EPhotoSpec | None = None,
) -> PhotoExport:
    authorise_unmask(
        database, operator_id, subject=out.name, reason=reason, what="export_photos",
        roles=EXPORT_UNMASK_ROLES,
    )  # fmt: skip
    captures = _confirmed_captures(database, since)
    manifest = io.StringIO(newline="")
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADER)
    buffer = io.BytesIO()
    photos = flagged = missing = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for registration_id, number, data in captures:
            problems: list[str] = []
            jpeg: bytes | None = None
            if data is None:
                problems.append("ephoto.no_live_capture")
            else:
                try:
                    photo = make_ephoto(decode_rgb(data), engine, landmarks, spec)
                except (NoFaceError, ImageError, ImageSizeError) as error:
                    problems.append(error.code)
                else:
                    jpeg = photo.jpeg
                    problems.extend(issue.value for issue in photo.issues)
            if jpeg is None:
                missing += 1
                writer.writerow((registration_id, number, "", "", ";".join(problems)))
                continue
            name = f"{registration_id}.jpg"
            archive.writestr(name, jpeg)
            photos += 1
            flagged += bool(problems)
            writer.writerow(
                (registration_id, number, name, hashlib.sha256(jpeg).hexdigest(),
                 ";".join(problems))
            )  # fmt: skip
        # UTF-8 with a BOM: Excel on a Chinese Windows opens it without garbling.
        archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
    if not captures:
        raise DeskError(
            f"no confirmations since {since.isoformat()}: nothing to export",
            code="export.nothing",
        )
    write_private(out, buffer.getvalue())
    with database.unit_of_work() as uow:
        audit.append(
            uow.session,
            actor=operator_id,
            action="export.photos",
            subject=out.name[:100],
            details={"since": since.isoformat(), "photos": photos, "flagged": flagged,
                     "missing": missing},
        )  # fmt: skip
        uow.commit()
    return PhotoExport(len(captures), photos, flagged, missing)
