"""The status bar's sync badge: a standalone counter says so; a bound counter syncs in the
background against the real sync service and shows online/offline, waiting and conflicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desk_app.domain.workflow import Role
from desk_app.sync.central import CentralDatabase
from desk_app.sync.operators import CentralOperators
from tests.support.fault_proxy import FaultProxy
from tests.support.sync_service import RunningService
from tests.support.sync_world import make_counter, seed_roster
from tests.support.ui_helpers import PASSWORD, sign_in


def test_a_standalone_counter_says_so(qtbot: Any, counter_app: Any, make_window: Any) -> None:
    window, _ = make_window(counter_app)
    qtbot.waitUntil(lambda: "standalone" in window.sync_status.text(), timeout=10_000)


def test_a_bound_counter_syncs_in_the_background_and_shows_offline(
    qtbot: Any, make_window: Any, central: CentralDatabase, service: RunningService, tmp_path: Path
) -> None:
    target = urlsplit(service.url)
    seed_roster(central, 6)
    with FaultProxy((target.hostname or "127.0.0.1", target.port or 443), seed=3) as proxy:
        counter = make_counter(tmp_path, service, "C1", via=f"https://127.0.0.1:{proxy.port}")
        window, _ = make_window(counter.app)
        badge = window.sync_status
        qtbot.waitUntil(lambda: "online" in badge.text(), timeout=30_000)
        assert "waiting 0" in badge.text() and "conflicts 0" in badge.text()
        assert len(counter.states()) == 2  # area A's share of the roster was pulled

        proxy.set_faults(refuse=1.0)  # the network to the sync service goes down
        window.background_sync.sync_now()
        qtbot.waitUntil(lambda: "offline" in badge.text(), timeout=30_000)

        proxy.set_faults()  # and comes back: the next cycle is online again
        window.background_sync.sync_now()
        qtbot.waitUntil(lambda: "online" in badge.text(), timeout=30_000)
        counter.close()


def test_a_refused_confirmation_reaches_the_supervisor_with_both_versions(
    qtbot: Any,
    make_window: Any,
    central: CentralDatabase,
    postgres_url: str,
    tmp_path: Path,
    service: RunningService,
) -> None:
    (first_id, *_) = seed_roster(central, 3)
    # A supervisor made centrally (as operators are), pulled by the counter with the hash.
    CentralOperators(central).add(
        site_id="S1", operator_id="boss", display_name="boss", role=Role.SUPERVISOR,
        password=PASSWORD,
    )  # fmt: skip
    here = make_counter(tmp_path, service, "C1")
    there = make_counter(tmp_path, service, "C2")
    for counter in (here, there):
        counter.sync()
    there.decide("confirm", first_id)  # both confirm the same candidate while offline
    here.decide("confirm", first_id)
    there.sync()  # the other counter reaches the central side first
    here.sync()

    window, _ = make_window(here.app)
    qtbot.waitUntil(lambda: "conflicts 1" in window.sync_status.text(), timeout=30_000)
    sign_in(qtbot, window, "boss")
    review = window.review
    qtbot.waitUntil(lambda: review.conflict_list.count() == 1, timeout=10_000)
    assert review.conflict_box.isVisible()
    line = review.conflict_list.item(0).text()
    assert line.startswith(first_id) and line.count("Confirmed") == 2 and "sync.conflict" in line
    queries, boss = window.services.queries, window.operator
    record = queries.by_registration_id(boss, first_id)
    assert record is not None and record.sync_conflict  # marked wherever the record is shown
    review.settle_conflict()
    qtbot.waitUntil(lambda: review.conflict_list.count() == 0, timeout=10_000)
    assert here.conflicts()[0].resolved_by == "boss"
    assert not queries.by_registration_id(boss, first_id).sync_conflict
    for counter in (here, there):
        counter.close()
