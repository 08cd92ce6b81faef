"""Reasons of visit: the checklists from configuration, and the reason a case starts with.

The shipped checklists (``visit_checklists.toml`` beside this module) can be replaced by a
province's own file (``[visits] checklists_file``). A malformed file is a coded error naming its
line; the counter then keeps the shipped set and says so, it never starts without checklists.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from desk_app.domain.candidate import PriorDiplomaStatus
from desk_app.domain.documents import DocumentType
from desk_app.domain.errors import ConfigError
from desk_app.domain.visits import ChecklistItem, Checklists, VisitReason
from desk_app.idcard.areas import PROVINCES
from desk_app.idcard.protocol import CardText
from desk_app.services.counter import CandidateView

DEFAULT_CHECKLISTS = "visit_checklists.toml"
# A card issued this recently is probably not in the police data the online check uses yet.
RECENT_CARD_DAYS = 365
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_OTHER_DOCUMENTS = frozenset(
    {
        DocumentType.RESIDENCE_PERMIT,
        DocumentType.FOREIGNER_PERMANENT,
        DocumentType.HK_MACAU_TRAVEL_PERMIT,
        DocumentType.TAIWAN_TRAVEL_PERMIT,
        DocumentType.PASSPORT,
    }
)


def default_checklists() -> Checklists:
    text = resources.files("desk_app.services").joinpath(DEFAULT_CHECKLISTS).read_text("utf-8")
    return parse_checklists(text, source="default")


def load_checklists(path: str | Path) -> Checklists:
    """A province's checklist file; raises ConfigError (``visits.bad_checklists``) naming the
    line of the first problem."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"cannot read the checklist file {file.name}: {error}",
            code="visits.unreadable_checklists",
            file=file.name,
        ) from error
    return parse_checklists(text, source=file.name)


def checklists_or_default(path: str | Path | None) -> tuple[Checklists, ConfigError | None]:
    """The configured checklists, or the shipped ones and the error that made us keep them."""
    if not path:
        return default_checklists(), None
    try:
        return load_checklists(path), None
    except ConfigError as error:
        return default_checklists(), error


def parse_checklists(text: str, *, source: str) -> Checklists:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _decode_error_line(str(error))
        raise _bad(source, line, f"not TOML: {error}") from error
    items: dict[VisitReason, tuple[ChecklistItem, ...]] = {}
    for name, entries in document.items():
        line = _line_of(text, f"[[{name}]]") or _line_of(text, name)
        try:
            reason = VisitReason.parse(name)
        except Exception as error:
            known = ", ".join(member.value for member in VisitReason)
            raise _bad(source, line, f"unknown reason {name!r} (known: {known})") from error
        if not isinstance(entries, list) or not entries:
            raise _bad(source, line, f"{name} must be a list of items ([[{name}]] tables)")
        parsed: list[ChecklistItem] = []
        for position, entry in enumerate(entries):
            entry_line = _nth_line(text, f"[[{name}]]", position) or line
            parsed.append(_item(entry, source, entry_line, {i.key for i in parsed}))
        items[reason] = tuple(parsed)
    missing = [reason.value for reason in VisitReason if reason not in items]
    if missing:
        raise _bad(source, None, f"no checklist for: {', '.join(missing)}")
    return Checklists(items, source)


def _item(entry: object, source: str, line: int | None, seen: set[str]) -> ChecklistItem:
    if not isinstance(entry, dict):
        raise _bad(source, line, "an item must be a table with key, zh and en")
    unknown = set(entry) - {"key", "zh", "en", "page"}
    if unknown:
        raise _bad(source, line, f"unknown field(s) {', '.join(sorted(unknown))}")
    key, chinese, english = entry.get("key"), entry.get("zh"), entry.get("en")
    if not isinstance(key, str) or not _KEY.match(key):
        raise _bad(source, line, f"key {key!r} must be lower-case letters, digits and _")
    if key in seen:
        raise _bad(source, line, f"key {key!r} appears twice")
    for field, value in (("zh", chinese), ("en", english)):
        if not isinstance(value, str) or not value.strip():
            raise _bad(source, line, f"item {key!r} needs a non-empty {field} label")
    page = entry.get("page", False)
    if not isinstance(page, bool):
        raise _bad(source, line, f"item {key!r}: page must be true or false")
    assert isinstance(chinese, str) and isinstance(english, str)
    return ChecklistItem(key, chinese.strip(), english.strip(), page)


def _bad(source: str, line: int | None, problem: str) -> ConfigError:
    where = f"{source}, line {line}" if line else source
    return ConfigError(
        f"checklist file {where}: {problem}", code="visits.bad_checklists", file=source, line=line
    )


def _decode_error_line(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _line_of(text: str, needle: str) -> int | None:
    return _nth_line(text, needle, 0)


def _nth_line(text: str, needle: str, n: int) -> int | None:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(needle):
            if seen == n:
                return number
            seen += 1
    return None


def default_visit_reason(
    candidate: CandidateView | None,
    card: CardText | None,
    *,
    manual_document: DocumentType | None = None,
    today: date,
) -> VisitReason:
    """The reason the case starts with, from the record and the card; the clerk can change it.

    The record's own facts first (a tutoring class, a military or other document, a failed
    prior-diploma check), then what the card shows (issued recently: renewed; an address in
    another province than the number's: moved household), else three failed online attempts,
    the usual reason for a chip card at the counter.
    """
    document = manual_document or (candidate.document_type if candidate else None)
    if candidate is not None and candidate.tutoring_unit:
        return VisitReason.TUTORING_CLASS
    if document is DocumentType.MILITARY_CARD:
        return VisitReason.MILITARY
    if document in _OTHER_DOCUMENTS:
        return VisitReason.OTHER_DOCUMENT
    if candidate is not None and candidate.prior_diploma_status is PriorDiplomaStatus.FAILED:
        return VisitReason.PRIOR_DIPLOMA
    if card is not None:
        if card.valid_from is not None and today - card.valid_from <= timedelta(
            days=RECENT_CARD_DAYS
        ):
            return VisitReason.RENEWED_ID_CARD
        if _address_in_another_province(card):
            return VisitReason.MOVED_HOUSEHOLD
    return VisitReason.ONLINE_CHECK_FAILED


def _address_in_another_province(card: CardText) -> bool:
    """The card's address names a province other than the one its number was issued in (the
    number keeps its first division code for life; the address follows the household)."""
    number_province = PROVINCES.get(card.id_number[:2])
    address = card.address.strip()
    if not number_province or not address:
        return False
    named = [name for name in PROVINCES.values() if address.startswith(name[:2])]
    return bool(named) and number_province not in named
