"""Engines, schema upgrades and the unit of work.

SQLite is the counter's embedded database; it is set up so that an acknowledged confirmation
survives a crash or a power cut (WAL + ``synchronous=FULL``), foreign keys are enforced, and write
transactions start with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes
fails at once with "database is locked" when another writer got in between, whatever the busy
timeout. PostgreSQL (the central database, and the counter in tests) needs none of this.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from desk_app.domain.errors import DeskError

MIGRATIONS = Path(__file__).with_name("migrations")
_SQLITE_BEGIN = "desk_app_sqlite_begin"


class DatabaseError(DeskError):
    code = "database.unavailable"


def create_database_engine(
    url: str, *, busy_timeout_ms: int = 10_000, echo: bool = False
) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and the pragmas above."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"not a database URL: {url!r}", code="database.bad_url") from error
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        # Python's sqlite3 would open transactions itself; SQLAlchemy's begin event does it instead.
        connect_args={"isolation_level": None, "timeout": busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if parsed.database and parsed.database != ":memory:":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_SQLITE_BEGIN, "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def read_only(engine: Engine) -> Engine:
    """The same engine for transactions that only read: on SQLite they need not take the lock."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{_SQLITE_BEGIN: "DEFERRED"})


def _alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (run at start-up and by ``desk-app db upgrade``)."""
    try:
        command.upgrade(_alembic_config(engine), revision)
    except OperationalError as error:
        raise DatabaseError(
            f"cannot open or upgrade the database: {error.orig}", url=str(engine.url)
        ) from error


def schema_revision(engine: Engine) -> tuple[str | None, str | None]:
    """(current revision of the database, newest revision the code knows)."""
    script = ScriptDirectory.from_config(_alembic_config(engine))
    with read_only(engine).connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, script.get_current_head()


class UnitOfWork:
    """One transaction: ``with uow: ...; uow.commit()``. Leaving without commit rolls back.

    Services own the boundaries: they open a unit of work, do their work through its session and
    commit once, so a crash at any point leaves either all of a change or none of it.
    """

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it in a 'with' block")
        return self._session

    def __enter__(self) -> Self:
        self._session = self._session_factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed and, unlike rollback(), leaves the
        # objects' loaded attributes readable for the caller.
        self.session.close()
        self._session = None

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()


class Database:
    """An engine plus the factories for write and read-only units of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = sessionmaker(engine, expire_on_commit=False)
        self._reader = sessionmaker(read_only(engine), expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, busy_timeout_ms: int = 10_000, upgrade: bool = True) -> Database:
        database = cls(create_database_engine(url, busy_timeout_ms=busy_timeout_ms))
        if upgrade:
            upgrade_schema(database.engine)
        return database

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self._writer)

    def reading(self) -> UnitOfWork:
        return UnitOfWork(self._reader)

    def close(self) -> None:
        self.engine.dispose()
