"""Kill a confirming process at random moments: nothing acknowledged is lost, nothing doubles."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desk_app.security import audit
from tests.support.factories import (
    PROJECT_ROOT,
    add_staff,
    counter_connection,
    insert_candidates,
    make_application,
)

KILLS = 32
CANDIDATES = 3000


def _run_until_killed(url: str, delay: float, acknowledged: list[str]) -> bool:
    """Start the child, kill it ``delay`` seconds after it is ready; True when it finished first."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.confirm_loop", url],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    working = threading.Event()  # set at the first acknowledged confirmation of this run
    finished = threading.Event()

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip() == "DONE":
                finished.set()
                working.set()
            elif line.strip():
                acknowledged.append(line.strip())
                working.set()

    reader = threading.Thread(target=read)
    reader.start()
    # Killing during start-up would test nothing: wait until it is confirming, then strike.
    assert working.wait(120), "the child did not start confirming"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    reader.join()
    return finished.is_set()


@pytest.mark.slow
def test_confirmations_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "counter.db"
    url = f"sqlite:///{path}"
    app = make_application(url)
    add_staff(app.database)
    insert_candidates(app.database, CANDIDATES)
    app.close()

    rng = random.Random(20261128)
    acknowledged: list[str] = []
    for _ in range(KILLS):
        if _run_until_killed(url, rng.uniform(0.0, 0.25), acknowledged):
            break
    assert len(acknowledged) >= KILLS

    connection = counter_connection(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        confirmed = dict(
            connection.execute(
                "SELECT registration_id, ticket_number FROM candidates WHERE state = 'confirmed'"
            ).fetchall()
        )
        issued = [row[0] for row in connection.execute("SELECT number FROM ticket_numbers")]
    finally:
        connection.close()
    unexpected = [line for line in acknowledged if len(line.split()) != 2]
    assert unexpected == [], f"the child printed something else: {unexpected[:5]}"
    for line in acknowledged:
        registration_id, ticket = line.split()
        assert confirmed.get(registration_id) == ticket, f"acknowledged {line} was lost"
    assert len(issued) == len(set(issued)) == len(confirmed)
    assert len(set(confirmed.values())) == len(confirmed)

    app = make_application(url)
    with app.database.reading() as uow:
        result = audit.verify(uow.session)
    app.close()
    assert result.intact, result.problem
    assert result.count >= len(confirmed)
