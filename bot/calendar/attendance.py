"""Attendance answers from the reminder buttons, and the tally staff read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.calendar import repository as repo
from bot.calendar.model import ATTENDANCE_STATUSES, AttendanceStatus, CalendarError, Meeting
from bot.calendar.posts import esc
from bot.calendar.recurrence import occurrence_key
from bot.messages import t
from bot.store.db import Database
from bot.timeutil import discord_ts, to_iso

_CUSTOM_ID = re.compile(r"^cal:att:(\d+):(present|absent|uncertain)(?::(\d{9,11}))?$")


def parse_attendance_id(custom_id: str) -> tuple[int, AttendanceStatus] | None:
    parsed = parse_attendance(custom_id)
    return (parsed[0], parsed[1]) if parsed else None


def parse_attendance(custom_id: str) -> tuple[int, AttendanceStatus, str] | None:
    """(meeting, answer, occurrence key) of a button; occurrence "" for a single meeting.
    « cal:att:12:present:1789567200 » answers for the occurrence starting at that time."""
    match = _CUSTOM_ID.match(custom_id)
    if not match:
        return None
    occurrence = ""
    if match.group(3):
        occurrence = occurrence_key(datetime.fromtimestamp(int(match.group(3)), UTC))
    return int(match.group(1)), match.group(2), occurrence  # type: ignore[return-value]


async def record(
    db: Database,
    meeting_id: int,
    *,
    user_id: str,
    user_name: str | None,
    status: AttendanceStatus,
    now: datetime,
    occurrence: str = "",
) -> str:
    """Store (or change) one person's answer; returns the French confirmation.
    ``occurrence``: the original start of one occurrence of a series ("" otherwise)."""
    if status not in ATTENDANCE_STATUSES:
        raise CalendarError(t("calendar.meeting.unknown", id=meeting_id))
    meeting = await repo.require_meeting(db, meeting_id)
    start, end, cancelled = meeting.start, meeting.end, meeting.status != "scheduled"
    if occurrence and meeting.rrule:
        from bot.calendar.occurrences import get_occurrence

        found = await get_occurrence(db, meeting, occurrence)
        if found is None:
            raise CalendarError(t("calendar.attendance.closed", title=esc(meeting.title)))
        start, end, cancelled = found.start, found.end, cancelled or found.cancelled
    elif not meeting.rrule:
        occurrence = ""
    if cancelled or end <= now:
        raise CalendarError(t("calendar.attendance.closed", title=esc(meeting.title)))
    await db.execute(
        "INSERT INTO cal_attendance(meeting_id, occurrence, user_id, user_name, status,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(meeting_id, occurrence, user_id)"
        " DO UPDATE SET status = excluded.status, user_name = excluded.user_name,"
        " updated_at = excluded.updated_at",
        (meeting_id, occurrence, user_id, user_name, status, to_iso(now)),
    )
    return t(
        "calendar.attendance.recorded",
        status=t(f"calendar.attendance.{status}"),
        title=esc(meeting.title),
        when=discord_ts(start, "F"),
    )


def _who(name: str | None, user_id: str) -> str:
    """A person as staff read them: their name, else a mention (the tally pings nobody)."""
    if name:
        return esc(name)
    return f"<@{user_id}>" if user_id.isdigit() else esc(user_id)


@dataclass
class Tally:
    meeting: Meeting
    answers: dict[str, list[str]] = field(default_factory=dict)  # status -> names (markdown)
    no_answer: list[str] = field(default_factory=list)
    # Delegations nobody was named for: their silent members cannot be listed (Relais does
    # not ask Discord for the members of a role: that needs the privileged members intent).
    unnamed: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"**{t('calendar.tally.title', title=esc(self.meeting.title))}**"]
        for status in ATTENDANCE_STATUSES:
            names = self.answers.get(status, [])
            lines.append(
                t(
                    "calendar.tally.line",
                    status=t(f"calendar.attendance.{status}"),
                    count=len(names),
                    names=", ".join(names) or t("calendar.tally.none"),
                )
            )
        lines.append(
            t(
                "calendar.tally.no_answer",
                count=len(self.no_answer),
                names=", ".join(self.no_answer) or t("calendar.tally.none"),
            )
        )
        if self.unnamed:
            lines.append(t("calendar.tally.no_members", names=", ".join(self.unnamed)))
        return "\n".join(lines)


async def tally(db: Database, meeting_id: int, occurrence: str = "") -> Tally:
    meeting = await repo.require_meeting(db, meeting_id)
    rows = await db.fetchall(
        "SELECT user_id, user_name, status FROM cal_attendance WHERE meeting_id = ?"
        " AND occurrence = ? ORDER BY updated_at",
        (meeting_id, occurrence if meeting.rrule else ""),
    )
    result = Tally(meeting)
    answered = set()
    for row in rows:
        answered.add(row["user_id"])
        result.answers.setdefault(row["status"], []).append(_who(row["user_name"], row["user_id"]))
    seen = set()
    for delegation_id in meeting.delegation_ids:
        delegation = await repo.get_delegation(db, delegation_id)
        if delegation is None:
            continue
        if not delegation.members:
            result.unnamed.append(esc(delegation.name))
        for member in delegation.members:
            if member.user_id in answered or member.user_id in seen:
                continue
            seen.add(member.user_id)
            result.no_answer.append(_who(member.display_name, member.user_id))
    return result
