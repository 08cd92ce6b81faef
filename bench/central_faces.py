"""The central 1:N check of pushed confirmations (``sync.confirmed_faces``): the cost per
confirmation of a push batch against the live faces of every confirmed candidate, with
``FaceIndex.within`` (one matrix product per batch), and as baseline in the same process one
``FaceIndex.search`` per confirmation (what a counter does for its own shot).

    .venv/bin/python bench/central_faces.py [--batch 500] [--sizes 10000,100000,300000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk_app.vision.index import FaceIndex

LIMIT = 0.58  # SFace's live-e-photo pass limit: the same-person limit of the check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=500, help="confirmations per push batch")
    parser.add_argument("--sizes", default="10000,100000,300000", help="confirmed candidates")
    arguments = parser.parse_args()
    rng = np.random.default_rng(7)
    for size in (int(value) for value in arguments.sizes.split(",")):
        stored = rng.standard_normal((size, 128)).astype(np.float32)
        index = FaceIndex.from_arrays(list(range(size)), stored, "cosine")
        queries = list(rng.standard_normal((arguments.batch, 128)).astype(np.float32))
        start = time.perf_counter()
        index.within(queries, LIMIT)
        batched = (time.perf_counter() - start) / arguments.batch * 1000
        start = time.perf_counter()
        for query in queries:
            index.search(query, 5)
        one_by_one = (time.perf_counter() - start) / arguments.batch * 1000
        print(
            f"{size:>9,} confirmed: {batched:6.2f} ms per confirmation in a batch of "
            f"{arguments.batch} (baseline, one search each: {one_by_one:6.2f} ms; ratio "
            f"{batched / one_by_one:.2f}); index {index.nbytes / 2**20:.0f} MiB"
        )


if __name__ == "__main__":
    main()
