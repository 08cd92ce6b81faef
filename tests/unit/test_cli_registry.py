"""The command line's lazy registry (``desk_app.cli.root.COMMANDS``): every command is found, each
module registers exactly the names the registry gives it, and ``desk-app --version`` stays light
(the heavy stacks load with the commands that need them)."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from desk_app.cli import main
from desk_app.cli.root import COMMANDS
from tests.support.factories import PROJECT_ROOT

CLI_PACKAGE = PROJECT_ROOT / "desk_app" / "cli"
HEAVY_MODULES = ("cv2", "onnxruntime", "PySide6", "sqlalchemy", "numpy", "face_recognition")


def command_modules() -> set[str]:
    """The modules of desk_app/cli that define ``register(root)``."""
    modules = set()
    for path in CLI_PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "register" for node in tree.body):
            modules.add(path.stem)
    return modules


def test_every_command_module_is_in_the_registry() -> None:
    assert command_modules() == set(COMMANDS.values())


@pytest.mark.parametrize("module", sorted(set(COMMANDS.values())))
def test_each_module_registers_exactly_its_commands(module: str) -> None:
    scratch = click.Group()
    importlib.import_module(f"desk_app.cli.{module}").register(scratch)
    assert set(scratch.commands) == {name for name, owner in COMMANDS.items() if owner == module}


def test_help_lists_every_command_and_an_unknown_one_is_a_usage_error() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["--help"])
    assert listed.exit_code == 0
    commands_section = listed.output.split("Commands:", 1)[1]
    listed_names = {line.split()[0] for line in commands_section.splitlines() if line.strip()}
    assert listed_names == set(COMMANDS)
    unknown = runner.invoke(main, ["no-such-command"])
    assert unknown.exit_code == 2 and "No such command" in unknown.output


def modules_after(argv: list[str], tmp_path: Path) -> list[str]:
    """The heavy modules loaded once the command line has run ``argv`` in a fresh interpreter."""
    script = (
        "import json, sys\n"
        "from desk_app.cli import main\n"
        "try:\n"
        f"    main({argv!r}, prog_name='desk-app')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=PROJECT_ROOT,
        env={"DESK_APP_LOG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


def test_version_imports_none_of_the_heavy_stacks(tmp_path: Path) -> None:
    assert modules_after(["--version"], tmp_path) == []


def test_a_command_still_loads_what_it_needs(tmp_path: Path) -> None:
    """The check above can fail: a command that opens the database does load SQLAlchemy."""
    assert "sqlalchemy" in modules_after(["db", "--help"], tmp_path)


def test_clean_errors_words_a_database_error_and_lets_a_bug_through() -> None:
    """SQLAlchemy is imported on the error path now: its errors are still one line, status 1;
    anything else is not swallowed."""
    from sqlalchemy.exc import OperationalError

    from desk_app.cli.common import CleanErrors

    @click.group(cls=CleanErrors)
    def group() -> None:
        pass

    @group.command()
    def database() -> None:
        raise OperationalError("SELECT 1", {}, Exception("disk I/O error"))

    @group.command()
    def bug() -> None:
        raise ValueError("a bug")

    runner = CliRunner()
    worded = runner.invoke(group, ["database"])
    assert worded.exit_code == 1 and "database error: disk I/O error" in worded.output
    crashed = runner.invoke(group, ["bug"])
    assert isinstance(crashed.exception, ValueError)
