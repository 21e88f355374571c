"""Attendance answers from the reminder buttons, and the tally staff read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.calendar import repository as repo
from bot.calendar.model import ATTENDANCE_STATUSES, AttendanceStatus, CalendarError, Meeting
from bot.calendar.posts import esc
from bot.messages import t
from bot.store.db import Database
from bot.timeutil import discord_ts, to_iso

_CUSTOM_ID = re.compile(r"^cal:att:(\d+):(present|absent|uncertain)$")


def parse_attendance_id(custom_id: str) -> tuple[int, AttendanceStatus] | None:
    match = _CUSTOM_ID.match(custom_id)
    if not match:
        return None
    return int(match.group(1)), match.group(2)  # type: ignore[return-value]


async def record(
    db: Database,
    meeting_id: int,
    *,
    user_id: str,
    user_name: str | None,
    status: AttendanceStatus,
    now: datetime,
) -> str:
    """Store (or change) one person's answer; returns the French confirmation."""
    if status not in ATTENDANCE_STATUSES:
        raise CalendarError(t("calendar.meeting.unknown", id=meeting_id))
    meeting = await repo.require_meeting(db, meeting_id)
    if meeting.status != "scheduled" or meeting.end <= now:
        raise CalendarError(t("calendar.attendance.closed", title=esc(meeting.title)))
    await db.execute(
        "INSERT INTO cal_attendance(meeting_id, user_id, user_name, status, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(meeting_id, user_id) DO UPDATE SET"
        " status = excluded.status, user_name = excluded.user_name,"
        " updated_at = excluded.updated_at",
        (meeting_id, user_id, user_name, status, to_iso(now)),
    )
    return t(
        "calendar.attendance.recorded",
        status=t(f"calendar.attendance.{status}"),
        title=esc(meeting.title),
        when=discord_ts(meeting.start, "F"),
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


async def tally(db: Database, meeting_id: int) -> Tally:
    meeting = await repo.require_meeting(db, meeting_id)
    rows = await db.fetchall(
        "SELECT user_id, user_name, status FROM cal_attendance WHERE meeting_id = ?"
        " ORDER BY updated_at",
        (meeting_id,),
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
