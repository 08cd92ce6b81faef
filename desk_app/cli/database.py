"""``desk-app db …``: create, upgrade and inspect the counter database's schema.

These commands open the application without the automatic upgrade, so that ``db status`` can
report an out-of-date schema instead of fixing it.
"""

from __future__ import annotations

import sys

import click

from desk_app.bootstrap import build_application, key_store_for
from desk_app.cli.common import common_options, settings_from
from desk_app.persistence.database import (
    database_file_kind,
    schema_revision,
    sqlite_path,
    upgrade_schema,
)
from desk_app.services.encryption import encrypt_database, rekey_database


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
        path = sqlite_path(application.settings.database_url)
        if path is not None:
            click.echo(f"file: {database_file_kind(path).value}")
        if current != head:
            sys.exit(1)
    finally:
        application.close()


@db.command("encrypt")
@common_options
@click.pass_context
def db_encrypt(ctx: click.Context) -> None:
    """Encrypt a plain counter database (SQLCipher) under a new key kept on this machine.

    A new file is written and compared with the old before it replaces it: stopping the
    command at any point loses nothing. Close the counter application first.
    """
    settings = settings_from(ctx)
    path = encrypt_database(settings.database_url, key_store_for(settings))
    click.echo(f"encrypted: {path}")


@db.command("rekey")
@common_options
@click.pass_context
def db_rekey(ctx: click.Context) -> None:
    """Give the encrypted counter database a new key (written and checked like encrypt)."""
    settings = settings_from(ctx)
    path = rekey_database(settings.database_url, key_store_for(settings))
    click.echo(f"new key in use: {path}")


def register(root: click.Group) -> None:
    """Add ``db`` to the root group."""
    root.add_command(db)
