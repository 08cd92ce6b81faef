"""Settings (camera, reader, language, idle lock; thresholds for supervisors and
administrators) and the self-test. The administrator's operator list lives in ``ui.admin``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk_app.camera.choice import CameraChoice
from desk_app.config import default_config_path
from desk_app.domain.workflow import Role
from desk_app.services.counter import SignedIn
from ui.context import Services
from ui.preferences import SIMULATOR, Preferences
from ui.widgets import FAIL_COLOUR, PASS_COLOUR


class SettingsDialog(QDialog):
    """Workstation preferences; they take effect at the next start (the camera and reader are
    long-lived workers). Camera, reader port, idle lock, the counter's identity and the
    thresholds are administrators' to change (``desk_app.services.settings_policy``); others
    see them read-only and may change the language."""

    def __init__(
        self,
        services: Services,
        preferences: Preferences,
        operator: SignedIn | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.preferences = preferences
        layout = QVBoxLayout(self)
        camera_box = QGroupBox(self.tr("Camera"))
        camera_form = QFormLayout(camera_box)
        self.camera_kind = QComboBox()
        self.camera_kind.addItem(self.tr("Camera device"), "device")
        self.camera_kind.addItem(self.tr("Video file or image folder"), "files")
        self.camera_kind.addItem(self.tr("Generated test pattern"), "generated")
        self.camera_kind.setCurrentIndex(max(self.camera_kind.findData(preferences.camera.kind), 0))
        self.device_index = QSpinBox()
        self.device_index.setRange(0, 9)
        self.device_index.setValue(preferences.camera.device_index)
        self.camera_path = QLineEdit(preferences.camera.path)
        self.resolution = QComboBox()
        for size in ((640, 480), (1280, 720), (1920, 1080)):
            self.resolution.addItem(f"{size[0]}×{size[1]}", size)
        current = (preferences.camera.width, preferences.camera.height)
        self.resolution.setCurrentIndex(max(self.resolution.findData(current), 0))
        camera_form.addRow(self.tr("Source"), self.camera_kind)
        camera_form.addRow(self.tr("Device index"), self.device_index)
        camera_form.addRow(self.tr("File or folder"), self.camera_path)
        camera_form.addRow(self.tr("Resolution"), self.resolution)
        layout.addWidget(camera_box)
        self.is_administrator = operator is not None and operator.role is Role.ADMINISTRATOR
        camera_box.setEnabled(self.is_administrator)

        other = QGroupBox(self.tr("Counter"))
        form = QFormLayout(other)
        self.reader_port = QLineEdit(preferences.reader_port)
        self.reader_port.setPlaceholderText(self.tr("/dev/ttyUSB0, COM3 or 'simulator'"))
        self.language = QComboBox()
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(self.language.findData(preferences.language), 0))
        self.idle_minutes = QDoubleSpinBox()
        self.idle_minutes.setRange(0.5, 120)
        self.idle_minutes.setValue(preferences.idle_minutes)
        station = services.application.workstation
        form.addRow(self.tr("Card reader port"), self.reader_port)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Lock after idle minutes"), self.idle_minutes)
        self.reader_port.setEnabled(self.is_administrator)
        self.idle_minutes.setEnabled(self.is_administrator)
        # The counter's identity is the administrator's to set, and the central registration's
        # once the counter is bound (desk-app counter register).
        self.may_set_identity = (
            operator is not None
            and operator.role is Role.ADMINISTRATOR
            and services.application.binding is None
        )
        self.site_id = QLineEdit(station.site_id)
        self.counter_id = QLineEdit(station.counter_id)
        for field in (self.site_id, self.counter_id):
            field.setReadOnly(not self.may_set_identity)
        form.addRow(self.tr("Site"), self.site_id)
        form.addRow(self.tr("Counter"), self.counter_id)
        source = services.application.settings.source
        form.addRow(
            self.tr("Config file"), QLabel(str(source) if source else self.tr("(defaults)"))
        )
        layout.addWidget(other)

        self.thresholds_box = QGroupBox(self.tr("Face thresholds (distance: pass / review)"))
        limits = services.thresholds
        thresholds = QFormLayout(self.thresholds_box)
        self.may_set_thresholds = self.is_administrator
        self.limits: dict[str, tuple[QDoubleSpinBox, QDoubleSpinBox]] = {}
        for comparison, label in (
            ("live_card", self.tr("Live – card")),
            ("live_ephoto", self.tr("Live – e-photo")),
            ("card_ephoto", self.tr("Card – e-photo")),
        ):
            row = QHBoxLayout()
            pair = []
            for band in ("pass", "review"):
                box = QDoubleSpinBox()
                box.setRange(0.0, 2.0)
                box.setDecimals(3)
                box.setSingleStep(0.01)
                box.setValue(float(getattr(limits, f"{comparison}_{band}")))
                row.addWidget(box)
                pair.append(box)
            self.limits[comparison] = (pair[0], pair[1])
            thresholds.addRow(label, row)
        thresholds.addRow(
            QLabel(self.tr("Calibrate them on site data with 'desk-app faces calibrate'."))
        )
        self.threshold_reason = QLineEdit()
        self.threshold_reason.setPlaceholderText(
            self.tr("Needed for limits looser than the calibrated review limits")
        )
        thresholds.addRow(self.tr("Reason for the change"), self.threshold_reason)
        self.thresholds_box.setVisible(self.may_set_thresholds)
        self.engine = services.application.settings.faces.engine
        self.config_path = services.application.settings.source or default_config_path()
        self.original = self.config_changes()
        layout.addWidget(self.thresholds_box)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Camera, reader, language, identity and thresholds apply at the next start."
                )
            )
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def config_changes(self) -> dict[str, dict[str, Any]]:
        """What this operator may set in the configuration file, as shown in the dialog."""
        changes: dict[str, dict[str, Any]] = {}
        if self.may_set_identity:
            changes["counter"] = {
                "site_id": self.site_id.text().strip(),
                "counter_id": self.counter_id.text().strip(),
            }
        if self.may_set_thresholds:
            changes[f"thresholds_{self.engine}"] = {
                f"{comparison}_{band}": round(box.value(), 4)
                for comparison, pair in self.limits.items()
                for band, box in zip(("pass", "review"), pair, strict=True)
            }
        return changes

    def changed_config(self) -> dict[str, dict[str, Any]]:
        """Only the sections the operator changed (nothing written when nothing changed)."""
        now = self.config_changes()
        return {name: values for name, values in now.items() if self.original.get(name) != values}

    def chosen(self) -> Preferences:
        if not self.is_administrator:  # only the language is theirs
            return dataclasses.replace(self.preferences, language=str(self.language.currentData()))
        width, height = self.resolution.currentData()
        camera = CameraChoice(
            kind=str(self.camera_kind.currentData()),
            device_index=self.device_index.value(),
            path=self.camera_path.text().strip(),
            width=int(width),
            height=int(height),
            fps=self.preferences.camera.fps,
        )
        return dataclasses.replace(
            self.preferences,
            camera=camera,
            reader_port=self.reader_port.text().strip() or SIMULATOR,
            language=str(self.language.currentData()),
            idle_minutes=self.idle_minutes.value(),
        )


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str


@dataclass
class HardwareState:
    """What the workers last reported, for the status bar and the self-test."""

    camera: str = "starting"  # running | lost | unavailable | starting | none
    camera_detail: str = ""
    fps: float = 0.0
    brightness: float | None = None
    reader: str = "starting"  # connected | disconnected | starting | none
    reader_detail: str = ""
    engine: str = "loading"  # loading | ready | failed
    engine_detail: str = ""


def self_test(state: HardwareState, min_brightness: float, max_brightness: float) -> list[Check]:
    """Camera frames, light level, reader and face engine, in words (runs on the GUI thread:
    it only reads what the workers reported)."""
    from PySide6.QtCore import QCoreApplication

    translate = QCoreApplication.translate
    checks = []
    if state.camera == "running" and state.fps > 0:
        checks.append(
            Check(
                True, translate("SelfTest", "Camera: {0:.0f} frames per second").format(state.fps)
            )
        )
    elif state.camera == "running":
        checks.append(Check(False, translate("SelfTest", "Camera: connected, no frames yet")))
    else:
        checks.append(
            Check(
                False,
                translate(
                    "SelfTest", "Camera: not working ({0}); check the cable and settings"
                ).format(state.camera_detail or state.camera),
            )
        )
    if state.brightness is None:
        checks.append(Check(False, translate("SelfTest", "Light: not measured yet")))
    elif state.brightness < min_brightness * 0.6:
        checks.append(Check(False, translate("SelfTest", "Light: too dark; turn on the desk lamp")))
    elif state.brightness > max_brightness:
        checks.append(Check(False, translate("SelfTest", "Light: too bright; avoid backlight")))
    else:
        checks.append(Check(True, translate("SelfTest", "Light: good")))
    if state.reader == "connected":
        checks.append(Check(True, translate("SelfTest", "Card reader: connected")))
    else:
        checks.append(
            Check(
                False,
                translate(
                    "SelfTest", "Card reader: not connected ({0}); check the USB cable"
                ).format(state.reader_detail or state.reader),
            )
        )
    if state.engine == "ready":
        checks.append(Check(True, translate("SelfTest", "Face engine: ready")))
    elif state.engine == "loading":
        checks.append(Check(False, translate("SelfTest", "Face engine: still loading")))
    else:
        checks.append(
            Check(
                False,
                translate("SelfTest", "Face engine: failed ({0})").format(state.engine_detail),
            )
        )
    return checks


def checks_html(checks: list[Check]) -> str:
    return " &nbsp; ".join(
        f"<span style='color:{PASS_COLOUR if check.ok else FAIL_COLOUR}'>"
        f"{'✔' if check.ok else '✘'} {check.text}</span>"
        for check in checks
    )
