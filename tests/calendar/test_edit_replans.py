"""Editing an item re-plans what the clock tops up otherwise only every few hours: the
reminders of each occurrence of a series (and members' own), dropped by a change of time."""

from __future__ import annotations

from datetime import timedelta

from bot.calendar import actions
from bot.settings import Settings
from bot.store.db import Database
from tests.calendar.conftest import NOW, count
from tests.calendar.test_feeds import series


async def test_moving_a_series_keeps_its_occurrences_reminders(
    db: Database, settings: Settings
) -> None:
    meeting = await series(db, ())
    await actions.replan(db, settings, now=NOW)
    pending = "event_kind = 'meeting' AND status = 'pending'"
    before = await count(db, "cal_reminders", pending)
    assert before > 0

    outcome = await actions.edit_meeting(
        db, settings, meeting.id, now=NOW,
        start=meeting.start + timedelta(hours=1), end=meeting.end + timedelta(hours=1),
    )  # fmt: skip

    assert await count(db, "cal_reminders", pending) == before
    assert outcome.reminders == before
