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

``--lookalike`` prints instead the method table of issue 17 (look-alike impostors): every
same-identity pair of the dev East Asian set as genuine and every cross-identity pair as
impostor; a look-alike subset (the data has no sex or age labels, so: each identity's nearest
other identity by mean raw SFace distance, all their cross pairs); FNMR at FMR 0.1 % and 0.01 %
and at the shipped limit, with 95 % Wilson intervals; LFW fold 1 as the check that nothing gets
worse elsewhere. Methods: raw, mirror test-time augmentation (both templates, or only the
reference's: the pair's second picture plays the mirrored reference, then the first), cohort
S-norm (a cohort whose templates could ship: ``cohort_pictures``; and, as a research upper bound
that cannot ship, East Asian dev identities of the other half, two-fold by identity), fusion with
dlib. Templates are cached per engine under bench/out/templates (0600); delete the folder after
changing an engine. Dev data only: the hold-out set is never read here.
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


# --- issue 17: look-alike impostors, method table ------------------------------------------------


@dataclass(frozen=True)
class CohortPicture:
    path: Path
    identity: str


def cohort_pictures(faces: Path) -> list[CohortPicture]:
    """Pictures of strangers for score normalisation: the shared folders whose licence would let
    templates derived from them ship (each folder's MANIFEST.md) and that no evaluation set uses:
    deepface_tests, face_recognition_examples (without partial faces and downscaled copies),
    ms_face_samples (MIT), hivision_idphoto_portraits (Apache-2.0), SeetaFace's test photos
    (BSD-2; LFW photos under other names: those near an LFW dev picture are dropped by the
    caller). Insightface's and face-api.js's pictures are for internal testing only."""
    pictures: list[CohortPicture] = []
    for folder in ("deepface_tests", "face_recognition_examples", "ms_face_samples"):
        with (faces / folder / "identities.csv").open(encoding="utf-8") as stream:
            for row in csv.DictReader(stream):
                tags = row.get("tags") or ""
                if row["identity"] and "partial" not in tags and "downscaled" not in tags:
                    pictures.append(CohortPicture(faces / folder / row["image"], row["identity"]))
    for index in range(5):
        path = faces / "hivision_idphoto_portraits" / f"test{index}.jpg"
        pictures.append(CohortPicture(path, f"hivision_{index}"))
    for path in sorted((faces / "seetaface_testdata" / "images" / "src").glob("*.jpg")):
        pictures.append(CohortPicture(path, f"seetaface_{path.stem}"))
    return pictures


TEMPLATE_CACHE = Path(__file__).resolve().parent / "out" / "templates"


@dataclass
class TemplateTable:
    """Plain and mirror-averaged templates of pictures (rows of NaN where no face was found)."""

    index: dict[Path, int]
    plain: np.ndarray
    mirrored: np.ndarray

    def rows(self, paths: list[Path], mirrored: bool = False) -> np.ndarray:
        source = self.mirrored if mirrored else self.plain
        return source[[self.index[path] for path in paths]]


def _both_templates(engine: object, path: Path) -> tuple[np.ndarray, np.ndarray] | None:
    from desk_app.domain.errors import DeskError
    from desk_app.vision.card import CHIP_SIZED_MAX_SHORT_SIDE, reference_template
    from desk_app.vision.engines import best_face
    from desk_app.vision.images import upscale_small
    from desk_app.vision.scoring import mirrored_template

    try:
        rgb = load_rgb(path)
        if min(rgb.shape[:2]) <= CHIP_SIZED_MAX_SHORT_SIDE:  # the card pipeline mirrors already
            template = reference_template(engine, rgb)[0]  # type: ignore[arg-type]
            return template, template
        enlarged, _ = upscale_small(rgb)
        face = best_face(engine.detect(enlarged))  # type: ignore[attr-defined]
        plain = engine.encode(enlarged, face)  # type: ignore[attr-defined]
        return plain, mirrored_template(engine, enlarged, face, plain)  # type: ignore[arg-type]
    except DeskError:
        return None


def cached_templates(engine_name: str, paths: list[Path]) -> TemplateTable:
    """Templates of ``paths`` for one engine, computed once and kept under bench/out/templates."""
    from desk_app.security.keys import write_private

    file = TEMPLATE_CACHE / f"{engine_name}.npz"
    known: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if file.exists():
        with np.load(file) as arrays:
            for name, plain, mirrored in zip(
                arrays["paths"], arrays["plain"], arrays["mirrored"], strict=True
            ):
                known[str(name)] = (plain, mirrored)
    missing = [path for path in dict.fromkeys(paths) if str(path) not in known]
    if missing:
        engine = load_engine(engine_name, mirror_averaged=False)  # both variants made here
        empty = np.full(engine.dimensions, np.nan, dtype=np.float32)
        for done, path in enumerate(missing, start=1):
            both = _both_templates(engine, path)
            known[str(path)] = (empty, empty) if both is None else both
            if done % 100 == 0:
                print(f"<!-- {engine_name}: {done}/{len(missing)} templates -->", file=sys.stderr)
        import io

        buffer = io.BytesIO()
        names = sorted(known)
        np.savez(
            buffer,
            paths=np.asarray(names),
            plain=np.asarray([known[n][0] for n in names], dtype=np.float32),
            mirrored=np.asarray([known[n][1] for n in names], dtype=np.float32),
        )
        TEMPLATE_CACHE.mkdir(parents=True, exist_ok=True)
        write_private(file, buffer.getvalue())
    ordered = list(dict.fromkeys(paths))
    return TemplateTable(
        {path: i for i, path in enumerate(ordered)},
        np.asarray([known[str(p)][0] for p in ordered], dtype=np.float32),
        np.asarray([known[str(p)][1] for p in ordered], dtype=np.float32),
    )


@dataclass
class Evaluation:
    """Picture pairs by index into ``pictures``: genuine, impostor, and the look-alike subset."""

    name: str
    pictures: list[Path]
    identities: list[str]
    genuine: np.ndarray  # (n, 2)
    impostor: np.ndarray
    lookalike: np.ndarray | None = None


def east_asian_evaluation(lfw: Path) -> Evaluation:
    with (lfw / "east_asian_identities.csv").open(encoding="utf-8") as stream:
        rows = [(lfw / "images" / r["image"], r["identity"]) for r in csv.DictReader(stream)]
    pictures, identities = [p for p, _ in rows], [i for _, i in rows]
    pairs = np.asarray(list(itertools.combinations(range(len(rows)), 2)))
    names = np.asarray(identities)
    same = names[pairs[:, 0]] == names[pairs[:, 1]]
    return Evaluation("East Asian (every pair)", pictures, identities, pairs[same], pairs[~same])


def lfw_fold_evaluation(lfw: Path) -> Evaluation:
    pairs = _read_pairs(lfw / "pairs_view2_fold1.csv")
    pictures = list(
        dict.fromkeys(lfw / "images" / p for one, other, _ in pairs for p in (one, other))
    )
    index = {path: i for i, path in enumerate(pictures)}
    indexed = np.asarray(
        [(index[lfw / "images" / a], index[lfw / "images" / b]) for a, b, _ in pairs]
    )
    same = np.asarray([s for _, _, s in pairs])
    identities = [path.parent.name for path in pictures]
    return Evaluation("LFW fold 1", pictures, identities, indexed[same], indexed[~same])


def with_lookalikes(evaluation: Evaluation, distances: np.ndarray) -> Evaluation:
    """The look-alike subset: for each identity, every cross pair with the other identity whose
    pictures lie nearest on average (``distances``: the raw SFace distance matrix)."""
    names = np.asarray(evaluation.identities)
    people = sorted(set(evaluation.identities))
    nearest_pairs = set()
    for person in people:
        mine = names == person
        best, best_distance = "", np.inf
        for other in people:
            if other == person:
                continue
            block = distances[np.ix_(mine, names == other)]
            block = block[np.isfinite(block)]
            if block.size and block.mean() < best_distance:
                best, best_distance = other, float(block.mean())
        nearest_pairs.add(tuple(sorted((person, best))))
    imp = evaluation.impostor
    chosen = [tuple(sorted((names[a], names[b]))) in nearest_pairs for a, b in imp]
    evaluation.lookalike = imp[np.asarray(chosen)]
    return evaluation


def _rate(errors: int, trials: int) -> str:
    from desk_app.vision.scoring import wilson_interval

    low, high = wilson_interval(errors, trials)
    return f"{errors / trials:.2%} [{low:.2%}, {high:.2%}]"


def _fnmr_at(genuine: np.ndarray, impostor: np.ndarray, fmr: float) -> str:
    threshold = threshold_for_fmr(impostor, fmr)
    return _rate(int((genuine > threshold).sum()), genuine.size) + f" @{threshold:.3f}"


def method_row(
    method: str,
    evaluation: Evaluation,
    distances: np.ndarray,
    limit: float,
    lookalike_fmr: float = 0.01,
) -> str:
    def values(pairs: np.ndarray) -> np.ndarray:
        picked = distances[pairs[:, 0], pairs[:, 1]]
        return np.where(np.isfinite(picked), picked, np.inf)

    genuine, impostor = values(evaluation.genuine), values(evaluation.impostor)
    cells = [
        evaluation.name,
        method,
        f"{genuine.size} / {impostor.size}",
        _fnmr_at(genuine, impostor, 0.001),
        _fnmr_at(genuine, impostor, 0.0001),
        f"{limit:.3f}",
        _rate(int((impostor <= limit).sum()), impostor.size),
        _rate(int((genuine > limit).sum()), genuine.size),
    ]
    if evaluation.lookalike is not None and evaluation.lookalike.size:
        lookalike = values(evaluation.lookalike)
        cells.append(
            f"{_rate(int((lookalike <= limit).sum()), lookalike.size)} of {lookalike.size}"
        )
        cells.append(_fnmr_at(genuine, lookalike, lookalike_fmr))
    else:
        cells += ["", ""]
    # Resolution where the errors are few: impostors passing at the distance that keeps 98 % of
    # honest pairs (all, and look-alikes).
    keep = float(np.quantile(genuine, 0.98, method="lower"))
    passing = int((impostor <= keep).sum())
    cells.append(f"{passing} ({_rate(passing, impostor.size)}) @{keep:.3f}")
    if evaluation.lookalike is not None and evaluation.lookalike.size:
        cells.append(str(int((values(evaluation.lookalike) <= keep).sum())))
    else:
        cells.append("")
    # Separation of the genuine pairs from the closest 1 % of impostors (d'): moves with every
    # pair, where the error counts above move one pair at a time.
    tail = np.sort(impostor[np.isfinite(impostor)])[: max(10, impostor.size // 100)]
    honest = genuine[np.isfinite(genuine)]
    cells.append(f"{(tail.mean() - honest.mean()) / np.sqrt((tail.var() + honest.var()) / 2):.2f}")
    cells.append(f"{roc_auc(genuine, impostor):.5f}")
    return "| " + " | ".join(cells) + " |"


def method_table(data: Path, engines: list[str]) -> None:
    from desk_app.vision.scoring import CohortNormalisation, pairwise_distances

    faces = data / "faces"
    lfw = faces / "lfw"
    settings = load_settings()
    evaluations = [east_asian_evaluation(lfw), lfw_fold_evaluation(lfw)]
    cohort = cohort_pictures(faces)
    all_lfw = sorted((lfw / "images").glob("*/*.jpg"))
    every = [p for e in evaluations for p in e.pictures] + [c.path for c in cohort] + all_lfw
    # dlib's encoding is slow (HOG at twice the size): only the East Asian set and the cohort.
    dlib_pictures = evaluations[0].pictures + [c.path for c in cohort]
    tables = {
        name: cached_templates(name, every if name == "sface" else dlib_pictures)
        for name in engines
    }

    # The SeetaFace cohort photos that are LFW dev pictures under other names leave the cohort.
    sface = tables["sface"]
    seeta = [c for c in cohort if c.identity.startswith("seetaface_")]
    near = pairwise_distances("cosine", sface.rows([c.path for c in seeta]), sface.rows(all_lfw))
    nearest = np.nanmin(np.where(np.isfinite(near), near, np.inf), axis=1)
    duplicates = {c.path for c, d in zip(seeta, nearest, strict=True) if d < 0.2}
    usable = [
        c
        for c in cohort
        if c.path not in duplicates and np.isfinite(sface.plain[sface.index[c.path]]).all()
    ]
    print(
        f"<!-- cohort: {len(usable)} pictures of {len({c.identity for c in usable})} identities; "
        f"{len(duplicates)} SeetaFace photos dropped as LFW duplicates -->",
        file=sys.stderr,
    )

    def matrix(name: str, pictures: list[Path], mirrored: bool) -> np.ndarray:
        rows = tables[name].rows(pictures, mirrored)
        metric = load_engine_metric(name)
        return pairwise_distances(metric, rows, rows)

    def s_norm(
        name: str,
        pictures: list[Path],
        mirrored: bool,
        cohort_rows: np.ndarray,
        cohort_ids: list[str],
    ) -> np.ndarray:
        metric = load_engine_metric(name)
        norm = CohortNormalisation.of(metric, cohort_rows, cohort_ids)
        rows = tables[name].rows(pictures, mirrored)
        raw = pairwise_distances(metric, rows, rows)
        to_cohort = pairwise_distances(metric, rows, norm.cohort)
        mean, spread = to_cohort.mean(axis=1), np.maximum(to_cohort.std(axis=1), 1e-6)
        standard = 0.5 * (
            (raw - mean[:, None]) / spread[:, None] + (raw - mean[None, :]) / spread[None, :]
        )
        return norm.centre + norm.scale * standard

    print(
        "| set | method | genuine / impostor | FNMR @ FMR 0.1% [95% CI] @dist | "
        "FNMR @ FMR 0.01% [95% CI] @dist | limit | FMR at limit | FNMR at limit | "
        "look-alike FMR at limit | FNMR @ look-alike FMR 1% | impostors passing at FNMR 2% | "
        "look-alikes passing at FNMR 2% | d' genuine vs closest 1% impostors | ROC AUC |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for evaluation in evaluations:
        pictures = evaluation.pictures
        raw_sface = matrix("sface", pictures, False)
        if evaluation.name.startswith("East Asian"):
            with_lookalikes(evaluation, raw_sface)
        cohort_paths = [c.path for c in usable]
        cohort_ids = [c.identity for c in usable]
        results: list[tuple[str, str, np.ndarray]] = []
        east_asian = evaluation.name.startswith("East Asian")
        for name in engines if east_asian else ["sface"]:
            results.append((name, f"{name} raw", matrix(name, pictures, False)))
            results.append((name, f"{name} mirror", matrix(name, pictures, True)))
            # Mirroring the reference side only (card portrait, e-photo: encoded once per
            # record, off the live path): a plain template of one picture against the
            # mirror-averaged template of the other, each way round.
            plain_rows = tables[name].rows(pictures, False)
            mirrored_rows = tables[name].rows(pictures, True)
            reference_only = pairwise_distances(load_engine_metric(name), plain_rows, mirrored_rows)
            results.append((name, f"{name} mirror reference only (2nd)", reference_only))
            results.append((name, f"{name} mirror reference only (1st)", reference_only.T))
            for mirrored in (False, True):
                ok = [
                    np.isfinite(tables[name].plain[tables[name].index[p]]).all()
                    for p in cohort_paths
                ]
                paths = [p for p, k in zip(cohort_paths, ok, strict=True) if k]
                ids = [i for i, k in zip(cohort_ids, ok, strict=True) if k]
                prefix = "mirror + " if mirrored else ""
                label = f"{name} {prefix}S-norm (shippable cohort {len(paths)})"
                results.append(
                    (
                        name,
                        label,
                        s_norm(name, pictures, mirrored, tables[name].rows(paths, mirrored), ids),
                    )
                )
        if evaluation.name.startswith("East Asian"):
            results += east_asian_research_cohort(evaluation, tables, engines)
        if "dlib" in engines and "sface" in engines and east_asian:
            for mirrored in (False, True):
                results.append(
                    (
                        "sface",
                        f"sface+dlib fused{' (mirror)' if mirrored else ''}",
                        fused_matrix(tables, pictures, mirrored, usable),
                    )
                )
        for engine_name, label, distances in results:
            limit = settings.thresholds_for(engine_name).live_ephoto.passing
            print(method_row(label, evaluation, distances, limit))


def load_engine_metric(name: str) -> str:
    return {"sface": "cosine", "dlib": "euclidean"}[name]


def fused_matrix(
    tables: dict[str, TemplateTable], pictures: list[Path], mirrored: bool, cohort: list
) -> np.ndarray:
    """SFace and dlib distances, each standardised by its cohort impostor statistics, averaged,
    on SFace's scale (desk_app.vision.scoring.fused_distance)."""
    from desk_app.vision.scoring import EngineStatistics, fused_distance, pairwise_distances

    parts = []
    for name in ("sface", "dlib"):
        metric = load_engine_metric(name)
        table = tables[name]
        ok = [c for c in cohort if np.isfinite(table.plain[table.index[c.path]]).all()]
        rows = table.rows([c.path for c in ok], mirrored)
        within = pairwise_distances(metric, rows, rows)
        ids = np.asarray([c.identity for c in ok])
        strangers = np.triu(ids[:, None] != ids[None, :], 1)
        stats = EngineStatistics(float(within[strangers].mean()), float(within[strangers].std()))
        pics = table.rows(pictures, mirrored)
        parts.append((pairwise_distances(metric, pics, pics), stats))
    (first, first_stats), (second, second_stats) = parts
    return fused_distance(first, second, first_stats, second_stats)  # type: ignore[arg-type]


def east_asian_research_cohort(
    evaluation: Evaluation, tables: dict[str, TemplateTable], engines: list[str]
) -> list[tuple[str, str, np.ndarray]]:
    """S-norm with an East Asian cohort drawn from the dev set itself, two-fold by identity: each
    picture's cohort statistics come from the pictures of the half of the people it is not in.
    Research only (LFW photos cannot ship); says whether a cohort like the candidates would help."""
    from desk_app.vision.scoring import CohortNormalisation, pairwise_distances

    people = sorted(set(evaluation.identities))
    names = np.asarray(evaluation.identities)
    in_first = np.isin(names, people[0::2])
    results = []
    for name in engines:
        metric = load_engine_metric(name)
        for mirrored in (False, True):
            rows = tables[name].rows(evaluation.pictures, mirrored)
            ok = np.isfinite(rows).all(axis=1)
            raw = pairwise_distances(metric, rows, rows)
            mean, spread = np.zeros(len(rows)), np.ones(len(rows))
            centres, scales = [], []
            for half in (in_first, ~in_first):
                norm = CohortNormalisation.of(metric, rows[half & ok], list(names[half & ok]))
                centres.append(norm.centre)
                scales.append(norm.scale)
                to_cohort = pairwise_distances(metric, rows[~half], norm.cohort)
                mean[~half], spread[~half] = to_cohort.mean(axis=1), to_cohort.std(axis=1)
            standard = 0.5 * (
                (raw - mean[:, None]) / spread[:, None] + (raw - mean[None, :]) / spread[None, :]
            )
            prefix = "mirror + " if mirrored else ""
            label = f"{name} {prefix}S-norm (East Asian other-half cohort; research)"
            results.append((name, label, np.mean(centres) + np.mean(scales) * standard))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", default=["sface", "dlib"])
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--sets", nargs="+", default=None, help="e.g. 'East Asian' ORL")
    parser.add_argument("--lookalike", action="store_true", help="issue 17's method table")
    arguments = parser.parse_args()
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    data = Path(os.environ.get("DESK_APP_DATA_DIR", default_data))
    if arguments.lookalike:
        method_table(data, arguments.engines)
        return
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
