"""Camera sources: a webcam through OpenCV, or a folder of images / a video file (no Qt here)."""
