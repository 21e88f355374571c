"""iCalendar export of upcoming meetings and deadlines (Outlook and Google Calendar import it).

UIDs are stable (``meeting-<id>@<domain>``) so a re-import updates instead of duplicating;
SEQUENCE follows each edit; times carry the zone with its VTIMEZONE; reminder offsets become
VALARMs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from bot.calendar.model import Deadline, Delegation, Meeting
from bot.calendar.offsets import Offset
from bot.messages import t
from bot.timeutil import MONTREAL

UID_DOMAIN = "relais.ctroc"
PRODID = "-//CTROC//Relais//FR"
DEADLINE_LENGTH = timedelta(minutes=30)


def meeting_uid(meeting_id: int) -> str:
    return f"meeting-{meeting_id}@{UID_DOMAIN}"


def deadline_uid(deadline_id: int) -> str:
    return f"deadline-{deadline_id}@{UID_DOMAIN}"


def _alarm(event_at: datetime, offset: Offset, tz: ZoneInfo, text: str) -> icalendar.Alarm | None:
    before = event_at - offset.due(event_at, tz)
    if before <= timedelta(0):
        return None
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -before)
    return alarm


def _description(*parts: str | None) -> str:
    return "\n\n".join(p for p in parts if p)


def build_ics(
    meetings: Sequence[Meeting],
    deadlines: Sequence[Deadline],
    *,
    delegations: dict[int, Delegation],
    meeting_offsets: Sequence[Offset],
    deadline_offsets: Sequence[Offset],
    now: datetime,
    tz: ZoneInfo = MONTREAL,
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", t("calendar.ics.name"))
    cal.add("x-wr-timezone", str(tz.key))
    for meeting in meetings:
        event = icalendar.Event()
        event.add("uid", meeting_uid(meeting.id))
        event.add("dtstamp", now)
        event.add("sequence", meeting.sequence)
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.start.astimezone(tz))
        event.add("dtend", meeting.end.astimezone(tz))
        location = ", ".join(p for p in (meeting.place, meeting.video_link) if p)
        if location:
            event.add("location", location)
        if meeting.video_link:
            event.add("url", meeting.video_link)
        names = [delegations[i].name for i in meeting.delegation_ids if i in delegations]
        event.add(
            "description",
            _description(
                f"{t('calendar.field.delegations')} : {', '.join(names)}" if names else None,
                meeting.notes,
            ),
        )
        if meeting.status == "cancelled":
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
            for offset in meeting_offsets:
                alarm = _alarm(meeting.start, offset, tz, meeting.title)
                if alarm is not None:
                    event.add_component(alarm)
        cal.add_component(event)
    for deadline in deadlines:
        event = icalendar.Event()
        title = t("calendar.ics.deadline_prefix") + deadline.title
        event.add("uid", deadline_uid(deadline.id))
        event.add("dtstamp", now)
        event.add("sequence", deadline.sequence)
        event.add("summary", title)
        # A short slot ending at the due time: calendars show it where the work must be done.
        event.add("dtstart", (deadline.due - DEADLINE_LENGTH).astimezone(tz))
        event.add("dtend", deadline.due.astimezone(tz))
        who = delegations.get(deadline.delegation_id) if deadline.delegation_id else None
        event.add(
            "description",
            _description(
                f"{t('calendar.field.delegations')} : "
                + (who.name if who else t("calendar.list.everyone")),
                deadline.notes,
            ),
        )
        event.add("status", "CANCELLED" if deadline.status == "cancelled" else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        if deadline.status == "scheduled":
            for offset in deadline_offsets:
                alarm = _alarm(deadline.due, offset, tz, title)
                if alarm is not None:
                    event.add_component(alarm)
        cal.add_component(event)
    today = now.astimezone(tz).date()
    cal.add_missing_timezones(
        first_date=date(today.year - 1, 1, 1), last_date=date(today.year + 3, 1, 1)
    )
    return cal.to_ical()
