"""The command line of the central side: ``desk-app central …`` for the administrator of the
central database and its sync service (schema, roster, counters and their enrolment, serving).

Every command takes the database URL without a password; libpq finds the password in
PGPASSWORD, ~/.pgpass or a service file, so it never appears in argv, a message or a log.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
import platformdirs
from sqlalchemy.engine import make_url

from desk_app.cli.common import (
    blocklist_line,
    common_options,
    daily_report_options,
    fail,
    password_file_option,
    read_password,
    settings_from,
    terminal_progress,
)
from desk_app.domain.masking import mask_document_number
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.reports.daily import write_daily_report
from desk_app.security import audit
from desk_app.security.operators import sign_in
from desk_app.services.blocklist import require_supervisor
from desk_app.services.retention import purge_face_data
from desk_app.services.roster_import import import_roster
from desk_app.services.statistics import daily_statistics_in, require_statistics_role
from desk_app.sync.blocklist import CentralBlocklist
from desk_app.sync.central import CentralDatabase
from desk_app.sync.counter_audit import CounterAudit
from desk_app.sync.operators import CentralOperators
from desk_app.sync.privileges import DEFAULT_SERVICE_ROLE, grant_service_role
from desk_app.sync.protocol import CounterScope, masked_url
from desk_app.sync.registry import CounterRegistry
from desk_app.sync.service import ensure_service_key
from desk_app.sync.tls import ensure_certificate, fingerprint


def _default_state_dir() -> Path:
    return Path(platformdirs.user_data_dir("desk-app")) / "central-service"


@contextmanager
def _central(url: str, *, media_key: bytes | None = None) -> Iterator[CentralDatabase]:
    database = CentralDatabase.connect(url, media_key=media_key)
    try:
        yield database
    finally:
        database.close()


def _no_password(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if make_url(value).password is not None:
        raise click.BadParameter(
            "no password in the URL (it would show in the process list and in logs): put it in "
            "PGPASSWORD, ~/.pgpass or a PostgreSQL service file"
        )
    return value


_central_url = click.option(
    "--url",
    "url",
    required=True,
    envvar="DESK_APP_CENTRAL_URL",
    callback=_no_password,
    help="SQLAlchemy URL of the central PostgreSQL database, without a password "
    "(env DESK_APP_CENTRAL_URL; the password comes from PGPASSWORD, ~/.pgpass or a service file).",
)


def _read_media_key(path: Path | None) -> bytes:
    path = path or _default_state_dir() / "media.key"
    if not path.is_file():
        fail(
            f"no media key at {path}: give --media-key-file, the media.key that 'central serve' "
            "made in its state folder (the central photos and templates are sealed with it)"
        )
    return path.read_bytes()


_media_key_file = click.option(
    "--media-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="DESK_APP_CENTRAL_MEDIA_KEY_FILE",
    help="The key that seals face media in the central database (default: media.key in the "
    "service's state folder; env DESK_APP_CENTRAL_MEDIA_KEY_FILE).",
)


@click.group()
def central() -> None:
    """The central database that every counter synchronises with."""


@central.command("init")
@_central_url
@click.option(
    "--service-role", default=DEFAULT_SERVICE_ROLE, show_default=True,
    help="The login role 'central serve' uses, with least privilege.",
)  # fmt: skip
def central_init(url: str, service_role: str) -> None:
    """Create the central database's schema, or upgrade it (as the URL's user, the owner), and
    give the sync service's role only the rights serving counters needs."""
    with _central(url) as database:
        database.upgrade()
        grant_service_role(database.engine, service_role)
    click.echo(f"central database ready: {masked_url(url)}")
    click.echo(
        f"the sync service connects as role {service_role} (set its password with ALTER ROLE "
        "if the server asks for one, and give it to the service in ~/.pgpass)"
    )


@central.command("load-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_central_url
@click.option(
    "--photos", type=click.Path(exists=True, path_type=Path), help="Folder or ZIP of e-photos."
)
@click.option("--skip-invalid", is_flag=True, help="Load the good rows; report the bad ones.")
@click.option("--operator", default="system", help="Who is loading (for the audit chain).")
@_media_key_file
@common_options
@click.pass_context
def central_load_roster(
    ctx: click.Context,
    file: Path,
    url: str,
    photos: Path | None,
    skip_invalid: bool,
    operator: str,
    media_key_file: Path | None,
) -> None:
    """Load pre-registrations into the central database (the counter's importer and rules)."""
    settings = settings_from(ctx)
    media_key = _read_media_key(media_key_file) if photos else None
    database = CentralDatabase.connect(url, media_key=media_key)
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


def _scope(areas: str, tutoring_unit: str | None) -> CounterScope:
    if bool(areas.strip()) == bool(tutoring_unit):
        fail("give either --areas or --tutoring-unit [sync.bad_scope]")
    return CounterScope.parse(areas, tutoring_unit)


@central.group("counters")
def counters() -> None:
    """Counters, their enrolment and their scope (set only here, never at a counter)."""


@counters.command("add")
@click.option("--site", "site_id", required=True, help="Site id.")
@click.option("--counter", "counter_id", required=True, help="Counter id (unique centrally).")
@click.option("--areas", default="", help="Exam areas served, comma-separated.")
@click.option("--tutoring-unit", default=None, help="The tutoring unit served instead.")
@_central_url
def counters_add(
    site_id: str, counter_id: str, areas: str, tutoring_unit: str | None, url: str
) -> None:
    """Register a counter and print its one-time enrolment code (valid for 24 hours)."""
    scope = _scope(areas, tutoring_unit)
    with _central(url) as database:
        code = CounterRegistry(database).add_counter(site_id, counter_id, scope)
    click.echo(f"counter {counter_id} at site {site_id}; enrolment code (valid 24 h, once):")
    click.echo(code)


@counters.command("set-scope")
@click.argument("counter_id")
@click.option("--areas", default="", help="Exam areas served, comma-separated.")
@click.option("--tutoring-unit", default=None, help="The tutoring unit served instead.")
@_central_url
def counters_set_scope(counter_id: str, areas: str, tutoring_unit: str | None, url: str) -> None:
    """Change what a counter serves; a widened scope is pulled whole at its next sync."""
    scope = _scope(areas, tutoring_unit)
    with _central(url) as database:
        CounterRegistry(database).set_scope(counter_id, scope)
    click.echo(f"counter {counter_id} now serves {scope.areas_text or scope.tutoring_unit}")


@counters.command("revoke")
@click.argument("counter_id")
@_central_url
def counters_revoke(counter_id: str, url: str) -> None:
    """Refuse a counter from its next request on (it must enrol again with a new code)."""
    with _central(url) as database:
        CounterRegistry(database).revoke(counter_id)
    click.echo(f"counter {counter_id} revoked")


@counters.command("list")
@_central_url
def counters_list(url: str) -> None:
    """Every counter with its scope, enrolment and last contact."""
    with _central(url) as database:
        rows = CounterRegistry(database).counters()
    for row in rows:
        state = (
            "revoked"
            if row.revoked_at
            else ("enrolled" if row.enrolled_at else "waiting for enrolment")
        )
        serves = row.scope.areas_text or f"unit {row.scope.tutoring_unit}"
        seen = row.last_seen_at.isoformat(timespec="seconds") if row.last_seen_at else "never"
        problem = f"  AUDIT: {row.audit_problem}" if row.audit_problem else ""
        click.echo(f"{row.site_id}/{row.counter_id}  {serves}  {state}  last seen {seen}{problem}")


@counters.command("clear-audit")
@click.argument("counter_id")
@click.option("--note", required=True, help="What was found and decided (kept in the audit).")
@_central_url
def counters_clear_audit(counter_id: str, note: str, url: str) -> None:
    """Release a counter held for a rewritten audit history, once someone has looked."""
    with _central(url) as database:
        problem = CounterAudit(database).clear(counter_id, note=note)
    click.echo(f"counter {counter_id} released ({problem or 'it was not held'})")


@central.group("audit")
def audit_group() -> None:
    """The central audit chain and every counter's chain as the centre holds it."""


@audit_group.command("verify")
@_central_url
@click.option(
    "--audit-key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None, help="The service's audit key: check that its entries were not forged.",
)  # fmt: skip
def audit_verify(url: str, audit_key_file: Path | None) -> None:
    """Check the central chain and each counter's; exit 1 naming every break or held counter."""
    problems: list[str] = []
    key = audit_key_file.read_bytes() if audit_key_file else None
    with _central(url) as database:
        with Database(database.engine).reading() as uow:
            result = audit.verify(uow.session, mac_key=key)
        if result.intact:
            click.echo(f"central audit chain intact: {result.count} entries")
        else:
            problems.append(f"central chain: {result.problem}")
        counter_audit = CounterAudit(database)
        for row in CounterRegistry(database).counters():
            problem = counter_audit.verify(row.counter_id)
            if problem:
                problems.append(f"counter {row.counter_id}: {problem}")
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("every counter's audit chain intact")


@central.command("purge")
@_central_url
@click.option(
    "--before", type=click.DateTime(["%Y-%m-%d"]), default=None,
    help="Records decided before this day (default: [privacy] retention_days ago).",
)  # fmt: skip
@click.option("--operator", required=True, help="A supervisor or administrator (signs in).")
@password_file_option
@_media_key_file
@common_options
@click.pass_context
def central_purge(
    ctx: click.Context,
    url: str,
    before: datetime | None,
    operator: str,
    password_file: Path | None,
    media_key_file: Path | None,
) -> None:
    """Remove the live captures, card portraits and face templates the central database keeps
    of records decided before DATE; decisions, the audit chain and a hash of each stay."""
    settings = settings_from(ctx)
    with _central(url, media_key=_read_media_key(media_key_file)) as database:
        writer = database.writer_database()
        try:
            sign_in(writer, operator, read_password(password_file))
            report = purge_face_data(
                writer,
                operator,
                before.date() if before else None,
                retention_days=settings.privacy.retention_days,
            )
        finally:
            writer.close()
    click.echo(
        f"purged central face data of {report.records} records decided before "
        f"{report.before.isoformat()}: {report.photos} photos, {report.templates} templates"
    )


@central.command("seal-media")
@_central_url
@_media_key_file
def central_seal_media(url: str, media_key_file: Path | None) -> None:
    """Seal the photos and face templates stored in the clear before the central database
    sealed face media (run once after upgrading; safe to run again)."""
    with _central(url, media_key=_read_media_key(media_key_file)) as database:
        photos, templates = database.seal_stored_media()
    click.echo(f"sealed {photos} photos and {templates} face templates")


@central.command("report")
@_central_url
@daily_report_options
@click.option("--operator", required=True, help="A central supervisor or administrator (signs in).")
@password_file_option
def central_report(
    url: str, day: datetime, out: Path, operator: str, password_file: Path | None
) -> None:
    """The daily report across every counter (desk_app.services.statistics on the central
    store's transitions; the same figures as each counter's ``report daily``)."""
    with _central(url) as database:
        writer = database.writer_database()
        try:
            sign_in(writer, operator, read_password(password_file))
            require_statistics_role(writer, operator)
        finally:
            writer.close()
        figures = database.read(
            lambda session: daily_statistics_in(session, day.date(), scope="central")
        )
    write_daily_report(figures, out)
    click.echo(f"wrote {out}: {figures.decisions} decisions from {len(figures.counters)} counters")


@central.group("blocklist")
def blocklist_group() -> None:
    """The authority's blocklist: every enrolled counter pulls it with its roster."""


_supervisor = click.option("--operator", required=True, help="A central supervisor (signs in).")
_reason = click.option("--reason", required=True, help="Why (shown to whoever hits it).")


def _signed_in_supervisor(
    database: CentralDatabase, operator: str, password_file: Path | None
) -> None:
    writer = database.writer_database()
    try:
        sign_in(writer, operator, read_password(password_file))
        with writer.reading() as uow:
            require_supervisor(uow.session, operator)
    finally:
        writer.close()


@blocklist_group.command("add-number")
@_central_url
@_supervisor
@_reason
@password_file_option
def central_block_number(url: str, operator: str, reason: str, password_file: Path | None) -> None:
    """Block an ID number at every counter (asked for, never taken from the command line)."""
    with _central(url) as database:
        _signed_in_supervisor(database, operator, password_file)
        number = str(click.prompt("ID number", hide_input=True))
        uid = CentralBlocklist(database).add_number(number, reason, by=operator)
    click.echo(f"blocked {mask_document_number(number.strip().upper())} everywhere (entry {uid})")


@blocklist_group.command("add-face")
@click.argument("registration_id")
@_central_url
@_supervisor
@_reason
@password_file_option
@_media_key_file
def central_block_face(
    registration_id: str,
    url: str,
    operator: str,
    reason: str,
    password_file: Path | None,
    media_key_file: Path | None,
) -> None:
    """Block, at every counter, the live faces the central side holds of a revoked case."""
    with _central(url, media_key=_read_media_key(media_key_file)) as database:
        _signed_in_supervisor(database, operator, password_file)
        uids = CentralBlocklist(database).add_faces_of_case(registration_id, reason, by=operator)
    click.echo(f"blocked {len(uids)} face(s) of {registration_id} everywhere")


@blocklist_group.command("remove")
@click.argument("uid")
@_central_url
@_supervisor
@_reason
@password_file_option
def central_unblock(
    uid: str, url: str, operator: str, reason: str, password_file: Path | None
) -> None:
    """Lift an entry everywhere (counters take it at their next sync)."""
    with _central(url) as database:
        _signed_in_supervisor(database, operator, password_file)
        CentralBlocklist(database).remove(uid, reason, by=operator)
    click.echo(f"lifted entry {uid}")


@blocklist_group.command("list")
@_central_url
@_supervisor
@password_file_option
def central_blocklist(url: str, operator: str, password_file: Path | None) -> None:
    """The entries in force: numbers masked, faces by their case."""
    with _central(url) as database:
        _signed_in_supervisor(database, operator, password_file)
        for entry in CentralBlocklist(database).listed():
            click.echo(blocklist_line(entry))


@central.group("operators")
def operators() -> None:
    """Operators: created, deactivated and given passwords here; counters pull them."""


@operators.command("add")
@click.argument("operator_id")
@click.option("--name", required=True, help="The name shown at the counter.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--unit", default=None, help="Tutoring unit (for tutoring_unit_staff).")
@click.option("--site", "site_id", default=None, help="Site whose counters get them (all if none).")
@password_file_option
@_central_url
def operators_add(
    operator_id: str,
    name: str,
    role: str,
    unit: str | None,
    site_id: str | None,
    password_file: Path | None,
    url: str,
) -> None:
    """Create an operator; their site's counters pull them at the next sync."""
    password = read_password(password_file, confirm=True)
    with _central(url) as database:
        CentralOperators(database).add(
            site_id=site_id,
            operator_id=operator_id,
            display_name=name,
            role=Role(role),
            password=password,
            tutoring_unit=unit,
        )
    click.echo(f"operator {operator_id} ({role}) added for {site_id or 'every site'}")


@operators.command("deactivate")
@click.argument("operator_id")
@_central_url
def operators_deactivate(operator_id: str, url: str) -> None:
    """Stop an operator signing in anywhere (counters take it at their next sync)."""
    with _central(url) as database:
        CentralOperators(database).deactivate(operator_id)
    click.echo(f"operator {operator_id} deactivated")


@operators.command("reset-password")
@click.argument("operator_id")
@password_file_option
@_central_url
def operators_reset_password(operator_id: str, password_file: Path | None, url: str) -> None:
    """Give an operator a new password."""
    password = read_password(password_file, confirm=True)
    with _central(url) as database:
        CentralOperators(database).reset_password(operator_id, password)
    click.echo(f"operator {operator_id} has a new password")


@operators.command("list")
@_central_url
def operators_list(url: str) -> None:
    """Every operator with role, unit, site and whether active."""
    with _central(url) as database:
        rows = CentralOperators(database).listed()
    for row in rows:
        unit = f" ({row.tutoring_unit})" if row.tutoring_unit else ""
        click.echo(
            f"{row.operator_id}  {row.display_name}  {row.role.value}{unit}  "
            f"{row.site_id or 'every site'}  {'active' if row.active else 'inactive'}"
        )


@central.command("serve")
@_central_url
@click.option("--listen", default="127.0.0.1:8443", show_default=True, help="HOST:PORT.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=_default_state_dir,
    help="Where the service keeps its keys (audit.key, media.key) and, when --tls-cert is not "
    "given, its self-signed certificate. Back it up: without media.key the central photos are "
    "lost.",
)
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--audit-key-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="The key that signs central audit entries (default: made in --state-dir).",
)  # fmt: skip
@_media_key_file
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--pool-size", default=10, show_default=True, type=click.IntRange(1, 200),
    help="Database connections per worker.",
)  # fmt: skip
def central_serve(
    url: str,
    listen: str,
    state_dir: Path,
    tls_cert: Path | None,
    tls_key: Path | None,
    audit_key_file: Path | None,
    media_key_file: Path | None,
    workers: int,
    pool_size: int,
) -> None:
    """Serve the counters over HTTPS; the only process that holds database credentials."""
    import uvicorn  # only the service needs the server

    host, _, port_text = listen.rpartition(":")
    if not host or not port_text.isdigit():
        fail(f"--listen takes HOST:PORT, not {listen!r}")
    if (tls_cert is None) != (tls_key is None):
        fail("give both --tls-cert and --tls-key, or neither (a certificate is then made)")
    if tls_cert is None or tls_key is None:
        tls_cert, tls_key = ensure_certificate(state_dir, [host.strip("[]")])
    click.echo(f"service certificate SHA-256 fingerprint: {fingerprint(tls_cert.read_text())}")
    click.echo(f"serving {masked_url(url)} on https://{listen} with {workers} worker(s)")
    audit_key_file = audit_key_file or state_dir / "audit.key"
    ensure_service_key(audit_key_file)
    media_key_file = media_key_file or state_dir / "media.key"
    ensure_service_key(media_key_file)
    # The workers are separate processes that build the app from these variables.
    os.environ["DESK_APP_CENTRAL_URL"] = url
    os.environ["DESK_APP_SERVICE_AUDIT_KEY_FILE"] = str(audit_key_file)
    os.environ["DESK_APP_SERVICE_MEDIA_KEY_FILE"] = str(media_key_file)
    os.environ["DESK_APP_SERVICE_POOL_SIZE"] = str(pool_size)
    uvicorn.run(
        "desk_app.sync.service:app_from_environment",
        factory=True,
        host=host.strip("[]"),
        port=int(port_text),
        workers=workers,
        ssl_certfile=str(tls_cert),
        ssl_keyfile=str(tls_key),
        log_level="info",
        timeout_graceful_shutdown=10,
    )


def register(root: click.Group) -> None:
    """Add ``central`` to the root group."""
    root.add_command(central)
