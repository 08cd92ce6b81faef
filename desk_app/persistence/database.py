"""Engines, schema upgrades and the unit of work.

SQLite is the counter's embedded database, encrypted with SQLCipher 4 when the composition root
gives it a key (``sqlcipher3``, a raw 256-bit key set first thing on every connection, so no key
derivation and no secret in the URL); it is set up so that an acknowledged confirmation
survives a crash or a power cut (WAL + ``synchronous=FULL``), foreign keys are enforced, and write
transactions start with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes
fails at once with "database is locked" when another writer got in between, whatever the busy
timeout. PostgreSQL (the central database, and the counter in tests) needs none of this.
"""

from __future__ import annotations

import os
import sqlite3
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

from desk_app.domain.errors import DeskError

MIGRATIONS = Path(__file__).with_name("migrations")
_SQLITE_BEGIN = "desk_app_sqlite_begin"
_SQLITE_HEADER = b"SQLite format 3\x00"
KEY_BYTES = 32  # SQLCipher's raw key: 256 bits
_SIDE_FILES = ("-wal", "-shm", "-journal")


class DatabaseError(DeskError):
    code = "database.unavailable"


class DatabaseKeyError(DatabaseError):
    """The encrypted database cannot be opened with the key at hand (or there is none)."""

    code = "database.key_wrong"


class DatabaseFile(StrEnum):
    """What lies at a SQLite path, told from the first 16 bytes without opening it."""

    MISSING = "missing"  # no file, or an empty one: a new database
    PLAIN = "plain"  # an unencrypted SQLite database
    ENCRYPTED = "encrypted"  # anything else: SQLCipher encrypts the header too


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and for in-memory ones."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def database_file_kind(path: Path) -> DatabaseFile:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return DatabaseFile.MISSING
    if not header:
        return DatabaseFile.MISSING
    return DatabaseFile.PLAIN if header == _SQLITE_HEADER else DatabaseFile.ENCRYPTED


def make_private(path: Path) -> None:
    """Create ``path`` as an empty file readable by its owner only, or restrict an existing one
    (with its WAL and shared-memory files, which SQLite creates with the database's mode)."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for candidate in (path, *(path.with_name(path.name + side) for side in _SIDE_FILES)):
        if candidate.exists():
            candidate.chmod(0o600)


def key_literal(key: bytes) -> str:
    """SQLCipher's raw-key literal (no key derivation): ``"x'<64 hex digits>'"``."""
    if len(key) != KEY_BYTES:
        raise DatabaseKeyError("a database key has 32 bytes", code="database.key_invalid")
    return f"\"x'{key.hex()}'\""


def _key_pragma(key: bytes) -> str:
    return f"PRAGMA key = {key_literal(key)}"


def sqlcipher_connect(path: Path, key: bytes | None, *, timeout_s: float = 10.0) -> Any:
    """A raw SQLCipher connection (autocommit), keyed when ``key`` is given. For the file-level
    work of ``db encrypt`` and ``db rekey``; everything else goes through an engine."""
    import sqlcipher3.dbapi2 as sqlcipher  # type: ignore[import-untyped]

    connection = sqlcipher.connect(str(path), isolation_level=None, timeout=timeout_s)
    cursor = connection.cursor()
    if key is not None:
        cursor.execute(_key_pragma(key))
    # A wrong key otherwise prints "hmac check failed" lines on stderr; the coded error says it.
    cursor.execute("PRAGMA cipher_log_level = NONE")
    cursor.close()
    return connection


def create_database_engine(
    url: str, *, key: bytes | None = None, busy_timeout_ms: int = 10_000, echo: bool = False
) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and the pragmas above.

    With ``key`` the SQLite file is a SQLCipher database: the pysqlite dialect over the
    ``sqlcipher3`` module (what SQLAlchemy's pysqlcipher dialect is, minus its passphrase in
    the URL, which would run the key derivation on every connection and put the secret where
    URLs get printed). New files are created readable by their owner only.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"not a database URL: {url!r}", code="database.bad_url") from error
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)

    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        make_private(path)
    extra: dict[str, Any] = {}
    if key is not None:
        import sqlcipher3.dbapi2 as sqlcipher

        extra["module"] = sqlcipher
        key_pragma = _key_pragma(key)
    engine = create_engine(
        url,
        echo=echo,
        # Python's sqlite3 would open transactions itself; SQLAlchemy's begin event does it instead.
        connect_args={"isolation_level": None, "timeout": busy_timeout_ms / 1000},
        **extra,
    )

    if key is not None:
        # Inserted first: the key must be set before anything reads the file.
        @event.listens_for(engine, "connect", insert=True)
        def _key(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(key_pragma)
            cursor.execute("PRAGMA cipher_log_level = NONE")
            cursor.close()

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # Deleted rows (accepted attachments, purged faces) are overwritten, not left in free pages.
        cursor.execute("PRAGMA secure_delete = ON")
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


def check_readable(engine: Engine) -> None:
    """Read the schema once: a wrong key (or a file that is no database) fails here, coded."""
    if engine.dialect.name != "sqlite":
        return
    try:
        with read_only(engine).connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except SQLAlchemyDatabaseError as error:
        if "file is not a database" in str(error.orig) or "not a database" in str(error.orig):
            raise DatabaseKeyError(
                "the database cannot be read with this key (or it is not a database)"
            ) from None
        raise


def read_only(engine: Engine) -> Engine:
    """The same engine for transactions that only read: on SQLite they need not take the lock."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{_SQLITE_BEGIN: "DEFERRED"})


# The newest migration. A database already there is opened without loading Alembic (about 0.2 s
# of every start); tests/unit/test_schema_head.py keeps this equal to the scripts' head.
HEAD_REVISION = "0010"


def _alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (run at start-up and by ``desk-app db upgrade``)."""
    if revision == "head" and stored_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    try:
        command.upgrade(_alembic_config(engine), revision)
    except OperationalError as error:
        raise DatabaseError(
            f"cannot open or upgrade the database: {error.orig}", url=str(engine.url)
        ) from error


def stored_revision(engine: Engine) -> str | None:
    """The revision the database says it is at; None for a new database (or an unreadable
    version table, which the upgrade then reports)."""
    try:
        with read_only(engine).connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def schema_revision(engine: Engine) -> tuple[str | None, str | None]:
    """(current revision of the database, newest revision the code knows)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

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

    def __init__(self, engine: Engine, *, session_info: dict[str, Any] | None = None) -> None:
        """``session_info`` reaches every session (the central side's media sealer, see
        ``persistence.sealing``)."""
        self.engine = engine
        info = session_info or {}
        self._writer = sessionmaker(engine, expire_on_commit=False, info=info)
        self._reader = sessionmaker(read_only(engine), expire_on_commit=False, info=info)

    @classmethod
    def open(
        cls,
        url: str,
        *,
        key: bytes | None = None,
        busy_timeout_ms: int = 10_000,
        upgrade: bool = True,
    ) -> Database:
        database = cls(create_database_engine(url, key=key, busy_timeout_ms=busy_timeout_ms))
        try:
            check_readable(database.engine)
        except DeskError:
            database.close()
            raise
        if upgrade:
            upgrade_schema(database.engine)
        return database

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self._writer)

    def reading(self) -> UnitOfWork:
        return UnitOfWork(self._reader)

    def checkpoint(self) -> None:
        """Move the WAL into the database file and empty it (SQLite; nothing elsewhere), so
        that deleted personal data does not linger in the log."""
        if self.engine.dialect.name != "sqlite":
            return
        # Outside any transaction (the engine's connections would begin one first).
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()

    def close(self) -> None:
        self.engine.dispose()
