"""Confirmation Desk: the Qt-free core of the counter application."""

from __future__ import annotations

import os

# OpenCV reads its own pixel cap once, when the library loads (its default is 2^30 pixels): set
# it before anything imports cv2. The product measures every image's header against the
# configured [privacy] max_image_pixels first; this is the decoder's own backstop.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", "40000000")
