"""Random sequences of import, confirm, refer, approve, reject and revoke against a reference model.

The model is written independently of the domain's transition table. After every step: each
record's state and data equal the model's, ticket numbers are unique and none is ever reused, and
the audit chain verifies.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
)
from sqlalchemy import select

from desk_app.bootstrap import Application
from desk_app.domain.errors import DeskError
from desk_app.domain.workflow import ReasonCode
from desk_app.idcard.rules import compose_citizen_id
from desk_app.persistence.models import Candidate, TicketNumber
from desk_app.security import audit
from desk_app.services.roster_import import import_roster
from desk_app.services.workflow import Decision
from tests.support.factories import add_staff, make_application
from tests.support.sync_world import PASSED_LIVENESS

OPERATORS = {
    "clerk": "clerk",
    "super1": "supervisor",
    "super2": "supervisor",
    "unitstaff": "unit",
    "admin": "admin",
}
UNITS = (None, "Unit A", "Unit B")


@dataclass
class ModelRecord:
    name: str
    chip: bool
    unit: str | None
    enrolled_ticket: str | None
    state: str = "pre_registered"
    referred_by: str | None = None
    ticket: str | None = None


@dataclass
class Model:
    records: dict[str, ModelRecord] = field(default_factory=dict)
    tickets_ever: set[str] = field(default_factory=set)


def expected_outcome(
    record: ModelRecord, action: str, operator: str, reason: ReasonCode | None
) -> str | None:
    """The new state, or None when the service must refuse."""
    role = OPERATORS[operator]
    front_desk = role in {"clerk", "supervisor", "unit"}
    if role == "unit" and record.unit != "Unit A":
        return None
    needs_reason = action in {"refer", "reject", "revoke"}
    if needs_reason and reason is None:
        return None
    table = {
        ("pre_registered", "confirm"): ("confirmed", front_desk and record.chip),
        ("pre_registered", "refer"): ("referred", front_desk),
        ("pre_registered", "reject"): ("rejected", front_desk),
        ("referred", "approve"): (
            "confirmed",
            role == "supervisor" and record.referred_by != operator,
        ),
        ("referred", "reject"): ("rejected", role == "supervisor"),
        ("confirmed", "revoke"): ("revoked", role == "supervisor"),
    }
    target, allowed = table.get((record.state, action), ("", False))
    return target if allowed else None


class ConfirmationDesk(RuleBasedStateMachine):
    registrations = Bundle("registrations")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="desk-sm-"))
        self.app: Application = make_application(
            f"sqlite:///{self.folder / 'c.db'}",
            DESK_APP_TICKETS_BLOCK_SIZE="2",
            DESK_APP_TICKETS_PERIOD="271",
        )
        add_staff(self.app.database)
        self.model = Model()
        self.imports = 0

    def teardown(self) -> None:
        self.app.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _import(self, rows: list[dict[str, str]]) -> None:
        self.imports += 1
        path = self.folder / f"roster{self.imports}.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        report = import_roster(self.app.database, path, ticket_layout=self.app.ticket_layout)
        assert report.imported, report.problems

    @initialize()
    def start(self) -> None:
        pass

    @rule(
        target=registrations,
        specs=st.lists(
            st.tuples(st.booleans(), st.sampled_from(UNITS), st.booleans()), min_size=1, max_size=3
        ),
    )
    def import_new(self, specs: list[tuple[bool, str | None, bool]]) -> object:
        rows = []
        new_ids = []
        for chip, unit, enrolled in specs:
            index = len(self.model.records)  # the model grows inside this loop
            registration_id = f"R{index:04d}"
            enrolled_ticket = f"0203191{index:05d}" if enrolled else None
            rows.append(
                {
                    "registration_id": registration_id,
                    "kind": "enrolled" if enrolled else "new",
                    "name": f"考生{index}",
                    "document_type": "resident_id" if chip else "military_card",
                    "document_number": compose_citizen_id("110105", date(1990, 1, 1), index % 1000)
                    if chip
                    else f"军{1000000 + index}",
                    "exam_area": "0101",
                    "programme_code": "080901",
                    "tutoring_unit": unit or "",
                    "ticket_number": enrolled_ticket or "",
                }
            )
            new_ids.append(registration_id)
            self.model.records[registration_id] = ModelRecord(
                name=f"考生{index}", chip=chip, unit=unit, enrolled_ticket=enrolled_ticket
            )
        self._import(rows)
        return multiple(*new_ids)

    @rule(registration_id=registrations, new_name=st.sampled_from(["改名甲", "改名乙"]))
    def reimport_with_a_new_name(self, registration_id: str, new_name: str) -> None:
        """A roster sent again: pre-registered records take the change, decided ones never do."""
        record = self.model.records[registration_id]
        index = int(registration_id[1:])
        self._import(
            [
                {
                    "registration_id": registration_id,
                    "kind": "enrolled" if record.enrolled_ticket else "new",
                    "name": new_name,
                    "document_type": "resident_id" if record.chip else "military_card",
                    "document_number": compose_citizen_id("110105", date(1990, 1, 1), index % 1000)
                    if record.chip
                    else f"军{1000000 + index}",
                    "exam_area": "0101",
                    "programme_code": "080901",
                    "tutoring_unit": record.unit or "",
                    "ticket_number": record.enrolled_ticket or "",
                }
            ]
        )
        if record.state == "pre_registered":
            record.name = new_name

    def _act(
        self, action: str, registration_id: str, operator: str, reason: ReasonCode | None
    ) -> None:
        record = self.model.records[registration_id]
        expected = expected_outcome(record, action, operator, reason)
        decision = Decision(reason=reason, liveness=PASSED_LIVENESS)
        try:
            change = getattr(self.app.workflow, action)(registration_id, operator, decision)
        except DeskError as error:
            assert expected is None, f"{action} by {operator} refused: {error}"
            return
        assert expected is not None, f"{action} by {operator} on {record.state} was allowed"
        assert change.new_state.value == expected
        if action == "refer":
            record.referred_by = operator
        if expected == "confirmed":
            if record.enrolled_ticket:
                assert change.ticket_number == record.enrolled_ticket
            else:
                assert change.ticket_number not in self.model.tickets_ever
            record.ticket = change.ticket_number
            self.model.tickets_ever.add(change.ticket_number)
        record.state = expected

    reasons = st.one_of(st.none(), st.sampled_from(list(ReasonCode)))
    operators = st.sampled_from(list(OPERATORS))

    @rule(registration_id=registrations, operator=operators)
    def confirm(self, registration_id: str, operator: str) -> None:
        self._act("confirm", registration_id, operator, None)

    @rule(registration_id=registrations, operator=operators, reason=reasons)
    def refer(self, registration_id: str, operator: str, reason: ReasonCode | None) -> None:
        self._act("refer", registration_id, operator, reason)

    @rule(registration_id=registrations, operator=operators)
    def approve(self, registration_id: str, operator: str) -> None:
        self._act("approve", registration_id, operator, None)

    @rule(registration_id=registrations, operator=operators, reason=reasons)
    def reject(self, registration_id: str, operator: str, reason: ReasonCode | None) -> None:
        self._act("reject", registration_id, operator, reason)

    @rule(registration_id=consumes(registrations), operator=operators, reason=reasons)
    def revoke(self, registration_id: str, operator: str, reason: ReasonCode | None) -> None:
        self._act("revoke", registration_id, operator, reason)

    @invariant()
    def database_matches_the_model(self) -> None:
        with self.app.database.reading() as uow:
            rows = uow.session.execute(
                select(
                    Candidate.registration_id,
                    Candidate.state,
                    Candidate.name,
                    Candidate.ticket_number,
                )
            ).all()
            issued = uow.session.execute(select(TicketNumber.number)).scalars().all()
            chain = audit.verify(uow.session)
        assert {r.registration_id: r.state for r in rows} == {
            k: v.state for k, v in self.model.records.items()
        }
        assert {r.registration_id: r.name for r in rows} == {
            k: v.name for k, v in self.model.records.items()
        }
        tickets = [r.ticket_number for r in rows if r.ticket_number and r.registration_id]
        assert len(tickets) == len(set(tickets))
        assert set(issued) == self.model.tickets_ever
        assert chain.intact, chain.problem


ConfirmationDesk.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestConfirmationDesk = ConfirmationDesk.TestCase
