"""The liveness judge's rule on synthetic measures (no models): blinks, turns, their order,
the flat-picture test, the same-person check, time-outs and the capture's continuity."""

from __future__ import annotations

import random

import numpy as np
import pytest

from desk_app.vision.liveness.judge import (
    Action,
    ChallengeJudge,
    LivenessError,
    LivenessSettings,
    Reason,
    parse_challenge,
    random_challenge,
)
from desk_app.vision.liveness.measures import FaceMeasure
from tests.support.liveness_faces import synthetic_measure

FPS = 25.0


def run(judge: ChallengeJudge, measures: list[FaceMeasure | None], templates=None):
    for index, measure in enumerate(measures):
        template = None
        if templates is not None and judge.wants_template(index / FPS, measure):
            template = templates(index)
        judge.observe(index, index / FPS, measure, template)
        if judge.finished:
            break
    return judge.result()


def still(frames: int, **kwargs) -> list[FaceMeasure | None]:
    return [synthetic_measure(**kwargs) for _ in range(frames)]


def blink(closed_frames: int = 2) -> list[FaceMeasure | None]:
    return (
        [synthetic_measure(openness=0.8)]
        + [synthetic_measure(openness=0.1) for _ in range(closed_frames)]
        + [synthetic_measure(openness=0.8)]
    )


def turn(peak: float, *, flat: bool = False) -> list[FaceMeasure | None]:
    steps = [peak * k / 5 for k in range(1, 6)] + [peak * k / 5 for k in range(4, -1, -1)]
    return [synthetic_measure(yaw, flat=flat) for yaw in steps]


def test_a_blink_is_a_close_and_open_cycle() -> None:
    result = run(ChallengeJudge([Action.BLINK]), still(8) + blink() + still(5))
    assert result.passed
    assert result.actions[0].seen_frames == [9, 10]


def test_a_dip_within_the_landmarks_noise_is_no_blink() -> None:
    rng = np.random.default_rng(3)
    jitter = [synthetic_measure(openness=float(v)) for v in rng.uniform(0.55, 1.15, size=20)]
    dip = [synthetic_measure(openness=0.6) for _ in range(2)]
    frames = [synthetic_measure(openness=1.0) for _ in range(3)] + jitter + dip + still(60)
    assert run(ChallengeJudge([Action.BLINK]), frames).reason is Reason.TIMEOUT
    steady = [synthetic_measure(openness=1.0) for _ in range(23)] + dip + still(3)
    assert run(ChallengeJudge([Action.BLINK]), steady).passed


def test_a_single_low_frame_is_no_blink() -> None:
    result = run(ChallengeJudge([Action.BLINK]), still(8) + blink(closed_frames=1) + still(90))
    assert not result.passed
    assert result.reason is Reason.TIMEOUT


def test_eyes_that_close_and_stay_closed_are_no_blink() -> None:
    frames = still(5) + [synthetic_measure(openness=0.1) for _ in range(90)]
    assert run(ChallengeJudge([Action.BLINK]), frames).reason is Reason.TIMEOUT


def test_a_wink_is_no_blink() -> None:
    wink = [synthetic_measure(right_openness=0.05) for _ in range(3)]
    result = run(ChallengeJudge([Action.BLINK]), still(5) + wink + still(90))
    assert result.reason is Reason.TIMEOUT


def test_turn_left_is_the_nose_toward_the_image_right_and_back() -> None:
    result = run(ChallengeJudge([Action.LEFT]), still(3) + turn(30) + still(3))
    assert result.passed
    assert result.actions[0].peak == pytest.approx(30)


def test_a_turn_without_the_return_is_worded() -> None:
    frames = still(3) + [synthetic_measure(30) for _ in range(90)]
    result = run(ChallengeJudge([Action.LEFT]), frames)
    assert result.reason is Reason.NO_RETURN
    assert "did not come back" in result.detail


def test_turning_the_other_way_fails_at_once() -> None:
    result = run(ChallengeJudge([Action.LEFT, Action.BLINK]), still(3) + turn(-30) + still(3))
    assert result.reason is Reason.WRONG_ACTION
    assert result.detail == "the head turned right while left was asked"
    assert result.actions[1].reason is Reason.NOT_REACHED


def test_a_replay_in_the_wrong_order_fails() -> None:
    recording = still(8) + blink() + still(3) + turn(30) + still(3)
    assert run(ChallengeJudge([Action.BLINK, Action.LEFT]), recording).passed
    replayed = run(ChallengeJudge([Action.LEFT, Action.BLINK]), recording + still(90))
    assert not replayed.passed
    assert replayed.actions[0].passed  # the turn came...
    assert replayed.actions[1].reason is Reason.TIMEOUT  # ...but the blink had come before it


def test_a_turn_while_a_blink_is_asked_fails() -> None:
    result = run(ChallengeJudge([Action.BLINK, Action.LEFT]), still(3) + turn(30) + blink())
    assert result.reason is Reason.WRONG_ACTION


def test_a_flat_picture_turned_is_refused() -> None:
    flat = run(ChallengeJudge([Action.LEFT]), still(3, flat=True) + turn(35, flat=True))
    assert flat.reason is Reason.FLAT_PICTURE
    assert "one plane" in flat.detail
    head = run(ChallengeJudge([Action.LEFT]), still(3) + turn(35))
    assert head.passed
    assert flat.actions[0].planar_residual is not None
    assert (head.actions[0].planar_residual or 0) > flat.actions[0].planar_residual


def test_time_outs_are_worded() -> None:
    result = run(ChallengeJudge([Action.RIGHT]), still(120))
    assert result.reason is Reason.TIMEOUT
    assert result.detail == "no turn to the right was seen within 3 s"
    settings = LivenessSettings(action_seconds=1.5)
    result = run(ChallengeJudge([Action.BLINK], settings=settings), still(120))
    assert result.detail == "no blink was seen within 1.5 s"
    # Asked at the second frame (a steady face takes two), timed out at the first frame past
    # 1.5 s after that.
    assert result.actions[0].asked_at == pytest.approx(1 / FPS)
    assert result.finished_at == pytest.approx(1 / FPS + 1.52, abs=0.001)


def test_no_steady_face_is_worded() -> None:
    result = run(ChallengeJudge([Action.BLINK]), [None] * 200)
    assert result.reason is Reason.NOT_STEADY
    assert result.prompt_at is None


def test_the_face_may_not_leave_for_long() -> None:
    result = run(ChallengeJudge([Action.BLINK]), still(3) + [None] * 40 + still(5))
    assert result.reason is Reason.FACE_LOST


def test_a_face_that_jumps_is_another_face() -> None:
    moved = still(3) + still(3, centre=(520.0, 240.0))
    assert run(ChallengeJudge([Action.BLINK]), moved).reason is Reason.FACE_CHANGED
    grown = still(3) + still(3, scale=120.0)
    assert run(ChallengeJudge([Action.BLINK]), grown).reason is Reason.FACE_CHANGED


def _distance(first: np.ndarray, second: np.ndarray) -> float:
    return float(np.linalg.norm(first - second))


def test_a_swap_mid_challenge_fails_on_the_templates() -> None:
    me, other = np.zeros(4, dtype=np.float32), np.ones(4, dtype=np.float32)
    frames = still(8) + blink() + still(90)

    def same(_: int) -> np.ndarray:
        return me

    judge = ChallengeJudge([Action.BLINK, Action.LEFT], distance=_distance, same_person_limit=1.0)
    assert run(judge, frames, same).reason is Reason.TIMEOUT  # the same face: no swap found

    def swapped(index: int) -> np.ndarray:
        return me if index < 13 else other

    judge = ChallengeJudge([Action.BLINK, Action.LEFT], distance=_distance, same_person_limit=1.0)
    result = run(judge, frames, swapped)
    assert result.reason is Reason.FACE_CHANGED
    assert "not the reference face" in result.detail
    assert max(result.identity_distances) == pytest.approx(2.0)


def test_the_best_shot_is_the_reference_when_given() -> None:
    judge = ChallengeJudge(
        [Action.BLINK], distance=_distance, same_person_limit=1.0, reference=np.ones(4)
    )
    result = run(judge, still(8) + blink(), lambda _: np.zeros(4, dtype=np.float32))
    assert result.reason is Reason.FACE_CHANGED


def test_frames_must_come_from_one_continuous_capture() -> None:
    judge = ChallengeJudge([Action.BLINK])
    judge.observe(0, 1.0, synthetic_measure())
    judge.observe(1, 0.9, synthetic_measure())
    assert judge.result().reason is Reason.CAPTURE_GAP
    judge = ChallengeJudge([Action.BLINK])
    judge.observe(0, 1.0, synthetic_measure())
    judge.observe(1, 2.0, synthetic_measure())
    assert judge.result().reason is Reason.CAPTURE_GAP


def test_several_large_faces_fail() -> None:
    frames = still(3) + still(5, faces_seen=2)
    assert run(ChallengeJudge([Action.BLINK]), frames).reason is Reason.SEVERAL_FACES


def test_challenges_parse_and_draw() -> None:
    assert parse_challenge("blink, LEFT") == (Action.BLINK, Action.LEFT)
    with pytest.raises(LivenessError) as error:
        parse_challenge("blink,nod")
    assert error.value.code == "liveness.bad_challenge"
    drawn = {random_challenge(random.Random(seed)) for seed in range(200)}
    assert len(drawn) == 6
    assert all(len(set(challenge)) == 2 for challenge in drawn)
