"""The counter screen and its panels; ``CounterScreen`` is what the main window shows.

``screen`` wires the panels to one ``CounterSession`` (the case and its rules, in the core) and
to the workers; each panel only shows the session and reports what the clerk did.
"""

from __future__ import annotations

from ui.counter.screen import CounterScreen

__all__ = ["CounterScreen"]
