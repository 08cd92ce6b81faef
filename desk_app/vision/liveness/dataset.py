"""The real clips of ``<data>/liveness`` as judged trials, for the tests and the benchmark.

Each genuine trial is a clip (from a start frame) and the challenge it contains, read from the
folder's MANIFEST.md: blinks in the dino and LivePortrait clips, a turn to the candidate's left
in Intel's female preview (the nose toward the image's right at frames 10-16), a right turn
then a left turn in FSA-Net's webcam demo. LivePortrait's d9 holds many blinks: each start
frame is a separate trial (a blink within 3 s of it).

Negatives: Intel's still man (alive, performs nothing) and the phone and print segments of the
Silent-Face demo (real attacks at tiny size, with app overlays).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desk_app.vision.liveness.judge import Action, parse_challenge


@dataclass(frozen=True)
class ClipTrial:
    name: str
    path: str  # relative to <data>/liveness
    challenge: tuple[Action, ...]
    start: int = 0  # the first frame judged
    stop: int | None = None  # the frame after the last one judged

    def file(self, data_dir: Path) -> Path:
        return data_dir / "liveness" / self.path


def _trial(
    name: str, path: str, challenge: str, start: int = 0, stop: int | None = None
) -> ClipTrial:
    return ClipTrial(name, path, parse_challenge(challenge), start, stop)


_D9 = "liveportrait_blink/d9.mp4"
GENUINE: tuple[ClipTrial, ...] = (
    _trial("dino example blink", "dino_blink/example.mp4", "blink"),
    _trial("dino test blink", "dino_blink/test.mp4", "blink"),
    _trial("liveportrait d0 blink", "liveportrait_blink/d0.mp4", "blink"),
    _trial("liveportrait d9 blink @0", _D9, "blink"),
    _trial("liveportrait d9 blink @60", _D9, "blink", 60),
    _trial("liveportrait d9 blink @88", _D9, "blink", 88),
    _trial("liveportrait d9 blink @330", _D9, "blink", 330),
    _trial("liveportrait d9 blink @400", _D9, "blink", 400),
    _trial("liveportrait d9 blink @500", _D9, "blink", 500),
    _trial("liveportrait d9 blink @540", _D9, "blink", 540),
    _trial("intel female left", "intel_headpose_gifs/head-pose-face-detection-female.gif", "left"),
    _trial("fsanet right, left", "fsanet_webcam_turn/webcam_demo.gif", "right,left"),
)

# Alive but not performing: must fail whatever is asked.
STILL_PERSON = "intel_headpose_gifs/head-pose-face-detection-male.gif"
# (name, path, start, stop) of recorded attacks: a phone showing a photo, a printed photo.
RECORDED_ATTACKS: tuple[tuple[str, str, int, int], ...] = (
    ("recorded screen", "sfas_print_screen/demo.gif", 33, 62),
    ("recorded print", "sfas_print_screen/demo.gif", 62, 88),
)
