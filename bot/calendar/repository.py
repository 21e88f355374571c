"""Meetings and deadlines in SQLite, with their reminder rows.

Every write validates first and raises ``CalendarError`` (French) before touching anything,
then changes the item, its reminders and its announcements in ONE transaction.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, TypeVar
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
from bot.calendar.occurrences import load_meetings
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
    "insert_item",
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
#
# A meeting and a deadline are the same kind of record (a title, a time reminders count from,
# notes, a status, a sequence bumped by every change), stored in two tables. What they share is
# written once below; what differs is in ``_fields`` (a draft's values as stored) and in the
# checks of each kind.


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


Draft = MeetingDraft | DeadlineDraft
Item = TypeVar("Item", Meeting, Deadline)
_TABLES: dict[EventKind, str] = {"meeting": "cal_meetings", "deadline": "cal_deadlines"}
_COLUMNS = {"start": "start_at", "end": "end_at", "due": "due_at"}  # field -> column


def _kind(value: Draft | Meeting | Deadline) -> EventKind:
    return "meeting" if isinstance(value, MeetingDraft | Meeting) else "deadline"


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _fields(draft: Draft) -> dict[str, Any]:
    """A draft's values as a record holds them: titles trimmed, empty texts None."""
    shared = {
        "title": draft.title.strip(),
        "notes": _clean(draft.notes),
        "reminder_offsets": _clean(draft.reminder_offsets),
    }
    if isinstance(draft, DeadlineDraft):
        return shared | {
            "due": draft.due,
            "period_start": draft.period_start,
            "delegation_id": draft.delegation_id,
        }
    return shared | {
        "start": draft.start,
        "end": draft.end,
        "place": _clean(draft.place),
        "video_link": _clean(draft.video_link),
        "preparatory_id": draft.preparatory_id,
        "debrief_id": draft.debrief_id,
        "delegation_ids": tuple(dict.fromkeys(draft.delegation_ids)),
        "rrule": draft.rrule,
    }


def _columns(values: dict[str, Any]) -> dict[str, object]:
    """The columns of ``_fields`` (a meeting's delegations live in their own table)."""
    return {
        _COLUMNS.get(name, name): to_iso(value) if isinstance(value, datetime) else value
        for name, value in values.items()
        if name != "delegation_ids"
    }


def _draft_of(item: Meeting | Deadline, **changes: object) -> Draft:
    """The draft that would write ``item`` again, with ``changes`` applied."""
    kind = MeetingDraft if isinstance(item, Meeting) else DeadlineDraft
    names = [f.name for f in fields(kind) if f.name != "external_key"]
    return replace(kind(**{name: getattr(item, name) for name in names}), **changes)  # type: ignore[arg-type]


def _reminders_here(value: Draft | Meeting | Deadline) -> bool:
    """Whether the item's reminder rows are written with it: a series' rows are planned per
    occurrence (bot.calendar.planner, after the commit)."""
    return not getattr(value, "rrule", None)


def _at(value: Draft | Meeting | Deadline) -> datetime:
    """When the item's reminders count from."""
    return value.start if isinstance(value, MeetingDraft | Meeting) else value.due


def _timing(value: Meeting | Deadline) -> tuple[object, ...]:
    """What its reminder rows depend on: a change of it plans them again."""
    return (_at(value), getattr(value, "rrule", None), value.reminder_offsets)


async def _check(db: Database, draft: Draft, now: datetime, tz: ZoneInfo) -> None:
    """Every refusal before anything is written."""
    if not draft.title.strip():
        raise CalendarError(t("calendar.error.title_required"))
    if isinstance(draft, DeadlineDraft):
        check_future(draft.due, now=now, tz=tz)
        offsets_from_text(draft.reminder_offsets, ())
        if draft.period_start is not None:
            check_order(draft.period_start, draft.due, tz=tz)
        delegations: tuple[int, ...] = (
            (draft.delegation_id,) if draft.delegation_id is not None else ()
        )
        meetings: tuple[int | None, ...] = ()
    else:
        check_order(draft.start, draft.end, tz=tz)
        if not draft.rrule:  # a series under way has its first occurrence behind it
            check_future(draft.start, now=now, tz=tz)
        offsets_from_text(draft.reminder_offsets, ())
        if draft.rrule:
            Recurrence.from_rule(draft.rrule)
        delegations = draft.delegation_ids
        meetings = (draft.preparatory_id, draft.debrief_id)
    for delegation_id in delegations:
        if await get_delegation(db, delegation_id) is None:
            raise CalendarError(t("calendar.delegation.unknown", name=delegation_id))
    for linked in meetings:
        if linked is not None and await get_meeting(db, linked) is None:
            raise CalendarError(t("calendar.meeting.unknown", id=linked))


def _found(kind: EventKind, item: Item | None, item_id: int) -> Item:
    if item is None:
        raise CalendarError(t(f"calendar.{kind}.unknown", id=item_id))
    return item


def _editable(item: Item) -> Item:
    if item.status != "scheduled":
        raise CalendarError(t(f"calendar.{_kind(item)}.cancelled_already", title=item.title))
    return item


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


async def _link_delegations(
    conn: aiosqlite.Connection, meeting_id: int, delegation_ids: Iterable[int]
) -> None:
    for delegation_id in dict.fromkeys(delegation_ids):
        await conn.execute(
            "INSERT INTO cal_meeting_delegations(meeting_id, delegation_id) VALUES (?, ?)",
            (meeting_id, delegation_id),
        )


async def insert_item(
    conn: aiosqlite.Connection,
    draft: Draft,
    *,
    now: datetime,
    offsets: Sequence[Offset],
    tz: ZoneInfo = MONTREAL,
) -> tuple[int, int]:
    """Write a meeting or deadline and its reminder rows (``offsets``: the defaults of its
    kind, unless the draft has its own) inside ``conn``'s transaction, unchecked: the id and
    how many reminders were written."""
    kind = _kind(draft)
    values = _columns(_fields(draft)) | {
        "source_communication_id": draft.source_communication_id,
        "external_key": draft.external_key,
        "created_at": to_iso(now),
        "updated_at": to_iso(now),
    }
    cursor = await conn.execute(
        f"INSERT INTO {_TABLES[kind]}({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
        tuple(values.values()),
    )
    item_id = cursor.lastrowid
    assert item_id is not None
    if isinstance(draft, MeetingDraft):
        await _link_delegations(conn, item_id, draft.delegation_ids)
    count = 0
    if _reminders_here(draft):
        own = offsets_from_text(draft.reminder_offsets, offsets)
        count = await insert_reminders(conn, kind, item_id, _at(draft), own, now=now, tz=tz)
    return item_id, count


async def _create(
    db: Database,
    draft: Draft,
    *,
    now: datetime,
    offsets: Sequence[Offset],
    tz: ZoneInfo,
    announce: Callable[[aiosqlite.Connection, Any], object] | None,
    links: Sequence[tuple[str, int | None]] = (),
) -> int:
    """Write (checked already) and announce in the same transaction (never one without the
    other); ``links``: meetings whose ``column`` is to point at the new one."""
    async with db.transaction() as conn:
        item_id, _ = await insert_item(conn, draft, now=now, offsets=offsets, tz=tz)
        for column, target_id in links:
            if target_id is not None:
                await conn.execute(
                    f"UPDATE cal_meetings SET {column} = ? WHERE id = ?", (item_id, target_id)
                )
        if announce is not None:
            made: type[Meeting] | type[Deadline] = (
                Meeting if isinstance(draft, MeetingDraft) else Deadline
            )
            extra: dict[str, Any] = {"discord_event_id": None} if made is Meeting else {}
            created = made(
                id=item_id, status="scheduled", source_communication_id=None, sequence=0,
                updated_at=now, **extra, **_fields(draft),
            )  # fmt: skip
            await _settled(announce(conn, created))
    return item_id


async def _update(
    db: Database,
    before: Item,
    changes: dict[str, object],
    *,
    now: datetime,
    offsets: Sequence[Offset],
    tz: ZoneInfo,
    announce: Callable[[aiosqlite.Connection, Item, Item], object] | None,
) -> Change:
    """Change fields of a scheduled item; a new time moves its pending reminders."""
    kind = _kind(_editable(before))
    draft = _draft_of(before, **changes)
    await _check(db, draft, now, tz)
    written: dict[str, Any] = _fields(draft)
    after = replace(before, **written, sequence=before.sequence + 1)
    change = Change(item=after, before=before)
    columns: dict[str, object] = _columns(written)
    assignments = "".join(f"{name} = ?, " for name in columns)
    async with db.transaction() as conn:
        await conn.execute(
            f"UPDATE {_TABLES[kind]} SET {assignments}sequence = sequence + 1, updated_at = ?"
            " WHERE id = ?",
            (*columns.values(), to_iso(now), before.id),
        )
        if isinstance(before, Meeting) and written["delegation_ids"] != before.delegation_ids:
            await conn.execute(
                "DELETE FROM cal_meeting_delegations WHERE meeting_id = ?", (before.id,)
            )
            await _link_delegations(conn, before.id, written["delegation_ids"])
        if _timing(after) != _timing(before):
            await drop_pending_reminders(conn, kind, before.id, reason=None, now=now)
            if _reminders_here(after):
                own = offsets_from_text(after.reminder_offsets, offsets)
                await insert_reminders(conn, kind, before.id, _at(after), own, now=now, tz=tz)
        if announce is not None:
            await _collect(change, announce(conn, before, after))
    return change


async def _cancel(
    db: Database,
    before: Item,
    *,
    now: datetime,
    announce: Callable[[aiosqlite.Connection, Item], object] | None,
) -> Change:
    """Mark it cancelled; its pending reminders are kept, skipped, and it is announced."""
    kind = _kind(before)
    after = replace(before, status="cancelled", sequence=before.sequence + 1)
    change = Change(item=after, before=before)
    async with db.transaction() as conn:
        await conn.execute(
            f"UPDATE {_TABLES[kind]} SET status = 'cancelled', sequence = sequence + 1,"
            " updated_at = ? WHERE id = ?",
            (to_iso(now), before.id),
        )
        await drop_pending_reminders(conn, kind, before.id, reason="cancelled", now=now)
        if announce is not None:
            await _collect(change, announce(conn, after))
    return change


async def _settled(result: object) -> object:
    """What an ``announce`` gave (it may be a coroutine function or a plain one)."""
    return await result if inspect.isawaitable(result) else result


async def _collect(change: Change, result: object) -> None:
    result = await _settled(result)
    if isinstance(result, list):
        change.outbox_ids.extend(i for i in result if isinstance(i, int))


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
    await _check(db, draft, now, tz)
    for linked in (prepares, debriefs):
        if linked is not None:
            _editable(await require_meeting(db, linked))
    links = (("preparatory_id", prepares), ("debrief_id", debriefs))
    meeting_id = await _create(
        db, draft, now=now, offsets=offsets, tz=tz, announce=announce, links=links
    )
    return await require_meeting(db, meeting_id)


async def get_meeting(db: Database, meeting_id: int) -> Meeting | None:
    found = await load_meetings(db, "m.id = ?", (meeting_id,))
    return found[0] if found else None


async def require_meeting(db: Database, meeting_id: int) -> Meeting:
    return _found("meeting", await get_meeting(db, meeting_id), meeting_id)


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
    return await _update(db, before, changes, now=now, offsets=offsets, tz=tz, announce=announce)


async def cancel_meeting(
    db: Database,
    meeting_id: int,
    *,
    now: datetime,
    announce: Callable[[aiosqlite.Connection, Meeting], object] | None = None,
) -> Change:
    before = _editable(await require_meeting(db, meeting_id))
    if before.end <= now and not before.rrule:
        raise CalendarError(t("calendar.meeting.over", title=before.title))
    return await _cancel(db, before, now=now, announce=announce)


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
    where = "m.end_at > ?"
    params: list[object] = [to_iso(now)]
    if until is not None:
        where += " AND m.start_at <= ?"
        params.append(to_iso(until))
    if not include_cancelled:
        where += " AND m.status = 'scheduled'"
    if delegation_id is not None:
        where += (
            " AND EXISTS (SELECT 1 FROM cal_meeting_delegations d"
            " WHERE d.meeting_id = m.id AND d.delegation_id = ?)"
        )
        params.append(delegation_id)
    return await load_meetings(db, where + " ORDER BY m.start_at, m.id", params)


async def create_deadline(
    db: Database,
    draft: DeadlineDraft,
    *,
    now: datetime,
    offsets: Sequence[Offset],
    tz: ZoneInfo = MONTREAL,
    announce: Callable[[aiosqlite.Connection, Deadline], object] | None = None,
) -> Deadline:
    await _check(db, draft, now, tz)
    deadline_id = await _create(db, draft, now=now, offsets=offsets, tz=tz, announce=announce)
    return await require_deadline(db, deadline_id)


async def get_deadline(db: Database, deadline_id: int) -> Deadline | None:
    row = await db.fetchone("SELECT * FROM cal_deadlines WHERE id = ?", (deadline_id,))
    return Deadline.from_row(row) if row else None


async def require_deadline(db: Database, deadline_id: int) -> Deadline:
    return _found("deadline", await get_deadline(db, deadline_id), deadline_id)


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
    return await _update(db, before, changes, now=now, offsets=offsets, tz=tz, announce=announce)


async def cancel_deadline(
    db: Database,
    deadline_id: int,
    *,
    now: datetime,
    announce: Callable[[aiosqlite.Connection, Deadline], object] | None = None,
) -> Change:
    before = _editable(await require_deadline(db, deadline_id))
    return await _cancel(db, before, now=now, announce=announce)


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
