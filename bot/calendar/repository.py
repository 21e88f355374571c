"""Meetings and deadlines in SQLite, with their reminder rows.

Every write validates first and raises ``CalendarError`` (French) before touching anything,
then changes the item, its reminders and its announcements in ONE transaction.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

# Delegations live in their own module; they are re-exported here so that callers have one
# entry point for calendar records. (Reminder rows need no notice: the clock sees every commit.)
from bot.calendar.dateinput import check_future, check_order
from bot.calendar.delegations import (
    GuildDirectory,
    create_delegation,
    delegations_by_id,
    find_delegation,
    get_delegation,
    list_delegations,
    require_delegation,
    set_members,
)
from bot.calendar.model import CalendarError, Deadline, EventKind, Meeting
from bot.calendar.offsets import Offset, offsets_from_text
from bot.calendar.recurrence import Recurrence
from bot.messages import t
from bot.store.db import Database
from bot.timeutil import MONTREAL, to_iso

__all__ = [
    "Change",
    "DeadlineDraft",
    "GuildDirectory",
    "MeetingDraft",
    "cancel_deadline",
    "cancel_meeting",
    "create_deadline",
    "create_delegation",
    "create_meeting",
    "delegations_by_id",
    "find_delegation",
    "get_deadline",
    "get_delegation",
    "get_meeting",
    "insert_deadline",
    "insert_meeting",
    "insert_reminders",
    "list_delegations",
    "require_deadline",
    "require_delegation",
    "require_meeting",
    "set_members",
    "upcoming_deadlines",
    "upcoming_meetings",
    "update_deadline",
    "update_meeting",
]  # fmt: skip

log = logging.getLogger(__name__)


# --- meetings and deadlines --------------------------------------------------------------


@dataclass(frozen=True)
class MeetingDraft:
    title: str
    start: datetime
    end: datetime
    delegation_ids: tuple[int, ...] = ()
    place: str | None = None
    video_link: str | None = None
    notes: str | None = None
    source_communication_id: int | None = None
    preparatory_id: int | None = None
    debrief_id: int | None = None
    external_key: str | None = None
    rrule: str | None = None  # bot.calendar.recurrence.Recurrence.to_rule(); start: the first
    reminder_offsets: str | None = None  # "J-7, H-2": this meeting's lead times


@dataclass(frozen=True)
class DeadlineDraft:
    title: str
    due: datetime
    period_start: datetime | None = None
    delegation_id: int | None = None
    notes: str | None = None
    source_communication_id: int | None = None
    external_key: str | None = None
    reminder_offsets: str | None = None


@dataclass
class Change:
    """What a write did; ``before`` is None for a creation."""

    item: Meeting | Deadline
    before: Meeting | Deadline | None = None
    outbox_ids: list[int] = field(default_factory=list)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


async def _check_meeting(db: Database, draft: MeetingDraft, now: datetime, tz: ZoneInfo) -> None:
    if not draft.title.strip():
        raise CalendarError(t("calendar.error.title_required"))
    check_order(draft.start, draft.end, tz=tz)
    if not draft.rrule:  # a series under way has its first occurrence behind it
        check_future(draft.start, now=now, tz=tz)
    offsets_from_text(draft.reminder_offsets, ())
    if draft.rrule:
        Recurrence.from_rule(draft.rrule)
    for delegation_id in draft.delegation_ids:
        if await get_delegation(db, delegation_id) is None:
            raise CalendarError(t("calendar.delegation.unknown", name=delegation_id))
    for linked in (draft.preparatory_id, draft.debrief_id):
        if linked is not None and await get_meeting(db, linked) is None:
            raise CalendarError(t("calendar.meeting.unknown", id=linked))


async def _check_deadline(db: Database, draft: DeadlineDraft, now: datetime, tz: ZoneInfo) -> None:
    if not draft.title.strip():
        raise CalendarError(t("calendar.error.title_required"))
    check_future(draft.due, now=now, tz=tz)
    offsets_from_text(draft.reminder_offsets, ())
    if draft.period_start is not None:
        check_order(draft.period_start, draft.due, tz=tz)
    if draft.delegation_id is not None and await get_delegation(db, draft.delegation_id) is None:
        raise CalendarError(t("calendar.delegation.unknown", name=draft.delegation_id))


async def insert_reminders(
    conn: aiosqlite.Connection,
    kind: EventKind,
    event_id: int,
    event_at: datetime,
    offsets: Iterable[Offset],
    *,
    now: datetime,
    tz: ZoneInfo = MONTREAL,
) -> int:
    """Rows for the offsets still ahead; an offset already past at creation is not sent."""
    count = 0
    seen: set[str] = set()
    for offset in offsets:
        due = offset.due(event_at, tz)
        if due <= now or due >= event_at or to_iso(due) in seen:
            continue
        seen.add(to_iso(due))
        await conn.execute(
            "INSERT INTO cal_reminders(event_kind, event_id, offset_spec, due_at)"
            " VALUES (?, ?, ?, ?)",
            (kind, event_id, offset.spec, to_iso(due)),
        )
        count += 1
    return count


async def drop_pending_reminders(
    conn: aiosqlite.Connection, kind: EventKind, event_id: int, *, reason: str | None, now: datetime
) -> None:
    """Moved events lose their pending rows (new ones follow); cancelled ones keep them, skipped."""
    if reason is None:
        await conn.execute(
            "DELETE FROM cal_reminders"
            " WHERE event_kind = ? AND event_id = ? AND status = 'pending'",
            (kind, event_id),
        )
    else:
        await conn.execute(
            "UPDATE cal_reminders SET status = 'skipped', reason = ?, done_at = ?"
            " WHERE event_kind = ? AND event_id = ? AND status = 'pending'",
            (reason, to_iso(now), kind, event_id),
        )


async def create_meeting(
    db: Database,
    draft: MeetingDraft,
    *,
    now: datetime,
    offsets: Sequence[Offset],
    tz: ZoneInfo = MONTREAL,
    prepares: int | None = None,
    debriefs: int | None = None,
    announce: Callable[[aiosqlite.Connection, Meeting], object] | None = None,
) -> Meeting:
    """Add a meeting; ``prepares`` / ``debriefs``: the meeting it is the preparatory
    meeting or the debrief of (that meeting's reminders then mention it). ``announce``
    writes its announcement in the same transaction (never one without the other)."""
    await _check_meeting(db, draft, now, tz)
    for linked in (prepares, debriefs):
        if linked is not None:
            target = await require_meeting(db, linked)
            if target.status != "scheduled":
                raise CalendarError(t("calendar.meeting.cancelled_already", title=target.title))
    async with db.transaction() as conn:
        meeting_id = await insert_meeting(conn, draft, now=now)
        if not draft.rrule:  # a series' rows are planned per occurrence (bot.calendar.planner)
            own = offsets_from_text(draft.reminder_offsets, offsets)
            await insert_reminders(conn, "meeting", meeting_id, draft.start, own, now=now, tz=tz)
        for column, target_id in (("preparatory_id", prepares), ("debrief_id", debriefs)):
            if target_id is not None:
                await conn.execute(
                    f"UPDATE cal_meetings SET {column} = ? WHERE id = ?", (meeting_id, target_id)
                )
        if announce is not None:
            created = Meeting(
                id=meeting_id, status="scheduled", source_communication_id=None,
                discord_event_id=None, sequence=0, updated_at=now, **_meeting_fields(draft),
            )  # fmt: skip
            result = announce(conn, created)
            if inspect.isawaitable(result):
                await result
    meeting = await get_meeting(db, meeting_id)
    assert meeting is not None
    return meeting


async def insert_meeting(conn: aiosqlite.Connection, draft: MeetingDraft, *, now: datetime) -> int:
    cursor = await conn.execute(
        "INSERT INTO cal_meetings(title, start_at, end_at, place, video_link, notes,"
        " source_communication_id, preparatory_id, debrief_id, external_key, created_at,"
        " updated_at, rrule, reminder_offsets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft.title.strip(),
            to_iso(draft.start),
            to_iso(draft.end),
            _clean(draft.place),
            _clean(draft.video_link),
            _clean(draft.notes),
            draft.source_communication_id,
            draft.preparatory_id,
            draft.debrief_id,
            draft.external_key,
            to_iso(now),
            to_iso(now),
            draft.rrule,
            _clean(draft.reminder_offsets),
        ),
    )
    meeting_id = cursor.lastrowid
    assert meeting_id is not None
    for delegation_id in dict.fromkeys(draft.delegation_ids):
        await conn.execute(
            "INSERT INTO cal_meeting_delegations(meeting_id, delegation_id) VALUES (?, ?)",
            (meeting_id, delegation_id),
        )
    return meeting_id


async def get_meeting(db: Database, meeting_id: int) -> Meeting | None:
    row = await db.fetchone("SELECT * FROM cal_meetings WHERE id = ?", (meeting_id,))
    if row is None:
        return None
    links = await db.fetchall(
        "SELECT delegation_id FROM cal_meeting_delegations WHERE meeting_id = ? ORDER BY rowid",
        (meeting_id,),
    )
    return Meeting.from_row(row, tuple(r["delegation_id"] for r in links))


async def require_meeting(db: Database, meeting_id: int) -> Meeting:
    meeting = await get_meeting(db, meeting_id)
    if meeting is None:
        raise CalendarError(t("calendar.meeting.unknown", id=meeting_id))
    return meeting


def draft_of(meeting: Meeting) -> MeetingDraft:
    return MeetingDraft(
        title=meeting.title,
        start=meeting.start,
        end=meeting.end,
        delegation_ids=meeting.delegation_ids,
        place=meeting.place,
        video_link=meeting.video_link,
        notes=meeting.notes,
        source_communication_id=meeting.source_communication_id,
        preparatory_id=meeting.preparatory_id,
        debrief_id=meeting.debrief_id,
        rrule=meeting.rrule,
        reminder_offsets=meeting.reminder_offsets,
    )


async def update_meeting(
    db: Database,
    meeting_id: int,
    *,
    now: datetime,
    offsets: Sequence[Offset],
    tz: ZoneInfo = MONTREAL,
    announce: Callable[[aiosqlite.Connection, Meeting, Meeting], object] | None = None,
    **changes: object,
) -> Change:
    """Change fields of a scheduled meeting; a new time moves its pending reminders."""
    before = await require_meeting(db, meeting_id)
    if before.status != "scheduled":
        raise CalendarError(t("calendar.meeting.cancelled_already", title=before.title))
    draft = replace(draft_of(before), **changes)  # type: ignore[arg-type]
    await _check_meeting(db, draft, now, tz)
    change = Change(item=before, before=before)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE cal_meetings SET title = ?, start_at = ?, end_at = ?, place = ?,"
            " video_link = ?, notes = ?, preparatory_id = ?, debrief_id = ?, rrule = ?,"
            " reminder_offsets = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?",
            (
                draft.title.strip(),
                to_iso(draft.start),
                to_iso(draft.end),
                _clean(draft.place),
                _clean(draft.video_link),
                _clean(draft.notes),
                draft.preparatory_id,
                draft.debrief_id,
                draft.rrule,
                _clean(draft.reminder_offsets),
                to_iso(now),
                meeting_id,
            ),
        )
        if draft.delegation_ids != before.delegation_ids:
            await conn.execute(
                "DELETE FROM cal_meeting_delegations WHERE meeting_id = ?", (meeting_id,)
            )
            for delegation_id in dict.fromkeys(draft.delegation_ids):
                await conn.execute(
                    "INSERT INTO cal_meeting_delegations(meeting_id, delegation_id) VALUES (?, ?)",
                    (meeting_id, delegation_id),
                )
        timing = (draft.start, draft.rrule, _clean(draft.reminder_offsets))
        if timing != (before.start, before.rrule, before.reminder_offsets):
            await drop_pending_reminders(conn, "meeting", meeting_id, reason=None, now=now)
            if not draft.rrule:  # a series' rows: bot.calendar.planner, after the commit
                own = offsets_from_text(draft.reminder_offsets, offsets)
                await insert_reminders(
                    conn, "meeting", meeting_id, draft.start, own, now=now, tz=tz
                )
        after = replace(before, **_meeting_fields(draft), sequence=before.sequence + 1)
        if announce is not None:
            await _collect(change, announce(conn, before, after))
        change.item = after
    return change


def _meeting_fields(draft: MeetingDraft) -> dict[str, Any]:
    return {
        "title": draft.title.strip(),
        "start": draft.start,
        "end": draft.end,
        "place": _clean(draft.place),
        "video_link": _clean(draft.video_link),
        "notes": _clean(draft.notes),
        "preparatory_id": draft.preparatory_id,
        "debrief_id": draft.debrief_id,
        "delegation_ids": tuple(dict.fromkeys(draft.delegation_ids)),
        "rrule": draft.rrule,
        "reminder_offsets": _clean(draft.reminder_offsets),
    }


async def _collect(change: Change, result: object) -> None:
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, list):
        change.outbox_ids.extend(i for i in result if isinstance(i, int))


async def cancel_meeting(
    db: Database,
    meeting_id: int,
    *,
    now: datetime,
    announce: Callable[[aiosqlite.Connection, Meeting], object] | None = None,
) -> Change:
    before = await require_meeting(db, meeting_id)
    if before.status != "scheduled":
        raise CalendarError(t("calendar.meeting.cancelled_already", title=before.title))
    if before.end <= now and not before.rrule:
        raise CalendarError(t("calendar.meeting.over", title=before.title))
    after = replace(before, status="cancelled", sequence=before.sequence + 1)
    change = Change(item=after, before=before)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE cal_meetings SET status = 'cancelled', sequence = sequence + 1,"
            " updated_at = ? WHERE id = ?",
            (to_iso(now), meeting_id),
        )
        await drop_pending_reminders(conn, "meeting", meeting_id, reason="cancelled", now=now)
        if announce is not None:
            await _collect(change, announce(conn, after))
    return change


async def set_discord_event_id(db: Database, meeting_id: int, event_id: str | None) -> None:
    await db.execute(
        "UPDATE cal_meetings SET discord_event_id = ? WHERE id = ?", (event_id, meeting_id)
    )


async def upcoming_meetings(
    db: Database,
    *,
    now: datetime,
    until: datetime | None = None,
    delegation_id: int | None = None,
    include_cancelled: bool = False,
) -> list[Meeting]:
    """Meetings not yet over, soonest first."""
    sql = "SELECT m.id FROM cal_meetings m WHERE m.end_at > ?"
    params: list[object] = [to_iso(now)]
    if until is not None:
        sql += " AND m.start_at <= ?"
        params.append(to_iso(until))
    if not include_cancelled:
        sql += " AND m.status = 'scheduled'"
    if delegation_id is not None:
        sql += (
            " AND EXISTS (SELECT 1 FROM cal_meeting_delegations d"
            " WHERE d.meeting_id = m.id AND d.delegation_id = ?)"
        )
        params.append(delegation_id)
    rows = await db.fetchall(sql + " ORDER BY m.start_at, m.id", params)
    found = []
    for row in rows:
        meeting = await get_meeting(db, row["id"])
        if meeting is not None:
            found.append(meeting)
    return found


async def create_deadline(
    db: Database,
    draft: DeadlineDraft,
    *,
    now: datetime,
    offsets: Sequence[Offset],
    tz: ZoneInfo = MONTREAL,
    announce: Callable[[aiosqlite.Connection, Deadline], object] | None = None,
) -> Deadline:
    await _check_deadline(db, draft, now, tz)
    async with db.transaction() as conn:
        deadline_id = await insert_deadline(conn, draft, now=now)
        own = offsets_from_text(draft.reminder_offsets, offsets)
        await insert_reminders(conn, "deadline", deadline_id, draft.due, own, now=now, tz=tz)
        if announce is not None:
            created = Deadline(
                id=deadline_id, title=draft.title.strip(), due=draft.due,
                period_start=draft.period_start, delegation_id=draft.delegation_id,
                notes=_clean(draft.notes), status="scheduled", source_communication_id=None,
                sequence=0, reminder_offsets=_clean(draft.reminder_offsets), updated_at=now,
            )  # fmt: skip
            result = announce(conn, created)
            if inspect.isawaitable(result):
                await result
    deadline = await get_deadline(db, deadline_id)
    assert deadline is not None
    return deadline


async def insert_deadline(
    conn: aiosqlite.Connection, draft: DeadlineDraft, *, now: datetime
) -> int:
    cursor = await conn.execute(
        "INSERT INTO cal_deadlines(title, due_at, period_start, delegation_id, notes,"
        " source_communication_id, external_key, created_at, updated_at, reminder_offsets)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            draft.title.strip(),
            to_iso(draft.due),
            to_iso(draft.period_start) if draft.period_start else None,
            draft.delegation_id,
            _clean(draft.notes),
            draft.source_communication_id,
            draft.external_key,
            to_iso(now),
            to_iso(now),
            _clean(draft.reminder_offsets),
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def get_deadline(db: Database, deadline_id: int) -> Deadline | None:
    row = await db.fetchone("SELECT * FROM cal_deadlines WHERE id = ?", (deadline_id,))
    return Deadline.from_row(row) if row else None


async def require_deadline(db: Database, deadline_id: int) -> Deadline:
    deadline = await get_deadline(db, deadline_id)
    if deadline is None:
        raise CalendarError(t("calendar.deadline.unknown", id=deadline_id))
    return deadline


async def update_deadline(
    db: Database,
    deadline_id: int,
    *,
    now: datetime,
    offsets: Sequence[Offset],
    tz: ZoneInfo = MONTREAL,
    announce: Callable[[aiosqlite.Connection, Deadline, Deadline], object] | None = None,
    **changes: object,
) -> Change:
    before = await require_deadline(db, deadline_id)
    if before.status != "scheduled":
        raise CalendarError(t("calendar.deadline.cancelled_already", title=before.title))
    fields = {
        "title": before.title,
        "due": before.due,
        "period_start": before.period_start,
        "delegation_id": before.delegation_id,
        "notes": before.notes,
        "reminder_offsets": before.reminder_offsets,
    }
    fields.update(changes)
    draft = DeadlineDraft(**fields)  # type: ignore[arg-type]
    await _check_deadline(db, draft, now, tz)
    after = replace(
        before,
        title=draft.title.strip(),
        due=draft.due,
        period_start=draft.period_start,
        delegation_id=draft.delegation_id,
        notes=_clean(draft.notes),
        reminder_offsets=_clean(draft.reminder_offsets),
        sequence=before.sequence + 1,
    )
    change = Change(item=after, before=before)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE cal_deadlines SET title = ?, due_at = ?, period_start = ?, delegation_id = ?,"
            " notes = ?, reminder_offsets = ?, sequence = sequence + 1, updated_at = ?"
            " WHERE id = ?",
            (
                after.title,
                to_iso(after.due),
                to_iso(after.period_start) if after.period_start else None,
                after.delegation_id,
                after.notes,
                after.reminder_offsets,
                to_iso(now),
                deadline_id,
            ),
        )
        if (after.due, after.reminder_offsets) != (before.due, before.reminder_offsets):
            await drop_pending_reminders(conn, "deadline", deadline_id, reason=None, now=now)
            own = offsets_from_text(after.reminder_offsets, offsets)
            await insert_reminders(conn, "deadline", deadline_id, after.due, own, now=now, tz=tz)
        if announce is not None:
            await _collect(change, announce(conn, before, after))
    return change


async def cancel_deadline(
    db: Database,
    deadline_id: int,
    *,
    now: datetime,
    announce: Callable[[aiosqlite.Connection, Deadline], object] | None = None,
) -> Change:
    before = await require_deadline(db, deadline_id)
    if before.status != "scheduled":
        raise CalendarError(t("calendar.deadline.cancelled_already", title=before.title))
    after = replace(before, status="cancelled", sequence=before.sequence + 1)
    change = Change(item=after, before=before)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE cal_deadlines SET status = 'cancelled', sequence = sequence + 1,"
            " updated_at = ? WHERE id = ?",
            (to_iso(now), deadline_id),
        )
        await drop_pending_reminders(conn, "deadline", deadline_id, reason="cancelled", now=now)
        if announce is not None:
            await _collect(change, announce(conn, after))
    return change


async def upcoming_deadlines(
    db: Database,
    *,
    now: datetime,
    until: datetime | None = None,
    include_cancelled: bool = False,
) -> list[Deadline]:
    sql = "SELECT * FROM cal_deadlines WHERE due_at > ?"
    if not include_cancelled:
        sql += " AND status = 'scheduled'"
    params: list[object] = [to_iso(now)]
    if until is not None:
        sql += " AND due_at <= ?"
        params.append(to_iso(until))
    rows = await db.fetchall(sql + " ORDER BY due_at, id", params)
    return [Deadline.from_row(r) for r in rows]
