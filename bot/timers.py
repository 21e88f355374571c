"""One durable clock: every row due at a time (reminders, scheduled announcements, retries…).

A row of the ``timers`` table names a *kind* (its handler) and a *key* (the feature's id).
One dispatcher task serves them all: it sleeps until the earliest pending row, wakes when a
write transaction commits (a row inserted or moved earlier is then seen at once), and runs each
due row's handler INSIDE a write transaction that also marks the row done. Whatever a handler
enqueues in that transaction (outbox rows) commits with the mark, or neither does: a row is
marked done only once it ran, and never runs twice.

    clock = Clock(db)
    clock.register("calendar.dm", handle_dm)           # async (conn, timers, firing) -> ids
    async with db.transaction() as conn:
        await timers.schedule(conn, "calendar.dm", "42:J-1", due_at, {"user": "123"})
        await timers.cancel(conn, "calendar.dm", "41:J-1")
    await clock.start()

Rows due while Relais was stopped are served at the first pass after start, flagged
``late`` (``Timer.late``; the handler says so to readers, as reminders do). A handler that
raises is retried with a growing back-off (environment failures are never dropped); the other
rows of its batch are then run one by one so one bad row never holds back the others.
Tables that already hold a due time (cal_reminders, announcements, feed_state) keep their
timers through triggers (migrations 0008, 0019), so no writer of those tables can forget the clock.

Network work (a feed poll) cannot run inside the clock's write transaction: such a kind is
registered with ``register_work``. The clock *claims* each due row (moves it to now + lease in
a short transaction, commits), then runs the work outside any transaction, in a task it holds;
the work reschedules its own row (or, left as claimed, the row is marked done). A crash in the
middle leaves the lease, which expires: the row runs again. One key never runs twice at once,
and at most ``concurrency`` rows of a kind run together.

    clock.register_work("feeds.poll", poll, lease=timedelta(minutes=10), concurrency=32)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.store.db import Database
from bot.timeutil import from_iso, to_iso, utc_now, wait_event

log = logging.getLogger(__name__)

# A row fired this long after its time is late even while running (the machine slept, the
# loop was blocked); at start every row already due is late.
LATE_AFTER = timedelta(minutes=5)
BATCH = 250
# The longest sleep: rows written by another process and wall-clock jumps are seen within it.
# One indexed query every few minutes, not polling.
MAX_SLEEP = 300.0
RETRY_FIRST = 5.0
RETRY_MAX = 3600.0


@dataclass(frozen=True)
class Timer:
    id: int
    kind: str
    key: str
    due: datetime
    payload: dict[str, Any]
    attempts: int
    late: bool = False

    @classmethod
    def from_row(cls, row: Any, *, late: bool = False) -> Timer:
        return cls(
            id=row["id"],
            kind=row["kind"],
            key=row["key"],
            due=from_iso(row["due_at"]),
            payload=json.loads(row["payload"] or "{}"),
            attempts=row["attempts"],
            late=late,
        )


@dataclass(frozen=True)
class Firing:
    """What a handler knows about the pass that runs it."""

    now: datetime
    at_start: bool  # the first pass of this kind since start: due rows come from downtime


# Runs inside the clock's write transaction; returns the outbox ids it enqueued (the outbox
# worker is woken after the commit), or None.
Handler = Callable[[aiosqlite.Connection, Sequence[Timer], Firing], Awaitable[Sequence[int] | None]]
# Runs OUTSIDE any transaction, on a row the clock claimed (network work); it reschedules its
# own row with ``timers.schedule`` (or a trigger does), else the row is marked done.
Work = Callable[[Timer, Firing], Awaitable[None]]


@dataclass
class _Kind:
    handler: Handler | None
    batch: int
    late_after: timedelta
    first_pass: bool = True
    on_commit: list[Callable[[list[int]], None]] = field(default_factory=list)
    work: Work | None = None
    lease: timedelta = timedelta(minutes=10)
    concurrency: int = 1


@dataclass
class _Claim:
    """A row of a work kind being worked on: its task, and the lease the clock gave it."""

    timer: Timer
    lease_due: datetime
    task: asyncio.Task[None] | None = None


async def schedule(
    conn: aiosqlite.Connection,
    kind: str,
    key: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Insert or move the timer (kind, key), inside the caller's transaction (pending again
    if it had run: scheduling is "run at this time", whatever happened before)."""
    await conn.execute(
        "INSERT INTO timers(kind, key, due_at, payload) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(kind, key) DO UPDATE SET due_at = excluded.due_at,"
        " payload = excluded.payload, status = 'pending', late = 0, attempts = 0,"
        " last_error = NULL, done_at = NULL",
        (kind, key, to_iso(due_at), json.dumps(payload or {}, ensure_ascii=False)),
    )


async def cancel(conn: aiosqlite.Connection, kind: str, key: str) -> bool:
    """Remove the timer (kind, key) if it is still pending; True when there was one."""
    cursor = await conn.execute(
        "DELETE FROM timers WHERE kind = ? AND key = ? AND status = 'pending'", (kind, key)
    )
    return cursor.rowcount > 0


async def pending(db: Database, kind: str | None = None) -> list[Timer]:
    """Pending timers (of one kind), earliest first: for tests, `relais check` and the like."""
    where, params = ("AND kind = ?", (kind,)) if kind else ("", ())
    rows = await db.fetchall(
        f"SELECT * FROM timers WHERE status = 'pending' {where} ORDER BY due_at, id", params
    )
    return [Timer.from_row(row) for row in rows]


@contextlib.contextmanager
def _logged(message: str) -> Iterator[None]:
    """A write after the work that fails (the database gone at stop) is logged, not raised
    from a task nobody awaits: the lease then runs out and the row runs again."""
    try:
        yield
    except Exception:
        log.exception(message)


def _backoff(attempts: int) -> float:
    return min(RETRY_MAX, RETRY_FIRST * 2 ** max(0, attempts - 1))


class Clock:
    """The dispatcher: one task, one sleep until the earliest row of a registered kind."""

    def __init__(self, db: Database, *, now: Callable[[], datetime] = utc_now) -> None:
        self.db = db
        self.now = now
        self._kinds: dict[str, _Kind] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._stopping = False
        # Called with the outbox ids of each committed batch (the outbox worker's wake).
        self.on_enqueued: list[Callable[[list[int]], None]] = []
        # Rows of work kinds being worked on, by (kind, key): the tasks are held here.
        self._claims: dict[tuple[str, str], _Claim] = {}

    # -- registration ---------------------------------------------------------------------

    def register(
        self,
        kind: str,
        handler: Handler,
        *,
        batch: int = BATCH,
        late_after: timedelta = LATE_AFTER,
    ) -> None:
        """Serve ``kind`` with ``handler`` (a second registration replaces the first)."""
        self._kinds[kind] = _Kind(handler, batch, late_after)
        self.wake()

    def register_work(
        self,
        kind: str,
        work: Work,
        *,
        lease: timedelta,
        concurrency: int = 8,
        late_after: timedelta = LATE_AFTER,
    ) -> None:
        """Serve ``kind`` by claiming its due rows and running ``work`` outside the clock's
        transaction, at most ``concurrency`` at once. ``lease``: how long a claimed row is
        left alone (longer than the work takes; a crash means it runs again after it)."""
        self._kinds[kind] = _Kind(
            None, BATCH, late_after, work=work, lease=lease, concurrency=concurrency
        )
        self.wake()

    def unregister(self, kind: str) -> None:
        self._kinds.pop(kind, None)

    def working(self, kind: str | None = None) -> int:
        """How many claimed rows (of one kind) are being worked on now."""
        return sum(1 for k, _ in self._claims if kind is None or k == kind)

    def on_commit(self, kind: str, callback: Callable[[list[int]], None]) -> None:
        """Hear the outbox ids of each committed batch of ``kind`` (benchmarks, metrics)."""
        self._kinds[kind].on_commit.append(callback)

    # -- life cycle -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.running:
            return
        self._stopping = False
        self.db.after_commit.append(self.wake)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="clock")

    async def stop(self) -> None:
        """Stop after the pass in progress (a pass writes in short transactions)."""
        with contextlib.suppress(ValueError):
            self.db.after_commit.remove(self.wake)
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await self.cancel_work()

    async def cancel_work(self, kind: str | None = None) -> None:
        """Stop the work in progress (of one kind) and hand its rows back as they were before
        the claim, so that the next start runs them at once rather than after the lease."""
        claims = [(k, c) for k, c in self._claims.items() if kind is None or k[0] == kind]
        tasks = [c.task for _, c in claims if c.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if not claims:
            return
        async with self.db.transaction() as conn:
            for (claim_kind, key), claim in claims:
                await conn.execute(
                    "UPDATE timers SET due_at = ? WHERE kind = ? AND key = ?"
                    " AND status = 'pending' AND due_at = ?",
                    (to_iso(claim.timer.due), claim_kind, key, to_iso(claim.lease_due)),
                )
                self._claims.pop((claim_kind, key), None)

    def wake(self) -> None:
        """Re-read the earliest row now (called after every commit of the database)."""
        self._wake.set()
        self._idle.clear()

    async def wait_idle(self, timeout: float = 30.0) -> None:
        """Until the dispatcher sleeps with nothing due and no claimed row is being worked on
        (tests: instead of sleeping)."""
        async with asyncio.timeout(timeout):
            while True:
                await self._idle.wait()
                if not self._wake.is_set():
                    return
                await asyncio.sleep(0)

    # -- the dispatcher -------------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                await self._pass(self.now())
                # The pass's own commits woke us: whatever they or others wrote until now is
                # in the query below, and a commit from here on sets the event again.
                self._wake.clear()
                next_due = await self.next_due()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                self._wake.clear()
                failures += 1
                log.exception("clock: pass failed; retrying")
                next_due = self.now() + timedelta(seconds=_backoff(failures))
            if next_due is None:
                delay = MAX_SLEEP
            else:
                # A hair past the second: due_at has whole seconds, an early wake-up would
                # find nothing due and sleep again for nothing.
                delay = min(MAX_SLEEP, max(0.0, (next_due - self.now()).total_seconds()) + 0.002)
            if self._stopping:
                break
            if delay > 0.01 and not self._wake.is_set() and not self._claims:
                self._idle.set()
            await wait_event(self._wake, delay)

    async def next_due(self) -> datetime | None:
        """The due time of the earliest pending row the clock can serve (a work kind whose
        slots are all taken waits for one to end: its end wakes the clock)."""
        kinds = [
            kind
            for kind, spec in self._kinds.items()
            if spec.work is None or self.working(kind) < spec.concurrency
        ]
        if not kinds:
            return None
        marks = ",".join("?" * len(kinds))
        row = await self.db.fetchone(
            f"SELECT MIN(due_at) AS due FROM timers WHERE status = 'pending' AND kind IN ({marks})",
            kinds,
        )
        return from_iso(row["due"]) if row and row["due"] else None

    async def run_due(self, now: datetime | None = None) -> int:
        """Run every row due at ``now`` (``relais demo`` and tests call it directly), the
        work it claims included; returns how many rows were marked done or claimed."""
        done = await self._pass(now or self.now())
        tasks = [c.task for c in self._claims.values() if c.task is not None]
        await asyncio.gather(*tasks, return_exceptions=True)
        return done

    async def _pass(self, now: datetime) -> int:
        done = 0
        for kind in list(self._kinds):
            spec = self._kinds.get(kind)
            if spec is None:
                continue
            if spec.work is not None:
                done += await self._claim(kind, spec, Firing(now=now, at_start=spec.first_pass))
            else:
                done += await self._run_kind(kind, spec, now)
            spec.first_pass = False
        return done

    async def _run_kind(self, kind: str, spec: _Kind, now: datetime) -> int:
        firing = Firing(now=now, at_start=spec.first_pass)
        done = 0
        while True:
            try:
                count, full = await self._batch(kind, spec, firing, limit=spec.batch)
            except Exception:
                log.exception("clock: a batch of %s failed; running its rows one by one", kind)
                count, full = await self._one_by_one(kind, spec, firing, limit=spec.batch)
            done += count
            if not full:
                return done

    async def _select(
        self,
        conn: aiosqlite.Connection,
        kind: str,
        now: datetime,
        limit: int,
        *,
        keys: Iterable[str] = (),
        among: bool = False,
    ) -> list[Any]:
        """Due rows of ``kind``; with ``keys``: only those keys (``among``) or all but them."""
        wanted = list(keys)
        where = ""
        if wanted or among:
            where = f" AND key {'IN' if among else 'NOT IN'} ({','.join('?' * len(wanted))})"
        # One trip (execute_fetchall): a cursor open across awaits would hold the shared
        # reader's snapshot for every read queued meanwhile (see Database.fetchone).
        rows = await conn.execute_fetchall(
            f"SELECT * FROM timers WHERE status = 'pending' AND kind = ? AND due_at <= ?{where}"
            " ORDER BY due_at, id LIMIT ?",
            (kind, to_iso(now), *wanted, limit),
        )
        return list(rows)

    # -- work kinds: claim, then run outside the transaction ------------------------------

    async def _claim(self, kind: str, spec: _Kind, firing: Firing) -> int:
        """Lease the due rows of a work kind (as many as free slots) and start their work.

        A row still being worked on when it falls due again (its lease ran out, or a writer
        moved it to now) gets its lease renewed instead: one key never runs twice at once."""
        busy = [key for claim_kind, key in self._claims if claim_kind == kind]
        free = max(spec.concurrency - len(busy), 0)

        async def due(conn: aiosqlite.Connection) -> tuple[list[Any], list[Any]]:
            fresh = await self._select(conn, kind, firing.now, free, keys=busy)
            renew = (
                await self._select(conn, kind, firing.now, len(busy), keys=busy, among=True)
                if busy
                else []
            )
            return fresh, renew

        # A read first: an empty write transaction would commit, and every commit wakes us.
        if not any(await due(self.db.reader)):
            return 0
        lease_due = (firing.now + spec.lease).replace(microsecond=0)
        started: list[_Claim] = []
        async with self.db.transaction() as conn:
            # Read again inside: a writer may have moved or removed a row since.
            fresh, renew = await due(conn)
            for row in renew:
                claim = self._claims.get((kind, row["key"]))
                if claim is not None:
                    await self._lease(conn, row["id"], lease_due)
                    claim.lease_due = lease_due
            for timer in self._timers(fresh, spec, firing):
                await self._lease(conn, timer.id, lease_due)
                claim = _Claim(timer, lease_due)
                self._claims[(kind, timer.key)] = claim
                started.append(claim)
        loop = asyncio.get_running_loop()
        for claim in started:
            claim.task = loop.create_task(
                self._work(kind, spec, claim, firing), name=f"clock-{kind}-{claim.timer.key}"
            )
        return len(started)

    @staticmethod
    async def _lease(conn: aiosqlite.Connection, timer_id: int, until: datetime) -> None:
        await conn.execute(
            "UPDATE timers SET due_at = ? WHERE id = ? AND status = 'pending'",
            (to_iso(until), timer_id),
        )

    async def _work(self, kind: str, spec: _Kind, claim: _Claim, firing: Firing) -> None:
        timer = claim.timer
        assert spec.work is not None
        try:
            await spec.work(timer, firing)
        except asyncio.CancelledError:
            raise  # stop(): cancel_work hands the row back
        except Exception as err:
            log.exception("clock: %s %s failed (attempt %d)", kind, timer.key, timer.attempts + 1)
            with _logged(f"clock: could not back off {kind} {timer.key}; its lease stands"):
                await self._retry_later(timer, err, self.now(), leased=claim.lease_due)
        else:
            # Left as claimed (the work did not move it): done.
            with _logged(f"clock: could not mark {kind} {timer.key} done; its lease stands"):
                async with self.db.transaction() as conn:
                    await conn.execute(
                        "UPDATE timers SET status = 'done', done_at = ?, late = ?"
                        " WHERE kind = ? AND key = ? AND status = 'pending' AND due_at = ?",
                        (
                            to_iso(self.now()),
                            int(timer.late),
                            kind,
                            timer.key,
                            to_iso(claim.lease_due),
                        ),
                    )
        finally:
            if self._claims.get((kind, timer.key)) is claim:
                del self._claims[(kind, timer.key)]
            self.wake()  # a slot is free, and the row may be due again

    def _timers(self, rows: Iterable[Any], spec: _Kind, firing: Firing) -> list[Timer]:
        return [
            Timer.from_row(
                row,
                late=firing.at_start or firing.now - from_iso(row["due_at"]) > spec.late_after,
            )
            for row in rows
        ]

    async def _fire(
        self, conn: aiosqlite.Connection, spec: _Kind, due: list[Timer], firing: Firing
    ) -> list[int]:
        assert spec.handler is not None  # work kinds are claimed, never fired in a transaction
        produced = list(await spec.handler(conn, due, firing) or ())
        # Only if the handler did not move it (a handler may reschedule its own row). One
        # statement for the batch: a round trip to SQLite's thread per row was most of a burst.
        done_at = to_iso(firing.now)
        await conn.executemany(
            "UPDATE timers SET status = 'done', done_at = ?, late = ?"
            " WHERE id = ? AND status = 'pending' AND due_at = ?",
            [(done_at, int(timer.late), timer.id, to_iso(timer.due)) for timer in due],
        )
        return produced

    async def _batch(
        self, kind: str, spec: _Kind, firing: Firing, *, limit: int
    ) -> tuple[int, bool]:
        # A read first: an empty write transaction would commit, and every commit wakes us.
        if not await self._select(self.db.reader, kind, firing.now, 1):
            return 0, False
        async with self.db.transaction() as conn:
            rows = await self._select(conn, kind, firing.now, limit)
            if not rows:
                return 0, False
            due = self._timers(rows, spec, firing)
            produced = await self._fire(conn, spec, due, firing)
        self._committed(spec, produced)
        return len(rows), len(rows) == limit

    async def _one_by_one(
        self, kind: str, spec: _Kind, firing: Firing, *, limit: int
    ) -> tuple[int, bool]:
        rows = await self._select(self.db.reader, kind, firing.now, limit)
        done = 0
        for row in rows:
            timer = self._timers([row], spec, firing)[0]
            try:
                async with self.db.transaction() as conn:
                    produced = await self._fire(conn, spec, [timer], firing)
            except Exception as err:
                log.exception(
                    "clock: %s %s failed (attempt %d)", kind, timer.key, timer.attempts + 1
                )
                await self._retry_later(timer, err, firing.now)
                continue
            self._committed(spec, produced)
            done += 1
        # Rows put off for a retry are no longer due: the next batch holds only new ones.
        return done, len(rows) == limit

    async def _retry_later(
        self, timer: Timer, err: Exception, now: datetime, *, leased: datetime | None = None
    ) -> None:
        """Back off ``timer`` (a claimed row only if it is still at its lease: work that
        rescheduled itself before failing keeps its own time)."""
        attempts = timer.attempts + 1
        at = now + timedelta(seconds=_backoff(attempts))
        still = " AND due_at = ?" if leased is not None else ""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE timers SET attempts = ?, last_error = ?, due_at = ?"
                f" WHERE kind = ? AND key = ? AND status = 'pending'{still}",
                (
                    attempts,
                    f"{type(err).__name__}: {err}"[:500],
                    to_iso(at),
                    timer.kind,
                    timer.key,
                    *([to_iso(leased)] if leased is not None else []),
                ),
            )

    def _committed(self, spec: _Kind, produced: list[int]) -> None:
        if not produced:
            return
        for callback in [*spec.on_commit, *self.on_enqueued]:
            try:
                callback(produced)
            except Exception:
                log.exception("clock: commit listener failed")
