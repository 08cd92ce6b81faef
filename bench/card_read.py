"""Camera reading of ID cards: accuracy per field, wrong numbers returned, time per image.

Runs the reader over generated camera-like 1280×720 images (random identities, LFW portraits,
perspective, any rotation, uneven light, glare, blur, noise, JPEG, clutter, distance) and over the
specimens in the shared data folder, and, as a baseline in the same process, the OCR engine alone
with a plain regular expression for the number (what a first attempt would do).

    .venv/bin/python bench/card_read.py [--count 300] [--seed 1] [--baseline-count 100]
                                        [--stress-count 100]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2

from desk_app.idcard.camera_reader import CardImageReader, CardImageReading
from desk_app.idcard.ocr import TextReader
from tests.support.card_images import CardCase, generate_cases

TODAY = date(2026, 11, 28)
FRONT_FIELDS = ("id_number", "name", "sex", "ethnicity", "birth_date", "address")
BACK_FIELDS = ("issuing_authority", "valid_from", "valid_to")


def truth_of(case: CardCase) -> dict[str, str]:
    identity = case.identity
    if case.side == "front":
        return {
            "id_number": identity.id_number,
            "name": identity.name,
            "sex": identity.sex,
            "ethnicity": identity.ethnicity,
            "birth_date": identity.birth_date.isoformat(),
            "address": identity.address,
        }
    return {
        "issuing_authority": identity.issuing_authority,
        "valid_from": identity.valid_from.isoformat(),
        "valid_to": "长期" if identity.valid_to is None else identity.valid_to.isoformat(),
    }


def condition_buckets(case: CardCase) -> list[str]:
    seen = case.conditions
    turn = abs((seen.rotation + 180) % 360 - 180)
    orientation = (
        "upright ±45°" if turn <= 45 else "upside down ±45°" if turn >= 135 else "sideways"
    )
    size = "far (width <55%)" if seen.card_width < 0.55 else "near (width ≥55%)"
    buckets = [orientation, size]
    if seen.glare:
        buckets.append("glare spot")
    if seen.blur > 0.9:
        buckets.append("blur σ>0.9")
    return buckets


def baseline_number(reader: TextReader, image: object) -> str | None:
    """OCR alone: the first 18-character run of digits (and X) anywhere in the frame."""
    for line in reader.lines(image):  # type: ignore[arg-type]
        found = re.search(r"[0-9]{17}[0-9Xx]", line.text.replace(" ", ""))
        if found:
            return found.group().upper()
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-count", type=int, default=100)
    parser.add_argument("--stress-count", type=int, default=100)
    default_data = Path(__file__).resolve().parents[2] / "shared" / "data"
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("DESK_APP_DATA_DIR", default_data))
    )
    args = parser.parse_args()
    data_dir = args.data_dir if (args.data_dir / "faces").is_dir() else None
    if data_dir is None:
        print(f"note: no shared data at {args.data_dir}: plain portraits, no specimens")

    started = time.perf_counter()
    cases = generate_cases(args.count, seed=args.seed, data_dir=data_dir)
    fronts_count = sum(case.side == "front" for case in cases)
    print(f"generated {len(cases)} camera-like 1280x720 images in "
          f"{time.perf_counter() - started:.0f} s ({fronts_count} fronts, "
          f"{len(cases) - fronts_count} backs)")  # fmt: skip

    text_reader = TextReader()
    reader = CardImageReader(text_reader, today=TODAY)
    started = time.perf_counter()
    reader.warm_up()
    print(f"OCR models loaded in {time.perf_counter() - started:.2f} s")

    exact: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    wrong_numbers: list[tuple[str, str]] = []
    refused_numbers = 0
    bucket_hits: dict[str, Counter[str]] = defaultdict(Counter)
    side_right = 0
    problems: Counter[str] = Counter()
    times, cpu_times = [], []
    for case in cases:
        started, cpu_started = time.perf_counter(), time.process_time()
        reading = reader.read(case.image)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
        side_right += reading.side == case.side
        problems.update(reading.problem_codes())
        for field, expected in truth_of(case).items():
            totals[field] += 1
            got = reading.value(field)
            exact[field] += got == expected
            if field == "id_number":
                for bucket in condition_buckets(case):
                    bucket_hits[bucket]["total"] += 1
                    bucket_hits[bucket]["exact"] += got == expected
                if got is None:
                    refused_numbers += 1
                elif got != expected:
                    wrong_numbers.append((expected, got))

    print(f"\nproduct reader over {len(cases)} generated images")
    for field in (*FRONT_FIELDS, *BACK_FIELDS):
        if totals[field]:
            share = 100 * exact[field] / totals[field]
            print(f"  {field:18s} exact {exact[field]:4d}/{totals[field]:<4d} = {share:6.2f} %")
    print(f"  side decided right {side_right}/{len(cases)}")
    print(f"  ID numbers: wrong {len(wrong_numbers)}, refused (error instead) {refused_numbers}")
    for bucket, hits in sorted(bucket_hits.items()):
        print(f"    {bucket:20s} ID exact {hits['exact']:3d}/{hits['total']:<3d}")
    print(f"  problems reported: {dict(problems.most_common())}")
    p90 = statistics.quantiles(times, n=10, method="inclusive")[-1]
    print(f"  time per image: median {statistics.median(times):.3f} s, "
          f"p90 {p90:.3f} s, max {max(times):.3f} s; "
          f"CPU time (all threads) median {statistics.median(cpu_times):.3f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip

    fronts = [case for case in cases if case.side == "front"][: args.baseline_count]
    base_exact = base_wrong = 0
    base_times = []
    for case in fronts:
        started = time.perf_counter()
        number = baseline_number(text_reader, case.image)
        base_times.append(time.perf_counter() - started)
        base_exact += number == case.identity.id_number
        base_wrong += number is not None and number != case.identity.id_number
    product_on_same = [
        reader.read(case.image).id_number == case.identity.id_number for case in fronts
    ]
    print(f"\nbaseline (OCR + regex, no orientation, no checks) on the first {len(fronts)} fronts")
    print(f"  ID exact {base_exact}/{len(fronts)} (product: {sum(product_on_same)}/{len(fronts)}), "
          f"wrong numbers {base_wrong} (product: see above)")  # fmt: skip
    if base_times:  # none with --baseline-count 0
        print(f"  time median {statistics.median(base_times):.3f} s; product/baseline time "
              f"ratio {statistics.median(times) / statistics.median(base_times):.2f}")  # fmt: skip

    harsh = generate_cases(args.stress_count, seed=args.seed + 1, data_dir=data_dir,
                           back_share=0.0, harsh=True)  # fmt: skip
    outcome: dict[str, Counter[str]] = {"product": Counter(), "baseline": Counter()}
    for case in harsh:
        expected = case.identity.id_number
        for who, number in (
            ("product", reader.read(case.image).id_number),
            ("baseline", baseline_number(text_reader, case.image)),
        ):
            outcome[who][
                "exact" if number == expected else "refused" if number is None else "wrong"
            ] += 1
    print(f"\nstress: {len(harsh)} fronts far (22-45 % of the width), blurred (σ 1.3-2.6), noisy, "
          "JPEG 25-60, half with strong glare")  # fmt: skip
    for who, counts in outcome.items():
        print(f"  {who:8s} ID exact {counts['exact']:3d}, refused {counts['refused']:3d}, "
              f"wrong {counts['wrong']:3d}")  # fmt: skip

    if data_dir is not None:
        print("\nspecimens (../shared/data/idcards)")
        folder = data_dir / "idcards"
        for entry in json.loads((folder / "ground_truth.json").read_text(encoding="utf-8")):
            reading: CardImageReading = reader.read(cv2.imread(str(folder / entry["image"])))
            expected_number = entry["id_number"] if entry["id_number_checksum_valid"] else None
            checks = {
                "id_number": reading.id_number == expected_number,
                "name": reading.value("name") == entry["name"],
                "sex": reading.value("sex") == entry["sex"],
                "ethnicity": reading.value("ethnicity") == entry["ethnicity"],
                "birth_date": reading.value("birth_date") == entry["birth_printed"],
                "address": reading.value("address") == entry["address"],
            }
            if "issuing_authority" in entry:
                checks["issuing_authority"] = (
                    reading.value("issuing_authority") == entry["issuing_authority"]
                )
            right = [field for field, ok in checks.items() if ok]
            number = "refused: bad check character" if expected_number is None else "read"
            print(f"  {entry['image']}: side {reading.side}; {len(right)}/{len(checks)} fields "
                  f"as expected (number {number}); problems {reading.problem_codes()}")  # fmt: skip
            wrong = [field for field, ok in checks.items() if not ok]
            if wrong:
                print(f"    differs: {wrong}")


if __name__ == "__main__":
    main()
