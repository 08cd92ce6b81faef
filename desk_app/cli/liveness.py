"""``desk-app liveness check SOURCE --challenge blink,left``: run the counter's liveness judge on
a recording (a video file or a folder of frames sorted by name) and say whether it passes.

Exit status 0 on pass, 1 on fail. The output names, per action, the reason and the frame
numbers where the action was seen; ``--json`` prints the same as one JSON object. Nothing of
the face leaves the process: no image is written, only frame numbers and measures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from desk_app.bootstrap import load_face_engine
from desk_app.cli.common import common_options, fail, settings_from
from desk_app.config import ENGINES
from desk_app.domain.errors import DeskError
from desk_app.vision.liveness.clips import clip_fps, read_clip
from desk_app.vision.liveness.judge import LivenessResult, LivenessSettings, parse_challenge
from desk_app.vision.liveness.measures import FaceMeasurer
from desk_app.vision.liveness.runner import judge_clip


@click.group()
def liveness() -> None:
    """Active liveness: judge a recorded challenge offline."""


@liveness.command("check")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--challenge",
    required=True,
    help="The actions asked, in order, comma-separated: blink, left, right (the candidate's own).",
)
@click.option(
    "--fps",
    type=click.FloatRange(min=0, min_open=True, max=1000),
    default=None,
    help="Frame rate of SOURCE (default: a video's own rate; 25 for a folder).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.5, max=60),
    default=LivenessSettings().action_seconds,
    show_default=True,
    help="Seconds allowed for each action.",
)
@click.option("--engine", "engine_name", type=click.Choice(list(ENGINES)), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@common_options
@click.pass_context
def liveness_check(
    ctx: click.Context,
    source: Path,
    challenge: str,
    fps: float | None,
    time_limit: float,
    engine_name: str | None,
    as_json: bool,
) -> None:
    """Judge the recording SOURCE against the challenge; exit 0 on pass, 1 on fail."""
    settings = settings_from(ctx)
    engine_name = engine_name or settings.faces.engine
    try:
        actions = parse_challenge(challenge)
        rate = clip_fps(source, fps)
        measurer = FaceMeasurer(load_face_engine(engine_name))
        verdict = judge_clip(
            read_clip(source, rate),
            actions,
            measurer,
            settings=LivenessSettings(action_seconds=time_limit),
            same_person_limit=settings.thresholds_for(engine_name).live_ephoto_review,
        )
    except DeskError as error:
        fail(f"{error.message} [{error.code}]")
        return
    result = verdict.result
    if as_json:
        click.echo(json.dumps(_as_dict(result, rate, verdict.frames), ensure_ascii=False))
    else:
        _print(result, rate)
    sys.exit(0 if result.passed else 1)


def _as_dict(result: LivenessResult, fps: float, frames: int) -> dict[str, Any]:
    return {
        "passed": result.passed,
        "code": result.reason.value,
        "reason": result.detail,
        "challenge": [action.value for action in result.challenge],
        "fps": fps,
        "frames_read": frames,
        "reference_frame": result.reference_frame,
        "seconds_to_pass": result.seconds_to_pass,
        "actions": [
            {
                "action": item.action.value,
                "passed": item.passed,
                "code": item.reason.value,
                "reason": item.detail,
                "asked_frame": item.asked_frame,
                "seen_frames": item.seen_frames,
                "done_frame": item.done_frame,
                "peak": item.peak,
                "planar_residual": item.planar_residual,
                "nose_parallax": item.nose_parallax,
            }
            for item in result.actions
        ],
    }


def _print(result: LivenessResult, fps: float) -> None:
    verdict = "PASS" if result.passed else "FAIL"
    click.echo(f"{verdict}: {result.detail} [{result.reason.value}] ({fps:g} fps)")
    for item in result.actions:
        seen = _ranges(item.seen_frames) or "-"
        extra = []
        if item.peak is not None:
            extra.append(f"peak {item.peak:g}")
        if item.planar_residual is not None:
            extra.append(f"planar residual {item.planar_residual:.3f}")
        if item.nose_parallax is not None:
            extra.append(f"nose parallax {item.nose_parallax:.3f}")
        more = f" ({', '.join(extra)})" if extra else ""
        click.echo(
            f"  {item.action.value:<6} {'pass' if item.passed else 'fail'}: {item.detail} "
            f"[{item.reason.value}]; seen at frames {seen}{more}"
        )


def _ranges(frames: list[int]) -> str:
    """[3, 4, 5, 9] -> "3-5, 9"."""
    runs: list[list[int]] = []
    for frame in sorted(set(frames)):
        if runs and frame == runs[-1][1] + 1:
            runs[-1][1] = frame
        else:
            runs.append([frame, frame])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def register(root: click.Group) -> None:
    """Add ``liveness`` to the root group."""
    root.add_command(liveness)
