"""Several counters, random operations, offline work and replays: the central state converges.

Every test here runs against a real PostgreSQL central database with each counter on its own
SQLite file, and checks the invariants of ``assert_converged`` against the central event log.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from desk_app.domain.errors import PermissionDeniedError, TicketNumberError
from desk_app.domain.sync_events import TransitionEvent
from desk_app.domain.workflow import CandidateState
from desk_app.sync.binding import open_conflicts, resolve_conflict
from desk_app.sync.central import CentralDatabase
from desk_app.sync.protocol import CentralPort, EventAnswer, SyncError
from desk_app.sync.syncer import PushTransport
from tests.support.sync_service import RunningService, running_service
from tests.support.sync_world import (
    SCOPES,
    SimulatedCounter,
    assert_converged,
    central_events,
    central_snapshot,
    central_states,
    fresh_postgres_database,
    make_counter,
    random_operations,
    seed_roster,
    settle,
)

pytestmark = pytest.mark.postgres


def build_world(
    folder: Path,
    service: RunningService,
    counters: int,
    transport: PushTransport | None = None,
) -> list[SimulatedCounter]:
    world = [
        make_counter(
            folder,
            service,
            f"C{index + 1}",
            site_id=f"S{index % 2 + 1}",
            areas=SCOPES[index],
            block_size=4,
            low_water_mark=2,
            **({"transport": transport} if transport else {}),
        )
        for index in range(counters)
    ]
    for counter in world:
        counter.sync()
    return world


@pytest.mark.parametrize(("counters", "steps", "seed"), [(2, 160, 11), (5, 300, 23)])
def test_random_operations_at_several_counters_converge(
    tmp_path: Path,
    central: CentralDatabase,
    service: RunningService,
    counters: int,
    steps: int,
    seed: int,
) -> None:
    roster = seed_roster(central, 45)
    world = build_world(tmp_path, service, counters)
    outcomes = random_operations(world, roster, random.Random(seed), steps)
    settle(world)

    assert_converged(central, world)
    # The run exercised what it claims to: decisions of every kind, refusals and conflicts.
    assert outcomes["confirm"] and outcomes["refer"] and outcomes["approve"]
    assert outcomes["state.illegal_transition"]
    assert any(e.outcome == "rejected" for e in central_events(central))
    for counter in world:
        counter.close()


def replaying(rng: random.Random, checks: list[int], store: CentralDatabase) -> PushTransport:
    """Send every push batch 2 to 5 times through the service (each time a new signed request);
    each replay must change nothing centrally."""

    def transport(
        central: CentralPort,
        counter_id: str,
        events: list[TransitionEvent],
    ) -> list[EventAnswer]:
        first = central.apply_events(counter_id, events)
        after_first = central_snapshot(store)
        for _ in range(rng.randint(1, 4)):
            again = central.apply_events(counter_id, events)
            assert [(a.outcome, a.reason_code) for a in again] == [
                (a.outcome, a.reason_code) for a in first
            ]
            assert central_snapshot(store) == after_first
            checks[0] += 1
        return first

    return transport


def test_replayed_push_batches_leave_the_same_central_state(
    tmp_path: Path, central: CentralDatabase, postgres_url: str
) -> None:
    """The same random run twice, once with every batch replayed: identical central states."""
    results = []
    replays = [0]
    for replay in (False, True):
        folder = tmp_path / ("replay" if replay else "plain")
        folder.mkdir()
        with (
            fresh_postgres_database(postgres_url) as url,
            running_service(url, folder / "service") as run_service,
        ):
            run_central = run_service.central
            roster = seed_roster(run_central, 30)
            transport = replaying(random.Random(5), replays, run_central) if replay else None
            world = build_world(folder, run_service, 2, transport)
            random_operations(world, roster, random.Random(99), 120)
            settle(world)
            assert_converged(run_central, world)
            results.append(central_states(run_central))
            for counter in world:
                counter.close()
    assert replays[0] >= 5
    assert results[0] == results[1]
    assert any(state == "confirmed" for state, _ in results[0].values())


def test_two_offline_counters_confirming_the_same_candidate(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    seed_roster(central, 6, areas=("A",))
    first = make_counter(tmp_path, service, "C1", areas=("A",))
    second = make_counter(tmp_path, service, "C2", areas=("A",))
    first.sync()
    second.sync()
    # Both offline now: each confirms R000000 and issues its own ticket number.
    winner = first.decide("confirm", "R000000")
    loser = second.decide("confirm", "R000000")
    assert winner.ticket_number != loser.ticket_number
    first.sync()
    second.sync()

    assert central_states(central)["R000000"] == ("confirmed", winner.ticket_number)
    (conflict,) = second.conflicts()
    assert conflict.registration_id == "R000000"
    assert conflict.reason_code == "sync.conflict"
    assert conflict.local_version["event"]["ticket_number"] == loser.ticket_number
    assert conflict.central_version["ticket_number"] == winner.ticket_number
    assert conflict.central_version["state"] == CandidateState.CONFIRMED.value
    # Nothing silently overwritten: the loser's number stays taken (retired), the record shows
    # the central decision, and the conflict waits for a supervisor.
    assert second.states()["R000000"] == ("confirmed", winner.ticket_number)
    assert loser.ticket_number in second.issued_numbers()
    assert first.conflicts() == []
    assert_converged(central, [first, second])
    # A supervisor, and only a supervisor, settles it; then it leaves the queue.
    with pytest.raises(PermissionDeniedError):
        resolve_conflict(second.app.database, conflict.id, "clerk")
    resolve_conflict(second.app.database, conflict.id, "super1", "central decision stands")
    assert open_conflicts(second.app.database) == []
    with pytest.raises(SyncError) as again:
        resolve_conflict(second.app.database, conflict.id, "super2")
    assert again.value.code == "sync.conflict_settled"
    first.close()
    second.close()


def test_ten_offline_counters_use_up_their_blocks_without_a_collision(
    tmp_path: Path,
    central: CentralDatabase,
    postgres_url: str,
    service: RunningService,
) -> None:
    roster = seed_roster(central, 80, areas=("A",))
    world = [
        make_counter(
            tmp_path,
            service,
            f"C{index}",
            areas=("A",),
            block_size=5,
            low_water_mark=1,
        )
        for index in range(10)
    ]
    for counter in world:
        counter.sync()  # each leases one block of five, then goes offline
    issued: list[str] = []
    for index, counter in enumerate(world):
        mine = roster[index::10]
        for registration_id in mine[:5]:
            change = counter.decide("confirm", registration_id)
            assert change.ticket_number is not None
            issued.append(change.ticket_number)
        with pytest.raises(TicketNumberError) as refusal:
            counter.decide("confirm", mine[5])
        assert refusal.value.code == "ticket.block_used_up"
        assert "no ticket numbers left" in refusal.value.message
    assert len(issued) == 50 == len(set(issued))

    settle(world)
    confirmed = {r: t for r, (s, t) in central_states(central).items() if s == "confirmed"}
    assert sorted(confirmed.values()) == sorted(issued)
    assert all(e.outcome == "accepted" for e in central_events(central))
    assert_converged(central, world)
    for counter in world:
        counter.close()
