"""What the staff commands do, independent of Discord: add, edit, cancel, list, export.

Changes and cancellations are announced to the delegation through the outbox, in the same
transaction as the change. Scheduled-event mirroring happens after the commit: a Discord
failure there never undoes the calendar.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiosqlite

from bot.calendar import occurrences as occ
from bot.calendar import repository as repo
from bot.calendar.ics import write_calendar
from bot.calendar.mirror import EventMirror, ensure_capacity, sync_meeting
from bot.calendar.model import CalendarError, Deadline, Delegation, Meeting
from bot.calendar.occurrences import (
    load_exceptions,
    load_meetings,
    occurrences_of,
    resolve_day,
    rule_of,
)
from bot.calendar.offsets import ReminderOffsets, offsets_from_config
from bot.calendar.planner import plan
from bot.calendar.posts import (
    agenda_pages,
    deadline_announced_post,
    deadline_cancelled_post,
    deadline_changed_post,
    deadline_line,
    esc,
    meeting_announced_posts,
    meeting_cancelled_posts,
    meeting_changed_posts,
    meeting_line,
    occurrence_cancelled_posts,
    occurrence_moved_posts,
)
from bot.calendar.recurrence import last_day, occurrence_key
from bot.messages import t
from bot.models import Post
from bot.store.db import Database
from bot.store.outbox import enqueue_all
from bot.timeutil import MONTREAL, to_iso

log = logging.getLogger(__name__)
CHANGE = "calendar-change"  # the outbox kind of what delegations are told of a change

_REF = re.compile(r"^\s*([re])\s*(\d+)\s*$", re.IGNORECASE)


def tz_of(settings: Any) -> ZoneInfo:
    return getattr(settings, "timezone", MONTREAL)


def offsets_of(settings: Any) -> ReminderOffsets:
    return offsets_from_config(getattr(settings, "config", {}))


def parse_ref(text: str) -> tuple[Literal["meeting", "deadline"], int]:
    """« r12 » is meeting 12, « e4 » deadline 4 (as listed by /rencontres and /echeances)."""
    match = _REF.match(text)
    if not match:
        raise CalendarError(t("calendar.error.bad_id", text=text))
    number = int(match.group(2))
    return ("meeting", number) if match.group(1).lower() == "r" else ("deadline", number)


async def _delegations_of(db: Database, meeting: Meeting) -> list[Any]:
    found = []
    for delegation_id in meeting.delegation_ids:
        delegation = await repo.get_delegation(db, delegation_id)
        if delegation is not None:
            found.append(delegation)
    return found


@dataclass
class Outcome:
    item: Meeting | Deadline
    reminders: int = 0
    mirror_error: str | None = None


async def _mirror(
    db: Database, mirror: EventMirror | None, meeting_id: int, now: datetime
) -> str | None:
    if mirror is None:
        return None
    try:
        await sync_meeting(db, mirror, meeting_id, now=now)
    except CalendarError as exc:
        return exc.message
    except Exception as exc:  # Discord refused or is down: the calendar stays right
        log.warning("scheduled event sync failed for meeting %s: %s", meeting_id, exc)
        return t("calendar.mirror.failed", error=str(exc)[:200])
    return None


async def mirror_meeting(
    db: Database, mirror: EventMirror | None, meeting_id: int, *, now: datetime
) -> str | None:
    """Create or update the scheduled event of a meeting written elsewhere (a proposal
    accepted by staff); returns the French problem to show, or None."""
    return await _mirror(db, mirror, meeting_id, now)


async def _tell(conn: aiosqlite.Connection, posts: Iterable[Post], key: str) -> list[int]:
    """Enqueue what the delegations are told of a change, in the change's transaction; one
    post per channel, keyed ``key:index`` (a retry never posts twice)."""
    return await enqueue_all(
        conn, ((post, f"{key}:{index}") for index, post in enumerate(posts)), kind=CHANGE
    )


async def _tell_deadline(
    db: Database,
    conn: aiosqlite.Connection,
    deadline: Deadline,
    build: Callable[[Deadline, Delegation | None], Post],
    key: str,
) -> list[int]:
    """The one post of a deadline's change, to its delegation (everyone when it has none)."""
    delegation = (
        await repo.get_delegation(db, deadline.delegation_id) if deadline.delegation_id else None
    )
    return await enqueue_all(conn, [(build(deadline, delegation), key)], kind=CHANGE)


async def _pending_count(db: Database, kind: str, item_id: int) -> int:
    row = await db.fetchone(
        "SELECT COUNT(*) AS n FROM cal_reminders WHERE event_kind = ? AND event_id = ?"
        " AND status = 'pending'",
        (kind, item_id),
    )
    return int(row["n"]) if row else 0


async def add_meeting(
    db: Database,
    settings: Any,
    draft: repo.MeetingDraft,
    *,
    now: datetime,
    mirror: EventMirror | None = None,
    prepares: int | None = None,
    debriefs: int | None = None,
) -> Outcome:
    try:
        await ensure_capacity(mirror)  # refuse before writing anything
    except CalendarError:
        raise
    except Exception as exc:  # Discord unreachable: the calendar does not wait for it
        log.warning("scheduled events not counted (%s): meeting added without its event", exc)
        mirror = None
    tz = tz_of(settings)

    async def announce(conn: aiosqlite.Connection, meeting: Meeting) -> None:
        # Told to the delegation at once, not first at the J-7 reminder.
        delegations = await _delegations_of(db, meeting)
        rule = rule_of(meeting)
        dates = [
            o.start
            for o in occurrences_of(
                meeting, None, window_start=now, window_end=now + timedelta(days=400), tz=tz
            )[:6]
        ]
        posts = meeting_announced_posts(
            meeting,
            delegations,
            recurrence=rule.describe() if rule else None,
            next_dates=dates,
            occurrence=dates[0] if rule and dates else None,
        )
        await _tell(conn, posts, f"meeting-new:{meeting.id}")

    meeting = await repo.create_meeting(
        db,
        draft,
        now=now,
        offsets=offsets_of(settings).meetings,
        tz=tz,
        prepares=prepares,
        debriefs=debriefs,
        announce=announce,
    )
    await replan(db, settings, now=now)
    error = await _mirror(db, mirror, meeting.id, now)
    return Outcome(meeting, await _pending_count(db, "meeting", meeting.id), error)


async def replan(db: Database, settings: Any, *, now: datetime) -> None:
    """Reminders of series and of members follow a change at once (the clock also tops
    them up every few hours)."""
    await plan(db, now=now, defaults=offsets_of(settings), tz=tz_of(settings))


async def add_deadline(
    db: Database, settings: Any, draft: repo.DeadlineDraft, *, now: datetime
) -> Outcome:
    deadline = await repo.create_deadline(
        db,
        draft,
        now=now,
        offsets=offsets_of(settings).deadlines,
        tz=tz_of(settings),
        announce=lambda conn, new: _tell_deadline(
            db, conn, new, deadline_announced_post, f"deadline-new:{new.id}"
        ),
    )
    await replan(db, settings, now=now)
    return Outcome(deadline, await _pending_count(db, "deadline", deadline.id))


async def move_occurrence(
    db: Database,
    settings: Any,
    meeting_id: int,
    day: date,
    *,
    start: datetime,
    end: datetime | None = None,
    now: datetime,
) -> Outcome:
    """Move the occurrence of series ``meeting_id`` falling on local ``day``; the others stay.
    The delegation is told (with answer buttons for that occurrence)."""
    meeting = await repo.require_meeting(db, meeting_id)
    if not meeting.rrule:
        raise CalendarError(t("calendar.occurrence.not_series", title=esc(meeting.title)))
    tz = tz_of(settings)
    original = resolve_day(meeting, day, tz)
    end = end or start + (meeting.end - meeting.start)
    moved = await occ.move_occurrence(db, meeting, original, start=start, end=end, now=now)
    delegations = await _delegations_of(db, meeting)
    posts = occurrence_moved_posts(meeting, delegations, original=original, start=start, end=end)
    async with db.transaction() as conn:
        await _tell(conn, posts, f"occurrence-move:{meeting.id}:{moved.key}:{to_iso(start)}")
    await replan(db, settings, now=now)
    updated = await repo.require_meeting(db, meeting_id)
    return Outcome(updated, await _pending_count(db, "meeting", meeting_id))


async def occurrence_for_tally(
    db: Database, settings: Any, meeting_id: int, day_text: str | None, *, now: datetime
) -> str:
    """Which occurrence's answers staff asked for: the one on ``day_text`` (« 16 février »),
    else the next one; "" for a single meeting."""
    meeting = await repo.require_meeting(db, meeting_id)
    if not meeting.rrule:
        return ""
    tz = tz_of(settings)
    if day_text:
        from bot.calendar.dateinput import parse_day

        return occurrence_key(resolve_day(meeting, parse_day(day_text, now=now, tz=tz), tz))
    upcoming = occurrences_of(
        meeting,
        (await load_exceptions(db, [meeting.id])).get(meeting.id),
        window_start=now,
        window_end=now + timedelta(days=400),
        tz=tz,
    )
    return upcoming[0].key if upcoming else ""


async def cancel_occurrence(
    db: Database, settings: Any, meeting_id: int, day: date, *, now: datetime
) -> Outcome:
    meeting = await repo.require_meeting(db, meeting_id)
    if not meeting.rrule:
        raise CalendarError(t("calendar.occurrence.not_series", title=esc(meeting.title)))
    original = resolve_day(meeting, day, tz_of(settings))
    current = await occ.get_occurrence(db, meeting, occurrence_key(original))
    await occ.cancel_occurrence(db, meeting, original, now=now)
    delegations = await _delegations_of(db, meeting)
    posts = occurrence_cancelled_posts(
        meeting, delegations, start=current.start if current else original
    )
    async with db.transaction() as conn:
        await _tell(conn, posts, f"occurrence-cancel:{meeting.id}:{occurrence_key(original)}")
    await replan(db, settings, now=now)
    return Outcome(await repo.require_meeting(db, meeting_id))


async def edit_meeting(
    db: Database,
    settings: Any,
    meeting_id: int,
    *,
    now: datetime,
    mirror: EventMirror | None = None,
    **changes: Any,
) -> Outcome:
    if not changes:
        raise CalendarError(t("calendar.error.nothing_to_change"))

    async def announce(conn: aiosqlite.Connection, before: Meeting, after: Meeting) -> list[int]:
        posts = meeting_changed_posts(before, after, await _delegations_of(db, after))
        return await _tell(conn, posts, f"meeting-change:{after.id}:{after.sequence}")

    change = await repo.update_meeting(
        db,
        meeting_id,
        now=now,
        offsets=offsets_of(settings).meetings,
        tz=tz_of(settings),
        announce=announce,
        **changes,
    )
    await replan(db, settings, now=now)  # a new time drops the series' and members' reminders
    error = await _mirror(db, mirror, meeting_id, now)
    return Outcome(change.item, await _pending_count(db, "meeting", meeting_id), error)


async def cancel_meeting(
    db: Database,
    settings: Any,
    meeting_id: int,
    *,
    now: datetime,
    mirror: EventMirror | None = None,
) -> Outcome:
    async def announce(conn: aiosqlite.Connection, meeting: Meeting) -> list[int]:
        posts = meeting_cancelled_posts(meeting, await _delegations_of(db, meeting))
        return await _tell(conn, posts, f"meeting-cancel:{meeting.id}")

    change = await repo.cancel_meeting(db, meeting_id, now=now, announce=announce)
    error = await _mirror(db, mirror, meeting_id, now)
    return Outcome(change.item, 0, error)


async def edit_deadline(
    db: Database, settings: Any, deadline_id: int, *, now: datetime, **changes: Any
) -> Outcome:
    if not changes:
        raise CalendarError(t("calendar.error.nothing_to_change"))

    change = await repo.update_deadline(
        db,
        deadline_id,
        now=now,
        offsets=offsets_of(settings).deadlines,
        tz=tz_of(settings),
        announce=lambda conn, before, after: _tell_deadline(
            db, conn, after, deadline_changed_post, f"deadline-change:{after.id}:{after.sequence}"
        ),
        **changes,
    )
    await replan(db, settings, now=now)  # members' own reminders follow a new time
    return Outcome(change.item, await _pending_count(db, "deadline", deadline_id))


async def cancel_deadline(
    db: Database, settings: Any, deadline_id: int, *, now: datetime
) -> Outcome:
    change = await repo.cancel_deadline(
        db,
        deadline_id,
        now=now,
        announce=lambda conn, gone: _tell_deadline(
            db, conn, gone, deadline_cancelled_post, f"deadline-cancel:{gone.id}"
        ),
    )
    return Outcome(change.item)


async def meetings_pages(
    db: Database, settings: Any, *, now: datetime, days: int = 30, delegation: str | None = None
) -> list[str]:
    """`/rencontres`: every occurrence (series included), week by week, in pages."""
    days = max(1, min(days, 366))
    heading = t("calendar.list.meetings.title", days=days)
    delegation_id = None
    if delegation:
        found = await repo.require_delegation(db, delegation)
        delegation_id = found.id
        heading = t("calendar.list.meetings.title_delegation", delegation=found.name, days=days)
    tz = tz_of(settings)
    listed = await occ.occurrences_between(db, start=now, end=now + timedelta(days=days), tz=tz)
    by_id = await repo.delegations_by_id(db)
    items = [
        (
            i.occurrence.start,
            meeting_line(replace(i.meeting, start=i.occurrence.start, end=i.occurrence.end), by_id),
        )
        for i in listed
        if delegation_id is None or delegation_id in i.meeting.delegation_ids
    ]
    return agenda_pages(
        items, heading=heading, empty=t("calendar.list.empty.meetings", days=days), tz=tz
    )


async def deadlines_pages(
    db: Database, settings: Any, *, now: datetime, days: int = 30
) -> list[str]:
    days = max(1, min(days, 366))
    deadlines = await repo.upcoming_deadlines(db, now=now, until=now + timedelta(days=days))
    by_id = await repo.delegations_by_id(db)
    return agenda_pages(
        [(d.due, deadline_line(d, by_id)) for d in deadlines],
        heading=t("calendar.list.deadlines.title", days=days),
        empty=t("calendar.list.empty.deadlines", days=days),
        tz=tz_of(settings),
    )


async def export_ics(
    db: Database, settings: Any, *, now: datetime, days: int = 366
) -> tuple[bytes, int]:
    """Everything ahead (series included), for staff: the same content as the feeds."""
    until = now + timedelta(days=days)
    meetings = [
        m
        for m in await load_meetings(
            db,
            "((m.rrule IS NULL AND m.end_at > ?) OR m.rrule IS NOT NULL) AND m.start_at <= ?"
            " ORDER BY m.start_at, m.id",
            (to_iso(now), to_iso(until)),
        )
        if not m.rrule
        or (last_day(m.start, rule_of(m), tz_of(settings)) or until.date())
        >= now.astimezone(tz_of(settings)).date()
    ]
    deadlines = await repo.upcoming_deadlines(db, now=now, until=until, include_cancelled=True)
    data = write_calendar(
        meetings,
        deadlines,
        delegations=await repo.delegations_by_id(db),
        defaults=offsets_of(settings),
        exceptions=await load_exceptions(db, [m.id for m in meetings if m.rrule]),
        stamp=now,
        tz=tz_of(settings),
    )
    return data, len(meetings) + len(deadlines)
