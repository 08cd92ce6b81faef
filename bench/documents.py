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

from desk_app.idcard.documents import DocumentReader, PageError
from tests.support.report_documents import report_case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    arguments = parser.parse_args()

    reader = DocumentReader()
    reader.reader.warm_up()
    outcomes: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    seconds: list[float] = []
    wrong_unflagged: list[int] = []
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
            continue
        seconds.append(time.perf_counter() - started)
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
    if arguments.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
