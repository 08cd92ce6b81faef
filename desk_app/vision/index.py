"""1:N search over the face templates of confirmed candidates (proxy-candidate detection).

Exact nearest neighbours by Euclidean distance, computed as ``|m|² - 2 m·q + |q|²`` with the
row norms kept up to date: one matrix-vector product per query, no per-query copy of the matrix.
Measured on two cores this is 4-10x faster than ``face_recognition.face_distance`` and needs
about 12 bytes per row of temporaries instead of a copy of the whole matrix (see
``bench/search.py``); approximate indexes (HNSW) took minutes to build at 10⁶ rows and lost
recall, so plain numpy stays the default up to millions of rows.

Only numpy arrays are kept (no per-row Python objects: a dictionary of 10⁶ ids alone would cost
~100 MB); finding a row to replace or remove is a vectorised scan, ~1 ms at 10⁶ rows, done once
per confirmation or revocation.

Thread-safe: the face worker searches while the database worker adds and removes templates.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float32]
_GROWTH = 1.25  # small steps: at 10⁶ rows a doubling would reserve 500 MB nobody uses


_QUERIES_AT_ONCE = 64


@dataclass(frozen=True)
class Neighbour:
    identity: int  # the candidate id
    distance: float


class FaceIndex:
    """Templates keyed by candidate id; ``search`` returns the k nearest with distances.

    ``metric`` is the engine's: ``euclidean`` (dlib), or ``cosine`` (SFace), for which templates
    are stored at unit length and ``1 - cos = |a - b|² / 2`` reuses the same arithmetic.
    """

    def __init__(
        self, dimensions: int = 128, capacity: int = 1024, metric: str = "euclidean"
    ) -> None:
        if metric not in ("euclidean", "cosine"):
            raise ValueError(f"unknown metric {metric!r}")
        self.dimensions = dimensions
        self.metric = metric
        self._matrix: FloatMatrix = np.zeros((max(capacity, 1), dimensions), dtype=np.float32)
        self._norms: FloatMatrix = np.zeros(max(capacity, 1), dtype=np.float32)
        self._identities = np.zeros(max(capacity, 1), dtype=np.int64)
        self._count = 0
        self._lock = threading.Lock()

    @classmethod
    def from_arrays(
        cls, identities: Sequence[int], templates: FloatMatrix, metric: str = "euclidean"
    ) -> FaceIndex:
        """Build at once (start-up): exactly the memory needed, plus a little room to grow."""
        matrix = np.ascontiguousarray(templates, dtype=np.float32)
        if matrix.ndim != 2 or len(identities) != matrix.shape[0]:
            raise ValueError("one template row per identity is needed")
        if np.unique(np.asarray(identities, dtype=np.int64)).shape[0] != len(identities):
            raise ValueError("an identity appears twice")
        count, dimensions = matrix.shape
        index = cls(dimensions, capacity=count + max(count // 50, 1024), metric=metric)
        index._matrix[:count] = matrix
        if metric == "cosine":
            norms = np.linalg.norm(index._matrix[:count], axis=1, keepdims=True)
            index._matrix[:count] /= np.maximum(norms, 1e-12)
            matrix = index._matrix[:count]
        index._norms[:count] = np.einsum("ij,ij->i", matrix, matrix)
        index._identities[:count] = identities
        index._count = count
        return index

    def __len__(self) -> int:
        return self._count

    def __contains__(self, identity: int) -> bool:
        with self._lock:
            return self._find(identity) is not None

    @property
    def nbytes(self) -> int:
        """All the memory the index holds."""
        return self._matrix.nbytes + self._norms.nbytes + self._identities.nbytes

    def _find(self, identity: int) -> int | None:
        slots = np.flatnonzero(self._identities[: self._count] == identity)
        return int(slots[0]) if slots.size else None

    def _vector(self, template: npt.ArrayLike) -> FloatMatrix:
        vector = np.asarray(template, dtype=np.float32).reshape(-1)
        if vector.shape[0] != self.dimensions:
            raise ValueError(f"a template has {self.dimensions} values, not {vector.shape[0]}")
        if self.metric == "cosine":
            vector = vector / np.float32(max(float(np.linalg.norm(vector)), 1e-12))
        return vector

    def add(self, identity: int, template: npt.ArrayLike) -> None:
        """Add or replace the template of ``identity`` (on confirmation)."""
        vector = self._vector(template)
        with self._lock:
            slot = self._find(identity)
            if slot is None:
                slot = self._count
                if slot == self._matrix.shape[0]:
                    self._grow()
                self._identities[slot] = identity
                self._count += 1
            self._matrix[slot] = vector
            self._norms[slot] = float(vector @ vector)

    def remove(self, identity: int) -> bool:
        """Drop ``identity`` (on revocation); the last row moves into its place."""
        with self._lock:
            slot = self._find(identity)
            if slot is None:
                return False
            last = self._count - 1
            self._matrix[slot] = self._matrix[last]
            self._norms[slot] = self._norms[last]
            self._identities[slot] = self._identities[last]
            self._count = last
            return True

    def _grow(self) -> None:
        capacity = int(self._matrix.shape[0] * _GROWTH) + 1024
        matrix = np.zeros((capacity, self.dimensions), dtype=np.float32)
        matrix[: self._matrix.shape[0]] = self._matrix
        norms = np.zeros(capacity, dtype=np.float32)
        norms[: self._norms.shape[0]] = self._norms
        identities = np.zeros(capacity, dtype=np.int64)
        identities[: self._identities.shape[0]] = self._identities
        self._matrix, self._norms, self._identities = matrix, norms, identities

    def search(
        self, template: npt.ArrayLike, k: int = 5, *, exclude: int | None = None
    ) -> list[Neighbour]:
        """The ``k`` nearest identities, nearest first; ``exclude`` leaves one identity out."""
        query = self._vector(template)
        with self._lock:
            count = self._count
            if count == 0 or k <= 0:
                return []
            squared = self._norms[:count] - 2.0 * (self._matrix[:count] @ query)
            squared += float(query @ query)
            excluded = None if exclude is None else self._find(exclude)
            if excluded is not None:
                squared[excluded] = np.inf
            wanted = min(k, count)
            nearest = np.argpartition(squared, wanted - 1)[:wanted]
            nearest = nearest[np.argsort(squared[nearest], kind="stable")]
            return [
                Neighbour(int(self._identities[slot]), self._distance(float(squared[slot])))
                for slot in nearest
                if np.isfinite(squared[slot])
            ]

    def within(self, templates: Sequence[npt.ArrayLike], limit: float) -> list[list[Neighbour]]:
        """For each template, every identity within ``limit``, nearest first: one matrix product
        for all of them (checking a batch of confirmations against a large index costs about
        what one ``search`` does)."""
        if not templates:
            return []
        queries = np.stack([self._vector(template) for template in templates])
        # Squared distance bound, in the arithmetic of ``_distance``.
        bound = 2 * limit if self.metric == "cosine" else limit * limit
        found: list[list[Neighbour]] = [[] for _ in templates]
        with self._lock:
            count = self._count
            # A few queries at a time: the distance matrix of 10^5 templates stays ~25 MB.
            for first in range(0, len(queries), _QUERIES_AT_ONCE):
                chunk = queries[first : first + _QUERIES_AT_ONCE]
                squared = self._norms[:count, None] - 2.0 * (self._matrix[:count] @ chunk.T)
                squared += np.einsum("ij,ij->i", chunk, chunk)[None, :]
                rows, columns = np.nonzero(squared <= bound)
                for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
                    found[first + column].append(
                        Neighbour(
                            int(self._identities[row]),
                            self._distance(float(squared[row, column])),
                        )
                    )
        return [sorted(near, key=lambda n: n.distance) for near in found]

    def _distance(self, squared: float) -> float:
        squared = max(squared, 0.0)
        return squared / 2 if self.metric == "cosine" else float(np.sqrt(squared))
