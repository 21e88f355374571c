"""The coalition's calendar: delegations, meetings, deadlines, reminders, ICS, proposals.

Entry points for the composition root and the CLI:
- ``CalendarService`` (bot.calendar.reminders): the feature service, ``app.calendar``;
- ``upcoming_summary(db, settings, now)`` (bot.calendar.demo): text for `relais demo`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from bot.store.db import Database


async def upcoming_summary(db: Database, settings: Any, now: datetime) -> str:
    from bot.calendar.demo import upcoming_summary as summary

    return await summary(db, settings, now)
