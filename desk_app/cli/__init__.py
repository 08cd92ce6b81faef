"""The ``desk-app`` command line.

Every command takes ``--db PATH_OR_URL`` (or ``DESK_APP_DB``) and ``--config FILE`` (or
``DESK_APP_CONFIG``). Bad input gives one clear line on stderr and a non-zero exit status, never a
traceback: 1 for a refused request (a rule broken, a bad file), 2 for a wrong command line.

``common`` holds the plumbing every command uses, ``root`` the group ``main`` that the
``desk-app`` script and ``python -m desk_app`` run, and each other module one group of commands.
Only ``main`` is exported here.
"""

from __future__ import annotations

from desk_app.cli.root import main

__all__ = ["main"]
