"""``desk-app card …``: read resident ID cards from photographs, as the counter's camera
reader does (fields, checks and the portrait crop); no database.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click
import cv2

from desk_app.bootstrap import build_application
from desk_app.cli.common import (
    common_options,
    local_user,
    password_file_option,
    settings_from,
    sign_in_for_command,
)
from desk_app.domain.errors import DeskError
from desk_app.domain.masking import mask_document_number
from desk_app.idcard.camera_reader import CardImageReader, CardImageReading, CardProblem
from desk_app.security.keys import write_private
from desk_app.services.access import authorise_unmask
from desk_app.vision.images import configure_image_limits, read_bgr


@click.group("card")
def card_group() -> None:
    """ID cards held up to the camera or photographed."""


@card_group.command("read")
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON array, an object per image.")
@click.option(
    "--portraits",
    "portrait_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the portrait crops in this folder (files readable by their owner only); "
    "without it no portrait is written anywhere.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Print full ID numbers (a supervisor or administrator, with --operator and --reason; "
    "audited in the counter database).",
)
@click.option("--operator", default=None, help="Who asks for --full.")
@click.option("--reason", default="", help="Why the full numbers are needed (with --full).")
@password_file_option
@common_options  # the database is used only to audit --full
def card_read(
    images: tuple[Path, ...],
    as_json: bool,
    portrait_dir: Path | None,
    full: bool,
    operator: str | None,
    reason: str,
    password_file: Path | None,
) -> None:
    """Read resident ID cards from images: fields, checks and the portrait crop.

    ID numbers are printed masked unless --full. Exit status 1 when any image had a problem
    (no card, unreadable number, failed check, expired card …); every image is still reported.
    """
    settings = settings_from(click.get_current_context())
    configure_image_limits(settings.privacy.max_image_pixels)
    if full:
        application = build_application(settings)
        try:
            sign_in_for_command(application, operator, password_file)
            authorise_unmask(
                application.database,
                operator or local_user(),
                subject=", ".join(path.name for path in images),
                reason=reason,
                what="card_read",
            )
        finally:
            application.close()
    reader = CardImageReader()
    results = []
    for image_path in images:
        try:
            image = read_bgr(image_path)
        except DeskError as error:  # unreadable, or a header over the pixel cap
            code = error.code if error.code.startswith("image.too") else "card.image_unreadable"
            reading = CardImageReading(None, problems=[CardProblem(
                code, f"{image_path} is not a readable image file ({error.code})"
            )])  # fmt: skip
        else:
            reading = reader.read(image)
        saved = None
        if reading.portrait is not None and portrait_dir is not None:
            saved = str(_save_portrait(portrait_dir, image_path.stem, reading.portrait))
        result = {"image": str(image_path), **reading.as_dict(saved)}
        if not full:
            result = _masked(result)
        results.append(result)
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        for result in results:
            _print_card(result)
    if any(result["errors"] for result in results):
        sys.exit(1)


_LONG_NUMBER = re.compile(r"\d{6,}[\dXx]*")


def _masked(result: dict[str, Any]) -> dict[str, Any]:
    """The result with the ID number masked, in its field and in any message."""
    masked = dict(result)
    if masked.get("id_number"):
        masked["id_number"] = mask_document_number(str(masked["id_number"]))
    masked["errors"] = [
        {**error, "message": _LONG_NUMBER.sub(lambda m: mask_document_number(m.group()),
                                              str(error.get("message", "")))}
        for error in masked.get("errors", [])
    ]  # fmt: skip
    return masked


def _save_portrait(folder: Path, stem: str, portrait: Any) -> Path:
    """The crop as a PNG readable by its owner only, in a folder only they can list."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    ok, encoded = cv2.imencode(".png", portrait)
    if not ok:
        raise DeskError("the portrait could not be encoded", code="card.portrait_unwritable")
    target = folder / f"{stem}.portrait.png"
    write_private(target, encoded.tobytes())
    return target


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


def register(root: click.Group) -> None:
    """Add ``card`` to the root group."""
    root.add_command(card_group)
