"""Cold and warm start of the counter GUI, from the bundle and from the source checkout.

Starts ``desk-app --demo`` offscreen on a prepared demo database and times, from the moment the
process is spawned, the start-up milestones the app writes to its log (``ui/app.py``):
"window shown" (the window has painted its sign-in form and the event loop runs: the form takes
input), "sign-in ready" (the database is open and the window has its services: the sign-in
button works) and "face models ready". An older checkout logs no "sign-in ready": its window
had its services when shown.
Also ``desk-app --version`` and the bundle's size on disk. Runs alternate between the
programs. With ``--drop-caches`` (root on Linux) the page cache is dropped before the first run
of each, so that run reads everything from disk: a true cold start; later runs are warm.
``--baseline DIR``: another checkout (e.g. a clone at an older commit, with its ``make setup``
and ``make bundle`` done) whose source and bundle are timed in the same runs, alternating, for
ratios that the machine's load does not skew. ``--mode counter`` starts the counter as a clerk
does (``desk-app --db FILE`` on a database with operators: the sign-in page) instead of the
demo (``--demo``, which also builds the demo's reader and camera). A missing bundle is skipped.
``--stalls``: also runs the source (and the baseline's source) ``--runs`` times more
in-process with a 5 ms timer on the GUI thread and prints its longest event-loop stall between
the milestones, each run and the median and worst (the work moved after the window must not
freeze the form the clerk types into). Prints figures and the ratios; asserts
nothing.

    .venv/bin/python bench/startup.py [--runs 3] [--bundle dist/desk-app] [--drop-caches]
        [--baseline ../older-checkout] [--mode demo|counter] [--stalls]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MILESTONES = {
    "window": "startup: window shown",
    "sign-in": "startup: sign-in ready",
    "models": "startup: face models ready",
}
LAST_MILESTONE = "models"
TIMEOUT_S = 60.0


def environment(home: Path) -> dict[str, str]:
    data = os.environ.get("DESK_APP_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "DESK_APP_DATA_DIR": str(Path(data).resolve()),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "QT_QPA_PLATFORM": "offscreen",
    }


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def time_gui(
    program: Path, database: Path, home: Path, log_dir: Path, demo: bool = True
) -> dict[str, float]:
    """Seconds from spawn to each milestone (the process is stopped after the last)."""
    log_file = log_dir / "desk-app.log"
    log_file.unlink(missing_ok=True)
    env = {**environment(home), "DESK_APP_LOG_DIR": str(log_dir)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(program), *(["--demo"] if demo else []), "--db", str(database)],
        env=env,
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen: dict[str, float] = {}
    try:
        while LAST_MILESTONE not in seen and time.perf_counter() - started < TIMEOUT_S:
            text = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
            now = time.perf_counter() - started
            for name, marker in MILESTONES.items():
                if name not in seen and marker in text:
                    seen[name] = now
            if process.poll() is not None:
                break
            time.sleep(0.005)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return seen


def time_version(program: Path, home: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(program), "--version"],
        env={**environment(home), "DESK_APP_LOG_DIR": str(home / "log")},
        cwd=home,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def folder_size(folder: Path) -> int:
    """Bytes on disk, each file once (PyInstaller links some Qt libraries by symlink)."""
    return sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "desk-app")
    parser.add_argument("--drop-caches", action="store_true")
    parser.add_argument("--baseline", type=Path, help="another checkout, timed in the same runs")
    parser.add_argument("--mode", choices=("demo", "counter"), default="demo")
    parser.add_argument("--stalls", action="store_true", help="the GUI's stalls while starting")
    options = parser.parse_args()
    # Figures from a busy machine mean little: say how busy it was.
    print(f"load average before: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print(f"mode: {options.mode}")
    programs = {
        "source": ROOT / ".venv" / "bin" / "desk-app",
        "bundle": options.bundle.resolve() / "desk-app",
    }
    bundles = {"bundle": options.bundle.resolve()}
    if options.baseline is not None:
        baseline = options.baseline.resolve()
        programs["baseline source"] = baseline / ".venv" / "bin" / "desk-app"
        programs["baseline bundle"] = baseline / "dist" / "desk-app" / "desk-app"
        bundles["baseline bundle"] = baseline / "dist" / "desk-app"
    for name, program in list(programs.items()):
        if not program.exists():
            print(f"{name}: {program} not found, skipped")
            del programs[name]
    demo = options.mode == "demo"
    with tempfile.TemporaryDirectory(prefix="desk-app-startup-") as folder:
        home = Path(folder)
        database = home / "demo.db"
        subprocess.run(
            [str(programs["source"]), "demo", "--db", str(database), "--candidates", "200"],
            env={**environment(home), "DESK_APP_LOG_DIR": str(home / "log")},
            cwd=home,
            capture_output=True,
            check=True,
        )
        results: dict[str, dict[str, list[float]]] = {
            name: {**{milestone: [] for milestone in MILESTONES}, "version": []}
            for name in programs
        }
        cold: dict[str, dict[str, float]] = {}
        for run in range(options.runs):
            for name, program in programs.items():
                log_dir = home / name.replace(" ", "-")
                if run == 0 and options.drop_caches:
                    dropped = drop_caches()
                    label = "cold (page cache dropped)" if dropped else "first (cache not dropped)"
                    cold[name] = time_gui(program, database, home, log_dir, demo)
                    print(f"{name}: {label}: {format_times(cold[name])}")
                    continue
                seen = time_gui(program, database, home, log_dir, demo)
                for milestone in MILESTONES:
                    if milestone in seen:
                        results[name][milestone].append(seen[milestone])
                results[name]["version"].append(time_version(program, home))
        for name, folder_path in bundles.items():
            if name in programs:
                print(f"{name} size: {folder_size(folder_path) / 2**20:.0f} MiB at {folder_path}")
        medians: dict[str, dict[str, float]] = {}
        for name, figures in results.items():
            medians[name] = {
                key: statistics.median(values) for key, values in figures.items() if values
            }
            counts = {key: len(values) for key, values in figures.items()}
            print(f"{name} warm, median of {counts['window']}: {format_times(medians[name])}")
        ratios = [("bundle", "source"), ("source", "baseline source")]
        ratios += [("bundle", "baseline bundle")]
        for new, old in ratios:
            if new in medians and old in medians:
                for key in (*MILESTONES, "version"):
                    if key in medians[new] and key in medians[old]:
                        ratio = medians[new][key] / medians[old][key]
                        print(f"{new} / {old} {key}: {ratio:.2f}x")
        if options.stalls:
            print_stalls(programs, options.runs, database, home, demo)
    print(f"load average after: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")


# Run by the source's Python: the counter GUI in-process, a 5 ms timer on the GUI thread from the
# "window shown" milestone on; prints the longest gap between ticks (minus 5 ms) in each phase.
STALL_PROBE = """
import json, logging, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desk_app.cli import main

worst, state = {}, {"phase": None, "last": 0.0}
timer = QTimer()
timer.setInterval(5)

def tick():
    now = time.perf_counter()
    gap = (now - state["last"]) * 1000 - 5
    worst[state["phase"]] = max(worst.get(state["phase"], 0.0), gap)
    state["last"] = now

timer.timeout.connect(tick)

class Phases(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        if message == "startup: window shown":
            state["phase"], state["last"] = "window -> sign-in ready", time.perf_counter()
            timer.start()
        elif message == "startup: sign-in ready":
            state["phase"] = "sign-in ready -> models ready"
        elif message.startswith("startup: face models") and "loading" not in message:
            state["phase"] = "the 2 s after models ready"
            QTimer.singleShot(2000, QApplication.instance().quit)

logging.getLogger("ui.app").addHandler(Phases())
try:
    main(sys.argv[1:], prog_name="desk-app")
except SystemExit:
    pass
print(json.dumps(worst))
"""


def print_stalls(
    programs: dict[str, Path], runs: int, database: Path, home: Path, demo: bool
) -> None:
    """The source's (and the baseline source's) longest GUI stalls in each phase, ``runs`` times
    each, alternating; every run, then the median and the worst of each phase."""
    checkouts = [name for name in ("source", "baseline source") if name in programs]
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in checkouts}
    for run in range(runs):
        for name in checkouts:
            stalls = measure_stalls(programs[name], database, home, demo)
            for phase, milliseconds in stalls.items():
                figures[name].setdefault(phase, []).append(milliseconds)
            listed = ", ".join(f"{phase}: {value:.0f} ms" for phase, value in stalls.items())
            print(f"{name} stalls, run {run + 1}: {listed}")
    for name, phases in figures.items():
        for phase, values in phases.items():
            print(
                f"{name} longest GUI stall, {phase}: {statistics.median(values):.0f} ms "
                f"(median of {len(values)}), worst {max(values):.0f} ms"
            )


def measure_stalls(program: Path, database: Path, home: Path, demo: bool) -> dict[str, float]:
    """One in-process run of a checkout's GUI (its own Python, from its own folder)."""
    python = program.with_name("python")
    checkout = program.parents[2]  # CHECKOUT/.venv/bin/desk-app
    result = subprocess.run(
        [str(python), "-c", STALL_PROBE, *(["--demo"] if demo else []), "--db", str(database)],
        env={**environment(home), "DESK_APP_LOG_DIR": str(home / "stalls")},
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=True,
    )
    stalls: dict[str, float] = json.loads(result.stdout.splitlines()[-1])
    return stalls


def format_times(times: dict[str, float]) -> str:
    return ", ".join(
        f"{key} {value:.2f} s" for key, value in times.items() if key in {*MILESTONES, "version"}
    )


if __name__ == "__main__":
    main()
