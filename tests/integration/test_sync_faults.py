"""Sync through a network that breaks: a fault-injecting proxy, and a syncer killed at random."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from desk_app.sync.central import CentralDatabase
from desk_app.sync.protocol import CentralUnavailableError
from desk_app.sync.syncer import SyncOptions
from tests.support.factories import PROJECT_ROOT
from tests.support.fault_proxy import FaultProxy
from tests.support.sync_service import RunningService
from tests.support.sync_world import (
    PERIOD,
    SCOPES,
    SimulatedCounter,
    assert_converged,
    make_counter,
    random_operations,
    seed_roster,
)

pytestmark = pytest.mark.postgres


def settle_despite_faults(world: list[SimulatedCounter], attempts: int = 50) -> None:
    """Sync every counter twice successfully (retrying network failures as the syncer does)."""
    for _ in range(2):
        for counter in world:
            for _attempt in range(attempts):
                try:
                    counter.sync()
                    break
                except CentralUnavailableError:
                    continue
            else:
                pytest.fail(f"{counter.counter_id} never got through")


def test_sync_converges_after_a_run_with_broken_refused_and_slow_connections(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    roster = seed_roster(central, 45)
    target = urlsplit(service.url)
    with FaultProxy((target.hostname or "127.0.0.1", target.port or 443), seed=8) as proxy:
        world = []
        for index in range(3):
            counter = make_counter(tmp_path, service, f"C{index + 1}", areas=SCOPES[index])
            counter.reconnect(
                f"https://127.0.0.1:{proxy.port}", SyncOptions(low_water_mark=2, push_batch=7)
            )
            world.append(counter)
        settle_despite_faults(world)

        proxy.set_faults(refuse=0.1, cut=0.2, delay=0.2)
        outcomes = random_operations(world, roster, random.Random(4), 260, sync_share=0.25)
        broken_run = (proxy.counts.connections, proxy.counts.broken)
        proxy.set_faults()
        settle_despite_faults(world)

    connections, broken = broken_run
    assert connections >= 60
    assert broken >= 0.2 * connections  # about 30 % of the connections were broken
    assert outcomes["offline"] >= 5 and outcomes["sync"] >= 5
    assert_converged(central, world)
    for counter in world:
        counter.close()


KILLS = 22


def _accepted(database_path: Path) -> int:
    with sqlite3.connect(database_path, timeout=30) as connection:
        return int(
            connection.execute(
                "SELECT count(*) FROM outbox_events WHERE status = 'accepted'"
            ).fetchone()[0]
        )


@pytest.mark.slow
def test_a_syncer_killed_at_random_moments_loses_and_duplicates_nothing(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    roster = seed_roster(central, 900, areas=("A",))
    counter = make_counter(
        tmp_path, service, "C1", areas=("A",), block_size=200, low_water_mark=100
    )
    counter.sync()
    database_path = tmp_path / "C1.db"
    environment = {
        **os.environ,
        "DESK_APP_DB": str(database_path),
        "DESK_APP_TICKETS_BLOCK_SIZE": "200",
        "DESK_APP_TICKETS_LOW_WATER_MARK": "100",
        "DESK_APP_TICKETS_PERIOD": PERIOD,
    }
    rng = random.Random(17)
    waiting = iter(roster)
    interrupted = 0
    for _ in range(KILLS):
        for _decision in range(30):
            registration_id = next(waiting)
            if rng.random() < 0.8:
                counter.decide("confirm", registration_id)
            else:
                counter.decide("refer", registration_id)
        before = _accepted(database_path)
        child = subprocess.Popen(
            [sys.executable, "-m", "desk_app", "sync", "--interval", "0.05", "--push-batch", "2"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            # Killing during start-up would test nothing: wait until it pushes, then strike.
            deadline = time.monotonic() + 120
            while _accepted(database_path) == before and time.monotonic() < deadline:
                time.sleep(0.02)
            assert _accepted(database_path) > before, "the syncer never pushed"
            time.sleep(rng.uniform(0.0, 0.3))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        if counter.outbox()["pending"]:
            interrupted += 1

    assert interrupted >= KILLS // 3  # most kills struck in the middle of a push
    counter.sync()
    counter.sync()
    assert counter.outbox() == {"accepted": KILLS * 30}
    assert_converged(central, [counter])
    counter.close()
