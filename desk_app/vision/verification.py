"""Three-way verification: the live face against the card portrait and the registered e-photo.

Three distances (live-card, live-e-photo, card-e-photo), each banded by its own thresholds and
kept as evidence, and one decision with coded reasons that the UI words. With both references
the decision is the fused distance's band (``domain.matching.Fusion``): the chip portrait alone
is too small to decide (on the chip-like dev set a live-card limit at FMR 0.1 % passes far fewer
honest candidates than the fused rule at the same FMR). A live comparison that fails on its own
still keeps a fused pass from passing: it goes to review. A score in its own review band does
not: the fused limits were set on exactly the attack the card guards against (someone holding a
candidate's card faces two photos of that candidate), where they keep FMR at 0.1 %. Face
matching never confirms on its own: a pass lets the clerk confirm, anything else needs a
person's judgement (domain.md section 7).

Old card portraits: faces change over the years, so an honest candidate's distance to a
ten-year-old chip photo grows while an impostor's does not shrink. For a portrait 10 or more
years old (5 or more when it was taken before 16) the review band reaches ``age_gap_margin``
further: more cases go to a supervisor, none more pass.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from desk_app.config import ThresholdSettings
from desk_app.domain.decisions import FaceResult
from desk_app.domain.matching import Band, Thresholds
from desk_app.vision.engines import FaceEngine, Template

# Cards are valid for 5 (under 16), 10 (16-25) or 20 years (26-45), or for life; past these ages
# the portrait may look much younger than the person.
AGE_GAP_YEARS = 10
CHILD_AGE_GAP_YEARS = 5  # a portrait taken before 16 ages faster


class Comparison(enum.StrEnum):
    LIVE_CARD = "live_card"
    LIVE_EPHOTO = "live_ephoto"
    CARD_EPHOTO = "card_ephoto"
    FUSED = "fused"  # live against both references at once (domain.matching.Fusion)


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
    age_at_capture: float | None = None  # the person's age when it was taken, when known
    quality: dict[str, float] | None = None  # of a card portrait: size, eye distance, sharpness

    @property
    def is_old(self) -> bool:
        if self.age_years is None:
            return False
        if self.age_at_capture is not None and self.age_at_capture < 16:
            return self.age_years >= CHILD_AGE_GAP_YEARS
        return self.age_years >= AGE_GAP_YEARS


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
    card_quality: dict[str, float] | None = None
    # The fused score when both references were there. Not among ``scores``, which always hold
    # the three comparisons in order (the counter screen shows them as three rows).
    fused: Score | None = None
    card_missing: str = ""  # why there is no card template (a coded reason), when there is none
    # A confirmable match whose decisive distance (the fused one with both references, else the
    # live ones) lies just under its pass limit: the clerk compares the faces side by side
    # before confirming.
    near_miss: bool = False

    def result(self) -> FaceResult:
        """The match as the decision rule takes it."""
        live_ephoto = next(s for s in self.scores if s.comparison is Comparison.LIVE_EPHOTO)
        return FaceResult(
            decision=self.decision,
            only_card_portrait_missing=set(self.reasons) == {Reason.CARD_MISSING},
            live_ephoto=live_ephoto.band,
            near_miss=self.near_miss,
        )

    def as_record(self) -> dict[str, object]:
        """What the transition keeps as evidence: scores, thresholds, engine and model."""
        return {
            "decision": self.decision.value,
            "reasons": [reason.value for reason in self.reasons],
            "engine": self.engine,
            "model_version": self.model_version,
            "card_quality": self.card_quality,
            "card_missing": self.card_missing or None,
            "near_miss": self.near_miss,
            "fused": None
            if self.fused is None
            else {
                "distance": self.fused.distance,
                "band": self.fused.band.value if self.fused.band else None,
                "pass": self.fused.thresholds.passing,
                "review": self.fused.thresholds.review,
            },
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
    small_portrait_eye_distance: float = 20.0,
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
    old_card = card.template is not None and card.is_old

    fused: Score | None = None

    def verification(decision: Band, why: list[Reason]) -> Verification:
        return Verification(
            decision,
            tuple(why),
            scores,
            engine.name,
            engine.model_version,
            card.quality,
            fused,
            card.missing_reason if card.template is None else "",
        )

    if live_card.distance is not None and live_ephoto.distance is not None:
        fusion = thresholds.fusion
        if old_card:
            fusion = fusion.widened(thresholds.age_gap_margin)
        fused_distance = fusion.distance(live_card.distance, live_ephoto.distance)
        fused = Score(
            Comparison.FUSED,
            fused_distance,
            fusion.thresholds.band(fused_distance),
            fusion.thresholds,
        )
        if fused.band is Band.FAIL:
            return verification(Band.FAIL, [Reason.LIVE_MISMATCH, *reasons])
        # The fused band decides; either live score failing on its own keeps a fused pass in
        # review (a card of someone else with the impostor's own e-photo, for one).
        if fused.band is Band.REVIEW or Band.FAIL in live_bands:
            reasons.append(Reason.BORDERLINE)
    else:
        if Band.FAIL in live_bands:
            return verification(Band.FAIL, [Reason.LIVE_MISMATCH, *reasons])
        if Band.REVIEW in live_bands:
            reasons.append(Reason.BORDERLINE)
    if card_ephoto.band is Band.FAIL:
        reasons.append(Reason.REFERENCES_DISAGREE)
    if reasons and card.template is not None:
        if card.eye_distance < small_portrait_eye_distance:
            reasons.append(Reason.CARD_PORTRAIT_SMALL)
        if old_card:
            reasons.append(Reason.AGE_GAP)
    decision = Band.REVIEW if reasons or not live_bands else Band.PASS
    # A clerk may confirm a pass, and a live face passing against the e-photo when only the
    # chip portrait is missing (checked by eye): in both, a decisive distance just under its
    # limit is a near miss.
    confirmable = decision is Band.PASS or (
        reasons == [Reason.CARD_MISSING] and live_ephoto.band is Band.PASS
    )
    if confirmable:
        decisive = [fused] if fused is not None else [live_card, live_ephoto]
        near = any(
            score.distance is not None
            and score.thresholds.near_miss(score.distance, thresholds.near_miss_margin)
            for score in decisive
        )
        return replace(verification(decision, reasons), near_miss=near)
    return verification(decision, reasons)
