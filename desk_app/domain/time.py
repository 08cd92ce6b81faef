"""Time as people at the counter read it.

Everything is stored in UTC; people read China Standard Time, which has had no daylight saving
since 1991, so a fixed offset is exact and needs no time-zone database. "Today" (a card's expiry,
a ticket period, a birth date in the future) is always China's today, whatever the machine's
time zone: one function gives it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA_TIME = timezone(timedelta(hours=8), "CST")


def china_today() -> date:
    """Today's date in China, the date every rule about days is judged by."""
    return datetime.now(CHINA_TIME).date()
