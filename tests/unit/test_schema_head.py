"""The schema's head revision is known without Alembic (a current database opens without
loading it), so it must be the head of the migration scripts; and an old or new database still
goes through Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from desk_app.persistence.database import (
    HEAD_REVISION,
    _alembic_config,
    schema_revision,
    stored_revision,
    upgrade_schema,
)


def test_the_head_constant_is_the_scripts_head(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert ScriptDirectory.from_config(_alembic_config(engine)).get_current_head() == (
        HEAD_REVISION
    )


def test_a_new_and_an_older_database_are_upgraded_a_current_one_is_left(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert stored_revision(engine) is None
    upgrade_schema(engine, "0006")
    assert stored_revision(engine) == "0006"
    upgrade_schema(engine)
    assert schema_revision(engine) == (HEAD_REVISION, HEAD_REVISION)
    with engine.begin() as connection:
        tables = connection.execute(text("SELECT name FROM sqlite_master")).scalars().all()
    assert "photos" in tables
    engine.dispose()


def test_opening_a_current_database_does_not_load_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade_schema(create_engine(url))
    probe = (
        "import sys\n"
        "from desk_app.persistence.database import Database\n"
        f"Database.open({url!r}).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "False"
