"""Coded errors raised by the core.

Every error carries a stable ``code`` (dotted, e.g. ``document.check_character``) that the UI
and the command line word for people; the message is an English explanation for logs and
engineers, and ``context`` holds the values involved (a row number, a field, the expected value).
"""

from __future__ import annotations

from typing import Any


class DeskError(Exception):
    """Base of every error the core raises on purpose."""

    code: str = "desk.error"

    def __init__(self, message: str, *, code: str | None = None, **context: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.context: dict[str, Any] = context

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


class DocumentError(DeskError):
    """A document number or document field breaks a rule; ``code`` names the rule."""

    code = "document.invalid"


class TransitionError(DeskError):
    """A state change that the record's current state does not allow."""

    code = "state.illegal_transition"


class NotFoundError(DeskError):
    code = "not_found"


class PermissionDeniedError(DeskError):
    code = "permission.denied"


class ConfigError(DeskError):
    code = "config.invalid"


class TicketNumberError(DeskError):
    """No ticket number can be issued (no block leased, block used up, bad layout)."""

    code = "ticket.unavailable"


class ImportFileError(DeskError):
    """A roster or photo file that cannot be read at all (nothing was imported)."""

    code = "import.unreadable"


class AuditChainError(DeskError):
    code = "audit.broken"
