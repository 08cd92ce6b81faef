"""Chip-like portraits: what a card chip's photo looks like, made from an ordinary face photo.

The chip holds a 102x126 head-and-shoulders portrait squeezed into 1,024 bytes by WLT, a
proprietary wavelet codec no open library decodes (domain.md section 9). JPEG 2000 is the
nearest open wavelet codec, and OpenCV writes it: a portrait crop, resized to 102x126 and
compressed to the largest quality that fits in 1,024 bytes, looks and scores like a decoded chip.

Used three ways: the dev set that calibrates the card-side thresholds (``build_dev_set``), the
simulated reader's cards in the demo (``chip_bytes`` + ``decode_chip``), and tests. Everything is
deterministic: the framing jitter comes from a seed and the image's name, never from the clock.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from desk_app.domain.documents import (
    CHIP_PORTRAIT_BYTES,
    CHIP_PORTRAIT_HEIGHT,
    CHIP_PORTRAIT_WIDTH,
)
from desk_app.domain.errors import DeskError
from desk_app.vision.images import RGBImage, decode_rgb, load_rgb


class ChipError(DeskError):
    code = "chip.encode_failed"


@dataclass(frozen=True)
class Framing:
    """Where the head-and-shoulders portrait sits in a source picture, as fractions of its width
    and height (left, top, right, bottom), and how far a seeded jitter may move it."""

    box: tuple[float, float, float, float]
    jitter: float = 0.0  # largest shift, as a fraction of the box size
    # The box is scaled by a seeded factor in this range: card photographers frame heads more
    # tightly or more loosely, and a threshold set on one framing must hold for the others.
    zoom: tuple[float, float] = (1.0, 1.0)


# LFW deep-funneled pictures are aligned (eyes near y = 0.45): this box puts the crown near the
# top and the shoulders at the bottom, at the card's 102:126 aspect, like a printed ID portrait.
LFW_FRAMING = Framing((0.192, 0.112, 0.808, 0.872), jitter=0.03, zoom=(0.9, 1.25))
# ORL pictures are already tight 92x112 head crops at almost the card's aspect: the whole picture.
WHOLE_FRAMING = Framing((0.0, 0.0, 1.0, 1.0))


def _rng(seed: int, name: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def portrait_crop(rgb: RGBImage, framing: Framing, *, seed: int = 0, name: str = "") -> RGBImage:
    """The portrait framed and resized to 102x126 (area interpolation, as a camera sensor)."""
    height, width = rgb.shape[:2]
    left, top, right, bottom = framing.box
    box_width, box_height = (right - left) * width, (bottom - top) * height
    rng = _rng(seed, name)
    shift_x, shift_y = rng.uniform(-framing.jitter, framing.jitter, 2)
    zoom = rng.uniform(*framing.zoom)
    centre_x = (left + right) / 2 * width + shift_x * box_width
    centre_y = (top + bottom) / 2 * height + shift_y * box_height
    box_width, box_height = box_width * zoom, box_height * zoom
    # An affine map from the box to the chip: parts outside the picture repeat the border.
    sx, sy = CHIP_PORTRAIT_WIDTH / box_width, CHIP_PORTRAIT_HEIGHT / box_height
    matrix = np.array(
        [
            [sx, 0, CHIP_PORTRAIT_WIDTH / 2 - sx * centre_x],
            [0, sy, CHIP_PORTRAIT_HEIGHT / 2 - sy * centre_y],
        ]
    )
    # Shrinking in one step with INTER_AREA avoids aliasing; warpAffine cannot, so pre-shrink.
    factor = min(sx, sy)
    if factor < 1:
        small = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        matrix[:, :2] /= factor
        matrix = matrix.astype(np.float64)
        source = small
    else:
        source = rgb
    chip = cv2.warpAffine(
        source,
        matrix,
        (CHIP_PORTRAIT_WIDTH, CHIP_PORTRAIT_HEIGHT),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return np.ascontiguousarray(chip)


def chip_bytes(portrait: RGBImage, budget: int = CHIP_PORTRAIT_BYTES) -> bytes:
    """A 102x126 portrait as a JPEG 2000 codestream of at most ``budget`` bytes: the best
    quality that fits (a bisection over OpenCV's compression rate, deterministic)."""
    if portrait.shape[:2] != (CHIP_PORTRAIT_HEIGHT, CHIP_PORTRAIT_WIDTH):
        size = (CHIP_PORTRAIT_WIDTH, CHIP_PORTRAIT_HEIGHT)
        portrait = np.asarray(cv2.resize(portrait, size, interpolation=cv2.INTER_AREA), np.uint8)
    bgr = cv2.cvtColor(portrait, cv2.COLOR_RGB2BGR)

    def encode(rate: int) -> bytes:
        ok, buffer = cv2.imencode(".jp2", bgr, [cv2.IMWRITE_JPEG2000_COMPRESSION_X1000, rate])
        if not ok:
            raise ChipError("OpenCV cannot write JPEG 2000 (built without OpenJPEG?)")
        return buffer.tobytes()

    low, high = 1, 1000
    best = encode(low)
    if len(best) > budget:
        raise ChipError(f"even the lowest JPEG 2000 rate needs {len(best)} bytes", budget=budget)
    while low < high:  # the largest rate whose output fits
        middle = (low + high + 1) // 2
        data = encode(middle)
        if len(data) <= budget:
            low, best = middle, data
        else:
            high = middle - 1
    return best


def decode_chip(data: bytes) -> RGBImage:
    """The 102x126 RGB portrait back from ``chip_bytes``' output."""
    return decode_rgb(data, source="chip portrait")


def chiplike(rgb: RGBImage, framing: Framing, *, seed: int = 0, name: str = "") -> RGBImage:
    """Portrait crop → 102x126 → ≤ 1,024 bytes of JPEG 2000 → decoded: a chip-like portrait."""
    return decode_chip(chip_bytes(portrait_crop(rgb, framing, seed=seed, name=name)))


# --- the dev set --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSet:
    """A folder of face photos with their identities, and how to frame them."""

    name: str
    root: Path  # the folder image paths are relative to
    images: tuple[tuple[str, str], ...]  # (relative path, identity)
    framing: Framing
    genuine: tuple[tuple[str, str], ...] = ()  # listed genuine pairs; empty: every pair


@dataclass(frozen=True)
class DevSet:
    folder: Path
    images: int
    pair_files: dict[str, int]  # file name -> number of pairs


def source_sets(faces_dir: Path) -> list[SourceSet]:
    """The shared dev data: LFW's East Asian identities (genuine pairs as listed, every
    cross-identity pair as impostor) and ORL (every pair). LFW's other identities are kept out:
    the card thresholds are set where East Asian faces need them."""
    lfw = faces_dir / "lfw"
    with (lfw / "east_asian_identities.csv").open(encoding="utf-8") as stream:
        east_asian = tuple((row["image"], row["identity"]) for row in csv.DictReader(stream))
    with (lfw / "pairs_east_asian.csv").open(encoding="utf-8") as stream:
        listed = tuple(
            (row["img1"], row["img2"]) for row in csv.DictReader(stream) if row["same"] == "1"
        )
    with (faces_dir / "orl_att_faces" / "identities.csv").open(encoding="utf-8") as stream:
        orl = tuple((row["image"], row["identity"]) for row in csv.DictReader(stream))
    return [
        SourceSet("east_asian", lfw / "images", east_asian, LFW_FRAMING, listed),
        SourceSet("orl", faces_dir / "orl_att_faces", orl, WHOLE_FRAMING),
    ]


def _ordered_pairs(source: SourceSet) -> Iterable[tuple[str, str, bool]]:
    """(first, second, same) over distinct images, both orders: 'full photo of A against chip of
    B' is not the same test as 'full photo of B against chip of A'."""
    if source.genuine:
        for one, other in source.genuine:
            yield one, other, True
            yield other, one, True
    for (one, who), (other, whom) in itertools.permutations(source.images, 2):
        if who != whom:
            yield one, other, False
        elif not source.genuine:
            yield one, other, True


def build_dev_set(
    faces_dir: Path,
    out_dir: Path,
    *,
    seed: int = 13,
    progress: Callable[[int, int], None] | None = None,
) -> DevSet:
    """Write the chip-like dev set under ``out_dir`` (never inside the source data):

    - ``full/<set>`` symbolic links to the source folders (the photos stay where they are);
    - ``chip/<set>/<image>.jp2``: each photo's chip-like portrait, ≤ 1,024 bytes;
    - ``live_card.csv`` (full photo, chip of another photo), ``card_ephoto.csv`` (chip, full),
      ``live_ephoto.csv`` (full, full): ``img1,img2,same,set`` relative to ``out_dir``, for
      ``desk-app faces calibrate --root out_dir``;
    - ``triples.csv``: ``live,card,ephoto,same,set``, a live photo against a candidate's card and
      e-photo (two other photos of one person): same = 1 when the live photo is that person.
    """
    sets = source_sets(faces_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    total = sum(len(s.images) for s in sets)
    done = 0
    for source in sets:
        link = out_dir / "full" / source.name
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or link.exists():
            if link.resolve() != source.root.resolve():
                raise ChipError(f"{link} points elsewhere; remove it first", path=str(link))
        else:
            link.symlink_to(source.root.resolve(), target_is_directory=True)
        for relative, _ in source.images:
            target = out_dir / "chip" / source.name / f"{relative}.jp2"
            target.parent.mkdir(parents=True, exist_ok=True)
            portrait = portrait_crop(
                load_rgb(source.root / relative), source.framing, seed=seed, name=relative
            )
            target.write_bytes(chip_bytes(portrait))
            done += 1
            if progress:
                progress(done, total)
    counts = {
        "live_card.csv": _write_pairs(out_dir / "live_card.csv", sets, "full", "chip"),
        "card_ephoto.csv": _write_pairs(out_dir / "card_ephoto.csv", sets, "chip", "full"),
        "live_ephoto.csv": _write_pairs(out_dir / "live_ephoto.csv", sets, "full", "full"),
        "triples.csv": _write_triples(out_dir / "triples.csv", sets, seed),
    }
    return DevSet(out_dir, total, counts)


def _path(kind: str, source: SourceSet, relative: str) -> str:
    if kind == "chip":
        return f"chip/{source.name}/{relative}.jp2"
    return f"full/{source.name}/{relative}"


def _write_pairs(path: Path, sets: list[SourceSet], first: str, second: str) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["img1", "img2", "same", "set"])
        for source in sets:
            for one, other, same in _ordered_pairs(source):
                writer.writerow(
                    [
                        _path(first, source, one),
                        _path(second, source, other),
                        int(same),
                        source.name,
                    ]
                )
                count += 1
    return count


def _write_triples(path: Path, sets: list[SourceSet], seed: int) -> int:
    """Genuine: every (live, card, e-photo) of three distinct photos of one person (capped per
    person so people with many photos do not dominate). Impostor: every live photo of another
    person against one seeded (card, e-photo) pair of each candidate."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["live", "card", "ephoto", "same", "set"])
        for source in sets:
            by_identity: dict[str, list[str]] = {}
            for relative, identity in source.images:
                by_identity.setdefault(identity, []).append(relative)
            references: dict[str, tuple[str, str]] = {}
            for identity, photos in sorted(by_identity.items()):
                if len(photos) < 3:
                    continue
                triples = list(itertools.permutations(photos, 3))
                rng = _rng(seed, f"{source.name}:{identity}")
                chosen = rng.permutation(len(triples))[:30]
                for index in sorted(chosen):
                    live, card, ephoto = triples[index]
                    writer.writerow(
                        [
                            _path("full", source, live),
                            _path("chip", source, card),
                            _path("full", source, ephoto),
                            1,
                            source.name,
                        ]
                    )
                    count += 1
                card, ephoto = photos[0], photos[1]
                references[identity] = (card, ephoto)
            for identity, (card, ephoto) in references.items():
                for relative, who in source.images:
                    if who == identity:
                        continue
                    writer.writerow(
                        [
                            _path("full", source, relative),
                            _path("chip", source, card),
                            _path("full", source, ephoto),
                            0,
                            source.name,
                        ]
                    )
                    count += 1
    return count
