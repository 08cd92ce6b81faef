"""Quality-aware thresholds (issue 17): does the live-e-photo pass limit want to depend on the
pictures' quality?

The pairs are those of ``bench/faces_accuracy.py --lookalike`` on the dev East Asian set (every
same-identity pair genuine, every cross-identity pair impostor; SFace, templates from its cache
under bench/out/templates). Each picture gets the counter's quality measures
(``desk_app.vision.quality.assess`` on the picture as the engine saw it when its template was
made: enlarged to a 400 px short side by ``upscale_small``): eye distance (given in the
original picture's pixels), sharpness, head pose, and the best-shot score. Pairs are binned by
the lower quality of their two pictures (the higher |pose|), in thirds of the genuine pairs.

Per bin: genuine and impostor counts, FNMR and FMR at the shipped limit 0.58 with 95 % Wilson
intervals, the closest impostor, and the limit that would keep the bin's FMR at 0.1 %. Then the
quality-aware rule itself: one limit per bin, each as far below its bin's closest impostor as
the shipped limit is below the overall closest impostor (the same margin everywhere), set on one
half of the identities and counted on the other (two folds), against the single shipped limit
on the same pairs.

    .venv/bin/python bench/faces_quality.py

Dev data only (the hold-out set is never read). 160 pictures of 40 identities: bins of a
hundred genuine pairs move in steps of about 1 %.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faces_accuracy import (
    Evaluation,
    cached_templates,
    east_asian_evaluation,
    with_lookalikes,
)

from desk_app.config import QualitySettings, load_settings
from desk_app.vision.calibration import threshold_for_fmr
from desk_app.vision.scoring import pairwise_distances, wilson_interval


@dataclass(frozen=True)
class PictureQuality:
    """The counter's quality verdict on one still picture (``ok``: no quality issue)."""

    ok: bool
    issues: tuple[str, ...]
    score: float
    eye_distance: float  # in the original picture's pixels
    sharpness: float
    pose: float  # |yaw| + |pitch| + |roll|, approximate degrees
    yaw: float


def picture_qualities(paths: list[Path]) -> dict[Path, PictureQuality | None]:
    """Quality of each picture as the counter's ``assess`` sees it (None: no face), on the
    picture enlarged as its template was (``upscale_small``, as faces_accuracy's cache does)."""
    from desk_app.vision.engines import load_engine
    from desk_app.vision.images import load_rgb, upscale_small
    from desk_app.vision.quality import LandmarkModel, assess

    engine = load_engine("sface")
    landmarks = LandmarkModel()
    settings = QualitySettings()
    result: dict[Path, PictureQuality | None] = {}
    for path in dict.fromkeys(paths):
        enlarged, factor = upscale_small(load_rgb(path))
        quality = assess(enlarged, engine.detect(enlarged), landmarks, settings)
        if quality.face is None:
            result[path] = None
            continue
        m = quality.measures
        result[path] = PictureQuality(
            ok=quality.ok,
            issues=tuple(issue.value for issue in quality.issues),
            score=quality.score,
            eye_distance=m["eye_distance"] / factor,
            sharpness=m["sharpness"],
            pose=abs(m["yaw"]) + abs(m["pitch"]) + abs(m["roll"]),
            yaw=m["yaw"],
        )
    return result


# --- binning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    name: str
    of: str  # PictureQuality field
    worse_is_higher: bool = False  # pose: the higher the worse

    def pair_values(self, qualities: list[PictureQuality | None], pairs: np.ndarray) -> np.ndarray:
        """The lower quality of each pair's two pictures (NaN when a picture has no face)."""
        values = np.asarray(
            [np.nan if q is None else float(getattr(q, self.of)) for q in qualities]
        )
        both = values[pairs]
        return np.asarray(both.max(axis=1) if self.worse_is_higher else both.min(axis=1))


MEASURES = (
    Measure("eye distance (px, original picture)", "eye_distance"),
    Measure("sharpness (Laplacian variance)", "sharpness"),
    Measure("pose |yaw|+|pitch|+|roll| (deg)", "pose", worse_is_higher=True),
    Measure("best-shot score (FrameQuality.score)", "score"),
)


def rate(errors: int, trials: int) -> str:
    low, high = wilson_interval(errors, trials)
    return f"{errors}/{trials} = {errors / max(trials, 1):.2%} [{low:.2%}, {high:.2%}]"


def thirds(values: np.ndarray, genuine: np.ndarray, worse_is_higher: bool) -> list[float]:
    """Edges cutting the genuine pairs' values in three, worst third first."""
    finite = values[genuine & np.isfinite(values)]
    edges = list(np.quantile(finite, [1 / 3, 2 / 3]))
    return edges[::-1] if worse_is_higher else edges


def bin_of(values: np.ndarray, edges: list[float], worse_is_higher: bool) -> np.ndarray:
    """0 (worst third), 1, 2 (best third) per pair; -1 without a value."""
    out = np.full(values.shape, -1)
    finite = np.isfinite(values)
    if worse_is_higher:
        out[finite] = np.where(
            values[finite] > edges[0], 0, np.where(values[finite] > edges[1], 1, 2)
        )
    else:
        out[finite] = np.where(
            values[finite] < edges[0], 0, np.where(values[finite] < edges[1], 1, 2)
        )
    return out


def bin_labels(measure: Measure, edges: list[float]) -> list[str]:
    if measure.worse_is_higher:
        return [f"> {edges[0]:.1f}", f"{edges[1]:.1f}-{edges[0]:.1f}", f"<= {edges[1]:.1f}"]
    return [f"< {edges[0]:.1f}", f"{edges[0]:.1f}-{edges[1]:.1f}", f">= {edges[1]:.1f}"]


@dataclass
class Pairs:
    """Every pair of the evaluation with its distance, label, identities and quality bin."""

    distance: np.ndarray
    genuine: np.ndarray
    lookalike: np.ndarray
    first_identity: np.ndarray
    second_identity: np.ndarray


def bin_table(pairs: Pairs, bins: np.ndarray, labels: list[str], limit: float) -> None:
    print(
        "| bin (lower quality of the pair) | genuine | impostor | FNMR at limit [95 % CI] | "
        "FMR at limit [95 % CI] | genuine max | closest impostor (margin to the limit) | "
        "look-alike pairs / closest | bin limit for FMR 0.1 % | FNMR at that limit |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    d, g, la = pairs.distance, pairs.genuine, pairs.lookalike
    for index, label in [*enumerate(labels), (-1, "no face in a picture")]:
        mask = bins == index
        gen, imp, look = d[mask & g], d[mask & ~g], d[mask & la]
        if not gen.size and not imp.size:
            continue
        closest = float(imp.min()) if imp.size else np.inf
        at = threshold_for_fmr(imp, 0.001) if imp.size else np.inf
        print(
            f"| {label} | {gen.size} | {imp.size} | {rate(int((gen > limit).sum()), gen.size)} | "
            f"{rate(int((imp <= limit).sum()), imp.size)} | "
            f"{gen[np.isfinite(gen)].max() if np.isfinite(gen).any() else np.inf:.3f} | "
            f"{closest:.3f} ({closest - limit:+.3f}) | "
            f"{look.size} / {look.min() if look.size else np.inf:.3f} | {at:.3f} | "
            f"{rate(int((gen > at).sum()), gen.size)} |"
        )


def quality_aware_limits(
    distance: np.ndarray, genuine: np.ndarray, bins: np.ndarray, rule: str, limit: float
) -> dict[int, float]:
    """One limit per bin, from the pairs given (their impostors only):
    ``margin``: as far below the bin's closest impostor as ``limit`` is below the closest
    impostor of all the pairs (the shipped margin, kept in every bin);
    ``fmr``: the bin's limit for FMR 0.1 % (each bin at most 0.1 %: so the whole set too)."""
    impostor = distance[~genuine & np.isfinite(distance)]
    margin = float(impostor.min()) - limit
    limits = {}
    for index in sorted(set(bins.tolist()) - {-1}):
        bin_impostors = distance[(bins == index) & ~genuine & np.isfinite(distance)]
        if rule == "margin":
            limits[index] = float(bin_impostors.min()) - margin
        else:
            limits[index] = threshold_for_fmr(bin_impostors, 0.001)
    return limits


def apply_limits(bins: np.ndarray, limits: dict[int, float], default: float) -> np.ndarray:
    return np.asarray([limits.get(int(b), default) for b in bins])


def rule_rows(pairs: Pairs, bins: np.ndarray, limit: float, folds: list[np.ndarray]) -> None:
    """The single limit against the quality-aware limits, in-sample and two-fold by identity
    (limits set on the pairs within one half of the identities, counted on the other half's)."""
    d, g = pairs.distance, pairs.genuine
    global_fmr = threshold_for_fmr(d[~g], 0.001)

    def counts(passed: np.ndarray, mask: np.ndarray) -> str:
        gen, imp = mask & g, mask & ~g
        fnmr = rate(int((~passed & gen).sum()), int(gen.sum()))
        fmr = rate(int((passed & imp).sum()), int(imp.sum()))
        return f"{fnmr} | {fmr} | {float(d[imp].min()):.3f}"

    everything = np.ones_like(g)
    print(
        "| rule | limits per bin, worst first (two-fold: each half's) | FNMR | FMR | "
        "closest impostor distance | closest impostor minus its limit |"
    )
    print("|---|---|---|---|---|---|")
    rows = [("shipped single limit", np.full(d.shape, limit), f"{limit:.3f} everywhere")]
    rows.append(
        ("single limit at FMR 0.1 % (in-sample)", np.full(d.shape, global_fmr), f"{global_fmr:.3f}")
    )
    for rule, name in (("margin", "same margin per bin"), ("fmr", "FMR 0.1 % per bin")):
        limits = quality_aware_limits(d, g, bins, rule, limit)
        text = ", ".join(f"{limits[k]:.3f}" for k in sorted(limits))
        rows.append((f"quality-aware, {name} (in-sample)", apply_limits(bins, limits, limit), text))
    for label, per_pair, text in rows:
        passed = d <= per_pair
        slack = float((d[~g] - per_pair[~g]).min())
        print(f"| {label} | {text} | {counts(passed, everything)} | {slack:+.3f} |")
    # Two folds: limits from one half's pairs applied to the other half's.
    for rule, name in (("margin", "same margin per bin"), ("fmr", "FMR 0.1 % per bin")):
        passed = np.zeros_like(g)
        per_pair = np.full(d.shape, np.nan)
        texts = []
        for train, test in (folds, folds[::-1]):
            limits = quality_aware_limits(d[train], g[train], bins[train], rule, limit)
            per_pair[test] = apply_limits(bins[test], limits, limit)
            texts.append(", ".join(f"{limits[k]:.3f}" for k in sorted(limits)))
        held = folds[0] | folds[1]
        passed = d <= np.nan_to_num(per_pair, nan=-np.inf)
        slack = float((d[held & ~g] - per_pair[held & ~g]).min())
        print(
            f"| quality-aware, {name} (two-fold by identity) | {' / '.join(texts)} | "
            f"{counts(passed, held)} | {slack:+.3f} |"
        )
    held = folds[0] | folds[1]
    per_pair = np.full(d.shape, np.nan)
    texts = []
    for train, test in (folds, folds[::-1]):
        single = threshold_for_fmr(d[train & ~g], 0.001)
        per_pair[test] = single
        texts.append(f"{single:.3f}")
    passed = d <= np.nan_to_num(per_pair, nan=-np.inf)
    slack = float((d[held & ~g] - per_pair[held & ~g]).min())
    print(
        f"| single limit at FMR 0.1 % (two-fold by identity) | {' / '.join(texts)} | "
        f"{counts(passed, held)} | {slack:+.3f} |"
    )
    passed = d <= limit
    slack = float((d[held & ~g] - limit).min())
    print(
        f"| shipped single limit, same within-half pairs | {limit:.3f} | {counts(passed, held)} | "
        f"{slack:+.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    started = time.perf_counter()
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    data = Path(os.environ.get("DESK_APP_DATA_DIR", default_data))
    limit = load_settings().thresholds_for("sface").live_ephoto.passing
    evaluation: Evaluation = east_asian_evaluation(data / "faces" / "lfw")
    table = cached_templates("sface", evaluation.pictures)
    rows = table.rows(evaluation.pictures)
    raw = pairwise_distances("cosine", rows, rows)
    raw = np.where(np.isfinite(raw), raw, np.inf)
    with_lookalikes(evaluation, raw)
    everything = np.concatenate([evaluation.genuine, evaluation.impostor])
    genuine = np.zeros(len(everything), dtype=bool)
    genuine[: len(evaluation.genuine)] = True
    assert evaluation.lookalike is not None
    lookalike_set = {tuple(p) for p in evaluation.lookalike.tolist()}
    names = np.asarray(evaluation.identities)
    pairs = Pairs(
        distance=raw[everything[:, 0], everything[:, 1]],
        genuine=genuine,
        lookalike=np.asarray([tuple(p) in lookalike_set for p in everything.tolist()]),
        first_identity=names[everything[:, 0]],
        second_identity=names[everything[:, 1]],
    )
    qualities_by_path = picture_qualities(evaluation.pictures)
    qualities = [qualities_by_path[p] for p in evaluation.pictures]
    print(
        f"<!-- quality of {len(qualities)} pictures: {time.perf_counter() - started:.0f} s -->",
        file=sys.stderr,
    )
    people = sorted(set(evaluation.identities))
    first_half = np.isin(names, people[0::2])
    in_first = first_half[everything[:, 0]] & first_half[everything[:, 1]]
    in_second = ~first_half[everything[:, 0]] & ~first_half[everything[:, 1]]

    found = [q for q in qualities if q is not None]
    issues: dict[str, int] = {}
    for q in found:
        for issue in q.issues:
            issues[issue] = issues.get(issue, 0) + 1
    print(
        f"East Asian dev set, every pair: {int(genuine.sum())} genuine, {int((~genuine).sum())} "
        f"impostor pairs ({len(qualities)} pictures, {len(people)} identities; look-alike "
        f"subset {int(pairs.lookalike.sum())} pairs). SFace, shipped live-e-photo pass limit "
        f"{limit}. Pictures with a face: {len(found)}; passing the counter's quality check: "
        f"{sum(q.ok for q in found)}; issues: "
        + ", ".join(f"{k} {v}" for k, v in sorted(issues.items(), key=lambda x: -x[1]))
        + f". Medians: eye distance {np.median([q.eye_distance for q in found]):.1f} px, "
        f"sharpness {np.median([q.sharpness for q in found]):.0f}, pose "
        f"{np.median([q.pose for q in found]):.1f} deg.\n"
    )
    index_pairs = everything
    for measure in MEASURES:
        values = measure.pair_values(qualities, index_pairs)
        edges = thirds(values, genuine, measure.worse_is_higher)
        bins = bin_of(values, edges, measure.worse_is_higher)
        print(f"\n#### Bins by {measure.name}, thirds of the genuine pairs\n")
        bin_table(pairs, bins, bin_labels(measure, edges), limit)
        print()
        rule_rows(pairs, bins, limit, [in_first, in_second])
    # The counter's own verdict: both pictures pass its quality check, or not.
    ok = np.asarray([q is not None and q.ok for q in qualities])
    both_ok = ok[index_pairs].all(axis=1)
    bins = np.where(both_ok, 1, 0)
    print("\n#### Bins by the counter's quality verdict (a picture with any quality issue)\n")
    bin_table(pairs, bins, ["a picture fails the check", "both pass"], limit)
    print()
    rule_rows(pairs, bins, limit, [in_first, in_second])
    print(f"<!-- {time.perf_counter() - started:.0f} s -->", file=sys.stderr)


if __name__ == "__main__":
    main()
