"""1:N face search: query time and memory at N = 10^4, 10^5, 10^6 (128-d float32 templates).

Baseline, in the same run and on the same templates: face_recognition.face_distance, the
library's own way of comparing one face with many. Target: at most 50 ms per query and at most
600 MB at 10^6 on this 2-core machine.

    .venv/bin/python bench/search.py [--sizes 10000 100000 1000000] [--queries 50]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk_app.vision.index import FaceIndex


def _timed(query: Callable[[np.ndarray], object], queries: np.ndarray) -> tuple[float, int]:
    """Median milliseconds per query, and the peak of memory allocated during the queries."""
    query(queries[0])  # warm-up
    times = []
    tracemalloc.start()
    for vector in queries:
        start = time.perf_counter()
        query(vector)
        times.append((time.perf_counter() - start) * 1000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak


def _face_distance_top5(
    face_distance: Callable[[np.ndarray, np.ndarray], np.ndarray],
    templates: np.ndarray,
    query: np.ndarray,
) -> np.ndarray:
    return np.argsort(face_distance(templates, query))[:5]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=50)
    arguments = parser.parse_args()

    import face_recognition  # imported late: loading its models takes over a second

    rng = np.random.default_rng(2026)
    queries = rng.normal(0.0, 0.09, size=(arguments.queries, 128)).astype(np.float32)
    print(f"{'N':>9}  {'face_distance':>24}  {'FaceIndex.search (k=5)':>34}  speed-up")
    for size in arguments.sizes:
        templates = rng.normal(0.0, 0.09, size=(size, 128)).astype(np.float32)
        baseline_queries = queries[: max(5, arguments.queries // (size // 10_000 or 1))]
        baseline_ms, baseline_peak = _timed(
            partial(_face_distance_top5, face_recognition.face_distance, templates),
            baseline_queries,
        )
        index = FaceIndex.from_arrays(list(range(size)), templates)
        del templates
        gc.collect()
        index_ms, index_peak = _timed(partial(index.search, k=5), queries)
        resident = index.nbytes
        print(
            f"{size:>9}  {baseline_ms:8.2f} ms  {baseline_peak / 2**20:7.1f} MiB tmp  "
            f"{index_ms:8.2f} ms  {resident / 2**20:6.1f} MiB + {index_peak / 2**20:5.1f} MiB tmp"
            f"  {baseline_ms / index_ms:6.1f}x"
        )
        del index
        gc.collect()


if __name__ == "__main__":
    main()
