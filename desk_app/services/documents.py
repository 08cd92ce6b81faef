"""Supporting documents' pages kept as evidence of a decision.

They are ``photos`` rows with purpose ``document``: in the counter's encrypted database like the
live captures, purged with them after the retention period (services.retention), and named in
the decision's ``evidence["visit"]["pages"]``. They stay on the counter (the supervisor reviews
there); the central side receives the reason and the checklist, not the pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from desk_app.domain.visits import CapturedPage
from desk_app.persistence.models import Photo

DOCUMENT_PURPOSE = "document"


def store_pages(
    session: Session, candidate_id: int, pages: Sequence[CapturedPage]
) -> list[dict[str, Any]]:
    """Keep the pages in the caller's transaction; returns what the evidence records of each."""
    recorded: list[dict[str, Any]] = []
    for page in pages:
        photo = Photo(
            candidate_id=candidate_id,
            purpose=DOCUMENT_PURPOSE,
            media_type="image/jpeg",
            sha256=hashlib.sha256(page.image).hexdigest(),
            data=page.image,
        )
        session.add(photo)
        session.flush()
        entry: dict[str, Any] = {"photo": photo.id, "kind": page.kind, "sha256": photo.sha256}
        if page.kind == "certification_report":
            entry["verification_code"] = page.verification_code
            entry["code_confidence"] = page.code_confidence
            entry["code_flagged"] = page.code_flagged
        recorded.append(entry)
    return recorded


def page_images(session: Session, visit: object) -> list[tuple[dict[str, Any], bytes]]:
    """The pages a decision's visit record names, with their images (purged ones are left
    out): for the supervisor's review and the evidence pack."""
    if not isinstance(visit, dict):
        return []
    found: list[tuple[dict[str, Any], bytes]] = []
    for entry in visit.get("pages") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("photo"), int):
            continue
        photo = session.get(Photo, entry["photo"])
        if photo is not None and photo.purpose == DOCUMENT_PURPOSE:
            found.append((entry, photo.data))
    return found
