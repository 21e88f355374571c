"""iCalendar (RFC 5545) of meetings and deadlines: files for staff, feeds for subscriptions.

What calendar clients (Outlook, Google Agenda, Apple Calendrier, Thunderbird) rely on:
- UIDs are stable (``meeting-<id>@<domain>``): a refresh updates instead of duplicating;
- SEQUENCE follows each edit, and LAST-MODIFIED / DTSTAMP the row's own ``updated_at`` (not
  the time of the request), so that the same calendar gives the same bytes and ETag;
- a cancelled meeting or deadline stays in the feed as ``STATUS:CANCELLED`` (clients remove it);
- a series is ONE event with RRULE; a cancelled occurrence is an EXDATE, a moved one an
  event with the same UID and a RECURRENCE-ID;
- times carry TZID with a VTIMEZONE whose rules are RRULEs (valid every year, no comment);
- each reminder offset becomes a VALARM.

Written by hand rather than through icalendar's object model: a feed of a few thousand
events is serialised in milliseconds (the tests parse the output back with icalendar).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.calendar.model import Deadline, Delegation, Meeting
from bot.calendar.offsets import Offset, ReminderOffsets, offsets_from_text
from bot.calendar.recurrence import Exception_, Recurrence
from bot.messages import t
from bot.timeutil import MONTREAL

UID_DOMAIN = "relais.ctroc"
PRODID = "-//CTROC//Relais//FR"
DEADLINE_LENGTH = timedelta(minutes=30)

# The rules Québec has followed since 2007 (second Sunday of March, first Sunday of November).
_EASTERN = (
    "BEGIN:VTIMEZONE",
    "TZID:{tzid}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:-0500",
    "TZOFFSETTO:-0400",
    "TZNAME:HAE",
    "DTSTART:20070311T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:-0400",
    "TZOFFSETTO:-0500",
    "TZNAME:HNE",
    "DTSTART:20071104T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
_EASTERN_ZONES = {"America/Montreal", "America/Toronto", "America/New_York", "EST5EDT"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def meeting_uid(meeting_id: int) -> str:
    return f"meeting-{meeting_id}@{UID_DOMAIN}"


def deadline_uid(deadline_id: int) -> str:
    return f"deadline-{deadline_id}@{UID_DOMAIN}"


# --- serialisation ---------------------------------------------------------------------------


def escape_text(value: str) -> str:
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF + space, never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with a space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y%m%dT%H%M%S")


def _duration(delta: timedelta) -> str:
    """RFC 5545 duration, negative: before the event (« -P7D », « -PT2H », « -P1DT9H30M »)."""
    sign = "-" if delta < timedelta(0) else ""
    seconds = int(abs(delta).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    if hours or minutes or seconds or not days:
        text += "T"
        if hours:
            text += f"{hours}H"
        if minutes:
            text += f"{minutes}M"
        if seconds or not (hours or minutes):
            text += f"{seconds}S"
    return text


def vtimezone(tz: ZoneInfo) -> list[str]:
    if tz.key in _EASTERN_ZONES:
        return [line.format(tzid=tz.key) for line in _EASTERN]
    import icalendar  # other zones: icalendar's generated rules, its English comment dropped

    cal = icalendar.Calendar()
    event = icalendar.Event()
    event.add("dtstart", datetime(2026, 1, 1, 12, tzinfo=tz))
    cal.add_component(event)
    cal.add_missing_timezones(first_date=date(2024, 1, 1), last_date=date(2036, 1, 1))
    lines = []
    for zone in cal.walk("VTIMEZONE"):
        zone.pop("COMMENT", None)
        lines.extend(zone.to_ical().decode("utf-8").split("\r\n"))
    return [line for line in lines if line]


class _Writer:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.lines: list[str] = []

    def add(self, name: str, value: str) -> None:
        self.lines.append(fold(f"{name}:{value}"))

    def text(self, name: str, value: str | None) -> None:
        if value:
            self.add(name, escape_text(value))

    def when(self, name: str, moment: datetime) -> None:
        self.add(f"{name};TZID={self.tz.key}", _local(moment, self.tz))

    def status(
        self, cancelled: bool, at: datetime, offsets: Iterable[Offset], text: str
    ) -> None:
        """STATUS, and the alarms of what still takes place (a cancelled event rings no more)."""
        self.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
        if not cancelled:
            self.alarms(at, offsets, text)

    def alarms(self, at: datetime, offsets: Iterable[Offset], text: str) -> None:
        for offset in offsets:
            before = at - offset.due(at, self.tz)
            if before <= timedelta(0):
                continue
            self.lines += ["BEGIN:VALARM", "ACTION:DISPLAY"]
            self.text("DESCRIPTION", text)
            self.add("TRIGGER", _duration(-before))
            self.lines.append("END:VALARM")


# --- what goes in ----------------------------------------------------------------------------


def _description(*parts: str | None) -> str:
    return "\n\n".join(p for p in parts if p)


def _meeting_body(
    w: _Writer,
    meeting: Meeting,
    delegations: Mapping[int, Delegation],
    *,
    start: datetime,
    end: datetime,
    stamp: datetime,
    sequence: int,
) -> None:
    w.add("UID", meeting_uid(meeting.id))
    w.add("DTSTAMP", _utc(stamp))
    w.add("LAST-MODIFIED", _utc(stamp))
    w.add("SEQUENCE", str(sequence))
    w.text("SUMMARY", meeting.title)
    w.when("DTSTART", start)
    w.when("DTEND", end)
    w.text("LOCATION", ", ".join(p for p in (meeting.place, meeting.video_link) if p))
    if meeting.video_link and re.match(r"^https?://\S+$", meeting.video_link):
        w.add("URL", meeting.video_link)
    names = [delegations[i].name for i in meeting.delegation_ids if i in delegations]
    w.text(
        "DESCRIPTION",
        _description(
            f"{t('calendar.field.delegations')} : {', '.join(names)}" if names else None,
            meeting.notes,
        ),
    )


def write_calendar(
    meetings: Sequence[Meeting],
    deadlines: Sequence[Deadline],
    *,
    delegations: Mapping[int, Delegation],
    defaults: ReminderOffsets,
    exceptions: Mapping[int, Mapping[str, Exception_]] | None = None,
    name: str | None = None,
    stamp: datetime,
    tz: ZoneInfo = MONTREAL,
) -> bytes:
    """The VCALENDAR of ``meetings`` (series with their exceptions) and ``deadlines``.
    ``stamp``: used where a row has no ``updated_at`` (kept stable for the same data)."""
    exceptions = exceptions or {}
    w = _Writer(tz)
    w.lines += ["BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN"]
    w.lines.append("METHOD:PUBLISH")
    w.text("X-WR-CALNAME", name or t("calendar.ics.name"))
    w.add("X-WR-TIMEZONE", tz.key)
    w.lines += vtimezone(tz)
    for meeting in meetings:
        own = offsets_from_text(meeting.reminder_offsets, defaults.meetings)
        updated = meeting.updated_at or stamp
        w.lines.append("BEGIN:VEVENT")
        _meeting_body(
            w, meeting, delegations, start=meeting.start, end=meeting.end, stamp=updated,
            sequence=meeting.sequence,
        )  # fmt: skip
        changes = exceptions.get(meeting.id, {})
        if meeting.rrule:
            rule = Recurrence.from_rule(meeting.rrule)
            start_time = meeting.start.astimezone(tz).time().replace(tzinfo=None)
            w.add("RRULE", rule.to_ics(start_time=start_time, tz=tz))
            # A moved occurrence is excluded from the rule too only when cancelled: its
            # RECURRENCE-ID event below replaces it.
            cancelled = sorted(k for k, c in changes.items() if c.status == "cancelled")
            if cancelled:
                values = ",".join(_local(changes[k].original, tz) for k in cancelled)
                w.add(f"EXDATE;TZID={tz.key}", values)
        w.status(meeting.status == "cancelled", meeting.start, own, meeting.title)
        w.lines.append("END:VEVENT")
        if not meeting.rrule:
            continue
        for key in sorted(changes):
            change = changes[key]
            if change.status != "moved" or change.start is None:
                continue
            w.lines.append("BEGIN:VEVENT")
            _meeting_body(
                w, meeting, delegations, start=change.start,
                end=change.end or change.start + (meeting.end - meeting.start),
                stamp=updated, sequence=meeting.sequence,
            )  # fmt: skip
            w.add(f"RECURRENCE-ID;TZID={tz.key}", _local(change.original, tz))
            w.status(meeting.status == "cancelled", change.start, own, meeting.title)
            w.lines.append("END:VEVENT")
    for deadline in deadlines:
        title = t("calendar.ics.deadline_prefix") + deadline.title
        updated = deadline.updated_at or stamp
        w.lines.append("BEGIN:VEVENT")
        w.add("UID", deadline_uid(deadline.id))
        w.add("DTSTAMP", _utc(updated))
        w.add("LAST-MODIFIED", _utc(updated))
        w.add("SEQUENCE", str(deadline.sequence))
        w.text("SUMMARY", title)
        # A short slot ending at the due time: calendars show it where the work must be done.
        w.when("DTSTART", deadline.due - DEADLINE_LENGTH)
        w.when("DTEND", deadline.due)
        who = delegations.get(deadline.delegation_id) if deadline.delegation_id else None
        w.text(
            "DESCRIPTION",
            _description(
                f"{t('calendar.field.delegations')} : "
                + (who.name if who else t("calendar.list.everyone")),
                deadline.notes,
            ),
        )
        w.add("TRANSP", "TRANSPARENT")
        own = offsets_from_text(deadline.reminder_offsets, defaults.deadlines)
        w.status(deadline.status == "cancelled", deadline.due, own, title)
        w.lines.append("END:VEVENT")
    w.lines.append("END:VCALENDAR")
    return ("\r\n".join(w.lines) + "\r\n").encode("utf-8")


__all__ = [
    "deadline_uid",
    "escape_text",
    "fold",
    "meeting_uid",
    "write_calendar",
]
