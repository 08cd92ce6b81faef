"""``desk-app purge``: remove face data of decided records past the retention period."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from desk_app.bootstrap import Application
from desk_app.cli.common import password_file_option, sign_in_for_command, with_app
from desk_app.services.retention import purge_face_data


@click.command("purge")
@click.option(
    "--before",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Records decided before this day (default: [privacy] retention_days ago).",
)
@click.option("--operator", required=True, help="A supervisor or administrator (signs in).")
@password_file_option
@with_app
def purge(
    application: Application,
    before: datetime | None,
    operator: str,
    password_file: Path | None,
) -> None:
    """Remove live captures, card portraits and face templates of records decided before
    DATE; decisions, the audit chain and a hash of each removed item stay."""
    sign_in_for_command(application, operator, password_file)
    day: date | None = before.date() if before else None
    report = purge_face_data(
        application.database,
        operator,
        day,
        retention_days=application.settings.privacy.retention_days,
        registry=application.faces,
    )
    click.echo(
        f"purged face data of {report.records} records decided before "
        f"{report.before.isoformat()}: {report.photos} photos, {report.templates} templates"
        + (
            f"; {report.kept_unsynced} records kept until the central database has them"
            if report.kept_unsynced
            else ""
        )
    )


def register(root: click.Group) -> None:
    """Add ``purge`` to the root group."""
    root.add_command(purge)
