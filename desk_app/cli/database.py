"""``desk-app db …``: create, upgrade and inspect the counter database's schema.

These commands open the application without the automatic upgrade, so that ``db status`` can
report an out-of-date schema instead of fixing it.
"""

from __future__ import annotations

import sys

import click

from desk_app.bootstrap import build_application
from desk_app.cli.common import common_options, settings_from
from desk_app.persistence.database import schema_revision, upgrade_schema


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@common_options
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create the database or bring its schema up to date."""
    application = build_application(settings_from(ctx), upgrade=False)
    try:
        upgrade_schema(application.database.engine)
        current, head = schema_revision(application.database.engine)
        click.echo(f"schema at revision {current} (newest {head})")
    finally:
        application.close()


@db.command("status")
@common_options
@click.pass_context
def db_status(ctx: click.Context) -> None:
    """Show the schema revision without changing anything."""
    application = build_application(settings_from(ctx), upgrade=False)
    try:
        current, head = schema_revision(application.database.engine)
        click.echo(f"database: {application.settings.database_url}")
        click.echo(f"schema revision: {current or 'none'} (newest {head})")
        if current != head:
            sys.exit(1)
    finally:
        application.close()


def register(root: click.Group) -> None:
    """Add ``db`` to the root group."""
    root.add_command(db)
