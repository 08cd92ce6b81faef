"""The root group ``desk-app``: its own options, what it does with no command (open the counter
GUI, or the demo tour where the GUI is not installed), and the registry of every command.

The command modules never import this one, nor one another: each exposes ``register(root)``.
They are imported when a command of theirs is used, not with the root group: together they
pull in SQLAlchemy, OpenCV, onnxruntime and the face stacks (seconds), which ``desk-app
--version``, ``--help`` and the GUI's first window do not need. ``COMMANDS`` names, for every
command, the module that registers it: a new command is one line there.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any

import click

from desk_app.cli.common import CleanErrors, common_options, settings_from
from desk_app.logs import setup_logging

# command name -> the module (under desk_app.cli) whose register(root) adds it.
# tests/unit/test_cli_registry.py checks each module registers exactly its names here.
COMMANDS: dict[str, str] = {
    "db": "database",
    "audit": "audit",
    "import": "transfer",
    "export": "transfer",
    "demo": "demo",
    "candidates": "decisions",
    "confirm": "decisions",
    "refer": "decisions",
    "approve": "decisions",
    "reject": "decisions",
    "revoke": "decisions",
    "operators": "operators",
    "tickets": "operators",
    "faces": "faces",
    "reader": "reader",
    "id": "id_numbers",
    "card": "card",
    "liveness": "liveness",
    "purge": "privacy",
    "central": "central",
    "counter": "sync",
    "sync": "sync",
    "report": "report",
    "evidence": "report",
    "blocklist": "blocklist",
    "diagnose": "diagnose",
}


class LazyCommands(CleanErrors):
    """The root group: a command's module is imported (and registers its commands) the first
    time the command is looked up."""

    def __init__(self, *args: Any, commands: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self.lazy_commands.get(cmd_name)
        if cmd_name not in self.commands and module is not None:
            importlib.import_module(f"desk_app.cli.{module}").register(self)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyCommands, commands=COMMANDS, invoke_without_command=True)
@click.option("--demo", is_flag=True, help="Open on a demo database (created when missing).")
@common_options
@click.version_option(package_name="desk-app")
@click.pass_context
def main(ctx: click.Context, demo: bool) -> None:
    """Confirmation Desk: on-site identity confirmation of self-study examination candidates."""
    setup_logging()
    if ctx.invoked_subcommand is not None:
        return
    gui = _counter_gui()
    if gui is not None:
        database_given = bool(ctx.find_root().meta.get("db"))
        sys.exit(gui(settings_from(ctx), demo=demo, database_given=database_given))
    if demo:
        from desk_app.cli.demo import demo_tour

        demo_tour(ctx)
        return
    click.echo(ctx.get_help())


def _counter_gui() -> Callable[..., int] | None:
    """The counter GUI, registered by the ``ui`` package under the ``desk_app.gui`` entry point
    (the core never imports Qt); None where it is not installed."""
    for entry_point in entry_points(group="desk_app.gui"):
        gui: Callable[..., int] = entry_point.load()
        return gui
    return None
