"""The 68-point landmarks: the NumPy port (``vision.shape_model``) against dlib, in one process.

- Loading: seconds to load each model, and the longest stall of a thread that wants the GIL
  every 5 ms meanwhile (what the GUI thread suffers while the face worker loads the model).
- Per face: the landmarks alone, and the whole quality gate (``quality.assess``) at 640x480,
  median milliseconds of each and their ratio.
- Agreement: on every LFW and ORL image (the sface engine's boxes), how many faces get dlib's
  points exactly, and the worst difference in pixels.

Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/landmarks.py [--runs 30] [--load-runs 3] [--skip-agreement]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk_app.vision.engines import FaceEngine, load_engine
from desk_app.vision.images import RGBImage, load_rgb
from desk_app.vision.quality import DlibLandmarkModel, LandmarkModel, assess

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("DESK_APP_DATA_DIR", ROOT.parent / "shared" / "data"))
TICK_S = 0.005


def longest_stall_while(action: Callable[[], object]) -> tuple[float, float]:
    """(seconds the action took on a worker thread, longest gap beyond 5 ms between the ticks
    of this thread meanwhile, in ms): this thread plays the GUI thread's timer."""
    done = threading.Event()

    def work() -> None:
        action()
        done.set()

    worker = threading.Thread(target=work)
    started = last = time.perf_counter()
    worker.start()
    worst = 0.0
    while not done.is_set():
        time.sleep(TICK_S)
        now = time.perf_counter()
        worst = max(worst, (now - last - TICK_S) * 1000)
        last = now
    worker.join()
    return time.perf_counter() - started, worst


def medians_ms(actions: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median milliseconds of each action, run in turn (one of each per round), so that the
    machine's load changes skew none of them."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for action in actions.values():
        action()  # warm-up
    for _ in range(runs):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def live_frame_analysis(engine: FaceEngine, landmarks: LandmarkModel, frame: RGBImage) -> None:
    """What the face worker does with a camera frame while a shot is taken (faces_speed.py)."""
    quality = assess(frame, engine.detect(frame), landmarks)
    if quality.face is not None:
        engine.encode(frame, quality.face)


def frame_640x480(image: RGBImage) -> RGBImage:
    """A webcam-like frame: the LFW photo enlarged to 400 px high in a 640x480 grey canvas."""
    face = cv2.resize(image, (400, 400), interpolation=cv2.INTER_CUBIC)
    frame = np.full((480, 640, 3), 90, dtype=np.uint8)
    frame[40:440, 120:520] = face
    return frame


def images() -> list[tuple[str, Path]]:
    found = [("lfw", path) for path in sorted((DATA / "faces" / "lfw" / "images").glob("*/*.jpg"))]
    orl = DATA / "faces" / "orl_att_faces"
    with (orl / "identities.csv").open(encoding="utf-8") as stream:
        found += [("orl", orl / row["image"]) for row in csv.DictReader(stream)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--skip-agreement", action="store_true")
    options = parser.parse_args()
    if not (DATA / "faces").is_dir():
        raise SystemExit(f"shared data not found at {DATA} (set DESK_APP_DATA_DIR)")
    print(f"load average before: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")

    loads: dict[str, list[tuple[float, float]]] = {"numpy": [], "dlib": []}
    for _ in range(options.load_runs):  # alternating, so that the machine's load skews neither
        loads["numpy"].append(longest_stall_while(LandmarkModel))
        loads["dlib"].append(longest_stall_while(DlibLandmarkModel))
    for name, measured in loads.items():
        seconds = statistics.median(figure[0] for figure in measured)
        stalls = [figure[1] for figure in measured]
        print(
            f"{name} model load: {seconds:.2f} s (median of {len(measured)}); longest stall of a "
            f"5 ms ticker meanwhile: median {statistics.median(stalls):.0f} ms, "
            f"worst {max(stalls):.0f} ms"
        )

    engine = load_engine("sface")
    ours, theirs = LandmarkModel(), DlibLandmarkModel()
    sample = load_rgb(
        DATA / "faces" / "lfw" / "images" / "Yoriko_Kawaguchi" / "Yoriko_Kawaguchi_0001.jpg"
    )
    frame = frame_640x480(sample)
    faces = engine.detect(frame)
    face = max(faces, key=lambda f: f.area)
    figures = medians_ms(
        {
            "numpy landmarks": lambda: ours.points(frame, face),
            "dlib landmarks": lambda: theirs.points(frame, face),
            "numpy gate": lambda: assess(frame, faces, ours),
            "dlib gate": lambda: assess(frame, faces, theirs),
            "numpy analysis": lambda: live_frame_analysis(engine, ours, frame),
            "dlib analysis": lambda: live_frame_analysis(engine, theirs, frame),
        },
        options.runs,
    )
    per_face = {name: figures[f"{name} landmarks"] for name in ("numpy", "dlib")}
    gate = {name: figures[f"{name} gate"] for name in ("numpy", "dlib")}
    analysis = {name: figures[f"{name} analysis"] for name in ("numpy", "dlib")}
    print(f"face box {face.box[2]}x{face.box[3]} px in a 640x480 frame")
    for name in ("numpy", "dlib"):
        print(
            f"{name}: landmarks {per_face[name]:.2f} ms, quality gate (68 landmarks) "
            f"{gate[name]:.2f} ms, live-frame analysis (sface detect + gate + encode) "
            f"{analysis[name]:.1f} ms (median of {options.runs})"
        )
    print(
        f"numpy / dlib: landmarks {per_face['numpy'] / per_face['dlib']:.2f}x, "
        f"quality gate {gate['numpy'] / gate['dlib']:.2f}x, "
        f"live-frame analysis {analysis['numpy'] / analysis['dlib']:.2f}x"
    )

    if not options.skip_agreement:
        compared = identical = 0
        worst = 0.0
        per_set: dict[str, list[int]] = {}
        for name, path in images():
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if bgr is None:
                continue
            rgb: RGBImage = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), np.uint8)
            for detected in engine.detect(rgb):
                difference = float(
                    np.abs(ours.points(rgb, detected) - theirs.points(rgb, detected)).max()
                )
                compared += 1
                identical += difference == 0
                worst = max(worst, difference)
                counts = per_set.setdefault(name, [0, 0])
                counts[0] += 1
                counts[1] += difference == 0
        sets = ", ".join(f"{name} {same}/{total}" for name, (total, same) in per_set.items())
        print(
            f"agreement with dlib: {identical}/{compared} faces with identical points ({sets}); "
            f"worst difference {worst:.0f} px"
        )
    print(f"load average after: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main()
