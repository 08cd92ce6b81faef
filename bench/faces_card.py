"""Live face against a chip-like card portrait: each step of the card pipeline, per engine,
beside the shipped pipeline in the same run.

The chip-like dev set (desk_app.vision.chiplike.build_dev_set) is made from ../shared/data (or
DESK_APP_DATA_DIR) into bench/out/chiplike on first use: LFW's East Asian identities and ORL, each
photo cropped to a 102x126 head-and-shoulders portrait and squeezed to ≤ 1,024 bytes of JPEG 2000.
Pairs: a full-size photo ("live") against the chip of ANOTHER photo, both orders.

For each engine and step: FNMR at FMR 0.1 %, ROC AUC, portraits without a face, and the share of
genuine / impostor pairs that pass, go to review or fail (a) at the configured live-card limits and
(b) at limits set on these pairs: pass at FMR 0.1 %, review reaching 95 % of genuine pairs.

    .venv/bin/python bench/faces_card.py [--engines sface dlib] [--steps shipped mirror ...]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk_app.config import load_settings
from desk_app.domain.errors import DeskError
from desk_app.vision.calibration import error_rates, roc_auc, threshold_for_fmr
from desk_app.vision.card import (
    SHIPPED_PIPELINE,
    CardPipeline,
    chiplike_probe,
    portrait_template,
    reference_template,
)
from desk_app.vision.chiplike import build_dev_set
from desk_app.vision.engines import FaceEngine, Template, load_engine, template_of
from desk_app.vision.images import load_rgb

STEPS: dict[str, CardPipeline] = {
    "shipped (cubic to 400 px)": SHIPPED_PIPELINE,
    "no enlargement": replace(SHIPPED_PIPELINE, min_short_side=0),
    "lanczos to 400 px": replace(SHIPPED_PIPELINE, interpolation="lanczos"),
    "cubic to 250 px": replace(SHIPPED_PIPELINE, min_short_side=250),
    "cubic to 640 px": replace(SHIPPED_PIPELINE, min_short_side=640),
    "+ mirror": replace(SHIPPED_PIPELINE, mirror=True),
    "no enlargement + mirror": replace(SHIPPED_PIPELINE, min_short_side=0, mirror=True),
    "cubic to 250 px + mirror": replace(SHIPPED_PIPELINE, min_short_side=250, mirror=True),
    "no enlargement + mirror + retry at 250 px": replace(
        SHIPPED_PIPELINE, min_short_side=0, mirror=True, retry_short_side=250
    ),
    "+ chip-like probe": replace(SHIPPED_PIPELINE, live_probe=True),
    "+ mirror + chip-like probe": replace(SHIPPED_PIPELINE, mirror=True, live_probe=True),
}


def dev_set(data: Path) -> Path:
    out = Path(__file__).resolve().parent / "out" / "chiplike"
    if not (out / "live_card.csv").exists():
        started = time.perf_counter()
        build_dev_set(data / "faces", out)
        print(f"<!-- dev set built in {time.perf_counter() - started:.0f} s -->", file=sys.stderr)
    return out


@dataclass
class Templates:
    engine: FaceEngine
    root: Path
    pipeline: CardPipeline
    cache: dict[str, Template | None]
    failures: int = 0

    def get(self, path: str) -> Template | None:
        if path not in self.cache:
            self.cache[path] = self._compute(path)
            if self.cache[path] is None and path.startswith("chip/"):
                self.failures += 1
        return self.cache[path]

    def _compute(self, path: str) -> Template | None:
        try:
            rgb = load_rgb(self.root / path)
            if path.startswith("chip/"):
                return portrait_template(self.engine, rgb, self.pipeline).template
            if not self.pipeline.live_probe:
                # As the product does: ORL's 92x112 photos are chip-sized (vision.card).
                return reference_template(self.engine, rgb)[0]
            _, face = template_of(self.engine, rgb)
            probe = chiplike_probe(rgb, face)
            return portrait_template(self.engine, probe, self.pipeline).template
        except DeskError:
            return None


def distances(templates: Templates, pairs: list[tuple[str, str, bool]]) -> np.ndarray:
    distance: Callable[[Template, Template], float] = templates.engine.distance
    out = np.empty(len(pairs))
    for index, (one, other, _) in enumerate(pairs):
        a, b = templates.get(one), templates.get(other)
        out[index] = np.inf if a is None or b is None else distance(a, b)
    return out


def bands(genuine: np.ndarray, impostor: np.ndarray, passing: float, review: float) -> str:
    def split(values: np.ndarray) -> str:
        p = np.mean(values <= passing)
        r = np.mean((values > passing) & (values <= review))
        return f"{p:.1%} / {r:.1%} / {1 - p - r:.1%}"

    return f"{split(genuine)} | {split(impostor)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["sface", "dlib"])
    parser.add_argument("--steps", nargs="+", default=list(STEPS), help="names from STEPS")
    parser.add_argument("--sets", nargs="+", default=["east_asian", "orl"])
    arguments = parser.parse_args()
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    data = Path(os.environ.get("DESK_APP_DATA_DIR", default_data))
    root = dev_set(data)
    with (root / "live_card.csv").open(encoding="utf-8") as stream:
        rows = [r for r in csv.DictReader(stream) if r["set"] in arguments.sets]
    pairs = [(r["img1"], r["img2"], r["same"] == "1") for r in rows]
    same = np.array([p[2] for p in pairs])
    settings = load_settings()
    print(
        f"live photo vs chip-like portrait, sets {', '.join(arguments.sets)}: "
        f"{same.sum()} genuine / {(~same).sum()} impostor pairs"
    )
    print(
        "| engine | step | FNMR @ FMR 0.1% | ROC AUC | chips without a face | "
        "configured limits: genuine pass / review / fail | impostor pass / review / fail | "
        "limits set here | genuine pass / review / fail | impostor pass / review / fail |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for engine_name in arguments.engines:
        engine = load_engine(engine_name)
        shipped = settings.thresholds_for(engine_name).live_card  # as configured now
        live_cache: dict[bool, dict[str, Template | None]] = {}
        for step in arguments.steps:
            started = time.perf_counter()
            pipeline = STEPS[step]
            # Full-size photos' templates depend only on whether the probe is used.
            cache = dict(live_cache.get(pipeline.live_probe, {}))
            cache = {k: v for k, v in cache.items() if not k.startswith("chip/")}
            templates = Templates(engine, root, pipeline, cache)
            values = distances(templates, pairs)
            live_cache[pipeline.live_probe] = templates.cache
            genuine, impostor = values[same], values[~same]
            passing = threshold_for_fmr(impostor, 0.001)
            review = max(float(np.quantile(genuine[np.isfinite(genuine)], 0.95)), passing)
            print(
                f"| {engine_name} | {step} | "
                f"{error_rates(genuine, impostor, passing)[1]:.1%} | "
                f"{roc_auc(genuine, impostor):.4f} | {templates.failures} | "
                f"{shipped.passing:.3f} / {shipped.review:.3f}: "
                f"{bands(genuine, impostor, shipped.passing, shipped.review)} | "
                f"{passing:.3f} / {review:.3f} | {bands(genuine, impostor, passing, review)} |",
                flush=True,
            )
            print(
                f"<!-- {engine_name} {step}: {time.perf_counter() - started:.1f} s -->",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
