"""``desk-app report daily`` and ``desk-app evidence``: documents for supervisors and
administrators, made by ``desk_app.reports`` after the operator signs in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from desk_app.bootstrap import Application
from desk_app.cli.common import (
    daily_report_options,
    password_file_option,
    sign_in_for_command,
    with_app,
)
from desk_app.reports.daily import daily_report
from desk_app.reports.evidence import evidence_pack


@click.group("report")
def report_group() -> None:
    """Reports of the counter's work (supervisors and administrators)."""


@report_group.command("daily")
@daily_report_options
@click.option("--operator", required=True, help="A supervisor or administrator (signs in).")
@password_file_option
@with_app
def report_daily(
    application: Application,
    day: datetime,
    out: Path,
    operator: str,
    password_file: Path | None,
) -> None:
    """The day's figures (China time): decisions per hour, counter, operator, outcome, reason,
    method and exam area; throughput, median handling time, referral rate, face distances."""
    sign_in_for_command(application, operator, password_file)
    figures = daily_report(application.database, day.date(), out, operator_id=operator)
    rate = figures.referral_rate
    click.echo(
        f"wrote {out}: {figures.decisions} decisions, {figures.first_line} first-line, "
        f"referral rate {'—' if rate is None else f'{rate:.1%}'}"
    )


@click.command("evidence")
@click.argument("registration_id")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--operator", required=True, help="A supervisor or administrator (signs in).")
@click.option("--reason", required=True, help="Why the pack is needed (audited).")
@password_file_option
@with_app
def evidence_command(
    application: Application,
    registration_id: str,
    out: Path,
    operator: str,
    reason: str,
    password_file: Path | None,
) -> None:
    """One candidate's evidence pack (PDF, readable by its owner only): the three photos, the
    distances, thresholds and model, every decision with who, when and where, and the audit
    entries; for a supervisor resolving a dispute. Audited."""
    sign_in_for_command(application, operator, password_file)
    pack = evidence_pack(
        application.database,
        registration_id,
        out,
        operator_id=operator,
        reason=reason,
        settings=application.settings,
    )
    click.echo(
        f"wrote {out}: {pack.decisions} decisions, {pack.photos} photos, "
        f"{pack.audit_entries} audit entries"
    )


def register(root: click.Group) -> None:
    """Add ``report`` and ``evidence`` to the root group."""
    root.add_command(report_group)
    root.add_command(evidence_command)
