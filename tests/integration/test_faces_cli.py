"""`desk-app faces verify-pairs` on a small pairs file of real photographs."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from desk_app.cli import main
from desk_app.config import SFACE_THRESHOLDS, load_settings
from desk_app.persistence.models import AuditEntry
from desk_app.vision.chiplike import LFW_FRAMING, chip_bytes, portrait_crop
from desk_app.vision.images import load_rgb
from tests.support.factories import add_staff, make_application, set_password

KAN = "Naoto_Kan/Naoto_Kan_000{}.jpg"
KOIZUMI_IMAGE = "Junichiro_Koizumi/Junichiro_Koizumi_000{}.jpg"
PAIRS = [
    (
        "Junichiro_Koizumi/Junichiro_Koizumi_0001.jpg",
        "Junichiro_Koizumi/Junichiro_Koizumi_0002.jpg",
        "1",
    ),
    ("Junichiro_Koizumi/Junichiro_Koizumi_0001.jpg", "Abel_Pacheco/Abel_Pacheco_0001.jpg", "0"),
    ("Junichiro_Koizumi/Junichiro_Koizumi_0002.jpg", "Abel_Pacheco/Abel_Pacheco_0001.jpg", "0"),
    ("Junichiro_Koizumi/Junichiro_Koizumi_0001.jpg", "missing/photo.jpg", "0"),
]


def test_verify_pairs_scores_each_pair_and_reports_errors(tmp_path: Path, data_dir: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    with pairs.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["img1", "img2", "same"])
        writer.writerows(PAIRS)
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(
        main,
        [
            "faces",
            "verify-pairs",
            str(pairs),
            "--root",
            str(data_dir / "faces" / "lfw" / "images"),
            "--out",
            str(out),
            "--engine",
            "sface",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "4 pairs, 4 distinct images" in result.output  # each image analysed once
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["same"] for row in rows] == ["1", "0", "0", "0"]  # other columns kept
    assert rows[0]["decision"] == "pass"
    assert rows[1]["decision"] == rows[2]["decision"] == "fail"
    assert float(rows[0]["score"]) < float(rows[1]["score"])
    assert rows[3]["decision"] == "error" and rows[3]["score"] == ""
    assert rows[3]["reason"].startswith("image.unreadable")


def test_verify_pairs_needs_the_two_columns(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("a,b\nx.jpg,y.jpg\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "faces",
            "verify-pairs",
            str(pairs),
            "--root",
            str(tmp_path),
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 1
    assert "needs the columns img1, img2" in result.stderr


def _counter_with_administrator(tmp_path: Path) -> CliRunner:
    """A counter database with an administrator and a clerk who sign in with a password; the
    runner passes both the database and the password file."""
    database = tmp_path / "counter.db"
    application = make_application(f"sqlite:///{database}")
    add_staff(application.database)
    for operator_id in ("admin", "clerk"):
        set_password(application.database, operator_id, "calibrate-2026")
    application.close()
    (tmp_path / "password").write_text("calibrate-2026\n", encoding="utf-8")
    return CliRunner(
        env={"DESK_APP_DB": str(database), "DESK_APP_PASSWORD_FILE": str(tmp_path / "password")}
    )


def _threshold_audit(tmp_path: Path) -> list[tuple[str, str, dict[str, object]]]:
    application = make_application(f"sqlite:///{tmp_path / 'counter.db'}")
    try:
        with application.database.reading() as uow:
            entries = uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "settings.changed")
            ).all()
            return [(e.actor, e.subject, dict(e.details)) for e in entries]
    finally:
        application.close()


def test_calibrate_writes_a_report_a_plot_and_the_config(tmp_path: Path, data_dir: Path) -> None:
    pairs = data_dir / "faces" / "lfw" / "pairs_east_asian.csv"
    config = tmp_path / "desk.toml"
    config.write_text('[counter]\nsite_id = "NJ-01"\n', encoding="utf-8")
    result = _counter_with_administrator(tmp_path).invoke(
        main,
        [
            "faces",
            "calibrate",
            str(pairs),
            "--root",
            str(data_dir / "faces" / "lfw" / "images"),
            "--report",
            str(tmp_path / "report"),
            "--write-config",
            str(config),
            "--operator",
            "admin",
            "--reason",
            "this site's own calibration",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "cannot measure an FMR" in result.stderr  # 128 impostor pairs only
    report = (tmp_path / "report" / "calibration_sface.md").read_text(encoding="utf-8")
    assert "190 genuine and 128 impostor pairs" in report and "Caution" in report
    assert (tmp_path / "report" / "det_sface.png").read_bytes().startswith(b"\x89PNG")
    settings = load_settings(config, environ={})
    assert settings.counter.site_id == "NJ-01"  # the rest of the file is kept
    written = settings.thresholds_for("sface").live_card
    assert 0.4 < written.passing <= written.review < 1.0
    audited = {subject: details for actor, subject, details in _threshold_audit(tmp_path)}
    assert audited["[thresholds_sface] live_card_pass"] == {
        "old": SFACE_THRESHOLDS.live_card_pass,
        "new": written.passing,
        "reason": "this site's own calibration",
    }
    assert {actor for actor, _, _ in _threshold_audit(tmp_path)} == {"admin"}


def test_only_a_signed_in_administrator_writes_calibrated_limits(
    tmp_path: Path, data_dir: Path
) -> None:
    """Thresholds decide who passes: --write-config is the settings screen's rule on the
    command line (administrator, a reason for looser limits, audited), not a way around it."""
    pairs = tmp_path / "pairs.csv"
    rows = list(csv.DictReader((data_dir / "faces" / "lfw" / "pairs_east_asian.csv").open()))
    with pairs.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(
            [r for r in rows if r["same"] == "1"][:8] + [r for r in rows if r["same"] == "0"][:8]
        )
    config = tmp_path / "desk.toml"
    runner = _counter_with_administrator(tmp_path)
    base = ["faces", "calibrate", str(pairs), "--root", str(data_dir / "faces" / "lfw" / "images"),
            "--report", str(tmp_path / "report"), "--write-config", str(config)]  # fmt: skip

    nobody = runner.invoke(main, base)
    assert nobody.exit_code == 2 and "--write-config needs --operator" in nobody.output
    clerk = runner.invoke(main, [*base, "--operator", "clerk"])
    assert clerk.exit_code == 1 and "[permission.role]" in clerk.output
    assert not config.exists() and _threshold_audit(tmp_path) == []
    # At an FMR of 100 % the limits let every impostor through: looser than the calibrated ones.
    loose = [*base, "--target-fmr", "1", "--operator", "admin", "--comparison", "live_ephoto"]
    unexplained = runner.invoke(main, loose)
    assert (
        unexplained.exit_code == 1 and "[settings.threshold_reason_required]" in unexplained.output
    )
    assert not config.exists() and _threshold_audit(tmp_path) == []
    explained = runner.invoke(main, [*loose, "--reason", "a trial at this site"])
    assert explained.exit_code == 0, explained.output
    assert sorted(subject for _, subject, _ in _threshold_audit(tmp_path)) == [
        "[thresholds_sface] live_ephoto_pass",
        "[thresholds_sface] live_ephoto_review",
    ]


def test_calibrate_on_chip_like_portraits_writes_only_the_chosen_limits(
    tmp_path: Path, data_dir: Path
) -> None:
    """Live photos against chip-like portraits (made here, as the dev-set generator does): the
    card pipeline finds every face, and --comparison live_card leaves the other limits alone."""
    images = data_dir / "faces" / "lfw" / "images"
    (tmp_path / "full").symlink_to(images, target_is_directory=True)
    names = [KAN.format(n) for n in (1, 2, 3)] + [KOIZUMI_IMAGE.format(n) for n in (1, 2, 3)]
    for name in names:
        target = tmp_path / "chip" / f"{name}.jp2"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(
            chip_bytes(portrait_crop(load_rgb(images / name), LFW_FRAMING, name=name))
        )
    pairs = tmp_path / "live_card.csv"
    with pairs.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["img1", "img2", "same"])
        for one in names:
            for other in names:
                if one != other:
                    same = one.split("/")[0] == other.split("/")[0]
                    writer.writerow([f"full/{one}", f"chip/{other}.jp2", int(same)])
    config = tmp_path / "desk.toml"
    result = _counter_with_administrator(tmp_path).invoke(
        main,
        [
            "faces",
            "calibrate",
            str(pairs),
            "--root",
            str(tmp_path),
            "--report",
            str(tmp_path / "report"),
            "--write-config",
            str(config),
            "--comparison",
            "live_card",
            "--target-fmr",
            "0.05",
            "--operator",
            "admin",
            "--reason",
            "chip-like portraits of this test",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    report = (tmp_path / "report" / "calibration_sface.md").read_text(encoding="utf-8")
    assert "0 images without a usable face" in report
    written = load_settings(config, environ={}).thresholds_for("sface")
    assert written.live_card.passing != SFACE_THRESHOLDS.live_card_pass
    assert written.live_ephoto == SFACE_THRESHOLDS.live_ephoto  # untouched
    assert written.card_ephoto == SFACE_THRESHOLDS.card_ephoto
