"""Reminders: one outbox row each, never twice, late or skipped after a restart."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from bot import timers
from bot.app import App
from bot.calendar import repository as repo
from bot.calendar.offsets import Offset
from bot.calendar.reminders import send_due
from bot.models import Post
from bot.relay.publisher import ConsolePublisher
from bot.settings import RelaisConfig, Settings
from bot.store.db import Database
from bot.timeutil import from_iso, utc_now
from tests.helpers import wait_until

from .conftest import MEETING_OFFSETS, NOW, count


async def setup_meeting(db: Database, start: datetime, *, now: datetime = NOW) -> repo.Meeting:
    gt = await repo.create_delegation(
        db, "Groupe de travail PSOC", "Délégation GT", "psoc", now=now
    )
    prep = await repo.create_meeting(
        db,
        repo.MeetingDraft(
            "Préparatoire",
            start - timedelta(days=1),
            start - timedelta(days=1, hours=-1),
            (gt.id,),
            video_link="https://meet.example.org/prep",
        ),
        now=now,
        offsets=(),
    )
    return await repo.create_meeting(
        db,
        repo.MeetingDraft(
            "Première rencontre",
            start,
            start + timedelta(hours=2),
            (gt.id,),
            place="MSSS, Québec",
            video_link="https://meet.example.org/gt",
            preparatory_id=prep.id,
        ),
        now=now,
        offsets=MEETING_OFFSETS,
    )


async def outbox_posts(db: Database) -> list[tuple[str, Post]]:
    rows = await db.fetchall("SELECT dedupe_key, payload FROM outbox ORDER BY id")
    return [(r["dedupe_key"], Post.from_json(r["payload"])) for r in rows]


async def test_a_due_reminder_is_written_once_with_everything_a_delegate_needs(
    db: Database,
) -> None:
    meeting = await setup_meeting(db, NOW + timedelta(days=10))
    first_due = NOW + timedelta(days=3)  # J-7
    report = await send_due(db, now=first_due + timedelta(seconds=1))
    again = await send_due(db, now=first_due + timedelta(seconds=2))
    assert (report.sent, report.late, again.sent) == (1, 0, 0)
    posts = await outbox_posts(db)
    reminder = await db.fetchone("SELECT * FROM cal_reminders WHERE status = 'sent'")
    assert reminder is not None and reminder["offset_spec"] == "J-7"
    assert [key for key, _ in posts] == [f"reminder:{reminder['id']}"]
    post = posts[0][1]
    assert post.channel == "psoc" and post.ping_roles == ["Délégation GT"]
    assert "Première rencontre" in post.content and "retard" not in post.content
    fields = {f.name: f.value for f in post.embeds[0].fields}
    assert fields["Lieu"] == "MSSS, Québec"
    assert fields["Lien de la rencontre"] == "https://meet.example.org/gt"
    assert "Préparatoire" in fields["Rencontre préparatoire"]
    assert "https://meet.example.org/prep" in fields["Rencontre préparatoire"]
    assert [b.custom_id for b in post.buttons] == [
        f"cal:att:{meeting.id}:present",
        f"cal:att:{meeting.id}:absent",
        f"cal:att:{meeting.id}:uncertain",
    ]
    assert [b.label for b in post.buttons] == ["Présent·e", "Absent·e", "Incertain·e"]


async def test_overdue_at_start_is_sent_late_or_skipped_if_the_event_started(db: Database) -> None:
    await setup_meeting(db, NOW + timedelta(days=10))
    # Relais was down from before J-7 until one hour before the meeting: J-7, J-1 and H-2
    # are overdue for an event that has not started. One late post, the H-2 one, says it.
    restart = NOW + timedelta(days=10) - timedelta(hours=1)
    report = await send_due(db, now=restart, at_start=True)
    assert (report.sent, report.late, report.skipped) == (1, 1, 2)
    [(_, post)] = await outbox_posts(db)
    assert "en retard" in post.content
    rows = await db.fetchall("SELECT offset_spec, status, late, reason FROM cal_reminders")
    assert sorted((r["offset_spec"], r["status"], r["late"], r["reason"]) for r in rows) == [
        ("H-2", "sent", 1, None),
        ("J-1", "skipped", 0, "superseded by a later reminder"),
        ("J-7", "skipped", 0, "superseded by a later reminder"),
    ]


async def test_overdue_at_start_but_only_one_offset_is_sent_late(db: Database) -> None:
    await setup_meeting(db, NOW + timedelta(days=10))
    # Down over J-7 only: J-7 goes out late at start, J-1 and H-2 stay pending.
    report = await send_due(db, now=NOW + timedelta(days=4), at_start=True)
    assert (report.sent, report.late, report.skipped) == (1, 1, 0)
    assert await count(db, "cal_reminders", "status = 'pending'") == 2


async def test_overdue_after_the_event_started_is_skipped_and_not_posted(db: Database) -> None:
    await setup_meeting(db, NOW + timedelta(days=10))
    restart = NOW + timedelta(days=10, minutes=5)
    report = await send_due(db, now=restart, at_start=True)
    assert (report.sent, report.skipped) == (0, 3)
    assert await count(db, "outbox") == 0
    reasons = {r["reason"] for r in await db.fetchall("SELECT reason FROM cal_reminders")}
    assert reasons == {"event already started", "superseded by a later reminder"}


async def test_one_post_per_channel_when_delegations_differ(db: Database) -> None:
    a = await repo.create_delegation(db, "Comité A", "Rôle A", "salon-a", now=NOW)
    b = await repo.create_delegation(db, "Comité B", "Rôle B", "salon-b", now=NOW)
    c = await repo.create_delegation(db, "Comité C", "Rôle C", "salon-a", now=NOW)
    start = NOW + timedelta(days=2)
    await repo.create_meeting(
        db,
        repo.MeetingDraft("Conjointe", start, start + timedelta(hours=1), (a.id, b.id, c.id)),
        now=NOW,
        offsets=MEETING_OFFSETS,
    )
    await send_due(db, now=start - timedelta(days=1))
    posts = await outbox_posts(db)
    assert sorted((p.channel, tuple(p.ping_roles)) for _, p in posts) == [
        ("salon-a", ("Rôle A", "Rôle C")),
        ("salon-b", ("Rôle B",)),
    ]
    assert len({key for key, _ in posts}) == 2


async def test_a_failed_transaction_leaves_the_reminder_pending(
    db: Database, monkeypatch: object
) -> None:
    await setup_meeting(db, NOW + timedelta(days=10))
    import bot.calendar.reminders as reminders

    async def broken(*args: object, **kwargs: object) -> list[int | None]:
        raise RuntimeError("disk full")

    original = reminders.enqueue_rows
    reminders.enqueue_rows = broken
    try:
        try:
            await send_due(db, now=NOW + timedelta(days=3, seconds=1))
        except RuntimeError:
            pass
    finally:
        reminders.enqueue_rows = original
    assert await count(db, "cal_reminders", "status = 'pending'") == 3
    report = await send_due(db, now=NOW + timedelta(days=3, seconds=2))
    assert report.sent == 1 and await count(db, "outbox") == 1


def make_settings(tmp_settings: Settings) -> Settings:
    config = RelaisConfig.model_validate({"reminders": {"meetings": ["M-1"]}})
    return tmp_settings.model_copy(update={"config": config})


async def test_service_schedules_new_rows_and_sends_on_time_once(
    db: Database, settings: Settings
) -> None:
    async with running(db, settings) as app:
        gt = await repo.create_delegation(db, "GT", "Délégation GT", "psoc", now=utc_now())
        start = (utc_now() + timedelta(seconds=61)).replace(microsecond=0)  # M-1: due in ~1 s
        meeting = await repo.create_meeting(
            db,
            repo.MeetingDraft("Rencontre éclair", start, start + timedelta(hours=1), (gt.id,)),
            now=utc_now(),
            offsets=((await _m1()),),
        )
        await wait_until(lambda: _sent(db))
        await app.clock.wait_idle()  # a second firing would have written by now
        assert await count(db, "outbox", "kind = 'reminder'") == 1
        row = await db.fetchone("SELECT * FROM cal_reminders WHERE event_id = ?", (meeting.id,))
        assert row is not None and row["status"] == "sent" and row["late"] == 0
        assert from_iso(row["due_at"]) == start - timedelta(minutes=1)
        (timer,) = await db.fetchall("SELECT * FROM timers WHERE key = ?", (str(row["id"]),))
        assert timer["kind"] == "calendar.reminder" and timer["status"] == "done"


async def _m1() -> Offset:
    from bot.calendar.offsets import parse_offset

    return parse_offset("M-1")


async def _sent(db: Database) -> bool:
    return await count(db, "cal_reminders", "status = 'sent'") == 1


@contextlib.asynccontextmanager
async def running(db: Database, settings: Settings) -> AsyncIterator[App]:
    """A calendar service on a running clock, stopped at the end."""
    app = App(make_settings(settings), db, ConsolePublisher(stream=io.StringIO()))
    await app.calendar.start()
    app.clock.start()
    try:
        yield app
    finally:
        await app.calendar.stop()
        await app.clock.stop()


async def sent_on_time(db: Database) -> None:
    """The one reminder due soon goes out, not marked late."""
    await wait_until(lambda: _sent(db))
    row = await db.fetchone("SELECT late FROM cal_reminders WHERE status = 'sent'")
    assert row is not None and row["late"] == 0


async def test_every_pending_row_has_its_timer(db: Database, settings: Settings) -> None:
    """The clock serves pending reminders from its own table, kept by triggers: each pending
    row has one pending timer at its due time, and a sent or deleted row has none pending."""
    meeting = await setup_meeting(db, utc_now() + timedelta(days=10), now=utc_now())
    rows = await db.fetchall("SELECT id, due_at FROM cal_reminders WHERE status = 'pending'")
    pending = await timers.pending(db, "calendar.reminder")
    assert len(rows) == 3
    assert {(t.key, t.due) for t in pending} == {
        (str(r["id"]), from_iso(r["due_at"])) for r in rows
    }
    await repo.cancel_meeting(db, meeting.id, now=utc_now())
    assert await timers.pending(db, "calendar.reminder") == []


async def test_editing_a_meeting_moves_its_timers(db: Database, settings: Settings) -> None:
    meeting = await setup_meeting(db, utc_now() + timedelta(days=10), now=utc_now())
    new_start = (meeting.start + timedelta(days=5)).replace(microsecond=0)
    await repo.update_meeting(
        db, meeting.id, now=utc_now(), offsets=MEETING_OFFSETS,
        start=new_start, end=new_start + timedelta(hours=2),
    )  # fmt: skip
    pending = await timers.pending(db, "calendar.reminder")
    rows = await db.fetchall("SELECT id FROM cal_reminders WHERE status = 'pending'")
    assert len(pending) == 3 and pending[-1].due == new_start - timedelta(hours=2)
    assert {t.key for t in pending} == {str(r["id"]) for r in rows}


async def test_a_row_moved_earlier_wakes_the_sleeping_clock(
    db: Database, settings: Settings
) -> None:
    """The clock sleeps until its earliest row (days away): a meeting moved to a minute from
    now must be reminded on time, not at the old time."""
    gt = await repo.create_delegation(db, "GT", "Délégation GT", "psoc", now=utc_now())
    m1 = await _m1()
    far = utc_now() + timedelta(days=3)
    meeting = await repo.create_meeting(
        db,
        repo.MeetingDraft("Plus tard", far, far + timedelta(hours=1), (gt.id,)),
        now=utc_now(),
        offsets=(m1,),
    )
    async with running(db, settings) as app:
        await app.clock.wait_idle()
        assert await count(db, "cal_reminders", "status = 'sent'") == 0
        soon = (utc_now() + timedelta(seconds=62)).replace(microsecond=0)
        await repo.update_meeting(
            db, meeting.id, now=utc_now(), offsets=(m1,), start=soon, end=soon + timedelta(hours=1)
        )
        await sent_on_time(db)


async def test_many_rows_at_start_and_one_due_soon_goes_out_on_time(
    db: Database, settings: Settings
) -> None:
    gt = await repo.create_delegation(db, "GT", "Délégation GT", "psoc", now=utc_now())
    m1 = await _m1()
    for day in range(1, 70):
        start = utc_now() + timedelta(days=day)
        await repo.create_meeting(
            db,
            repo.MeetingDraft(f"Rencontre {day}", start, start + timedelta(hours=1), (gt.id,)),
            now=utc_now(),
            offsets=(m1,),
        )
    soon = (utc_now() + timedelta(seconds=62)).replace(microsecond=0)
    await repo.create_meeting(
        db,
        repo.MeetingDraft("Bientôt", soon, soon + timedelta(hours=1), (gt.id,)),
        now=utc_now(),
        offsets=(m1,),
    )
    async with running(db, settings):
        assert len(await timers.pending(db, "calendar.reminder")) == 70
        await sent_on_time(db)
