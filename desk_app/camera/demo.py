"""The demo's faces: each demo candidate's other photos play the live camera.

``desk_app.services.demo`` gives the n-th demo candidate the first photo of the n-th East Asian
LFW identity as e-photo; the same identity's other photos stand in front of the file camera when
that candidate's card is on the simulated reader. Images are read in place from the data folder.
"""

from __future__ import annotations

import csv
from pathlib import Path


def demo_live_faces(data_dir: Path) -> list[list[Path]]:
    """Per demo identity (same order as the demo e-photos), its photos after the first."""
    lfw = data_dir / "faces" / "lfw"
    listing = lfw / "east_asian_identities.csv"
    if not listing.exists():
        return []
    by_identity: dict[str, list[Path]] = {}
    with listing.open(encoding="utf-8") as stream:
        for record in csv.DictReader(stream):
            by_identity.setdefault(record["identity"], []).append(lfw / "images" / record["image"])
    faces = []
    for images in by_identity.values():
        present = [path for path in images if path.exists()]
        if present:
            faces.append(present[1:] or present[:1])
    return faces
