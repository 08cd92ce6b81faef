"""Certification reports held up to a 1080p webcam: how often the verification code is read
exactly, how often a read is flagged, and whether any wrong code is returned unflagged.

Generated reports (tests/support/report_documents.py: both kinds, random codes, any rotation,
perspective, uneven light, some glare and blur, sensor noise, JPEG) go through the counter's
``DocumentReader.report``. Prints the figures; run with ``.venv/bin/python -m bench.documents``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from desk_app.idcard.documents import DocumentReader, PageError
from tests.support.report_documents import report_case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument("--misses", action="store_true", help="print every report not read exactly")
    arguments = parser.parse_args()

    reader = DocumentReader()
    reader.reader.warm_up()
    # The code's re-read (its line's crops through the recogniser), timed apart from the rest of
    # a report (finding the page, straightening it, the page's one OCR pass).
    reread_seconds: list[float] = []
    recognise = reader.reader.character_probabilities

    def timed_recognise(images: list[np.ndarray]) -> tuple[list[np.ndarray], list[str]]:
        started = time.perf_counter()
        try:
            return recognise(images)
        finally:
            reread_seconds.append(time.perf_counter() - started)

    reader.reader.character_probabilities = timed_recognise  # type: ignore[method-assign]
    outcomes: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    seconds: list[float] = []
    wrong_unflagged: list[int] = []
    misses: list[str] = []
    for index in range(arguments.count):
        seed = arguments.seed + index
        page, frame = report_case(seed)
        started = time.perf_counter()
        try:
            _straight, code = reader.report(frame)
        except PageError as error:
            seconds.append(time.perf_counter() - started)
            outcomes["page refused"] += 1
            problems[error.code] += 1
            misses.append(f"{seed}: refused {error.code} ({error})")
            continue
        seconds.append(time.perf_counter() - started)
        if code.flagged or code.code != page.code:
            misses.append(
                f"{seed}: {'flagged ' + (code.problem or '?') if code.flagged else 'UNFLAGGED'}"
                f" read {code.code} truth {page.code} ({_differences(code.code, page.code)},"
                f" confidence {code.confidence:.3f})"
            )
        if not code.flagged and code.code == page.code:
            outcomes["exact"] += 1
        elif not code.flagged:
            outcomes["WRONG unflagged"] += 1
            wrong_unflagged.append(seed)
        elif code.code == page.code:
            outcomes["flagged, guess right"] += 1
            problems[code.problem or "?"] += 1
        else:
            outcomes["flagged, guess wrong or none"] += 1
            problems[code.problem or "?"] += 1
    total = arguments.count
    pages = total - outcomes["page refused"]
    figures = {
        "reports": total,
        "exact_unflagged": outcomes["exact"],
        "exact_rate": outcomes["exact"] / total,
        "exact_rate_of_accepted_pages": outcomes["exact"] / pages if pages else None,
        "wrong_unflagged": outcomes["WRONG unflagged"],
        "wrong_unflagged_seeds": wrong_unflagged,
        "outcomes": dict(outcomes),
        "problems": dict(problems),
        "median_seconds": statistics.median(seconds),
        "p90_seconds": sorted(seconds)[int(0.9 * (len(seconds) - 1))],
        "median_reread_seconds": statistics.median(reread_seconds) if reread_seconds else None,
    }
    last = arguments.seed + total - 1
    print(f"generated reports          {total} (seeds {arguments.seed}..{last})")
    for name, count in sorted(outcomes.items()):
        print(f"  {name:27s}{count:5d}  ({count / total:.1%})")
    print(f"exact-read rate            {figures['exact_rate']:.1%} of all reports, "
          f"{(figures['exact_rate_of_accepted_pages'] or 0):.1%} of pages accepted")  # fmt: skip
    print(f"wrong codes unflagged      {figures['wrong_unflagged']}")
    print(f"flags and refusals         {dict(problems)}")
    print(f"time per report            median {figures['median_seconds']:.2f} s, "
          f"p90 {figures['p90_seconds']:.2f} s")  # fmt: skip
    if reread_seconds:
        share = sum(reread_seconds) / sum(seconds)
        reread_ms = statistics.median(reread_seconds) * 1000
        print(f"  of which the code re-read  median {reread_ms:.0f} ms"
              f" ({share:.0%} of all reading time)")  # fmt: skip
    if arguments.misses:
        print("\n".join(misses))
    if arguments.json:
        print(json.dumps(figures, indent=2))
    return 0


def _differences(read: str | None, truth: str) -> str:
    """The characters confused (truth>read), or how the lengths differ."""
    if read is None:
        return "nothing read"
    if len(read) != len(truth):
        return f"{len(read)} characters"
    return " ".join(f"{t}>{r}" for t, r in zip(truth, read, strict=True) if t != r) or "same"


if __name__ == "__main__":
    raise SystemExit(main())
