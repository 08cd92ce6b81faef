"""The command line of synchronisation: ``desk-app central …`` (the central database),
``desk-app counter …`` (this counter's binding to it) and ``desk-app sync`` (the exchange).

Registered on the root group by ``desk_app.cli.root``; errors are worded by its group class.
Syncers are built by ``desk_app.bootstrap.connect_syncer``, like everywhere else.
"""

from __future__ import annotations

import signal
import time
from datetime import datetime
from pathlib import Path
from types import FrameType

import click

from desk_app.bootstrap import Application, build_application, connect_syncer
from desk_app.cli.common import common_options, fail, settings_from, terminal_progress, with_app
from desk_app.domain.time import CHINA_TIME
from desk_app.services.roster_import import import_roster
from desk_app.sync.binding import (
    masked_url,
    open_conflicts,
    register_counter,
    resolve_conflict,
    sync_status,
)
from desk_app.sync.central import CentralDatabase
from desk_app.sync.protocol import CentralUnavailableError, CounterScope
from desk_app.sync.syncer import Syncer, SyncOptions

_central_url = click.option(
    "--url",
    "url",
    required=True,
    envvar="DESK_APP_CENTRAL_URL",
    help="SQLAlchemy URL of the central PostgreSQL database (env DESK_APP_CENTRAL_URL).",
)


@click.group()
def central() -> None:
    """The central database that every counter synchronises with."""


@central.command("init")
@_central_url
def central_init(url: str) -> None:
    """Create the central database's schema, or upgrade it."""
    database = CentralDatabase.connect(url)
    try:
        database.upgrade()
    finally:
        database.close()
    click.echo(f"central database ready: {masked_url(url)}")


@central.command("load-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_central_url
@click.option(
    "--photos", type=click.Path(exists=True, path_type=Path), help="Folder or ZIP of e-photos."
)
@click.option("--skip-invalid", is_flag=True, help="Load the good rows; report the bad ones.")
@click.option("--operator", default="system", help="Who is loading (for the audit chain).")
@common_options
@click.pass_context
def central_load_roster(
    ctx: click.Context,
    file: Path,
    url: str,
    photos: Path | None,
    skip_invalid: bool,
    operator: str,
) -> None:
    """Load pre-registrations into the central database (the counter's importer and rules)."""
    settings = settings_from(ctx)
    database = CentralDatabase.connect(url)
    writer = database.writer_database()
    try:
        report = import_roster(
            writer,
            file,
            ticket_layout=settings.tickets.layout(),
            photos=photos,
            skip_invalid=skip_invalid,
            operator_id=operator,
            progress=terminal_progress("reading rows"),
        )
    finally:
        writer.close()
        database.close()
    for problem in report.problems[:20]:
        click.echo(f"row {problem.row_number}: {problem.reason} [{problem.code}]", err=True)
    if not report.imported:
        fail(f"nothing loaded: {len(report.problems)} problem(s) (use --skip-invalid)")
    click.echo(
        f"loaded {file.name}: {report.inserted} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.photos_stored} photos"
    )


@click.group()
def counter() -> None:
    """This counter's binding to the central database."""


@counter.command("register")
@click.option("--central", "central_url", required=True, help="URL of the central database.")
@click.option("--site", "site_id", required=True, help="Site id.")
@click.option("--counter", "counter_id", required=True, help="Counter id (unique centrally).")
@click.option("--areas", default="", help="Exam areas served, comma-separated.")
@click.option("--tutoring-unit", default=None, help="The tutoring unit served instead.")
@click.option("--operator", default="system", help="Who registers (for the audit chain).")
@with_app
def counter_register(
    application: Application,
    central_url: str,
    site_id: str,
    counter_id: str,
    areas: str,
    tutoring_unit: str | None,
    operator: str,
) -> None:
    """Bind this counter database (--db) to the central one, with its scope."""
    if bool(areas.strip()) == bool(tutoring_unit):
        fail("give either --areas or --tutoring-unit [sync.bad_scope]")
    scope = CounterScope.parse(areas, tutoring_unit)
    database = CentralDatabase.connect(central_url)
    try:
        register_counter(
            application.database,
            database,
            central_url=central_url,
            site_id=site_id,
            counter_id=counter_id,
            scope=scope,
            operator_id=operator,
        )
    finally:
        database.close()
    served = f"exam areas {scope.areas_text}" if scope.exam_areas else f"unit {tutoring_unit}"
    click.echo(f"counter {counter_id} at site {site_id} bound to {masked_url(central_url)}")
    click.echo(f"serves {served}; run 'desk-app sync --once' to fetch its candidates")


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    return moment.astimezone(CHINA_TIME).isoformat(timespec="seconds")


@counter.command("status")
@with_app
def counter_status(application: Application) -> None:
    """Online or not, last successful sync, pending events, conflicts, ticket numbers left."""
    status = sync_status(application.database, application.tickets.layout.series)
    if status is None:
        fail("this counter is not bound to a central database [sync.not_bound]")
        return
    click.echo(f"counter {status.counter_id} -> {status.central}")
    click.echo(
        f"{'online' if status.online else 'offline'}; last success {_when(status.last_success_at)}"
    )
    if status.last_error:
        click.echo(f"last error: {status.last_error}")
    click.echo(
        f"pending {status.pending}, parked {status.parked}, conflicts {status.conflicts}, "
        f"ticket numbers left {status.tickets_left}, pulled through change {status.pulled_through}"
    )


@counter.command("conflicts")
@with_app
def counter_conflicts(application: Application) -> None:
    """Local decisions the central database refused, with both versions."""
    for conflict in open_conflicts(application.database):
        local = conflict.local_version.get("event", {})
        central_state = conflict.central_version.get("state", "?")
        click.echo(
            f"#{conflict.id}  {conflict.registration_id}  {conflict.reason_code}  "
            f"local {local.get('action')} "
            f"-> {local.get('to_state')} ({local.get('ticket_number') or '-'}); central "
            f"{central_state} ({conflict.central_version.get('ticket_number') or '-'})"
        )


@counter.command("settle")
@click.argument("conflict_id", type=int)
@click.option("--operator", required=True, help="The supervisor settling it.")
@click.option("--note", default="", help="What was decided.")
@with_app
def counter_settle(application: Application, conflict_id: int, operator: str, note: str) -> None:
    """Mark a sync conflict as settled by a supervisor (the central decision stands)."""
    conflict = resolve_conflict(application.database, conflict_id, operator, note)
    click.echo(f"conflict #{conflict.id} on {conflict.registration_id} settled by {operator}")


@click.command("sync")
@click.option("--once", is_flag=True, help="One cycle (with retries), then exit.")
@click.option("--interval", default=30.0, show_default=True, type=click.FloatRange(0.01))
@click.option("--attempts", default=3, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--push-batch", default=500, show_default=True, type=click.IntRange(1, 10_000),
    help="Events per push transaction.",
)  # fmt: skip
@common_options
@click.pass_context
def sync_command(
    ctx: click.Context, once: bool, interval: float, attempts: int, push_batch: int
) -> None:
    """Exchange with the central database: lease ticket blocks, push decisions, pull the scope."""
    application = build_application(settings_from(ctx))
    if application.binding is None:
        application.close()
        fail("this counter is not bound to a central database [sync.not_bound]")
        return
    options = SyncOptions(
        push_batch=push_batch, low_water_mark=application.settings.tickets.low_water_mark
    )
    syncer = connect_syncer(application, options=options)
    try:
        if once:
            _sync_once(syncer, attempts)
            return
        stop = _stop_on_signals()
        syncer.run(
            interval_s=interval,
            stopped=lambda: stop[0],
            sleep=lambda seconds: _sleep_unless(stop, seconds),
            on_report=lambda report: click.echo(report.summary()),
            on_error=lambda error: click.echo(f"offline: {error}", err=True),
        )
    finally:
        syncer.close()
        application.close()


def _sync_once(syncer: Syncer, attempts: int) -> None:
    """One cycle; a network failure is retried with backoff, ``attempts`` times in all."""
    for attempt in range(1, attempts + 1):
        try:
            report = syncer.sync_once(terminal_progress("pulling"))
        except CentralUnavailableError as error:
            if attempt == attempts:
                raise
            click.echo(f"offline ({error.message}); retrying", err=True)
            time.sleep(syncer.backoff_delay(attempt))
            continue
        click.echo(report.summary())
        for registration_id, code in report.rejections[:20]:
            click.echo(f"refused: {registration_id} [{code}]", err=True)
        return


def _stop_on_signals() -> list[bool]:
    stop = [False]

    def request_stop(_signal: int, _frame: FrameType | None) -> None:
        stop[0] = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop


def _sleep_unless(stop: list[bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stop[0] and time.monotonic() < deadline:
        time.sleep(min(0.1, deadline - time.monotonic()))


def register(root: click.Group) -> None:
    """Add ``central``, ``counter`` and ``sync`` to the root group."""
    for command in (central, counter, sync_command):
        root.add_command(command)
