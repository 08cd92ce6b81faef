"""The active-liveness judge: a random challenge of two actions, judged frame by frame.

The judge is fed one observation per frame (a monotonic timestamp from one continuous capture,
the face's measures or None, and now and then the face's template) and answers what to show
next. It never reads images itself, so the counter's face worker, the command line, the tests
and the benchmark all run this one rule.

Phases: first a steady frontal face (its eye openness and yaw become the baselines, its template
the reference unless the counter gave the best shot's); then each action in turn, each with its
own time limit from the moment it is asked.

- ``blink``: a real close-open cycle: eyes seen open, then at least two frames in a row below
  ``closed_ratio`` of the baseline openness (both eyes), then open again, the dip deeper than
  four times the landmarks' noise on the open eyes before it. One low frame is not a blink; nor
  is a flat picture tipped back (openness is normalised by the face's proportion), nor the
  jitter of a print's landmarks.
- ``left`` / ``right``: the candidate's own left or right. In an unmirrored camera image a turn to
  the candidate's left moves the nose toward the image's right (yaw > 0). The head must turn at
  least ``turn_degrees`` from its baseline and come back within ``return_degrees`` of it. A turn
  the other way, or a turn while a blink is asked, fails the challenge: a recording replayed in
  another order gives itself away.
- Flat picture: the landmarks of the turned face must not follow one homography of the frontal
  ones (``planar.planar_residual``), and the nose tip must leave the plane of the brows, eyes and
  mouth (``planar.nose_parallax``); a picture turned or bent in the hand does neither.
- The same person throughout: every template taken during the challenge must be within
  ``same_person_limit`` of the reference, and the face may not jump across the frame.
"""

from __future__ import annotations

import enum
import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from desk_app.domain.errors import DeskError
from desk_app.vision.liveness.measures import FaceMeasure, scene_change
from desk_app.vision.liveness.planar import nose_parallax, planar_residual

Template = npt.NDArray[np.float32]


class Action(enum.StrEnum):
    BLINK = "blink"
    LEFT = "left"  # the candidate's own left
    RIGHT = "right"


ACTIONS: tuple[Action, ...] = (Action.BLINK, Action.LEFT, Action.RIGHT)


class LivenessError(DeskError):
    code = "liveness.invalid"


def parse_challenge(text: str) -> tuple[Action, ...]:
    """``"blink,left"`` -> (BLINK, LEFT); a coded error for anything else."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names:
        raise LivenessError("the challenge names no action", code="liveness.bad_challenge")
    try:
        return tuple(Action(name) for name in names)
    except ValueError as error:
        raise LivenessError(
            f"unknown action in {text!r}; choose from {', '.join(ACTIONS)}",
            code="liveness.bad_challenge",
        ) from error


def random_challenge(rng: random.Random | None = None, length: int = 2) -> tuple[Action, ...]:
    """Two different actions in a random order (six possible challenges)."""
    chooser = rng or random.SystemRandom()
    return tuple(chooser.sample(ACTIONS, length))


class Reason(enum.StrEnum):
    """Why a challenge (or one action) ended; the UI and the CLI word these codes."""

    PASSED = "liveness.passed"
    NOT_STEADY = "liveness.not_steady"
    TIMEOUT = "liveness.timeout"
    NO_RETURN = "liveness.no_return"
    WRONG_ACTION = "liveness.wrong_action"
    FLAT_PICTURE = "liveness.flat_picture"
    FACE_CHANGED = "liveness.face_changed"
    FACE_LOST = "liveness.face_lost"
    SEVERAL_FACES = "liveness.several_faces"
    CAPTURE_GAP = "liveness.capture_gap"
    PASSIVE = "liveness.passive"
    NOT_REACHED = "liveness.not_reached"  # an action after the one that failed
    INCOMPLETE = "liveness.incomplete"  # the frames ran out before the challenge ended


@dataclass(frozen=True)
class LivenessSettings:
    """The judge's limits. Measured on ../shared/data/liveness and the attacks of
    ``attacks.py`` (bench/liveness.py); see that benchmark for the figures."""

    action_seconds: float = 3.0
    settle_seconds: float = 5.0  # to show a steady frontal face before the first action
    settle_frames: int = 2
    frontal_degrees: float = 18.0
    frontal_model_degrees: float = 30.0  # the 3-D fit's yaw on a frontal face (a second opinion)
    turn_degrees: float = 20.0
    return_degrees: float = 10.0
    closed_ratio: float = 0.72  # of the baseline openness
    open_ratio: float = 0.85
    min_closed_frames: int = 2  # in a row
    min_open_frames: int = 5  # open-eye frames seen before a blink counts (to know their noise)
    blink_noise_factor: float = 4.0  # a blink is this many noise widths deep
    max_closed_seconds: float = 2.0
    planar_limit: float = 0.045  # RMS homography residual in eye distances; below is flat
    parallax_limit: float = 0.10  # the nose tip off the face's plane, eye distances; below is flat
    max_face_lost_seconds: float = 1.0
    max_frame_gap_seconds: float = 0.5
    max_jump_face_widths: float = 0.8  # face centre moving further than this between frames
    # The room around the person changing at once between two frames (grey levels, mean absolute
    # difference of the thumbnails): a cut between pictures, not one camera's continuous view.
    max_scene_change: float = 25.0  # genuine clips: at most 15 (a hand passing); slideshows 33-95
    max_size_change: float = 1.5  # face width growing or shrinking by more between frames
    template_every_seconds: float = 0.5
    template_pitch_degrees: float = 12.0  # templates only near the baseline pitch too
    changed_templates: int = 2  # this many templates in a row past the limit: another face
    changed_margin: float = 0.15  # one template this far past the limit: another face at once
    several_faces_frames: int = 3


@dataclass
class ActionResult:
    action: Action
    reason: Reason = Reason.NOT_REACHED
    detail: str = ""
    asked_frame: int | None = None
    asked_at: float | None = None
    seen_frames: list[int] = field(default_factory=list)  # the frames where the action was seen
    done_frame: int | None = None
    done_at: float | None = None
    peak: float | None = None  # degrees of the turn, or the lowest openness ratio of the blink
    planar_residual: float | None = None
    nose_parallax: float | None = None

    @property
    def passed(self) -> bool:
        return self.reason is Reason.PASSED


@dataclass(frozen=True)
class LivenessResult:
    challenge: tuple[Action, ...]
    passed: bool
    reason: Reason
    detail: str
    actions: tuple[ActionResult, ...]
    reference_frame: int | None
    prompt_at: float | None  # when the first action was asked
    finished_at: float | None
    frames_seen: int
    identity_distances: tuple[float, ...]
    evidence_frames: tuple[int, ...]  # the reference and each action's key frame

    @property
    def seconds_to_pass(self) -> float | None:
        if not self.passed or self.prompt_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.prompt_at


@dataclass(frozen=True)
class Prompt:
    """What the screen should show now."""

    action: Action | None  # None while settling or when finished
    seconds_left: float
    finished: bool
    passed: bool


_MESSAGES: dict[Reason, str] = {
    Reason.PASSED: "the action was seen",
    Reason.NOT_STEADY: "no steady face looking at the camera",
    Reason.TIMEOUT: "the action was not seen in time",
    Reason.NO_RETURN: "the head turned but did not come back to the front in time",
    Reason.WRONG_ACTION: "a different action was performed",
    Reason.FLAT_PICTURE: "the face moved like a flat picture (a photo or a screen), not a head",
    Reason.FACE_CHANGED: "the face changed during the challenge",
    Reason.FACE_LOST: "the face left the picture during the challenge",
    Reason.SEVERAL_FACES: "more than one face is in front of the camera",
    Reason.CAPTURE_GAP: "the frames do not come from one continuous capture",
    Reason.PASSIVE: "the passive check judged the face not live",
    Reason.NOT_REACHED: "not asked: an earlier action failed",
    Reason.INCOMPLETE: "the recording ended before the challenge did",
}


def reason_text(reason: Reason) -> str:
    return _MESSAGES[reason]


class _Stage(enum.Enum):
    SETTLING = "settling"
    ACTING = "acting"
    DONE = "done"


class ChallengeJudge:
    """Judges one challenge; feed it every frame in capture order (``observe``)."""

    def __init__(
        self,
        challenge: Sequence[Action],
        *,
        settings: LivenessSettings | None = None,
        distance: Callable[[Template, Template], float] | None = None,
        same_person_limit: float = 0.70,
        reference: Template | None = None,
    ) -> None:
        if not challenge:
            raise LivenessError("the challenge names no action", code="liveness.bad_challenge")
        self.challenge = tuple(challenge)
        self.settings = settings or LivenessSettings()
        self._distance = distance
        self._limit = same_person_limit
        self._reference = reference
        self._reference_frame: int | None = None
        self._stage = _Stage.SETTLING
        self._results = [ActionResult(action) for action in self.challenge]
        self._current = 0
        self._reason: Reason | None = None
        self._detail = ""
        self._frames = 0
        self._started_at: float | None = None
        self._last_at: float | None = None
        self._last_face_at: float | None = None
        self._last_measure: FaceMeasure | None = None
        self._last_scene: npt.NDArray[np.float32] | None = None
        self._settle: list[tuple[int, FaceMeasure]] = []
        self._baseline_yaw = 0.0
        self._baseline_pitch = 0.0
        self._far_templates = 0
        self._openness: list[float] = []
        self._prompt_at: float | None = None
        self._finished_at: float | None = None
        self._last_template_at: float | None = None
        self._distances: list[float] = []
        self._crowded = 0
        # per-action working state
        self._frontal: FaceMeasure | None = None
        self._turned = False
        self._eyes_seen_open = False
        self._dip: list[tuple[int, float, float]] = []  # (frame, time, ratio)
        self._open_values: list[float] = []  # openness outside blinks while a blink is awaited

    # -- what the caller asks -------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self._stage is _Stage.DONE

    @property
    def current_action(self) -> Action | None:
        if self._stage is not _Stage.ACTING:
            return None
        return self.challenge[self._current]

    def prompt(self, now: float | None = None) -> Prompt:
        at = now if now is not None else (self._last_at or 0.0)
        if self._stage is _Stage.ACTING:
            asked = self._results[self._current].asked_at or at
            left = max(self.settings.action_seconds - (at - asked), 0.0)
            return Prompt(self.challenge[self._current], left, False, False)
        if self._stage is _Stage.SETTLING:
            started = self._started_at if self._started_at is not None else at
            left = max(self.settings.settle_seconds - (at - started), 0.0)
            return Prompt(None, left, False, False)
        return Prompt(None, 0.0, True, self._reason is Reason.PASSED)

    def wants_template(self, timestamp: float, measure: FaceMeasure | None = None) -> bool:
        """True when the next observation (of ``measure``) should carry the face's template:
        during the challenge every ``template_every_seconds``, on near-frontal frames only (a
        recogniser's distances grow on turned faces; a swapped face shows itself frontal)."""
        if self._distance is None or self.finished:
            return False
        if measure is not None and not self._frontal_face(measure):
            return False
        if measure is not None and self._stage is _Stage.ACTING:
            if abs(self._relative_yaw(measure)) > self.settings.frontal_degrees:
                return False
            if abs(measure.pitch - self._baseline_pitch) > self.settings.template_pitch_degrees:
                return False
        if self._reference is None:
            return self._stage is _Stage.SETTLING
        if self._stage is not _Stage.ACTING:
            return False
        last = self._last_template_at
        return last is None or timestamp - last >= self.settings.template_every_seconds

    @property
    def evidence_frames(self) -> tuple[int, ...]:
        """The reference frame and each action's first seen frame (eyes closed, head turned),
        so far; once named, a frame stays named."""
        evidence = [self._reference_frame] if self._reference_frame is not None else []
        for item in self._results:
            if item.seen_frames:
                evidence.append(item.seen_frames[0])
        return tuple(evidence)

    def result(self) -> LivenessResult:
        reason = self._reason or Reason.INCOMPLETE
        actions = [replace(item, seen_frames=list(item.seen_frames)) for item in self._results]
        if self._reason is None:
            for item in actions:
                if item.reason is Reason.NOT_REACHED:
                    item.reason = Reason.INCOMPLETE
                    item.detail = reason_text(Reason.INCOMPLETE)
                    break
        for item in actions:
            if item.reason is Reason.NOT_REACHED and not item.detail:
                item.detail = reason_text(Reason.NOT_REACHED)
        if reason is Reason.PASSED:
            detail = "every action was seen in time"
        else:
            detail = self._detail or reason_text(reason)
        return LivenessResult(
            challenge=self.challenge,
            passed=reason is Reason.PASSED,
            reason=reason,
            detail=detail,
            actions=tuple(actions),
            reference_frame=self._reference_frame,
            prompt_at=self._prompt_at,
            finished_at=self._finished_at,
            frames_seen=self._frames,
            identity_distances=tuple(self._distances),
            evidence_frames=self.evidence_frames,
        )

    def fail_externally(self, reason: Reason, detail: str, timestamp: float) -> None:
        """End the challenge with a failure found outside the judge (the passive check)."""
        if not self.finished:
            self._fail(reason, detail, timestamp)

    # -- the frames -----------------------------------------------------------------------

    def observe(
        self,
        frame: int,
        timestamp: float,
        measure: FaceMeasure | None,
        template: Template | None = None,
    ) -> Prompt:
        if self.finished:
            return self.prompt(timestamp)
        self._frames += 1
        if self._last_at is not None:
            if timestamp <= self._last_at:
                self._fail(Reason.CAPTURE_GAP, "frame timestamps went backwards", timestamp)
                return self.prompt(timestamp)
            if timestamp - self._last_at > self.settings.max_frame_gap_seconds:
                self._fail(
                    Reason.CAPTURE_GAP,
                    f"{timestamp - self._last_at:.2f} s passed between two frames",
                    timestamp,
                )
                return self.prompt(timestamp)
        if self._started_at is None:
            self._started_at = timestamp
        self._last_at = timestamp
        if measure is not None and measure.scene is not None:
            last, self._last_scene = self._last_scene, measure.scene
            change = scene_change(last, measure.scene) if last is not None else None
            if change is not None and change > self.settings.max_scene_change:
                self._fail(
                    Reason.CAPTURE_GAP,
                    f"the view around the face changed at once ({change:.0f} grey levels): "
                    "a cut between pictures, not one camera's continuous view",
                    timestamp,
                )
                return self.prompt(timestamp)
        if self._stage is _Stage.SETTLING:
            self._settling(frame, timestamp, measure, template)
        else:
            self._acting(frame, timestamp, measure, template)
        return self.prompt(timestamp)

    def _settling(
        self, frame: int, at: float, measure: FaceMeasure | None, template: Template | None
    ) -> None:
        started = self._started_at if self._started_at is not None else at
        if at - started > self.settings.settle_seconds:
            self._fail(Reason.NOT_STEADY, reason_text(Reason.NOT_STEADY), at)
            return
        if measure is None or not self._frontal_face(measure):
            self._settle.clear()
            return
        if self._settle and self._jumped(self._settle[-1][1], measure):
            self._settle.clear()
        self._settle.append((frame, measure))
        self._last_measure = measure
        self._last_face_at = at
        if self._reference is None and self._distance is not None and template is not None:
            self._reference = template
            self._reference_frame = frame
        if len(self._settle) < self.settings.settle_frames:
            return
        if self._distance is not None and self._reference is None:
            return  # wait for a frame with a template
        if self._reference_frame is None:
            self._reference_frame = self._settle[-1][0]
        self._baseline_yaw = statistics.median(m.yaw for _, m in self._settle)
        self._baseline_pitch = statistics.median(m.pitch for _, m in self._settle)
        self._openness = [m.openness for _, m in self._settle]
        self._stage = _Stage.ACTING
        self._prompt_at = at
        self._ask(frame, at, measure)

    def _ask(self, frame: int, at: float, measure: FaceMeasure | None) -> None:
        item = self._results[self._current]
        item.asked_frame, item.asked_at = frame, at
        self._frontal = measure
        self._turned = False
        self._eyes_seen_open = False
        self._dip = []
        self._open_values = []

    def _acting(
        self, frame: int, at: float, measure: FaceMeasure | None, template: Template | None
    ) -> None:
        item = self._results[self._current]
        asked = item.asked_at if item.asked_at is not None else at
        if measure is None:
            last = self._last_face_at if self._last_face_at is not None else at
            if at - last > self.settings.max_face_lost_seconds:
                self._fail(Reason.FACE_LOST, reason_text(Reason.FACE_LOST), at)
            elif at - asked > self.settings.action_seconds:
                self._time_out(item, at)
            return
        if self._last_measure is not None and self._jumped(self._last_measure, measure):
            self._fail(Reason.FACE_CHANGED, "the face jumped to another place in the frame", at)
            return
        self._crowded = self._crowded + 1 if measure.faces_seen > 1 else 0
        if self._crowded >= self.settings.several_faces_frames:
            self._fail(Reason.SEVERAL_FACES, reason_text(Reason.SEVERAL_FACES), at)
            return
        self._last_measure = measure
        self._last_face_at = at
        if template is not None and self._reference is not None and self._distance is not None:
            self._last_template_at = at
            distance = self._distance(self._reference, template)
            self._distances.append(distance)
            self._far_templates = self._far_templates + 1 if distance > self._limit else 0
            if (
                self._far_templates >= self.settings.changed_templates
                or distance > self._limit + self.settings.changed_margin
            ):
                self._fail(
                    Reason.FACE_CHANGED,
                    f"a face at frame {frame} is not the reference face "
                    f"(distance {distance:.2f} > {self._limit:.2f})",
                    at,
                )
                return
        if item.action is Action.BLINK:
            self._blink(item, frame, at, measure)
        else:
            self._turn(item, frame, at, measure)
        if (
            not self.finished
            and self._results[self._current] is item
            and not item.passed
            and at - asked > self.settings.action_seconds
        ):
            self._time_out(item, at)

    def _frontal_face(self, measure: FaceMeasure) -> bool:
        return (
            abs(measure.yaw) <= self.settings.frontal_degrees
            and abs(measure.model_yaw) <= self.settings.frontal_model_degrees
        )

    def _turned_toward(self, measure: FaceMeasure, sign: float) -> bool:
        """Turned toward the candidate's left (``sign`` 1) or right (-1): from the baseline and
        away from the camera too. A candidate who settled a little turned does not "turn 20 deg"
        by facing the camera."""
        limit = self.settings.turn_degrees
        return self._relative_yaw(measure) * sign >= limit and measure.yaw * sign >= limit / 2

    def _relative_yaw(self, measure: FaceMeasure) -> float:
        return measure.yaw - self._baseline_yaw

    def _blink(self, item: ActionResult, frame: int, at: float, measure: FaceMeasure) -> None:
        limits = self.settings
        for side, sign in (("left", 1.0), ("right", -1.0)):
            if self._turned_toward(measure, sign):
                self._fail(
                    Reason.WRONG_ACTION, f"the head turned {side} while a blink was asked", at
                )
                return
        baseline = statistics.median(self._openness[-25:]) if self._openness else 0.0
        if baseline <= 0:
            return
        ratio = measure.openness / baseline
        both_low = max(measure.openness_right, measure.openness_left) / baseline < limits.open_ratio
        if ratio >= limits.open_ratio:
            if self._dip and self._eyes_seen_open and self._is_blink(baseline):
                item.seen_frames = [f for f, _, r in self._dip if r <= limits.closed_ratio]
                item.peak = round(min(r for _, _, r in self._dip), 3)
                self._complete(item, frame, at)
                return
            # A dip that was no blink is part of the open eyes' noise.
            self._open_values.extend(baseline * r for _, _, r in self._dip)
            self._dip = []
            self._eyes_seen_open = True
            self._open_values.append(measure.openness)
            self._openness.append(measure.openness)
            return
        if not self._eyes_seen_open:
            return
        if ratio <= limits.closed_ratio and not both_low:
            return  # one eye only: a wink or a landmark slip, not a blink
        self._dip.append((frame, at, ratio))

    def _is_blink(self, baseline: float) -> bool:
        """The dip just ended is a blink: two frames in a row closed, not too long, and deeper
        than the landmarks' own noise on the open eyes before it (a print's landmarks jitter;
        a real eye's do not move while open)."""
        limits = self.settings
        run = longest = 0
        for _, _, ratio in self._dip:
            run = run + 1 if ratio <= limits.closed_ratio else 0
            longest = max(longest, run)
        lasted = self._dip[-1][1] - self._dip[0][1]
        if longest < limits.min_closed_frames or lasted > limits.max_closed_seconds:
            return False
        recent = self._open_values[-25:]
        if len(recent) < limits.min_open_frames:
            return False
        centre = statistics.median(recent)
        noise = max(1.4826 * statistics.median(abs(v - centre) for v in recent), 0.01 * centre)
        depth = baseline * (1 - min(r for _, _, r in self._dip))
        return depth >= limits.blink_noise_factor * noise

    def _turn(self, item: ActionResult, frame: int, at: float, measure: FaceMeasure) -> None:
        limits = self.settings
        wanted = 1.0 if item.action is Action.LEFT else -1.0
        yaw = self._relative_yaw(measure) * wanted  # positive: toward the asked side
        if self._turned_toward(measure, -wanted):
            asked_side = "left" if item.action is Action.LEFT else "right"
            other_side = "right" if asked_side == "left" else "left"
            self._fail(
                Reason.WRONG_ACTION,
                f"the head turned {other_side} while {asked_side} was asked",
                at,
            )
            return
        turned = self._turned_toward(measure, wanted)
        if not self._turned:
            if abs(yaw) <= limits.return_degrees:
                self._frontal = measure  # the latest frontal pose before the turn
            if turned:
                self._turned = True
        if self._turned:
            if turned:
                item.seen_frames.append(frame)
                item.peak = max(item.peak or 0.0, round(yaw, 1))
                if self._frontal is not None:
                    plane = planar_residual(self._frontal.landmarks, measure.landmarks)
                    item.planar_residual = round(max(item.planar_residual or 0.0, plane), 4)
                    nose = nose_parallax(self._frontal.landmarks, measure.landmarks)
                    item.nose_parallax = round(max(item.nose_parallax or 0.0, nose), 4)
            elif yaw <= limits.return_degrees:
                residual, parallax = item.planar_residual, item.nose_parallax
                if residual is not None and residual < limits.planar_limit:
                    self._fail(
                        Reason.FLAT_PICTURE,
                        f"the turned face followed one plane (residual {residual:.3f} < "
                        f"{limits.planar_limit:.3f} eye distances)",
                        at,
                    )
                    return
                if parallax is not None and parallax < limits.parallax_limit:
                    self._fail(
                        Reason.FLAT_PICTURE,
                        f"the nose stayed on the plane of the eyes and mouth while turning "
                        f"(parallax {parallax:.3f} < {limits.parallax_limit:.3f} eye distances)",
                        at,
                    )
                    return
                self._complete(item, frame, at)

    def _complete(self, item: ActionResult, frame: int, at: float) -> None:
        item.reason = Reason.PASSED
        item.detail = reason_text(Reason.PASSED)
        item.done_frame, item.done_at = frame, at
        self._current += 1
        if self._current == len(self.challenge):
            self._stage = _Stage.DONE
            self._reason = Reason.PASSED
            self._finished_at = at
            return
        self._ask(frame, at, self._last_measure)

    def _time_out(self, item: ActionResult, at: float) -> None:
        if item.action is not Action.BLINK and self._turned:
            self._fail(Reason.NO_RETURN, reason_text(Reason.NO_RETURN), at)
            return
        seconds = self.settings.action_seconds
        what = "blink" if item.action is Action.BLINK else f"turn to the {item.action.value}"
        self._fail(Reason.TIMEOUT, f"no {what} was seen within {seconds:g} s", at)

    def _fail(self, reason: Reason, detail: str, at: float) -> None:
        self._stage = _Stage.DONE
        self._reason = reason
        self._detail = detail
        self._finished_at = at
        if self._current < len(self._results):
            item = self._results[self._current]
            item.reason, item.detail = reason, detail
            item.done_at = at

    def _jumped(self, before: FaceMeasure, after: FaceMeasure) -> bool:
        (x0, y0), (x1, y1) = before.centre, after.centre
        width = max(before.face.box[2], 1)
        change = max(after.face.box[2], 1) / width
        limit = self.settings.max_size_change
        return bool(
            np.hypot(x1 - x0, y1 - y0) > self.settings.max_jump_face_widths * width
            or not 1 / limit <= change <= limit
        )
