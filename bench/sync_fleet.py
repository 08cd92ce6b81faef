"""Many counters syncing at once through the central sync service: events/s, request latency,
the service's CPU per event, and how it scales from one service instance to two.

Each simulated counter is what the service sees of a counter: its own Ed25519 key (enrolled with
a one-time code), a leased ticket block, and pushes of confirmations in the product's event
format, each with its live photo (a real JPEG), template and match record, for candidates of its
own exam area, followed by a pull. The counters run as threads spread over worker processes and
start together. The service runs as ``desk-app central serve`` processes under the restricted
service role, exactly as deployed (minus the reverse proxy: counters are spread over the
instances).

Baseline, in the same run: the same number of events applied by the central store directly
(``CentralDatabase.apply_events``, no HTTP, no signatures), from the same number of threads,
against a fresh database: the ratio is what the service layer costs.

    .venv/bin/python bench/sync_fleet.py [--counters 200] [--events 10] [--batch 5]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import multiprocessing
import os
import random
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desk_app.config import load_settings
from desk_app.sync.central import CentralDatabase
from desk_app.sync.client import CentralClient, enrol
from desk_app.sync.protocol import BlockGrant, CentralUnavailableError, CounterScope
from desk_app.sync.registry import CounterRegistry
from desk_app.sync.signing import new_private_key, public_key_pem
from desk_app.sync.tls import CERTIFICATE_FILE, client_context
from tests.support.sync_service import service_process, service_role_url
from tests.support.sync_world import (
    add_central_staff,
    confirmation,
    fresh_postgres_database,
    open_central,
    seed_roster,
)

PERIOD = "271"


def layout() -> Any:
    return load_settings(
        environ={"DESK_APP_CONFIG": "", "DESK_APP_TICKETS_PERIOD": PERIOD}
    ).tickets.layout()


def event_for(counter_id: str, registration_id: str, number: str, series: str) -> dict[str, Any]:
    """A confirmation as a counter's outbox holds it."""
    decision = confirmation(registration_id)
    capture = decision.live_capture
    assert capture is not None
    return {
        "format": 1, "event_id": str(uuid.uuid4()), "kind": "transition",
        "registration_id": registration_id, "action": "confirm",
        "from_state": "pre_registered", "to_state": "confirmed",
        "operator": {"id": "clerk", "role": "clerk", "display_name": "clerk",
                     "tutoring_unit": None},
        "occurred_at": datetime.now(UTC).isoformat(), "site_id": "S1", "counter_id": counter_id,
        "method": "counter", "reason_code": None, "note": "", "evidence": {"live_photo": 1},
        "scores": decision.scores, "approved_by": None, "ticket_number": number,
        "ticket_series": series, "ticket_kind": "issued",
        "audit": {"sequence": 1, "entry_hash": "0" * 64},
        "attachments": [{
            "role": "live_photo", "purpose": "live", "media_type": "image/jpeg",
            "sha256": hashlib.sha256(capture.image).hexdigest(),
            "data": base64.b64encode(capture.image).decode(),
            "templates": [{"engine": "sface", "model_version": capture.model_version,
                           "dimensions": 128,
                           "vector": base64.b64encode(capture.template.tobytes()).decode()}],
        }],
    }  # fmt: skip


def events_of(counter_id: str, candidates: list[str], grant: BlockGrant) -> list[dict[str, Any]]:
    """One confirmation per candidate, numbered from the counter's leased block."""
    ticket_layout = layout()
    sequences = range(grant.first_sequence, grant.last_sequence + 1)
    return [
        event_for(counter_id, registration_id, ticket_layout.format(sequence), grant.series)
        for registration_id, sequence in zip(candidates, sequences, strict=False)
    ]


def run_counters(
    jobs: list[tuple[str, str, str, str, list[str]]],
    pem: str,
    arguments: argparse.Namespace,
    start_at: float,
    results: Any,
) -> None:
    """Worker process: enrol its counters, then from ``start_at`` let each sync its events,
    starting at a random moment within ``--spread`` seconds (counters sync on a jittered
    interval, not in step) and retrying an unreachable service as the syncer does."""
    context = client_context(pinned_certificate=pem, ca_file=None)
    ticket_layout = layout()
    clients = []
    for counter_id, code, server_url, _, candidates in jobs:
        key = new_private_key()
        enrol(server_url, code, public_key_pem(key), context)
        clients.append(
            (counter_id, CentralClient(server_url, counter_id, key, context), candidates)
        )

    def one_counter(
        counter_id: str, client: CentralClient, candidates: list[str], delay: float
    ) -> tuple[list[float], int]:
        latencies: list[float] = []
        failures = 0

        def timed(call: Any, *values: Any) -> Any:
            nonlocal failures
            while True:
                began = time.perf_counter()
                try:
                    answer = call(*values)
                except CentralUnavailableError:
                    failures += 1
                    time.sleep(1.0)
                    continue
                latencies.append(time.perf_counter() - began)
                return answer

        time.sleep(delay)
        series, top = ticket_layout.series, ticket_layout.max_sequence
        grant = timed(client.lease_block, "S1", counter_id, series, arguments.events, top)
        pending = events_of(counter_id, candidates, grant)
        accepted, cursor = 0, 0
        for first in range(0, len(pending), arguments.batch):
            batch = pending[first : first + arguments.batch]
            answers = timed(client.apply_events, counter_id, batch)
            accepted += sum(1 for answer in answers if answer.outcome == "accepted")
            _scope, rows = timed(client.changes, counter_id, cursor, 500)
            if rows:
                cursor = int(rows[-1]["change_number"])
            client.end_cycle()
        assert accepted == len(pending), f"{counter_id}: {accepted} of {len(pending)} accepted"
        return latencies, failures

    rng = random.Random(len(jobs))
    time.sleep(max(0.0, start_at - time.time()))
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        futures = [
            pool.submit(one_counter, c, client, cand, rng.uniform(0, arguments.spread))
            for c, client, cand in clients
        ]
        outcomes = [future.result() for future in futures]
    for _, client, _ in clients:
        client.close()
    results.put(
        ([value for latencies, _ in outcomes for value in latencies], sum(f for _, f in outcomes))
    )


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and their children (uvicorn workers)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    seen = set()
    queue = list(pids)
    while queue:
        pid = queue.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / ticks
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            queue.extend(int(child) for child in children)
        except OSError:
            continue
    return total


def fleet(url: str, instances: int, arguments: argparse.Namespace) -> dict[str, float]:
    with fresh_postgres_database(url) as database_url, tempfile.TemporaryDirectory() as folder:
        owner = open_central(database_url)
        areas = [f"A{index:03d}" for index in range(arguments.counters)]
        roster = seed_roster(owner, arguments.counters * arguments.events, areas=tuple(areas))
        add_central_staff(owner)
        registry = CounterRegistry(owner)
        codes = {
            area: registry.add_counter("S1", f"C{area}", CounterScope((area,))) for area in areas
        }
        by_area: dict[str, list[str]] = {area: [] for area in areas}
        for index, registration_id in enumerate(roster):
            by_area[areas[index % len(areas)]].append(registration_id)
        service_role_url(database_url)  # grants, as 'central init' does
        state = Path(folder) / "service"
        with ExitStack() as stack:
            started = [
                stack.enter_context(service_process(database_url, state, workers=arguments.workers))
                for _ in range(instances)
            ]
            pem = (state / CERTIFICATE_FILE).read_text()
            urls = [base for _, base, _ in started]
            jobs = [
                (f"C{area}", codes[area], urls[index % instances], area, by_area[area])
                for index, area in enumerate(areas)
            ]
            processes = arguments.processes
            results: Any = multiprocessing.get_context("spawn").Queue()
            start_at = time.time() + 15 + arguments.counters / 20  # after every enrolment
            workers = [
                multiprocessing.get_context("spawn").Process(
                    target=run_counters,
                    args=(jobs[p::processes], pem, arguments, start_at, results),
                )
                for p in range(processes)
            ]
            for worker in workers:
                worker.start()
            pids = [process.pid for process, _, _ in started]
            time.sleep(max(0.0, start_at - time.time()))
            cpu_before = cpu_seconds(pids)
            began = time.perf_counter()
            latencies: list[float] = []
            failures = 0
            for _ in workers:
                values, failed = results.get(timeout=1800)
                latencies += values
                failures += failed
            elapsed = time.perf_counter() - began
            cpu = cpu_seconds(pids) - cpu_before
            for worker in workers:
                worker.join(60)
        owner.close()
    total = arguments.counters * arguments.events
    latencies.sort()
    return {
        "events": total,
        "seconds": elapsed,
        "events_per_s": total / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "cpu_ms_per_event": 1000 * cpu / total,
        "requests": len(latencies),
        "failures": failures,
    }


def baseline(url: str, arguments: argparse.Namespace) -> dict[str, float]:
    """The same events through the central store directly (no HTTP, no signatures)."""
    with fresh_postgres_database(url) as database_url:
        owner = open_central(database_url)
        areas = [f"A{index:03d}" for index in range(arguments.counters)]
        roster = seed_roster(owner, arguments.counters * arguments.events, areas=tuple(areas))
        add_central_staff(owner)
        registry = CounterRegistry(owner)
        for area in areas:
            registry.add_counter("S1", f"C{area}", CounterScope((area,)))
        ticket_layout = layout()
        by_area: dict[str, list[str]] = {area: [] for area in areas}
        for index, registration_id in enumerate(roster):
            by_area[areas[index % len(areas)]].append(registration_id)
        central = CentralDatabase.connect(database_url, pool_size=20)

        def one_counter(area: str) -> None:
            counter_id = f"C{area}"
            grant = central.lease_block(
                "S1", counter_id, ticket_layout.series, arguments.events, ticket_layout.max_sequence
            )
            pending = events_of(counter_id, by_area[area], grant)
            for first in range(0, len(pending), arguments.batch):
                answers = central.apply_events(counter_id, pending[first : first + arguments.batch])
                assert all(a.outcome == "accepted" for a in answers), answers
                central.changes(counter_id, 0, 500)

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=32) as pool:
            list(pool.map(one_counter, areas))
        elapsed = time.perf_counter() - began
        central.close()
        owner.close()
    total = arguments.counters * arguments.events
    return {"events": total, "seconds": elapsed, "events_per_s": total / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("DESK_APP_TEST_PG_URL"))
    parser.add_argument("--counters", type=int, default=200)
    parser.add_argument("--events", type=int, default=10, help="confirmations per counter")
    parser.add_argument("--batch", type=int, default=5, help="events per push")
    parser.add_argument("--processes", type=int, default=4, help="processes simulating counters")
    parser.add_argument(
        "--spread", type=float, default=30.0, help="seconds over which the counters start"
    )
    parser.add_argument("--workers", type=int, default=1, help="workers per service instance")
    arguments = parser.parse_args()
    if not arguments.url:
        parser.error("give --url or set DESK_APP_TEST_PG_URL to a PostgreSQL server")
    direct = baseline(arguments.url, arguments)
    print(
        f"baseline: {direct['events']} events applied by the store directly in "
        f"{direct['seconds']:.1f} s ({direct['events_per_s']:.0f}/s)"
    )
    for instances in (1, 2):
        figures = fleet(arguments.url, instances, arguments)
        print(
            f"{arguments.counters} counters, {instances} service instance(s): "
            f"{figures['events']} events in {figures['seconds']:.1f} s "
            f"({figures['events_per_s']:.0f}/s; ratio to baseline "
            f"{direct['events_per_s'] / figures['events_per_s']:.2f}); {figures['requests']} "
            f"requests ({figures['failures']} timed out and retried), p50 "
            f"{figures['p50_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms "
            f"(target p99 <= 1000 ms); service CPU {figures['cpu_ms_per_event']:.1f} ms/event"
        )


if __name__ == "__main__":
    main()
