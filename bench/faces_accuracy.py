"""Face matching accuracy on the shared dev data, per engine and for the naive baseline.

Sets (under ../shared/data/faces, or DESK_APP_DATA_DIR/faces):
- LFW View-2 fold 1 (lfw/pairs_view2_fold1.csv);
- East Asian: the genuine pairs of lfw/pairs_east_asian.csv and every cross-identity pair among
  the East Asian identities as impostors;
- ORL: every same-identity pair as genuine, every cross-identity pair as impostor;
- Chip-like (live-card): a full-size photo against the chip-like portrait (102x126, <= 1,024
  bytes of JPEG 2000) of another photo of East Asian LFW and ORL (bench/faces_card.py has the
  step-by-step table); its pass threshold is the live-card one.

Baseline, in the same run: face_recognition's defaults (face_locations + face_encodings of the
first box + compare_faces at tolerance 0.6). For each engine: FMR and FNMR at the configured
(shipped) pass threshold, FNMR at FMR 1% and 0.1%, ROC AUC, images without a detected face.
A failed detection counts as "no match" (a false non-match on a genuine pair).

    .venv/bin/python bench/faces_accuracy.py [--engines dlib sface] [--no-baseline]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk_app.config import load_settings
from desk_app.vision.calibration import error_rates, roc_auc, threshold_for_fmr
from desk_app.vision.engines import load_engine
from desk_app.vision.images import load_rgb
from desk_app.vision.pairs import TemplateCache, score_pairs

Pairs = list[tuple[str, str, bool]]


@dataclass
class PairSet:
    name: str
    root: Path
    pairs: Pairs
    comparison: str = "live_ephoto"  # whose shipped pass limit the table shows


def _read_pairs(path: Path) -> Pairs:
    with path.open(encoding="utf-8") as stream:
        return [(r["img1"], r["img2"], r["same"] == "1") for r in csv.DictReader(stream)]


def _all_pairs(images: list[tuple[str, str]], genuine_too: bool) -> Pairs:
    """Every pair of (image, identity): cross-identity ones, and same-identity ones if asked."""
    pairs = []
    for (one, who), (other, whom) in itertools.combinations(images, 2):
        if who != whom or genuine_too:
            pairs.append((one, other, who == whom))
    return pairs


def pair_sets(faces: Path) -> list[PairSet]:
    lfw = faces / "lfw"
    with (lfw / "east_asian_identities.csv").open(encoding="utf-8") as stream:
        east_asian = [(r["image"], r["identity"]) for r in csv.DictReader(stream)]
    genuine = [p for p in _read_pairs(lfw / "pairs_east_asian.csv") if p[2]]
    with (faces / "orl_att_faces" / "identities.csv").open(encoding="utf-8") as stream:
        orl = [(r["image"], r["identity"]) for r in csv.DictReader(stream)]
    return [
        PairSet("LFW fold 1", lfw / "images", _read_pairs(lfw / "pairs_view2_fold1.csv")),
        PairSet("East Asian", lfw / "images", genuine + _all_pairs(east_asian, False)),
        PairSet("ORL", faces / "orl_att_faces", _all_pairs(orl, True)),
        chiplike_set(faces.parent),
    ]


def chiplike_set(data: Path) -> PairSet:
    """Live photo against the chip-like portrait of another photo (desk_app.vision.chiplike),
    East Asian LFW and ORL, both orders; built into bench/out/chiplike on first use."""
    from faces_card import dev_set

    root = dev_set(data)
    with (root / "live_card.csv").open(encoding="utf-8") as stream:
        pairs = [(r["img1"], r["img2"], r["same"] == "1") for r in csv.DictReader(stream)]
    return PairSet("Chip-like (live-card)", root, pairs, "live_card")


@dataclass
class Metrics:
    fmr: float
    fnmr: float
    fnmr_at_1: float
    fnmr_at_01: float
    threshold_at_01: float  # the largest distance that still keeps FMR at or under 0.1%
    auc: float


def metrics(genuine: np.ndarray, impostor: np.ndarray, threshold: float) -> Metrics:
    """Distances (inf = no template); a pair matches when its distance is at most the threshold."""
    fmr, fnmr = error_rates(genuine, impostor, threshold)
    at_01 = threshold_for_fmr(impostor, 0.001)
    return Metrics(
        fmr=fmr,
        fnmr=fnmr,
        fnmr_at_1=error_rates(genuine, impostor, threshold_for_fmr(impostor, 0.01))[1],
        fnmr_at_01=error_rates(genuine, impostor, at_01)[1],
        threshold_at_01=at_01,
        auc=roc_auc(genuine, impostor),
    )


def naive_baseline() -> tuple[Callable[[Path], np.ndarray | None], Callable[..., float]]:
    import face_recognition

    def encode(path: Path) -> np.ndarray | None:
        image = load_rgb(path)
        locations = face_recognition.face_locations(image)
        if not locations:
            return None
        return np.asarray(face_recognition.face_encodings(image, locations[:1])[0])

    return encode, lambda a, b: float(np.linalg.norm(a - b))


def distances_naive(pair_set: PairSet, cache: dict[Path, np.ndarray | None]) -> list[float]:
    encode, distance = naive_baseline()
    result = []
    for one, other, _ in pair_set.pairs:
        for path in (pair_set.root / one, pair_set.root / other):
            if path not in cache:
                cache[path] = encode(path)
        a, b = cache[pair_set.root / one], cache[pair_set.root / other]
        result.append(np.inf if a is None or b is None else distance(a, b))
    return result


def report(
    name: str, pair_set: PairSet, distances: list[float], threshold: float, failures: int
) -> None:
    values = np.asarray(distances, dtype=np.float64)
    same = np.asarray([p[2] for p in pair_set.pairs])
    m = metrics(values[same], values[~same], threshold)
    print(
        f"| {pair_set.name} | {name} | {same.sum()} / {(~same).sum()} | {threshold:.3f} | "
        f"{m.fmr:.2%} | {m.fnmr:.2%} | {m.fnmr_at_1:.2%} | {m.fnmr_at_01:.2%} | "
        f"{m.threshold_at_01:.3f} | {m.auc:.4f} | {failures} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["sface", "dlib"])
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--sets", nargs="+", default=None, help="e.g. 'East Asian' ORL")
    arguments = parser.parse_args()
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    data = Path(os.environ.get("DESK_APP_DATA_DIR", default_data))
    sets = [s for s in pair_sets(data / "faces") if not arguments.sets or s.name in arguments.sets]
    settings = load_settings()
    print(
        "| set | engine | genuine / impostor pairs | pass threshold | FMR | FNMR | "
        "FNMR @ FMR 1% | FNMR @ FMR 0.1% | distance for FMR 0.1% | ROC AUC | "
        "images without a face |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for pair_set in sets:
        if not arguments.no_baseline:
            start = time.perf_counter()
            naive_cache: dict[Path, np.ndarray | None] = {}
            distances = distances_naive(pair_set, naive_cache)
            failures = sum(1 for value in naive_cache.values() if value is None)
            report("face_recognition defaults", pair_set, distances, 0.6, failures)
            print(f"<!-- naive: {time.perf_counter() - start:.1f} s -->", file=sys.stderr)
        for engine_name in arguments.engines:
            start = time.perf_counter()
            cache = TemplateCache(load_engine(engine_name), pair_set.root)
            scores = score_pairs(cache, [(one, other) for one, other, _ in pair_set.pairs])
            distances = [np.inf if s.distance is None else s.distance for s in scores]
            limits = getattr(settings.thresholds_for(engine_name), pair_set.comparison)
            threshold = limits.passing
            report(engine_name, pair_set, distances, threshold, len(cache.failures()))
            print(f"<!-- {engine_name}: {time.perf_counter() - start:.1f} s -->", file=sys.stderr)


if __name__ == "__main__":
    main()
