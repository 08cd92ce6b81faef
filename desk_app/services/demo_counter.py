"""Cards for the simulated reader that belong to the demo database's waiting candidates.

The demo roster (``desk_app.services.demo``) has random identities; a reader simulator loaded with
``demo_cards()`` would read cards nobody registered. These cards carry the text of pre-registered
demo candidates that have an e-photo, so a newcomer sees the whole flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desk_app.domain.documents import DocumentType
from desk_app.domain.workflow import CandidateState
from desk_app.idcard.protocol import CardText, CardType
from desk_app.persistence.database import Database
from desk_app.persistence.repositories import CandidateRepository

DEMO_REGISTRATION_BASE = 2026_0000000  # REG20260000000 is the first demo row (demo.py)


@dataclass(frozen=True)
class DemoCard:
    card: CardText
    registration_id: str
    roster_index: int  # the row of the demo roster: its e-photo is the n-th demo identity


def demo_counter_cards(database: Database, count: int = 12) -> list[DemoCard]:
    """Up to ``count`` cards of pre-registered chip-card candidates with a registered e-photo."""
    cards: list[DemoCard] = []
    with database.reading() as uow:
        repository = CandidateRepository(uow.session)
        waiting = repository.search(states=[CandidateState.PRE_REGISTERED.value], limit=400)
        for candidate in waiting:
            if len(cards) >= count:
                break
            if not DocumentType(candidate.document_type).has_chip:
                continue
            if candidate.document_type != DocumentType.RESIDENT_ID.value:
                continue
            if repository.registered_photo(candidate.id) is None:
                continue
            try:
                index = int(candidate.registration_id.removeprefix("REG")) - DEMO_REGISTRATION_BASE
            except ValueError:
                continue
            card = CardText(
                card_type=CardType.RESIDENT,
                name=candidate.name,
                sex_code=candidate.sex,
                birth_date=candidate.birth_date,
                id_number=candidate.document_number,
                valid_from=date(2020, 1, 1),
                valid_to=date(2040, 1, 1),
                long_term=False,
                ethnicity_code="01",
                address="演示地址：省会市示范区学府路1号",
                issuing_authority="演示公安局",
            )
            cards.append(DemoCard(card, candidate.registration_id, index))
    return cards
