"""Exchange with the central PostgreSQL database: offline-first counters, server authority.

``central`` is the central side (the authority that checks every event), ``syncer`` the counter's
side (lease ticket blocks, push the outbox, pull the scope), ``binding`` the registration of a
counter and its status. No Qt here: the GUI runs a Syncer on its database worker.
"""
