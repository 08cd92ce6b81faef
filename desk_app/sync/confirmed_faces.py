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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.domain.workflow import CandidateState
from desk_app.persistence.models import Candidate, FaceTemplate, Photo
from desk_app.persistence.sealing import template_label, unsealed
from desk_app.vision.engines import ENGINES
from desk_app.vision.index import FaceIndex, Neighbour

CONFIRMED_FACES = "confirmed_faces"  # the key of the service's ConfirmedFaces in session.info


@dataclass(frozen=True)
class LiveFace:
    """A live template a pushed confirmation carries, under a key of the caller's choosing."""

    key: str
    candidate_id: int
    engine: str
    model_version: str
    vector: bytes


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
                known = ENGINES.get(engine)
                plain = unsealed(session, vector, template_label(engine, model_version))
                # A template of another size (a counter's word on its dimensions) is no face of
                # that engine: left out rather than failing every batch after it.
                if known is None or len(plain) != 4 * known.dimensions:
                    continue
                index = self._indexes.get((engine, model_version))
                if index is None:
                    index = FaceIndex(known.dimensions, metric=known.metric)
                    self._indexes[(engine, model_version)] = index
                index.add(candidate_id, np.frombuffer(plain, dtype="<f4"))
            return len(rows)

    def same_faces(
        self, session: Session, wanted: Sequence[LiveFace], limits: Mapping[str, float]
    ) -> dict[str, SameFace]:
        """Per key of ``wanted``: the nearest other candidate still confirmed, with a template
        still kept, whose live face lies within its engine's limit. One matrix product per
        engine for the whole batch."""
        near: dict[str, list[Neighbour]] = {}
        groups: dict[tuple[str, str], list[LiveFace]] = {}
        for face in wanted:
            groups.setdefault((face.engine, face.model_version), []).append(face)
        for (engine, model_version), faces in groups.items():
            index, limit = self._indexes.get((engine, model_version)), limits.get(engine)
            if index is None or limit is None:
                continue
            usable = [f for f in faces if len(f.vector) == 4 * index.dimensions]
            templates = [np.frombuffer(f.vector, dtype="<f4") for f in usable]
            for face, found in zip(usable, index.within(templates, limit), strict=True):
                others = [n for n in found if n.identity != face.candidate_id]
                if others:
                    near.setdefault(face.key, []).extend(others)
        if not near:
            return {}
        hits = {int(n.identity) for found in near.values() for n in found}
        still = dict(
            session.execute(
                select(Candidate.id, Candidate.registration_id).where(
                    Candidate.id.in_(hits),
                    Candidate.state == CandidateState.CONFIRMED.value,
                    select(FaceTemplate.id)
                    .where(FaceTemplate.candidate_id == Candidate.id)
                    .exists(),
                )
            ).all()
        )
        answers: dict[str, SameFace] = {}
        for key, found in near.items():
            kept = sorted((n for n in found if int(n.identity) in still), key=lambda n: n.distance)
            if kept:
                answers[key] = SameFace(still[int(kept[0].identity)], kept[0].distance)
        return answers
