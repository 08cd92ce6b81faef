"""Sync speed: pull of a large scope, push of many confirmations, and a sync with nothing to do,
through the central sync service (``desk-app central serve`` in its own process, HTTPS).

Needs a PostgreSQL server (``--url`` or ``DESK_APP_TEST_PG_URL``); a fresh database is created
on it for the run and dropped afterwards. The counter is a SQLite file (WAL, synchronous=FULL).

Baselines, in the same process against the same server and disk, with nothing but the data:
- pull: SELECT of the same rows through psycopg and executemany INSERT into a bare SQLite table
  of the same columns, in batches of the same size, one commit each;
- push: UPDATE of the same candidates plus an INSERT per event into a bare table, through psycopg,
  in transactions of the same batch size;
- no-op sync: a new TLS connection and one trivial request to the service (``/v1/health``), as
  many times as a no-op sync makes requests.

    .venv/bin/python bench/sync.py [--candidates 100000] [--confirmations 10000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from desk_app.persistence.models import Candidate
from desk_app.sync.client import CentralClient
from desk_app.sync.protocol import PULLED_COLUMNS
from desk_app.sync.syncer import SyncOptions
from desk_app.sync.tls import CERTIFICATE_FILE, client_context
from tests.support.factories import candidate_values
from tests.support.sync_service import RunningService, service_process
from tests.support.sync_world import (
    fresh_postgres_database,
    make_counter,
    open_central,
)


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def seed(url: str, count: int) -> float:
    central = open_central(url)
    database = central.writer_database()
    start = time.perf_counter()
    with database.unit_of_work() as uow:
        rows = [candidate_values(f"R{index:07d}", exam_area="A") for index in range(count)]
        for first in range(0, count, 5000):
            uow.session.execute(insert(Candidate), rows[first : first + 5000])
        uow.commit()
    elapsed = time.perf_counter() - start
    database.close()
    central.close()
    return elapsed


def baseline_pull(url: str, folder: Path, batch: int) -> float:
    columns = list(PULLED_COLUMNS)
    local = sqlite3.connect(folder / "baseline.db", isolation_level=None)
    local.execute("PRAGMA journal_mode = WAL")
    local.execute("PRAGMA synchronous = FULL")
    local.execute(f"CREATE TABLE c (id INTEGER PRIMARY KEY, {', '.join(columns)})")
    marks = ", ".join("?" for _ in columns)
    start = time.perf_counter()
    with psycopg.connect(libpq(url)) as connection:
        cursor_value = 0
        while True:
            rows = connection.execute(
                f"SELECT {', '.join(columns)} FROM candidates WHERE change_number > %s "
                "AND exam_area = 'A' ORDER BY change_number LIMIT %s",
                (cursor_value, batch),
            ).fetchall()
            if not rows:
                break
            local.execute("BEGIN IMMEDIATE")
            local.executemany(
                f"INSERT INTO c ({', '.join(columns)}) VALUES ({marks})",
                [tuple(str(v) if v is not None else None for v in row) for row in rows],
            )
            local.execute("COMMIT")
            cursor_value = rows[-1][columns.index("change_number")]
    elapsed = time.perf_counter() - start
    local.close()
    return elapsed


def baseline_push(url: str, registration_ids: list[str], batch: int) -> float:
    with psycopg.connect(libpq(url)) as connection:
        connection.execute("CREATE TABLE bare_events (event_id text PRIMARY KEY, body text)")
        connection.execute("CREATE TABLE bare_state (registration_id text PRIMARY KEY, s text)")
        connection.cursor().executemany(
            "INSERT INTO bare_state VALUES (%s, 'pre_registered')",
            [(r,) for r in registration_ids],
        )
        connection.commit()
        start = time.perf_counter()
        for first in range(0, len(registration_ids), batch):
            chunk = registration_ids[first : first + batch]
            with connection.transaction():
                cursor = connection.cursor()
                cursor.executemany(
                    "UPDATE bare_state SET s = 'confirmed' WHERE registration_id = %s",
                    [(r,) for r in chunk],
                )
                cursor.executemany(
                    "INSERT INTO bare_events VALUES (%s, %s)",
                    [(str(uuid.uuid4()), r) for r in chunk],
                )
        return time.perf_counter() - start


def baseline_request(service_url: str, certificate_pem: str, times: int) -> float:
    context = client_context(pinned_certificate=certificate_pem, ca_file=None)
    start = time.perf_counter()
    for _ in range(times):
        with httpx.Client(verify=context) as client:
            client.get(f"{service_url}/v1/health").raise_for_status()
    return (time.perf_counter() - start) / times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("DESK_APP_TEST_PG_URL"))
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--confirmations", type=int, default=10_000)
    parser.add_argument("--idle-runs", type=int, default=20)
    arguments = parser.parse_args()
    if not arguments.url:
        parser.error("give --url or set DESK_APP_TEST_PG_URL to a PostgreSQL server")
    pull_batch, push_batch = 5000, 500

    with (
        fresh_postgres_database(arguments.url) as url,
        tempfile.TemporaryDirectory() as folder_name,
        service_process(url, Path(folder_name) / "service") as (_, service_url, fingerprint),
    ):
        folder = Path(folder_name)
        seeded = seed(url, arguments.candidates)
        baseline_pull_s = baseline_pull(url, folder, pull_batch)

        central = open_central(url)
        pem = (folder / "service" / CERTIFICATE_FILE).read_text()
        counter = make_counter(
            folder,
            RunningService(service_url, fingerprint, pem, central),
            "BENCH",
            areas=("A",),
            block_size=arguments.confirmations + 10,
            low_water_mark=1,
            options=SyncOptions(pull_batch=pull_batch, push_batch=push_batch, low_water_mark=1),
        )
        requests = [0]
        counted = CentralClient._call

        def counting(client: CentralClient, path: str, payload: dict[str, Any]) -> Any:
            requests[0] += 1
            return counted(client, path, payload)

        CentralClient._call = counting  # type: ignore[method-assign]
        start = time.perf_counter()
        pulled = counter.syncer.pull()
        pull_s = time.perf_counter() - start
        counter.syncer.refill_blocks()

        registration_ids = [f"R{index:07d}" for index in range(arguments.confirmations)]
        start = time.perf_counter()
        for registration_id in registration_ids:
            counter.decide("confirm", registration_id)
        confirm_s = time.perf_counter() - start
        start = time.perf_counter()
        report = counter.syncer.push()
        push_s = time.perf_counter() - start
        assert report.accepted == arguments.confirmations, report.summary()
        baseline_push_s = baseline_push(url, registration_ids, push_batch)

        counter.syncer.sync_once()  # pull back the pushed changes once
        idle = []
        for _ in range(arguments.idle_runs):
            requests[0] = 0
            start = time.perf_counter()
            idle_report = counter.syncer.sync_once()
            idle.append(time.perf_counter() - start)
            assert idle_report.pushed == idle_report.pulled == 0
        idle_requests = requests[0]
        idle_s = statistics.median(idle)
        baseline_idle_s = baseline_request(service_url, pem, idle_requests) * idle_requests
        counter.close()
        central.close()

    print(f"central roster seeded: {arguments.candidates:,} candidates in {seeded:.1f} s")
    print(
        f"pull {pulled:,} candidates into an empty counter: {pull_s:6.2f} s "
        f"({pulled / pull_s:,.0f}/s, target < 30 s); baseline {baseline_pull_s:5.2f} s; "
        f"ratio {pull_s / baseline_pull_s:4.2f}"
    )
    print(
        f"push {arguments.confirmations:,} confirmations: {push_s:6.2f} s "
        f"({arguments.confirmations / push_s:,.0f}/s, target < 20 s); baseline "
        f"{baseline_push_s:5.2f} s; ratio {push_s / baseline_push_s:4.2f}"
    )
    print(f"  (making them at the counter took {confirm_s:.1f} s, not counted above)")
    print(
        f"no-op sync, median of {arguments.idle_runs}: {idle_s * 1000:6.1f} ms (target < 100 ms); "
        f"baseline {idle_requests} x (TLS connect + trivial request): "
        f"{baseline_idle_s * 1000:5.1f} ms; "
        f"ratio {idle_s / baseline_idle_s:4.2f}"
    )


if __name__ == "__main__":
    main()
