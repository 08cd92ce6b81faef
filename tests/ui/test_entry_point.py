"""`desk-app` with no command opens the GUI; `--demo` opens it on the demo database."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

import desk_app.cli.root
from desk_app.cli import main


def test_the_gui_is_registered_for_the_command_line() -> None:
    from ui.app import run_gui

    assert desk_app.cli.root._counter_gui() is run_gui


def test_no_command_opens_the_gui_and_demo_says_so(monkeypatch: Any, tmp_path: Any) -> None:
    calls: list[dict[str, Any]] = []

    def fake_gui(settings: Any, *, demo: bool, database_given: bool) -> int:
        calls.append({"demo": demo, "database_given": database_given, "url": settings.database_url})
        return 0

    monkeypatch.setattr(desk_app.cli.root, "_counter_gui", lambda: fake_gui)
    runner = CliRunner()
    assert runner.invoke(main, []).exit_code == 0
    assert runner.invoke(main, ["--demo"]).exit_code == 0
    database = tmp_path / "counter.db"
    assert runner.invoke(main, ["--db", str(database)]).exit_code == 0
    assert [(c["demo"], c["database_given"]) for c in calls] == [
        (False, False),
        (True, False),
        (False, True),
    ]
    assert calls[2]["url"].endswith("counter.db")
