"""Attendance buttons and tally; scheduled-event mirroring and Discord's 100-event limit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.calendar import actions, attendance
from bot.calendar import repository as repo
from bot.calendar.mirror import EventSpec, sync_all
from bot.calendar.model import CalendarError
from bot.settings import Settings
from bot.store.db import Database

from .conftest import MEETING_OFFSETS, NOW, snapshot


class MemoryMirror:
    """The guild's scheduled events, kept in a dict (the Discord side does REST calls)."""

    def __init__(self, existing: int = 0) -> None:
        self.events: dict[str, EventSpec] = {f"other-{i}": None for i in range(existing)}  # type: ignore[misc]
        self.calls: list[str] = []

    async def count_events(self) -> int:
        return len(self.events)

    async def create_event(self, spec: EventSpec) -> str:
        event_id = f"ev{len(self.calls)}"
        self.calls.append(f"create {spec.name}")
        self.events[event_id] = spec
        return event_id

    async def update_event(self, event_id: str, spec: EventSpec) -> None:
        self.calls.append(f"update {event_id}")
        self.events[event_id] = spec

    async def delete_event(self, event_id: str) -> None:
        self.calls.append(f"delete {event_id}")
        del self.events[event_id]


def draft(gt: int, days: int = 5, title: str = "Comité de liaison") -> repo.MeetingDraft:
    start = NOW + timedelta(days=days)
    return repo.MeetingDraft(title, start, start + timedelta(hours=2), (gt,), place="Québec")


async def test_mirror_follows_create_edit_cancel(db: Database, settings: Settings) -> None:
    gt = await repo.create_delegation(db, "GT", "GT", "psoc", now=NOW)
    mirror = MemoryMirror()
    outcome = await actions.add_meeting(db, settings, draft(gt.id), now=NOW, mirror=mirror)
    assert outcome.mirror_error is None and outcome.reminders == 2  # J-7 already past
    meeting = await repo.require_meeting(db, outcome.item.id)
    assert meeting.discord_event_id == "ev0"
    assert mirror.events["ev0"].location == "Québec"
    await actions.edit_meeting(
        db, settings, meeting.id, now=NOW, title="Comité (modifié)", mirror=mirror
    )
    assert mirror.events["ev0"].name == "Comité (modifié)"
    await actions.cancel_meeting(db, settings, meeting.id, now=NOW, mirror=mirror)
    assert mirror.calls == ["create Comité de liaison", "update ev0", "delete ev0"]
    assert (await repo.require_meeting(db, meeting.id)).discord_event_id is None


async def test_hundred_events_refused_before_anything_is_written(
    db: Database, settings: Settings
) -> None:
    gt = await repo.create_delegation(db, "GT", "GT", "psoc", now=NOW)
    mirror = MemoryMirror(existing=100)
    state = await snapshot(db)
    with pytest.raises(CalendarError) as caught:
        await actions.add_meeting(db, settings, draft(gt.id), now=NOW, mirror=mirror)
    assert "limite un serveur à 100 événements" in caught.value.message
    assert "en compte déjà 100" in caught.value.message
    assert await snapshot(db) == state and mirror.calls == []


async def test_sync_all_creates_missing_until_the_limit(db: Database) -> None:
    gt = await repo.create_delegation(db, "GT", "GT", "psoc", now=NOW)
    for day in range(1, 4):
        await repo.create_meeting(db, draft(gt.id, day), now=NOW, offsets=MEETING_OFFSETS)
    mirror = MemoryMirror(existing=98)
    done = await sync_all(db, mirror, now=NOW)
    assert (done["created"], done["refused"]) == (2, 1)
    assert len(mirror.events) == 100


async def test_attendance_recorded_changed_and_tallied(db: Database) -> None:
    gt = await repo.create_delegation(db, "GT", "GT", "psoc", now=NOW)
    await repo.set_members(db, gt.id, [("1", "Marie"), ("2", "Jean")], [("3", "Louise")])
    meeting = await repo.create_meeting(db, draft(gt.id), now=NOW, offsets=())
    assert attendance.parse_attendance_id(f"cal:att:{meeting.id}:present") == (
        meeting.id,
        "present",
    )
    assert attendance.parse_attendance_id("cal:att:x:present") is None
    answer = await attendance.record(
        db, meeting.id, user_id="1", user_name="Marie", status="uncertain", now=NOW
    )
    assert answer.startswith("C’est noté : Incertain·e")
    await attendance.record(
        db, meeting.id, user_id="1", user_name="Marie", status="present", now=NOW
    )
    await attendance.record(
        db, meeting.id, user_id="9", user_name="Invité", status="absent", now=NOW
    )
    tally = await attendance.tally(db, meeting.id)
    assert tally.answers == {"present": ["Marie"], "absent": ["Invité"]}
    assert tally.no_answer == ["Jean", "Louise"]
    text = tally.text()
    assert "Présent·e (1) : Marie" in text and "Sans réponse (2) : Jean, Louise" in text
    after_end = NOW + timedelta(days=6)
    with pytest.raises(CalendarError, match="passée ou annulée"):
        await attendance.record(
            db, meeting.id, user_id="2", user_name="Jean", status="absent", now=after_end
        )


async def test_tally_says_when_nobody_is_named_for_a_delegation(db: Database) -> None:
    named = await repo.create_delegation(db, "GT", "GT", "psoc", now=NOW)
    unnamed = await repo.create_delegation(db, "Comité *liaison*", "CL", "psoc", now=NOW)
    await repo.set_members(db, named.id, [("1", "Marie")])
    meeting = await repo.create_meeting(
        db,
        repo.MeetingDraft(
            "Conjointe", NOW + timedelta(days=2), NOW + timedelta(days=2, hours=1),
            (named.id, unnamed.id),
        ),
        now=NOW,
        offsets=(),
    )  # fmt: skip
    tally = await attendance.tally(db, meeting.id)
    assert tally.no_answer == ["Marie"] and tally.unnamed == ["Comité \\*liaison\\*"]
    assert "Personne n’est nommé pour Comité \\*liaison\\*" in tally.text()
    await repo.set_members(db, unnamed.id, [("2", "Luc")])
    tally = await attendance.tally(db, meeting.id)
    assert tally.unnamed == [] and "Personne" not in tally.text()
    assert tally.no_answer == ["Marie", "Luc"]


async def test_a_series_is_mirrored_by_its_next_occurrence_with_discords_rule(
    db: Database,
) -> None:
    from bot.calendar.mirror import sync_meeting
    from bot.calendar.occurrences import cancel_occurrence
    from bot.calendar.recurrence import parse_recurrence, series_start

    rule = parse_recurrence("le 3e mardi du mois", first_day=NOW.date(), now=NOW).rule
    start = series_start(NOW + timedelta(days=1), rule)
    meeting = await repo.create_meeting(
        db,
        repo.MeetingDraft("Comité", start, start + timedelta(hours=2), rrule=rule.to_rule()),
        now=NOW,
        offsets=MEETING_OFFSETS,
    )
    mirror = MemoryMirror()
    assert await sync_meeting(db, mirror, meeting.id, now=NOW) == "created"
    [spec] = mirror.events.values()
    assert spec.start == start and spec.recurrence is not None
    assert spec.recurrence["frequency"] == 1
    assert spec.recurrence["by_n_weekday"] == [{"n": 3, "day": 1}]
    # Once the first occurrence is over, the event moves to the next one.
    later = start + timedelta(hours=3)
    assert await sync_meeting(db, mirror, meeting.id, now=later) == "updated"
    [spec] = mirror.events.values()
    assert spec.start > later
    # A cancelled occurrence cannot be said in Discord's rule: a one-off event then.
    await cancel_occurrence(db, meeting, spec.start, now=later)
    refreshed = await repo.require_meeting(db, meeting.id)
    assert await sync_meeting(db, mirror, refreshed.id, now=later) == "updated"
    [spec] = mirror.events.values()
    assert spec.recurrence is None
