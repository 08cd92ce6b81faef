"""Building the 1:N index from the database: newest template of each confirmed candidate."""

from __future__ import annotations

import numpy as np

from desk_app.bootstrap import Application
from desk_app.domain.workflow import ReasonCode
from desk_app.persistence.models import FaceTemplate, Photo
from desk_app.persistence.repositories import CandidateRepository, TemplateRepository
from desk_app.services.workflow import Decision
from desk_app.vision.index import FaceIndex


def _store_template(
    app: Application, registration_id: str, vector: np.ndarray, engine: str
) -> None:
    with app.database.unit_of_work() as uow:
        candidate = CandidateRepository(uow.session).by_registration_id(registration_id)
        assert candidate is not None
        photo = Photo(
            candidate_id=candidate.id,
            purpose="live",
            media_type="image/jpeg",
            sha256="0" * 64,
            data=b"\xff\xd8\xff",
        )
        uow.session.add(photo)
        uow.session.flush()
        uow.session.add(
            FaceTemplate(
                photo_id=photo.id,
                candidate_id=candidate.id,
                engine=engine,
                model_version="v1",
                dimensions=vector.shape[0],
                vector=vector.astype("<f4").tobytes(),
            )
        )
        uow.commit()


def test_index_holds_confirmed_candidates_newest_templates(app_with_roster: Application) -> None:
    app = app_with_roster
    rng = np.random.default_rng(3)
    vectors = {name: rng.normal(0, 0.1, 128).astype(np.float32) for name in ("R1", "R2", "R3")}
    for name, vector in vectors.items():
        _store_template(app, name, vector + 1.0, "dlib")  # an older template
        _store_template(app, name, vector, "dlib")
        _store_template(app, name, -vector, "sface")  # another engine's space
        app.workflow.confirm(name, "clerk")
    _store_template(app, "R4", rng.normal(0, 0.1, 128).astype(np.float32), "dlib")  # waiting
    app.workflow.revoke("R3", "super1", Decision(reason=ReasonCode.IMPERSONATION))

    with app.database.reading() as uow:
        identities, matrix = TemplateRepository(uow.session).confirmed_templates("dlib", "v1")
        candidates = CandidateRepository(uow.session)
        expected: dict[int, str] = {}
        for name in ("R1", "R2"):
            candidate = candidates.by_registration_id(name)
            assert candidate is not None
            expected[candidate.id] = name
    assert sorted(identities) == sorted(expected)
    index = FaceIndex.from_arrays(identities, matrix)
    for identity, name in expected.items():
        nearest = index.search(vectors[name], 1)[0]
        assert nearest.identity == identity and nearest.distance < 1e-3
