"""The flat-picture test: do the face's landmarks move as one plane?

A printed photo or a phone turned in the hand is a plane: whatever its pose, the landmarks of its
face in two frames are related by one homography (up to the landmark model's noise). A head is
not a plane: when it turns, the nose tip moves across the cheeks and the jaw's outline slides
over the face, so no single homography maps the frontal landmarks onto the turned ones.

``planar_residual`` fits that homography by least squares on all 68 points and returns the root
mean square of what is left, over the eye distance, so it does not depend on the face's size.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

Points = npt.NDArray[np.float32]


def planar_residual(before: Points, after: Points) -> float:
    """RMS distance, in eye distances, between ``after`` and the best homography of ``before``."""
    source = before.astype(np.float64)
    target = after.astype(np.float64)
    homography, _ = cv2.findHomography(source, target, 0)
    if homography is None:
        return float("inf")
    mapped = cv2.perspectiveTransform(source.reshape(-1, 1, 2), homography).reshape(-1, 2)
    rms = float(np.sqrt(np.mean(np.sum((mapped - target) ** 2, axis=1))))
    across = float(np.linalg.norm(before[36:42].mean(axis=0) - before[42:48].mean(axis=0)))
    return rms / across if across else float("inf")


# Points that lie close to one plane on a real face: brows, eye corners and lids, mouth corners
# and lips. The nose tip stands in front of them by about half an eye distance.
_FACE_PLANE = [*range(17, 27), *range(36, 48), *range(48, 60)]
_NOSE_TIP = 30


def nose_parallax(before: Points, after: Points) -> float:
    """How far the nose tip moved off the plane of the brows, eyes and mouth, in eye distances.

    The homography of the face's near-planar points between the two frames predicts where a
    point painted on that plane would be; a real nose, half an eye distance in front of it,
    lands about sin(yaw) of that away when the head turns. On a print, bent or flat, the nose is
    painted near the plane and lands where predicted."""
    source = before[_FACE_PLANE].astype(np.float64)
    target = after[_FACE_PLANE].astype(np.float64)
    homography, _ = cv2.findHomography(source, target, 0)
    if homography is None:
        return 0.0
    tip = before[_NOSE_TIP].astype(np.float64).reshape(1, 1, 2)
    predicted = cv2.perspectiveTransform(tip, homography).reshape(2)
    across = float(np.linalg.norm(after[36:42].mean(axis=0) - after[42:48].mean(axis=0)))
    moved = float(np.linalg.norm(predicted - after[_NOSE_TIP]))
    return moved / across if across else 0.0
