"""Plumbing shared by every ``desk-app`` command: the one-line failure, settings from
``--db``/``--config``, the decorators that add those options and open the application, the
terminal progress counter, and the group class that turns the core's errors into one line.

It lives apart from the commands so that every command module can import it without importing
one another; it imports no command module itself.
"""

from __future__ import annotations

import functools
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from desk_app.config import Settings, load_settings
from desk_app.domain.errors import DeskError
from desk_app.domain.masking import mask_document_number
from desk_app.security.keys import write_private

if TYPE_CHECKING:
    # Imported when a command opens the application: the database and vision stacks take
    # seconds to import, and `desk-app --version` or `--help` need none of them.
    from desk_app.bootstrap import Application
    from desk_app.services.blocklist import BlocklistView

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str) -> None:
    """Print one line on stderr (whitespace folded) and exit with status 1."""
    click.echo(f"desk-app: {' '.join(message.split())}", err=True)
    sys.exit(1)


def local_user() -> str:
    """Who runs a command that names no operator, for the audit chain: ``cli:<login>``."""
    try:
        return f"cli:{getpass.getuser()}"[:40]
    except (OSError, KeyError):
        return "cli"


def write_private_text(path: Path, text: str) -> None:
    """Write a file that may hold personal data, readable by its owner only."""
    write_private(path, text.encode("utf-8"))


def settings_from(ctx: click.Context) -> Settings:
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
        from desk_app.bootstrap import build_application

        application = build_application(settings_from(click.get_current_context()))
        try:
            return command(application, *args, **kwargs)
        finally:
            application.close()

    return common_options(wrapper)


def terminal_progress(label: str) -> Callable[[int, int], None] | None:
    """A one-line progress counter on an interactive terminal; nothing in scripts and logs."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\r{label}: {done:,} of about {total:,}", err=True, nl=False)

    return show


class CleanErrors(click.Group):
    """Turn the core's coded errors into one line on stderr instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeskError as error:
            fail(f"{error.message} [{error.code}]")
        except OSError as error:
            fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
        except Exception as error:
            if not _is_database_error(error):
                raise
            fail(f"database error: {getattr(error, 'orig', None) or error}")
        return None


def _is_database_error(error: Exception) -> bool:
    # SQLAlchemy is imported here, on the error path, not with the command line: a database
    # error means it is loaded already.
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(error, SQLAlchemyError)


def read_password(password_file: Path | None, *, confirm: bool = False) -> str:
    """From a file's first line (for scripts) or asked without echo; never from argv, where
    every user of the machine could read it."""
    if password_file is not None:
        lines = password_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=confirm))


def sign_in_for_command(
    application: Application, operator: str | None, password_file: Path | None
) -> str:
    """Sign the operator in (password from the file or asked), with the counter's backoff and
    lockout; returns the operator id. Commands that act on someone's behalf need it."""
    from desk_app.security.operators import sign_in

    if not operator:
        raise click.UsageError("--operator is required here (the operator signs in)")
    sign_in(
        application.database,
        operator,
        read_password(password_file),
        policy=application.sign_in_policy,
    )
    return operator


def daily_report_options(command: Callable[P, R]) -> Callable[P, R]:
    """``--date`` and ``--out`` of a daily report (a counter's and the central one)."""
    command = click.option(
        "--out",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="FILE.pdf or FILE.xlsx",
    )(command)
    return click.option(
        "--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD"
    )(command)


password_file_option = click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="DESK_APP_PASSWORD_FILE",
    help="Read the password from this file's first line (env DESK_APP_PASSWORD_FILE; asked "
    "when not given).",
)


def blocklist_line(entry: BlocklistView) -> str:
    """One blocklist entry for a terminal: the number masked, the face by its case."""
    what = (
        mask_document_number(entry.document_number or "")
        if entry.kind == "id_number"
        else f"face of {entry.source_registration_id}"
    )
    if entry.central_refusal:
        shared = f"refused centrally ({entry.central_refusal})"
    else:
        shared = "shared" if entry.shared_at else "this counter only"
    return f"{entry.uid}\t{entry.kind}\t{what}\t{entry.reason}\t{entry.added_by}\t{shared}"
