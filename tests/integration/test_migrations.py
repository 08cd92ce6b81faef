"""Alembic owns the schema: migrations build exactly what the models describe, on both engines."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from desk_app.persistence.database import (
    Database,
    create_database_engine,
    schema_revision,
    upgrade_schema,
)
from desk_app.persistence.models import Base


def test_upgrade_builds_the_schema_the_models_describe(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade_schema(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        current, head = schema_revision(engine)
        assert current == head is not None
        upgrade_schema(engine)  # a second upgrade at start-up is a no-op
        assert set(inspect(engine).get_table_names()) >= {
            "candidates",
            "transitions",
            "ticket_numbers",
            "audit_entries",
        }
    finally:
        engine.dispose()


def test_sqlite_connections_are_set_up_for_durability(tmp_path: Path) -> None:
    database = Database.open(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with database.engine.connect() as connection:
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
            }
        assert pragma == {
            "foreign_keys": 1,
            "journal_mode": "wal",
            "synchronous": 2,  # FULL
            "busy_timeout": 10_000,
        }
    finally:
        database.close()


def test_write_transactions_take_the_lock_at_begin(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer waits at BEGIN instead of failing after reading."""
    path = tmp_path / "c.db"
    database = Database.open(f"sqlite:///{path}", busy_timeout_ms=100)
    try:
        with database.unit_of_work() as uow:
            uow.session.connection()  # the transaction has begun
            other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
        with database.reading() as uow:
            uow.session.connection()
            other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # readers do not hold the write lock
            other.execute("ROLLBACK")
            other.close()
    finally:
        database.close()
