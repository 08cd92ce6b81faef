"""An enrolled counter whose sync service is unreachable (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert

from desk_app.bootstrap import connect_syncer
from desk_app.persistence.models import SyncBinding, TicketBlock
from desk_app.security import audit
from desk_app.security.keys import write_private
from desk_app.sync.binding import sync_status
from desk_app.sync.protocol import CentralUnavailableError, SyncError
from desk_app.sync.signing import new_private_key, private_key_pem
from desk_app.sync.syncer import SyncOptions
from desk_app.sync.tls import ensure_certificate
from tests.support.factories import add_candidate, add_staff, make_application
from tests.support.sync_world import confirmation

UNREACHABLE = "https://127.0.0.1:1"


def bound_counter(tmp_path: Path) -> str:
    """A counter database enrolled (as enrolment leaves it) with an unreachable service."""
    url = f"sqlite:///{tmp_path / 'counter.db'}"
    app = make_application(url, DESK_APP_TICKETS_PERIOD="271")
    add_staff(app.database)
    add_candidate(app.database, "R1", exam_area="A")
    add_candidate(app.database, "R2", exam_area="A")
    with app.database.unit_of_work() as uow:
        certificate, _ = ensure_certificate(tmp_path / "service", ["127.0.0.1"])
        key_file = tmp_path / "counter.key"
        write_private(key_file, private_key_pem(new_private_key()))
        uow.session.add(
            SyncBinding(
                id=1,
                server_url=UNREACHABLE,
                server_certificate=certificate.read_text(),
                key_file=str(key_file),
                site_id="S1",
                counter_id="C1",
                exam_areas="A",
            )
        )
        uow.session.execute(
            insert(TicketBlock),
            [
                {
                    "series": app.tickets.layout.series,
                    "first_sequence": 1,
                    "last_sequence": 1,
                    "next_sequence": 1,
                    "site_id": "S1",
                    "counter_id": "C1",
                    "granted_by": "central",
                }
            ],
        )
        uow.commit()
    app.close()
    return url


def test_offline_the_counter_works_on_and_retries_with_growing_delays(tmp_path: Path) -> None:
    url = bound_counter(tmp_path)
    app = make_application(url, DESK_APP_TICKETS_PERIOD="271")
    assert app.binding is not None and not app.tickets.grant_locally
    change = app.workflow.confirm("R1", "clerk", confirmation("R1"))  # offline, leased block
    assert change.ticket_number is not None

    syncer = connect_syncer(
        app, options=SyncOptions(backoff_first_s=1.0, backoff_max_s=8.0), timeout_s=2
    )
    delays: list[float] = []
    errors: list[Exception] = []
    syncer.run(
        interval_s=60,
        stopped=lambda: len(delays) >= 5,
        sleep=delays.append,
        on_error=errors.append,
    )
    assert len(errors) == 5 and all(isinstance(e, CentralUnavailableError) for e in errors)
    assert all(e.code == "sync.offline" for e in errors if isinstance(e, CentralUnavailableError))
    ceilings = [1.0, 2.0, 4.0, 8.0, 8.0]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))

    status = sync_status(app.database, app.tickets.layout.series)
    assert status is not None
    assert not status.online and status.pending == 1 and status.last_success_at is None
    assert "unreachable" in status.last_error
    with app.database.reading() as uow:
        assert audit.verify(uow.session).intact
    syncer.close()
    app.close()


def test_a_counter_bound_directly_to_the_central_database_is_told_to_enrol(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = make_application(url)
    with app.database.unit_of_work() as uow:
        uow.session.add(
            SyncBinding(
                id=1,
                central_url="postgresql+psycopg://desk@central/exam",
                site_id="S1",
                counter_id="C1",
                exam_areas="A",
            )
        )
        uow.commit()
    app.close()
    app = make_application(url)
    with pytest.raises(SyncError) as refused:
        connect_syncer(app)
    assert refused.value.code == "sync.enrol_required"
    assert "desk-app counter enrol" in refused.value.message
    app.close()
