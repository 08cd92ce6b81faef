"""Face evidence in the workflow: live captures kept with decisions, and proxy detection.

The 1:N index holds the newest live template of every confirmed candidate of one engine and
model. A confirmation whose live face matches another confirmed candidate is not confirmed but
referred to a supervisor (someone may be sitting the exam for someone else). The index follows
the database after each commit: confirmations add, revocations remove.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.domain.masking import mask_name
from desk_app.domain.matching import Thresholds
from desk_app.persistence.database import Database
from desk_app.persistence.models import Candidate, FaceTemplate, Photo, PurgedMedia
from desk_app.persistence.repositories import TemplateRepository
from desk_app.security import audit
from desk_app.vision.engines import Template
from desk_app.vision.index import FaceIndex, Neighbour


@dataclass(frozen=True)
class LiveCapture:
    """The best live frame (JPEG) and the template built from the capture window."""

    image: bytes
    template: Template
    engine: str
    model_version: str


@dataclass(frozen=True)
class LookAlike:
    """Another confirmed candidate whose face matches the shot: what the clerk compares side by
    side before deciding (the name masked; the photo is that candidate's confirmed live face)."""

    registration_id: str
    masked_name: str
    confirmed_at: datetime | None
    distance: float
    limit: float
    photo: bytes | None


class FaceRegistry:
    """The 1:N index of confirmed candidates for one engine and model, kept in step with the
    database. Loaded on first use (or by ``load`` at start-up, off the GUI thread); safe to
    search from the face worker while the database worker updates it."""

    def __init__(
        self,
        database: Database,
        engine: str,
        model_version: str,
        duplicate: Thresholds,
        metric: str = "euclidean",
    ) -> None:
        self._database = database
        self.engine = engine
        self.model_version = model_version
        self.metric = metric
        self.duplicate = duplicate  # a distance within ``passing`` is the same person
        self._index: FaceIndex | None = None
        self._loading = threading.Lock()

    @property
    def index(self) -> FaceIndex:
        with self._loading:
            if self._index is None:
                with self._database.reading() as uow:
                    identities, templates = TemplateRepository(uow.session).confirmed_templates(
                        self.engine, self.model_version
                    )
                self._index = (
                    FaceIndex.from_arrays(identities, templates, self.metric)
                    if identities
                    else FaceIndex(metric=self.metric)
                )
            return self._index

    def load(self) -> int:
        """Build the index now (at start-up); returns the number of candidates in it."""
        return len(self.index)

    def same_person_elsewhere(self, candidate_id: int, capture: LiveCapture) -> list[Neighbour]:
        """Other confirmed candidates whose face matches this capture, nearest first."""
        if (capture.engine, capture.model_version) != (self.engine, self.model_version):
            return []  # templates of another engine live in another space
        nearest = self.index.search(capture.template, 5, exclude=candidate_id)
        return [n for n in nearest if n.distance <= self.duplicate.passing]

    def look_alikes(
        self, candidate_id: int, capture: LiveCapture, *, viewer: str
    ) -> list[LookAlike]:
        """The confirmed candidates whose face matches this shot, with their newest live photo,
        for a side-by-side look before the decision (the service refers a confirmation of such
        a face anyway). Showing another candidate's face is audited."""
        matches = self.same_person_elsewhere(candidate_id, capture)
        if not matches:
            return []
        found: list[LookAlike] = []
        with self._database.unit_of_work() as uow:
            session = uow.session
            for match in matches:
                other = session.get(Candidate, int(match.identity))
                if other is None:
                    continue
                photo = session.execute(
                    select(Photo.data)
                    .where(Photo.candidate_id == other.id, Photo.purpose == "live")
                    .order_by(Photo.id.desc())
                    .limit(1)
                ).scalar_one_or_none()
                found.append(
                    LookAlike(
                        other.registration_id,
                        mask_name(other.name),
                        other.state_changed_at,
                        match.distance,
                        self.duplicate.passing,
                        photo,
                    )
                )
            audit.append(
                session,
                actor=viewer,
                action="face.look_alike_shown",
                subject=_registration_id(session, candidate_id),
                details={
                    "others": [item.registration_id for item in found],
                    "distances": [round(item.distance, 4) for item in found],
                },
            )
            uow.commit()
        return found

    def confirmed(self, candidate_id: int, capture: LiveCapture | None = None) -> None:
        """Add the candidate's template: the capture just used, else the newest one stored."""
        if capture is not None:
            if (capture.engine, capture.model_version) == (self.engine, self.model_version):
                self.index.add(candidate_id, capture.template)
            return
        with self._database.reading() as uow:
            template = TemplateRepository(uow.session).newest_template(
                candidate_id, self.engine, self.model_version
            )
        if template is not None:
            self.index.add(candidate_id, template)

    def revoked(self, candidate_id: int) -> None:
        self.index.remove(candidate_id)

    def forget(self, candidate_ids: list[int]) -> None:
        """Candidates whose templates a retention purge removed."""
        if self._index is None:
            return  # not loaded yet: it will be built from what is left
        for candidate_id in candidate_ids:
            self.index.remove(candidate_id)


def _registration_id(session: Session, candidate_id: int) -> str:
    candidate = session.get(Candidate, candidate_id)
    return candidate.registration_id if candidate is not None else f"candidate:{candidate_id}"


# The face pictures taken at the counter: purged after the retention period and forgotten when
# consent is refused (the registered e-photo is the platform's, kept with the record).
COUNTER_FACE_MEDIA = ("live", "card_portrait", "liveness")


def store_liveness_frames(
    session: Session, candidate_id: int, frames: Sequence[bytes]
) -> list[int]:
    """Keep the liveness challenge's evidence frames (JPEG) in the caller's transaction; they are
    evidence for a supervisor, not references, so no template is kept."""
    photos = [
        Photo(
            candidate_id=candidate_id,
            purpose="liveness",
            media_type="image/jpeg",
            sha256=hashlib.sha256(frame).hexdigest(),
            data=frame,
        )
        for frame in frames
    ]
    session.add_all(photos)
    session.flush()
    return [photo.id for photo in photos]


def store_live_capture(session: Session, candidate_id: int, capture: LiveCapture) -> int:
    """Keep the capture as evidence (photo + template) in the caller's transaction."""
    photo = Photo(
        candidate_id=candidate_id,
        purpose="live",
        media_type="image/jpeg",
        sha256=hashlib.sha256(capture.image).hexdigest(),
        data=capture.image,
    )
    session.add(photo)
    session.flush()
    template = np.asarray(capture.template, dtype="<f4")
    session.add(
        FaceTemplate(
            photo_id=photo.id,
            candidate_id=candidate_id,
            engine=capture.engine,
            model_version=capture.model_version,
            dimensions=int(template.shape[0]),
            vector=template.tobytes(),
        )
    )
    return photo.id


def forget_faces(session: Session, candidate_id: int, by: str) -> int:
    """Remove the candidate's live captures, card portraits and templates in the caller's
    transaction (consent refused), keeping their hashes; returns how many items went."""
    removed = 0
    for template in session.scalars(
        select(FaceTemplate).where(FaceTemplate.candidate_id == candidate_id)
    ):
        digest = hashlib.sha256(template.vector).hexdigest()
        session.add(PurgedMedia(candidate_id=candidate_id, kind="template", item_id=template.id,
                                sha256=digest, purged_by=by))  # fmt: skip
        session.delete(template)
        removed += 1
    session.flush()
    for photo in session.scalars(
        select(Photo).where(
            Photo.candidate_id == candidate_id, Photo.purpose.in_(COUNTER_FACE_MEDIA)
        )
    ):
        session.add(PurgedMedia(candidate_id=candidate_id, kind=photo.purpose, item_id=photo.id,
                                sha256=photo.sha256, purged_by=by))  # fmt: skip
        session.delete(photo)
        removed += 1
    return removed
