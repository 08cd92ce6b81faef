"""Which camera the operator picked: a plain value, light to import.

Kept apart from ``sources`` (which needs OpenCV and NumPy) because the GUI reads the
workstation's preferences, this value among them, before its first window, and the window
must not wait for OpenCV (``tests/ui/test_startup_order.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CameraChoice:
    """What the operator picked in the settings: a device index, or a folder or video file."""

    kind: str = "device"  # "device", "files" (folder or video file) or "generated"
    device_index: int = 0
    path: str = ""
    width: int = 640
    height: int = 480
    fps: float = 25.0
