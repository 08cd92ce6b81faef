"""Confirmations per second on a SQLite file with synchronous=FULL (vision excluded).

Baseline, in the same process and on the same disk: the bare cost of durable commits, one
UPDATE + INSERT per fsynced transaction through sqlite3, with nothing else. The ratio says how much
the service's checks, ticket issue, transition record and audit link cost on top of the disk.
The service runs twice, on a plain file and on a SQLCipher file (the default), to show what
encryption at rest costs.

    .venv/bin/python bench/confirm.py [--count 1000]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from tests.support.factories import add_staff, insert_candidates, make_application


def bare_durable_commits(path: Path, count: int) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, state TEXT)")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, c INTEGER, number TEXT UNIQUE)")
    connection.executemany("INSERT INTO c VALUES (?, 'pre')", [(i,) for i in range(count)])
    start = time.perf_counter()
    for index in range(count):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE c SET state = 'confirmed' WHERE id = ?", (index,))
        connection.execute("INSERT INTO t (c, number) VALUES (?, ?)", (index, f"N{index}"))
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return count / elapsed


def service_confirmations(path: Path, count: int, *, encrypted: bool) -> float:
    app = make_application(
        f"sqlite:///{path}",
        DESK_APP_TICKETS_PERIOD="271",
        DESK_APP_PRIVACY_ENCRYPT_DATABASE="true" if encrypted else "false",
        DESK_APP_KEY_FILE=str(path.with_suffix(".key")),  # never the user's own keystore
    )
    add_staff(app.database)
    registration_ids = insert_candidates(app.database, count)
    start = time.perf_counter()
    for registration_id in registration_ids:
        app.workflow.confirm(registration_id, "clerk")
    elapsed = time.perf_counter() - start
    app.close()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument(
        "--folder", type=Path, default=None, help="where the files go (default: tmp)"
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=arguments.folder) as folder:
        baseline = bare_durable_commits(Path(folder) / "baseline.db", arguments.count)
        plain = service_confirmations(Path(folder) / "plain.db", arguments.count, encrypted=False)
        service = service_confirmations(
            Path(folder) / "counter.db", arguments.count, encrypted=True
        )
    print(f"confirmations: {arguments.count}, SQLite WAL, synchronous=FULL")
    print(f"baseline (bare durable commits):      {baseline:8.1f} /s")
    print(f"WorkflowService.confirm, plain file:  {plain:8.1f} /s")
    print(f"WorkflowService.confirm, SQLCipher:   {service:8.1f} /s  (target >= 100/s)")
    print(f"ratio service / baseline:             {service / baseline:8.2f}")
    print(f"ratio SQLCipher / plain:              {service / plain:8.2f}")


if __name__ == "__main__":
    main()
