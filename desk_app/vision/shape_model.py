"""dlib's 68-point shape predictor in NumPy: the same points as dlib, without dlib at start-up.

dlib deserialises its 95 MB model holding the GIL (0.7-1.7 s during which the GUI thread is
frozen, issue 16). Here the model is converted once (``make setup``, ``make bundle``, or
``desk-app faces convert-landmarks``) into plain arrays in one uncompressed ``.npz`` beside this
module (``models/``, not in git), which the face worker reads in 1 MiB pieces: the GIL is given up
between pieces and during each read, and zip's CRC of every array is checked as it is read.

The predictor is a line-by-line port of ``dlib/image_processing/shape_predictor.h`` (an
ensemble of regression trees, Kazemi and Sullivan 2014), with dlib's arithmetic where it decides
a pixel or a branch:

- the shape is a float32 vector; every cascade adds its 500 trees' leaves to it one after
  another, in tree order (float addition is not associative);
- a feature pixel is an anchor landmark plus a delta turned and scaled by the similarity
  transform from the mean shape to the current one (Umeyama, computed in double and cast to
  float32 as dlib does), mapped into the face box in double and rounded as dlib rounds a point
  (``floor(v + 0.5)``); outside the image it reads 0;
- an RGB pixel's intensity is ``(r + g + b) // 3`` (dlib's ``assign_pixel`` to grey);
- a split goes left when ``pixel[a] - pixel[b] > threshold`` in float32;
- the points are the final shape mapped into the box and rounded like the feature pixels.

Measured against dlib 20.0.1 on the shared LFW and ORL faces: the same integer points
(``tests/integration/test_shape_model.py``, ``bench/landmarks.py``).

dlib's serialisation (``dlib/serialize.h``): every integer is one control byte (low four bits:
how many little-endian bytes follow, 1 to 8; 0x80: negative; 0x70 unused) and its bytes; a
float is two such integers, a mantissa and a power of two (``ldexp``); a matrix is its row and
column counts, negated, then its elements; a vector is its length then its elements. The whole
model is therefore one chain of such integers: the converter finds where each one starts
(vectorised, see ``_integer_starts``), decodes them all at once, and reads the structure
(``version 1, initial shape, forests, anchor indexes, deltas``) checking every count.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from desk_app.domain.errors import DeskError

FORMAT_VERSION = 1
MODEL_NAME = "shape_predictor_68_face_landmarks"
# Where the converted model lives: beside this module, so the bundle ships it with the package's
# other data files (packaging/bundle_contents.project_datas) and a checkout finds it after
# `make setup`. Generated, never committed (.gitignore).
MODELS_FOLDER = Path(__file__).resolve().parent / "models"
CONVERTED_FILE = MODELS_FOLDER / f"{MODEL_NAME}.npz"
# Each read while loading: small enough that holding the GIL for one never shows in the GUI
# (about 0.3 ms from the page cache), large enough that the reads cost nothing extra.
LOAD_PIECE_BYTES = 1 << 20

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


class ShapeModelError(DeskError):
    """The 68-point landmark model is missing, or a file is not the model it should be."""

    code = "landmarks.model_invalid"


@dataclass(frozen=True)
class ShapeModel:
    """The arrays of a dlib shape predictor (C cascades, T trees each of S splits and S + 1
    leaves, F feature pixels per cascade, P points)."""

    initial_shape: FloatArray  # (2P,) x0, y0, x1, y1... in the unit face box
    split_first: npt.NDArray[np.int32]  # (C, T, S) feature pixel index
    split_second: npt.NDArray[np.int32]  # (C, T, S)
    split_threshold: FloatArray  # (C, T, S)
    leaves: FloatArray  # (C, T, S + 1, 2P) shape increments
    anchors: npt.NDArray[np.int32]  # (C, F) the landmark each feature pixel hangs on
    deltas: FloatArray  # (C, F, 2) its offset from that landmark in the mean shape

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        return {
            "initial_shape": self.initial_shape,
            "split_first": self.split_first,
            "split_second": self.split_second,
            "split_threshold": self.split_threshold,
            "leaves": self.leaves,
            "anchors": self.anchors,
            "deltas": self.deltas,
        }

    def check(self, finite: bool = True) -> None:
        """Every index in range and every shape consistent (and with ``finite``, every value
        finite: 16 million of them, checked when converting; the loaded file's CRC vouches for
        them after that); a ShapeModelError otherwise."""
        points = self.initial_shape.size // 2
        cascades, trees, splits = self.split_first.shape
        features = self.anchors.shape[1] if self.anchors.ndim == 2 else -1
        expected = {
            "initial_shape": (2 * points,),
            "split_second": (cascades, trees, splits),
            "split_threshold": (cascades, trees, splits),
            "leaves": (cascades, trees, splits + 1, 2 * points),
            "anchors": (cascades, features),
            "deltas": (cascades, features, 2),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ShapeModelError(f"the landmark model's {name} has an unexpected shape")
        if points < 2 or (splits + 1) & splits or features < 1:
            raise ShapeModelError("the landmark model's trees are not complete binary trees")
        for indexes, limit in (
            (self.split_first, features),
            (self.split_second, features),
            (self.anchors, points),
        ):
            if indexes.size and (indexes.min() < 0 or indexes.max() >= limit):
                raise ShapeModelError("the landmark model holds an index out of range")
        for name, array in self.arrays().items() if finite else ():
            if array.dtype.kind == "f" and not np.isfinite(array).all():
                raise ShapeModelError(f"the landmark model's {name} holds a value not finite")


# --- dlib's serialisation --------------------------------------------------------------------


def _integer_starts(data: npt.NDArray[np.uint8], block: int = 4096) -> IntArray:
    """Where each integer of a chain of dlib integers starts (the first at byte 0).

    Each integer's length is in its control byte, so the chain is found by following it, which
    in Python would take a minute for the model's 33 million integers. Vectorised instead: the
    bytes are cut into blocks; the chain enters each block at one of its first nine bytes (no
    integer is longer than nine), so it is followed from all nine in every block at once to the
    block's end; the true entry of each block is then the exit of the previous one's true entry,
    and the chain is followed once more from the true entries, marking its integers."""
    size = data.size
    steps = (data & 0x0F) + np.uint8(1)
    first = np.arange(0, size, block, dtype=np.int64)
    ends = np.minimum(first + block, size)
    positions = (first[:, None] + np.arange(9)[None, :]).ravel()
    limits = np.repeat(ends, 9)
    # Only a byte that can be a control byte can start the chain's entry: most cannot.
    control = data[np.minimum(positions, size - 1)]
    possible = ((control & 0x70) == 0) & ((control & 0x0F) >= 1) & ((control & 0x0F) <= 8)
    alive = np.flatnonzero(possible & (positions < limits))
    while alive.size:
        current = positions[alive]
        positions[alive] = current + steps[current]
        alive = alive[positions[alive] < limits[alive]]
    exits = np.where(possible, positions, -1).reshape(-1, 9)
    entries = np.empty_like(first)
    entry = 0
    for index, start in enumerate(first.tolist()):
        entries[index] = entry
        entry = int(exits[index, entry - start])
        if entry < 0:
            raise ShapeModelError(
                f"byte {int(entries[index])} of the landmark model file is not a dlib integer",
                code="landmarks.corrupt",
            )
    if entry != size:
        raise ShapeModelError(
            "the landmark model file ends inside a value: it is truncated or damaged",
            code="landmarks.truncated",
        )
    marked = np.zeros(size, dtype=bool)
    positions, alive = entries, np.flatnonzero(entries < ends)
    while alive.size:
        current = positions[alive]
        marked[current] = True
        positions[alive] = current + steps[current]
        alive = alive[positions[alive] < ends[alive]]
    return np.flatnonzero(marked)


def decode_integers(data: npt.NDArray[np.uint8]) -> IntArray:
    """Every integer of a chain of dlib-serialised integers, in order."""
    if data.size == 0:
        raise ShapeModelError("the landmark model file is empty", code="landmarks.truncated")
    if data[:2].tobytes() != b"\x01\x01":  # dlib's integer 1: the shape predictor's version
        raise ShapeModelError(
            "the file is not a dlib shape predictor (it does not start with version 1)",
            code="landmarks.corrupt",
        )
    starts = _integer_starts(data)
    values = np.empty(starts.size, dtype=np.int64)
    # In pieces of a few million integers: the temporaries of one piece, not of all 33 million.
    for begin in range(0, starts.size, 1 << 22):
        piece = starts[begin : begin + (1 << 22)]
        values[begin : begin + piece.size] = _decode_piece(data, piece)
    return values


def _decode_piece(data: npt.NDArray[np.uint8], starts: IntArray) -> IntArray:
    control = data[starts]
    lengths = control & 0x0F
    bad = np.flatnonzero((control & 0x70) | (lengths == 0) | (lengths > 8))
    if bad.size:
        raise ShapeModelError(
            f"byte {int(starts[bad[0]])} of the landmark model file is not a dlib integer",
            code="landmarks.corrupt",
        )
    values = np.zeros(starts.size, dtype=np.int64)
    for byte in range(8):
        having = np.flatnonzero(lengths > byte)
        if not having.size:
            break
        values[having] |= data[starts[having] + 1 + byte].astype(np.int64) << (8 * byte)
    negative = (control & 0x80).astype(bool)
    values[negative] = -values[negative]
    return values


class _Reader:
    """Reads dlib's structure from the decoded integers, checking every count."""

    def __init__(self, values: IntArray) -> None:
        self.values = values
        self.at = 0

    def take(self, count: int) -> IntArray:
        if self.at + count > self.values.size:
            raise ShapeModelError(
                "the landmark model file ends before its last array", code="landmarks.truncated"
            )
        taken = self.values[self.at : self.at + count]
        self.at += count
        return taken

    def one(self, what: str, low: int = 0, high: int = 1 << 20) -> int:
        value = int(self.take(1)[0])
        if not low <= value <= high:
            raise ShapeModelError(
                f"the landmark model file is not a dlib shape predictor ({what} is {value})",
                code="landmarks.corrupt",
            )
        return value

    def expect(self, what: str, expected: int) -> None:
        self.one(what, expected, expected)

    def floats(self, count: int) -> FloatArray:
        return _floats(self.take(2 * count).reshape(count, 2))


def _floats(pairs: IntArray) -> FloatArray:
    """dlib's float: mantissa * 2**exponent (``float_details``); inf and NaN are refused."""
    mantissa, exponent = pairs[..., 0], pairs[..., 1]
    if np.any(np.abs(mantissa) >= 1 << 24) or np.any(np.abs(exponent) > 200):
        raise ShapeModelError(
            "the landmark model file holds a value that is not a float", code="landmarks.corrupt"
        )
    return np.ldexp(mantissa.astype(np.float32), exponent.astype(np.int32)).astype(np.float32)


def parse_shape_predictor(values: IntArray) -> ShapeModel:
    """The model from the integers of dlib's ``serialize(shape_predictor)``."""
    reader = _Reader(values)
    reader.expect("the version", 1)
    length = -reader.one("the initial shape's rows", -(1 << 16), -2)
    reader.expect("the initial shape's columns", -1)
    initial_shape = reader.floats(length)
    cascades = reader.one("the number of cascades", 1, 1000)
    forests: list[tuple[IntArray, IntArray, int]] = []
    trees = splits = -1
    for cascade in range(cascades):
        count = reader.one("a cascade's number of trees", 1, 100_000)
        if trees not in (-1, count):
            raise ShapeModelError(
                f"cascade {cascade} has {count} trees, not {trees}", code="landmarks.corrupt"
            )
        trees = count
        for _ in range(trees):
            count = reader.one("a tree's number of splits", 1, 1 << 12)
            if splits not in (-1, count):
                raise ShapeModelError(
                    "the trees are not all of one depth", code="landmarks.corrupt"
                )
            splits = count
            split_values = reader.take(4 * splits)
            reader.expect("a tree's number of leaves", splits + 1)
            width = 2 + 2 * length  # rows, columns, then a mantissa and an exponent per value
            leaf_values = reader.take((splits + 1) * width).reshape(splits + 1, width)
            if np.any(leaf_values[:, 0] != -length) or np.any(leaf_values[:, 1] != -1):
                raise ShapeModelError(
                    "a leaf of the landmark model is not a shape", code="landmarks.corrupt"
                )
            forests.append((split_values, leaf_values, splits))
    splits_all = np.stack([split for split, _, _ in forests]).reshape(cascades, trees, splits, 4)
    leaves_all = np.stack([leaf[:, 2:] for _, leaf, _ in forests])
    leaves = _floats(leaves_all.reshape(cascades, trees, splits + 1, length, 2))
    reader.expect("the number of anchor sets", cascades)
    anchors: list[IntArray] = []
    features = -1
    for _ in range(cascades):
        features = reader.one("a cascade's number of feature pixels", 1, 1 << 16)
        anchors.append(reader.take(features))
    reader.expect("the number of delta sets", cascades)
    deltas: list[FloatArray] = []
    for _ in range(cascades):
        reader.expect("a cascade's number of deltas", features)
        deltas.append(reader.floats(2 * features).reshape(features, 2))
    if reader.at != values.size:
        raise ShapeModelError(
            "the landmark model file goes on after its last array", code="landmarks.corrupt"
        )
    model = ShapeModel(
        initial_shape=initial_shape,
        split_first=splits_all[..., 0].astype(np.int32),
        split_second=splits_all[..., 1].astype(np.int32),
        split_threshold=_floats(splits_all[..., 2:]),
        leaves=leaves,
        anchors=np.stack(anchors).astype(np.int32),
        deltas=np.stack(deltas),
    )
    model.check()
    return model


def _read_bytes(path: Path) -> npt.NDArray[np.uint8]:
    try:
        return np.fromfile(path, dtype=np.uint8)
    except OSError as error:
        raise ShapeModelError(
            f"the landmark model file cannot be read: {error.strerror}", code="landmarks.missing"
        ) from error


def read_dlib_model(path: Path) -> ShapeModel:
    """The model of a dlib shape predictor file (``shape_predictor_*.dat``)."""
    return parse_shape_predictor(decode_integers(_read_bytes(path)))


# --- the converted file ----------------------------------------------------------------------


def save_model(model: ShapeModel, destination: Path, source_sha256: str = "") -> None:
    """Write the arrays as one uncompressed ``.npz`` (atomically: a crash leaves no half file)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=destination.parent, suffix=".partial")
    try:
        arrays: dict[str, Any] = {
            "format_version": np.array(FORMAT_VERSION),
            "source_sha256": np.array(source_sha256),
            **model.arrays(),
        }
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)
        Path(temporary).chmod(0o644)  # a model, no personal data: readable like the code
        Path(temporary).replace(destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def convert(source: Path, destination: Path) -> ShapeModel:
    """Convert dlib's ``.dat`` into the ``.npz`` this module loads."""
    data = _read_bytes(source)
    model = parse_shape_predictor(decode_integers(data))
    save_model(model, destination, hashlib.sha256(data.data).hexdigest())
    return model


def _read_member(archive: zipfile.ZipFile, name: str) -> npt.NDArray[np.generic]:
    with archive.open(name) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            header = np.lib.format.read_array_header_1_0(member)
        else:
            header = np.lib.format.read_array_header_2_0(member)
        shape, fortran_order, dtype = header
        if dtype.hasobject or fortran_order:
            raise ShapeModelError(f"the converted landmark model's {name} is not a plain array")
        array = np.empty(shape, dtype=dtype)
        buffer = array.reshape(-1).view(np.uint8).data
        done = 0
        while done < buffer.nbytes:
            piece = member.read(min(LOAD_PIECE_BYTES, buffer.nbytes - done))
            if not piece:
                raise ShapeModelError(f"the converted landmark model's {name} is truncated")
            buffer[done : done + len(piece)] = piece
            done += len(piece)
        if member.read(1):
            raise ShapeModelError(f"the converted landmark model's {name} is too long")
    return array


def load_model(path: Path = CONVERTED_FILE) -> ShapeModel:
    """The converted model, read in 1 MiB pieces (see the module's docstring)."""
    if not path.is_file():
        raise ShapeModelError(
            f"the 68-point landmark model has not been converted ({path.name} is missing): run "
            "`desk-app faces convert-landmarks` (`make setup` does it)",
            code="landmarks.missing",
        )
    names = {"format_version", *ShapeModel.__dataclass_fields__}
    arrays: dict[str, npt.NDArray[np.generic]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                stem = name.removesuffix(".npy")
                if stem in names:
                    arrays[stem] = _read_member(archive, name)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise ShapeModelError(
            f"the converted landmark model {path.name} is damaged ({error}): convert it again "
            "with `desk-app faces convert-landmarks`"
        ) from error
    if "format_version" not in arrays or int(arrays.pop("format_version")) != FORMAT_VERSION:
        raise ShapeModelError(
            f"the converted landmark model {path.name} is of another format: convert it again "
            "with `desk-app faces convert-landmarks`"
        )
    missing = names - {"format_version"} - arrays.keys()
    if missing:
        raise ShapeModelError(f"the converted landmark model lacks {', '.join(sorted(missing))}")
    model = ShapeModel(**arrays)  # type: ignore[arg-type]
    model.check(finite=False)
    return model


# --- the predictor ---------------------------------------------------------------------------


class ShapePredictor:
    """``dlib.shape_predictor(image, rectangle)`` in NumPy, for one model. It keeps no state
    between calls: any thread may call ``points``."""

    def __init__(self, model: ShapeModel, use_table: bool = True) -> None:
        cascades, trees, splits = model.split_first.shape
        points = model.initial_shape.size // 2
        self._cascades, self._trees, self._splits = cascades, trees, splits
        self._depth = int(splits + 1).bit_length() - 1
        self._initial = model.initial_shape
        # dlib's similarity transform needs the cross-covariance of the current shape with the
        # centred mean shape; the current shape's own mean drops out of it (the centred mean
        # shape sums to zero), so p and q below are two dot products of the raw shape.
        mean = model.initial_shape.reshape(points, 2).astype(np.float64)
        centred = mean - mean.mean(axis=0)
        spread = float((centred**2).sum(axis=1).mean()) * points
        rotation = np.empty((2 * points, 2), dtype=np.float64)
        rotation[0::2, 0], rotation[1::2, 0] = centred[:, 0], centred[:, 1]  # p = a + d
        rotation[0::2, 1], rotation[1::2, 1] = -centred[:, 1], centred[:, 0]  # q = c - b
        self._rotation = rotation / spread
        # Indexes as np.intp: NumPy gathers with them twice as fast as with int32.
        self._tree_base = np.arange(trees, dtype=np.intp) * splits
        self._leaf_base = np.arange(trees, dtype=np.intp) * (splits + 1)
        # A tree's leaf depends only on its splits' outcomes: with 15 splits (depth 4, both of
        # dlib's face models), a table of the 2**15 outcomes gives it in one lookup instead of
        # walking the tree level by level. Deeper trees are walked.
        self._leaf_table: npt.NDArray[np.intp] | None = None
        if splits <= 16 and use_table:
            outcomes = np.arange(1 << splits, dtype=np.intp)
            node = np.zeros_like(outcomes)
            for _ in range(self._depth):
                node = 2 * node + 1 + ((outcomes >> node) & 1)
            self._leaf_table = node - splits
            # A tree's outcomes as one number: their weighted sum, a product with powers of two
            # (integers below 2**16 are exact in float32 whatever the order of the additions).
            self._outcome_weights = (1 << np.arange(splits)).astype(np.float32)
        self._first = model.split_first.reshape(cascades, -1).astype(np.intp)
        self._second = model.split_second.reshape(cascades, -1).astype(np.intp)
        self._threshold = model.split_threshold.reshape(cascades, -1)
        self._leaves = model.leaves.reshape(cascades, trees * (splits + 1), 2 * points)
        # The x and y entries of each feature pixel's anchor in the shape vector: (C, 2, F).
        anchors = model.anchors.astype(np.intp)
        self._anchor_entries = np.stack([2 * anchors, 2 * anchors + 1], axis=1)
        self._delta_x = np.ascontiguousarray(model.deltas[:, None, :, 0])  # (C, 1, F)
        self._delta_y = np.ascontiguousarray(model.deltas[:, None, :, 1])

    def _similarity(self, shape: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The columns of the 2x2 part of dlib's ``find_similarity_transform(mean shape,
        shape)`` as float32, each (2, 1).

        Umeyama's least squares in two dimensions has a closed form: with the cross-covariance
        ``[[a, b], [c, d]]``, the scaled rotation is ``[[p, -q], [q, p]]`` over the mean shape's
        spread, where ``p = a + d`` and ``q = c - b`` (the matrix dlib gets through an SVD)."""
        p, q = shape.astype(np.float64) @ self._rotation
        first = np.array([[p], [q]], dtype=np.float32)
        second = np.array([[-q], [p]], dtype=np.float32)
        return first, second

    def _leaves_reached(self, right: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
        """Each tree's leaf (0 to S) from the outcomes of all its splits (True: go right)."""
        if self._leaf_table is not None:
            codes = right.reshape(self._trees, self._splits) @ self._outcome_weights
            reached: npt.NDArray[np.intp] = self._leaf_table[codes.astype(np.intp)]
            return reached
        node = np.zeros(self._trees, dtype=np.intp)
        for _ in range(self._depth):
            node = 2 * node + 1 + right[self._tree_base + node].astype(np.intp)
        return np.asarray(node - self._splits, dtype=np.intp)

    def points(self, image: npt.NDArray[np.uint8], box: tuple[int, int, int, int]) -> FloatArray:
        """The P points (x, y) of the face in ``box`` (x, y, width, height) of an RGB or grey
        uint8 image, as integers in float32 (dlib's points are integer pixels)."""
        left, top, width, height = (int(value) for value in box)
        rows, columns = image.shape[:2]
        pixels = np.ascontiguousarray(image).reshape(rows * columns, -1)
        channels = pixels.shape[1]
        if channels not in (1, 3):
            raise ValueError("the landmarks need a grey or an RGB image (as dlib does)")
        # dlib's intensity: a grey pixel's value, or an RGB pixel's (r + g + b) // 3.
        channel_weights = np.ones(channels, dtype=np.float32)
        divisor = np.float32(channels)
        # Box coordinates: float32 values times integers plus integers are exact in double, so
        # dlib's (m * v + b) needs no particular order here; then its rounding, floor(v + 0.5).
        scale = np.array([[width], [height]], dtype=np.float64)
        offset = np.array([[left + 0.5], [top + 0.5]], dtype=np.float64)
        limits = np.array([[columns], [rows]], dtype=np.uintp)
        shape = self._initial.copy()
        # The shape then each tree's leaf, summed in this order by one reduction: dlib's order.
        summed = np.empty((self._trees + 1, shape.size), dtype=np.float32)
        for cascade in range(self._cascades):
            first_column, second_column = self._similarity(shape)
            # float32 throughout, as dlib's matrix<float,2,2> * vector<float,2> + location.
            where = (
                first_column * self._delta_x[cascade]
                + second_column * self._delta_y[cascade]
                + shape[self._anchor_entries[cascade]]
            )
            at = np.floor(where.astype(np.float64) * scale + offset).astype(np.intp)
            # Negative coordinates read as huge unsigned ones: one comparison per bound.
            inside = (at.view(np.uintp) < limits).all(axis=0)
            sampled = np.take(pixels, at[1] * columns + at[0], axis=0, mode="clip")
            # Sums up to 765 are exact in float32, and a third of one is at least a third away
            # from the next integer: the floor of the float division is the integer one.
            intensity = np.floor(sampled @ channel_weights / divisor)
            features = intensity * inside
            # dlib goes to the left child (2i + 1) when the difference exceeds the threshold.
            right = (
                features[self._first[cascade]] - features[self._second[cascade]]
                <= self._threshold[cascade]
            )
            summed[0] = shape
            leaves = self._leaf_base + self._leaves_reached(right)
            np.take(self._leaves[cascade], leaves, axis=0, out=summed[1:])
            shape = np.add.reduce(summed, axis=0)
        result = shape.reshape(-1, 2).T.astype(np.float64)
        return np.floor(result * scale + offset).T.astype(np.float32)
