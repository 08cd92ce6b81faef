"""``desk-app demo`` fills a new database with synthetic data; ``demo_tour`` is what
``desk-app --demo`` shows where the counter GUI is not installed.

The tour is called by the root group (``desk_app.cli.root``), which is why it is public.
"""

from __future__ import annotations

from pathlib import Path

import click
import platformdirs

from desk_app.bootstrap import Application, build_application
from desk_app.cli.common import fail, settings_from, with_app
from desk_app.domain.documents import DocumentType
from desk_app.domain.masking import mask_document_number
from desk_app.domain.workflow import CandidateState
from desk_app.persistence.repositories import CandidateRepository
from desk_app.security import audit
from desk_app.services.demo import DEMO_PASSWORD, build_demo, has_candidates


@click.command("demo")
@click.option("--candidates", default=200, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=2026, show_default=True, type=int)
@with_app
def demo_command(application: Application, candidates: int, seed: int) -> None:
    """Fill an empty database with a realistic synthetic roster, operators and a few decisions."""
    if has_candidates(application.database):
        fail("the database already holds candidates; give --db a new file for the demo")
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


def demo_tour(ctx: click.Context) -> None:
    """The core's whole flow, step by step: what ``desk-app --demo`` shows where the GUI is not
    installed."""
    settings = settings_from(ctx)
    if not ctx.find_root().meta.get("db"):
        demo_file = Path(platformdirs.user_data_dir("desk-app")) / "demo.db"
        settings = settings.with_database(str(demo_file))
    application = build_application(settings)
    try:
        if not has_candidates(application.database):
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


def register(root: click.Group) -> None:
    """Add ``demo`` to the root group."""
    root.add_command(demo_command)
