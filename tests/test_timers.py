"""The durable clock on a real SQLite file: what runs, when, once, and what a failure leaves."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

import aiosqlite

from bot import timers
from bot.models import Post
from bot.store import outbox
from bot.store.db import Database
from bot.timers import Clock, Firing, Timer
from bot.timeutil import utc_now
from tests.helpers import wait_until


class Recorder:
    """A handler that posts one outbox row per timer, in the clock's transaction."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.seen: list[tuple[str, bool, bool]] = []
        self.fail = fail or set()

    async def __call__(
        self, conn: aiosqlite.Connection, due: Sequence[Timer], firing: Firing
    ) -> list[int]:
        ids = []
        for timer in due:
            row = await outbox.enqueue(
                conn, Post(channel="general", content=timer.key), kind="test",
                dedupe_key=f"test:{timer.key}",
            )
            if timer.key in self.fail:
                raise RuntimeError("disk full")  # after writing: the rollback must undo it
            self.seen.append((timer.key, timer.late, firing.at_start))
            ids.append(row or 0)
        return ids


async def count(db: Database, sql: str) -> int:
    row = await db.fetchone(f"SELECT COUNT(*) AS n FROM {sql}")
    return int(row["n"]) if row else 0


async def test_a_row_due_while_stopped_runs_once_marked_late(db: Database) -> None:
    async with db.transaction() as conn:
        await timers.schedule(conn, "test", "a", utc_now() - timedelta(hours=1), {"x": 1})
    clock, handler = Clock(db), Recorder()
    clock.register("test", handler)
    clock.start()
    try:
        await wait_until(lambda: bool(handler.seen))
        await clock.wait_idle()
    finally:
        await clock.stop()
    assert handler.seen == [("a", True, True)]
    row = await db.fetchone("SELECT status, late FROM timers WHERE key = 'a'")
    assert row is not None and (row["status"], row["late"]) == ("done", 1)
    assert await count(db, "outbox WHERE kind = 'test'") == 1


async def test_a_row_moved_earlier_wakes_the_clock(db: Database) -> None:
    async with db.transaction() as conn:
        await timers.schedule(conn, "test", "b", utc_now() + timedelta(days=2))
    clock, handler = Clock(db), Recorder()
    clock.register("test", handler)
    clock.start()
    try:
        await clock.wait_idle()  # asleep until the day after tomorrow
        assert handler.seen == []
        async with db.transaction() as conn:
            await timers.schedule(conn, "test", "b", utc_now() + timedelta(seconds=1))
        await wait_until(lambda: bool(handler.seen))
    finally:
        await clock.stop()
    assert handler.seen == [("b", False, False)]


async def test_a_cancelled_row_never_runs(db: Database) -> None:
    async with db.transaction() as conn:
        await timers.schedule(conn, "test", "c", utc_now() + timedelta(seconds=1))
        assert await timers.cancel(conn, "test", "c")
        assert not await timers.cancel(conn, "test", "c")
    clock, handler = Clock(db), Recorder()
    clock.register("test", handler)
    assert await clock.run_due(utc_now() + timedelta(seconds=5)) == 0
    assert handler.seen == [] and await timers.pending(db) == []


async def test_a_failing_row_is_rolled_back_and_retried_without_holding_the_others(
    db: Database,
) -> None:
    now = utc_now()
    async with db.transaction() as conn:
        for key in ("ok-1", "bad", "ok-2"):
            await timers.schedule(conn, "test", key, now - timedelta(seconds=1))
    handler = Recorder(fail={"bad"})
    clock = Clock(db)
    clock.register("test", handler)
    assert await clock.run_due(now) == 2
    rows = await db.fetchall("SELECT dedupe_key FROM outbox WHERE kind = 'test' ORDER BY id")
    assert [r["dedupe_key"] for r in rows] == ["test:ok-1", "test:ok-2"]  # once each
    # The failed row wrote nothing (its outbox row was rolled back) and waits for a retry.
    assert await count(db, "outbox WHERE dedupe_key = 'test:bad'") == 0
    [left] = await timers.pending(db, "test")
    assert left.key == "bad" and left.attempts == 1 and left.due > now
    handler.fail.clear()
    assert await clock.run_due(left.due) == 1
    assert await count(db, "outbox WHERE kind = 'test'") == 3
    assert await timers.pending(db) == []


async def test_unregistered_kinds_are_left_alone_and_stop_is_prompt(db: Database) -> None:
    async with db.transaction() as conn:
        await timers.schedule(conn, "someone-else", "d", utc_now() - timedelta(seconds=1))
    clock = Clock(db)
    clock.register("test", Recorder())
    clock.start()
    await clock.wait_idle()
    await asyncio.wait_for(clock.stop(), 5)
    assert [t.key for t in await timers.pending(db)] == ["d"]
