"""Reminder rows that depend on time passing: occurrences of series, personal reminders.

A single meeting gets its delegation's reminder rows when it is written (repository). A
series has no end, and members opt in and out of personal reminders: their rows are
*planned* for what starts within ``HORIZON`` and topped up as time passes. Planning is
idempotent: a row already written (pending, sent or skipped) for the same event,
occurrence, member and time is never written again, so a reminder is sent once across
restarts; a pending row no longer wanted (occurrence moved, member unsubscribed) is removed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiosqlite

from bot.calendar.model import Deadline, Meeting
from bot.calendar.occurrences import Listed, occurrences_between
from bot.calendar.offsets import Offset, ReminderOffsets, offsets_from_text
from bot.store.db import Database
from bot.timeutil import MONTREAL, to_iso

log = logging.getLogger(__name__)

HORIZON = timedelta(days=45)

Key = tuple[str, int, str, str, str]  # kind, event id, occurrence or "", user or "", due


def _lead(offset: Offset) -> timedelta:
    """How long before its event an offset may fall, at most."""
    if offset.unit == "H":
        return timedelta(hours=offset.amount)
    if offset.unit == "M":
        return timedelta(minutes=offset.amount)
    return timedelta(days=offset.amount + 1)


def own_offsets(item: Meeting | Deadline, defaults: ReminderOffsets) -> tuple[Offset, ...]:
    base = defaults.meetings if isinstance(item, Meeting) else defaults.deadlines
    return offsets_from_text(item.reminder_offsets, base)


@dataclass
class Subscriber:
    user_id: str
    offsets: tuple[Offset, ...]
    delegations: frozenset[int]


async def subscribers(db: Database) -> list[Subscriber]:
    rows = await db.fetchall(
        "SELECT user_id, offsets FROM cal_dm_prefs WHERE enabled = 1 AND dm_closed_at IS NULL"
    )
    links: dict[str, set[int]] = {}
    for link in await db.fetchall("SELECT user_id, delegation_id FROM cal_dm_delegations"):
        links.setdefault(link["user_id"], set()).add(link["delegation_id"])
    found = []
    for row in rows:
        try:
            offsets = offsets_from_text(row["offsets"], ())
        except Exception:  # a preference written by an older version: skip, never crash
            log.warning("personal reminders of %s: unreadable lead times", row["user_id"])
            continue
        found.append(Subscriber(row["user_id"], offsets, frozenset(links.get(row["user_id"], ()))))
    return found


def _due_keys(
    kind: str,
    event_id: int,
    occurrence: str,
    user: str,
    at: datetime,
    offsets: Iterable[Offset],
    *,
    now: datetime,
    tz: ZoneInfo,
) -> list[tuple[Key, str]]:
    keys = []
    for offset in offsets:
        due = offset.due(at, tz)
        if now < due < at:
            keys.append(((kind, event_id, occurrence, user, to_iso(due)), offset.spec))
    return keys


async def plan(
    db: Database,
    *,
    now: datetime,
    defaults: ReminderOffsets,
    tz: ZoneInfo = MONTREAL,
    horizon: timedelta = HORIZON,
    conn: aiosqlite.Connection | None = None,
) -> tuple[int, int]:
    """Write the missing planned rows and drop the unwanted pending ones: (added, removed).
    ``conn``: write in the caller's transaction (the clock's) instead of a new one."""
    people = await subscribers(db)
    every = [*defaults.meetings, *defaults.deadlines, *(o for p in people for o in p.offsets)]
    until = now + horizon + max((_lead(o) for o in every), default=timedelta(0))
    listed = await occurrences_between(db, start=now, end=until, tz=tz)
    deadlines: list[Deadline] = []
    if people:
        deadline_rows = await db.fetchall(
            "SELECT * FROM cal_deadlines WHERE status = 'scheduled' AND due_at > ? AND due_at <= ?",
            (to_iso(now), to_iso(until)),
        )
        deadlines = [Deadline.from_row(r) for r in deadline_rows]
    wanted: dict[Key, str] = {}
    for item in listed:
        _plan_occurrence(item, people, defaults, wanted, now=now, tz=tz)
    for deadline in deadlines:
        for person in people:
            if deadline.delegation_id is None or deadline.delegation_id in person.delegations:
                for key, spec in _due_keys(
                    "deadline", deadline.id, "", person.user_id, deadline.due, person.offsets,
                    now=now, tz=tz,
                ):  # fmt: skip
                    wanted[key] = spec
    if conn is not None:
        return await _apply(conn, wanted, now=now)
    async with db.transaction() as own:
        return await _apply(own, wanted, now=now)


def _plan_occurrence(
    item: Listed,
    people: Sequence[Subscriber],
    defaults: ReminderOffsets,
    wanted: dict[Key, str],
    *,
    now: datetime,
    tz: ZoneInfo,
) -> None:
    meeting, occurrence = item.meeting, item.occurrence
    if occurrence.start <= now:
        return
    occurrence_name = occurrence.key if meeting.rrule else ""
    if meeting.rrule:
        for key, spec in _due_keys(
            "meeting", meeting.id, occurrence_name, "", occurrence.start,
            own_offsets(meeting, defaults), now=now, tz=tz,
        ):  # fmt: skip
            wanted[key] = spec
    if not people:
        return
    linked = set(meeting.delegation_ids)
    for person in people:
        if linked & person.delegations:
            for key, spec in _due_keys(
                "meeting", meeting.id, occurrence_name, person.user_id, occurrence.start,
                person.offsets, now=now, tz=tz,
            ):  # fmt: skip
                wanted[key] = spec


async def _apply(
    conn: aiosqlite.Connection, wanted: dict[Key, str], *, now: datetime
) -> tuple[int, int]:
    added = removed = 0
    existing: dict[Key, tuple[int, str]] = {}
    for row in await conn.execute_fetchall(
        "SELECT id, event_kind, event_id, COALESCE(occurrence, '') AS occ,"
        " COALESCE(user_id, '') AS usr, due_at, status FROM cal_reminders"
        " WHERE due_at > ? AND (occurrence IS NOT NULL OR user_id IS NOT NULL)",
        (to_iso(now),),
    ):
        key = (row["event_kind"], row["event_id"], row["occ"], row["usr"], row["due_at"])
        existing[key] = (row["id"], row["status"])
    stale = [
        (row_id,)
        for key, (row_id, status) in existing.items()
        if status == "pending" and key not in wanted
    ]
    if stale:
        await conn.executemany("DELETE FROM cal_reminders WHERE id = ?", stale)
        removed = len(stale)
    fresh = [
        (kind, event_id, spec, due, occ or None, usr or None)
        for (kind, event_id, occ, usr, due), spec in wanted.items()
        if (kind, event_id, occ, usr, due) not in existing
    ]
    if fresh:
        await conn.executemany(
            "INSERT OR IGNORE INTO cal_reminders(event_kind, event_id, offset_spec, due_at,"
            " occurrence, user_id) VALUES (?, ?, ?, ?, ?, ?)",
            fresh,
        )
        added = len(fresh)
    if added or removed:
        log.info("planned reminders: %d added, %d removed", added, removed)
    return added, removed
