"""Revision 0002 on a database that already holds data, both ways, on both engines."""

from __future__ import annotations

from alembic import command
from sqlalchemy import insert, inspect, select

from desk_app.persistence.database import (
    _alembic_config,
    create_database_engine,
    upgrade_schema,
)
from desk_app.persistence.models import Candidate
from tests.support.factories import candidate_values

SYNC_TABLES = {"outbox_events", "sync_binding", "sync_conflicts", "counters", "central_events"}


def test_0002_upgrades_a_filled_0001_database_and_downgrades_again(database_url: str) -> None:
    engine = create_database_engine(database_url)
    table = Candidate.__table__
    try:
        upgrade_schema(engine, "0001")
        with engine.begin() as connection:
            # Only columns 0001 has (change_number has no default, so it is left out).
            connection.execute(insert(table), [candidate_values(f"R{i}") for i in range(3)])
        upgrade_schema(engine)
        assert set(inspect(engine).get_table_names()) >= SYNC_TABLES
        with engine.connect() as connection:
            numbers = connection.execute(select(table.c.change_number)).scalars().all()
        if engine.dialect.name == "postgresql":
            assert len(set(numbers)) == 3 and None not in numbers  # the old roster is pullable
        else:
            assert numbers == [None, None, None]  # a counter has no change numbers
        command.downgrade(_alembic_config(engine), "0001")
        assert not set(inspect(engine).get_table_names()) & SYNC_TABLES
        assert "change_number" not in {c["name"] for c in inspect(engine).get_columns("candidates")}
        upgrade_schema(engine)
    finally:
        engine.dispose()
