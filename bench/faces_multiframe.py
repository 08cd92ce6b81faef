"""Multi-frame live templates (issue 17): does fusing more frames of a capture bring an honest
candidate closer to the reference, and does it keep strangers away?

What ships (``ui/workers.py`` + ``desk_app.vision.quality.BestShot``): once armed, every camera
frame is analysed (at most one per 0.04 s); the shot is taken as soon as **3 good frames** (no
quality issue) have been seen (``frames_needed = keep = 3``), so the live template is the mean of
the unit-length templates of the first three good frames (``BestShot.template``), rescaled to
their mean length. ``BestShot`` ranks by ``FrameQuality.score`` but, with keep = frames_needed,
never drops one: the ranking matters only with a longer window or the manual capture key.

Part 1, real clips (``<data>/liveness``, read in place): every distinct frame (repeated GIF
frames dropped: a camera does not repeat frames) goes through the engine's detector and the
counter's quality check (``assess``, dlib's 68 points); good frames are encoded. Sliding windows
(``--window`` s, step ``--step`` s) stand for capture windows; per window the live template is
built by each method, all through ``BestShot`` where it applies:

- first good frame; best single frame (BestShot keep = 1);
- first 3 good frames (what ships); best 3 of the window (BestShot keep = 3);
- best 5; all good frames of the window; the medoid good frame.

The genuine reference of a window is the clip's best-scored good frame at least ``--gap``
seconds outside the window (never a frame inside it). Impostors: the window's template against
every good frame of every other person and Silent-Face's live still. Most clips have faces too
small or too blurred for the counter's limits (eye distance >= 45 px, sharpness >= 35): the same
run repeats everything with those two limits and the brightness limit relaxed (``RELAXED``), to
get more than two people.

Part 2, fusion where the pictures differ more: East Asian LFW (dev), identities with 3 or more
pictures: the mean of 2 pictures of a person as the probe against a 3rd as the reference,
against each of the 2 pictures alone and against the better-scored one (the best single frame);
impostors: each probe against every picture of every other identity.

    .venv/bin/python bench/faces_multiframe.py [--window 1.0] [--step 0.2] [--gap 0.5]

Per-frame analyses are cached under bench/out/multiframe (0600); delete the folder after
changing the engine or the quality code. Cost: one core's CPU time (``time.process_time``) per
frame, medians over the clips, on this machine at its load at the time.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from desk_app.config import QualitySettings, load_settings
from desk_app.vision.calibration import threshold_for_fmr
from desk_app.vision.engines import DetectedFace, FaceEngine, Template, load_engine
from desk_app.vision.quality import BestShot, FrameQuality, LandmarkModel, QualityIssue, assess
from desk_app.vision.scoring import pairwise_distances, wilson_interval

CACHE = Path(__file__).resolve().parent / "out" / "multiframe"
COUNTER = QualitySettings()
# Small, soft or dim faces let through (pose, eyes, a second face are still checked): the
# clips are previews and crops, not a counter camera.
RELAXED = replace(COUNTER, min_eye_distance_px=15.0, min_sharpness=5.0, min_brightness=30.0)
GATES = {"counter limits": COUNTER, "relaxed size/sharpness/brightness": RELAXED}


@dataclass(frozen=True)
class Person:
    name: str
    path: str  # under <data>/liveness
    start: int = 0
    stop: int | None = None
    note: str = ""


PEOPLE: tuple[Person, ...] = (
    Person("dino woman", "dino_blink/example.mp4", note="96x128 crop, talking, blink 14-17"),
    Person("dino man", "dino_blink/test.mp4", note="96x128 crop, talking, blink 36-39"),
    Person("LivePortrait d0 man", "liveportrait_blink/d0.mp4", note="512 px, frontal, blink"),
    Person("LivePortrait d9 man", "liveportrait_blink/d9.mp4", note="webcam selfie, 19.6 s"),
    Person(
        "Intel woman",
        "intel_headpose_gifs/head-pose-face-detection-female.gif",
        note="turns left and right",
    ),
    Person("Intel man", "intel_headpose_gifs/head-pose-face-detection-male.gif", note="still"),
    Person("FSA-Net man", "fsanet_webcam_turn/webcam_demo.gif", note="turns, cap, hand; axes"),
    Person("Silent-Face woman", "sfas_print_screen/demo.gif", 0, 33, note="live part only, ~45 px"),
)
# Intel's female-and-male preview is left out: two faces in every frame (the counter refuses
# every one of them: multiple_faces). Silent-Face's live still (image_T1.jpg) is an impostor
# reference only: nothing says it is the woman of the demo.
STILLS = (("Silent-Face still woman", "sfas_print_screen/image_T1.jpg"),)


# --- per-frame analysis (cached) ------------------------------------------------------------


@dataclass
class Frame:
    index: int
    timestamp: float
    face: DetectedFace | None
    template: Template | None
    ok: dict[str, bool]  # per gate
    score: dict[str, float]  # per gate (the score depends on the size limit)
    issues: dict[str, str]
    measures: dict[str, float]
    analysis_ms: float  # detection + quality check, one core's CPU time
    encode_ms: float


@dataclass
class Clip:
    person: Person
    fps: float
    decoded: int  # frames decoded in the segment
    frames: list[Frame] = field(default_factory=list)  # distinct frames only


def _analyse(engine: FaceEngine, landmarks: LandmarkModel, rgb: np.ndarray) -> dict[str, Any]:
    start = time.process_time()
    faces = engine.detect(rgb)
    counter = assess(rgb, faces, landmarks, COUNTER)
    analysis = 1000 * (time.process_time() - start)  # what the counter pays per frame
    verdicts: dict[str, FrameQuality] = {
        name: counter if gate is COUNTER else assess(rgb, faces, landmarks, gate)
        for name, gate in GATES.items()
    }
    template, encode = None, float("nan")
    if any(v.ok for v in verdicts.values()) and counter.face is not None:
        start = time.process_time()
        template = engine.encode(rgb, counter.face)
        encode = 1000 * (time.process_time() - start)
    return {
        "face": counter.face,
        "template": template,
        "ok": {n: v.ok for n, v in verdicts.items()},
        "score": {n: v.score for n, v in verdicts.items()},
        "issues": {n: ",".join(i.value for i in v.issues) for n, v in verdicts.items()},
        "measures": dict(counter.measures),
        "analysis_ms": analysis,
        "encode_ms": encode,
    }


def _cache_file(path: Path, person: Person) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return CACHE / f"{Path(person.path).stem}_{person.start}_{person.stop}_{digest}.npz"


def _save(file: Path, clip: Clip, dimensions: int) -> None:
    from desk_app.security.keys import write_private

    frames = clip.frames
    empty = np.full(dimensions, np.nan, dtype=np.float32)
    gates = list(GATES)
    measure_names = sorted({k for f in frames for k in f.measures})
    arrays = {
        "meta": np.asarray([clip.fps, clip.decoded], dtype=np.float64),
        "index": np.asarray([f.index for f in frames], dtype=np.int64),
        "timestamp": np.asarray([f.timestamp for f in frames], dtype=np.float64),
        "has_face": np.asarray([f.face is not None for f in frames]),
        "box": np.asarray([f.face.box if f.face else (0, 0, 0, 0) for f in frames], np.int64),
        "face_score": np.asarray([f.face.score if f.face else 0.0 for f in frames]),
        "eyes": np.asarray(
            [(*f.face.right_eye, *f.face.left_eye) if f.face else (0,) * 4 for f in frames],
            dtype=np.float64,
        ),
        "points": np.asarray(
            [f.face.landmarks if f.face else np.zeros((5, 2)) for f in frames], np.float32
        ),
        "template": np.asarray(
            [empty if f.template is None else f.template for f in frames], np.float32
        ),
        "ok": np.asarray([[f.ok[g] for g in gates] for f in frames]),
        "score": np.asarray([[f.score[g] for g in gates] for f in frames]),
        "issues": np.asarray([[f.issues[g] for g in gates] for f in frames]),
        "measure_names": np.asarray(measure_names),
        "measures": np.asarray(
            [[f.measures.get(m, np.nan) for m in measure_names] for f in frames]
        ),
        "cost": np.asarray([(f.analysis_ms, f.encode_ms) for f in frames]),
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    write_private(file, buffer.getvalue())


def _load(file: Path, person: Person) -> Clip:
    gates = list(GATES)
    with np.load(file) as a:
        clip = Clip(person, float(a["meta"][0]), int(a["meta"][1]))
        names = [str(n) for n in a["measure_names"]]
        for i in range(len(a["index"])):
            face = None
            if a["has_face"][i]:
                eyes = a["eyes"][i]
                face = DetectedFace(
                    box=tuple(int(v) for v in a["box"][i]),  # type: ignore[arg-type]
                    score=float(a["face_score"][i]),
                    right_eye=(float(eyes[0]), float(eyes[1])),
                    left_eye=(float(eyes[2]), float(eyes[3])),
                    landmarks=a["points"][i],
                )
            template = a["template"][i]
            clip.frames.append(
                Frame(
                    index=int(a["index"][i]),
                    timestamp=float(a["timestamp"][i]),
                    face=face,
                    template=None if np.isnan(template).any() else template,
                    ok={g: bool(a["ok"][i][k]) for k, g in enumerate(gates)},
                    score={g: float(a["score"][i][k]) for k, g in enumerate(gates)},
                    issues={g: str(a["issues"][i][k]) for k, g in enumerate(gates)},
                    measures={n: float(v) for n, v in zip(names, a["measures"][i], strict=True)},
                    analysis_ms=float(a["cost"][i][0]),
                    encode_ms=float(a["cost"][i][1]),
                )
            )
    return clip


def analyse_clip(engine: FaceEngine, landmarks: LandmarkModel, data: Path, person: Person) -> Clip:
    """Every distinct frame of the person's segment, detected, judged and (if good) encoded."""
    from desk_app.vision.liveness.clips import clip_fps, read_clip

    path = data / "liveness" / person.path
    file = _cache_file(path, person)
    if file.exists():
        return _load(file, person)
    clip = Clip(person, clip_fps(path, None), 0)
    previous: np.ndarray | None = None
    for frame in read_clip(path):
        if frame.index < person.start or (person.stop is not None and frame.index >= person.stop):
            continue
        clip.decoded += 1
        if previous is not None and np.array_equal(previous, frame.rgb):
            continue  # a repeated GIF frame
        previous = frame.rgb
        result = _analyse(engine, landmarks, frame.rgb)
        clip.frames.append(Frame(frame.index, frame.timestamp, **result))
    _save(file, clip, engine.dimensions)
    return clip


# --- fusion methods --------------------------------------------------------------------------


class CachedEncoder:
    """An engine stand-in whose ``encode`` returns the template computed in the analysis pass,
    so ``BestShot`` (the product's selector and fusion) runs on cached frames."""

    def __init__(self, frames: Sequence[Frame]) -> None:
        self._by_face = {id(f.face): f.template for f in frames if f.face is not None}
        self.calls = 0

    def encode(self, rgb: np.ndarray, face: DetectedFace) -> Template:
        self.calls += 1
        template = self._by_face[id(face)]
        assert template is not None
        return template


_PIXEL = np.zeros((1, 1, 3), dtype=np.uint8)  # BestShot copies the frame; the pixels are unused


@dataclass(frozen=True)
class Fused:
    template: Template
    encodings: int  # templates computed (the counter encodes kept frames while the window runs)
    analysed: int  # frames analysed before the shot could be taken


def best_shot(frames: Sequence[Frame], gate: str, keep: int, stop_after: int | None) -> Fused:
    """``BestShot(keep)`` offered the window's frames in order; with ``stop_after`` the shot is
    taken at that many good frames (the counter's ``frames_needed``)."""
    shot = BestShot(keep)
    encoder = CachedEncoder(frames)
    good = analysed = 0
    for frame in frames:
        analysed += 1
        quality = FrameQuality(
            frame.face if frame.ok[gate] else None,
            () if frame.ok[gate] else (QualityIssue.NO_FACE,),  # not good: never kept
            frame.score[gate],
        )
        if shot.offer(_PIXEL, quality):
            shot.encode_kept(encoder)  # type: ignore[arg-type]
        good += frame.ok[gate]
        if stop_after is not None and good >= stop_after:
            break
    template = shot.template(encoder)  # type: ignore[arg-type]
    assert template is not None
    return Fused(template, encoder.calls, analysed)


def unit_mean(templates: Sequence[Template]) -> Template:
    """``BestShot.template``'s fusion of already computed templates: the mean of unit-length
    templates at their mean length."""
    unit = [t / max(float(np.linalg.norm(t)), 1e-12) for t in templates]
    scale = float(np.mean([np.linalg.norm(t) for t in templates]))
    return np.asarray(np.mean(unit, axis=0) * scale, dtype=np.float32)


def medoid(frames: Sequence[Frame], gate: str) -> Fused:
    """The good frame whose template lies nearest, in sum, to the window's other good ones."""
    good = [f for f in frames if f.ok[gate]]
    rows = np.asarray([f.template for f in good])
    summed = pairwise_distances("cosine", rows, rows).sum(axis=1)
    return Fused(rows[int(np.argmin(summed))], len(good), len(frames))


def first_good(frames: Sequence[Frame], gate: str) -> Fused:
    for analysed, frame in enumerate(frames, start=1):
        if frame.ok[gate]:
            assert frame.template is not None
            return Fused(frame.template, 1, analysed)
    raise ValueError("no good frame")


Method = Callable[[Sequence[Frame], str], Fused]
METHODS: dict[str, Method] = {
    "first good frame": first_good,
    "best single frame (BestShot keep=1)": lambda f, g: best_shot(f, g, 1, None),
    "first 3 good frames (ships)": lambda f, g: best_shot(f, g, 3, 3),
    "best 3 of the window (BestShot keep=3)": lambda f, g: best_shot(f, g, 3, None),
    "best 5 of the window": lambda f, g: best_shot(f, g, 5, None),
    "all good frames of the window": lambda f, g: best_shot(f, g, 10_000, None),
    "medoid good frame": medoid,
}
SHIPS = "first 3 good frames (ships)"


# --- statistics ------------------------------------------------------------------------------


def d_prime(genuine: np.ndarray, impostor: np.ndarray) -> float:
    spread = np.sqrt((genuine.var() + impostor.var()) / 2)
    return float((impostor.mean() - genuine.mean()) / spread) if spread > 0 else float("nan")


def closest_share(impostor: np.ndarray, share: float = 0.01, at_least: int = 10) -> np.ndarray:
    """The closest ``share`` of the impostor distances (at least ``at_least`` of them)."""
    return np.sort(impostor)[: max(at_least, int(impostor.size * share))]


def rate(errors: int, trials: int) -> str:
    low, high = wilson_interval(errors, trials)
    return f"{errors}/{trials} = {errors / max(trials, 1):.2%} [{low:.2%}, {high:.2%}]"


# --- part 1: the clips -----------------------------------------------------------------------


@dataclass
class Window:
    person: str
    start: float
    frames: list[Frame]
    reference: Frame


def windows_of(clip: Clip, gate: str, length: float, step: float, gap: float) -> list[Window]:
    """Sliding windows of ``length`` s with at least one good frame, each with its reference:
    the best-scored good frame at least ``gap`` s outside the window (else no window)."""
    frames = clip.frames
    if not frames:
        return []
    first, last = frames[0].timestamp, frames[-1].timestamp
    result = []
    start = first
    while start + length <= last + 1e-9 + 1 / clip.fps:
        inside = [f for f in frames if start <= f.timestamp < start + length]
        outside = [
            f
            for f in frames
            if f.ok[gate] and (f.timestamp < start - gap or f.timestamp >= start + length + gap)
        ]
        if any(f.ok[gate] for f in inside) and outside:
            reference = max(outside, key=lambda f: f.score[gate])
            result.append(Window(clip.person.name, start, inside, reference))
        start += step
    return result


def clip_table(clips: list[Clip]) -> None:
    print(
        "| person (clip) | fps | frames (distinct) | with a face | good, counter limits | "
        "good, relaxed | median eye distance px | median sharpness | most frequent issues "
        "(counter limits) | median analysis ms | median encode ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for clip in clips:
        frames = clip.frames
        faced = [f for f in frames if f.face is not None]
        issues: dict[str, int] = {}
        for f in frames:
            for issue in filter(None, f.issues["counter limits"].split(",")):
                issues[issue] = issues.get(issue, 0) + 1
        top = ", ".join(f"{k} {v}" for k, v in sorted(issues.items(), key=lambda x: -x[1])[:3])
        encodes = [f.encode_ms for f in frames if not np.isnan(f.encode_ms)]
        print(
            f"| {clip.person.name} ({clip.person.path}"
            f"{f' {clip.person.start}-{clip.person.stop}' if clip.person.stop else ''}) | "
            f"{clip.fps:.1f} | {clip.decoded} ({len(frames)}) | {len(faced)} | "
            f"{sum(f.ok['counter limits'] for f in frames)} | "
            f"{sum(f.ok[list(GATES)[1]] for f in frames)} | "
            f"{_median([f.measures.get('eye_distance', np.nan) for f in faced]):.0f} | "
            f"{_median([f.measures.get('sharpness', np.nan) for f in faced]):.0f} | {top} | "
            f"{_median([f.analysis_ms for f in frames]):.1f} | "
            f"{_median(encodes) if encodes else float('nan'):.1f} |"
        )


def _median(values: list[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return statistics.median(finite) if finite else float("nan")


def clip_methods(
    clips: list[Clip],
    gate: str,
    arguments: argparse.Namespace,
    stills: list[tuple[str, Template]],
    limit: float,
) -> None:
    people = [c for c in clips if any(f.ok[gate] for f in c.frames)]
    windows = {
        c.person.name: windows_of(c, gate, arguments.window, arguments.step, arguments.gap)
        for c in people
    }
    usable = [c for c in people if windows[c.person.name]]
    print(
        f"\n#### Clips, {gate}: {len(usable)} people with windows "
        f"({', '.join(f'{c.person.name} {len(windows[c.person.name])}' for c in usable)}); "
        f"{len(people) - len(usable)} more with good frames but no window and reference "
        f"{arguments.gap} s apart\n"
    )
    if not usable:
        print("No person has a usable window under these limits.")
        return
    impostor_refs: dict[str, np.ndarray] = {}
    for clip in people:
        impostor_refs[clip.person.name] = np.asarray(
            [f.template for f in clip.frames if f.ok[gate]], dtype=np.float32
        )
    analysis_ms = _median([f.analysis_ms for c in usable for f in c.frames])
    encode_ms = _median([f.encode_ms for c in usable for f in c.frames])

    genuine: dict[str, list[float]] = {m: [] for m in METHODS}
    impostor: dict[str, list[np.ndarray]] = {m: [] for m in METHODS}
    cost: dict[str, list[tuple[int, int]]] = {m: [] for m in METHODS}
    per_person: dict[tuple[str, str], list[float]] = {}
    closest: dict[str, tuple[float, str]] = dict.fromkeys(METHODS, (np.inf, ""))
    good_counts = []
    checked = False
    for clip in usable:
        others = [impostor_refs[c.person.name] for c in people if c is not clip]
        strangers = np.concatenate(others + [template[None, :] for _, template in stills])
        whose = [
            c.person.name for c in people if c is not clip for _ in impostor_refs[c.person.name]
        ]
        whose += [name for name, _ in stills]
        for window in windows[clip.person.name]:
            good_counts.append(sum(f.ok[gate] for f in window.frames))
            for name, method in METHODS.items():
                fused = method(window.frames, gate)
                if not checked and name == "all good frames of the window":
                    # The bench's fusion is the product's: BestShot's template, same numbers.
                    good = [f.template for f in window.frames if f.ok[gate]]
                    assert np.allclose(fused.template, unit_mean(good), atol=1e-5)  # type: ignore[arg-type]
                    checked = True
                assert window.reference.template is not None
                distance = float(
                    pairwise_distances(
                        "cosine", fused.template[None], window.reference.template[None]
                    )[0, 0]
                )
                genuine[name].append(distance)
                per_person.setdefault((name, clip.person.name), []).append(distance)
                to_strangers = pairwise_distances("cosine", fused.template[None], strangers)[0]
                impostor[name].append(to_strangers)
                nearest = int(np.argmin(to_strangers))
                if to_strangers[nearest] < closest[name][0]:
                    closest[name] = (
                        float(to_strangers[nearest]),
                        f"{clip.person.name} at {window.start:.1f} s vs {whose[nearest]}",
                    )
                cost[name].append((fused.encodings, fused.analysed))
    counts = np.asarray(good_counts)
    print(
        f"Windows: {counts.size}; good frames per window: median {np.median(counts):.0f}, "
        f"min {counts.min()}, max {counts.max()}; with >= 3: {(counts >= 3).sum()}, with >= 5: "
        f"{(counts >= 5).sum()} (fewer than k good frames: the method uses those there are). "
        f"Sliding windows overlap: consecutive windows share most frames, so the windows are not "
        f"independent samples.\n"
    )
    print(
        "| method | windows | genuine mean | genuine max | genuine spread (SD) | "
        f"genuine over {limit} | impostor comparisons | impostor min | impostor mean | "
        "d' (all impostors) | d' (closest 1 % of impostors) | windows closer than the shipped "
        "template / farther | encodings per window (median) | frames analysed to the shot "
        "(median) | CPU ms per window (analyses + encodings) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    ships = np.asarray(genuine[SHIPS])
    for name in METHODS:
        g = np.asarray(genuine[name])
        imp = np.concatenate(impostor[name])
        encodings = np.median([c[0] for c in cost[name]])
        analysed = np.median([c[1] for c in cost[name]])
        closer = int((g < ships - 1e-6).sum())
        farther = int((g > ships + 1e-6).sum())
        print(
            f"| {name} | {g.size} | {g.mean():.3f} | {g.max():.3f} | {g.std():.3f} | "
            f"{rate(int((g > limit).sum()), g.size)} | {imp.size} | {imp.min():.3f} | "
            f"{imp.mean():.3f} | {d_prime(g, imp):.2f} | "
            f"{d_prime(g, closest_share(imp)):.2f} | "
            f"{'-' if name == SHIPS else f'{closer} / {farther}'} | {encodings:.0f} | "
            f"{analysed:.0f} | {analysed * analysis_ms + encodings * encode_ms:.0f} |"
        )
    print(
        "\nClosest impostor per method: "
        + "; ".join(f"{name}: {value:.3f} ({label})" for name, (value, label) in closest.items())
        + "."
    )
    print(
        f"\nCPU per window: frames analysed x {analysis_ms:.1f} ms (detection + quality check, "
        f"median) + encodings x {encode_ms:.1f} ms (median), one core.\n"
    )
    print(
        "Genuine distance per person (mean / max over that person's windows; windows over the "
        "limit):\n"
    )
    names = [c.person.name for c in usable]
    print("| method | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for name in METHODS:
        cells = []
        for person in names:
            values = np.asarray(per_person[(name, person)])
            cells.append(
                f"{values.mean():.3f} / {values.max():.3f} ({int((values > limit).sum())} over)"
            )
        print(f"| {name} | " + " | ".join(cells) + " |")


# --- part 2: East Asian LFW ------------------------------------------------------------------


def lfw_fusion(data: Path, limit: float) -> None:
    from faces_accuracy import cached_templates, east_asian_evaluation
    from faces_quality import picture_qualities

    evaluation = east_asian_evaluation(data / "faces" / "lfw")
    table = cached_templates("sface", evaluation.pictures)
    rows = table.rows(evaluation.pictures)
    names = np.asarray(evaluation.identities)
    found = np.isfinite(rows).all(axis=1)
    qualities = picture_qualities(evaluation.pictures)
    scores = np.asarray(
        [q.score if q is not None else -1.0 for q in (qualities[p] for p in evaluation.pictures)]
    )
    by_person: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if found[index]:
            by_person.setdefault(str(name), []).append(index)
    fusing = {p: idx for p, idx in by_person.items() if len(idx) >= 3}
    distances = pairwise_distances("cosine", rows[found], rows[found])
    full = np.full((len(rows), len(rows)), np.nan)
    full[np.ix_(found, found)] = distances

    single: list[float] = []
    fused: list[float] = []
    better: list[float] = []
    mean_pair: list[float] = []
    best_pair: list[float] = []
    fused3: list[float] = []
    for indices in fusing.values():
        for reference in indices:
            others = [i for i in indices if i != reference]
            for a, b in itertools.combinations(others, 2):
                probe = unit_mean([rows[a], rows[b]])
                d = float(pairwise_distances("cosine", probe[None], rows[reference][None])[0, 0])
                fused.append(d)
                pair = (full[a, reference], full[b, reference])
                mean_pair.append(float(np.mean(pair)))
                best_pair.append(float(min(pair)))
                better.append(full[a if scores[a] >= scores[b] else b, reference])
            single.extend(full[i, reference] for i in others)
            for trio in itertools.combinations(others, 3):
                probe = unit_mean([rows[i] for i in trio])
                fused3.append(
                    float(pairwise_distances("cosine", probe[None], rows[reference][None])[0, 0])
                )
    # Impostors: every probe of a fusing identity against every picture of another identity.
    single_imp, fused_imp, better_imp = [], [], []
    fused3_imp: list[np.ndarray] = []
    passing3: list[str] = []
    closest_single: tuple[float, str] = (np.inf, "")
    closest_fused: tuple[float, str] = (np.inf, "")
    for person, indices in fusing.items():
        strangers = np.flatnonzero(found & (names != person))
        for a in indices:
            single_imp.append(full[a, strangers])
        for a, b in itertools.combinations(indices, 2):
            probe = unit_mean([rows[a], rows[b]])
            fused_imp.append(pairwise_distances("cosine", probe[None], rows[strangers])[0])
            better_imp.append(full[a if scores[a] >= scores[b] else b, strangers])
            nearest = int(np.argmin(fused_imp[-1]))
            if fused_imp[-1][nearest] < closest_fused[0]:
                closest_fused = (
                    float(fused_imp[-1][nearest]),
                    f"{person} (2 pictures) vs {names[strangers[nearest]]}",
                )
        for a in indices:
            nearest = int(np.argmin(full[a, strangers]))
            if full[a, strangers[nearest]] < closest_single[0]:
                closest_single = (
                    float(full[a, strangers[nearest]]),
                    f"{evaluation.pictures[a].name} vs "
                    f"{evaluation.pictures[strangers[nearest]].name}",
                )
        if len(indices) >= 4:
            for trio in itertools.combinations(indices, 3):
                probe = unit_mean([rows[i] for i in trio])
                fused3_imp.append(pairwise_distances("cosine", probe[None], rows[strangers])[0])
                for hit in np.flatnonzero(fused3_imp[-1] <= limit):
                    passing3.append(
                        f"{person} (3 pictures) vs {evaluation.pictures[strangers[hit]].name} "
                        f"{fused3_imp[-1][hit]:.3f}"
                    )
    results = {
        "single picture (each of the probe's pictures alone)": (single, single_imp),
        "better-scored picture of the two (best single frame)": (better, better_imp),
        "mean of the 2 pictures (BestShot fusion)": (fused, fused_imp),
        "mean of 3 pictures (identities with 4 or more)": (fused3, fused3_imp),
    }
    count = sum(len(v) for v in fusing.values())
    print(
        f"\n#### East Asian LFW (dev): fusion of 2 pictures, {len(fusing)} identities with 3 or "
        f"more pictures ({count} pictures); reference: a 3rd picture of the person\n"
    )
    print(
        "| probe | genuine comparisons | genuine mean | genuine max | genuine SD | "
        f"FNMR at {limit} [95 % CI] | impostor comparisons | impostor min | "
        f"FMR at {limit} | FNMR @ FMR 0.1 % (limit) | d' (closest 1 % of impostors) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, (g_list, i_list) in results.items():
        g = np.asarray(g_list)
        imp = np.concatenate(i_list)
        at = threshold_for_fmr(imp, 0.001)
        print(
            f"| {name} | {g.size} | {g.mean():.3f} | {g.max():.3f} | {g.std():.3f} | "
            f"{rate(int((g > limit).sum()), g.size)} | {imp.size} | {imp.min():.3f} | "
            f"{rate(int((imp <= limit).sum()), imp.size)} | "
            f"{rate(int((g > at).sum()), g.size)} ({at:.3f}) | "
            f"{d_prime(g, closest_share(imp)):.2f} |"
        )
    fused_a, mean_a, best_a = np.asarray(fused), np.asarray(mean_pair), np.asarray(best_pair)
    print(
        f"\nPaired, same reference and same two pictures ({fused_a.size} probes): the fused "
        f"probe is closer than the mean of its two pictures' distances in "
        f"{(fused_a < mean_a).sum()} (mean change {np.mean(fused_a - mean_a):+.3f}), closer than "
        f"the nearer of the two in {(fused_a < best_a).sum()} (mean change "
        f"{np.mean(fused_a - best_a):+.3f}). The probes share pictures and "
        f"references: not independent. Closest impostor: single {closest_single[0]:.3f} "
        f"({closest_single[1]}); fused {closest_fused[0]:.3f} ({closest_fused[1]}). "
        f"Impostors passing {limit} with 3 pictures fused: {'; '.join(passing3) or 'none'}."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=1.0, help="capture window, seconds")
    parser.add_argument("--step", type=float, default=0.2, help="window step, seconds")
    parser.add_argument("--gap", type=float, default=0.5, help="reference at least this far")
    parser.add_argument("--no-lfw", action="store_true")
    arguments = parser.parse_args()
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    data = Path(os.environ.get("DESK_APP_DATA_DIR", default_data))
    limit = load_settings().thresholds_for("sface").live_ephoto.passing
    engine = load_engine("sface")
    landmarks = LandmarkModel()
    started = time.perf_counter()
    clips = []
    for person in PEOPLE:
        clips.append(analyse_clip(engine, landmarks, data, person))
        print(f"<!-- {person.name}: {time.perf_counter() - started:.0f} s -->", file=sys.stderr)
    from desk_app.vision.engines import template_of
    from desk_app.vision.images import load_rgb

    stills = [
        (name, template_of(engine, load_rgb(data / "liveness" / path))[0]) for name, path in STILLS
    ]
    print(
        f"SFace, live-e-photo pass limit {limit}; windows of {arguments.window} s every "
        f"{arguments.step} s; reference at least {arguments.gap} s outside the window.\n"
    )
    clip_table(clips)
    for gate in GATES:
        clip_methods(clips, gate, arguments, stills, limit)
    if not arguments.no_lfw:
        lfw_fusion(data, limit)


if __name__ == "__main__":
    main()
