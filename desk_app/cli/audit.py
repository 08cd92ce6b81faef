"""``desk-app audit …``: check the tamper-evident audit chain from the command line."""

from __future__ import annotations

import click

from desk_app.bootstrap import Application
from desk_app.cli.common import fail, with_app
from desk_app.security import audit


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit chain."""


@audit_group.command("verify")
@with_app
def audit_verify(application: Application) -> None:
    """Check every link of the chain; exit 1 naming the first bad entry."""
    with application.database.reading() as uow:
        result = audit.verify(uow.session)
    if not result.intact:
        fail(f"audit chain broken at entry {result.first_bad_sequence}: {result.problem}")
    click.echo(f"audit chain intact: {result.count} entries")


def register(root: click.Group) -> None:
    """Add ``audit`` to the root group."""
    root.add_command(audit_group)
