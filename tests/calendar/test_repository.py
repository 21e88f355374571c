"""Meetings, deadlines and delegations in a real SQLite file; refusals change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.calendar import actions
from bot.calendar import repository as repo
from bot.calendar.dateinput import parse_datetime
from bot.calendar.model import CalendarError
from bot.models import Post
from bot.settings import Settings
from bot.store.db import Database
from bot.timeutil import MONTREAL, from_iso

from .conftest import DEADLINE_OFFSETS, MEETING_OFFSETS, NOW, count, snapshot


class Directory:
    """The guild as the Discord side would describe it."""

    def has_role(self, ref: str) -> bool:
        return ref in {"Délégation GT", "111"}

    def has_channel(self, ref: str) -> bool:
        return ref in {"psoc", "222"}


async def delegation(db: Database, name: str = "Groupe de travail PSOC") -> int:
    created = await repo.create_delegation(db, name, "Délégation GT", "psoc", now=NOW)
    return created.id


def at(text: str) -> datetime:
    return parse_datetime(text, now=NOW)


async def meeting(db: Database, delegation_id: int, start: str = "14 septembre 9 h 30") -> int:
    begin = at(start)
    created = await repo.create_meeting(
        db,
        repo.MeetingDraft("Groupe de travail", begin, begin + timedelta(hours=2), (delegation_id,)),
        now=NOW,
        offsets=MEETING_OFFSETS,
    )
    return created.id


async def test_meeting_gets_its_reminder_rows(db: Database) -> None:
    meeting_id = await meeting(db, await delegation(db))
    rows = await db.fetchall(
        "SELECT offset_spec, due_at FROM cal_reminders WHERE event_id = ? ORDER BY due_at",
        (meeting_id,),
    )
    local = [(r["offset_spec"], from_iso(r["due_at"]).astimezone(MONTREAL)) for r in rows]
    assert [(spec, d.month, d.day, d.hour, d.minute) for spec, d in local] == [
        ("J-7", 9, 7, 9, 30),
        ("J-1", 9, 13, 9, 30),
        ("H-2", 9, 14, 7, 30),
    ]


async def test_offsets_already_past_are_not_created(db: Database) -> None:
    meeting_id = await meeting(db, await delegation(db), start="demain 10 h")
    specs = {
        r["offset_spec"]
        for r in await db.fetchall(
            "SELECT offset_spec FROM cal_reminders WHERE event_id = ?", (meeting_id,)
        )
    }
    assert specs == {"H-2"}  # J-7 and J-1 (today 10 h) are already behind us


async def test_deadline_reminders_include_the_morning_of(db: Database) -> None:
    deadline = await repo.create_deadline(
        db,
        repo.DeadlineDraft("Dépôt de l’avis", at("15 octobre 2027 17 h")),
        now=NOW,
        offsets=DEADLINE_OFFSETS,
    )
    rows = await db.fetchall(
        "SELECT due_at FROM cal_reminders WHERE event_kind = 'deadline' AND event_id = ?"
        " ORDER BY due_at",
        (deadline.id,),
    )
    local = [from_iso(r["due_at"]).astimezone(MONTREAL) for r in rows]
    assert [(d.day, d.hour) for d in local] == [(1, 17), (8, 17), (14, 17), (15, 8)]


async def test_editing_the_time_moves_pending_reminders_and_announces(
    db: Database, settings: Settings
) -> None:
    meeting_id = await meeting(db, await delegation(db))
    before = await db.fetchall("SELECT id, due_at FROM cal_reminders WHERE status = 'pending'")
    new_start = at("21 septembre 2027 13 h")
    outcome = await actions.edit_meeting(
        db, settings, meeting_id, now=NOW, start=new_start, end=new_start + timedelta(hours=2)
    )
    after = await db.fetchall("SELECT due_at FROM cal_reminders WHERE status = 'pending'")
    assert len(after) == len(before) == 3
    assert {r["due_at"] for r in after}.isdisjoint({r["due_at"] for r in before})
    assert min(from_iso(r["due_at"]) for r in after) == new_start - timedelta(days=7)
    assert outcome.item.sequence == 1
    rows = await db.fetchall("SELECT kind, channel, payload FROM outbox")
    assert [(r["kind"], r["channel"]) for r in rows] == [("calendar-change", "psoc")]
    post = Post.from_json(rows[0]["payload"])
    assert post.ping_roles == ["Délégation GT"]
    assert "modifiée" in post.content


async def test_cancel_skips_reminders_and_announces_once(db: Database, settings: Settings) -> None:
    meeting_id = await meeting(db, await delegation(db))
    await actions.cancel_meeting(db, settings, meeting_id, now=NOW)
    assert await count(db, "cal_reminders", "status = 'pending'") == 0
    assert await count(db, "cal_reminders", "status = 'skipped'") == 3
    assert await count(db, "outbox", "kind = 'calendar-change'") == 1
    state = await snapshot(db)
    with pytest.raises(CalendarError, match="annulée"):
        await actions.cancel_meeting(db, settings, meeting_id, now=NOW)
    assert await snapshot(db) == state


async def test_bad_inputs_change_nothing(db: Database, settings: Settings) -> None:
    delegation_id = await delegation(db)
    meeting_id = await meeting(db, delegation_id)
    state = await snapshot(db)
    start = at("14 septembre 9 h 30")
    bad_calls = [
        # end before start
        repo.create_meeting(
            db,
            repo.MeetingDraft("X", start, start - timedelta(hours=1), (delegation_id,)),
            now=NOW,
            offsets=MEETING_OFFSETS,
        ),
        # in the past
        repo.create_meeting(
            db,
            repo.MeetingDraft("X", NOW - timedelta(days=1), NOW, (delegation_id,)),
            now=NOW,
            offsets=MEETING_OFFSETS,
        ),
        repo.create_deadline(
            db,
            repo.DeadlineDraft("X", NOW - timedelta(hours=1)),
            now=NOW,
            offsets=DEADLINE_OFFSETS,
        ),
        # unknown delegation
        repo.create_meeting(
            db,
            repo.MeetingDraft("X", start, start + timedelta(hours=1), (999,)),
            now=NOW,
            offsets=MEETING_OFFSETS,
        ),
        # unknown role or channel
        repo.create_delegation(
            db, "Comité", "Rôle fantôme", "psoc", now=NOW, directory=Directory()
        ),
        repo.create_delegation(
            db, "Comité", "111", "salon-fantome", now=NOW, directory=Directory()
        ),
        # duplicate name
        repo.create_delegation(db, "groupe de travail psoc", "111", "222", now=NOW),
        # an edit moving the end before the start
        actions.edit_meeting(db, settings, meeting_id, now=NOW, end=start - timedelta(hours=3)),
        actions.edit_meeting(db, settings, meeting_id, now=NOW),
        actions.cancel_meeting(db, settings, 999, now=NOW),
    ]
    messages = []
    for call in bad_calls:
        with pytest.raises(CalendarError) as caught:
            await call
        messages.append(caught.value.message)
        assert await snapshot(db) == state
    assert "doit venir après le début" in messages[0]
    assert "déjà passée" in messages[1] and "déjà passée" in messages[2]
    assert "introuvable" in messages[3]
    assert "Le rôle « Rôle fantôme » est introuvable" in messages[4]
    assert "Le salon « salon-fantome » est introuvable" in messages[5]
    assert "existe déjà" in messages[6]


async def test_valid_directory_accepts(db: Database) -> None:
    created = await repo.create_delegation(
        db, "Comité de liaison", "111", "222", now=NOW, directory=Directory()
    )
    members = await repo.set_members(db, created.id, [("42", "Marie")], [("43", "Luc")])
    assert [(m.user_id, m.member_role) for m in members.members] == [
        ("42", "delegate"),
        ("43", "substitute"),
    ]


async def test_listings_group_by_week(db: Database, settings: Settings) -> None:
    delegation_id = await delegation(db)
    await meeting(db, delegation_id, "24 novembre 9 h")
    await meeting(db, delegation_id, "26 novembre 9 h")
    await meeting(db, delegation_id, "2 décembre 9 h")
    await meeting(db, delegation_id, "14 septembre 9 h 30")  # beyond 30 days
    [text] = await actions.meetings_pages(db, settings, now=NOW, days=30)
    assert text.count("Semaine du") == 2
    assert "Semaine du lundi 23 novembre 2026" in text
    assert text.count("`r") == 3
    assert "<t:" in text
    other = await actions.meetings_pages(
        db, settings, now=NOW, days=400, delegation="Groupe de travail PSOC"
    )
    assert "".join(other).count("`r") == 4
    with pytest.raises(CalendarError, match="introuvable"):
        await actions.meetings_pages(db, settings, now=NOW, delegation="Inconnue")
    empty = await actions.deadlines_pages(db, settings, now=NOW)
    assert empty == ["Aucune échéance dans les 30 prochains jours."]


def test_item_references() -> None:
    assert actions.parse_ref("r12") == ("meeting", 12)
    assert actions.parse_ref(" E4 ") == ("deadline", 4)
    with pytest.raises(CalendarError, match="n’est pas un numéro"):
        actions.parse_ref("12")


async def test_a_new_meeting_can_prepare_or_debrief_another(db: Database) -> None:
    delegation_id = await delegation(db)
    main = await meeting(db, delegation_id)
    begin = at("13 septembre 13 h 30")
    draft = repo.MeetingDraft("Préparatoire", begin, begin + timedelta(hours=1), (delegation_id,))
    prep = await repo.create_meeting(db, draft, now=NOW, offsets=(), prepares=main)
    assert (await repo.require_meeting(db, main)).preparatory_id == prep.id
    state = await snapshot(db)
    with pytest.raises(CalendarError, match="introuvable"):
        await repo.create_meeting(db, draft, now=NOW, offsets=(), debriefs=999)
    assert await snapshot(db) == state
