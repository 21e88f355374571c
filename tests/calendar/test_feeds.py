"""Calendar feeds: content of the public and delegation feeds, series in ICS, tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from bot.calendar import repository as repo
from bot.calendar import subscriptions as subs
from bot.calendar.ics import escape_text, fold, write_calendar
from bot.calendar.occurrences import cancel_occurrence, move_occurrence, occurrences_between
from bot.calendar.offsets import ReminderOffsets, parse_offset
from bot.calendar.recurrence import parse_recurrence, series_start
from bot.store.db import Database
from bot.timeutil import MONTREAL

from .conftest import DEADLINE_OFFSETS, MEETING_OFFSETS, NOW

DEFAULTS = ReminderOffsets(MEETING_OFFSETS, DEADLINE_OFFSETS)


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 30) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=MONTREAL).astimezone(UTC)


async def series(db: Database, delegation_ids: tuple[int, ...], text: str = "le 3e mardi du mois"):
    rule = parse_recurrence(text, first_day=local(2027, 1, 1).date(), now=NOW).rule
    start = series_start(local(2027, 1, 1), rule)
    return await repo.create_meeting(
        db,
        repo.MeetingDraft("Comité de liaison", start, start + timedelta(hours=2), delegation_ids,
                          place="MSSS; salle 3, Québec", rrule=rule.to_rule(),
                          reminder_offsets="J-2, H-1"),
        now=NOW,
        offsets=MEETING_OFFSETS,
    )  # fmt: skip


async def test_series_in_ics_with_a_moved_and_a_cancelled_occurrence(db: Database) -> None:
    liaison = await repo.create_delegation(db, "Comité de liaison", "CL", "liaison", now=NOW)
    meeting = await series(db, (liaison.id,))
    feb, mar = local(2027, 2, 16), local(2027, 3, 16)
    await move_occurrence(
        db, meeting, feb, start=local(2027, 2, 18, 13, 0), end=local(2027, 2, 18, 15, 0), now=NOW
    )
    await cancel_occurrence(db, meeting, mar, now=NOW)
    body = await subs.feed_body(db, liaison.id, defaults=DEFAULTS, now=NOW)
    cal = icalendar.Calendar.from_ical(body)
    events = cal.walk("VEVENT")
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    override = next(e for e in events if "RECURRENCE-ID" in e)
    assert str(master["UID"]) == str(override["UID"]) == f"meeting-{meeting.id}@relais.ctroc"
    assert master["RRULE"]["BYDAY"] == ["3TU"] and master["RRULE"]["FREQ"] == ["MONTHLY"]
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [datetime(2027, 3, 16, 9, 30, tzinfo=MONTREAL)]
    assert override.decoded("RECURRENCE-ID") == datetime(2027, 2, 16, 9, 30, tzinfo=MONTREAL)
    assert override.decoded("DTSTART") == datetime(2027, 2, 18, 13, 0, tzinfo=MONTREAL)
    assert master.decoded("SEQUENCE") == 2 == override.decoded("SEQUENCE")
    assert str(master["LOCATION"]) == "MSSS; salle 3, Québec"
    # VALARMs from the meeting's own lead times, not the defaults.
    triggers = sorted(a.decoded("TRIGGER") for a in master.walk("VALARM"))
    assert triggers == [timedelta(days=-2), timedelta(hours=-1)]
    [zone] = cal.walk("VTIMEZONE")
    assert "COMMENT" not in zone and zone.walk("STANDARD") and zone.walk("DAYLIGHT")
    assert b"This timezone" not in body and b"\r\n" in body
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


async def test_public_feed_holds_nothing_of_a_private_delegation(db: Database) -> None:
    secret = await repo.create_delegation(db, "Comité secret", "CS", "secret", now=NOW)
    await db.execute(
        "UPDATE cal_delegations SET public = 1 WHERE id = ?",
        ((await repo.create_delegation(db, "Table publique", "TP", "pub", now=NOW)).id,),
    )
    public = await repo.find_delegation(db, "Table publique")
    assert public is not None and public.public
    start = local(2027, 2, 1)
    for title, ids in (
        ("Rencontre secrète", (secret.id,)),
        ("Rencontre mixte", (secret.id, public.id)),
        ("Rencontre publique", (public.id,)),
        ("Assemblée", ()),
    ):
        await repo.create_meeting(db, repo.MeetingDraft(title, start, start + timedelta(hours=1), ids),
                                  now=NOW, offsets=MEETING_OFFSETS)  # fmt: skip
    await repo.create_deadline(db, repo.DeadlineDraft("Avis secret", start, delegation_id=secret.id),
                               now=NOW, offsets=DEADLINE_OFFSETS)  # fmt: skip
    await repo.create_deadline(db, repo.DeadlineDraft("Avis de tous", start), now=NOW,
                               offsets=DEADLINE_OFFSETS)  # fmt: skip
    body = await subs.feed_body(db, None, defaults=DEFAULTS, now=NOW)
    summaries = sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))
    assert summaries == ["Assemblée", "Rencontre publique", "Échéance : Avis de tous"]
    assert b"secret" not in body.lower()
    private = await subs.feed_body(db, secret.id, defaults=DEFAULTS, now=NOW)
    summaries = sorted(
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(private).walk("VEVENT")
    )
    assert summaries == ["Rencontre mixte", "Rencontre secrète", "Échéance : Avis secret"]


async def test_tokens_issued_revoked_reissued_and_expired(db: Database) -> None:
    first = await subs.ensure_token(db, None, now=NOW)
    assert await subs.ensure_token(db, None, now=NOW) == first
    assert await subs.lookup(db, first.token, now=NOW) == first
    second = await subs.issue_token(db, None, now=NOW, valid_days=30)
    assert await subs.lookup(db, first.token, now=NOW) is None  # re-issued: the old one dies
    assert (await subs.lookup(db, second.token, now=NOW)) is not None
    assert await subs.lookup(db, second.token, now=NOW + timedelta(days=31)) is None  # expired
    assert await subs.revoke(db, None, now=NOW) == 1
    assert await subs.lookup(db, second.token, now=NOW) is None
    assert await subs.lookup(db, "x" * 500, now=NOW) is None
    assert len(first.token) >= 32 and first.token != second.token


async def test_occurrences_between_lists_series_and_single_meetings(db: Database) -> None:
    meeting = await series(db, (), "chaque semaine, 4 fois")
    start = local(2027, 1, 20)
    await repo.create_meeting(db, repo.MeetingDraft("Unique", start, start + timedelta(hours=1)),
                              now=NOW, offsets=MEETING_OFFSETS)  # fmt: skip
    listed = await occurrences_between(db, start=NOW, end=NOW + timedelta(days=400))
    titles = [(i.meeting.title, i.occurrence.start.astimezone(MONTREAL).day) for i in listed]
    assert titles == [("Comité de liaison", 1), ("Comité de liaison", 8), ("Comité de liaison", 15),
                      ("Unique", 20), ("Comité de liaison", 22)]  # fmt: skip
    assert listed[0].meeting.id == meeting.id


def test_text_escaping_and_folding() -> None:
    assert escape_text("a,b;c\\d\ne\x07") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 80
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_calendar_with_hostile_text_parses() -> None:
    body = write_calendar([], [], delegations={}, defaults=DEFAULTS, stamp=NOW,
                          name="Nom\r\nBEGIN:VEVENT")  # fmt: skip
    cal = icalendar.Calendar.from_ical(body)
    assert not cal.walk("VEVENT") and b"\r\nBEGIN:VEVENT" not in body
    assert parse_offset("J-1")
