"""Liveness: attack acceptance per attack type (APCER), bona fide rejection on the real clips
(BPCER), time from prompt to pass, and the judge's cost per frame.

Genuine trials: the clips of <data>/liveness with the challenge each contains
(desk_app.vision.liveness.dataset). Attacks: prints, bent prints, turned prints and phone
screens rendered from East Asian LFW faces (desk_app.vision.liveness.attacks; none of these
faces was used to set a limit), each with a challenge drawn from the six ordered pairs; the
recorded phone and print of the Silent-Face demo; a still, live person; and genuine recordings
replayed against the challenges they do not contain. Targets (issue 14): APCER 0 % for print,
turned print and screen; BPCER <= 5 %.

Cost per frame is the measuring (detection + 68 landmarks + pose) plus the judge, against the
engine's detection alone on the same frames (the baseline, same process).

    .venv/bin/python bench/liveness.py [--photos 8] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import defaultdict
from itertools import permutations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk_app.camera.demo import demo_live_faces
from desk_app.camera.sources import fit_frame
from desk_app.config import SFACE_THRESHOLDS
from desk_app.vision.engines import load_engine
from desk_app.vision.images import load_rgb
from desk_app.vision.liveness.attacks import AttackKind, attack_frames
from desk_app.vision.liveness.clips import ClipFrame, read_clip
from desk_app.vision.liveness.dataset import GENUINE, RECORDED_ATTACKS, STILL_PERSON
from desk_app.vision.liveness.judge import ACTIONS, Action, LivenessResult
from desk_app.vision.liveness.measures import FaceMeasurer
from desk_app.vision.liveness.runner import ClipVerdict, judge_clip

PAIRS: list[tuple[Action, ...]] = list(permutations(ACTIONS, 2))
LIMIT = SFACE_THRESHOLDS.live_ephoto_review


def clip_frames(path: Path, start: int = 0, stop: int | None = None) -> list[ClipFrame]:
    frames = [f for f in read_clip(path) if f.index >= start and (stop is None or f.index < stop)]
    # Timestamps from the first judged frame, as a capture that starts there.
    return [ClipFrame(f.index, f.timestamp - frames[0].timestamp, f.rgb) for f in frames]


def describe(result: LivenessResult) -> str:
    return "; ".join(
        f"{a.action.value}:{a.reason.value.split('.')[1]}"
        + (f"(peak {a.peak}, plane {a.planar_residual}, nose {a.nose_parallax})" if a.peak else "")
        for a in result.actions
    )


def attack_photos(data: Path, count: int) -> list[Path]:
    """The first image of ``count`` East Asian LFW identities, spread over the list."""
    with (data / "faces" / "lfw" / "east_asian_identities.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    firsts: dict[str, str] = {}
    for row in rows:
        firsts.setdefault(row["identity"], row["image"])
    names = sorted(firsts)
    step = max(len(names) // count, 1)
    return [data / "faces" / "lfw" / "images" / firsts[n] for n in names[::step][:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    data: Path = args.data
    if not (data / "liveness").is_dir():
        sys.exit(f"no liveness clips under {data} (give --data)")
    measurer = FaceMeasurer(load_engine("sface"))
    attempts: dict[str, list[bool]] = defaultdict(list)
    # Actions an attack got through (a challenge fails when any one fails; this shows which
    # defence held): kind -> action -> [passed?]
    actions_through: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    seconds_to_pass: list[float] = []
    ms_per_frame: list[float] = []

    def run(
        kind: str, frames: list[ClipFrame], challenge: tuple[Action, ...], label: str
    ) -> ClipVerdict:
        verdict = judge_clip(frames, challenge, measurer, same_person_limit=LIMIT)
        attempts[kind].append(verdict.result.passed)
        for item in verdict.result.actions:
            if item.asked_frame is not None:
                actions_through[kind][item.action.value].append(item.passed)
        ms_per_frame.append(verdict.ms_per_frame)
        mark = "PASS" if verdict.result.passed else "fail"
        reason = verdict.result.reason.value
        asked = ",".join(challenge)
        line = (
            f"  {kind:<14} {label:<34} {asked:<12} {mark} {reason:<24} {describe(verdict.result)}"
        )
        print(line, flush=True)
        return verdict

    print("genuine clips")
    for trial in GENUINE:
        verdict = run("genuine", clip_frames(trial.file(data), trial.start, trial.stop),
                      trial.challenge, trial.name)  # fmt: skip
        if verdict.result.seconds_to_pass is not None:
            seconds_to_pass.append(verdict.result.seconds_to_pass)

    print("replays of genuine recordings against challenges they do not contain")
    seen_paths: set[str] = set()
    for trial in GENUINE:
        if trial.path in seen_paths or trial.path.startswith("dino_blink/example"):
            continue  # one trial of a clip stands for the others; one dino clip for both
        seen_paths.add(trial.path)
        frames = clip_frames(trial.file(data), trial.start, trial.stop)
        for pair in PAIRS:
            if pair != trial.challenge:
                run("replay", frames, pair, trial.name)

    print("a still, live person")
    still = clip_frames(data / "liveness" / STILL_PERSON)
    for pair in PAIRS:
        run("still person", still, pair, "intel male")

    print("recorded attacks (Silent-Face demo)")
    for name, path, start, stop in RECORDED_ATTACKS:
        frames = clip_frames(data / "liveness" / path, start, stop)
        for pair in PAIRS:
            run(name, frames, pair, path)

    print("attacks rendered from still faces")
    photos = attack_photos(data, args.photos)
    for index, photo_path in enumerate(photos):
        photo = load_rgb(photo_path)
        for kind in AttackKind:
            for mirror in (False, True):
                pair = PAIRS[(2 * index + mirror) % len(PAIRS)]
                frames = attack_frames(photo, kind, seed=index, mirror_turns=mirror)
                clip = [ClipFrame(i, i / 25.0, f) for i, f in enumerate(frames)]
                run(kind.value, clip, pair, f"{photo_path.parent.name[:20]} mirror={mirror}")

    print("slideshows: several photos of one person, each held 3 frames (a folder camera)")
    for identity in demo_live_faces(data)[: max(args.photos // 2, 1)]:
        shown = [fit_frame(load_rgb(path), (640, 480)) for path in identity]
        for offset in range(0, len(shown), 2):
            sequence = [shown[(offset + i // 3) % len(shown)] for i in range(150)]
            clip = [ClipFrame(i, i / 25.0, frame) for i, frame in enumerate(sequence)]
            for pair in PAIRS:
                run("slideshow", clip, pair, f"{identity[0].parent.name[:20]} from {offset}")

    print("\ncost per frame at 640x480 (attack frames), against detection alone")
    sample = attack_frames(load_rgb(photos[0]), AttackKind.PRINT, seed=99, seconds=2.0)
    detect_ms, measure_ms = [], []
    for frame in sample:
        started = time.perf_counter()
        measurer.engine.detect(frame)
        detect_ms.append(1000 * (time.perf_counter() - started))
        started = time.perf_counter()
        measurer.measure(frame)
        measure_ms.append(1000 * (time.perf_counter() - started))
    detect, measure = statistics.median(detect_ms), statistics.median(measure_ms)

    print("\n| trials | n | passed | rate |")
    print("|---|---|---|---|")
    for kind, passed in attempts.items():
        rate = 100 * sum(passed) / len(passed)
        name = "BPCER (genuine rejected)" if kind == "genuine" else f"APCER {kind}"
        shown = 100 - rate if kind == "genuine" else rate
        print(f"| {name} | {len(passed)} | {sum(passed)} | {shown:.1f} % |")
    print("\nactions got through, of those asked (attacks; genuine: actions passed)")
    for kind, per_action in actions_through.items():
        shown = ", ".join(f"{a} {sum(v)}/{len(v)}" for a, v in sorted(per_action.items()))
        print(f"  {kind:<16} {shown}")
    if seconds_to_pass:
        typical, worst = statistics.median(seconds_to_pass), max(seconds_to_pass)
        print(f"\ntime from prompt to pass: median {typical:.2f} s, max {worst:.2f} s "
              f"over {len(seconds_to_pass)} genuine passes")  # fmt: skip
    print(f"judge per frame over every trial: median {statistics.median(ms_per_frame):.1f} ms "
          "(mean per trial; frames of many sizes)")  # fmt: skip
    print(f"640x480: detection alone {detect:.1f} ms, measuring {measure:.1f} ms "
          f"(x{measure / detect:.2f} of detection)")  # fmt: skip


if __name__ == "__main__":
    main()
