"""Occurrences of meetings in SQLite: bulk reads for lists and feeds, one occurrence moved
or cancelled without touching the rest of its series.

Reads are a handful of queries whatever the number of meetings (lists and feeds of a year
of a coalition's calendar stay in milliseconds).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import aiosqlite

from bot.calendar.model import CalendarError, Meeting
from bot.calendar.recurrence import (
    Exception_,
    Occurrence,
    Recurrence,
    expand,
    find_occurrence,
    occurrence_key,
)
from bot.messages import t
from bot.store.db import Database
from bot.timeutil import MONTREAL, format_local, from_iso, to_iso


def rule_of(meeting: Meeting) -> Recurrence | None:
    return _rule(meeting.rrule) if meeting.rrule else None


@functools.lru_cache(maxsize=4096)
def _rule(text: str) -> Recurrence:
    # Lists and feeds read the same few hundred rules again and again: parse each once.
    return Recurrence.from_rule(text)


async def load_meetings(
    db: Database | aiosqlite.Connection, where: str = "1", params: Sequence[object] = ()
) -> list[Meeting]:
    """Meetings matching ``where`` (SQL over ``m``), with their delegations: two queries."""
    rows = await _fetch(db, f"SELECT m.* FROM cal_meetings m WHERE {where}", params)
    if not rows:
        return []
    links: dict[int, list[int]] = {}
    ids = [row["id"] for row in rows]
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        for link in await _fetch(
            db,
            "SELECT meeting_id, delegation_id FROM cal_meeting_delegations"
            f" WHERE meeting_id IN ({','.join('?' * len(chunk))}) ORDER BY rowid",
            chunk,
        ):
            links.setdefault(link["meeting_id"], []).append(link["delegation_id"])
    return [Meeting.from_row(row, tuple(links.get(row["id"], ()))) for row in rows]


async def _fetch(
    db: Database | aiosqlite.Connection, sql: str, params: Sequence[object]
) -> list[aiosqlite.Row]:
    if isinstance(db, Database):
        return await db.fetchall(sql, params)
    return list(await db.execute_fetchall(sql, tuple(params)))


async def load_exceptions(
    db: Database | aiosqlite.Connection, meeting_ids: Iterable[int] | None = None
) -> dict[int, dict[str, Exception_]]:
    sql = "SELECT * FROM cal_occurrence_changes"
    params: list[object] = []
    wanted = None if meeting_ids is None else sorted(set(meeting_ids))
    if wanted is not None:
        if not wanted:
            return {}
        if len(wanted) <= 500:
            sql += f" WHERE meeting_id IN ({','.join('?' * len(wanted))})"
            params = list(wanted)
    found: dict[int, dict[str, Exception_]] = {}
    keep = set(wanted) if wanted is not None else None
    for row in await _fetch(db, sql, params):
        if keep is not None and row["meeting_id"] not in keep:
            continue
        found.setdefault(row["meeting_id"], {})[row["occurrence"]] = Exception_(
            original=from_iso(row["occurrence"]),
            status=row["status"],
            start=from_iso(row["start_at"]) if row["start_at"] else None,
            end=from_iso(row["end_at"]) if row["end_at"] else None,
            sequence=row["sequence"],
        )
    return found


@dataclass(frozen=True)
class Listed:
    """One occurrence as a list shows it, with the meeting it belongs to."""

    meeting: Meeting
    occurrence: Occurrence


def occurrences_of(
    meeting: Meeting,
    exceptions: dict[str, Exception_] | None,
    *,
    window_start: datetime,
    window_end: datetime,
    tz: ZoneInfo = MONTREAL,
    include_cancelled: bool = False,
) -> list[Occurrence]:
    found = expand(
        meeting.id,
        meeting.start,
        meeting.end,
        rule_of(meeting),
        window_start=window_start,
        window_end=window_end,
        exceptions=exceptions,
        tz=tz,
        include_cancelled=True,
    )
    if meeting.status == "cancelled":
        found = [
            Occurrence(o.meeting_id, o.original, o.start, o.end, True, o.moved, o.index)
            for o in found
        ]
    return [o for o in found if include_cancelled or not o.cancelled]


async def occurrences_between(
    db: Database,
    *,
    start: datetime,
    end: datetime,
    tz: ZoneInfo = MONTREAL,
    include_cancelled: bool = False,
) -> list[Listed]:
    """Every occurrence overlapping [start, end), soonest first."""
    meetings = await load_meetings(
        db,
        "(m.rrule IS NULL AND m.end_at > ? AND m.start_at < ?)"
        " OR (m.rrule IS NOT NULL AND m.start_at < ?)"
        " OR m.id IN (SELECT meeting_id FROM cal_occurrence_changes"
        "             WHERE status = 'moved' AND start_at < ? AND end_at > ?)",
        (to_iso(start), to_iso(end), to_iso(end), to_iso(end), to_iso(start)),
    )
    if not include_cancelled:
        meetings = [m for m in meetings if m.status == "scheduled"]
    exceptions = await load_exceptions(db, [m.id for m in meetings if m.rrule])
    listed = [
        Listed(meeting, occurrence)
        for meeting in meetings
        for occurrence in occurrences_of(
            meeting,
            exceptions.get(meeting.id),
            window_start=start,
            window_end=end,
            tz=tz,
            include_cancelled=include_cancelled,
        )
    ]
    listed.sort(key=lambda item: (item.occurrence.start, item.meeting.id))
    return listed


async def get_occurrence(db: Database, meeting: Meeting, key: str) -> Occurrence | None:
    """The occurrence of ``meeting`` named ``key`` (original start, UTC ISO), moves applied."""
    original = from_iso(key)
    exceptions = (await load_exceptions(db, [meeting.id])).get(meeting.id, {})
    change = exceptions.get(occurrence_key(original))
    window_start = min(original, change.start) if change and change.start else original
    window_end = max(original, change.end) if change and change.end else original
    for occurrence in occurrences_of(
        meeting,
        exceptions,
        window_start=window_start - (meeting.end - meeting.start),
        window_end=window_end + (meeting.end - meeting.start),
        include_cancelled=True,
    ):
        if occurrence.original == original:
            return occurrence
    return None


def resolve_day(meeting: Meeting, day: date, tz: ZoneInfo = MONTREAL) -> datetime:
    """The original start of ``meeting``'s occurrence on local ``day``; French refusal else."""
    found = find_occurrence(meeting.start, rule_of(meeting), day, tz=tz)
    if found is None:
        raise CalendarError(
            t(
                "calendar.occurrence.none_that_day",
                title=meeting.title,
                date=format_local(datetime.combine(day, time(12), tzinfo=tz), with_time=False),
            )
        )
    return found


async def _write_change(
    db: Database,
    meeting: Meeting,
    original: datetime,
    *,
    status: str,
    start: datetime | None,
    end: datetime | None,
    now: datetime,
) -> None:
    key = occurrence_key(original)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO cal_occurrence_changes(meeting_id, occurrence, status, start_at, end_at,"
            " sequence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(meeting_id, occurrence) DO UPDATE SET status = excluded.status,"
            " start_at = excluded.start_at, end_at = excluded.end_at,"
            " sequence = cal_occurrence_changes.sequence + 1, updated_at = excluded.updated_at",
            (
                meeting.id,
                key,
                status,
                to_iso(start) if start else None,
                to_iso(end) if end else None,
                meeting.sequence + 1,
                to_iso(now),
            ),
        )
        # The series changed (an EXDATE or an override): calendar clients need a new SEQUENCE.
        await conn.execute(
            "UPDATE cal_meetings SET sequence = sequence + 1, updated_at = ? WHERE id = ?",
            (to_iso(now), meeting.id),
        )
        # Its reminders follow: pending ones of the old time go; the planner writes new ones.
        await conn.execute(
            "DELETE FROM cal_reminders WHERE event_kind = 'meeting' AND event_id = ?"
            " AND occurrence = ? AND status = 'pending'",
            (meeting.id, key),
        )


async def move_occurrence(
    db: Database,
    meeting: Meeting,
    original: datetime,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> Occurrence:
    if meeting.status != "scheduled":
        raise CalendarError(t("calendar.meeting.cancelled_already", title=meeting.title))
    if end <= start:
        raise CalendarError(
            t("calendar.date.end_before_start", start=format_local(start), end=format_local(end))
        )
    if start <= now:
        raise CalendarError(t("calendar.date.past", when=format_local(start)))
    await _write_change(db, meeting, original, status="moved", start=start, end=end, now=now)
    found = await get_occurrence(db, meeting, occurrence_key(original))
    assert found is not None
    return found


async def cancel_occurrence(
    db: Database, meeting: Meeting, original: datetime, *, now: datetime
) -> None:
    if meeting.status != "scheduled":
        raise CalendarError(t("calendar.meeting.cancelled_already", title=meeting.title))
    current = await get_occurrence(db, meeting, occurrence_key(original))
    if current is None or current.cancelled:
        raise CalendarError(t("calendar.occurrence.cancelled_already", title=meeting.title))
    if current.end <= now:
        raise CalendarError(t("calendar.meeting.over", title=meeting.title))
    await _write_change(db, meeting, original, status="cancelled", start=None, end=None, now=now)
