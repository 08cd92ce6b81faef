"""Who may change which setting, the floor under the face thresholds, and the audit of every
change with its old and new values.

Administrators own the camera source, the card reader port, the idle-lock time, the counter's
identity, the face thresholds and whether counters ask the liveness challenge. Thresholds
looser than the calibrated review limits (a larger distance lets more impostors through) need
a written reason. The role is read again
from the database: the screen's idea of who is signed in is not trusted.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from desk_app.config import DLIB_THRESHOLDS, SFACE_THRESHOLDS, Settings, update_config_file
from desk_app.domain.errors import DeskError, PermissionDeniedError
from desk_app.domain.workflow import Role
from desk_app.persistence.database import Database
from desk_app.persistence.models import Operator
from desk_app.security import audit

# Workstation preferences (kept by the GUI) that only administrators change.
ADMINISTRATOR_PREFERENCES = frozenset({"camera", "reader_port", "idle_minutes"})
# The limits calibrated on East Asian faces (desk_app.config): the floor for any site.
CALIBRATED = {"sface": SFACE_THRESHOLDS, "dlib": DLIB_THRESHOLDS}
COMPARISONS = ("live_card", "live_ephoto", "card_ephoto")


def role_now(database: Database, operator_id: str) -> Role | None:
    """The operator's role as stored, None when unknown or deactivated."""
    with database.reading() as uow:
        stored = uow.session.get(Operator, operator_id)
        if stored is None or not stored.active:
            return None
        return Role(stored.role)


def require_administrator(database: Database, operator_id: str, what: str) -> None:
    if role_now(database, operator_id) is not Role.ADMINISTRATOR:
        raise PermissionDeniedError(
            f"only an administrator changes {what}", code="permission.role", what=what
        )


def looser_than_calibrated(engine: str, values: Mapping[str, Any]) -> list[str]:
    """The threshold keys set above the calibrated review limit of their comparison."""
    calibrated = CALIBRATED.get(engine)
    if calibrated is None:
        return []
    looser = []
    for key, value in values.items():
        comparison = next((c for c in COMPARISONS if key.startswith(c + "_")), None)
        if comparison is None:
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue  # the config file's own check refuses it
        if number > float(getattr(calibrated, f"{comparison}_review")):
            looser.append(key)
    return looser


def save_counter_settings(
    path: Path,
    operator_id: str,
    changes: Mapping[str, Mapping[str, Any]],
    *,
    database: Database,
    current: Settings,
    reason: str = "",
) -> None:
    """Write ``changes`` (section → key → value) to the configuration file: administrators
    only; thresholds above the calibrated review limits only with a reason; each changed value
    audited with its old and new value (and the reason)."""
    for section in changes:
        if section not in ("counter", "liveness") and not section.startswith("thresholds_"):
            raise PermissionDeniedError(
                f"the [{section}] settings are not changed here", code="permission.role"
            )
        require_administrator(database, operator_id, f"the [{section}] settings")
    for section, values in changes.items():
        if section.startswith("thresholds_"):
            looser = looser_than_calibrated(section.removeprefix("thresholds_"), values)
            if looser and not reason.strip():
                raise DeskError(
                    "thresholds looser than the calibrated review limits need a written reason",
                    code="settings.threshold_reason_required",
                    keys=looser,
                )
    old = {
        section: {key: _current_value(current, section, key) for key in values}
        for section, values in changes.items()
    }
    update_config_file(path, changes)  # checked by loading it before it replaces the file
    with database.unit_of_work() as uow:
        for section, values in changes.items():
            for key, value in values.items():
                if old[section][key] == value:
                    continue
                details: dict[str, Any] = {"old": old[section][key], "new": value}
                if reason.strip():
                    details["reason"] = reason.strip()[:500]
                audit.append(
                    uow.session,
                    actor=operator_id,
                    action="settings.changed",
                    subject=f"[{section}] {key}"[:100],
                    details=details,
                )
        uow.commit()


def _current_value(current: Settings, section: str, key: str) -> Any:
    holder = getattr(current, section, None)
    value = getattr(holder, key, None) if holder is not None else None
    return list(value) if isinstance(value, tuple) else value


def record_workstation_changes(
    database: Database,
    operator_id: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
) -> list[str]:
    """Check and audit a change of this workstation's preferences (camera, reader port, idle
    lock, language); returns the changed keys. Camera, reader and idle lock: administrators."""
    changed = [key for key in new if old.get(key) != new.get(key)]
    owned = [key for key in changed if key in ADMINISTRATOR_PREFERENCES]
    if owned:
        require_administrator(database, operator_id, ", ".join(owned))
    if changed:
        with database.unit_of_work() as uow:
            for key in changed:
                audit.append(
                    uow.session,
                    actor=operator_id,
                    action="settings.changed",
                    subject=f"[workstation] {key}",
                    details={"old": old.get(key), "new": new.get(key)},
                )
            uow.commit()
    return changed
