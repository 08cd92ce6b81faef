"""``desk-app blocklist …``: ID numbers and faces that stop a confirmation (supervisors)."""

from __future__ import annotations

from pathlib import Path

import click

from desk_app.bootstrap import Application
from desk_app.cli.common import (
    blocklist_line,
    password_file_option,
    sign_in_for_command,
    with_app,
)
from desk_app.domain.masking import mask_document_number
from desk_app.services.blocklist import add_faces_of_case, add_number, blocklist, lift_entry

_operator = click.option("--operator", required=True, help="A supervisor (signs in).")
_reason = click.option("--reason", required=True, help="Why (shown to whoever hits it).")


@click.group("blocklist")
def blocklist_group() -> None:
    """ID numbers and faces that turn a confirmation into a referral."""


@blocklist_group.command("add-number")
@_operator
@_reason
@password_file_option
@with_app
def add_number_command(
    application: Application, operator: str, reason: str, password_file: Path | None
) -> None:
    """Block an ID number (asked for, never taken from the command line)."""
    sign_in_for_command(application, operator, password_file)
    number = str(click.prompt("ID number", hide_input=True))
    entry = add_number(application.database, operator, number, reason)
    click.echo(f"blocked {mask_document_number(number.strip().upper())} (entry {entry})")


@blocklist_group.command("add-face")
@click.argument("registration_id")
@_operator
@_reason
@password_file_option
@with_app
def add_face_command(
    application: Application,
    registration_id: str,
    operator: str,
    reason: str,
    password_file: Path | None,
) -> None:
    """Block the live faces kept with a revoked case (a proxy candidate)."""
    sign_in_for_command(application, operator, password_file)
    entries = add_faces_of_case(application.database, operator, registration_id, reason)
    click.echo(f"blocked {len(entries)} face(s) of {registration_id}")


@blocklist_group.command("lift")
@click.argument("uid")
@_operator
@click.option("--reason", required=True, help="Why the entry is lifted (audited).")
@password_file_option
@with_app
def lift_command(
    application: Application, uid: str, operator: str, reason: str, password_file: Path | None
) -> None:
    """Lift an entry (its uid, as ``list`` prints it) this counter added by mistake; one the
    central side holds is lifted with ``desk-app central blocklist remove``."""
    sign_in_for_command(application, operator, password_file)
    lift_entry(application.database, operator, uid, reason)
    click.echo(f"lifted {uid}")


@blocklist_group.command("list")
@_operator
@password_file_option
@with_app
def list_command(application: Application, operator: str, password_file: Path | None) -> None:
    """The blocked numbers (masked) and faces, with their reasons and whether the central side
    holds them."""
    sign_in_for_command(application, operator, password_file)
    for entry in blocklist(application.database):
        click.echo(blocklist_line(entry))


def register(root: click.Group) -> None:
    root.add_command(blocklist_group)
