"""Progress and cancellation as plain callables, so long jobs know nothing of who watches them.

A job calls ``progress(done, total)`` now and then and stops early when ``cancelled()`` says so;
the command line prints, the GUI turns the calls into signals.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
