"""The sync service's database role can serve counters (every HTTPS test runs under it) and can
do nothing more: the event log and the audit chain only grow, candidates and operators come from
the administrator, and no table can be created."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from desk_app.sync.applying import describe_failure
from desk_app.sync.central import CentralDatabase
from tests.support.sync_service import service_role_url
from tests.support.sync_world import open_central, seed_roster

pytestmark = pytest.mark.postgres

REFUSED = (
    "DELETE FROM central_events",
    "UPDATE central_events SET outcome = 'accepted'",
    "DELETE FROM audit_entries",
    "UPDATE audit_entries SET entry_hash = 'x'",
    "DELETE FROM transitions",
    "UPDATE transitions SET to_state = 'confirmed'",
    "INSERT INTO operators (id, display_name, role, active, created_at) "
    "VALUES ('ghost', 'g', 'supervisor', true, now())",
    "UPDATE operators SET role = 'supervisor'",
    "DELETE FROM candidates",
    "UPDATE photos SET data = 'x'",
    "DELETE FROM photos",
    "CREATE TABLE loot (x int)",
)


@pytest.mark.parametrize("statement", REFUSED)
def test_the_service_role_is_refused(postgres_url: str, statement: str) -> None:
    central = open_central(postgres_url)
    seed_roster(central, 3)
    central.close()
    engine = create_engine(service_role_url(postgres_url))
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM candidates")).scalar() == 3
            with pytest.raises(ProgrammingError) as refused:
                connection.execute(text(statement))
            assert "permission denied" in str(refused.value)
    finally:
        engine.dispose()


def test_a_central_database_error_is_logged_without_the_values_it_echoes(
    postgres_url: str,
) -> None:
    """The service logs unexpected failures: PostgreSQL's own message can echo a statement's
    values (an ID number here), so the log line names the kind and SQLSTATE only."""
    central = CentralDatabase.connect(postgres_url)
    try:
        with pytest.raises(DBAPIError) as failed:
            central.read(
                lambda session: session.execute(
                    text("SELECT CAST(:number AS integer)"), {"number": "11010519491231002X"}
                )
            )
    finally:
        central.close()
    assert "11010519491231002X" in str(failed.value)  # what the log must not repeat
    logged = describe_failure(failed.value)
    assert "11010519491231002X" not in logged and "SQLSTATE 22003" in logged
