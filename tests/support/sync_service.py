"""The real central sync service for tests: uvicorn with TLS on a free loopback port, in a thread,
over a real PostgreSQL database."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy.engine import make_url

from desk_app.sync.central import CentralDatabase
from desk_app.sync.privileges import DEFAULT_SERVICE_ROLE, grant_service_role
from desk_app.sync.protocol import CounterScope
from desk_app.sync.registry import CounterRegistry
from desk_app.sync.service import create_app, ensure_service_key
from desk_app.sync.tls import CERTIFICATE_FILE, client_context, ensure_certificate, fingerprint
from tests.support.factories import PROJECT_ROOT


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
    state_dir: Path = Path()

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


def service_role_url(owner_url: str) -> str:
    """Migrate the database and grant the service role as ``central init`` does; the URL with
    which the service connects (the same server and database, the restricted role)."""
    owner = CentralDatabase.connect(owner_url)
    try:
        owner.upgrade()
        grant_service_role(owner.engine, DEFAULT_SERVICE_ROLE)
    finally:
        owner.close()
    url = make_url(owner_url).set(username=DEFAULT_SERVICE_ROLE, password=None)
    return url.render_as_string(hide_password=False)


@contextmanager
def running_service(
    central_url: str, state_dir: Path, *, clock: Callable[[], float] = time.time
) -> Iterator[RunningService]:
    """The service on https://127.0.0.1:PORT until the block ends, connected as the restricted
    service role that ``central init`` creates (the owner only migrates)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    audit_key = ensure_service_key(state_dir / "audit.key")
    media_key = ensure_service_key(state_dir / "media.key")
    served = CentralDatabase.connect(
        service_role_url(central_url), pool_size=4, audit_key=audit_key, media_key=media_key
    )
    central = CentralDatabase.connect(central_url, media_key=media_key)
    certificate, key = ensure_certificate(state_dir, ["127.0.0.1"])
    port = free_port()
    config = uvicorn.Config(
        create_app(served, clock=clock),
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
        yield RunningService(f"https://127.0.0.1:{port}", fingerprint(pem), pem, central, state_dir)
    finally:
        server.should_exit = True
        thread.join(15)
        served.close()
        central.close()


@contextmanager
def service_process(
    url: str, state: Path, *, workers: int = 1
) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """One ``desk-app central serve`` process, as the restricted service role on the (owner's)
    database ``url``, migrated first: (process, its https URL, the fingerprint)."""
    as_service = service_role_url(url)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "desk_app", "central", "serve", "--url", as_service,
         "--listen", f"127.0.0.1:{port}", "--state-dir", str(state), "--workers", str(workers)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        line = process.stdout.readline() if process.stdout else ""
        match = re.search(r"fingerprint: ([0-9A-F:]{95})", line)
        assert match, line
        # Keep reading what the service logs: a full pipe would block its event loop.
        threading.Thread(target=_drain, args=(process,), daemon=True).start()
        base = f"https://127.0.0.1:{port}"
        wait_for_health(base, (state / CERTIFICATE_FILE).read_text())
        yield process, base, match.group(1)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def wait_for_health(url: str, certificate_pem: str, timeout_s: float = 30.0) -> None:
    """Until the service at ``url`` (presenting that certificate) answers its health check."""
    context = client_context(pinned_certificate=certificate_pem, ca_file=None)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{url}/v1/health", verify=context, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def _drain(process: subprocess.Popen[str]) -> None:
    if process.stdout is not None:
        for _line in process.stdout:
            pass
