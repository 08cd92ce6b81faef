"""The 1:N index against brute force, and its bookkeeping on add, replace and remove."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk_app.vision.index import FaceIndex


def _templates(count: int, seed: int = 1) -> np.ndarray:
    # dlib-like embeddings: 128 values of about ±0.1, row norms near 1
    return np.random.default_rng(seed).normal(0.0, 0.09, size=(count, 128)).astype(np.float32)


def _brute_force(identities: list[int], matrix: np.ndarray, query: np.ndarray, k: int):
    distances = np.linalg.norm(matrix.astype(np.float64) - query.astype(np.float64), axis=1)
    order = np.argsort(distances, kind="stable")[:k]
    return [identities[i] for i in order], distances[order]


@given(count=st.integers(1, 300), k=st.integers(1, 12), seed=st.integers(0, 10_000))
@settings(max_examples=60, deadline=None)
def test_top_k_is_exact(count: int, k: int, seed: int) -> None:
    matrix = _templates(count, seed)
    identities = [1000 + 7 * i for i in range(count)]
    index = FaceIndex.from_arrays(identities, matrix)
    query = _templates(1, seed + 1)[0]
    expected_ids, expected_distances = _brute_force(identities, matrix, query, k)
    found = index.search(query, k)
    assert [n.identity for n in found] == expected_ids
    assert np.allclose([n.distance for n in found], expected_distances, atol=1e-4)


def test_a_stored_template_finds_itself_at_distance_zero() -> None:
    matrix = _templates(50)
    index = FaceIndex.from_arrays(list(range(50)), matrix)
    nearest = index.search(matrix[17], 1)[0]
    assert nearest.identity == 17 and nearest.distance == pytest.approx(0.0, abs=1e-3)
    assert index.search(matrix[17], 1, exclude=17)[0].identity != 17


def test_add_replace_remove_and_growth() -> None:
    index = FaceIndex(capacity=2)
    matrix = _templates(3000, seed=5)
    for identity, template in enumerate(matrix):
        index.add(identity, template)
    assert len(index) == 3000
    index.add(5, matrix[6])  # a new live template replaces the old one
    assert len(index) == 3000
    assert {n.identity for n in index.search(matrix[6], 2)} == {5, 6}
    assert index.remove(6) and not index.remove(6)
    assert 6 not in index and len(index) == 2999
    # the row that moved into the freed slot is still found under its own identity
    assert index.search(matrix[2999], 1)[0].identity == 2999
    for identity in range(3000):
        index.remove(identity)
    assert len(index) == 0 and index.search(matrix[0], 3) == []


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        FaceIndex().add(1, np.zeros(64, dtype=np.float32))
    with pytest.raises(ValueError):
        FaceIndex.from_arrays([1, 1], _templates(2))
    with pytest.raises(ValueError):
        FaceIndex.from_arrays([1], _templates(2))


def test_searches_while_another_thread_adds() -> None:
    index = FaceIndex.from_arrays(list(range(1000)), _templates(1000))
    extra = _templates(2000, seed=9)
    failures: list[BaseException] = []

    def add_more() -> None:
        for offset, template in enumerate(extra):
            index.add(10_000 + offset, template)

    def search_a_lot() -> None:
        try:
            for template in extra[:500]:
                assert len(index.search(template, 5)) == 5
        except BaseException as error:
            failures.append(error)

    workers = [threading.Thread(target=add_more), threading.Thread(target=search_a_lot)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == [] and len(index) == 3000


def test_cosine_metric_matches_one_minus_cosine() -> None:
    matrix = _templates(200, seed=11) * 7.0  # SFace features are not unit length
    index = FaceIndex.from_arrays(list(range(200)), matrix, metric="cosine")
    query = _templates(1, seed=12)[0]
    found = index.search(query, 3)
    cosine = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query))
    expected = np.argsort(1 - cosine)[:3]
    assert [n.identity for n in found] == expected.tolist()
    assert [n.distance for n in found] == pytest.approx((1 - cosine)[expected], abs=1e-5)
    index.add(500, query * 3)
    assert index.search(query, 1)[0].identity == 500
    with pytest.raises(ValueError):
        FaceIndex(metric="manhattan")


@given(
    count=st.integers(1, 300),
    queries=st.integers(1, 150),
    metric=st.sampled_from(["euclidean", "cosine"]),
    seed=st.integers(0, 10_000),
)
@settings(max_examples=40, deadline=None)
def test_within_finds_exactly_what_brute_force_finds(
    count: int, queries: int, metric: str, seed: int
) -> None:
    """The batch check of the central side (``within``) against brute force, across the chunks
    it computes at once."""
    matrix = _templates(count, seed)
    identities = [3 + 5 * i for i in range(count)]
    index = FaceIndex.from_arrays(identities, matrix, metric)
    rng = np.random.default_rng(seed)
    # Half the queries near a stored template, half anywhere.
    picked = rng.integers(0, count, size=queries)
    noise = rng.normal(0.0, 0.02, size=(queries, 128)).astype(np.float32)
    near = matrix[picked] + noise
    far = _templates(queries, seed + 1)
    asked = np.where((np.arange(queries) % 2 == 0)[:, None], near, far)
    limit = 0.4 if metric == "euclidean" else 0.1
    found = index.within(list(asked), limit)
    for query, answer in zip(asked, found, strict=True):
        if metric == "cosine":
            unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
            distances = 1.0 - unit.astype(np.float64) @ (query / np.linalg.norm(query))
        else:
            distances = np.linalg.norm(matrix.astype(np.float64) - query, axis=1)
        expected = {identities[i] for i in np.flatnonzero(distances <= limit - 1e-4)}
        got = {n.identity for n in answer}
        assert expected <= got
        assert all(distances[identities.index(n.identity)] <= limit + 1e-4 for n in answer)
        assert [n.distance for n in answer] == sorted(n.distance for n in answer)
