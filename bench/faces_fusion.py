"""The three-way decision on the chip-like dev set: each reference alone, the shipped rule (both
must pass) and the fused distance w * live-card + (1 - w) * live-e-photo, in one run.

Triples (bench/out/chiplike/triples.csv): a live photo against a candidate's chip-like card
portrait and e-photo, two other photos of one person. Genuine: the live photo is that person.
Impostor: someone else holds the candidate's card, so both references are the candidate's.

For every weight w it prints the genuine and impostor shares at fused limits set on these
triples (pass at FMR 0.1 %, review at FMR 1 %, as `desk-app faces calibrate` sets them); then
the product's own rule (verify_three_way with the configured limits) per set.

    .venv/bin/python bench/faces_fusion.py [--engine sface] [--weight 0.5]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faces_card import Templates, dev_set

from desk_app.config import load_settings
from desk_app.domain.matching import Band
from desk_app.vision.calibration import threshold_for_fmr
from desk_app.vision.card import CARD_PIPELINE, SHIPPED_PIPELINE
from desk_app.vision.engines import FaceEngine, load_engine
from desk_app.vision.verification import Reference, verify_three_way


def rates(values: np.ndarray, passing: float, review: float) -> tuple[float, float, float]:
    p = float(np.mean(values <= passing))
    r = float(np.mean((values > passing) & (values <= review)))
    return p, r, 1 - p - r


def fmt(triple: tuple[float, ...]) -> str:
    return " / ".join(f"{value:.1%}" for value in triple)


# The limits every comparison had before the card side was calibrated (SFace; dlib 0.37 / 0.45).
BEFORE_LIMITS = {"sface": (0.58, 0.70), "dlib": (0.37, 0.45)}


def before_this_change(engine: FaceEngine, root: Path, rows: list[dict[str, str]]) -> np.ndarray:
    """0 / 1 / 2 (pass / review / fail) per triple by the rule as it was: chips enlarged to 400 px,
    each comparison banded by the same limits, any live fail fails, any review (or the card and
    e-photo failing) reviews."""
    templates = Templates(engine, root, SHIPPED_PIPELINE, {})
    passing, review = BEFORE_LIMITS[engine.name]
    out = np.empty(len(rows), dtype=np.int64)
    for index, row in enumerate(rows):
        live, card, ephoto = (templates.get(row[key]) for key in ("live", "card", "ephoto"))
        bands = []
        for one, other in ((live, card), (live, ephoto), (card, ephoto)):
            if one is None or other is None:
                bands.append(None)
            else:
                value = engine.distance(one, other)
                bands.append(0 if value <= passing else 1 if value <= review else 2)
        live_bands = [band for band in bands[:2] if band is not None]
        if live is None or 2 in live_bands:
            out[index] = 2
        elif None in bands[:2] or 1 in live_bands or bands[2] in (1, 2):
            out[index] = 1  # a missing reference, a review score, or the references disagree
        else:
            out[index] = 0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="sface")
    parser.add_argument("--weight", type=float, default=None, help="report this weight's rule")
    arguments = parser.parse_args()
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    root = dev_set(Path(os.environ.get("DESK_APP_DATA_DIR", default_data)))
    with (root / "triples.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    engine = load_engine(arguments.engine)
    templates = Templates(engine, root, CARD_PIPELINE, {})
    thresholds = load_settings().thresholds_for(arguments.engine)

    def distance(one: str, other: str) -> float:
        a, b = templates.get(one), templates.get(other)
        return np.inf if a is None or b is None else engine.distance(a, b)

    live_card = np.array([distance(r["live"], r["card"]) for r in rows])
    live_ephoto = np.array([distance(r["live"], r["ephoto"]) for r in rows])
    same = np.array([r["same"] == "1" for r in rows])
    sets = np.array([r["set"] for r in rows])
    print(
        f"{arguments.engine}, card pipeline {CARD_PIPELINE}: {same.sum()} genuine / "
        f"{(~same).sum()} impostor triples"
    )
    print(
        "| rule | pass limit | review limit | genuine pass / review / fail | "
        "impostor pass / review / fail |"
    )
    print("|---|---|---|---|---|")

    def calibrated(values: np.ndarray, name: str) -> tuple[float, float]:
        passing = threshold_for_fmr(values[~same], 0.001)
        review = threshold_for_fmr(values[~same], 0.01)
        print(
            f"| {name} | {passing:.3f} | {review:.3f} | {fmt(rates(values[same], passing, review))}"
            f" | {fmt(rates(values[~same], passing, review))} |"
        )
        return passing, review

    calibrated(live_card, "live-card alone")
    calibrated(live_ephoto, "live-e-photo alone")
    # The shipped rule: each comparison banded by its own limits; the worse band wins.
    lc, le = thresholds.live_card, thresholds.live_ephoto
    worse = np.maximum(
        np.where(live_card <= lc.passing, 0, np.where(live_card <= lc.review, 1, 2)),
        np.where(live_ephoto <= le.passing, 0, np.where(live_ephoto <= le.review, 1, 2)),
    )
    shares = {
        name: tuple(float(np.mean(worse[mask] == band)) for band in (0, 1, 2))
        for name, mask in (("genuine", same), ("impostor", ~same))
    }
    print(
        f"| shipped rule (worse band of the two, shipped limits) | | | "
        f"{fmt(shares['genuine'])} | {fmt(shares['impostor'])} |"
    )
    best: tuple[float, float] = (-1.0, 0.0)
    for weight in np.round(np.arange(0.0, 1.01, 0.1), 2):
        fused = weight * live_card + (1 - weight) * live_ephoto
        passing, review = calibrated(fused, f"fused, w = {weight:.1f}")
        genuine_pass = float(np.mean(fused[same] <= passing))
        if genuine_pass > best[0]:
            best = (genuine_pass, float(weight))
    weight = best[1] if arguments.weight is None else arguments.weight
    fused = weight * live_card + (1 - weight) * live_ephoto
    passing = threshold_for_fmr(fused[~same], 0.001)
    review = threshold_for_fmr(fused[~same], 0.01)
    # Old cards: how far the review band may reach so that at most 5 % of impostors reach it.
    at_5 = threshold_for_fmr(fused[~same], 0.05)
    print(
        f"\nbest w = {weight:.1f}: pass <= {passing:.4f}, review <= {review:.4f}; "
        f"the fused distance at FMR 5 % is {at_5:.4f} (age-gap margin up to {at_5 - review:.4f})"
    )
    # The age-gap margin of the configured rule, per set: how far its review band may reach for
    # an old card so that at most 5 % of that set's impostor triples reach review.
    configured = thresholds.fusion
    fused_configured = configured.distance(live_card, live_ephoto)
    for name in [*sorted(set(sets)), "all"]:
        impostors = fused_configured[
            ~same & (np.ones_like(same) if name == "all" else sets == name)
        ]
        if not len(impostors):
            continue
        at_5 = threshold_for_fmr(impostors, 0.05)
        print(
            f"configured rule (w = {configured.card_weight}, review <= "
            f"{configured.thresholds.review}), {name}: fused distance at FMR 5 % {at_5:.4f}, "
            f"age-gap margin up to {at_5 - configured.thresholds.review:.4f} "
            f"(configured {thresholds.age_gap_margin})"
        )
    print("\nThe product's rule (vision.verification.verify_three_way) with the configured limits:")
    print(f"{thresholds}")
    before = before_this_change(engine, root, rows)
    print(
        "| set | before: three-way rule, pipeline and limits as shipped before the card work: "
        "genuine pass / review / fail | impostor | "
        "live-card alone, configured limits: genuine pass / review / fail | impostor | "
        "the product's three-way rule now: genuine pass / review / fail | impostor |"
    )
    print("|---|---|---|---|---|---|---|")
    decisions, near_misses = [], []
    for row in rows:
        live, card, ephoto = (templates.get(row[key]) for key in ("live", "card", "ephoto"))
        if live is None:
            decisions.append(Band.FAIL)  # no face in the live photo: never a pass
            near_misses.append(False)
            continue
        result = verify_three_way(engine, live, Reference(card), Reference(ephoto), thresholds)
        decisions.append(result.decision)
        near_misses.append(result.near_miss)
    outcome = np.array([decision.value for decision in decisions])
    card_limits = thresholds.live_card
    for name in [*sorted(set(sets)), "all"]:
        mask = np.ones_like(same) if name == "all" else sets == name
        cells = [
            fmt(tuple(float(np.mean(before[kind & mask] == band)) for band in (0, 1, 2)))
            for kind in (same, ~same)
        ]
        cells += [
            fmt(rates(live_card[kind & mask], card_limits.passing, card_limits.review))
            for kind in (same, ~same)
        ]
        for kind in (same, ~same):
            chosen = outcome[kind & mask]
            cells.append(fmt(tuple(float(np.mean(chosen == band.value)) for band in Band)))
        print(f"| {name} | {' | '.join(cells)} |")
    # The second look (Verification.near_miss): how many passes a clerk is asked to compare.
    marked = np.asarray(near_misses)
    for name in [*sorted(set(sets)), "all"]:
        mask = np.ones_like(same) if name == "all" else sets == name
        shares = []
        for kind in (same, ~same):
            passed = (outcome == Band.PASS.value) & kind & mask
            shares.append(f"{int(marked[passed].sum())} of {int(passed.sum())} passes")
        print(f"near misses ({name}): genuine {shares[0]}, impostor {shares[1]}")


if __name__ == "__main__":
    main()
