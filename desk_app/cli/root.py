"""The root group ``desk-app``: its own options, what it does with no command (open the counter
GUI, or the demo tour where the GUI is not installed), and the registration of every command
group.

The command modules never import this one, nor one another: each exposes ``register(root)``
and this module calls them all, so importing ``desk_app.cli`` yields the complete command line
without an import cycle.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import entry_points

import click

from desk_app.cli import (
    audit,
    blocklist,
    card,
    central,
    database,
    decisions,
    demo,
    diagnose,
    faces,
    id_numbers,
    liveness,
    operators,
    privacy,
    reader,
    report,
    sync,
    transfer,
)
from desk_app.cli.common import CleanErrors, common_options, settings_from
from desk_app.cli.demo import demo_tour
from desk_app.logs import setup_logging


@click.group(cls=CleanErrors, invoke_without_command=True)
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


database.register(main)
audit.register(main)
transfer.register(main)
demo.register(main)
decisions.register(main)
operators.register(main)
faces.register(main)
reader.register(main)
id_numbers.register(main)
card.register(main)
liveness.register(main)
privacy.register(main)
central.register(main)
sync.register(main)
report.register(main)
blocklist.register(main)
diagnose.register(main)
