"""``desk-app id …``: validate a document number and show what it encodes (no database)."""

from __future__ import annotations

import json

import click

from desk_app.cli.common import common_options, fail
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError
from desk_app.domain.time import china_today
from desk_app.idcard.rules import validate_document


@click.group("id")
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
        fail(f"invalid: {error.message} [{error.code}]")
        return
    if as_json:
        facts = {key.replace(" ", "_"): value for key, value in document.facts}
        payload = {"number": document.number, "type": document_type, **facts}
        click.echo(json.dumps(payload, ensure_ascii=False, default=str))
        return
    click.echo(f"valid {DocumentType(document_type).value}: {document.number}")
    for key, value in document.facts:
        click.echo(f"  {key}: {value}")


def register(root: click.Group) -> None:
    """Add ``id`` to the root group."""
    root.add_command(id_group)
