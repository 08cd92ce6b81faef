"""The real central sync service for tests: uvicorn with TLS on a free loopback port, in a thread,
over a real PostgreSQL database; and counters enrolled with it through the product's own code."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from desk_app.bootstrap import connect_syncer
from desk_app.sync.central import CentralDatabase
from desk_app.sync.enrolment import enrol_counter
from desk_app.sync.protocol import CounterScope
from desk_app.sync.registry import CounterRegistry
from desk_app.sync.service import create_app
from desk_app.sync.syncer import SyncOptions
from desk_app.sync.tls import ensure_certificate, fingerprint
from tests.support.factories import add_staff, make_application
from tests.support.sync_world import PERIOD, SimulatedCounter


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningService:
    url: str
    fingerprint: str
    certificate_pem: str
    central: CentralDatabase

    @property
    def registry(self) -> CounterRegistry:
        return CounterRegistry(self.central)

    def add_counter(
        self,
        counter_id: str,
        *,
        site_id: str = "S1",
        areas: tuple[str, ...] = ("A",),
        tutoring_unit: str | None = None,
    ) -> str:
        scope = CounterScope(areas if tutoring_unit is None else (), tutoring_unit)
        return self.registry.add_counter(site_id, counter_id, scope)


@contextmanager
def running_service(
    central_url: str, state_dir: Path, *, clock: Callable[[], float] = time.time
) -> Iterator[RunningService]:
    """The service on https://127.0.0.1:PORT until the block ends."""
    central = CentralDatabase.connect(central_url, pool_size=4)
    central.upgrade()
    certificate, key = ensure_certificate(state_dir, ["127.0.0.1"])
    port = free_port()
    config = uvicorn.Config(
        create_app(central, clock=clock),
        host="127.0.0.1",
        port=port,
        ssl_certfile=str(certificate),
        ssl_keyfile=str(key),
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="sync-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sync service did not start")
        time.sleep(0.02)
    pem = certificate.read_text()
    try:
        yield RunningService(f"https://127.0.0.1:{port}", fingerprint(pem), pem, central)
    finally:
        server.should_exit = True
        thread.join(15)
        central.close()


def enrolled_counter(
    folder: Path,
    service: RunningService,
    counter_id: str,
    *,
    site_id: str = "S1",
    areas: tuple[str, ...] = ("A",),
    tutoring_unit: str | None = None,
    block_size: int = 5,
    low_water_mark: int = 2,
    options: SyncOptions | None = None,
) -> SimulatedCounter:
    """A fresh counter database enrolled with the service (added centrally, then enrolled with
    its code and the certificate's fingerprint), with a syncer over HTTPS."""
    environment = {
        "DESK_APP_TICKETS_BLOCK_SIZE": str(block_size),
        "DESK_APP_TICKETS_LOW_WATER_MARK": str(low_water_mark),
        "DESK_APP_TICKETS_PERIOD": PERIOD,
    }
    url = f"sqlite:///{folder / f'{counter_id}.db'}"
    code = service.add_counter(
        counter_id, site_id=site_id, areas=areas, tutoring_unit=tutoring_unit
    )
    standalone = make_application(url, **environment)
    add_staff(standalone.database)
    enrol_counter(
        standalone.database,
        server_url=service.url,
        code=code,
        key_file=folder / f"{counter_id}.counter-key",
        expected_fingerprint=service.fingerprint,
    )
    standalone.close()
    app = make_application(url, **environment)
    options = options or SyncOptions(low_water_mark=low_water_mark, push_batch=50)
    syncer = connect_syncer(app, options=options)
    return SimulatedCounter(counter_id, app, service.central, syncer)
