"""The central side's 1:N check: is a pushed confirmation's live face another confirmed
candidate's, confirmed at any counter?

A counter only knows the faces it confirmed itself, so one stand-in sitting for several candidates
at different halls is caught only here. The service process keeps the live templates it holds in
memory, an index per engine and model, and brings them up to date at each batch it judges (under
the central write lock, reading only templates newer than the last it saw, so several service
instances each stay current). A hit is checked against the database before it counts: the other
candidate must still be confirmed and still have a template (a revocation or a retention purge
since is honoured).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.domain.workflow import CandidateState
from desk_app.persistence.models import Candidate, FaceTemplate, Photo
from desk_app.persistence.sealing import template_label, unsealed
from desk_app.vision.engines import ENGINES
from desk_app.vision.index import FaceIndex

CONFIRMED_FACES = "confirmed_faces"  # the key of the service's ConfirmedFaces in session.info


@dataclass(frozen=True)
class SameFace:
    """Another confirmed candidate whose live face is within the same-person limit."""

    registration_id: str
    distance: float


class ConfirmedFaces:
    """The live templates the central database holds, in memory, per engine and model."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[str, str], FaceIndex] = {}
        self._seen_through = 0  # the highest face template id taken in
        self._lock = threading.Lock()

    def catch_up(self, session: Session) -> int:
        """Take in the live templates stored since the last call; returns how many."""
        with self._lock:
            rows = session.execute(
                select(
                    FaceTemplate.id,
                    FaceTemplate.candidate_id,
                    FaceTemplate.engine,
                    FaceTemplate.model_version,
                    FaceTemplate.vector,
                )
                .join(Photo, Photo.id == FaceTemplate.photo_id)
                .where(FaceTemplate.id > self._seen_through, Photo.purpose == "live")
                .order_by(FaceTemplate.id)
            ).all()
            for template_id, candidate_id, engine, model_version, vector in rows:
                self._seen_through = max(self._seen_through, template_id)
                if engine not in ENGINES:
                    continue
                plain = unsealed(session, vector, template_label(engine, model_version))
                index = self._indexes.get((engine, model_version))
                if index is None:
                    values = np.frombuffer(plain, dtype="<f4")
                    index = FaceIndex(values.shape[0], metric=ENGINES[engine].metric)
                    self._indexes[(engine, model_version)] = index
                index.add(candidate_id, np.frombuffer(plain, dtype="<f4"))
            return len(rows)

    def same_face(
        self,
        session: Session,
        candidate_id: int,
        engine: str,
        model_version: str,
        vector: bytes,
        limit: float,
    ) -> SameFace | None:
        """The nearest other candidate still confirmed, with a template still kept, whose live
        face lies within ``limit`` of ``vector``."""
        index = self._indexes.get((engine, model_version))
        if index is None:
            return None
        template = np.frombuffer(vector, dtype="<f4")
        if template.shape[0] != index.dimensions:
            return None
        near = [n for n in index.search(template, 5, exclude=candidate_id) if n.distance <= limit]
        if not near:
            return None
        still = dict(
            session.execute(
                select(Candidate.id, Candidate.registration_id)
                .join(FaceTemplate, FaceTemplate.candidate_id == Candidate.id)
                .where(
                    Candidate.id.in_([int(n.identity) for n in near]),
                    Candidate.state == CandidateState.CONFIRMED.value,
                    FaceTemplate.engine == engine,
                    FaceTemplate.model_version == model_version,
                )
            ).all()
        )
        for neighbour in near:
            if int(neighbour.identity) in still:
                return SameFace(still[int(neighbour.identity)], neighbour.distance)
        return None
