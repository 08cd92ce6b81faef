"""A counter with operators who can sign in, candidates with real e-photos, and a window factory
wired by the product's own ``build_counter``: file camera, face worker, simulated chip reader on
a pseudo-terminal. Helpers the tests call live in ``tests.support.ui_helpers``."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desk_app.bootstrap import Application
from desk_app.camera.demo import demo_live_faces
from desk_app.camera.sources import CameraSource
from desk_app.domain.workflow import Role
from desk_app.idcard.protocol import CardText
from desk_app.idcard.simulator import ReaderSimulator
from desk_app.security.operators import add_operator
from tests.support.factories import add_candidate, make_application
from tests.support.ui_helpers import PASSWORD, UNIT, add_ephoto, citizen_number


@pytest.fixture
def counter_app(tmp_path: Path, counter_settings: dict[str, str]) -> Iterator[Application]:
    """Operators clerk, super1, super2, unitstaff (Unit A), admin; candidates:
    R0..R3 at the counter, U0..U2 in Unit A, P0 with a passport (no chip). The liveness
    challenge is off at this counter: the file camera shows still photos, which it rightly
    fails (``liveness_counter_app`` has it on)."""
    app = _counter_app(tmp_path, liveness=False, **counter_settings)
    yield app
    app.close()


@pytest.fixture
def counter_settings() -> dict[str, str]:
    """More settings (``DESK_APP_...``) for ``counter_app``: a test module overrides this."""
    return {}


@pytest.fixture
def liveness_counter_app(tmp_path: Path) -> Iterator[Application]:
    """The counter above with the liveness challenge on (the product's default), one second
    per action."""
    app = _counter_app(tmp_path, liveness=True)
    yield app
    app.close()


def _counter_app(tmp_path: Path, *, liveness: bool, **settings: str) -> Application:
    app = make_application(
        f"sqlite:///{tmp_path / 'counter.db'}",
        DESK_APP_TICKETS_BLOCK_SIZE="10",
        DESK_APP_TICKETS_PERIOD="271",
        # No wait after a wrong password, so screens can retry at once; the lockout after five
        # failures stays (tests/integration/test_sign_in.py has the backoff).
        DESK_APP_PRIVACY_SIGN_IN_BACKOFF_S="0",
        DESK_APP_LIVENESS_AT_COUNTERS=str(liveness).lower(),
        DESK_APP_LIVENESS_ACTION_SECONDS="1",
        **settings,
    )
    for operator_id, role, unit in (
        ("clerk", Role.CLERK, None),
        ("super1", Role.SUPERVISOR, None),
        ("super2", Role.SUPERVISOR, None),
        ("unitstaff", Role.TUTORING_UNIT_STAFF, UNIT),
        ("admin", Role.ADMINISTRATOR, None),
    ):
        add_operator(
            app.database,
            operator_id=operator_id,
            display_name=f"{operator_id} 名",
            role=role,
            password=PASSWORD,
            tutoring_unit=unit,
        )
    for index in range(4):
        add_candidate(
            app.database,
            f"R{index}",
            name=f"考生{index}",
            sex="1",
            birth_date=date(1990, 1, 1),
            document_number=citizen_number(index + 1),
        )
    for index in range(3):
        add_candidate(
            app.database,
            f"U{index}",
            name=f"学员{index}",
            sex="1",
            birth_date=date(1990, 1, 1),
            document_number=citizen_number(index + 101),
            tutoring_unit=UNIT,
            class_name="会计1班",
        )
    add_candidate(
        app.database,
        "P0",
        name="护照考生",
        document_type="passport",
        document_number="E12345678",
    )
    return app


@pytest.fixture
def koizumi(data_dir: Path, counter_app: Application) -> list[Path]:
    """R0's e-photo is the first photo of one East Asian identity; returns its other photos."""
    faces = demo_live_faces(data_dir)
    live = faces[0]
    ephoto = sorted(live[0].parent.iterdir())[0]
    add_ephoto(counter_app, "R0", ephoto.read_bytes())
    return live


@pytest.fixture
def make_window(
    qtbot: Any, tmp_path: Path
) -> Iterator[Callable[..., tuple[Any, ReaderSimulator | None]]]:
    """Build a main window; returns (window, reader simulator or None). Cleans up after."""
    from ui.app import build_counter
    from ui.preferences import Preferences

    created: list[tuple[Any, Any, ReaderSimulator | None]] = []

    def build(
        application: Application,
        *,
        camera: CameraSource | None = None,
        faces: bool | Callable[[str], Any] = False,
        cards: list[CardText] | None = None,
        idle_ms: int | None = None,
    ) -> tuple[Any, ReaderSimulator | None]:
        simulator = None
        if cards is not None:
            simulator = ReaderSimulator(cards, tmp_path / f"reader{len(created)}")
        counter = build_counter(
            application,
            Preferences(),
            camera=camera,
            reader_port=str(simulator.start()) if simulator is not None else None,
            faces=bool(faces),
            engine_loader=faces if callable(faces) else None,
            idle_ms=idle_ms,
        )
        window = counter.window
        qtbot.addWidget(window)
        window.show()
        window.start_workers()
        created.append((window, counter.operations, simulator))
        return window, simulator

    yield build
    from PySide6.QtCore import QCoreApplication, QEvent

    for window, operations, simulator in created:
        window.close()  # stops the camera, face and reader workers
        operations.shutdown()
        if simulator is not None:
            simulator.unplug()
        # Delete the Qt objects now, in Qt's order, not at interpreter exit.
        window.deleteLater()
        operations.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()  # the wrappers of the deleted objects, now, on this (the GUI) thread
