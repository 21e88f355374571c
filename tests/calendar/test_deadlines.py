"""Deadlines: an edit moves their reminders and is announced, a cancellation too; a reminder
overdue at start is sent late before the due time and skipped after it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.calendar import actions
from bot.calendar import repository as repo
from bot.calendar.model import CalendarError
from bot.calendar.reminders import send_due
from bot.models import Post
from bot.settings import Settings
from bot.store.db import Database
from bot.timeutil import MONTREAL, from_iso

from .conftest import DEADLINE_OFFSETS, NOW, count, snapshot


async def consultation(db: Database, *, delegation: bool = True) -> tuple[int, int | None]:
    gt = await repo.create_delegation(db, "GT PSOC", "Délégation GT", "psoc", now=NOW)
    due = NOW + timedelta(days=30)
    created = await repo.create_deadline(
        db,
        repo.DeadlineDraft("Dépôt de l’avis", due, delegation_id=gt.id if delegation else None),
        now=NOW,
        offsets=DEADLINE_OFFSETS,
    )
    return created.id, gt.id


async def rows(db: Database, table: str) -> list[dict[str, object]]:
    return [dict(r) for r in await db.fetchall(f"SELECT * FROM {table} ORDER BY id")]


async def posts(db: Database, kind: str) -> list[Post]:
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = ? ORDER BY id", (kind,))
    return [Post.from_json(r["payload"]) for r in rows]


async def test_moving_a_deadline_moves_its_reminders_and_tells_the_delegation(
    db: Database, settings: Settings
) -> None:
    deadline_id, _ = await consultation(db)
    before = {r["due_at"] for r in await db.fetchall("SELECT due_at FROM cal_reminders")}
    assert len(before) == 4
    new_due = NOW + timedelta(days=40)
    outcome = await actions.edit_deadline(db, settings, deadline_id, now=NOW, due=new_due)
    pending = await db.fetchall(
        "SELECT offset_spec, due_at FROM cal_reminders WHERE status = 'pending' ORDER BY due_at"
    )
    assert [r["offset_spec"] for r in pending] == ["J-14", "J-7", "J-1", "J0 08:00"]
    assert {r["due_at"] for r in pending}.isdisjoint(before)
    morning = from_iso(pending[-1]["due_at"]).astimezone(MONTREAL)
    assert (morning.date(), morning.hour) == (new_due.astimezone(MONTREAL).date(), 8)
    assert outcome.item.sequence == 1 and outcome.reminders == 4
    [post] = await posts(db, "calendar-change")
    assert (post.channel, post.ping_roles) == ("psoc", ["Délégation GT"])
    assert "Dépôt de l’avis" in post.content and "modifiée" in post.content

    # A title change alone keeps the reminders where they are, and is announced again.
    await actions.edit_deadline(db, settings, deadline_id, now=NOW, title="Dépôt de l’avis final")
    assert {r["due_at"] for r in await db.fetchall(
        "SELECT due_at FROM cal_reminders WHERE status = 'pending'"
    )} == {r["due_at"] for r in pending}  # fmt: skip
    assert len(await posts(db, "calendar-change")) == 2


async def test_cancelling_a_deadline_skips_its_reminders_and_tells_once(
    db: Database, settings: Settings
) -> None:
    deadline_id, _ = await consultation(db)
    await actions.cancel_deadline(db, settings, deadline_id, now=NOW)
    assert await count(db, "cal_reminders", "status = 'pending'") == 0
    assert await count(db, "cal_reminders", "status = 'skipped' AND reason = 'cancelled'") == 4
    [post] = await posts(db, "calendar-change")
    assert (post.channel, post.ping_roles) == ("psoc", ["Délégation GT"])
    assert post.content.startswith("Annulation") and "Dépôt de l’avis" in post.content
    state = await snapshot(db)
    for call in (
        actions.cancel_deadline(db, settings, deadline_id, now=NOW),
        actions.edit_deadline(db, settings, deadline_id, now=NOW, title="Autre"),
        actions.edit_deadline(db, settings, 999, now=NOW, title="Autre"),
    ):
        with pytest.raises(CalendarError):
            await call
        assert await snapshot(db) == state
    # Nothing is sent for it afterwards, even when its reminders would have been due.
    report = await send_due(db, now=NOW + timedelta(days=29, hours=12), at_start=True)
    assert report.sent == 0 and await count(db, "outbox", "kind = 'reminder'") == 0


async def test_a_deadline_for_everyone_is_announced_without_pinging(
    db: Database, settings: Settings
) -> None:
    deadline_id, _ = await consultation(db, delegation=False)
    await actions.edit_deadline(db, settings, deadline_id, now=NOW, due=NOW + timedelta(days=35))
    [post] = await posts(db, "calendar-change")
    assert (post.channel, post.ping_roles, post.ping_everyone) == ("general", [], False)


async def test_deadline_reminder_overdue_at_start_is_late_before_the_due_time(
    db: Database,
) -> None:
    await consultation(db)
    # Down over J-14 and J-7: one late post (the J-7 one), J-1 and the morning still ahead.
    report = await send_due(db, now=NOW + timedelta(days=24), at_start=True)
    assert (report.sent, report.late, report.skipped) == (1, 1, 1)
    [post] = await posts(db, "reminder")
    assert post.channel == "psoc" and post.ping_roles == ["Délégation GT"]
    assert "en retard" in post.content and "Dépôt de l’avis" in post.content
    assert await count(db, "cal_reminders", "status = 'pending'") == 2


async def test_deadline_reminder_overdue_after_the_due_time_is_skipped(db: Database) -> None:
    await consultation(db)
    report = await send_due(db, now=NOW + timedelta(days=30, minutes=1), at_start=True)
    assert (report.sent, report.skipped) == (0, 4)
    assert await count(db, "outbox") == 0
    reasons = {r["reason"] for r in await db.fetchall("SELECT reason FROM cal_reminders")}
    assert reasons == {"deadline already passed", "superseded by a later reminder"}


async def test_an_edit_writes_every_field_it_changes_and_refuses_before_writing(
    db: Database, settings: Settings
) -> None:
    """Meetings and deadlines share one write path: each field an edit names is stored (and
    read back the same), its reminders stay when their time does not move, and a refusal
    leaves the row as it was."""
    deadline_id, _ = await consultation(db)
    other = await repo.create_delegation(db, "Comité de liaison", "Liaison", "liaison", now=NOW)
    reminders = await rows(db, "cal_reminders")
    period = NOW + timedelta(days=20)
    outcome = await actions.edit_deadline(
        db, settings, deadline_id, now=NOW, delegation_id=other.id, period_start=period,
        notes="  Voir le gabarit.  ", reminder_offsets=None,
    )  # fmt: skip
    stored = await repo.require_deadline(db, deadline_id)
    assert (stored.delegation_id, stored.period_start, stored.notes) == (
        other.id, period, "Voir le gabarit.",
    )  # fmt: skip
    # What the edit announced is what was stored (the write time aside).
    assert replace(outcome.item, updated_at=None) == replace(stored, updated_at=None)
    assert stored.sequence == 1
    assert await rows(db, "cal_reminders") == reminders  # the due time did not move
    [post] = await posts(db, "calendar-change")
    assert (post.channel, post.ping_roles) == ("liaison", ["Liaison"])

    row = await rows(db, "cal_deadlines")
    with pytest.raises(CalendarError):
        await actions.edit_deadline(
            db, settings, deadline_id, now=NOW, period_start=NOW + timedelta(days=60)
        )
    with pytest.raises(CalendarError):
        await actions.edit_deadline(db, settings, deadline_id, now=NOW, delegation_id=999)
    assert await rows(db, "cal_deadlines") == row
