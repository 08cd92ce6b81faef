"""The ``desk-app`` command line.

Every command takes ``--db PATH_OR_URL`` (or ``DESK_APP_DB``) and ``--config FILE`` (or
``DESK_APP_CONFIG``). Bad input gives one clear line on stderr and a non-zero exit status, never a
traceback: 1 for a refused request (a rule broken, a bad file), 2 for a wrong command line.
"""

from __future__ import annotations

import csv
import functools
import json
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
import cv2
import numpy as np
import platformdirs
from sqlalchemy.exc import SQLAlchemyError

from desk_app.bootstrap import Application, build_application, load_face_engine
from desk_app.config import ENGINES, Settings, load_settings, write_thresholds
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError
from desk_app.domain.matching import Thresholds
from desk_app.domain.time import CHINA_TIME, china_today
from desk_app.domain.workflow import Action, CandidateState, ReasonCode, Role
from desk_app.idcard.camera_reader import CardImageReader, CardImageReading, CardProblem
from desk_app.idcard.protocol import LONG_TERM, CardText, Command
from desk_app.idcard.reader import ChipReader
from desk_app.idcard.rules import validate_document
from desk_app.idcard.simulator import Faults, ReaderSimulator, demo_cards, load_cards
from desk_app.persistence.database import schema_revision, upgrade_schema
from desk_app.persistence.repositories import (
    CandidateRepository,
    OperatorRepository,
    TicketRepository,
)
from desk_app.security import audit
from desk_app.security.operators import add_operator
from desk_app.services.counter import mask_document_number
from desk_app.services.demo import DEMO_PASSWORD, build_demo
from desk_app.services.export import export_confirmed
from desk_app.services.roster_import import ImportReport, import_roster
from desk_app.services.workflow import ChangeSet, Decision
from desk_app.vision.calibration import calibrate, plot_det, report_markdown
from desk_app.vision.pairs import TemplateCache, score_pairs

P = ParamSpec("P")
R = TypeVar("R")


def _fail(message: str) -> None:
    click.echo(f"desk-app: {' '.join(message.split())}", err=True)
    sys.exit(1)


def _load(ctx: click.Context) -> Settings:
    """Settings from the options given on this command or on the group before it."""
    options: dict[str, Any] = ctx.find_root().meta
    settings = load_settings(options.get("config"))
    if options.get("db"):
        settings = settings.with_database(options["db"])
    return settings


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is not None:
        ctx.find_root().meta[param.name or ""] = value
    return value


def common_options(command: Callable[P, R]) -> Callable[P, R]:
    """``--db`` and ``--config`` on every command, wherever they are written on the line."""
    command = click.option(
        "--db",
        envvar="DESK_APP_DB",
        expose_value=False,
        callback=_remember,
        is_eager=True,
        help="Database file or SQLAlchemy URL (env DESK_APP_DB).",
    )(command)
    return click.option(
        "--config",
        envvar="DESK_APP_CONFIG",
        expose_value=False,
        callback=_remember,
        is_eager=True,
        type=click.Path(dir_okay=False),
        help="Settings file (env DESK_APP_CONFIG).",
    )(command)


def with_app(command: Callable[..., R]) -> Callable[..., R]:
    """Open the application for the command and close it afterwards."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        application = build_application(_load(click.get_current_context()))
        try:
            return command(application, *args, **kwargs)
        finally:
            application.close()

    return common_options(wrapper)


class _CleanErrors(click.Group):
    """Turn the core's coded errors into one line on stderr instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeskError as error:
            _fail(f"{error.message} [{error.code}]")
        except SQLAlchemyError as error:
            _fail(f"database error: {getattr(error, 'orig', None) or error}")
        except OSError as error:
            _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
        return None


@click.group(cls=_CleanErrors, invoke_without_command=True)
@click.option("--demo", is_flag=True, help="Open on a demo database (created when missing).")
@common_options
@click.version_option(package_name="desk-app")
@click.pass_context
def main(ctx: click.Context, demo: bool) -> None:
    """Confirmation Desk: on-site identity confirmation of self-study examination candidates."""
    if ctx.invoked_subcommand is not None:
        return
    gui = _counter_gui()
    if gui is not None:
        database_given = bool(ctx.find_root().meta.get("db"))
        sys.exit(gui(_load(ctx), demo=demo, database_given=database_given))
    if demo:
        _demo_tour(ctx)
        return
    click.echo(ctx.get_help())


def _counter_gui() -> Callable[..., int] | None:
    """The counter GUI, registered by the ``ui`` package under the ``desk_app.gui`` entry point
    (the core never imports Qt); None where it is not installed."""
    for entry_point in entry_points(group="desk_app.gui"):
        gui: Callable[..., int] = entry_point.load()
        return gui
    return None


# --- database -------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@common_options
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create the database or bring its schema up to date."""
    application = build_application(_load(ctx), upgrade=False)
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
    application = build_application(_load(ctx), upgrade=False)
    try:
        current, head = schema_revision(application.database.engine)
        click.echo(f"database: {application.settings.database_url}")
        click.echo(f"schema revision: {current or 'none'} (newest {head})")
        if current != head:
            sys.exit(1)
    finally:
        application.close()


# --- audit ----------------------------------------------------------------------------------


@main.group("audit")
def audit_group() -> None:
    """The tamper-evident audit chain."""


@audit_group.command("verify")
@with_app
def audit_verify(application: Application) -> None:
    """Check every link of the chain; exit 1 naming the first bad entry."""
    with application.database.reading() as uow:
        result = audit.verify(uow.session)
    if not result.intact:
        _fail(f"audit chain broken at entry {result.first_bad_sequence}: {result.problem}")
    click.echo(f"audit chain intact: {result.count} entries")


# --- import and export ----------------------------------------------------------------------


@main.group("import")
def import_group() -> None:
    """Bring data in."""


def _terminal_progress(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress counter on an interactive terminal; nothing in scripts and logs."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\r{label}: {done:,} of about {total:,}", err=True, nl=False)

    return show


def _print_import_report(report: ImportReport, out: Path | None) -> None:
    lines = [
        f"row {problem.row_number}, {problem.column or 'row'}: {problem.reason} [{problem.code}]"
        for problem in sorted(report.problems, key=lambda p: (p.row_number, p.column))
    ]
    if out is not None:
        out.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
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
        progress=_terminal_progress("reading rows"),
    )
    if sys.stderr.isatty():
        click.echo(err=True)
    _print_import_report(report, report_path)
    if not report.imported:
        bad = len({problem.row_number for problem in report.problems})
        _fail(
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


@main.group("export")
def export_group() -> None:
    """Send data out."""


@export_group.command("confirmed")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--operator", default="system", help="Who is exporting (for the audit chain).")
@with_app
def export_confirmed_command(
    application: Application, since: Any, out: Path, operator: str
) -> None:
    """Write confirmations since a date to CSV or XLSX for upload to the platform."""
    count = export_confirmed(application.database, since.date(), out, operator_id=operator)
    click.echo(f"wrote {count} confirmations to {out}")


# --- demo -----------------------------------------------------------------------------------


@main.command("demo")
@click.option("--candidates", default=200, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=2026, show_default=True, type=int)
@with_app
def demo_command(application: Application, candidates: int, seed: int) -> None:
    """Fill an empty database with a realistic synthetic roster, operators and a few decisions."""
    with application.database.reading() as uow:
        if sum(CandidateRepository(uow.session).count_by_state().values()):
            _fail("the database already holds candidates; give --db a new file for the demo")
    summary = build_demo(
        application.database,
        application.workflow,
        ticket_layout=application.ticket_layout,
        count=candidates,
        data_dir=Path(application.settings.paths.data_dir),
        seed=seed,
    )
    click.echo(
        f"demo database ready: {summary.candidates} candidates, {summary.photos} e-photos, "
        f"{len(summary.confirmed)} confirmed, {len(summary.referred)} referred"
    )
    click.echo(f"operators: {', '.join(summary.operators)} (password: {DEMO_PASSWORD})")


def _demo_tour(ctx: click.Context) -> None:
    """What ``make run`` shows until the counter GUI lands: the core's whole flow, step by step."""
    settings = _load(ctx)
    if not ctx.find_root().meta.get("db"):
        demo_file = Path(platformdirs.user_data_dir("desk-app")) / "demo.db"
        settings = settings.with_database(str(demo_file))
    application = build_application(settings)
    try:
        with application.database.reading() as uow:
            empty = not sum(CandidateRepository(uow.session).count_by_state().values())
        if empty:
            click.echo(f"creating a demo database at {settings.database_url} ...")
            build_demo(
                application.database,
                application.workflow,
                ticket_layout=application.ticket_layout,
                data_dir=Path(settings.paths.data_dir),
            )
        with application.database.reading() as uow:
            repository = CandidateRepository(uow.session)
            counts = repository.count_by_state()
            waiting = repository.search(states=[CandidateState.PRE_REGISTERED.value], limit=500)
            chip = [c for c in waiting if DocumentType(c.document_type).has_chip]
        click.echo(f"database: {settings.database_url}")
        click.echo("records by state: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        if chip:
            candidate = chip[0]
            click.echo(
                f"confirming {candidate.registration_id} {candidate.name} "
                f"({mask_document_number(candidate.document_number)}) as clerk01 ..."
            )
            change = application.workflow.confirm(candidate.registration_id, "clerk01")
            click.echo(f"  -> {change.new_state.value}, admission ticket {change.ticket_number}")
        with application.database.reading() as uow:
            result = audit.verify(uow.session)
        click.echo(
            f"audit chain intact: {result.count} entries" if result.intact else result.problem
        )
        click.echo(
            "try: desk-app candidates list --db " + settings.database_url.removeprefix("sqlite:///")
        )
    finally:
        application.close()


# --- candidates and decisions ---------------------------------------------------------------


@main.group()
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
@click.option("--operator", default="system", help="Who is looking (access is audited).")
@with_app
def candidates_show(application: Application, registration_id: str, operator: str) -> None:
    """Show one record in full with its history."""
    with application.database.unit_of_work() as uow:
        candidate = CandidateRepository(uow.session).by_registration_id(registration_id)
        if candidate is None:
            _fail(f"no pre-registration {registration_id!r}")
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


def _decision_command(action: Action, summary: str, *, needs_reason: bool) -> None:
    """Register ``desk-app <action> REGISTRATION_ID --operator ID [--reason R] [--note N]``.

    Prints the ticket number when the decision issued or kept one, else the new state.
    """

    @with_app
    def command(
        application: Application,
        registration_id: str,
        operator: str,
        note: str,
        reason: str | None = None,
    ) -> None:
        decision = Decision(reason=ReasonCode(reason) if reason else None, note=note)
        decide: Callable[[str, str, Decision], ChangeSet] = getattr(
            application.workflow, action.value
        )
        change = decide(registration_id, operator, decision)
        click.echo(change.ticket_number or change.new_state.value)

    command.__doc__ = summary
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
    main.command(action.value)(command)


_decision_command(
    Action.CONFIRM, "Confirm a record; prints the admission ticket number.", needs_reason=False
)
_decision_command(Action.REFER, "Refer a record to a supervisor.", needs_reason=True)
_decision_command(
    Action.APPROVE,
    "Approve a referred record (a supervisor other than the referrer); prints the ticket number.",
    needs_reason=False,
)
_decision_command(Action.REJECT, "Reject a record with a coded reason.", needs_reason=True)
_decision_command(
    Action.REVOKE,
    "Revoke a confirmation (supervisor); its ticket number is retired.",
    needs_reason=True,
)


# --- operators and tickets ------------------------------------------------------------------


@main.group()
def operators() -> None:
    """People who sign in."""


@operators.command("add")
@click.argument("operator_id")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--unit", default=None, help="Tutoring unit (for tutoring_unit_staff).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_app
def operators_add(
    application: Application,
    operator_id: str,
    name: str,
    role: str,
    unit: str | None,
    password: str,
) -> None:
    """Add an operator (the password is asked for, or read from --password)."""
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


@main.group()
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


# --- faces ----------------------------------------------------------------------------------


@main.group()
def faces() -> None:
    """Face matching: evaluation and calibration on a site's own photos."""


def _pairs_arguments(command: Callable[P, R]) -> Callable[P, R]:
    """PAIRS_FILE and --root, shared by the pair commands."""
    command = click.option(
        "--root",
        required=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Folder the img1/img2 paths are relative to.",
    )(command)
    return click.argument(
        "pairs_file", type=click.Path(exists=True, dir_okay=False, path_type=Path)
    )(command)


def _read_pairs(pairs_file: Path, required: set[str]) -> list[dict[str, str]]:
    with pairs_file.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    if not required <= set(columns):
        _fail(
            f"{pairs_file.name} needs the columns {', '.join(sorted(required))} "
            f"(found: {', '.join(columns) or 'none'})"
        )
    return rows


@faces.command("verify-pairs")
@_pairs_arguments
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(list(ENGINES)),
    default=None,
    help="Face engine (default: [faces] engine of the settings).",
)
@click.option(
    "--comparison",
    default="live_ephoto",
    show_default=True,
    type=click.Choice(["live_card", "live_ephoto", "card_ephoto"]),
    help="Which thresholds decide pass / review / fail.",
)
@common_options
@click.pass_context
def faces_verify_pairs(
    ctx: click.Context,
    pairs_file: Path,
    root: Path,
    out: Path,
    engine_name: str | None,
    comparison: str,
) -> None:
    """Score image pairs (CSV with img1,img2 columns): adds score, decision and reason."""
    settings = _load(ctx)
    engine_name = engine_name or settings.faces.engine
    thresholds: Thresholds = getattr(settings.thresholds_for(engine_name), comparison)
    rows = _read_pairs(pairs_file, {"img1", "img2"})
    columns = list(rows[0]) if rows else ["img1", "img2"]
    cache = TemplateCache(load_face_engine(engine_name), root)
    show = _terminal_progress("pairs scored")
    scores = score_pairs(
        cache,
        ((row["img1"], row["img2"]) for row in rows),
        progress=(lambda done: show(done, len(rows))) if show else None,
    )
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=[*columns, "score", "decision", "reason"])
        writer.writeheader()
        for row, score in zip(rows, scores, strict=True):
            if score.distance is None:
                row.update(score="", decision="error", reason=f"{score.error_code}: {score.error}")
            else:
                band = thresholds.band(score.distance)
                row.update(score=f"{score.distance:.6f}", decision=band.value, reason="")
            writer.writerow(row)
    failed = sum(1 for score in scores if score.distance is None)
    click.echo(
        f"{len(rows)} pairs, {len(cache)} distinct images ({engine_name}, "
        f"pass <= {thresholds.passing}, review <= {thresholds.review}); "
        f"{failed} pairs without a face; written to {out}",
        err=bool(show),
    )


@faces.command("calibrate")
@_pairs_arguments
@click.option("--engine", "engine_name", type=click.Choice(list(ENGINES)), default=None)
@click.option("--target-fmr", default=0.001, show_default=True, type=click.FloatRange(0, 1))
@click.option(
    "--report",
    "report_dir",
    default="calibration",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the Markdown report and the DET plot.",
)
@click.option(
    "--write-config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the thresholds into this settings file.",
)
@common_options
@click.pass_context
def faces_calibrate(
    ctx: click.Context,
    pairs_file: Path,
    root: Path,
    engine_name: str | None,
    target_fmr: float,
    report_dir: Path,
    write_config: Path | None,
) -> None:
    """Thresholds from labelled pairs (CSV with img1,img2,same): report, DET plot, config."""
    settings = _load(ctx)
    engine_name = engine_name or settings.faces.engine
    rows = _read_pairs(pairs_file, {"img1", "img2", "same"})
    cache = TemplateCache(load_face_engine(engine_name), root)
    scores = score_pairs(cache, ((row["img1"], row["img2"]) for row in rows))
    distances = np.array([np.inf if s.distance is None else s.distance for s in scores])
    same = np.array([row["same"].strip() in {"1", "true", "yes"} for row in rows])
    try:
        result = calibrate(distances[same], distances[~same], target_fmr=target_fmr)
    except ValueError as error:
        _fail(f"{pairs_file.name}: {error}")
        return
    plot = report_dir / f"det_{engine_name}.png"
    plot_det(distances[same], distances[~same], result, plot, f"{engine_name}: {pairs_file.name}")
    report = report_dir / f"calibration_{engine_name}.md"
    report.write_text(
        report_markdown(result, engine_name, len(cache.failures()), plot.name), encoding="utf-8"
    )
    click.echo(
        f"{engine_name}: pass <= {result.pass_threshold:.4f} (FMR {result.fmr:.4%}, "
        f"FNMR {result.fnmr:.2%}), review <= {result.review_threshold:.4f}; report {report}"
    )
    if target_fmr * result.impostor_pairs < 1:
        click.echo(
            f"caution: {result.impostor_pairs} impostor pairs cannot measure an FMR of "
            f"{target_fmr:g}; see the report",
            err=True,
        )
    if write_config is not None:
        write_thresholds(write_config, engine_name, result.pass_threshold, result.review_threshold)
        click.echo(f"thresholds written to {write_config} [thresholds_{engine_name}]")


# --- card reader ---------------------------------------------------------------------------


@main.group()
def reader() -> None:
    """The chip card reader (SAM protocol on a serial port)."""


def _card_json(card: CardText) -> dict[str, object]:
    return {
        "card_type": card.card_type.value,
        "name": card.name,
        "sex_code": card.sex_code,
        "ethnicity_code": card.ethnicity_code,
        "birth_date": card.birth_date.isoformat() if card.birth_date else None,
        "address": card.address,
        "id_number": card.id_number,
        "issuing_authority": card.issuing_authority,
        "valid_from": card.valid_from.isoformat() if card.valid_from else None,
        "valid_to": LONG_TERM
        if card.long_term
        else (card.valid_to.isoformat() if card.valid_to else None),
        "english_name": card.english_name,
        "nationality": card.nationality,
        "pass_number": card.pass_number,
    }


@reader.command("simulate")
@click.option(
    "--cards",
    "cards_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON list of cards (default: three synthetic resident cards).",
)
@click.option(
    "--link",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Stable path to the simulated port (default: desk-reader in the temp folder).",
)
@click.option(
    "--place", type=int, default=0, show_default=True, help="Card placed at start (-1: none)."
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    type=click.Choice(
        [
            "bad-checksum",
            "split",
            "slow",
            "no-card",
            "find-fails",
            "select-fails",
            "read-fails",
            "sam-error",
        ]
    ),
)
def reader_simulate(
    cards_file: Path | None, link: Path | None, place: int, faults: tuple[str, ...]
) -> None:
    """Answer like a card reader on a pseudo-terminal; prints its path.

    Commands on standard input: place N, lift, unplug, plug, quit.
    """
    cards = load_cards(cards_file) if cards_file else demo_cards()
    failing = {
        f"{name}-fails": command
        for name, command in (
            ("find", Command.FIND),
            ("select", Command.SELECT),
            ("read", Command.READ),
        )
    }
    simulator = ReaderSimulator(
        cards,
        link or Path(tempfile.gettempdir()) / "desk-reader",
        Faults(
            bad_checksum="bad-checksum" in faults,
            chunk_size=1 if "split" in faults else 0,
            delay=1.0 if "slow" in faults else 0.0,
            no_card="no-card" in faults,
            failing={failing[f] for f in faults if f in failing},
            sam_error="sam-error" in faults,
        ),
    )
    path = simulator.start()
    if 0 <= place < len(cards):
        simulator.place_card(place)
    click.echo(str(path))
    sys.stdout.flush()
    try:
        for line in sys.stdin:
            word, _, argument = line.strip().partition(" ")
            if word == "quit":
                break
            if word == "place":
                simulator.place_card(int(argument or 0) % len(cards))
            elif word == "lift":
                simulator.lift_card()
            elif word == "unplug":
                simulator.unplug()
            elif word == "plug":
                simulator.start()
        else:
            threading.Event().wait()  # no more input: serve until interrupted
    except KeyboardInterrupt:
        pass
    finally:
        simulator.unplug()


@reader.command("watch")
@click.option("--port", required=True, help="Serial port, e.g. /dev/ttyUSB0.")
@click.option("--baud", default=115200, show_default=True, type=int)
@click.option("--once", is_flag=True, help="Stop after the first card.")
@click.option("--timeout", default=0.0, type=float, help="Give up after this many seconds.")
def reader_watch(port: str, baud: int, once: bool, timeout: float) -> None:
    """Print card-reader events as JSON lines (cards, errors, connection changes)."""
    driver = ChipReader(port, baudrate=baud)
    deadline = time.monotonic() + timeout if timeout else None
    seen_card = threading.Event()

    def stopped() -> bool:
        expired = deadline is not None and time.monotonic() > deadline
        return expired or (once and seen_card.is_set())

    try:
        for event in driver.events(stopped):
            payload: dict[str, object] = {"event": event.kind}
            if event.card is not None:
                payload["card"] = _card_json(event.card.text)
                seen_card.set()
            if event.error is not None:
                payload["error"] = event.error.code
                payload["message"] = event.error.message
            click.echo(json.dumps(payload, ensure_ascii=False))
    except KeyboardInterrupt:
        driver.close()
    if once and not seen_card.is_set():
        _fail("no card was read before the timeout")


# --- ID numbers -----------------------------------------------------------------------------


@main.group("id")
def id_group() -> None:
    """Document numbers."""


@id_group.command("check")
@click.argument("number")
@click.option(
    "--type",
    "document_type",
    default=DocumentType.RESIDENT_ID.value,
    show_default=True,
    type=click.Choice([t.value for t in DocumentType]),
)
@click.option("--json", "as_json", is_flag=True)
@common_options  # accepted like everywhere else, though checking a number needs no database
def id_check(number: str, document_type: str, as_json: bool) -> None:
    """Validate a document number and print what it encodes (exit 1 with the rule broken)."""
    try:
        document = validate_document(DocumentType(document_type), number, today=china_today())
    except DeskError as error:
        _fail(f"invalid: {error.message} [{error.code}]")
        return
    if as_json:
        facts = {key.replace(" ", "_"): value for key, value in document.facts}
        payload = {"number": document.number, "type": document_type, **facts}
        click.echo(json.dumps(payload, ensure_ascii=False, default=str))
        return
    click.echo(f"valid {DocumentType(document_type).value}: {document.number}")
    for key, value in document.facts:
        click.echo(f"  {key}: {value}")


# --- ID cards seen by the camera ------------------------------------------------------------


@main.group("card")
def card_group() -> None:
    """ID cards held up to the camera or photographed."""


@card_group.command("read")
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON array, an object per image.")
@click.option(
    "--portraits",
    "portrait_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the portrait crops (default: a new private temporary folder).",
)
@common_options  # accepted like everywhere else, though reading a card needs no database
def card_read(images: tuple[Path, ...], as_json: bool, portrait_dir: Path | None) -> None:
    """Read resident ID cards from images: fields, checks and the portrait crop.

    Exit status 1 when any image had a problem (no card, unreadable number, failed check,
    expired card …); every image is still reported.
    """
    reader = CardImageReader()
    results = []
    for image_path in images:
        image = cv2.imread(str(image_path), cv2.IMREAD_COLOR) if image_path.is_file() else None
        if image is None:
            reading = CardImageReading(None, problems=[CardProblem(
                "card.image_unreadable", f"{image_path} is not a readable image file"
            )])  # fmt: skip
        else:
            reading = reader.read(image)
        saved = None
        if reading.portrait is not None:
            if portrait_dir is None:
                portrait_dir = Path(tempfile.mkdtemp(prefix="desk-app-portraits-"))
            portrait_dir.mkdir(parents=True, exist_ok=True)
            target = portrait_dir / f"{image_path.stem}.portrait.png"
            cv2.imwrite(str(target), reading.portrait)
            saved = str(target)
        results.append({"image": str(image_path), **reading.as_dict(saved)})
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        for result in results:
            _print_card(result)
    if any(result["errors"] for result in results):
        sys.exit(1)


_CARD_LABELS = {
    "id_number": "ID number", "name": "name", "sex": "sex", "ethnicity": "ethnicity",
    "birth_date": "birth date", "address": "address", "issuing_authority": "issuing authority",
    "valid_from": "valid from", "valid_to": "valid to", "portrait": "portrait",
}  # fmt: skip


def _print_card(result: dict[str, Any]) -> None:
    click.echo(f"{result['image']}: {result['side'] or 'no card'}")
    for key, label in _CARD_LABELS.items():
        if result.get(key) is not None:
            confidence = result["confidence"].get(key)
            suffix = f"  ({confidence:.2f})" if confidence is not None else ""
            click.echo(f"  {label}: {result[key]}{suffix}")
    for error in result["errors"]:
        where = f" [{error['field']}]" if error["field"] else ""
        click.echo(f"  problem{where}: {error['message']} [{error['code']}]")


# --- synchronisation (desk_app.cli_sync) ----------------------------------------------------
from desk_app.cli_sync import register_commands  # noqa: E402 - it builds on the helpers above

register_commands(main)
