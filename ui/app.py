"""Start the counter GUI: translations, the application, the workers, the window.

``desk-app`` (no command) and ``desk-app --demo`` come here through the ``desk_app.gui`` entry
point, so the core's command line never imports Qt.
"""

from __future__ import annotations

import enum
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QImageReader
from PySide6.QtWidgets import QApplication

from desk_app.bootstrap import Application, build_application, load_face_engine
from desk_app.camera.sources import CameraSource, FileCamera, open_source
from desk_app.config import Settings, load_settings
from desk_app.logs import setup_logging
from desk_app.services.counter import CounterQueries
from desk_app.services.demo import prepare_demo_database
from desk_app.services.demo_counter import demo_counter_cards
from desk_app.vision.engines import FaceEngine
from ui.context import Services
from ui.demo import DemoPanel, DemoStage
from ui.first_run import FirstRunWizard, needs_first_run
from ui.main_window import MainWindow
from ui.operations import Operations
from ui.preferences import SIMULATOR, Preferences
from ui.workers import CameraWorker, FaceWorker, ReaderWorker

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
TRANSLATIONS = RESOURCES / "translations"
# A CJK font shipped with the desktop bundle (packaging/bundle_contents.py); none in a checkout.
BUNDLED_FONTS = RESOURCES / "fonts"
log = logging.getLogger(__name__)


def install_translations(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Qt's own strings first, then ours; English is the source language (no file needed)."""
    installed: list[QTranslator] = []
    if language == "en":
        return installed
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    ours = QTranslator(app)
    if ours.load(str(TRANSLATIONS / f"desk_app_{language}.qm")):
        app.installTranslator(ours)
        installed.append(ours)
    QLocale.setDefault(QLocale(language))
    return installed


def add_bundled_fonts() -> None:
    """Make the bundle's own CJK font available, for machines that have none installed."""
    for path in sorted(BUNDLED_FONTS.glob("*.tt[cf]")):
        QFontDatabase.addApplicationFont(str(path))


def readable_font() -> QFont:
    """Large, with a CJK family when one is installed (else Chinese shows as boxes)."""
    font = QFont()
    for family in (
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "WenQuanYi Micro Hei",
        "Microsoft YaHei",
    ):
        if family in QFontDatabase.families():
            font = QFont(family)
            break
    font.setPointSize(11)
    return font


def demo_settings(settings: Settings, database_given: bool) -> Settings:
    if database_given:
        return settings
    return settings.with_database(str(Path(platformdirs.user_data_dir("desk-app")) / "demo.db"))


def prepare_demo(application: Application) -> None:
    """Build the demo database when it is empty (the core's step) and print how to sign in."""
    prepare_demo_database(
        application.database,
        application.workflow,
        ticket_layout=application.ticket_layout,
        data_dir=Path(application.settings.paths.data_dir),
        database_url=application.settings.database_url,
    )


class AsConfigured(enum.Enum):
    """A ``build_counter`` argument left to the demo stage or the preferences, as the app does."""

    AS_CONFIGURED = enum.auto()


AS_CONFIGURED = AsConfigured.AS_CONFIGURED


@dataclass
class Counter:
    """A counter window with the workers it owns (started by ``window.start_workers()``)."""

    window: MainWindow
    operations: Operations
    face_worker: FaceWorker | None
    camera: CameraWorker | None


def build_counter(
    application: Application,
    preferences: Preferences,
    stage: DemoStage | None = None,
    *,
    camera: CameraSource | AsConfigured | None = AS_CONFIGURED,
    reader_port: str | AsConfigured | None = AS_CONFIGURED,
    faces: bool = True,
    engine_loader: Callable[[str], FaceEngine] | None = None,
    idle_ms: int | None = None,
) -> Counter:
    """Wire the window to the application: camera, face and reader workers, one database worker.

    With a demo ``stage`` the camera and the chip reader are the demo's (file camera, simulator);
    without, the preferences'. Tests and tools may give their own ``camera`` source or
    ``reader_port`` (``None``: none at all), go without the face worker (``faces=False``), load
    the face engine their own way (``engine_loader``) and set the idle lock (``idle_ms``).
    Runs on the GUI thread; nothing is started until ``window.start_workers()``.
    """
    settings = application.settings
    operations = Operations()
    face_worker: FaceWorker | None = None
    if faces:
        face_worker = FaceWorker(
            settings.faces.engine, settings.quality, loader=engine_loader or load_face_engine
        )
    services = Services(
        application,
        CounterQueries(application.database, application.workstation, application.sign_in_policy),
        operations,
        face_worker,
    )
    if camera is AS_CONFIGURED:
        camera = stage.camera_source if stage else open_source(preferences.camera)
    camera_worker = CameraWorker(camera) if camera is not None else None
    reader: ReaderWorker | None = None
    if reader_port is AS_CONFIGURED:
        if stage is not None:
            reader = ReaderWorker(stage.start())
        elif preferences.reader_port and preferences.reader_port != SIMULATOR:
            reader = ReaderWorker(preferences.reader_port)
    elif reader_port is not None:
        reader = ReaderWorker(reader_port)
    panel = DemoPanel(stage, camera_worker) if stage and camera_worker else None
    window = MainWindow(
        services,
        preferences,
        camera=camera_worker,
        reader=reader,
        idle_ms=idle_ms,
        demo_panel=panel,
    )
    if stage is None and camera is not None and recorded_camera(preferences, camera):
        # Not the demo, yet the "camera" replays files (an administrator set it): say so, red.
        window.counter.show_test_camera_banner()
    return Counter(window, operations, face_worker, camera_worker)


def recorded_camera(preferences: Preferences, camera: object) -> bool:
    """Whether the counter's camera shows recorded pictures (a video file or image folder)."""
    return preferences.camera.kind == "files" or isinstance(camera, FileCamera)


def throwaway_demo(folder: Path) -> tuple[Application, DemoStage]:
    """A demo application on a fresh database in ``folder``, ignoring the user's config file
    (for screenshots and benchmarks)."""
    settings = load_settings(environ={"DESK_APP_CONFIG": ""}).with_database(str(folder / "demo.db"))
    application = build_application(settings)
    prepare_demo(application)
    data_dir = Path(settings.paths.data_dir)
    return application, DemoStage(
        demo_counter_cards(application.database, data_dir=data_dir), data_dir
    )


class FirstRun(enum.Enum):
    NOT_NEEDED = enum.auto()
    DONE = enum.auto()
    CANCELLED = enum.auto()


def first_run(application: Application, preferences: Preferences) -> FirstRun:
    """On a counter nobody can sign into yet (no operator, not enrolled), the first-run wizard."""
    operator_count = CounterQueries(
        application.database, application.workstation, application.sign_in_policy
    ).operator_count()
    if not needs_first_run(operator_count, application.binding is not None):
        return FirstRun.NOT_NEEDED
    operations = Operations()
    try:
        wizard = FirstRunWizard(application, operations, preferences, QSettings())
        return FirstRun.DONE if wizard.exec() else FirstRun.CANCELLED
    finally:
        operations.shutdown()


def run_gui(settings: Settings, *, demo: bool = False, database_given: bool = False) -> int:
    setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    # Qt's own backstop for any picture decoded on screen: 4 bytes a pixel at the pixel cap.
    QImageReader.setAllocationLimit(max(1, settings.privacy.max_image_pixels * 4 // 2**20))
    assert isinstance(app, QApplication)
    app.setOrganizationName("desk-app")
    app.setApplicationName("counter")
    preferences = Preferences.load(QSettings())
    install_translations(app, preferences.language)
    add_bundled_fonts()
    app.setFont(readable_font())

    if demo:
        settings = demo_settings(settings, database_given)
    application = build_application(settings)
    if not demo:
        outcome = first_run(application, preferences)
        if outcome is FirstRun.CANCELLED:
            application.close()
            return 0
        if outcome is FirstRun.DONE:  # enrolled or an administrator added; new preferences
            application.close()
            application = build_application(settings)
            preferences = Preferences.load(QSettings())
    stage: DemoStage | None = None
    if demo:
        prepare_demo(application)
        data_dir = Path(settings.paths.data_dir)
        stage = DemoStage(demo_counter_cards(application.database, data_dir=data_dir), data_dir)
    counter = build_counter(application, preferences, stage)
    window, operations = counter.window, counter.operations
    if counter.face_worker is not None:
        # The start-up milestones in the log (bench/startup.py times them); no personal data.
        counter.face_worker.engine_state.connect(
            lambda state, _message: log.info("startup: face models %s", state)
        )
    window.show()

    def window_shown() -> None:
        log.info("startup: window shown")
        # Only now the workers: the face worker imports and loads the face models, the camera
        # and reader open their devices; started before the window, they would hold the GIL
        # while it is built. Then the card OCR models, on their own worker, so that the first
        # card read is not slower.
        window.start_workers()
        operations.run(application.card_images.warm_up, worker="ocr")

    QTimer.singleShot(0, window_shown)
    try:
        return app.exec()
    finally:
        window.stop_workers()
        operations.shutdown()
        if stage is not None:
            stage.stop()
        application.close()
