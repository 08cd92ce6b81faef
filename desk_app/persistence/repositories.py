"""Queries the services need, in one place, over a session the unit of work owns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desk_app.persistence.models import (
    Candidate,
    FaceTemplate,
    Operator,
    Photo,
    TicketBlock,
    TicketNumber,
    Transition,
)


class CandidateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_registration_id(
        self, registration_id: str, *, for_update: bool = False
    ) -> Candidate | None:
        query = select(Candidate).where(Candidate.registration_id == registration_id)
        if for_update:
            query = query.with_for_update()
        return self.session.execute(query).scalar_one_or_none()

    def by_document_number(self, document_number: str) -> Sequence[Candidate]:
        query = select(Candidate).where(Candidate.document_number == document_number)
        return self.session.execute(query.order_by(Candidate.id)).scalars().all()

    def search(
        self,
        text: str = "",
        *,
        states: Sequence[str] = (),
        exam_areas: Sequence[str] = (),
        tutoring_unit: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Sequence[Candidate]:
        """Full ID number, its last 6 characters, a name, a phone number or a registration id."""
        query = select(Candidate)
        needle = text.strip().upper()
        if needle:
            conditions = [
                Candidate.document_number == needle,
                Candidate.registration_id == text.strip(),
                Candidate.name == text.strip(),
                Candidate.phone == text.strip(),
            ]
            if len(needle) == 6:
                conditions.append(Candidate.document_number.endswith(needle))
            query = query.where(or_(*conditions))
        if states:
            query = query.where(Candidate.state.in_(states))
        if exam_areas:
            query = query.where(Candidate.exam_area.in_(exam_areas))
        if tutoring_unit is not None:
            query = query.where(Candidate.tutoring_unit == tutoring_unit)
        query = query.order_by(Candidate.id).limit(limit).offset(offset)
        return self.session.execute(query).scalars().all()

    def count_by_state(self) -> dict[str, int]:
        rows = self.session.execute(
            select(Candidate.state, func.count()).group_by(Candidate.state)
        ).all()
        return {state: int(count) for state, count in rows}

    def registered_photo(self, candidate_id: int) -> Photo | None:
        query = (
            select(Photo)
            .where(Photo.candidate_id == candidate_id, Photo.purpose == "registered")
            .order_by(Photo.id.desc())
            .limit(1)
        )
        return self.session.execute(query).scalar_one_or_none()

    def last_transition(self, candidate_id: int, action: str) -> Transition | None:
        query = (
            select(Transition)
            .where(Transition.candidate_id == candidate_id, Transition.action == action)
            .order_by(Transition.id.desc())
            .limit(1)
        )
        return self.session.execute(query).scalar_one_or_none()


class OperatorRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, operator_id: str) -> Operator | None:
        return self.session.get(Operator, operator_id)

    def all(self) -> Sequence[Operator]:
        return self.session.execute(select(Operator).order_by(Operator.id)).scalars().all()


class TicketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_block(self, series: str, counter_id: str) -> TicketBlock | None:
        """The oldest block of this counter with numbers left (callers hold the series lock)."""
        query = (
            select(TicketBlock)
            .where(
                TicketBlock.series == series,
                TicketBlock.counter_id == counter_id,
                TicketBlock.next_sequence <= TicketBlock.last_sequence,
            )
            .order_by(TicketBlock.first_sequence)
            .limit(1)
        )
        return self.session.execute(query).scalar_one_or_none()

    def remaining(self, series: str, counter_id: str) -> int:
        query = select(
            func.coalesce(func.sum(TicketBlock.last_sequence - TicketBlock.next_sequence + 1), 0)
        ).where(TicketBlock.series == series, TicketBlock.counter_id == counter_id)
        return int(self.session.execute(query).scalar_one())

    def blocks(self) -> Sequence[TicketBlock]:
        query = select(TicketBlock).order_by(TicketBlock.series, TicketBlock.first_sequence)
        return self.session.execute(query).scalars().all()

    def number(self, number: str) -> TicketNumber | None:
        return self.session.get(TicketNumber, number)


class TemplateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def confirmed_templates(
        self, engine: str, model_version: str
    ) -> tuple[list[int], npt.NDArray[np.float32]]:
        """Candidate ids and their newest template of one engine and model, confirmed records only.

        What the 1:N index is built from at start-up; rows are float32 little-endian BLOBs.
        """
        newest = (
            select(func.max(FaceTemplate.id))
            .join(Candidate, Candidate.id == FaceTemplate.candidate_id)
            .where(
                Candidate.state == "confirmed",
                FaceTemplate.engine == engine,
                FaceTemplate.model_version == model_version,
            )
            .group_by(FaceTemplate.candidate_id)
        )
        rows = self.session.execute(
            select(FaceTemplate.candidate_id, FaceTemplate.vector, FaceTemplate.dimensions)
            .where(FaceTemplate.id.in_(newest))
            .order_by(FaceTemplate.candidate_id)
        ).all()
        if not rows:
            return [], np.zeros((0, 128), dtype=np.float32)
        matrix = np.frombuffer(b"".join(row.vector for row in rows), dtype="<f4")
        return [row.candidate_id for row in rows], matrix.reshape(len(rows), rows[0].dimensions)

    def newest_template(
        self, candidate_id: int, engine: str, model_version: str
    ) -> npt.NDArray[np.float32] | None:
        row = self.session.execute(
            select(FaceTemplate.vector)
            .where(
                FaceTemplate.candidate_id == candidate_id,
                FaceTemplate.engine == engine,
                FaceTemplate.model_version == model_version,
            )
            .order_by(FaceTemplate.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return None if row is None else np.frombuffer(row, dtype="<f4").astype(np.float32)
