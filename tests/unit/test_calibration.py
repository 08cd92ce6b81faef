"""Error rates, thresholds and AUC on known distance sets."""

from __future__ import annotations

import numpy as np
import pytest

from desk_app.vision.calibration import (
    calibrate,
    det_curve,
    error_rates,
    roc_auc,
    threshold_for_fmr,
)


def test_threshold_for_fmr_allows_exactly_the_permitted_false_matches() -> None:
    impostor = np.arange(1000, dtype=np.float64) / 1000  # 0.000 .. 0.999
    genuine = np.array([0.0005, 0.0015, 0.5, np.inf])
    threshold = threshold_for_fmr(impostor, 0.001)  # one false match of 1000 allowed
    assert 0.001 > threshold >= 0.0
    fmr, fnmr = error_rates(genuine, impostor, threshold)
    assert fmr == pytest.approx(0.001)
    assert fnmr == pytest.approx(0.75)  # 0.0015, 0.5 and the pair without a face
    assert threshold_for_fmr(impostor, 0.0) < impostor.min()


def test_auc_matches_brute_force() -> None:
    rng = np.random.default_rng(4)
    genuine = np.round(rng.normal(0.4, 0.1, 300), 2)  # rounding makes ties
    impostor = np.round(rng.normal(0.8, 0.1, 500), 2)
    wins = (genuine[:, None] < impostor[None, :]).sum() + 0.5 * (
        genuine[:, None] == impostor[None, :]
    ).sum()
    assert roc_auc(genuine, impostor) == pytest.approx(wins / (300 * 500))


def test_calibration_bands_and_curve() -> None:
    rng = np.random.default_rng(5)
    genuine = rng.normal(0.3, 0.08, 2000)
    impostor = rng.normal(0.9, 0.08, 20_000)
    result = calibrate(genuine, impostor, target_fmr=0.001)
    assert result.fmr <= 0.001 and result.review_fmr <= 0.01
    assert result.review_threshold >= result.pass_threshold
    assert result.auc > 0.99
    fmr, fnmr = det_curve(genuine, impostor)
    assert np.all(np.diff(fmr) >= 0) and np.all(np.diff(fnmr) <= 0)
    with pytest.raises(ValueError):
        calibrate(genuine[:0], impostor)
