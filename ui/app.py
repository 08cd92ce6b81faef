"""Start the counter GUI: translations, the application, the workers, the window.

``desk-app`` (no command) and ``desk-app --demo`` come here through the ``desk_app.gui`` entry
point, so the core's command line never imports Qt.

The window with its sign-in form comes first, built from Qt and a few light modules only; the
database, the ORM, OpenCV, NumPy and the screens are loaded afterwards on the database worker,
and the window is then given its services (``MainWindow.attach``): the sign-in button waits for
them. ``tests/ui/test_startup_order.py`` keeps the heavy modules off the path to the window.
"""

from __future__ import annotations

import enum
import gc
import importlib
import logging
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QSettings,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QFont, QFontDatabase, QImageReader
from PySide6.QtWidgets import QApplication, QWidget

from desk_app.config import Settings, load_settings
from desk_app.logs import setup_logging
from ui.main_window import MainWindow
from ui.operations import Operations
from ui.preferences import SIMULATOR, Preferences

if TYPE_CHECKING:
    from desk_app.bootstrap import Application
    from desk_app.camera.sources import CameraSource
    from desk_app.vision.engines import FaceEngine
    from ui.demo import DemoStage
    from ui.workers import CameraWorker, FaceWorker

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


CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei")


def add_bundled_fonts() -> None:
    """Make the bundle's own CJK font available, for machines that have none installed."""
    for path in bundled_fonts_needed(QFontDatabase.families()):
        QFontDatabase.addApplicationFont(str(path))


def bundled_fonts_needed(installed: list[str]) -> list[Path]:
    """The bundled font files to load: none where the system has a CJK family (loading the 19 MB
    font costs every start ~20 ms and its memory for nothing there)."""
    if any(family in installed for family in CJK_FAMILIES):
        return []
    return sorted(BUNDLED_FONTS.glob("*.tt[cf]"))


def readable_font() -> QFont:
    """Large, with a CJK family when one is installed (else Chinese shows as boxes)."""
    font = QFont()
    families = QFontDatabase.families()
    for family in CJK_FAMILIES:
        if family in families:
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
    from desk_app.services.demo import prepare_demo_database

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
    window: MainWindow | None = None,
    operations: Operations | None = None,
) -> Counter:
    """Wire the window to the application: camera, face and reader workers, one database worker.

    With a demo ``stage`` the camera and the chip reader are the demo's (file camera, simulator);
    without, the preferences'. Tests and tools may give their own ``camera`` source or
    ``reader_port`` (``None``: none at all), go without the face worker (``faces=False``), load
    the face engine their own way (``engine_loader``) and set the idle lock (``idle_ms``).
    A ``window`` already shown (with its sign-in form waiting) is given the services instead of
    a new one being built, and ``operations`` is the helper whose database worker opened the
    database. Runs on the GUI thread; nothing is started until ``window.start_workers()``.
    """
    from desk_app.bootstrap import load_face_engine
    from desk_app.camera.sources import open_source
    from desk_app.services.counter import CounterQueries
    from ui.context import Services
    from ui.demo import DemoPanel
    from ui.workers import CameraWorker, FaceWorker, ReaderWorker

    settings = application.settings
    operations = operations or Operations()
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
    if window is None:
        window = MainWindow(
            services,
            preferences,
            camera=camera_worker,
            reader=reader,
            idle_ms=idle_ms,
            demo_panel=panel,
        )
    else:
        window.attach(services, camera=camera_worker, reader=reader, demo_panel=panel)
    if stage is None and camera is not None and recorded_camera(preferences, camera):
        # Not the demo, yet the "camera" replays files (an administrator set it): say so, red.
        window.counter.show_test_camera_banner()
    return Counter(window, operations, face_worker, camera_worker)


def recorded_camera(preferences: Preferences, camera: object) -> bool:
    """Whether the counter's camera shows recorded pictures (a video file or image folder)."""
    from desk_app.camera.sources import FileCamera

    return preferences.camera.kind == "files" or isinstance(camera, FileCamera)


def throwaway_demo(folder: Path) -> tuple[Application, DemoStage]:
    """A demo application on a fresh database in ``folder``, ignoring the user's config file
    (for screenshots and benchmarks); the shared images are found where ``DESK_APP_DATA_DIR``
    says, as everywhere else."""
    from desk_app.bootstrap import build_application

    environ = {"DESK_APP_CONFIG": ""}
    if data_dir := os.environ.get("DESK_APP_DATA_DIR"):
        environ["DESK_APP_DATA_DIR"] = data_dir
    settings = load_settings(environ=environ).with_database(str(folder / "demo.db"))
    application = build_application(settings)
    prepare_demo(application)
    return application, demo_stage(application)


def demo_stage(application: Application) -> DemoStage:
    """The demo's reader and camera, on the demo database's cards (not started)."""
    from desk_app.services.demo_counter import demo_counter_cards
    from ui.demo import DemoStage

    data_dir = Path(application.settings.paths.data_dir)
    return DemoStage(demo_counter_cards(application.database, data_dir=data_dir), data_dir)


class FirstRun(enum.Enum):
    NOT_NEEDED = enum.auto()
    DONE = enum.auto()
    CANCELLED = enum.auto()


def first_run(
    application: Application, preferences: Preferences, parent: QWidget | None = None
) -> FirstRun:
    """On a counter nobody can sign into yet (no operator, not enrolled), the first-run wizard
    (over ``parent``, the window waiting for it)."""
    from desk_app.services.counter import CounterQueries
    from ui.first_run import FirstRunWizard, needs_first_run

    operator_count = CounterQueries(
        application.database, application.workstation, application.sign_in_policy
    ).operator_count()
    if not needs_first_run(operator_count, application.binding is not None):
        return FirstRun.NOT_NEEDED
    operations = Operations()
    try:
        wizard = FirstRunWizard(application, operations, preferences, QSettings(), parent)
        return FirstRun.DONE if wizard.exec() else FirstRun.CANCELLED
    finally:
        operations.shutdown()


# What the window needs once the database is open: imported on the database worker while the
# sign-in form is up, so that the GUI thread only builds widgets (importing them there would
# stall it for a second).
COUNTER_MODULES = (
    "desk_app.bootstrap",
    "desk_app.camera.sources",
    "desk_app.services.counter",
    "desk_app.services.demo",
    "desk_app.services.demo_counter",
    "ui.blocklist",
    "ui.context",
    "ui.counter",
    "ui.demo",
    "ui.first_run",
    "ui.review",
    "ui.settings",
    "ui.sync",
    "ui.workers",
)

LATER_MODULES = ("ui.admin",)


def warm_up(
    application: Application, operations: Operations, face_worker: FaceWorker | None
) -> list[Future[Any]]:
    """Once sign-in is ready: on the OCR worker, load the card OCR models (so that the first card
    read is not slower), then import the supervisors' and administrators' screens, which bring
    pyqtgraph (0.3 s of imports that would otherwise stall the GUI at their sign-in); after
    that, and again when the face models are loaded, set what start-up built apart from the
    garbage collector (``gc.freeze``). Those 10^5 objects (the ORM, Qt's wrappers, NumPy, the
    models) live as long as the process, and a full collection scanning them held the GIL for
    50–120 ms at whatever moment some thread's allocations triggered it: a stall of the GUI
    in the middle of any step (bench/report.py, bench/ui_latency.py). Meanwhile, on the
    documents worker, write a sample slip so that the first candidate's does not stall the GUI
    (``ui.slip.warm_up_slip_writer``)."""
    if face_worker is not None:
        face_worker.engine_state.connect(_freeze_when_loaded)
    return [
        operations.run(application.card_images.warm_up, worker="ocr"),
        *(
            operations.run(partial(importlib.import_module, module), worker="ocr")
            for module in LATER_MODULES
        ),
        operations.run(gc.freeze, worker="ocr"),
        operations.run(_warm_up_slips, worker="documents"),
    ]


def _warm_up_slips() -> None:
    from ui.slip import warm_up_slip_writer  # the counter's modules load on a worker

    warm_up_slip_writer()


def _freeze_when_loaded(state: str, _message: str) -> None:
    if state == "ready":
        gc.freeze()


@dataclass
class Opened:
    """The counter's database and services, opened on the database worker after the window."""

    application: Application
    stage: DemoStage | None  # the demo's reader and camera (``--demo``)
    needs_first_run: bool


def open_counter(settings: Settings, *, demo: bool) -> Opened:
    """On the database worker: import what the counter needs, open (and upgrade) the database,
    prepare the demo, and find whether nobody can sign in yet (the first-run wizard)."""
    for module in COUNTER_MODULES:
        importlib.import_module(module)
    from desk_app.bootstrap import build_application
    from desk_app.services.counter import CounterQueries
    from ui.first_run import needs_first_run

    application = build_application(settings)
    try:
        if demo:
            prepare_demo(application)
            return Opened(application, demo_stage(application), needs_first_run=False)
        operator_count = CounterQueries(
            application.database, application.workstation, application.sign_in_policy
        ).operator_count()
        first = needs_first_run(operator_count, application.binding is not None)
        return Opened(application, None, needs_first_run=first)
    except BaseException:
        application.close()
        raise


class FirstPaint(QObject):
    """Calls back once, on the event loop's next turn after ``widget`` was first painted: the
    window is then on the screen and takes input (the "window shown" milestone)."""

    def __init__(self, widget: QObject, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback = callback
        self._widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


class Startup(QObject):
    """The counter's start after its window is shown: open the database on the worker, run the
    first-run wizard when nobody can sign in, then give the window its services and start the
    workers. A failure to open ends the event loop and is raised again by ``run_gui``."""

    def __init__(
        self,
        window: MainWindow,
        operations: Operations,
        settings: Settings,
        preferences: Preferences,
        *,
        demo: bool,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.operations = operations
        self.settings = settings
        self.preferences = preferences
        self.demo = demo
        self.application: Application | None = None
        self.stage: DemoStage | None = None
        self.error: BaseException | None = None

    def open(self) -> None:
        settings, demo = self.settings, self.demo
        self.operations.run(
            lambda: open_counter(settings, demo=demo),
            on_success=self._opened,
            on_failure=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.error = error
        QCoreApplication.exit(1)

    def _opened(self, opened: Opened) -> None:
        application = self.application = opened.application
        self.stage = opened.stage
        if opened.needs_first_run:
            outcome = first_run(application, self.preferences, self.window)
            if outcome is FirstRun.CANCELLED:
                QCoreApplication.exit(0)
                return
            if outcome is FirstRun.DONE:  # enrolled or an administrator added; new preferences
                application.close()
                self.application = None
                self.preferences = Preferences.load(QSettings())
                self.window.preferences = self.preferences
                self.open()
                return
        counter = build_counter(
            application,
            self.preferences,
            self.stage,
            window=self.window,
            operations=self.operations,
        )
        if counter.face_worker is not None:
            # The start-up milestones in the log (bench/startup.py times them); no personal data.
            counter.face_worker.engine_state.connect(
                lambda state, _message: log.info("startup: face models %s", state)
            )
        log.info("startup: sign-in ready")
        # Only now the workers: the face worker imports and loads the face models, the camera
        # and reader open their devices; started before the window, they would hold the GIL
        # while it is built. Then the card OCR models and the later screens.
        self.window.start_workers()
        warm_up(application, self.operations, counter.face_worker)

    def close(self) -> None:
        self.window.stop_workers()
        self.operations.shutdown()
        if self.stage is not None:
            self.stage.stop()
        if self.application is not None:
            self.application.close()


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
    window = MainWindow(None, preferences)
    startup = Startup(window, Operations(), settings, preferences, demo=demo)

    def window_shown() -> None:
        log.info("startup: window shown")
        startup.open()

    FirstPaint(window.sign_in_page, window_shown)
    window.show()
    try:
        status = app.exec()
    finally:
        startup.close()
    if startup.error is not None:
        raise startup.error
    return status
