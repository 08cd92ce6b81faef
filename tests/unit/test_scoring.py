"""Score normalisation, mirror test-time augmentation and rate intervals (vision.scoring)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from desk_app.vision.engines import DetectedFace
from desk_app.vision.scoring import (
    CohortNormalisation,
    EngineStatistics,
    fused_distance,
    impostor_pairs_needed,
    mean_template,
    mirrored_face,
    pairwise_distances,
    wilson_interval,
)


def _face() -> DetectedFace:
    points = np.array([[30, 40], [60, 41], [45, 55], [33, 70], [58, 71]], dtype=np.float32)
    return DetectedFace((20, 25, 50, 60), 0.9, (30.0, 40.0), (60.0, 41.0), points)


def test_mirrored_face_reflects_and_swaps_sides() -> None:
    mirrored = mirrored_face(_face(), 100, "sface")
    assert mirrored.box == (30, 25, 50, 60)
    # The subject's right eye (on the image's left) is the reflection of the left eye.
    assert mirrored.right_eye == (39.0, 41.0)
    assert mirrored.left_eye == (69.0, 40.0)
    assert mirrored.landmarks[0].tolist() == [39.0, 41.0]
    assert mirrored.landmarks[3].tolist() == [41.0, 71.0]  # the right mouth corner
    again = mirrored_face(mirrored, 100, "sface")
    assert again.box == _face().box
    np.testing.assert_allclose(again.landmarks, _face().landmarks)


def test_mean_template_keeps_the_first_length_and_bisects() -> None:
    one = np.array([3.0, 0.0], dtype=np.float32)
    other = np.array([0.0, 0.5], dtype=np.float32)
    mean = mean_template(one, other)
    assert float(np.linalg.norm(mean)) == pytest.approx(3.0)
    assert mean[0] == pytest.approx(mean[1])


def test_pairwise_distances_are_the_engines_distances() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(3, 8)), rng.normal(size=(4, 8))
    cosine = pairwise_distances("cosine", a, b)
    expected = 1 - a[1] @ b[2] / (np.linalg.norm(a[1]) * np.linalg.norm(b[2]))
    assert cosine[1, 2] == pytest.approx(expected)
    assert pairwise_distances("euclidean", a, b)[2, 3] == pytest.approx(np.linalg.norm(a[2] - b[3]))
    with pytest.raises(ValueError):
        pairwise_distances("manhattan", a, b)


def _cohort(rng: np.random.Generator) -> CohortNormalisation:
    templates = rng.normal(size=(60, 16)).astype(np.float32)
    return CohortNormalisation.of("cosine", templates, [str(i // 2) for i in range(60)])


def test_a_face_close_to_everyone_is_judged_against_its_own_neighbourhood() -> None:
    rng = np.random.default_rng(7)
    norm = _cohort(rng)
    # A "lamb": the cohort's mean direction, near everyone; an ordinary face, near no one.
    lamb = norm.cohort.mean(axis=0)
    ordinary = rng.normal(size=16).astype(np.float32)
    lamb_stats, ordinary_stats = norm.statistics(lamb), norm.statistics(ordinary)
    assert lamb_stats.mean < ordinary_stats.mean
    # The same raw distance counts as more alike for the ordinary face than for the lamb.
    distance = 0.6
    for_lamb = norm.normalise(distance, lamb_stats, lamb_stats)
    for_ordinary = norm.normalise(distance, ordinary_stats, ordinary_stats)
    assert for_lamb > distance > for_ordinary


def test_a_face_with_the_cohorts_own_statistics_keeps_its_distance() -> None:
    norm = _cohort(np.random.default_rng(3))
    typical = type(norm.statistics(norm.cohort[0]))(norm.centre, norm.scale)
    assert norm.normalise(0.42, typical, typical) == pytest.approx(0.42)


def test_a_cohort_needs_strangers() -> None:
    templates = np.ones((3, 4), dtype=np.float32)
    with pytest.raises(ValueError):
        CohortNormalisation.of("cosine", templates, ["a", "a", "a"])
    with pytest.raises(ValueError):
        CohortNormalisation.of("cosine", templates, ["a", "b"])


def test_fusion_is_on_the_first_engines_scale() -> None:
    first, second = EngineStatistics(0.8, 0.1), EngineStatistics(0.6, 0.05)
    assert fused_distance(0.8, 0.6, first, second) == pytest.approx(0.8)
    # One spread below the mean on the second engine moves the fused distance half a spread.
    assert fused_distance(0.8, 0.55, first, second) == pytest.approx(0.75)
    assert fused_distance(0.8, 0.55, first, second, second_weight=0.0) == pytest.approx(0.8)


def test_wilson_interval_known_values() -> None:
    low, high = wilson_interval(5, 100)
    assert low == pytest.approx(0.02154, abs=1e-4)
    assert high == pytest.approx(0.11175, abs=1e-4)
    low, high = wilson_interval(0, 12_000)
    assert low == 0.0
    assert high == pytest.approx(3.8415 / (12_000 + 3.8415), rel=1e-3)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_impostor_pairs_needed_for_one_in_ten_thousand() -> None:
    assert impostor_pairs_needed(1e-4) == math.ceil(-math.log(0.05) / 1e-4) == 29_958
    assert impostor_pairs_needed(1e-3) == 2_996
