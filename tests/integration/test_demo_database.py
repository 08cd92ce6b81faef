"""The demo database is built once, on the first ``--demo`` start, and the sign-in hint always."""

from __future__ import annotations

from pathlib import Path

from desk_app.services.demo import DEMO_PASSWORD, prepare_demo_database
from tests.support.factories import make_application


def test_the_demo_is_built_only_into_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    application = make_application(url)
    said: list[str] = []

    def prepare() -> object:
        return prepare_demo_database(
            application.database,
            application.workflow,
            ticket_layout=application.ticket_layout,
            data_dir=None,
            database_url=url,
            say=said.append,
        )

    try:
        summary = prepare()
        assert summary is not None and summary.candidates == 200
        assert said == [
            f"creating a demo database at {url} ...",
            f"demo operators: clerk01, super01, super02, unit01, admin; password {DEMO_PASSWORD}",
        ]
        said.clear()
        assert prepare() is None
        assert said == [
            f"demo operators: clerk01, super01, super02, unit01, admin; password {DEMO_PASSWORD}"
        ]
    finally:
        application.close()
