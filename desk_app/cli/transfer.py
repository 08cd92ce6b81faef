"""``desk-app import …`` and ``desk-app export …``: rosters in, confirmations out.

The two groups share a module because they are the two ends of the same exchange with the
registration platform; the work itself is done by ``desk_app.services``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from desk_app.bootstrap import Application
from desk_app.cli.common import (
    fail,
    local_user,
    password_file_option,
    sign_in_for_command,
    terminal_progress,
    with_app,
    write_private_text,
)
from desk_app.services.export import export_confirmed
from desk_app.services.roster_import import ImportReport, import_roster


@click.group("import")
def import_group() -> None:
    """Bring data in."""


def _print_import_report(report: ImportReport, out: Path | None) -> None:
    lines = [
        f"row {problem.row_number}, {problem.column or 'row'}: {problem.reason} [{problem.code}]"
        for problem in sorted(report.problems, key=lambda p: (p.row_number, p.column))
    ]
    if out is not None:
        write_private_text(out, "\n".join(lines) + ("\n" if lines else ""))
    elif lines:
        click.echo("\n".join(lines), err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if report.kept_decided:
        click.echo(
            f"warning: {len(report.kept_decided)} records already decided were left unchanged "
            f"(e.g. {', '.join(report.kept_decided[:3])})",
            err=True,
        )


@import_group.command("roster")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--photos",
    type=click.Path(exists=True, path_type=Path),
    help="Folder or ZIP holding the e-photos named in the photo_file column.",
)
@click.option("--skip-invalid", is_flag=True, help="Import the good rows; report the bad ones.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the bad-row report to this file (default with --skip-invalid: FILE.problems.txt).",
)
@click.option("--operator", default="system", help="Who is importing (for the audit chain).")
@with_app
def import_roster_command(
    application: Application,
    file: Path,
    photos: Path | None,
    skip_invalid: bool,
    report_path: Path | None,
    operator: str,
) -> None:
    """Import a roster of pre-registrations (CSV in UTF-8 or GB18030, or XLSX)."""
    if skip_invalid and report_path is None:
        report_path = file.with_name(file.name + ".problems.txt")
    report = import_roster(
        application.database,
        file,
        ticket_layout=application.ticket_layout,
        photos=photos,
        skip_invalid=skip_invalid,
        operator_id=operator,
        progress=terminal_progress("reading rows"),
    )
    if sys.stderr.isatty():
        click.echo(err=True)
    _print_import_report(report, report_path)
    if not report.imported:
        bad = len({problem.row_number for problem in report.problems})
        fail(
            f"nothing imported: {bad} row(s) have problems (use --skip-invalid to import the rest)"
        )
    click.echo(
        f"imported {file.name}: {report.inserted} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.photos_stored} photos"
        + (
            f", {len({p.row_number for p in report.problems})} bad rows skipped"
            if report.problems
            else ""
        )
        + (f" (report: {report_path})" if report.problems and report_path else "")
    )


@click.group("export")
def export_group() -> None:
    """Send data out."""


@export_group.command("confirmed")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--operator", default=None, help="Who is exporting (for the audit chain).")
@click.option(
    "--full", is_flag=True, help="Full ID numbers (an administrator, with --reason; audited)."
)
@click.option("--reason", default="", help="Why the full numbers are needed (with --full).")
@password_file_option
@with_app
def export_confirmed_command(
    application: Application,
    since: Any,
    out: Path,
    operator: str | None,
    full: bool,
    reason: str,
    password_file: Path | None,
) -> None:
    """Write confirmations since a date to CSV or XLSX (names and ID numbers masked unless
    --full, which an administrator asks for after signing in)."""
    if full:
        sign_in_for_command(application, operator, password_file)
    count = export_confirmed(
        application.database,
        since.date(),
        out,
        operator_id=operator or local_user(),
        full=full,
        reason=reason,
    )
    click.echo(f"wrote {count} confirmations to {out}")


@export_group.command("photos")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="photos.zip"
)
@click.option("--operator", required=True, help="An administrator (signs in).")
@click.option("--reason", required=True, help="Why the photos and ID numbers leave (audited).")
@password_file_option
@with_app
def export_photos_command(
    application: Application,
    since: Any,
    out: Path,
    operator: str,
    reason: str,
    password_file: Path | None,
) -> None:
    """The standard e-photo (480×640 JPEG, 20-40 KB) of every candidate confirmed since a date,
    made from the live capture, in a ZIP with a manifest CSV (registration id, ID number, file,
    checksum, problems)."""
    from desk_app.services.photo_export import export_photos
    from desk_app.vision.engines import load_engine
    from desk_app.vision.quality import LandmarkModel

    sign_in_for_command(application, operator, password_file)
    result = export_photos(
        application.database,
        since.date(),
        out,
        engine=load_engine(application.settings.faces.engine),
        landmarks=LandmarkModel(),
        operator_id=operator,
        reason=reason,
    )
    click.echo(
        f"wrote {out}: {result.photos} photos ({result.flagged} with problems), "
        f"{result.missing} confirmations without a usable capture"
    )


def register(root: click.Group) -> None:
    """Add ``import`` and ``export`` to the root group."""
    root.add_command(import_group)
    root.add_command(export_group)
