"""``desk-app operators …`` (the people who sign in) and ``desk-app tickets …`` (the admission
ticket numbers leased to this counter): the counter's administration.
"""

from __future__ import annotations

import click

from desk_app.bootstrap import Application
from desk_app.cli.common import with_app
from desk_app.domain.workflow import Role
from desk_app.persistence.repositories import OperatorRepository, TicketRepository
from desk_app.security.operators import add_operator, reset_password, set_active, unlock


@click.group()
def operators() -> None:
    """People who sign in."""


@operators.command("add")
@click.argument("operator_id")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--unit", default=None, help="Tutoring unit (for tutoring_unit_staff).")
@with_app
def operators_add(
    application: Application,
    operator_id: str,
    name: str,
    role: str,
    unit: str | None,
) -> None:
    """Add an operator (the password is asked for: never on the command line, where other
    users and shell histories would see it)."""
    password = _ask_password()
    add_operator(
        application.database,
        operator_id=operator_id,
        display_name=name,
        role=Role(role),
        password=password,
        tutoring_unit=unit,
    )
    click.echo(f"operator {operator_id} added as {role}")


@operators.command("list")
@with_app
def operators_list(application: Application) -> None:
    """List operators and their roles."""
    with application.database.reading() as uow:
        for operator in OperatorRepository(uow.session).all():
            unit = f" ({operator.tutoring_unit})" if operator.tutoring_unit else ""
            state = "" if operator.active else " [inactive]"
            click.echo(f"{operator.id}  {operator.role}{unit}  {operator.display_name}{state}")


def _ask_password(label: str = "Password") -> str:
    password: str = click.prompt(label, hide_input=True, confirmation_prompt=True)
    return password


@operators.command("password")
@click.argument("operator_id")
@with_app
def operators_password(application: Application, operator_id: str) -> None:
    """Set an operator's password (asked for; the rules apply)."""
    reset_password(application.database, "cli", operator_id, _ask_password("New password"))
    click.echo(f"password of {operator_id} set")


@operators.command("deactivate")
@click.argument("operator_id")
@with_app
def operators_deactivate(application: Application, operator_id: str) -> None:
    """Stop an operator from signing in (their records and audit entries stay)."""
    set_active(application.database, "cli", operator_id, False)
    click.echo(f"operator {operator_id} deactivated")


@operators.command("activate")
@click.argument("operator_id")
@with_app
def operators_activate(application: Application, operator_id: str) -> None:
    """Let a deactivated operator sign in again."""
    set_active(application.database, "cli", operator_id, True)
    click.echo(f"operator {operator_id} active")


@operators.command("unlock")
@click.argument("subject")
@with_app
def operators_unlock(application: Application, subject: str) -> None:
    """End a sign-in lockout of an operator id, or of the whole counter (``counter``)."""
    unlock(application.database, "cli", subject)
    click.echo(f"{subject} unlocked")


@click.group()
def tickets() -> None:
    """Admission ticket numbers."""


@tickets.command("status")
@with_app
def tickets_status(application: Application) -> None:
    """Show the ticket blocks leased to counters and what is left."""
    layout = application.ticket_layout
    click.echo(f"layout: {layout.prefix}{'#' * layout.sequence_width}{layout.suffix}")
    with application.database.reading() as uow:
        repository = TicketRepository(uow.session)
        for block in repository.blocks():
            click.echo(
                f"{block.series}  {block.first_sequence}-{block.last_sequence}  "
                f"next {block.next_sequence}  left {block.remaining}  "
                f"{block.site_id}/{block.counter_id}  ({block.granted_by})"
            )
        left = repository.remaining(layout.series, application.workstation.counter_id)
    click.echo(f"numbers left for this counter: {left}")


def register(root: click.Group) -> None:
    """Add ``operators`` and ``tickets`` to the root group."""
    root.add_command(operators)
    root.add_command(tickets)
