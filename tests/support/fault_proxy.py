"""A fault-injecting TCP proxy on 127.0.0.1, between counters and the central PostgreSQL.

Each new connection draws its fate from a seeded random generator: passed through untouched,
refused (accepted, then reset at once), cut after a random number of bytes (so mid-handshake,
mid-query or mid-commit), or slowed down. The counts tell the test what really happened.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Self


@dataclass
class FaultCounts:
    connections: int = 0
    refused: int = 0
    cut: int = 0
    delayed: int = 0

    @property
    def broken(self) -> int:
        return self.refused + self.cut


class FaultProxy:
    def __init__(self, target: tuple[str, int], *, seed: int) -> None:
        self._target = target
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._refuse_share = 0.0
        self._cut_share = 0.0
        self._delay_share = 0.0
        self.counts = FaultCounts()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closing = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._closing.set()
        self._listener.close()
        with self._lock:
            for sock in list(self._sockets):
                _close(sock)
        self._thread.join(timeout=5)

    def set_faults(self, *, refuse: float = 0.0, cut: float = 0.0, delay: float = 0.0) -> None:
        """Shares of new connections refused, cut and delayed (the rest pass untouched)."""
        with self._lock:
            self._refuse_share, self._cut_share, self._delay_share = refuse, cut, delay

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.counts.connections += 1
                draw = self._random.random()
                budget = self._random.randint(1, 12_000)
                pause = self._random.uniform(0.001, 0.03)
                if draw < self._refuse_share:
                    fate = "refuse"
                    self.counts.refused += 1
                elif draw < self._refuse_share + self._cut_share:
                    fate = "cut"
                    self.counts.cut += 1
                elif draw < self._refuse_share + self._cut_share + self._delay_share:
                    fate = "delay"
                    self.counts.delayed += 1
                else:
                    fate = "pass"
            if fate == "refuse":
                # SO_LINGER 0: close with a reset, as a refusing firewall would.
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            link = _Link(
                client,
                upstream,
                budget if fate == "cut" else None,
                pause if fate == "delay" else 0.0,
            )
            with self._lock:
                self._sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=link.pump, args=(source, sink), name="fault-proxy-pump", daemon=True
                ).start()


class _Link:
    """One proxied connection: two pumps sharing a byte budget (when it is to be cut)."""

    def __init__(
        self, client: socket.socket, upstream: socket.socket, budget: int | None, pause: float
    ) -> None:
        self._client, self._upstream = client, upstream
        self._budget = budget
        self._pause = pause
        self._lock = threading.Lock()

    def pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if self._budget is not None:
                    with self._lock:
                        allowed = max(self._budget, 0)
                        self._budget -= len(data)
                    if len(data) > allowed:
                        if allowed:
                            sink.sendall(data[:allowed])
                        break
                if self._pause:
                    threading.Event().wait(self._pause)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(self._client)
            _close(self._upstream)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
