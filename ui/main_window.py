"""The main window: sign-in, the screens each role works in, the idle lock, the status bar.

It owns the long-lived workers (camera, face analysis, card reader) and stops them
cooperatively on close. Which screens exist depends on the role; what each action may do is
checked again by the services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desk_app.domain.time import CHINA_TIME
from desk_app.domain.workflow import Role
from ui.preferences import Preferences, preference_values
from ui.signin import SignInPage
from ui.texts import error_text, role_text, state_text
from ui.widgets import heading_font

if TYPE_CHECKING:
    # The screens, the services and the workers are imported by ``attach``: the window with its
    # sign-in form is shown first, before the database, the ORM, OpenCV and NumPy are loaded
    # (``ui.app.run_gui``; ``tests/ui/test_startup_order.py``). The administrators' and the
    # statistics screens are built when first shown: their charts' library (pyqtgraph) takes
    # ~0.4 s to import.
    from desk_app.idcard.reader import ReaderEvent
    from desk_app.services.counter import SignedIn
    from desk_app.services.workflow import ChangeSet
    from desk_app.vision.images import RGBImage
    from ui.admin import AdminWorkspace, StatisticsScreen
    from ui.blocklist import BlocklistScreen
    from ui.context import Services
    from ui.counter import CounterScreen
    from ui.review import ReviewScreen
    from ui.settings import HardwareState
    from ui.signin import FirstAdministratorPage, LockPage
    from ui.sync import BackgroundSync
    from ui.widgets import CameraPreview
    from ui.workers import CameraWorker, ReaderWorker

USER_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """Restarts the idle timer on any user input in any of the application's windows.

    It filters the windows (``QWindow``), where the window system delivers every key, click and
    mouse move before the widget under it gets it, not the whole application: an
    application-wide filter runs Python, and so waits for the GIL, for every event of every
    widget (paints, layouts, timers, queued signals), and made each step of the GUI wait on busy
    workers. A window is watched from the moment it first gets the focus.

    A separate object, not the main window: a window's filter can be called while the main
    window is being destroyed, and this one touches nothing but itself and its timer.
    """

    def __init__(self, interval_ms: int) -> None:
        super().__init__()
        self.active = False  # signed in and not locked
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self._application: QGuiApplication | None = None

    def watch(self, application: QGuiApplication) -> None:
        application.focusWindowChanged.connect(self._watch_window)
        self._application = application
        for window in application.topLevelWindows():
            self._watch_window(window)

    def stop_watching(self) -> None:
        """Idempotent: a window may be closed more than once."""
        application, self._application = self._application, None
        if application is not None:
            application.focusWindowChanged.disconnect(self._watch_window)
            for window in application.topLevelWindows():
                window.removeEventFilter(self)

    @Slot(QWindow)
    def _watch_window(self, window: QWindow | None) -> None:
        if window is not None:
            window.installEventFilter(self)  # installed again, it still filters once

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self.active and event.type() in USER_INPUT:
            self.timer.start()
        return False


class MainWindow(QMainWindow):
    """Built in two steps, so that a clerk sees the sign-in form at once: the window itself
    (sign-in form, toolbar, status bar) needs nothing but Qt; ``attach`` then gives it the
    services and the workers and builds the screens. With ``services`` given, both at once."""

    signed_in_changed = Signal(object)  # SignedIn | None
    # Set by ``attach``; the window shown before it has only the sign-in form.
    services: Services
    camera: CameraWorker | None
    reader: ReaderWorker | None
    hardware: HardwareState
    preview: CameraPreview
    counter: CounterScreen
    review: ReviewScreen
    blocklist: BlocklistScreen
    first_admin_page: FirstAdministratorPage
    lock_page: LockPage
    background_sync: BackgroundSync

    def __init__(
        self,
        services: Services | None,
        preferences: Preferences,
        *,
        camera: CameraWorker | None = None,
        reader: ReaderWorker | None = None,
        idle_ms: int | None = None,
        demo_panel: QWidget | None = None,
    ) -> None:
        super().__init__()
        self.preferences = preferences
        self.operator: SignedIn | None = None
        self._latest_frame: RGBImage | None = None
        self.attached = False
        self.setWindowTitle(self.tr("Confirmation Desk"))
        self.resize(1600, 980)
        self._admin: AdminWorkspace | None = None
        self._statistics: StatisticsScreen | None = None

        self.pages = QStackedWidget()
        self.sign_in_page = SignInPage(None)
        self.tabs = QTabWidget()
        self.tabs.setFont(heading_font(12, bold=False))
        work = QWidget()
        self.work_layout = QVBoxLayout(work)
        self.work_layout.setContentsMargins(0, 0, 0, 0)
        self.self_test_banner = QLabel()
        self.self_test_banner.setWordWrap(True)
        self.self_test_banner.setFont(heading_font(11, bold=False))
        self.work_layout.addWidget(self.self_test_banner)
        self.work_layout.addWidget(self.tabs, 1)
        self.work_page = work
        self.pages.addWidget(self.sign_in_page)
        self.setCentralWidget(self.pages)
        self.sign_in_page.signed_in.connect(self.on_signed_in)

        self._build_toolbar()
        self._build_status_bar()

        self.idle = IdleWatcher(
            idle_ms if idle_ms is not None else int(preferences.idle_minutes * 60_000)
        )
        self.idle_timer = self.idle.timer
        self.idle_timer.timeout.connect(self.lock)
        app = QApplication.instance()
        if isinstance(app, QGuiApplication):
            self.idle.watch(app)
        self.pages.setCurrentWidget(self.sign_in_page)
        if services is not None:
            self.attach(services, camera=camera, reader=reader, demo_panel=demo_panel)

    def attach(
        self,
        services: Services,
        *,
        camera: CameraWorker | None = None,
        reader: ReaderWorker | None = None,
        demo_panel: QWidget | None = None,
    ) -> None:
        """Give the window its services and workers: build the screens, enable sign-in.

        On the GUI thread. Its modules are imported by then where the caller imported them on a
        worker (``ui.app.import_the_screens``); what is left is building the widgets.
        """
        from ui.blocklist import BlocklistScreen
        from ui.counter import CounterScreen
        from ui.review import ReviewScreen
        from ui.settings import HardwareState
        from ui.signin import FirstAdministratorPage, LockPage
        from ui.sync import BackgroundSync
        from ui.widgets import CameraPreview

        self.services = services
        self.camera = camera
        self.reader = reader
        self.hardware = HardwareState(
            camera="starting" if camera else "none", reader="starting" if reader else "none"
        )
        self.preview = CameraPreview()
        self.counter = CounterScreen(services, self.preview)
        self.review = ReviewScreen(services)
        # The supervisors'; owned by the window like the others (a parentless screen left to the
        # garbage collector may be destroyed on a worker thread, which crashes Qt).
        self.blocklist = BlocklistScreen(services, parent=self)
        self.blocklist.hide()
        self.counter.decided.connect(self._decided)
        self.review.decided.connect(self._decided)
        self.counter.message.connect(self._status_message)

        self.first_admin_page = FirstAdministratorPage(services)
        self.lock_page = LockPage(services)
        if demo_panel is not None:
            self.work_layout.insertWidget(1, demo_panel)
        for page in (self.first_admin_page, self.work_page, self.lock_page):
            self.pages.addWidget(page)
        self.first_admin_page.signed_in.connect(self.on_signed_in)
        self.lock_page.unlocked.connect(self.unlock)
        self.lock_page.sign_out_requested.connect(self.sign_out)
        services.operations.failed.connect(self._unexpected_failure)

        # Children of the window: they are deleted with it, after closeEvent has stopped them,
        # instead of in whatever order the interpreter's last garbage collection picks.
        for worker in (camera, reader, services.face_worker):
            if worker is not None:
                worker.setParent(self)
        self._connect_workers()
        self.background_sync = BackgroundSync(
            services.application, services.operations, parent=self
        )
        self.background_sync.status_changed.connect(self._show_sync)
        if self.background_sync.bound:
            sync_action = QAction(self.tr("Sync now"), self)
            sync_action.triggered.connect(self.background_sync.sync_now)
            self.toolbar.addAction(sync_action)
        self.background_sync.start()
        self.settings_action.setEnabled(True)
        self.database_status.setText(self.tr("Database: ready"))
        self.attached = True
        self.sign_in_page.set_services(services)
        queries = services.queries
        services.operations.run(
            queries.operator_count,
            on_success=self._operators_counted,
            on_failure=self._unexpected_failure,
        )

    # --- building -----------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        toolbar = self.toolbar = QToolBar(self.tr("Counter"))
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.settings_action = QAction(self.tr("Settings"), self)
        self.settings_action.triggered.connect(self.open_settings)
        self.self_test_action = QAction(self.tr("Self-test"), self)
        self.self_test_action.triggered.connect(self.run_self_test)
        self.lock_action = QAction(self.tr("Lock"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.sign_out_action = QAction(self.tr("Sign out"), self)
        self.sign_out_action.triggered.connect(self.sign_out)
        for action in (
            self.settings_action,
            self.self_test_action,
            self.lock_action,
            self.sign_out_action,
        ):
            toolbar.addAction(action)
        self._enable_session_actions(False)
        self.settings_action.setEnabled(False)  # until ``attach``: it needs the services

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.camera_status = QLabel()
        self.reader_status = QLabel()
        self.database_status = QLabel()  # "ready" once ``attach`` has the database
        self.engine_status = QLabel()
        self.sync_status = QLabel(self.tr("Sync: not set up"))
        self.operator_status = QLabel(self.tr("Not signed in"))
        for label in (
            self.camera_status,
            self.reader_status,
            self.engine_status,
            self.database_status,
            self.sync_status,
            self.operator_status,
        ):
            bar.addPermanentWidget(label)

    def _connect_workers(self) -> None:
        if self.camera is not None:
            self.camera.add_consumer(self._remember_frame)
            self.counter.latest_frame = lambda: self._latest_frame
            self.camera.frame_ready.connect(self.preview.show_frame)
            self.camera.state_changed.connect(self._camera_state)
            self.camera.fps_measured.connect(self._camera_fps)
        face_worker = self.services.face_worker
        if face_worker is not None:
            face_worker.analysed.connect(self.preview.show_analysis)
            face_worker.engine_state.connect(self._engine_state)
            if self.camera is not None:
                self.camera.add_consumer(face_worker.offer_frame)
        else:
            self.hardware.engine = "failed"
            self.hardware.engine_detail = self.tr("no face engine")
        if self.reader is not None:
            self.reader.reader_event.connect(self._reader_event)
        self._show_hardware()

    def _remember_frame(self, rgb: RGBImage) -> None:
        """Camera thread: keep a reference to the newest frame (one assignment: no lock)."""
        self._latest_frame = rgb

    # --- the administrators' and supervisors' screens, built when first needed ------------------

    @property
    def admin(self) -> AdminWorkspace:
        if self._admin is None:
            from ui.admin import AdminWorkspace

            # Owned by the window from the start, even while no tab shows it: the charts'
            # Python objects form reference cycles, and a parentless screen would then be
            # destroyed by the garbage collector on whichever thread runs it (a worker), which
            # crashes Qt.
            self._admin = AdminWorkspace(self.services, parent=self)
            self._admin.hide()
        return self._admin

    @property
    def statistics(self) -> StatisticsScreen:
        """The supervisors' statistics (owned by the window, like ``admin``)."""
        if self._statistics is None:
            from ui.admin import StatisticsScreen

            self._statistics = StatisticsScreen(self.services, parent=self)
            self._statistics.hide()
        return self._statistics

    def _screens(
        self,
    ) -> list[CounterScreen | ReviewScreen | AdminWorkspace | StatisticsScreen | BlocklistScreen]:
        """The screens an operator signs into: those built so far (one never built has no
        operator to forget)."""
        return [
            screen
            for screen in (
                self.counter,
                self.review,
                self._admin,
                self._statistics,
                self.blocklist,
            )
            if screen is not None
        ]

    def start_workers(self) -> None:
        if not self.attached:
            return
        for worker in (self.services.face_worker, self.camera, self.reader):
            if worker is not None and not worker.isRunning():
                worker.start()

    def stop_workers(self) -> None:
        if not self.attached:
            return
        for worker in (self.reader, self.camera, self.services.face_worker):
            if worker is not None and worker.isRunning():
                worker.stop()

    # --- signing in and out ---------------------------------------------------------------------

    def _operators_counted(self, count: int) -> None:
        if count == 0:
            self.pages.setCurrentWidget(self.first_admin_page)

    @Slot(object)
    def on_signed_in(self, operator: SignedIn) -> None:
        self.operator = operator
        self.tabs.clear()
        role = operator.role
        if role is Role.SUPERVISOR:
            self.tabs.addTab(self.review, self.tr("Review queue"))
        if role in (Role.CLERK, Role.SUPERVISOR, Role.TUTORING_UNIT_STAFF):
            self.tabs.addTab(
                self.counter,
                self.tr("Class roster") if role is Role.TUTORING_UNIT_STAFF else self.tr("Counter"),
            )
        if role is Role.SUPERVISOR:
            self.tabs.addTab(self.statistics, self.tr("Statistics"))
            self.tabs.addTab(self.blocklist, self.tr("Blocklist"))
        if role is Role.ADMINISTRATOR:
            self.tabs.addTab(self.admin, self.tr("Administration"))
        for screen in self._screens():
            screen.set_operator(operator if self.tabs.indexOf(screen) >= 0 else None)
        self.operator_status.setText(
            self.tr("Signed in: {0} ({1})").format(operator.display_name, role_text(role))
        )
        self.pages.setCurrentWidget(self.work_page)
        self._enable_session_actions(True)
        self.idle.active = True
        self.idle_timer.start()
        self.run_self_test()
        self.signed_in_changed.emit(operator)

    def sign_out(self) -> None:
        self.operator = None
        for screen in self._screens():
            screen.set_operator(None)
        self.tabs.clear()
        self.idle.active = False
        self.idle_timer.stop()
        self.operator_status.setText(self.tr("Not signed in"))
        self._enable_session_actions(False)
        self.pages.setCurrentWidget(self.sign_in_page)
        self.signed_in_changed.emit(None)

    def _enable_session_actions(self, enabled: bool) -> None:
        for action in (self.self_test_action, self.lock_action, self.sign_out_action):
            action.setEnabled(enabled)

    # --- idle lock ------------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.pages.currentWidget() is self.lock_page

    def lock(self) -> None:
        if self.operator is None or self.locked:
            return
        self.idle.active = False
        self.lock_page.lock_for(self.operator)
        self.pages.setCurrentWidget(self.lock_page)
        self._enable_session_actions(False)

    def unlock(self) -> None:
        self.pages.setCurrentWidget(self.work_page)
        self._enable_session_actions(True)
        self.idle.active = True
        self.idle_timer.start()

    # --- workers' reports -----------------------------------------------------------------------

    def _camera_state(self, state: str, detail: str) -> None:
        self.hardware.camera, self.hardware.camera_detail = state, detail
        if state == "running":
            self.preview.set_overlay("")
        elif state == "lost":
            self.preview.set_overlay(self.tr("Camera disconnected: reconnecting…"))
        else:
            self.preview.set_overlay(self.tr("No camera: check the cable and the settings"))
        self._show_hardware()

    def _camera_fps(self, fps: float, brightness: float) -> None:
        self.hardware.fps, self.hardware.brightness = fps, brightness
        self._show_hardware()

    def _engine_state(self, state: str, detail: str) -> None:
        self.hardware.engine, self.hardware.engine_detail = state, detail
        self._show_hardware()

    def _reader_event(self, event: ReaderEvent) -> None:
        if event.kind == "card" and event.card is not None:
            if not self.locked:
                self.counter.on_card(event.card)
            return
        if event.kind == "connected":
            self.hardware.reader, self.hardware.reader_detail = "connected", ""
        elif event.kind == "disconnected":
            self.hardware.reader = "disconnected"
            self.hardware.reader_detail = error_text(event.error) if event.error else ""
        elif event.kind == "error" and event.error is not None:
            self._status_message(self.tr("Card reader: {0}").format(error_text(event.error)))
        self._show_hardware()

    def _show_hardware(self) -> None:
        state = self.hardware
        camera_words = {
            "running": self.tr("Camera: {0:.0f} fps").format(state.fps),
            "lost": self.tr("Camera: disconnected"),
            "unavailable": self.tr("Camera: unavailable"),
            "starting": self.tr("Camera: starting"),
            "none": self.tr("Camera: none"),
        }
        reader_words = {
            "connected": self.tr("Reader: connected"),
            "disconnected": self.tr("Reader: disconnected"),
            "starting": self.tr("Reader: starting"),
            "none": self.tr("Reader: none"),
        }
        engine_words = {
            "ready": self.tr("Faces: ready"),
            "loading": self.tr("Faces: loading"),
            "failed": self.tr("Faces: unavailable"),
        }
        self.camera_status.setText(camera_words.get(state.camera, state.camera))
        self.reader_status.setText(reader_words.get(state.reader, state.reader))
        self.engine_status.setText(engine_words.get(state.engine, state.engine))

    def _show_sync(self, status: object) -> None:
        """The sync badge: standalone, or online/offline with what waits and what conflicts."""
        from desk_app.sync.binding import SyncStatus

        if status is None:
            self.sync_status.setText(self.tr("Sync: standalone counter"))
            return
        if not isinstance(status, SyncStatus):
            self.sync_status.setText(self.tr("Sync: problem"))
            self.sync_status.setToolTip(
                error_text(status) if isinstance(status, BaseException) else ""
            )
            return
        state = self.tr("online") if status.online else self.tr("offline")
        last = (
            status.last_success_at.astimezone(CHINA_TIME).strftime("%H:%M")
            if status.last_success_at is not None
            else "—"
        )
        text = self.tr("Sync: {0}, last {1}, waiting {2}, conflicts {3}").format(
            state, last, status.pending + status.parked, status.conflicts
        )
        self.sync_status.setText(text)
        self.sync_status.setToolTip(status.last_error or status.central)

    def run_self_test(self) -> None:
        from ui.settings import checks_html, self_test

        quality = self.services.application.settings.quality
        checks = self_test(self.hardware, quality.min_brightness, quality.max_brightness)
        self.self_test_banner.setText(self.tr("Self-test: ") + checks_html(checks))

    # --- messages -------------------------------------------------------------------------------

    def _decided(self, change: ChangeSet) -> None:
        self._status_message(f"{change.registration_id}: {state_text(change.new_state)}")
        if self.operator is not None and self.operator.role is Role.SUPERVISOR:
            self.review.refresh()

    def _status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _unexpected_failure(self, error: BaseException) -> None:
        self.database_status.setText(self.tr("Database: problem"))
        self._status_message(error_text(error))

    def open_settings(self) -> None:
        from desk_app.services.settings_policy import (
            record_workstation_changes,
            save_counter_settings,
        )
        from ui.settings import SettingsDialog

        dialog = SettingsDialog(self.services, self.preferences, self.operator, self)
        if not dialog.exec() or self.operator is None:
            return
        chosen = dialog.chosen()
        changes = dialog.changed_config()
        reason = dialog.threshold_reason.text()
        old, new = preference_values(self.preferences), preference_values(chosen)
        application, operator_id = self.services.application, self.operator.operator_id

        def work() -> None:
            """On the database worker: check the roles, write, audit old and new values."""
            record_workstation_changes(application.database, operator_id, old, new)
            if changes:
                save_counter_settings(
                    dialog.config_path,
                    operator_id,
                    changes,
                    database=application.database,
                    current=application.settings,
                    reason=reason,
                )

        def saved(_result: object) -> None:
            from PySide6.QtCore import QSettings

            self.preferences = chosen
            self.preferences.save(QSettings())
            QMessageBox.information(
                self, self.tr("Settings"), self.tr("Saved. Some settings apply at the next start.")
            )

        def refused(error: BaseException) -> None:
            QMessageBox.warning(self, self.tr("Settings"), error_text(error))

        self.services.operations.run(work, on_success=saved, on_failure=refused)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.idle.stop_watching()
        self.idle.active = False
        self.idle_timer.stop()
        if self.attached:
            self.background_sync.stop()
        self.stop_workers()
        super().closeEvent(event)
