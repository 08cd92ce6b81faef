"""Time as people at the counter read it.

Everything is stored in UTC; people read China Standard Time, which has had no daylight saving
since 1991, so a fixed offset is exact and needs no time-zone database.
"""

from __future__ import annotations

from datetime import timedelta, timezone

CHINA_TIME = timezone(timedelta(hours=8), "CST")
