"""Sending reminders: rows in SQLite, one APScheduler job per pending row, outbox for delivery.

A due reminder becomes ONE outbox row per channel (dedupe key ``reminder:<id>``) written in the
same transaction that marks it sent: it is posted once, even if Relais dies while sending.
Each job only triggers a sweep of everything due, so a burst of reminders falling in the same
minute is written in a few transactions instead of a thousand.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import aiosqlite
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.calendar import repository as repo
from bot.calendar.model import Delegation, Meeting, Reminder
from bot.calendar.posts import deadline_reminder_post, meeting_reminder_posts
from bot.store.db import Database
from bot.store.outbox import enqueue
from bot.timeutil import MONTREAL, from_iso, to_iso, utc_now

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 250
JOB_PREFIX = "calendar:reminder:"
PAUSE_ABOVE = 50  # jobs added at once before the scheduler is paused while adding them


@dataclass
class SweepReport:
    sent: int = 0
    late: int = 0
    skipped: int = 0
    outbox_ids: list[int] | None = None


class _Cache:
    """Records read once per sweep: a burst of reminders shares meetings and delegations."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.meetings: dict[int, Meeting | None] = {}
        self.delegations: dict[int, Delegation | None] = {}

    async def prefetch(self, meeting_ids: list[int]) -> None:
        """Read the meetings of a batch in two queries instead of two per reminder."""
        wanted = sorted({i for i in meeting_ids if i not in self.meetings})
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            marks = ",".join("?" * len(chunk))
            rows = await self.db.fetchall(
                f"SELECT * FROM cal_meetings WHERE id IN ({marks})", chunk
            )
            links: dict[int, list[int]] = {}
            for link in await self.db.fetchall(
                "SELECT meeting_id, delegation_id FROM cal_meeting_delegations"
                f" WHERE meeting_id IN ({marks}) ORDER BY rowid",
                chunk,
            ):
                links.setdefault(link["meeting_id"], []).append(link["delegation_id"])
            for row in rows:
                self.meetings[row["id"]] = Meeting.from_row(row, tuple(links.get(row["id"], ())))

    async def meeting(self, meeting_id: int | None) -> Meeting | None:
        if meeting_id is None:
            return None
        if meeting_id not in self.meetings:
            self.meetings[meeting_id] = await repo.get_meeting(self.db, meeting_id)
        return self.meetings[meeting_id]

    async def delegation(self, delegation_id: int | None) -> Delegation | None:
        if delegation_id is None:
            return None
        if delegation_id not in self.delegations:
            self.delegations[delegation_id] = await repo.get_delegation(self.db, delegation_id)
        return self.delegations[delegation_id]


async def _skip(conn: aiosqlite.Connection, reminder: Reminder, reason: str, now: datetime) -> None:
    log.warning(
        "reminder %s (%s %s, %s) skipped: %s",
        reminder.id,
        reminder.event_kind,
        reminder.event_id,
        reminder.offset,
        reason,
    )
    await conn.execute(
        "UPDATE cal_reminders SET status = 'skipped', reason = ?, done_at = ?"
        " WHERE id = ? AND status = 'pending'",
        (reason, to_iso(now), reminder.id),
    )


async def _fire_one(
    conn: aiosqlite.Connection,
    cache: _Cache,
    reminder: Reminder,
    *,
    now: datetime,
    at_start: bool,
    tz: ZoneInfo,
    report: SweepReport,
) -> None:
    if reminder.event_kind == "meeting":
        meeting = await cache.meeting(reminder.event_id)
        if meeting is None or meeting.status != "scheduled":
            await _skip(conn, reminder, "event cancelled or deleted", now)
            report.skipped += 1
            return
        if now >= meeting.start:
            await _skip(conn, reminder, "event already started", now)
            report.skipped += 1
            return
        delegations = [d for i in meeting.delegation_ids if (d := await cache.delegation(i))]
        late = at_start or now - reminder.due > LATE_AFTER
        posts = meeting_reminder_posts(
            meeting,
            delegations,
            late=late,
            preparatory=await cache.meeting(meeting.preparatory_id),
            debrief=await cache.meeting(meeting.debrief_id),
        )
    else:
        deadline = await repo.get_deadline(cache.db, reminder.event_id)
        if deadline is None or deadline.status != "scheduled":
            await _skip(conn, reminder, "deadline cancelled or deleted", now)
            report.skipped += 1
            return
        if now >= deadline.due:
            await _skip(conn, reminder, "deadline already passed", now)
            report.skipped += 1
            return
        late = at_start or now - reminder.due > LATE_AFTER
        delegation = await cache.delegation(deadline.delegation_id)
        posts = [deadline_reminder_post(deadline, delegation, late=late, now=now, tz=tz)]
    # The row was read as pending inside this same write transaction: nobody else can have
    # sent it, and the posts and the 'sent' mark commit together or not at all.
    first: int | None = None
    for index, post in enumerate(posts):
        key = f"reminder:{reminder.id}" if index == 0 else f"reminder:{reminder.id}:{post.channel}"
        row = await enqueue(conn, post, kind="reminder", dedupe_key=key)
        if row is not None:
            first = first or row
            assert report.outbox_ids is not None
            report.outbox_ids.append(row)
    await conn.execute(
        "UPDATE cal_reminders SET status = 'sent', late = ?, done_at = ?, outbox_id = ?"
        " WHERE id = ?",
        (int(late), to_iso(now), first, reminder.id),
    )
    report.sent += 1
    report.late += int(late)


async def _latest_due(
    db: Database, due: list[Reminder], now: datetime
) -> dict[tuple[str, int], datetime]:
    """For each event of ``due``, the due time of its most recent reminder already due."""
    latest: dict[tuple[str, int], datetime] = {}
    for kind in ("meeting", "deadline"):
        ids = sorted({r.event_id for r in due if r.event_kind == kind})
        for first in range(0, len(ids), 500):
            chunk = ids[first : first + 500]
            rows = await db.fetchall(
                "SELECT event_id, MAX(due_at) AS last FROM cal_reminders"
                f" WHERE status = 'pending' AND due_at <= ? AND event_kind = ?"
                f" AND event_id IN ({','.join('?' * len(chunk))}) GROUP BY event_id",
                (to_iso(now), kind, *chunk),
            )
            for row in rows:
                latest[(kind, row["event_id"])] = from_iso(row["last"])
    return latest


async def send_due(
    db: Database,
    *,
    now: datetime,
    at_start: bool = False,
    tz: ZoneInfo = MONTREAL,
    batch: int = SWEEP_BATCH,
    on_commit: Callable[[list[int]], None] | None = None,
) -> SweepReport:
    """Send every pending reminder due at ``now``; overdue ones at start are marked late."""
    report = SweepReport(outbox_ids=[])
    cache = _Cache(db)
    while True:
        before = len(report.outbox_ids or [])
        async with db.transaction() as conn:
            rows = await db.fetchall(
                "SELECT * FROM cal_reminders WHERE status = 'pending' AND due_at <= ?"
                " ORDER BY due_at, id LIMIT ?",
                (to_iso(now), batch),
            )
            due = [Reminder.from_row(row) for row in rows]
            latest = await _latest_due(db, due, now)
            await cache.prefetch([r.event_id for r in due if r.event_kind == "meeting"])
            for reminder in due:
                if reminder.due < latest[(reminder.event_kind, reminder.event_id)]:
                    # After an outage, J-7, J-1 and H-2 may all be due: one late post is
                    # enough, the most recent one.
                    await _skip(conn, reminder, "superseded by a later reminder", now)
                    report.skipped += 1
                    continue
                await _fire_one(
                    conn, cache, reminder, now=now, at_start=at_start, tz=tz, report=report
                )
        if on_commit is not None and report.outbox_ids:
            on_commit(report.outbox_ids[before:])
        if len(rows) < batch:
            return report


class CalendarService:
    """The calendar's part of the app: demo data, proposals listener, reminder jobs."""

    name = "calendar"

    def __init__(self, app: App | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        self.clock = clock
        self.app: App | None = None
        self._listening = False
        self._sweep_task: asyncio.Task[None] | None = None
        if app is not None:
            # At construction, so that the proposals of documents relayed by services
            # started before this one (feeds, inbox) are not missed.
            self._listen(app)
        self._jobs: dict[int, str] = {}  # reminder id -> due_at scheduled
        self._sweeping = False
        self._again = False
        self._unsubscribe: Callable[[], None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._prepared = False
        self.last_report: SweepReport | None = None
        # Called with the outbox ids of each committed batch (metrics, benchmarks).
        self.on_commit: Callable[[list[int]], None] | None = None

    @property
    def tz(self) -> ZoneInfo:
        return self.app.settings.timezone if self.app else MONTREAL

    async def _prepare(self, app: App) -> None:
        self.app = app
        if self._prepared:
            return
        self._prepared = True
        from bot.calendar.demo import load_configured_calendar

        self._listen(app)
        await load_configured_calendar(app.db, app.settings, now=self.clock())

    def _listen(self, app: App) -> None:
        if self._listening:
            return
        from bot.calendar.proposals import ProposalListener

        self._listening = True
        app.pipeline.add_listener(ProposalListener(app.settings, clock=self.clock))

    async def start(self, app: App) -> None:
        await self._prepare(app)
        await self.sweep(at_start=True)
        await self.reschedule()
        app.scheduler.add_job(
            self.reschedule,
            IntervalTrigger(minutes=10),
            id="calendar:refresh",
            replace_existing=True,
        )
        self._unsubscribe = repo.on_change(self._changed)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.app is not None and self.app.scheduler.running:
            for job_id in [*(JOB_PREFIX + str(i) for i in self._jobs), "calendar:refresh"]:
                try:
                    self.app.scheduler.remove_job(job_id)
                except JobLookupError:
                    pass
        self._jobs.clear()
        for task in list(self._tasks):
            task.cancel()
        if self._sweep_task is not None and not self._sweep_task.done():
            await self._sweep_task  # a sweep writes in short transactions: let it finish

    async def run_once(self, app: App) -> None:
        await self._prepare(app)
        await self.sweep(at_start=True)

    async def describe(self, app: App) -> str:
        """Upcoming meetings and deadlines, printed by `relais demo`."""
        from bot.calendar.demo import upcoming_summary

        return await upcoming_summary(app.db, app.settings, self.clock())

    def _changed(self) -> None:
        task = asyncio.get_running_loop().create_task(self.reschedule())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reschedule(self) -> int:
        """Make the scheduler's jobs match the pending rows; returns how many are scheduled."""
        assert self.app is not None
        rows = await self.app.db.fetchall(
            "SELECT id, due_at FROM cal_reminders WHERE status = 'pending'"
        )
        wanted = {row["id"]: row["due_at"] for row in rows}
        scheduler = self.app.scheduler
        # A running AsyncIOScheduler queues one wake-up per added job: ten thousand jobs at
        # start would mean ten thousand passes over the job store. Paused, it wakes once
        # (not for a handful: pausing logs at INFO).
        # Nothing else can run during this loop (no await), so other jobs lose nothing.
        adding = sum(1 for i, due in wanted.items() if self._jobs.get(i) != due)
        paused = scheduler.state == STATE_RUNNING and adding > PAUSE_ABOVE
        if paused:
            scheduler.pause()
        try:
            for reminder_id in [i for i in self._jobs if i not in wanted]:
                try:
                    scheduler.remove_job(JOB_PREFIX + str(reminder_id))
                except JobLookupError:
                    pass
                del self._jobs[reminder_id]
            for reminder_id, due in wanted.items():
                if self._jobs.get(reminder_id) == due:
                    continue
                scheduler.add_job(
                    _job_due,
                    DateTrigger(run_date=from_iso(due)),
                    args=(self, reminder_id),
                    id=JOB_PREFIX + str(reminder_id),
                    replace_existing=True,
                    misfire_grace_time=None,
                    coalesce=True,
                )
                self._jobs[reminder_id] = due
        finally:
            if paused:
                scheduler.resume()
        return len(self._jobs)

    async def _due(self, reminder_id: int) -> None:
        # The job only wakes the service's own sweep task: stopping the scheduler never
        # cancels a sweep in the middle, and a burst of jobs makes one sweep, not a thousand.
        self._jobs.pop(reminder_id, None)
        self._kick()

    def _kick(self) -> None:
        if self._sweep_task is not None and not self._sweep_task.done():
            self._again = True
            return
        self._sweep_task = asyncio.get_running_loop().create_task(self._sweep_logged())

    async def _sweep_logged(self) -> None:
        try:
            await self.sweep()
        except Exception:
            log.exception("sending due reminders failed; the next job or start retries")

    async def sweep(self, *, at_start: bool = False) -> SweepReport | None:
        """Send what is due; a sweep already running is asked to go round once more."""
        if self._sweeping:
            self._again = True
            return None
        assert self.app is not None
        self._sweeping = True
        total = SweepReport(outbox_ids=[])
        try:
            while True:
                self._again = False
                report = await send_due(
                    self.app.db,
                    now=self.clock(),
                    at_start=at_start,
                    tz=self.tz,
                    on_commit=self.on_commit,
                )
                total.sent += report.sent
                total.late += report.late
                total.skipped += report.skipped
                assert total.outbox_ids is not None and report.outbox_ids is not None
                total.outbox_ids.extend(report.outbox_ids)
                if report.outbox_ids:
                    worker = getattr(self.app, "outbox_worker", None)
                    if worker is not None:
                        worker.wake()
                if not self._again:
                    break
        finally:
            self._sweeping = False
        if total.sent or total.skipped:
            log.info(
                "reminders: %d sent (%d late), %d skipped", total.sent, total.late, total.skipped
            )
        self.last_report = total
        return total


async def _job_due(service: CalendarService, reminder_id: int) -> None:
    """The function of every reminder job (a plain function: see its signature below)."""
    await service._due(reminder_id)


# APScheduler checks a job's arguments against ``inspect.signature`` of its function for every
# job added; computed once here, that check stops dominating a start-up with 10,000 rows.
_job_due.__signature__ = inspect.signature(_job_due)  # type: ignore[attr-defined]
