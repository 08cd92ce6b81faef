"""Cards for the simulated reader that belong to the demo database's waiting candidates.

The demo roster (``desk_app.services.demo``) has random identities; a reader simulator loaded with
``demo_cards()`` would read cards nobody registered. These cards carry the text of pre-registered
demo candidates that have an e-photo, so a newcomer sees the whole flow.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desk_app.camera.demo import demo_live_faces
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import DeskError
from desk_app.domain.workflow import CandidateState
from desk_app.idcard.protocol import CardText, CardType
from desk_app.persistence.database import Database
from desk_app.persistence.repositories import CandidateRepository
from desk_app.vision.chiplike import LFW_FRAMING, chip_bytes, portrait_crop
from desk_app.vision.images import load_rgb

DEMO_REGISTRATION_BASE = 2026_0000000  # REG20260000000 is the first demo row (demo.py)


@dataclass(frozen=True)
class DemoCard:
    card: CardText
    registration_id: str
    roster_index: int  # the row of the demo roster: its e-photo is the n-th demo identity
    # The demo identity's photos (read in place from the data folder), none without one.
    faces: tuple[Path, ...] = ()

    @functools.cached_property
    def photo(self) -> bytes:
        """The chip's photo field: a chip-like portrait (JPEG 2000, <= 1,024 bytes) of another
        photo of the same identity, which the demo decoder reads; empty without photos. Made on
        first use: ~0.1 s of encoding a card, which the demo's start does not wait for."""
        return chip_photo([list(self.faces)], 0)


def chip_photo(faces: list[list[Path]], index: int) -> bytes:
    """The demo identity's chip portrait: its last photo, framed and squeezed like a chip's."""
    photos = faces[index] if 0 <= index < len(faces) else []
    if not photos:
        return b""
    try:
        portrait = portrait_crop(load_rgb(photos[-1]), LFW_FRAMING, name=photos[-1].name)
        return chip_bytes(portrait)
    except DeskError:
        return b""


def demo_counter_cards(
    database: Database, count: int = 12, data_dir: Path | None = None
) -> list[DemoCard]:
    """Up to ``count`` cards of pre-registered chip-card candidates with a registered e-photo;
    with the data folder, each card carries a chip-like portrait of its candidate."""
    faces = demo_live_faces(data_dir) if data_dir is not None else []
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
            photos = tuple(faces[index]) if 0 <= index < len(faces) else ()
            cards.append(DemoCard(card, candidate.registration_id, index, photos))
    return cards
