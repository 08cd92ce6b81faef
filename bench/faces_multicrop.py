"""Multi-crop test-time augmentation for SFace (issue 17): does averaging the templates of a few
slightly different alignments of the same detected face separate look-alikes better?

A multi-crop template is the mean of the unit-length SFace templates of several 112x112 crops of
one detected face (one detection). Each crop is aligned as the engine aligns (a 5-point
similarity transform, ``cv2.warpAffine``), but to a perturbed copy of the engine's target
template ``_SFACE_TEMPLATE``: scaled by 0.95 or 1.05 around the centre of its five points, or
shifted by 2 px left, right, up or down. Sets (``CROP_SETS``): 3 crops (plain + the two scales),
5 crops (plain + the four shifts), 7 crops (all), and 3 crops + their mirror images (the mirror's
landmarks reflected, as ``vision.scoring.mirrored_template``: 6 encodings). Each crop goes
through the engine's own ``encode``: the face is handed over with its landmarks moved so that
the engine's alignment to ``_SFACE_TEMPLATE`` makes the perturbed crop (``perturbed_face``).

Measured as ``bench/faces_accuracy.py --lookalike`` measures (and with its functions): the dev
East Asian set, every pair, the look-alike subset (each identity with its nearest other identity
by raw SFace distance), LFW View-2 fold 1; FNMR at FMR 0.1 % and 0.01 % and at the shipped
live-e-photo limit, 95 % Wilson intervals, d' of the genuine pairs against the closest 1 % of
impostors. Variants: none (plain, this run), multi-crop on both sides, multi-crop on the
references only (the pair's second picture as the reference, then its first). Cost: CPU time
(``time.process_time``, OpenCV on one thread) per template over distinct dev pictures and per
640x480 live-frame analysis, against the plain encoding in the same run.

    nice -n 10 .venv/bin/python bench/faces_multicrop.py [--runs 30] [--pictures 40]

Templates are cached under bench/out/multicrop (0600; kept while the engine's model and the crop
definitions are unchanged). Dev data only: the hold-out set is never read here.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faces_accuracy import (
    Evaluation,
    cached_templates,
    east_asian_evaluation,
    lfw_fold_evaluation,
    with_lookalikes,
)
from faces_speed import frames, live_frame_analysis

from desk_app.config import load_settings
from desk_app.domain.errors import DeskError
from desk_app.security.keys import write_private
from desk_app.vision.calibration import threshold_for_fmr
from desk_app.vision.card import CHIP_SIZED_MAX_SHORT_SIDE
from desk_app.vision.engines import (
    _SFACE_TEMPLATE,
    DetectedFace,
    FaceEngine,
    _similarity_transform,
    best_face,
    load_engine,
)
from desk_app.vision.images import RGBImage, load_rgb, upscale_small
from desk_app.vision.quality import LandmarkModel, assess
from desk_app.vision.scoring import mirrored_face, pairwise_distances, wilson_interval

Matrix = npt.NDArray[np.float64]
Stack = npt.NDArray[np.float32]  # (pictures, crops, dimensions)
# Genuine and impostor distances of the plain row, and its closest 1 % impostor pairs.
Baseline = tuple[Matrix, Matrix, npt.NDArray[np.intp]]

CACHE = Path(__file__).resolve().parent / "out" / "multicrop" / "sface_crops.npz"


@dataclass(frozen=True)
class Crop:
    """A perturbation of the alignment target: scaled around the centre of its five points, then
    shifted (pixels of the 112x112 crop; +x to the right, +y down)."""

    name: str
    scale: float = 1.0
    shift: tuple[float, float] = (0.0, 0.0)

    @property
    def plain(self) -> bool:
        return self.scale == 1.0 and self.shift == (0.0, 0.0)

    def target(self) -> npt.NDArray[np.float32]:
        centre = _SFACE_TEMPLATE.mean(axis=0)
        moved = (_SFACE_TEMPLATE - centre) * self.scale + centre + np.asarray(self.shift)
        return np.asarray(moved, dtype=np.float32)


CROPS = (
    Crop("plain"),
    Crop("scale 0.95", scale=0.95),
    Crop("scale 1.05", scale=1.05),
    Crop("shift x+2", shift=(2.0, 0.0)),
    Crop("shift x-2", shift=(-2.0, 0.0)),
    Crop("shift y+2", shift=(0.0, 2.0)),
    Crop("shift y-2", shift=(0.0, -2.0)),
)
MIRRORED = (0, 1, 2)  # crops also encoded on the mirror image: columns len(CROPS) + i
PLAIN: tuple[int, ...] = (0,)
CROP_SETS: dict[str, tuple[int, ...]] = {
    "3 crops (plain, scale 0.95, 1.05)": (0, 1, 2),
    "5 crops (plain, shifts ±2 px x, y)": (0, 3, 4, 5, 6),
    "7 crops (scales + shifts)": (0, 1, 2, 3, 4, 5, 6),
    "3 crops + their mirrors": (0, 1, 2, *range(len(CROPS), len(CROPS) + len(MIRRORED))),
}
MIRROR_ONLY = (0, len(CROPS))  # plain + its mirror: the measured mirror TTA, as a check


def perturbed_face(face: DetectedFace, crop: Crop) -> DetectedFace:
    """``face`` with its landmarks moved so that the engine's own alignment (to
    ``_SFACE_TEMPLATE``) crops what aligning the real landmarks to ``crop.target()`` would."""
    if crop.plain:
        return face
    warp = _similarity_transform(face.landmarks, crop.target())
    inverse = cv2.invertAffineTransform(warp)
    points = _SFACE_TEMPLATE @ inverse[:, :2].T + inverse[:, 2]
    return replace(face, landmarks=np.asarray(points, dtype=np.float32))


def crop_templates(engine: FaceEngine, rgb: RGBImage, face: DetectedFace) -> Stack:
    """One row per crop of ``CROPS``, then one per mirrored crop of ``MIRRORED``."""
    rows = [engine.encode(rgb, perturbed_face(face, crop)) for crop in CROPS]
    if MIRRORED:
        mirror = np.ascontiguousarray(rgb[:, ::-1])
        reflected = mirrored_face(face, int(rgb.shape[1]), engine.name)
        rows += [engine.encode(mirror, perturbed_face(reflected, CROPS[i])) for i in MIRRORED]
    return np.asarray(rows, dtype=np.float32)


def multi_crop(
    engine: FaceEngine, rgb: RGBImage, face: DetectedFace, columns: Sequence[int]
) -> Stack:
    """The multi-crop template of ``face`` over ``columns`` (what a product encoder would do)."""
    rows = []
    mirror: RGBImage | None = None
    for column in columns:
        if column < len(CROPS):
            rows.append(engine.encode(rgb, perturbed_face(face, CROPS[column])))
            continue
        if mirror is None:
            mirror = np.ascontiguousarray(rgb[:, ::-1])
        reflected = mirrored_face(face, int(rgb.shape[1]), engine.name)
        crop = CROPS[MIRRORED[column - len(CROPS)]]
        rows.append(engine.encode(mirror, perturbed_face(reflected, crop)))
    stack = np.asarray(rows, dtype=np.float32)[None]
    return np.asarray(combined(stack, range(len(rows)))[0], dtype=np.float32)


def combined(stack: Stack, columns: Sequence[int]) -> Stack:
    """Mean of the unit-length templates of ``columns``, per picture (NaN where no face)."""
    picked = stack[:, list(columns)]
    unit = picked / np.linalg.norm(picked, axis=2, keepdims=True)
    return np.asarray(unit.mean(axis=1), dtype=np.float32)


def _spec(engine: FaceEngine) -> str:
    return f"{engine.model_version}|{CROPS!r}|{MIRRORED!r}"


def picture_face(engine: FaceEngine, path: Path) -> tuple[RGBImage, DetectedFace] | None:
    """The picture as the engine sees it (enlarged to 400 px short side as ``template_of`` and
    ``faces_accuracy`` do) and its main face; None without a face."""
    try:
        enlarged, _ = upscale_small(load_rgb(path))
        return enlarged, best_face(engine.detect(enlarged))
    except DeskError:
        return None


def cached_crops(engine: FaceEngine, paths: list[Path]) -> Stack:
    """Crop templates of ``paths`` (NaN rows without a face), kept under bench/out/multicrop."""
    columns = len(CROPS) + len(MIRRORED)
    spec = _spec(engine)
    known: dict[str, Stack] = {}
    if CACHE.exists():
        with np.load(CACHE) as arrays:
            if str(arrays["spec"]) == spec:
                known = {str(n): t for n, t in zip(arrays["paths"], arrays["crops"], strict=True)}
    missing = [path for path in dict.fromkeys(paths) if str(path) not in known]
    empty = np.full((columns, engine.dimensions), np.nan, dtype=np.float32)
    start = time.perf_counter()
    for done, path in enumerate(missing, start=1):
        found = picture_face(engine, path)
        if found is not None and min(load_rgb(path).shape[:2]) <= CHIP_SIZED_MAX_SHORT_SIDE:
            print(
                f"<!-- chip-sized picture, not the card pipeline here: {path} -->", file=sys.stderr
            )
        known[str(path)] = empty if found is None else crop_templates(engine, *found)
        if done % 100 == 0 or done == len(missing):
            print(
                f"<!-- crops: {done}/{len(missing)} pictures, "
                f"{time.perf_counter() - start:.0f} s -->",
                file=sys.stderr,
            )
        if done % 300 == 0 or done == len(missing):
            _save(known, spec)
    return np.asarray([known[str(path)] for path in paths], dtype=np.float32)


def _save(known: dict[str, Stack], spec: str) -> None:
    buffer = io.BytesIO()
    names = sorted(known)
    np.savez(
        buffer,
        spec=np.asarray(spec),
        paths=np.asarray(names),
        crops=np.asarray([known[name] for name in names], dtype=np.float32),
    )
    write_private(CACHE, buffer.getvalue())


# --- accuracy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """Which crops make the template of a pair's first and of its second picture."""

    label: str
    first: tuple[int, ...]
    second: tuple[int, ...]
    live_encodings: int  # per live frame (the side that is not a reference)
    reference_encodings: int


def variants() -> list[Variant]:
    result = [Variant("none (plain, this run)", PLAIN, PLAIN, 1, 1)]
    for label, columns in CROP_SETS.items():
        k = len(columns)
        if "mirror" not in label:
            result.append(Variant(f"{label}, both sides", columns, columns, k, k))
        result.append(Variant(f"{label}, references only (2nd)", PLAIN, columns, 1, k))
        result.append(Variant(f"{label}, references only (1st)", columns, PLAIN, 1, k))
    result.append(Variant("mirror only, references only (2nd) [check]", PLAIN, MIRROR_ONLY, 1, 2))
    return result


def distance_matrix(stack: Stack, variant: Variant) -> Matrix:
    """[i, j]: picture i as a pair's first picture against picture j as its second."""
    return pairwise_distances(
        "cosine", combined(stack, variant.first), combined(stack, variant.second)
    )


def pair_values(distances: Matrix, pairs: npt.NDArray[np.int_]) -> Matrix:
    picked = distances[pairs[:, 0], pairs[:, 1]]
    return np.where(np.isfinite(picked), picked, np.inf)


def rate(errors: int, trials: int) -> str:
    """As docs/face-matching.md writes rates: ``1.18 % [0.46, 2.99] (4)``, ``0 [0, 0.03 %]``;
    the count in brackets is the number of pairs."""
    low, high = wilson_interval(errors, trials)
    if errors == 0:
        return f"0 [0, {high:.2%}]".replace("%", " %")
    return (
        f"{errors / trials:.2%}".replace("%", " %")
        + f" [{low:.2%}, {high:.2%}]".replace("%", "")
        + f" ({errors})"
    )


def fnmr_at_fmr(genuine: Matrix, impostor: Matrix, fmr: float) -> tuple[str, float]:
    threshold = threshold_for_fmr(impostor, fmr)
    return rate(int((genuine > threshold).sum()), genuine.size), threshold


def d_prime(genuine: Matrix, impostor: Matrix) -> float:
    """Genuine pairs against the closest 1 % of impostors (as ``faces_accuracy.method_row``)."""
    tail = np.sort(impostor[np.isfinite(impostor)])[: max(10, impostor.size // 100)]
    honest = genuine[np.isfinite(genuine)]
    return float((tail.mean() - honest.mean()) / np.sqrt((tail.var() + honest.var()) / 2))


@dataclass
class Row:
    variant: Variant
    cells: list[str]
    paired: list[str]
    genuine: Matrix  # distances of the genuine pairs, in ``Evaluation.genuine`` order


def evaluate(
    variant: Variant,
    east: Evaluation,
    east_stack: Stack,
    lfw: Evaluation,
    lfw_stack: Stack,
    limit: float,
    baseline: Baseline | None,
) -> tuple[Row, Baseline]:
    distances = distance_matrix(east_stack, variant)
    genuine = pair_values(distances, east.genuine)
    impostor = pair_values(distances, east.impostor)
    assert east.lookalike is not None
    lookalike = pair_values(distances, east.lookalike)
    lfw_distances = distance_matrix(lfw_stack, variant)
    lfw_genuine = pair_values(lfw_distances, lfw.genuine)
    lfw_impostor = pair_values(lfw_distances, lfw.impostor)

    at_01, threshold_01 = fnmr_at_fmr(genuine, impostor, 0.001)
    at_001, threshold_001 = fnmr_at_fmr(genuine, impostor, 0.0001)
    at_lookalike, threshold_lookalike = fnmr_at_fmr(genuine, lookalike, 0.01)
    lfw_at_01, _ = fnmr_at_fmr(lfw_genuine, lfw_impostor, 0.001)
    cells = [
        at_01,
        at_001,
        rate(int((impostor <= limit).sum()), impostor.size),
        rate(int((genuine > limit).sum()), genuine.size),
        rate(int((lookalike <= limit).sum()), lookalike.size),
        at_lookalike,
        f"{d_prime(genuine, impostor):.3f}",
        rate(int((lfw_genuine > limit).sum()), lfw_genuine.size)
        + f"; FMR {rate(int((lfw_impostor <= limit).sum()), lfw_impostor.size)}",
        lfw_at_01,
    ]
    rejected = genuine > limit
    closest = np.sort(impostor)[: max(10, impostor.size // 100)]
    paired = [
        f"{threshold_01:.4f} / {threshold_001:.4f} / {threshold_lookalike:.4f}",
        f"{float(genuine.mean()):.4f}",
        f"{float(closest.mean()):.4f}",
        f"{float(impostor.min()):.4f}",
    ]
    if baseline is not None:
        base_genuine, base_impostor, base_closest_pairs = baseline
        change = genuine - base_genuine
        base_rejected = base_genuine > limit
        tail_change = impostor[base_closest_pairs] - base_impostor[base_closest_pairs]
        paired += [
            f"{int((change < 0).sum())} / {int((change > 0).sum())} (mean {change.mean():+.4f})",
            f"{tail_change.mean():+.4f}",
            f"{int((base_rejected & ~rejected).sum())} / {int((~base_rejected & rejected).sum())}",
        ]
    else:
        paired += ["-", "-", "-"]
    closest_pairs = np.argsort(impostor)[: max(10, impostor.size // 100)]
    return Row(variant, cells, paired, genuine), (genuine, impostor, closest_pairs)


# --- cost ------------------------------------------------------------------------------------


def cpu_ms(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return (time.process_time() - start) * 1000


@dataclass
class Cost:
    template_ms: dict[str, float]  # median CPU ms per template, by crop-set label ("plain" too)
    frame_ms: dict[str, float]  # median CPU ms per 640x480 live-frame analysis
    pictures: int
    runs: int


def measure_cost(engine: FaceEngine, data: Path, pictures: list[Path], runs: int) -> Cost:
    """Per template: every variant on each of ``pictures`` (one detection each, interleaved so
    load changes hit every variant alike). Per live frame: the counter's analysis of the 640x480
    frame of ``faces_speed`` (detection, quality check with landmarks, template), ``runs`` times."""
    sets = {"plain": PLAIN, **CROP_SETS}
    faces = [found for found in (picture_face(engine, p) for p in pictures) if found is not None]
    times: dict[str, list[float]] = {label: [] for label in sets}
    for rgb, face in faces:
        multi_crop(engine, rgb, face, PLAIN)  # warm-up
        for label, columns in sets.items():
            times[label].append(cpu_ms(partial(multi_crop, engine, rgb, face, columns)))
    template_ms = {label: statistics.median(values) for label, values in times.items()}

    frame = frames(data)["640x480"]
    landmarks = LandmarkModel()

    def analysis(columns: tuple[int, ...]) -> None:
        quality = assess(frame, engine.detect(frame), landmarks)
        if quality.face is not None:
            multi_crop(engine, frame, quality.face, columns)

    frame_sets = {label: c for label, c in sets.items() if "mirror" not in label}
    frame_times: dict[str, list[float]] = {label: [] for label in frame_sets}
    frame_times["plain (faces_speed.live_frame_analysis)"] = []
    live_frame_analysis(engine, landmarks, frame)  # warm-up
    for _ in range(runs):
        frame_times["plain (faces_speed.live_frame_analysis)"].append(
            cpu_ms(partial(live_frame_analysis, engine, landmarks, frame))
        )
        for label, columns in frame_sets.items():
            frame_times[label].append(cpu_ms(partial(analysis, columns)))
    frame_ms = {label: statistics.median(values) for label, values in frame_times.items()}
    return Cost(template_ms, frame_ms, len(faces), runs)


def crop_label(variant: Variant) -> str:
    return next((label for label in CROP_SETS if variant.label.startswith(label)), "plain")


def cost_cells(variant: Variant, cost: Cost) -> list[str]:
    plain_template = cost.template_ms["plain"]
    plain_frame = cost.frame_ms["plain"]
    label = crop_label(variant)
    if variant.label.startswith("mirror only"):
        return [f"{plain_frame:.1f} (plain)", "(see docs: mirror)"]
    if variant.live_encodings > 1:
        frame = cost.frame_ms.get(label)
        live = "-" if frame is None else f"{frame:.1f} ({frame / plain_frame:.2f}x)"
    else:
        live = f"{plain_frame:.1f} (plain)"
    if variant.reference_encodings > 1:
        ms = cost.template_ms[label]
        reference = f"+{ms - plain_template:.1f} ({ms:.1f} vs {plain_template:.1f})"
    else:
        reference = "0"
    return [live, reference]


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="live-frame analyses per variant")
    parser.add_argument("--pictures", type=int, default=40, help="pictures timed per template")
    arguments = parser.parse_args()
    wall = time.perf_counter()
    load = os.getloadavg()
    cv2.setNumThreads(1)  # one core: CPU time is one core's, and the other jobs keep the other
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    data = Path(os.environ.get("DESK_APP_DATA_DIR", default_data))
    lfw_root = data / "faces" / "lfw"
    limit = load_settings().thresholds_for("sface").live_ephoto.passing
    engine = load_engine("sface")

    east = east_asian_evaluation(lfw_root)
    lfw = lfw_fold_evaluation(lfw_root)
    every = list(dict.fromkeys(east.pictures + lfw.pictures))
    stack = cached_crops(engine, every)
    index = {path: i for i, path in enumerate(every)}
    east_stack = stack[[index[p] for p in east.pictures]]
    lfw_stack = stack[[index[p] for p in lfw.pictures]]

    # The look-alike subset exactly as faces_accuracy defines it (its cached plain templates),
    # and a check that this run's plain and mirror templates are that script's.
    reference = cached_templates("sface", east.pictures + lfw.pictures)
    east_plain = reference.rows(east.pictures)
    with_lookalikes(east, pairwise_distances("cosine", east_plain, east_plain))
    all_plain = reference.rows(every)
    plain_gap = np.nanmax(
        1 - np.sum(_unit(all_plain) * _unit(combined(stack, PLAIN)), axis=1), initial=0.0
    )
    mirror_gap = np.nanmax(
        1 - np.sum(_unit(reference.rows(every, True)) * _unit(combined(stack, MIRROR_ONLY)), 1),
        initial=0.0,
    )
    without_face = int(np.isnan(stack[:, 0, 0]).sum())

    rows: list[Row] = []
    baseline: Baseline | None = None
    for variant in variants():
        row, values = evaluate(variant, east, east_stack, lfw, lfw_stack, limit, baseline)
        baseline = baseline or values
        rows.append(row)
    accuracy_seconds = time.perf_counter() - wall

    step = max(1, len(east.pictures) // arguments.pictures)
    timed = east.pictures[::step][: arguments.pictures]
    cost = measure_cost(engine, data, timed, arguments.runs)

    print_report(rows, cost, east, lfw, limit, (plain_gap, mirror_gap, without_face), load)
    print(
        f"\nWall time {time.perf_counter() - wall:.0f} s (templates and accuracy "
        f"{accuracy_seconds:.0f} s, the rest cost); "
        f"load average at start {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}; "
        f"at end {', '.join(f'{v:.2f}' for v in os.getloadavg())}."
    )


def _unit(rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    values = np.asarray(rows, dtype=np.float64)
    return np.asarray(values / np.linalg.norm(values, axis=1, keepdims=True), dtype=np.float64)


def print_report(
    rows: list[Row],
    cost: Cost,
    east: Evaluation,
    lfw: Evaluation,
    limit: float,
    checks: tuple[float, float, int],
    load: tuple[float, float, float],
) -> None:
    assert east.lookalike is not None
    plain_gap, mirror_gap, without_face = checks
    print(
        f"East Asian dev set, every pair: {len(east.genuine)} genuine, {len(east.impostor)} "
        f"impostor pairs ({len(east.pictures)} pictures); look-alikes {len(east.lookalike)} pairs. "
        f"LFW fold 1: {len(lfw.genuine)} / {len(lfw.impostor)}. SFace, shipped live-e-photo "
        f"limit {limit:.2f}. 95 % Wilson intervals in brackets; the count after an interval is "
        f"the number of pairs. Pictures without a face: {without_face}. Check against "
        f"faces_accuracy's cached templates: plain max cosine gap {plain_gap:.2e}, mirror-averaged "
        f"{mirror_gap:.2e}.\n"
    )
    print(
        f"| method | FNMR @ FMR 0.1 % | FNMR @ FMR 0.01 % | FMR at {limit:.2f} | "
        f"FNMR at {limit:.2f} | look-alike FMR at {limit:.2f} | FNMR @ look-alike FMR 1 % | "
        f"d' (genuine vs closest 1 % impostors) | LFW fold 1 FNMR at {limit:.2f} "
        f"({len(lfw.genuine)} / {len(lfw.impostor)}) | LFW FNMR @ FMR 0.1 % | "
        "encodings (live / reference) | live-frame analysis, CPU ms | "
        "extra per reference, CPU ms |"
    )
    print("|" + "---|" * 13)
    for row in rows:
        v = row.variant
        cells = [v.label, *row.cells, f"{v.live_encodings} / {v.reference_encodings}"]
        print("| " + " | ".join(cells + cost_cells(v, cost)) + " |")

    print(
        "\nPaired with the plain row (same pairs): distances at FMR 0.1 % / 0.01 % / look-alike "
        "FMR 1 %; means; honest pairs closer / farther; the plain row's closest 1 % impostor "
        f"pairs, mean change; honest pairs rejected at {limit:.2f}: no longer / newly.\n"
    )
    print(
        "| method | limit for FMR 0.1 % / 0.01 % / look-alike 1 % | genuine mean | closest 1 % "
        "impostors mean | closest impostor | honest closer / farther | plain's closest 1 % "
        f"impostors, change | rejected at {limit:.2f}: fixed / new |"
    )
    print("|" + "---|" * 8)
    for row in rows:
        print("| " + " | ".join([row.variant.label, *row.paired]) + " |")

    print(
        f"\nCPU time, one core (`time.process_time`, `cv2.setNumThreads(1)`), median per template "
        f"over {cost.pictures} distinct East Asian dev pictures (one detection each, variants "
        f"interleaved), and per 640x480 live-frame analysis (detection, quality check with "
        f"landmarks, template) over {cost.runs} runs; load average at start "
        f"{load[0]:.2f}.\n"
    )
    print(
        "| template | encodings | CPU ms per template | extra vs plain | ratio | "
        "live frame ms | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    plain = cost.template_ms["plain"]
    plain_frame = cost.frame_ms["plain"]
    for label, ms in cost.template_ms.items():
        columns = PLAIN if label == "plain" else CROP_SETS[label]
        frame = cost.frame_ms.get(label)
        frame_cells = (
            ["-", "-"] if frame is None else [f"{frame:.1f}", f"{frame / plain_frame:.2f}x"]
        )
        print(
            f"| {label} | {len(columns)} | {ms:.1f} | +{ms - plain:.1f} | {ms / plain:.2f}x | "
            + " | ".join(frame_cells)
            + " |"
        )
    helper = cost.frame_ms["plain (faces_speed.live_frame_analysis)"]
    print(f"\n(faces_speed.live_frame_analysis, same frame: {helper:.1f} ms.)")
    print_near_limit(rows, east, limit)


def print_near_limit(rows: list[Row], east: Evaluation, limit: float) -> None:
    """The honest pairs that some variant moves across the limit, their distance per variant."""
    crossing = np.zeros(len(east.genuine), dtype=bool)
    for row in rows:
        crossing |= (row.genuine > limit) != (rows[0].genuine > limit)
    chosen = np.flatnonzero(crossing | (rows[0].genuine > limit))
    chosen = chosen[np.argsort(-rows[0].genuine[chosen])]
    names = [" / ".join(east.pictures[i].stem for i in east.genuine[pair]) for pair in chosen]
    print(
        f"\nHonest pairs over {limit:.2f} in the plain row or moved across it by a variant "
        "(distance per variant; the pair's first / second picture):\n"
    )
    print("| method | " + " | ".join(names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for row in rows:
        values = [
            f"**{row.genuine[i]:.4f}**" if row.genuine[i] > limit else f"{row.genuine[i]:.4f}"
            for i in chosen
        ]
        print("| " + " | ".join([row.variant.label, *values]) + " |")


if __name__ == "__main__":
    main()
