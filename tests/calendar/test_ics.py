"""ICS export: parsed back with icalendar, as Outlook or Google Calendar would read it."""

from __future__ import annotations

from datetime import timedelta

import icalendar

from bot.calendar import actions
from bot.calendar import repository as repo
from bot.calendar.dateinput import parse_datetime
from bot.settings import Settings
from bot.store.db import Database

from .conftest import DEADLINE_OFFSETS, MEETING_OFFSETS, NOW


async def fill(db: Database) -> tuple[int, int]:
    gt = await repo.create_delegation(db, "Groupe de travail PSOC", "GT", "psoc", now=NOW)
    start = parse_datetime("14 septembre 9 h 30", now=NOW)
    meeting = await repo.create_meeting(
        db,
        repo.MeetingDraft(
            "Première rencontre",
            start,
            start + timedelta(hours=2, minutes=30),
            (gt.id,),
            place="MSSS, Québec",
            video_link="https://meet.example.org/gt",
            notes="Mandat",
        ),
        now=NOW,
        offsets=MEETING_OFFSETS,
    )
    deadline = await repo.create_deadline(
        db,
        repo.DeadlineDraft(
            "Dépôt de l’avis",
            parse_datetime("15 octobre 2027 17 h", now=NOW),
            period_start=parse_datetime("15 septembre 2027 0 h", now=NOW),
        ),
        now=NOW,
        offsets=DEADLINE_OFFSETS,
    )
    return meeting.id, deadline.id


async def test_export_round_trip(db: Database, settings: Settings) -> None:
    meeting_id, deadline_id = await fill(db)
    data, total = await actions.export_ics(db, settings, now=NOW)
    assert total == 2
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {
        f"meeting-{meeting_id}@relais.ctroc",
        f"deadline-{deadline_id}@relais.ctroc",
    }
    meeting = events[f"meeting-{meeting_id}@relais.ctroc"]
    start = meeting.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Montreal"
    assert (start.month, start.day, start.hour, start.minute) == (9, 14, 9, 30)
    assert meeting["DTSTART"].params["TZID"] == "America/Montreal"
    assert str(meeting["SUMMARY"]) == "Première rencontre"
    assert "MSSS, Québec" in str(meeting["LOCATION"])
    triggers = sorted(a.decoded("TRIGGER") for a in meeting.walk("VALARM"))
    assert triggers == [timedelta(days=-7), timedelta(days=-1), timedelta(hours=-2)]
    deadline = events[f"deadline-{deadline_id}@relais.ctroc"]
    assert deadline.decoded("DTEND").hour == 17
    assert len(deadline.walk("VALARM")) == 4
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/Montreal"]
    # Outlook needs the zone's rules in the file: both its standard and daylight parts.
    [zone] = cal.walk("VTIMEZONE")
    assert zone.walk("STANDARD") and zone.walk("DAYLIGHT")
    offsets = {part.decoded("TZOFFSETTO") for part in zone.walk("DAYLIGHT")}
    assert offsets == {timedelta(hours=-4)}
    for event in events.values():  # no floating times: each one names the zone
        assert event["DTSTART"].params["TZID"] == event["DTEND"].params["TZID"]
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\nEND:VCALENDAR" in data


async def test_uids_are_stable_and_sequence_follows_edits(db: Database, settings: Settings) -> None:
    meeting_id, deadline_id = await fill(db)
    first, _ = await actions.export_ics(db, settings, now=NOW)
    later = parse_datetime("14 septembre 13 h", now=NOW)
    await actions.edit_meeting(
        db, settings, meeting_id, now=NOW, start=later, end=later + timedelta(hours=1)
    )
    second, _ = await actions.export_ics(db, settings, now=NOW)
    await actions.cancel_meeting(db, settings, meeting_id, now=NOW)
    third, _ = await actions.export_ics(db, settings, now=NOW)

    def meeting_of(data: bytes) -> icalendar.cal.Component:
        return next(
            e
            for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
            if str(e["UID"]).startswith("meeting-")
        )

    a, b, c = meeting_of(first), meeting_of(second), meeting_of(third)
    await actions.cancel_deadline(db, settings, deadline_id, now=NOW)
    fourth, total = await actions.export_ics(db, settings, now=NOW)
    deadline = next(
        e
        for e in icalendar.Calendar.from_ical(fourth).walk("VEVENT")
        if str(e["UID"]) == f"deadline-{deadline_id}@relais.ctroc"
    )
    assert str(deadline["STATUS"]) == "CANCELLED" and total == 2
    assert str(a["UID"]) == str(b["UID"]) == str(c["UID"])
    assert [x.decoded("SEQUENCE") for x in (a, b, c)] == [0, 1, 2]
    assert str(c["STATUS"]) == "CANCELLED" and not c.walk("VALARM")
