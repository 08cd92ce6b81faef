"""Least privilege on the central database: the sync service's role may do what serving counters
needs, and nothing more.

``desk-app central init`` runs the migrations as the owner role (the URL's user) and then creates
(or updates) the service's login role with the grants below. The service never creates tables,
never deletes a decision, an event or an audit entry, never adds candidates or operators (the
administrator's commands do, as the owner): if its credentials leak, the damage is bounded by
this table, and the event log and the audit chain can only grow.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from desk_app.sync.protocol import SyncError

DEFAULT_SERVICE_ROLE = "desk_app_service"

# Table -> the privileges the service needs there. Anything not listed: none.
SERVICE_GRANTS: dict[str, tuple[str, ...]] = {
    "candidates": ("SELECT", "UPDATE"),  # state, version, ticket number of decided records
    "transitions": ("SELECT", "INSERT"),
    "photos": ("SELECT", "INSERT"),  # live captures arriving with decisions
    "face_templates": ("SELECT", "INSERT"),
    "ticket_series": ("SELECT", "INSERT", "UPDATE"),  # the highest sequence leased
    "ticket_blocks": ("SELECT", "INSERT"),
    "ticket_numbers": ("SELECT", "INSERT", "UPDATE"),  # retired with a revoked confirmation
    "operators": ("SELECT",),  # created by the administrator, pulled by counters
    "sites": ("SELECT",),
    "counters": ("SELECT", "UPDATE"),  # key at enrolment, last contact, audit head
    "enrolment_codes": ("SELECT", "UPDATE"),  # marked used
    "request_nonces": ("SELECT", "INSERT", "DELETE"),  # expired nonces are forgotten
    "central_events": ("SELECT", "INSERT"),  # the event log only grows
    "audit_entries": ("SELECT", "INSERT"),  # the audit chain only grows
    "counter_audit_entries": ("SELECT", "INSERT"),  # so do the counters' chains
    "audit_head": ("SELECT", "INSERT", "UPDATE"),  # one row, made on the first entry
    # Supervisors' entries from counters arrive; only the administrator lifts one.
    "blocklist_entries": ("SELECT", "INSERT"),
}

_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def grant_service_role(engine: Engine, role: str = DEFAULT_SERVICE_ROLE) -> None:
    """Create the service's login role if missing and give it exactly ``SERVICE_GRANTS`` on
    this database (revoking anything else it had). Its password, if the server asks for one, is
    set by the database administrator (``ALTER ROLE … PASSWORD``), never by this program."""
    if not _ROLE_NAME.fullmatch(role):
        raise SyncError(f"not a plain role name: {role!r}", code="sync.bad_role")
    with engine.begin() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
        ).scalar()
        if not exists:
            connection.execute(text(f"CREATE ROLE {role} LOGIN"))
        database = connection.execute(text("SELECT current_database()")).scalar_one()
        connection.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        # Before PostgreSQL 15 every role may create tables in ``public``: not in this database.
        connection.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        connection.execute(text(f"REVOKE CREATE ON SCHEMA public FROM {role}"))
        connection.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"))
        for table, privileges in SERVICE_GRANTS.items():
            connection.execute(text(f"GRANT {', '.join(privileges)} ON {table} TO {role}"))
        # The serial keys of the tables it inserts into, and the candidates' change numbers.
        connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
