"""``desk-app card …``: read resident ID cards from photographs, as the counter's camera
reader does (fields, checks and the portrait crop); no database.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
import cv2

from desk_app.cli.common import common_options, settings_from
from desk_app.domain.errors import DeskError
from desk_app.idcard.camera_reader import CardImageReader, CardImageReading, CardProblem
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
    help="Folder for the portrait crops (default: a new private temporary folder).",
)
@common_options  # accepted like everywhere else, though reading a card needs no database
def card_read(images: tuple[Path, ...], as_json: bool, portrait_dir: Path | None) -> None:
    """Read resident ID cards from images: fields, checks and the portrait crop.

    Exit status 1 when any image had a problem (no card, unreadable number, failed check,
    expired card …); every image is still reported.
    """
    configure_image_limits(settings_from(click.get_current_context()).privacy.max_image_pixels)
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


def register(root: click.Group) -> None:
    """Add ``card`` to the root group."""
    root.add_command(card_group)
