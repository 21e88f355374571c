"""Meetings mirrored as Discord guild scheduled events (external location).

The core decides what to create, update or delete; the Discord side implements
``EventMirror`` (a few REST calls). Discord allows 100 scheduled events per guild: a new
meeting is refused, before anything is written, when the guild is full.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal, Protocol

from bot.calendar import repository as repo
from bot.calendar.model import CalendarError, Meeting
from bot.calendar.occurrences import load_exceptions, occurrences_of, rule_of
from bot.calendar.posts import clip
from bot.calendar.recurrence import Recurrence
from bot.messages import t
from bot.store.db import Database
from bot.timeutil import to_iso

log = logging.getLogger(__name__)

MAX_SCHEDULED_EVENTS = 100


@dataclass(frozen=True)
class EventSpec:
    name: str  # <= 100 characters
    start: datetime
    end: datetime
    location: str  # <= 100 characters, required for external events
    description: str  # <= 1000 characters
    # Discord's recurrence_rule (a series Discord can express: weekly or every two weeks on
    # one day, monthly on the nth weekday), starting at ``start``; None otherwise.
    recurrence: dict[str, Any] | None = None


def discord_recurrence(rule: Recurrence, start: datetime) -> dict[str, Any] | None:
    """Discord's rule for ``rule`` when it can say it (it has no count, no day of month)."""
    if rule.count is not None:
        return None
    base: dict[str, Any] = {"start": start.astimezone(UTC).isoformat(), "interval": rule.interval}
    if rule.until is not None:
        base["end"] = datetime.combine(rule.until, time(23, 59), UTC).isoformat()
    if rule.freq == "weekly" and rule.weekday is not None and rule.interval in (1, 2):
        return base | {"frequency": 2, "by_weekday": [rule.weekday]}
    if rule.freq == "monthly" and rule.nth is not None and rule.weekday is not None:
        if rule.interval == 1 and rule.nth in (1, 2, 3, 4, 5):
            return base | {"frequency": 1, "by_n_weekday": [{"n": rule.nth, "day": rule.weekday}]}
    return None


class EventMirror(Protocol):
    async def count_events(self) -> int: ...

    async def create_event(self, spec: EventSpec) -> str: ...

    async def update_event(self, event_id: str, spec: EventSpec) -> None: ...

    async def delete_event(self, event_id: str) -> None: ...


def spec_for(meeting: Meeting, delegation_names: list[str]) -> EventSpec:
    location = meeting.place or meeting.video_link or "—"
    description = "\n".join(
        p
        for p in (
            ", ".join(delegation_names),
            meeting.video_link if meeting.place and meeting.video_link else None,
            meeting.notes,
        )
        if p
    )
    return EventSpec(
        name=clip(meeting.title, 100),
        start=meeting.start,
        end=meeting.end,
        location=clip(location, 100),
        description=clip(description, 1000),
    )


async def ensure_capacity(mirror: EventMirror | None, *, adding: int = 1) -> None:
    """Refuse (French) when the guild cannot take ``adding`` more scheduled events."""
    if mirror is None:
        return
    count = await mirror.count_events()
    if count + adding > MAX_SCHEDULED_EVENTS:
        raise CalendarError(
            t("calendar.error.too_many_events", limit=MAX_SCHEDULED_EVENTS, count=count)
        )


Action = Literal["created", "updated", "deleted", "none"]


async def sync_meeting(
    db: Database, mirror: EventMirror, meeting_id: int, *, now: datetime, update: bool = True
) -> Action:
    """Bring the guild's scheduled event for ``meeting_id`` in line with the meeting."""
    meeting = await repo.require_meeting(db, meeting_id)
    rule = rule_of(meeting)
    recurrence = None
    if rule is not None and meeting.status == "scheduled":
        # A series is mirrored by its next occurrence (Discord's 100-event limit allows no
        # more), moved forward as occurrences pass; Discord's own rule where it can say it
        # and no occurrence was moved or cancelled.
        exceptions = (await load_exceptions(db, [meeting.id])).get(meeting.id, {})
        upcoming = occurrences_of(
            meeting, exceptions, window_start=now, window_end=now + timedelta(days=400)
        )
        if upcoming:
            meeting = replace(meeting, start=upcoming[0].start, end=upcoming[0].end)
            if not exceptions and upcoming[0].original == upcoming[0].start:
                recurrence = discord_recurrence(rule, upcoming[0].start)
        else:
            meeting = replace(meeting, status="cancelled")
    wanted = meeting.status == "scheduled" and meeting.end > now
    if not wanted:
        if meeting.discord_event_id:
            await mirror.delete_event(meeting.discord_event_id)
            await repo.set_discord_event_id(db, meeting.id, None)
            return "deleted"
        return "none"
    names = []
    for delegation_id in meeting.delegation_ids:
        delegation = await repo.get_delegation(db, delegation_id)
        if delegation is not None:
            names.append(delegation.name)
    spec = replace(spec_for(meeting, names), recurrence=recurrence)
    if meeting.discord_event_id:
        if not update and rule is None:  # a series' event follows its next occurrence
            return "none"
        await mirror.update_event(meeting.discord_event_id, spec)
        return "updated"
    await ensure_capacity(mirror)
    event_id = await mirror.create_event(spec)
    await repo.set_discord_event_id(db, meeting.id, event_id)
    return "created"


async def sync_all(db: Database, mirror: EventMirror, *, now: datetime) -> dict[str, int]:
    """Create missing events and delete stale ones (at start); refused ones are logged."""
    done = {"created": 0, "updated": 0, "deleted": 0, "none": 0, "refused": 0}
    rows = await db.fetchall(
        "SELECT id FROM cal_meetings WHERE (status = 'scheduled' AND (end_at > ?"
        " OR rrule IS NOT NULL)) OR discord_event_id IS NOT NULL ORDER BY start_at",
        (to_iso(now),),
    )
    for row in rows:
        try:
            done[await sync_meeting(db, mirror, row["id"], now=now, update=False)] += 1
        except CalendarError as exc:
            log.warning("scheduled event for meeting %s not created: %s", row["id"], exc.message)
            done["refused"] += 1
    return done
