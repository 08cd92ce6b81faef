"""Identity document types accepted at the counter (domain.md section 3)."""

from __future__ import annotations

import enum

from desk_app.domain.errors import DocumentError


class DocumentType(enum.StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证 (chip card)
    RESIDENCE_PERMIT = "residence_permit"  # 港澳台居民居住证 (chip card, 81/82/83 codes)
    FOREIGNER_PERMANENT = "foreigner_permanent"  # 外国人永久居留身份证 (2023 layout, starts with 9)
    HK_MACAU_TRAVEL_PERMIT = "hk_macau_travel_permit"  # 港澳居民来往内地通行证
    TAIWAN_TRAVEL_PERMIT = "taiwan_travel_permit"  # 台湾居民来往大陆通行证
    MILITARY_CARD = "military_card"  # 军官证 / 士兵证 / 文职干部证 / 职工证
    PASSPORT = "passport"  # 护照

    @property
    def has_chip(self) -> bool:
        """Chip documents are read by the card reader; others are typed in and need a supervisor."""
        return self in _CHIP_DOCUMENTS

    @property
    def chinese_name(self) -> str:
        return _CHINESE_NAMES[self]

    @classmethod
    def parse(cls, value: str) -> DocumentType:
        """Accept the code or the Chinese name (居民身份证); blank means a resident ID card."""
        text = value.strip()
        if not text:
            return cls.RESIDENT_ID
        for member in cls:
            if text.lower() == member.value or text in _ALIASES[member]:
                return member
        raise DocumentError(
            f"unknown document type {text!r}", code="document.unknown_type", value=text
        )


_CHIP_DOCUMENTS = frozenset(
    {DocumentType.RESIDENT_ID, DocumentType.RESIDENCE_PERMIT, DocumentType.FOREIGNER_PERMANENT}
)

_CHINESE_NAMES = {
    DocumentType.RESIDENT_ID: "居民身份证",
    DocumentType.RESIDENCE_PERMIT: "港澳台居民居住证",
    DocumentType.FOREIGNER_PERMANENT: "外国人永久居留身份证",
    DocumentType.HK_MACAU_TRAVEL_PERMIT: "港澳居民来往内地通行证",
    DocumentType.TAIWAN_TRAVEL_PERMIT: "台湾居民来往大陆通行证",
    DocumentType.MILITARY_CARD: "军人证件",
    DocumentType.PASSPORT: "护照",
}

_ALIASES: dict[DocumentType, frozenset[str]] = {
    DocumentType.RESIDENT_ID: frozenset({"居民身份证", "身份证", "二代身份证"}),
    DocumentType.RESIDENCE_PERMIT: frozenset(
        {"港澳台居民居住证", "港澳居民居住证", "台湾居民居住证", "居住证"}
    ),
    DocumentType.FOREIGNER_PERMANENT: frozenset({"外国人永久居留身份证", "外国人永久居留证"}),
    DocumentType.HK_MACAU_TRAVEL_PERMIT: frozenset({"港澳居民来往内地通行证", "回乡证"}),
    DocumentType.TAIWAN_TRAVEL_PERMIT: frozenset({"台湾居民来往大陆通行证", "台胞证"}),
    DocumentType.MILITARY_CARD: frozenset(
        {"军人证件", "军官证", "士兵证", "文职干部证", "职工证", "军人身份证件"}
    ),
    DocumentType.PASSPORT: frozenset({"护照"}),
}


# The chip's portrait (GA/T 467): 102x126 colour pixels in a 1,024-byte photo field.
CHIP_PORTRAIT_WIDTH, CHIP_PORTRAIT_HEIGHT, CHIP_PORTRAIT_BYTES = 102, 126, 1024
# The JP2 signature box. The demo's cards carry a JPEG 2000 portrait in the photo field where a
# real card carries WLT, which never starts with these bytes: that is how the demo decoder
# recognises its own cards.
JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
