"""How long the GUI thread stalls while a worker hashes a password (argon2id, as at sign-in) or
writes the slip PDF, with the worker at the GUI thread's CPU priority and below it (Linux: the
worker thread's nice value raised to 10), alternating in one process.

A 5 ms timer on the GUI thread records the gaps between its ticks while the work runs on a
worker thread; the longest gap minus 5 ms is the longest stall. Prints figures; asserts nothing.

Why the product's workers keep the GUI thread's priority: on a 2-core machine loaded by other
processes (load average 16), a slip PDF written by a lowered worker stalled the GUI thread 622 ms
(median of 5; 87 ms at the same priority): the worker holds the GIL or Qt's font lock and, at a
lower priority, waits for a core while the GUI thread waits for it (priority inversion).

    .venv/bin/python bench/worker_priority.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2
import numpy as np
from argon2 import PasswordHasher
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desk_app.domain.time import CHINA_TIME
from ui.slip import Slip, write_slip_pdf

TICK_MS = 5
NICENESS = 10


def lower_thread_priority() -> None:
    """The calling thread's nice value to NICENESS (Linux: per thread; elsewhere nothing)."""
    if sys.platform.startswith("linux"):
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, max(os.getpriority(os.PRIO_PROCESS, thread), 10))


def longest_stall(work: Callable[[], None], lowered: bool) -> float:
    """The longest GUI stall (ms) while ``work`` runs on a new worker thread."""
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000 - TICK_MS)
        last[0] = now

    def worker() -> None:
        if lowered:
            lower_thread_priority()
        work()

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    thread = threading.Thread(target=worker)
    last[0] = time.perf_counter()
    thread.start()
    while thread.is_alive():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.001)
    timer.stop()
    return max(gaps, default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="desk-bench-priority-"))
    hasher = PasswordHasher()
    stored = hasher.hash("a demo password 2026")
    picture = cv2.imencode(".jpg", np.full((480, 640, 3), 128, dtype=np.uint8))[1].tobytes()
    slip = Slip(
        "张三", "110***1234", "R1", "120202 工商管理", "0101", "320127100001",
        datetime.now(CHINA_TIME), "S1", "C1", "李四", picture, True,
    )  # fmt: skip
    works: dict[str, Callable[[], None]] = {
        "argon2 verify (sign-in)": lambda: hasher.verify(stored, "a demo password 2026") and None,
        "slip PDF": lambda: write_slip_pdf(slip, folder / "slip.pdf") and None,
    }
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (1 min)")
    for name, work in works.items():
        longest_stall(work, lowered=False)  # warm-up (fonts, allocator)
        results: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(arguments.rounds):
            for lowered in (False, True):
                results[lowered].append(longest_stall(work, lowered))
        same, below = (statistics.median(results[flag]) for flag in (False, True))
        print(
            f"{name}: longest GUI stall, median of {arguments.rounds}: worker at GUI priority "
            f"{same:.1f} ms (max {max(results[False]):.1f}), below it {below:.1f} ms "
            f"(max {max(results[True]):.1f}); ratio {below / max(same, 1e-9):.2f}"
        )
    sys.stdout.flush()
    os._exit(0)  # PySide may abort in the interpreter's final garbage collection


if __name__ == "__main__":
    main()
