"""Every role × every setting: who may change it, and every change audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desk_app.bootstrap import Application
from desk_app.domain.errors import PermissionDeniedError
from desk_app.persistence.models import AuditEntry
from desk_app.services.settings_policy import record_workstation_changes, save_counter_settings

ROLES = {"clerk": False, "super1": False, "unitstaff": False, "admin": True}
PREFERENCES = {
    "camera": ({"kind": "device", "path": ""}, {"kind": "files", "path": "/srv/clips"}),
    "reader_port": ("simulator", "/dev/ttyUSB0"),
    "idle_minutes": (5.0, 60.0),
}


@pytest.mark.parametrize("operator_id", list(ROLES))
@pytest.mark.parametrize("key", list(PREFERENCES))
def test_workstation_preferences(application: Application, operator_id: str, key: str) -> None:
    old, new = PREFERENCES[key]
    if ROLES[operator_id]:
        assert record_workstation_changes(
            application.database, operator_id, {key: old}, {key: new}
        ) == [key]
        with application.database.reading() as uow:
            entry = uow.session.scalars(
                select(AuditEntry).order_by(AuditEntry.sequence.desc())
            ).first()
        assert entry is not None and entry.details == {"old": old, "new": new}
    else:
        with pytest.raises(PermissionDeniedError):
            record_workstation_changes(application.database, operator_id, {key: old}, {key: new})


@pytest.mark.parametrize("operator_id", list(ROLES))
def test_the_language_is_everyones(application: Application, operator_id: str) -> None:
    changed = record_workstation_changes(
        application.database, operator_id, {"language": "zh_CN"}, {"language": "en"}
    )
    assert changed == ["language"]


@pytest.mark.parametrize("operator_id", list(ROLES))
@pytest.mark.parametrize(
    "changes",
    [
        {"counter": {"counter_id": "C9"}},
        {"thresholds_sface": {"live_card_pass": 0.5}},
        {"liveness": {"at_counters": False}},
    ],
)
def test_configuration_sections(
    application: Application,
    tmp_path: Path,
    operator_id: str,
    changes: dict[str, dict[str, object]],
) -> None:
    config = tmp_path / "config.toml"
    arguments = {"database": application.database, "current": application.settings}
    if ROLES[operator_id]:
        save_counter_settings(config, operator_id, changes, **arguments)  # type: ignore[arg-type]
        assert config.exists()
    else:
        with pytest.raises(PermissionDeniedError):
            save_counter_settings(config, operator_id, changes, **arguments)  # type: ignore[arg-type]
        assert not config.exists()
