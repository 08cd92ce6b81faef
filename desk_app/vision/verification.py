"""Three-way verification: the live face against the card portrait and the registered e-photo.

Three distances (live-card, live-e-photo, card-e-photo), each judged by its own thresholds, and
one decision with coded reasons that the UI words. Face matching never confirms on its own: a
pass lets the clerk confirm, anything else needs a person's judgement (domain.md section 7).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from desk_app.config import ThresholdSettings
from desk_app.domain.decisions import FaceResult
from desk_app.domain.matching import Band, Thresholds
from desk_app.vision.engines import FaceEngine, Template

# Cards are valid for 10 or 20 years; past this the printed portrait may look much younger.
AGE_GAP_YEARS = 10


class Comparison(enum.StrEnum):
    LIVE_CARD = "live_card"
    LIVE_EPHOTO = "live_ephoto"
    CARD_EPHOTO = "card_ephoto"


class Reason(enum.StrEnum):
    LIVE_MISMATCH = "live_mismatch"  # the live face matches neither reference
    CARD_MISSING = "card_portrait_missing"  # no card portrait, or no face found in it
    EPHOTO_MISSING = "ephoto_missing"  # no registered e-photo, or no face found in it
    REFERENCES_DISAGREE = "references_disagree"  # card and e-photo look like different people
    BORDERLINE = "borderline_score"  # a score in the review band
    CARD_PORTRAIT_SMALL = "card_portrait_small"  # low-resolution portrait: scores less sure
    AGE_GAP = "age_gap"  # the card portrait is many years old


@dataclass(frozen=True)
class Reference:
    """A reference picture's template, or why there is none."""

    template: Template | None
    missing_reason: str = ""  # a coded reason, e.g. face.not_found, when template is None
    eye_distance: float = 0.0  # in the original picture, before any enlargement
    age_years: float | None = None  # how old the picture is, when known (card issue date)


@dataclass(frozen=True)
class Score:
    comparison: Comparison
    distance: float | None
    band: Band | None
    thresholds: Thresholds


@dataclass(frozen=True)
class Verification:
    decision: Band
    reasons: tuple[Reason, ...]
    scores: tuple[Score, ...]
    engine: str
    model_version: str

    def result(self) -> FaceResult:
        """The match as the decision rule takes it."""
        live_ephoto = next(s for s in self.scores if s.comparison is Comparison.LIVE_EPHOTO)
        return FaceResult(
            decision=self.decision,
            only_card_portrait_missing=set(self.reasons) == {Reason.CARD_MISSING},
            live_ephoto=live_ephoto.band,
        )

    def as_record(self) -> dict[str, object]:
        """What the transition keeps as evidence: scores, thresholds, engine and model."""
        return {
            "decision": self.decision.value,
            "reasons": [reason.value for reason in self.reasons],
            "engine": self.engine,
            "model_version": self.model_version,
            "scores": {
                score.comparison.value: {
                    "distance": score.distance,
                    "band": score.band.value if score.band else None,
                    "pass": score.thresholds.passing,
                    "review": score.thresholds.review,
                }
                for score in self.scores
            },
        }


def _score(
    engine: FaceEngine,
    comparison: Comparison,
    one: Template | None,
    other: Template | None,
    thresholds: Thresholds,
) -> Score:
    if one is None or other is None:
        return Score(comparison, None, None, thresholds)
    distance = engine.distance(one, other)
    return Score(comparison, distance, thresholds.band(distance), thresholds)


def verify_three_way(
    engine: FaceEngine,
    live: Template,
    card: Reference,
    ephoto: Reference,
    thresholds: ThresholdSettings,
    *,
    small_portrait_eye_distance: float = 30.0,
) -> Verification:
    scores = (
        _score(engine, Comparison.LIVE_CARD, live, card.template, thresholds.live_card),
        _score(engine, Comparison.LIVE_EPHOTO, live, ephoto.template, thresholds.live_ephoto),
        _score(
            engine, Comparison.CARD_EPHOTO, card.template, ephoto.template, thresholds.card_ephoto
        ),
    )
    live_card, live_ephoto, card_ephoto = scores
    live_bands = [s.band for s in (live_card, live_ephoto) if s.band is not None]
    reasons: list[Reason] = []
    if card.template is None:
        reasons.append(Reason.CARD_MISSING)
    if ephoto.template is None:
        reasons.append(Reason.EPHOTO_MISSING)

    if Band.FAIL in live_bands:
        return Verification(
            Band.FAIL, (Reason.LIVE_MISMATCH, *reasons), scores, engine.name, engine.model_version
        )
    if card_ephoto.band is Band.FAIL:
        reasons.append(Reason.REFERENCES_DISAGREE)
    if Band.REVIEW in live_bands or card_ephoto.band is Band.REVIEW:
        reasons.append(Reason.BORDERLINE)
        if card.template is not None and card.eye_distance < small_portrait_eye_distance:
            reasons.append(Reason.CARD_PORTRAIT_SMALL)
        if card.age_years is not None and card.age_years >= AGE_GAP_YEARS:
            reasons.append(Reason.AGE_GAP)
    decision = Band.REVIEW if reasons or not live_bands else Band.PASS
    return Verification(decision, tuple(reasons), scores, engine.name, engine.model_version)
