"""``desk-app candidates …`` to look records up, and the decision commands ``confirm``,
``refer``, ``approve``, ``reject`` and ``revoke`` that move a record through its states.

The decision commands are built by one factory, since they differ only in the workflow method
they call, their summary and whether a coded reason is required.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from desk_app.bootstrap import Application
from desk_app.cli.common import fail, password_file_option, read_password, with_app
from desk_app.domain.time import CHINA_TIME
from desk_app.domain.workflow import Action, CandidateState, ReasonCode
from desk_app.persistence.repositories import CandidateRepository
from desk_app.security import audit
from desk_app.security.operators import sign_in
from desk_app.services.counter import mask_document_number
from desk_app.services.workflow import ChangeSet, Decision


@click.group()
def candidates() -> None:
    """Look up pre-registrations."""


@candidates.command("list")
@click.option("--search", default="", help="ID number, its last 6 characters, name or phone.")
@click.option(
    "--state", "states", multiple=True, type=click.Choice([s.value for s in CandidateState])
)
@click.option("--area", "areas", multiple=True, help="Exam area (repeatable).")
@click.option("--unit", default=None, help="Tutoring unit.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@with_app
def candidates_list(
    application: Application,
    search: str,
    states: tuple[str, ...],
    areas: tuple[str, ...],
    unit: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List records (ID numbers masked)."""
    with application.database.reading() as uow:
        found = CandidateRepository(uow.session).search(
            search, states=states, exam_areas=areas, tutoring_unit=unit, limit=limit
        )
    for candidate in found:
        fields = {
            "registration_id": candidate.registration_id,
            "name": candidate.name,
            "document_number": mask_document_number(candidate.document_number),
            "exam_area": candidate.exam_area,
            "programme": f"{candidate.programme_code} {candidate.programme_name}",
            "kind": candidate.kind,
            "state": candidate.state,
            "ticket_number": candidate.ticket_number or "",
        }
        if as_json:
            click.echo(json.dumps(fields, ensure_ascii=False))
        else:
            click.echo("  ".join(str(value) for value in fields.values()))


@candidates.command("show")
@click.argument("registration_id")
@click.option("--operator", required=True, help="Who is looking (signs in; access is audited).")
@password_file_option
@with_app
def candidates_show(
    application: Application, registration_id: str, operator: str, password_file: Path | None
) -> None:
    """Show one record in full with its history (after the operator signs in)."""
    sign_in(application.database, operator, read_password(password_file))
    with application.database.unit_of_work() as uow:
        candidate = CandidateRepository(uow.session).by_registration_id(registration_id)
        if candidate is None:
            fail(f"no pre-registration {registration_id!r}")
            return
        for column in candidate.__table__.columns:
            click.echo(f"{column.name:>22}: {getattr(candidate, column.name)}")
        photo = CandidateRepository(uow.session).registered_photo(candidate.id)
        click.echo(f"{'registered e-photo':>22}: {f'{len(photo.data)} bytes' if photo else 'none'}")
        for step in candidate.transitions:
            when = step.occurred_at.astimezone(CHINA_TIME).isoformat(timespec="seconds")
            click.echo(
                f"  {when} {step.action} {step.from_state} -> {step.to_state} by "
                f"{step.operator_id} at {step.site_id}/{step.counter_id}"
                + (f" reason {step.reason_code}" if step.reason_code else "")
                + (f" ticket {step.ticket_number}" if step.ticket_number else "")
            )
        audit.append(uow.session, actor=operator, action="candidate.view", subject=registration_id)
        uow.commit()


def _decision_command(action: Action, summary: str, *, needs_reason: bool) -> click.Command:
    """Build ``desk-app <action> REGISTRATION_ID --operator ID [--reason R] [--note N]``.

    Prints the ticket number when the decision issued or kept one, else the new state.
    """

    @with_app
    def command(
        application: Application,
        registration_id: str,
        operator: str,
        note: str,
        password_file: Path | None,
        reason: str | None = None,
    ) -> None:
        # The same sign-in as at the counter: an operator id alone proves nothing.
        sign_in(application.database, operator, read_password(password_file))
        decision = Decision(reason=ReasonCode(reason) if reason else None, note=note)
        decide: Callable[[str, str, Decision], ChangeSet] = getattr(
            application.workflow, action.value
        )
        change = decide(registration_id, operator, decision)
        click.echo(change.ticket_number or change.new_state.value)

    command.__doc__ = summary
    command = password_file_option(command)
    command = click.option("--note", default="", help="Free-text note.")(command)
    command = click.option("--operator", required=True, help="Operator id.")(command)
    if needs_reason:
        command = click.option(
            "--reason",
            required=True,
            type=click.Choice([r.value for r in ReasonCode]),
            help="Coded reason.",
        )(command)
    command = click.argument("registration_id")(command)
    return click.command(action.value)(command)


def register(root: click.Group) -> None:
    """Add ``candidates`` and the five decision commands to the root group."""
    root.add_command(candidates)
    root.add_command(
        _decision_command(
            Action.CONFIRM,
            "Confirm a record; prints the admission ticket number.",
            needs_reason=False,
        )
    )
    root.add_command(
        _decision_command(Action.REFER, "Refer a record to a supervisor.", needs_reason=True)
    )
    root.add_command(
        _decision_command(
            Action.APPROVE,
            "Approve a referred record (a supervisor other than the referrer); "
            "prints the ticket number.",
            needs_reason=False,
        )
    )
    root.add_command(
        _decision_command(Action.REJECT, "Reject a record with a coded reason.", needs_reason=True)
    )
    root.add_command(
        _decision_command(
            Action.REVOKE,
            "Revoke a confirmation (supervisor); its ticket number is retired.",
            needs_reason=True,
        )
    )
