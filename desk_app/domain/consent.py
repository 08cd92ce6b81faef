"""Consent to face processing (PIPL art. 17, 29-30), as recorded with a decision.

Before the first capture the counter shows the processing notice and the clerk records the
candidate's answer. A refusal sends the case to the manual comparison path (a referral with
reason ``consent_refused``) and no face data of the candidate is kept.
"""

from __future__ import annotations

from typing import Any

# Which wording of the processing notice the candidate was shown (ui/counter's notice text).
NOTICE_VERSION = "2026-11"


def consent_evidence(given: bool) -> dict[str, Any]:
    """The ``consent`` entry of a decision's evidence."""
    return {"given": given, "notice": NOTICE_VERSION}


def consent_refused(evidence: dict[str, Any]) -> bool:
    consent = evidence.get("consent")
    return isinstance(consent, dict) and consent.get("given") is False
