"""Error rates and thresholds from labelled pairs: FMR, FNMR, DET curve, ROC AUC.

Distances: lower is more alike; a pair matches when its distance is at most the threshold. A pair
without a template (no face found) has distance +inf: never a match, so it counts against FNMR
on genuine pairs, which is what a clerk experiences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

Distances = npt.NDArray[np.float64]


def threshold_for_fmr(impostor: Distances, target: float) -> float:
    """The largest threshold whose false-match rate is at most ``target``."""
    ordered = np.sort(impostor)
    allowed = math.floor(target * ordered.size + 1e-9)
    if allowed >= ordered.size:
        return float(ordered[-1])
    return float(np.nextafter(ordered[allowed], -np.inf))


def error_rates(genuine: Distances, impostor: Distances, threshold: float) -> tuple[float, float]:
    """(FMR, FNMR) at ``threshold``."""
    return float(np.mean(impostor <= threshold)), float(np.mean(genuine > threshold))


def roc_auc(genuine: Distances, impostor: Distances) -> float:
    """Probability that a genuine pair is closer than an impostor pair (ties count half)."""
    impostor_sorted = np.sort(impostor)
    below = np.searchsorted(impostor_sorted, genuine, side="left")
    at_or_below = np.searchsorted(impostor_sorted, genuine, side="right")
    wins = (impostor_sorted.size - at_or_below) + 0.5 * (at_or_below - below)
    return float(wins.sum() / (genuine.size * impostor_sorted.size))


@dataclass(frozen=True)
class Calibration:
    genuine_pairs: int
    impostor_pairs: int
    target_fmr: float
    pass_threshold: float
    review_threshold: float
    fmr: float  # at the pass threshold
    fnmr: float
    review_fmr: float  # at the review threshold
    review_fnmr: float
    auc: float
    fnmr_at: dict[float, float]  # FNMR at FMR 1%, 0.1%...


def calibrate(
    genuine: Distances, impostor: Distances, *, target_fmr: float = 0.001, review_factor: float = 10
) -> Calibration:
    """Pass at ``target_fmr``; the review band reaches ``review_factor`` times that FMR."""
    if genuine.size == 0 or impostor.size == 0:
        raise ValueError("calibration needs genuine and impostor pairs")
    passing = threshold_for_fmr(impostor, target_fmr)
    review = max(threshold_for_fmr(impostor, min(target_fmr * review_factor, 1.0)), passing)
    fmr, fnmr = error_rates(genuine, impostor, passing)
    review_fmr, review_fnmr = error_rates(genuine, impostor, review)
    return Calibration(
        genuine_pairs=int(genuine.size),
        impostor_pairs=int(impostor.size),
        target_fmr=target_fmr,
        pass_threshold=passing,
        review_threshold=review,
        fmr=fmr,
        fnmr=fnmr,
        review_fmr=review_fmr,
        review_fnmr=review_fnmr,
        auc=roc_auc(genuine, impostor),
        fnmr_at={
            rate: error_rates(genuine, impostor, threshold_for_fmr(impostor, rate))[1]
            for rate in (0.01, 0.001)
        },
    )


def det_curve(genuine: Distances, impostor: Distances) -> tuple[Distances, Distances]:
    """(FMR, FNMR) over every distinct finite distance seen."""
    candidates = np.unique(np.concatenate([genuine, impostor]))
    candidates = candidates[np.isfinite(candidates)]
    impostor_sorted, genuine_sorted = np.sort(impostor), np.sort(genuine)
    fmr = np.searchsorted(impostor_sorted, candidates, side="right") / impostor.size
    fnmr = 1 - np.searchsorted(genuine_sorted, candidates, side="right") / genuine.size
    return fmr.astype(np.float64), fnmr.astype(np.float64)


def plot_det(
    genuine: Distances, impostor: Distances, calibration: Calibration, path: Path, title: str
) -> None:
    """A DET plot (FNMR against FMR, log scale) as PNG, drawn with OpenCV: no plotting library."""
    width, height, margin = 720, 540, 70
    canvas = np.full((height, width, 3), 255, dtype=np.uint8)
    low = 10 ** math.floor(math.log10(max(1.0 / impostor.size, 1e-6)))

    def to_pixel(fmr: float, fnmr: float) -> tuple[int, int]:
        x = (math.log10(max(fmr, low)) - math.log10(low)) / -math.log10(low)
        y = (math.log10(max(fnmr, low)) - math.log10(low)) / -math.log10(low)
        return margin + round(x * (width - 2 * margin)), height - margin - round(
            y * (height - 2 * margin)
        )

    grey, black, blue, red = (200, 200, 200), (0, 0, 0), (200, 90, 20), (30, 30, 220)
    decade = low
    while decade <= 1.0 + 1e-12:
        x, _ = to_pixel(decade, low)
        _, y = to_pixel(low, decade)
        cv2.line(canvas, (x, margin), (x, height - margin), grey, 1)
        cv2.line(canvas, (margin, y), (width - margin, y), grey, 1)
        label = f"{decade:g}"
        cv2.putText(canvas, label, (x - 15, height - margin + 20), 0, 0.4, black, 1, cv2.LINE_AA)
        cv2.putText(canvas, label, (10, y + 4), 0, 0.4, black, 1, cv2.LINE_AA)
        decade *= 10
    cv2.rectangle(canvas, (margin, margin), (width - margin, height - margin), black, 1)
    fmr, fnmr = det_curve(genuine, impostor)
    points = np.array([to_pixel(a, b) for a, b in zip(fmr, fnmr, strict=True)], dtype=np.int32)
    if len(points) > 1:
        cv2.polylines(canvas, [points], False, blue, 2, cv2.LINE_AA)
    for rate, colour in ((calibration.fmr, red), (calibration.review_fmr, (0, 150, 0))):
        fnmr_here = calibration.fnmr if colour == red else calibration.review_fnmr
        cv2.circle(canvas, to_pixel(rate, fnmr_here), 6, colour, 2, cv2.LINE_AA)
    cv2.putText(canvas, title, (margin, 30), 0, 0.55, black, 1, cv2.LINE_AA)
    cv2.putText(canvas, "FMR (false match rate)", (width // 2 - 80, height - 25), 0, 0.5, black, 1)
    cv2.putText(canvas, "FNMR", (10, margin - 15), 0, 0.5, black, 1)
    cv2.putText(canvas, "o pass threshold", (width - 230, margin + 25), 0, 0.45, red, 1)
    cv2.putText(canvas, "o review threshold", (width - 230, margin + 45), 0, 0.45, (0, 150, 0), 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), canvas):
        raise OSError(f"cannot write {path}")


def report_markdown(calibration: Calibration, engine: str, failures: int, plot_name: str) -> str:
    c = calibration
    return "\n".join(
        [
            f"# Face-match calibration ({engine})",
            "",
            f"{c.genuine_pairs} genuine and {c.impostor_pairs} impostor pairs; "
            f"{failures} images without a usable face (their pairs count as non-matches).",
            "",
            "| | distance | FMR | FNMR |",
            "|---|---|---|---|",
            f"| pass (target FMR {c.target_fmr:g}) | {c.pass_threshold:.4f} | {c.fmr:.4%} | "
            f"{c.fnmr:.2%} |",
            f"| review | {c.review_threshold:.4f} | {c.review_fmr:.4%} | {c.review_fnmr:.2%} |",
            "",
            f"ROC AUC {c.auc:.4f}; FNMR at FMR 1%: {c.fnmr_at[0.01]:.2%}, "
            f"at FMR 0.1%: {c.fnmr_at[0.001]:.2%}.",
            "",
            f"![DET curve]({plot_name})",
            "",
            *([_too_few_impostors(c)] if c.target_fmr * c.impostor_pairs < 1 else []),
        ]
    )


def _too_few_impostors(c: Calibration) -> str:
    return (
        f"**Caution:** with {c.impostor_pairs} impostor pairs an FMR of {c.target_fmr:g} cannot "
        f"be measured (one false match is already {1 / c.impostor_pairs:.2%}); the pass threshold "
        f"sits just below the closest impostor pair. Label more impostor pairs (at least "
        f"{math.ceil(10 / c.target_fmr)}) before trusting it.\n"
    )
