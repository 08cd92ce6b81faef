"""Face pipeline latency per engine on real photos at 640x480 and 1280x720.

Measures detection, encoding, and the whole live-frame analysis (detect + quality checks with
landmarks + template) per engine, against the naive face_recognition pipeline (face_locations +
face_encodings) in the same run. Target: live-frame analysis at 640x480 in at most 60 ms median
with the default engine on this 2-core machine.

    .venv/bin/python bench/faces_speed.py [--runs 30] [--card-only] [--mirror-only]

``--mirror-only``: the cost of mirror test-time augmentation (vision.scoring, off by default),
plain engine against mirror-averaged (both sides, or the references only) in the same run: per
template, per live frame, per reference, per comparison.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk_app.vision.engines import FaceEngine, best_face, load_engine
from desk_app.vision.images import RGBImage, load_rgb
from desk_app.vision.quality import LandmarkModel, assess

# Wall-clock time by default; --cpu-time measures this process's CPU time on one thread instead,
# the figure that stays readable when other jobs share the machine.
CLOCK: Callable[[], float] = time.perf_counter


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = CLOCK()
        action()
        times.append((CLOCK() - start) * 1000)
    return statistics.median(times)


def naive_pipeline(face_recognition: Any, image: RGBImage) -> object:
    return face_recognition.face_encodings(image, face_recognition.face_locations(image))


def live_frame_analysis(engine: FaceEngine, landmarks: LandmarkModel, image: RGBImage) -> None:
    """What the counter does with each analysed camera frame."""
    quality = assess(image, engine.detect(image), landmarks)
    if quality.face is not None:
        engine.encode(image, quality.face)


def frames(data: Path) -> dict[str, RGBImage]:
    examples = data / "faces" / "face_recognition_examples" / "examples"
    wide = load_rgb(examples / "obama-480p.jpg")  # 853x480
    left = (wide.shape[1] - 640) // 2
    return {
        "640x480": np.ascontiguousarray(wide[:, left : left + 640]),
        "1280x720": load_rgb(examples / "obama-720p.jpg"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--card-only", action="store_true", help="only the card-side table")
    parser.add_argument("--mirror-only", action="store_true", help="only the mirror TTA table")
    parser.add_argument("--cpu-time", action="store_true", help="CPU time on one thread")
    arguments = parser.parse_args()
    if arguments.cpu_time:
        import cv2

        global CLOCK
        cv2.setNumThreads(1)
        CLOCK = time.process_time
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    images = frames(Path(os.environ.get("DESK_APP_DATA_DIR", default_data)))
    runs = arguments.runs
    if arguments.card_only:
        card_portrait_speed(images["640x480"], runs)
        return
    if arguments.mirror_only:
        mirror_cost(images["640x480"], runs)
        return

    start = time.perf_counter()
    import face_recognition

    print(f"face_recognition import (loads its models): {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    landmarks = LandmarkModel()
    print(f"68-point landmark model load: {time.perf_counter() - start:.2f} s")
    print("| pipeline | size | detect ms | encode ms | live-frame analysis ms | speed-up |")
    print("|---|---|---|---|---|---|")
    naive: dict[str, float] = {}
    for size, image in images.items():
        locations = face_recognition.face_locations(image)
        detect = median_ms(partial(face_recognition.face_locations, image), runs)
        encode = median_ms(partial(face_recognition.face_encodings, image, locations), runs)
        naive[size] = median_ms(partial(naive_pipeline, face_recognition, image), runs)
        print(
            f"| face_recognition defaults | {size} | {detect:.1f} | {encode:.1f} | "
            f"{naive[size]:.1f} | 1.0x |"
        )
    for name in ("sface", "dlib"):
        start = time.perf_counter()
        engine = load_engine(name)
        loading = time.perf_counter() - start
        for size, image in images.items():
            face = best_face(engine.detect(image))
            detect = median_ms(partial(engine.detect, image), runs)
            encode = median_ms(partial(engine.encode, image, face), runs)
            whole = median_ms(partial(live_frame_analysis, engine, landmarks, image), runs)
            print(
                f"| {name} (models {loading:.2f} s) | {size} | {detect:.1f} | {encode:.1f} | "
                f"{whole:.1f} | {naive[size] / whole:.1f}x |"
            )

    card_portrait_speed(images["640x480"], runs)
    mirror_cost(images["640x480"], runs)


def mirror_cost(frame: RGBImage, runs: int) -> None:
    """Plain templates against mirror-averaged ones, same frame, same run: both sides mirrored
    (every template, live frames included), and the references only (card portrait and e-photo,
    encoded once per record: the live frame stays plain)."""
    landmarks = LandmarkModel()
    print(
        "\n| engine (640x480) | templates | encode ms (per template) | live-frame analysis ms | "
        "reference encode ms (once per record) | comparison ms | ratio (live frame) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in ("sface", "dlib"):
        plain_engine = load_engine(name, mirror_averaged=False)
        mirrored_engine = load_engine(name, mirror_averaged=True)
        face = best_face(plain_engine.detect(frame))
        baseline = 0.0
        for label, live_engine, reference_engine in (
            ("plain", plain_engine, plain_engine),
            ("mirror-averaged (both)", mirrored_engine, mirrored_engine),
            ("mirror reference only", plain_engine, mirrored_engine),
        ):
            template = live_engine.encode(frame, face)
            encode = median_ms(partial(live_engine.encode, frame, face), runs)
            whole = median_ms(partial(live_frame_analysis, live_engine, landmarks, frame), runs)
            reference = median_ms(partial(reference_engine.encode, frame, face), runs)
            compare = median_ms(partial(live_engine.distance, template, template * 0.9), runs * 100)
            baseline = baseline or whole
            print(
                f"| {name} | {label} | {encode:.1f} | {whole:.1f} | {reference:.1f} | "
                f"{compare:.4f} | {whole / baseline:.2f}x |"
            )


def three_way_after_capture(
    engine: FaceEngine, live: Any, portrait: RGBImage, ephoto_image: RGBImage, thresholds: Any
) -> None:
    """What the counter computes once the live template is there."""
    from desk_app.vision.card import CARD_PIPELINE, portrait_template
    from desk_app.vision.engines import template_of
    from desk_app.vision.verification import Reference, verify_three_way

    card = portrait_template(engine, portrait, CARD_PIPELINE)
    ephoto, _ = template_of(engine, ephoto_image)
    verify_three_way(engine, live, Reference(card.template), Reference(ephoto), thresholds)


def card_portrait_speed(frame: RGBImage, runs: int) -> None:
    """The card side of a match: a chip-like portrait's template by the pipeline shipped before
    (cubic to 400 px) and by the card pipeline, and the whole three-way match after capture."""
    from desk_app.config import Settings
    from desk_app.vision.card import CARD_PIPELINE, SHIPPED_PIPELINE, portrait_template
    from desk_app.vision.chiplike import WHOLE_FRAMING, chiplike
    from desk_app.vision.engines import template_of

    print(
        "\n| engine | card portrait template, before ms | card pipeline ms | three-way match "
        "after capture (card + e-photo templates + decision) ms |"
    )
    print("|---|---|---|---|")
    for name in ("sface", "dlib"):
        engine = load_engine(name)
        face = best_face(engine.detect(frame))
        x, y, width, height = face.box
        top, bottom = max(0, y - height // 2), min(frame.shape[0], y + height * 3 // 2)
        left, right = max(0, x - width // 2), min(frame.shape[1], x + width * 3 // 2)
        portrait = chiplike(np.ascontiguousarray(frame[top:bottom, left:right]), WHOLE_FRAMING)
        before = median_ms(partial(portrait_template, engine, portrait, SHIPPED_PIPELINE), runs)
        after = median_ms(partial(portrait_template, engine, portrait, CARD_PIPELINE), runs)
        live, _ = template_of(engine, frame)
        thresholds = Settings().thresholds_for(name)

        match = partial(three_way_after_capture, engine, live, portrait, frame, thresholds)
        print(f"| {name} | {before:.1f} | {after:.1f} | {median_ms(match, runs):.1f} |")


if __name__ == "__main__":
    main()
