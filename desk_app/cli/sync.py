"""The command line of a counter's synchronisation: ``desk-app counter …`` (its enrolment with the
central sync service, status and conflicts) and ``desk-app sync`` (the exchange).

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

from desk_app.bootstrap import (
    Application,
    build_application,
    connect_syncer,
    default_key_file,
)
from desk_app.cli.common import common_options, fail, settings_from, terminal_progress, with_app
from desk_app.domain.time import CHINA_TIME
from desk_app.sync.binding import (
    open_conflicts,
    resolve_conflict,
    sync_status,
)
from desk_app.sync.enrolment import enrol_counter
from desk_app.sync.protocol import CentralUnavailableError
from desk_app.sync.syncer import Syncer, SyncOptions


@click.group()
def counter() -> None:
    """This counter's binding to the central database."""


@counter.command("enrol")
@click.option("--server", "server_url", required=True, help="https://HOST:PORT of the service.")
@click.option(
    "--code", prompt="Enrolment code", hide_input=True, envvar="DESK_APP_ENROLMENT_CODE",
    help="The one-time code from 'desk-app central counters add' (asked when not given).",
)  # fmt: skip
@click.option("--fingerprint", default=None, help="The service certificate's SHA-256 fingerprint.")
@click.option(
    "--ca-file", type=click.Path(exists=True, dir_okay=False), default=None,
    help="A CA file that vouches for the service's certificate (instead of --fingerprint).",
)  # fmt: skip
@click.option(
    "--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Where to keep this counter's private key (default: beside its database).",
)  # fmt: skip
@click.option("--operator", default="system", help="Who enrols (for the audit chain).")
@with_app
def counter_enrol(
    application: Application,
    server_url: str,
    code: str,
    fingerprint: str | None,
    ca_file: str | None,
    key_file: Path | None,
    operator: str,
) -> None:
    """Enrol this counter with the central sync service (its own key; no database password)."""
    binding = enrol_counter(
        application.database,
        server_url=server_url,
        code=code,
        key_file=key_file or default_key_file(application.settings.database_url),
        expected_fingerprint=fingerprint,
        ca_file=ca_file,
        operator_id=operator,
    )
    served = binding.exam_areas or f"unit {binding.tutoring_unit}"
    click.echo(f"counter {binding.counter_id} at site {binding.site_id} enrolled with {server_url}")
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
    """Add ``counter`` and ``sync`` to the root group."""
    for command in (counter, sync_command):
        root.add_command(command)
