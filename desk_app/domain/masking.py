"""Masked forms of ID and phone numbers: what every screen, listing and export shows unless
someone entitled asks for the full number (an audited action, ``services.access``)."""

from __future__ import annotations


def mask_document_number(number: str) -> str:
    """First 3 and last 4 characters: ``110***********002X``."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str) -> str:
    """First 3 and last 4 digits of a mobile number: ``139****5678``."""
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    """The family name and a star for each other character: ``张**``."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_email(email: str) -> str:
    """The first character of the local part and the domain: ``z***@example.cn``."""
    local, at, domain = email.partition("@")
    if not at:
        return "*" * len(email)
    return (local[:1] + "***" if local else "") + "@" + domain


def mask_query(text: str) -> str:
    """A search as the audit chain keeps it: digits beyond the last four hidden."""
    digits = sum(character.isdigit() for character in text)
    if digits >= 6:
        return mask_document_number(text.strip())
    return text.strip()
