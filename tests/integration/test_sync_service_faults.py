"""Two instances of ``desk-app central serve`` over one database, one killed in the middle of a
counter's push: the counter carries on with the other, and nothing is lost or applied twice."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest

from desk_app.sync.central import CentralDatabase
from desk_app.sync.protocol import CentralUnavailableError
from desk_app.sync.syncer import SyncOptions
from desk_app.sync.tls import CERTIFICATE_FILE
from tests.support.sync_service import RunningService, service_process
from tests.support.sync_world import (
    assert_converged,
    central_events,
    make_counter,
    seed_roster,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_one_of_two_service_instances_killed_mid_push_loses_and_duplicates_nothing(
    tmp_path: Path, central: CentralDatabase, postgres_url: str
) -> None:
    roster = seed_roster(central, 240, areas=("A",))
    state = tmp_path / "state"  # both instances present the same certificate
    with (
        service_process(postgres_url, state) as (first, first_url, fingerprint),
        service_process(postgres_url, state) as (_second, second_url, _),
    ):
        pem = (state / CERTIFICATE_FILE).read_text()
        via_first = RunningService(first_url, fingerprint, pem, central)
        counter = make_counter(
            tmp_path, via_first, "C1", block_size=300, low_water_mark=50,
            options=SyncOptions(push_batch=2, low_water_mark=50),
        )  # fmt: skip
        counter.sync()
        for index, registration_id in enumerate(roster):
            counter.decide("refer" if index % 5 == 4 else "confirm", registration_id)

        failures: list[BaseException] = []

        def push() -> None:
            try:
                counter.sync()
            except CentralUnavailableError as error:
                failures.append(error)

        pushing = threading.Thread(target=push)
        pushing.start()
        deadline = time.monotonic() + 60
        while counter.outbox()["accepted"] < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)  # in the middle of a stream of two-event batches
        pushing.join(60)
        assert failures, "the push finished before the instance was killed"
        accepted_before = counter.outbox()["accepted"]
        assert 20 <= accepted_before < len(roster)

        # The counter now reaches the other instance (as a reverse proxy would route it).
        counter.reconnect(second_url, SyncOptions(push_batch=50, low_water_mark=50))
        counter.sync()
        counter.sync()
        assert counter.outbox() == {"accepted": len(roster)}
        events = central_events(central)
        assert len(events) == len(roster) == len({e.event_id for e in events})
        assert_converged(central, [counter])
        counter.close()
