"""Runs the judge over a sequence of frames: measures each frame, takes templates when the judge
asks, consults the passive slot on the evidence frames, and keeps those frames.

The counter's face worker does the same per frame through ``LiveChallenge``; the command line,
the tests and the benchmark call ``judge_clip`` on a whole recording.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from desk_app.vision.images import RGBImage
from desk_app.vision.liveness.clips import ClipFrame
from desk_app.vision.liveness.judge import (
    Action,
    ChallengeJudge,
    LivenessResult,
    LivenessSettings,
    Prompt,
    Reason,
    Template,
)
from desk_app.vision.liveness.measures import FaceMeasure, FaceMeasurer
from desk_app.vision.liveness.passive import PassiveCheck

# A blink's closed frames are named when the eyes open again (max_closed_seconds at 25 fps).
_RECENT_FRAMES = 60


@dataclass
class LiveChallenge:
    """One challenge in progress on a live capture: ``feed`` every frame, show ``prompt``."""

    judge: ChallengeJudge
    measurer: FaceMeasurer
    passive: PassiveCheck | None = None
    evidence_limit: int = 4
    evidence: dict[int, RGBImage] = field(default_factory=dict)
    measures: dict[int, FaceMeasure] = field(default_factory=dict)
    seconds_measuring: float = 0.0
    frames_measured: int = 0

    def feed(self, index: int, timestamp: float, rgb: RGBImage) -> Prompt:
        started = time.perf_counter()
        measure = self.measurer.measure(rgb)
        template: Template | None = None
        if measure is not None and self.judge.wants_template(timestamp, measure):
            template = self.measurer.encode(rgb, measure)
        prompt = self.judge.observe(index, timestamp, measure, template)
        self.seconds_measuring += time.perf_counter() - started
        self.frames_measured += 1
        if measure is not None:
            self._keep(index, rgb, measure)
        if prompt.finished and prompt.passed and self.passive is not None:
            prompt = self._passive_check(timestamp)
        return prompt

    def _keep(self, index: int, rgb: RGBImage, measure: FaceMeasure) -> None:
        """Keep the frames the judge names as evidence (the reference, each action's first
        seen frame); a blink's first closed frame is named only a few frames later, so the
        latest few frames are kept too."""
        self.evidence[index] = rgb.copy()
        self.measures[index] = measure
        wanted = set(self.judge.evidence_frames)
        recent = sorted(self.evidence)[-_RECENT_FRAMES:]
        for old in [i for i in self.evidence if i not in wanted and i not in recent]:
            del self.evidence[old]
            self.measures.pop(old, None)

    def _passive_check(self, timestamp: float) -> Prompt:
        assert self.passive is not None
        scores = [
            self.passive.live_probability(self.evidence[i], self.measures[i].face)
            for i in self.judge.evidence_frames
            if i in self.evidence
        ]
        if scores and float(np.mean(scores)) < self.passive.threshold:
            self.judge.fail_externally(
                Reason.PASSIVE,
                f"{self.passive.name}: live probability {float(np.mean(scores)):.2f} < "
                f"{self.passive.threshold:.2f}",
                timestamp,
            )
        return self.judge.prompt(timestamp)

    def evidence_images(self) -> list[tuple[int, RGBImage]]:
        """The kept evidence frames named by the result (the reference and the actions)."""
        frames = self.judge.evidence_frames[: self.evidence_limit]
        return [(i, self.evidence[i]) for i in frames if i in self.evidence]


@dataclass(frozen=True)
class ClipVerdict:
    result: LivenessResult
    frames: int
    ms_per_frame: float
    evidence: tuple[tuple[int, RGBImage], ...]


def judge_clip(
    frames: Iterable[ClipFrame],
    challenge: Sequence[Action],
    measurer: FaceMeasurer,
    *,
    settings: LivenessSettings | None = None,
    same_person_limit: float = 0.70,
    reference: Template | None = None,
    passive: PassiveCheck | None = None,
) -> ClipVerdict:
    """Judge a recording from its first frame; stops reading when the judge has decided."""
    judge = ChallengeJudge(
        challenge,
        settings=settings,
        distance=measurer.engine.distance,
        same_person_limit=same_person_limit,
        reference=reference,
    )
    live = LiveChallenge(judge, measurer, passive)
    count = 0
    for frame in frames:
        count += 1
        if live.feed(frame.index, frame.timestamp, frame.rgb).finished:
            break
    per_frame = 1000 * live.seconds_measuring / max(live.frames_measured, 1)
    return ClipVerdict(judge.result(), count, per_frame, tuple(live.evidence_images()))
