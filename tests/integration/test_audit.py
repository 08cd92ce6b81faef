"""The audit chain verifies when intact and names the first bad entry after any tampering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from desk_app.persistence.database import Database
from desk_app.security import audit

Tamper = Callable[[Session], None]


def _fill(database: Database, count: int = 6) -> None:
    with database.unit_of_work() as uow:
        for index in range(count):
            audit.append(
                uow.session,
                actor="clerk",
                action="candidate.confirm",
                subject=f"R{index}",
                details={"ticket_number": f"01012710000{index}", "score": 0.25 + index / 100},
            )
        uow.commit()


def _verify(database: Database) -> audit.ChainVerification:
    with database.reading() as uow:
        return audit.verify(uow.session)


@pytest.fixture
def chain(database_url: str) -> Database:
    database = Database.open(database_url)
    _fill(database)
    return database


def test_an_intact_chain_verifies(chain: Database) -> None:
    result = _verify(chain)
    assert result.intact and result.count == 6


def test_an_empty_chain_verifies(database_url: str) -> None:
    database = Database.open(database_url)
    assert _verify(database).intact and _verify(database).count == 0
    database.close()


def _sql(statement: str) -> Tamper:
    def tamper(session: Session) -> None:
        session.execute(text(statement))

    return tamper


def _swap_subjects(session: Session) -> None:
    """Reorder: exchange the contents of entries 3 and 4, each keeping its own hash."""
    session.execute(text("UPDATE audit_entries SET subject = 'tmp' WHERE sequence = 3"))
    session.execute(text("UPDATE audit_entries SET subject = 'R2' WHERE sequence = 4"))
    session.execute(text("UPDATE audit_entries SET subject = 'R3' WHERE sequence = 3"))


def _insert_copy(session: Session) -> None:
    """Insert: shift entries 4.. up by one and put a forged entry at 4."""
    session.execute(text("UPDATE audit_entries SET sequence = sequence + 100 WHERE sequence >= 4"))
    session.execute(text("UPDATE audit_entries SET sequence = sequence - 99 WHERE sequence >= 104"))
    session.execute(
        text(
            "INSERT INTO audit_entries (sequence, occurred_at, actor, action, subject, details, "
            "previous_hash, entry_hash) SELECT 4, occurred_at, actor, action, 'FORGED', details, "
            "entry_hash, :forged FROM audit_entries WHERE sequence = 3"
        ),
        {"forged": "f" * 64},
    )


@pytest.mark.parametrize(
    ("tamper", "first_bad"),
    [
        (_sql("UPDATE audit_entries SET actor = 'mallory' WHERE sequence = 3"), 3),
        (_sql("UPDATE audit_entries SET details = '{}' WHERE sequence = 2"), 2),
        (_sql("DELETE FROM audit_entries WHERE sequence = 4"), 4),
        (_sql("DELETE FROM audit_entries WHERE sequence = 6"), 6),
        (_sql("DELETE FROM audit_entries WHERE sequence >= 5"), 5),
        (_swap_subjects, 3),
        (_insert_copy, 4),
    ],
    ids=["edit", "edit-details", "delete", "delete-newest", "truncate", "reorder", "insert"],
)
def test_tampering_is_found_at_the_first_bad_entry(
    chain: Database, tamper: Tamper, first_bad: int
) -> None:
    with chain.unit_of_work() as uow:
        tamper(uow.session)
        uow.commit()
    result = _verify(chain)
    assert not result.intact
    assert result.first_bad_sequence == first_bad, result.problem
