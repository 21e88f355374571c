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


# --- work kinds: claimed in a transaction, run outside it ------------------------------------


class Worker:
    """Work that runs outside the clock's transaction; blocks until released when asked."""

    def __init__(self, db: Database, *, hold: bool = False, reschedule: bool = False) -> None:
        self.db = db
        self.running: set[str] = set()
        self.most = 0
        self.runs: list[str] = []
        self.fail: set[str] = set()
        self.release = asyncio.Event()
        if not hold:
            self.release.set()
        self.reschedule = reschedule

    async def __call__(self, timer: Timer, firing: Firing) -> None:
        assert timer.key not in self.running, "one key never runs twice at once"
        self.running.add(timer.key)
        self.most = max(self.most, len(self.running))
        try:
            # Outside the clock's transaction: the work opens its own (inside it, this waits
            # for ever on the write lock).
            async with self.db.transaction():
                pass
            await self.release.wait()
            self.runs.append(timer.key)
            if timer.key in self.fail:
                raise RuntimeError("réseau coupé")
            if self.reschedule:
                async with self.db.transaction() as conn:
                    await timers.schedule(conn, "poll", timer.key, firing.now + timedelta(hours=1))
        finally:
            self.running.discard(timer.key)


async def status(db: Database, key: str) -> tuple[str, str, int]:
    row = await db.fetchone("SELECT status, due_at, attempts FROM timers WHERE key = ?", (key,))
    assert row is not None
    return row["status"], row["due_at"], row["attempts"]


async def test_work_is_claimed_then_run_outside_and_reschedules_itself(db: Database) -> None:
    now = utc_now().replace(microsecond=0)
    async with db.transaction() as conn:
        for key in ("a", "b"):
            await timers.schedule(conn, "poll", key, now - timedelta(seconds=1))
    clock, work = Clock(db), Worker(db, reschedule=True)
    clock.register_work("poll", work, lease=timedelta(minutes=10))
    clock.start()
    try:
        await wait_until(lambda: len(work.runs) == 2)
        await clock.wait_idle()
    finally:
        await clock.stop()
    for key in ("a", "b"):
        state, due, _ = await status(db, key)
        assert state == "pending" and due > timers.to_iso(now + timedelta(minutes=50))


async def test_work_left_as_claimed_is_done_and_a_failure_backs_off(db: Database) -> None:
    now = utc_now()
    async with db.transaction() as conn:
        await timers.schedule(conn, "poll", "ok", now - timedelta(seconds=1))
        await timers.schedule(conn, "poll", "bad", now - timedelta(seconds=1))
    clock, work = Clock(db), Worker(db)
    work.fail = {"bad"}
    clock.register_work("poll", work, lease=timedelta(minutes=10))
    assert await clock.run_due(now) == 2
    assert (await status(db, "ok"))[0] == "done"
    state, due, attempts = await status(db, "bad")
    assert state == "pending" and attempts == 1
    assert due < timers.to_iso(now + timedelta(minutes=1))  # the back-off, not the lease


async def test_work_is_bounded_and_a_busy_key_is_never_run_twice(db: Database) -> None:
    now = utc_now()
    async with db.transaction() as conn:
        for key in "abcd":
            await timers.schedule(conn, "poll", key, now - timedelta(seconds=1))
    clock, work = Clock(db), Worker(db, hold=True)
    clock.register_work("poll", work, lease=timedelta(minutes=10), concurrency=2)
    clock.start()
    try:
        await wait_until(lambda: len(work.running) == 2)
        # A writer makes a running row due now: its lease is renewed, it does not start again.
        busy = sorted(work.running)[0]
        async with db.transaction() as conn:
            await conn.execute("UPDATE timers SET due_at = ? WHERE key = ?",
                               (timers.to_iso(now - timedelta(seconds=1)), busy))
        for _ in range(200):  # the clock renews the lease of the running row
            if (await status(db, busy))[1] > timers.to_iso(now):
                break
            await asyncio.sleep(0.02)
        assert (await status(db, busy))[1] > timers.to_iso(now)
        assert clock.working("poll") == 2 and len(work.running) == 2
        work.release.set()
        await wait_until(lambda: len(work.runs) == 4)
        await clock.wait_idle()
    finally:
        await clock.stop()
    assert work.most == 2 and sorted(work.runs) == list("abcd")
    assert await count(db, "timers WHERE status = 'done'") == 4


async def test_a_crash_mid_work_runs_it_again_once_the_lease_ran_out(db: Database) -> None:
    now = utc_now().replace(microsecond=0)
    async with db.transaction() as conn:
        await timers.schedule(conn, "poll", "a", now - timedelta(seconds=1))
    crashed, hung = Clock(db), Worker(db, hold=True)
    crashed.register_work("poll", hung, lease=timedelta(minutes=10))
    crashed.start()
    await wait_until(lambda: bool(hung.running))
    _, leased, _ = await status(db, "a")
    assert leased == timers.to_iso(now + timedelta(minutes=10)) or leased > timers.to_iso(now)
    # Another process after the crash: nothing before the lease ends, then the work once.
    after, work = Clock(db), Worker(db)
    after.register_work("poll", work, lease=timedelta(minutes=10))
    assert await after.run_due(now + timedelta(minutes=5)) == 0
    assert await after.run_due(now + timedelta(minutes=11)) == 1
    assert work.runs == ["a"] and (await status(db, "a"))[0] == "done"
    hung.release.set()
    await crashed.stop()


async def test_stop_hands_the_claimed_rows_back(db: Database) -> None:
    due = utc_now().replace(microsecond=0) - timedelta(seconds=1)
    async with db.transaction() as conn:
        await timers.schedule(conn, "poll", "a", due)
    clock, work = Clock(db), Worker(db, hold=True)
    clock.register_work("poll", work, lease=timedelta(minutes=10))
    clock.start()
    await wait_until(lambda: bool(work.running))
    await asyncio.wait_for(clock.stop(), 5)
    assert not work.runs and clock.working() == 0
    assert await status(db, "a") == ("pending", timers.to_iso(due), 0)
