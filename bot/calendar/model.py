"""Calendar records as plain dataclasses, and the one error every calendar refusal raises."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.errors import RelaisError
from bot.timeutil import from_iso

EventKind = Literal["meeting", "deadline"]
AttendanceStatus = Literal["present", "absent", "uncertain"]
ATTENDANCE_STATUSES: tuple[AttendanceStatus, ...] = ("present", "absent", "uncertain")


class CalendarError(RelaisError):
    """A refusal a user reads: ``message`` is already French (from the calendar catalog)."""


@dataclass(frozen=True)
class Member:
    user_id: str
    display_name: str | None
    member_role: Literal["delegate", "substitute"]


@dataclass(frozen=True)
class Delegation:
    id: int
    name: str
    role: str  # Discord role id or name: what Post.ping_roles receives
    channel: str  # logical channel key, channel name or id
    members: tuple[Member, ...] = ()
    public: bool = False  # its meetings appear in the public calendar feed

    @classmethod
    def from_row(cls, row: sqlite3.Row, members: tuple[Member, ...] = ()) -> Delegation:
        return cls(
            row["id"], row["name"], row["role"], row["channel"], members, bool(row["public"])
        )


def _item_fields(row: sqlite3.Row) -> dict[str, Any]:
    """The columns meetings and deadlines share, as their records hold them."""
    return {
        "id": row["id"],
        "title": row["title"],
        "notes": row["notes"],
        "status": row["status"],
        "source_communication_id": row["source_communication_id"],
        "sequence": row["sequence"],
        "reminder_offsets": row["reminder_offsets"],
        "updated_at": from_iso(row["updated_at"]),
    }


@dataclass(frozen=True)
class Meeting:
    id: int
    title: str
    start: datetime
    end: datetime
    place: str | None
    video_link: str | None
    notes: str | None
    status: Literal["scheduled", "cancelled"]
    source_communication_id: int | None
    preparatory_id: int | None
    debrief_id: int | None
    discord_event_id: str | None
    sequence: int
    delegation_ids: tuple[int, ...] = field(default=())
    rrule: str | None = None  # recurrence (bot.calendar.recurrence), None: a single meeting
    reminder_offsets: str | None = None  # "J-7,H-2" chosen for this meeting; None: defaults
    updated_at: datetime | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row, delegation_ids: tuple[int, ...] = ()) -> Meeting:
        return cls(
            start=from_iso(row["start_at"]),
            end=from_iso(row["end_at"]),
            place=row["place"],
            video_link=row["video_link"],
            preparatory_id=row["preparatory_id"],
            debrief_id=row["debrief_id"],
            discord_event_id=row["discord_event_id"],
            delegation_ids=delegation_ids,
            rrule=row["rrule"],
            **_item_fields(row),
        )


@dataclass(frozen=True)
class Deadline:
    id: int
    title: str
    due: datetime
    period_start: datetime | None
    delegation_id: int | None  # None: everyone
    notes: str | None
    status: Literal["scheduled", "cancelled"]
    source_communication_id: int | None
    sequence: int
    reminder_offsets: str | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Deadline:
        return cls(
            due=from_iso(row["due_at"]),
            period_start=from_iso(row["period_start"]) if row["period_start"] else None,
            delegation_id=row["delegation_id"],
            **_item_fields(row),
        )


@dataclass(frozen=True)
class Reminder:
    id: int
    event_kind: EventKind
    event_id: int
    offset: str
    due: datetime
    status: Literal["pending", "sent", "skipped"]
    late: bool
    occurrence: str | None = None  # original start of the occurrence of a series
    user_id: str | None = None  # a personal reminder, by direct message

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Reminder:
        return cls(
            id=row["id"],
            event_kind=row["event_kind"],
            event_id=row["event_id"],
            offset=row["offset_spec"],
            due=from_iso(row["due_at"]),
            status=row["status"],
            late=bool(row["late"]),
            occurrence=row["occurrence"],
            user_id=row["user_id"],
        )
