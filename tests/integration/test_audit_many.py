"""audit.append_many: a batch of links in one statement is the same chain as one at a time."""

from __future__ import annotations

from sqlalchemy import update

from desk_app.bootstrap import Application
from desk_app.persistence.models import AuditEntry
from desk_app.security import audit


def test_batched_links_verify_and_tampering_is_caught(application: Application) -> None:
    with application.database.reading() as uow:
        before = audit.verify(uow.session).count  # the staff added by the fixture
    with application.database.unit_of_work() as uow:
        audit.append(uow.session, actor="a", action="one")
        audit.append_many(
            uow.session,
            [audit.PendingEntry("b", f"batch.{i}", "R1", {"i": i, "名": "张三"}) for i in range(5)],
        )
        audit.append_many(uow.session, [])
        audit.append(uow.session, actor="c", action="after")
        uow.commit()
    with application.database.reading() as uow:
        result = audit.verify(uow.session)
    assert result.intact and result.count == before + 7

    with application.database.unit_of_work() as uow:
        uow.session.execute(
            update(AuditEntry).where(AuditEntry.sequence == before + 4).values(subject="R2")
        )
        uow.commit()
    with application.database.reading() as uow:
        assert audit.verify(uow.session).first_bad_sequence == before + 4
