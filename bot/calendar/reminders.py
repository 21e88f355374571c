"""Sending reminders: rows in SQLite, served by the durable clock (bot/timers.py).

Each pending ``cal_reminders`` row has a timer of kind ``calendar.reminder`` (kept by triggers,
migration 0008). A due reminder becomes ONE outbox row per channel (dedupe key
``reminder:<id>``) written in the clock's transaction that marks it sent: it is posted once,
even if Relais dies while sending. The clock hands over due rows in batches, so a burst of
reminders falling in the same minute is written in a few transactions instead of a thousand.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import aiosqlite

from bot.calendar import repository as repo
from bot.calendar.model import Deadline, Delegation, Meeting, Reminder
from bot.calendar.occurrences import get_occurrence, load_meetings
from bot.calendar.planner import plan
from bot.calendar.posts import (
    deadline_dm_post,
    deadline_reminder_post,
    meeting_dm_post,
    meeting_reminder_posts,
)
from bot.models import DM_PREFIX, Post
from bot.store.db import Database
from bot.store.outbox import enqueue_rows
from bot.timers import Firing, Timer, schedule
from bot.timeutil import MONTREAL, from_iso, to_iso, utc_now

if TYPE_CHECKING:
    from bot.context import Context
    from bot.web.calendar import CalendarFeeds

log = logging.getLogger(__name__)
T = TypeVar("T")

LATE_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 250


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
        self.deadlines: dict[int, Deadline | None] = {}
        self.delegations: dict[int, Delegation | None] = {}
        self.dm_ok: dict[str, bool] = {}

    async def prefetch(self, meeting_ids: list[int]) -> None:
        """Read the meetings of a batch in two queries instead of two per reminder."""
        wanted = sorted({i for i in meeting_ids if i not in self.meetings})
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            marks = ",".join("?" * len(chunk))
            for meeting in await load_meetings(self.db, f"m.id IN ({marks})", chunk):
                self.meetings[meeting.id] = meeting

    async def meeting(self, meeting_id: int | None) -> Meeting | None:
        return await _once(self.meetings, meeting_id, repo.get_meeting, self.db)

    async def wants_dm(self, user_id: str) -> bool:
        if user_id not in self.dm_ok:
            row = await self.db.fetchone(
                "SELECT enabled, dm_closed_at FROM cal_dm_prefs WHERE user_id = ?", (user_id,)
            )
            self.dm_ok[user_id] = bool(row and row["enabled"] and not row["dm_closed_at"])
        return self.dm_ok[user_id]

    async def delegation(self, delegation_id: int | None) -> Delegation | None:
        return await _once(self.delegations, delegation_id, repo.get_delegation, self.db)

    async def deadline(self, deadline_id: int) -> Deadline | None:
        return await _once(self.deadlines, deadline_id, repo.get_deadline, self.db)


async def _once(
    seen: dict[int, T | None],
    item_id: int | None,
    load: Callable[[Database, int], Awaitable[T | None]],
    db: Database,
) -> T | None:
    """``load(db, item_id)`` read once per batch (None for no id)."""
    if item_id is None:
        return None
    if item_id not in seen:
        seen[item_id] = await load(db, item_id)
    return seen[item_id]


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
) -> _Send | None:
    """The posts a due reminder makes (None: skipped, and marked so)."""
    late = at_start or now - reminder.due > LATE_AFTER
    posts = await _posts_for(cache, reminder, now=now, late=late, tz=tz)
    if isinstance(posts, str):
        await _skip(conn, reminder, posts, now)
        report.skipped += 1
        return None
    keyed = [
        (post, f"reminder:{reminder.id}" + (f":{post.channel}" if index else ""))
        for index, post in enumerate(posts)
    ]
    return _Send(reminder, keyed, late)


@dataclass
class _Send:
    """A reminder's posts, written with the others of its batch (``_send_all``)."""

    reminder: Reminder
    posts: list[tuple[Post, str]]
    late: bool


async def _send_all(
    conn: aiosqlite.Connection, sends: list[_Send], *, now: datetime, report: SweepReport
) -> None:
    """The posts and the 'sent' marks of a batch, in a few statements (a round trip to
    SQLite's thread per reminder was most of the time of a burst). The rows were read as
    pending inside this same write transaction: nobody else can have sent them, and posts
    and marks commit together or not at all."""
    assert report.outbox_ids is not None
    marks: list[tuple[int, str, int | None, int]] = []
    for kind in ("reminder", "dm-reminder"):
        group = [s for s in sends if (s.reminder.user_id is not None) == (kind == "dm-reminder")]
        ids = await enqueue_rows(conn, [p for s in group for p in s.posts], kind=kind)
        at = 0
        for send in group:
            mine, at = ids[at : at + len(send.posts)], at + len(send.posts)
            written = [i for i in mine if i is not None]
            report.outbox_ids.extend(written)
            marks.append((int(send.late), to_iso(now), written[0] if written else None,
                          send.reminder.id))
            report.sent += 1
            report.late += int(send.late)
    await conn.executemany(
        "UPDATE cal_reminders SET status = 'sent', late = ?, done_at = ?, outbox_id = ?"
        " WHERE id = ?",
        marks,
    )


async def _posts_for(
    cache: _Cache, reminder: Reminder, *, now: datetime, late: bool, tz: ZoneInfo
) -> list[Post] | str:
    """What the reminder sends now, or why it is skipped (its event is gone or begun)."""
    if reminder.user_id is not None and not await cache.wants_dm(reminder.user_id):
        return "personal reminders off or direct messages closed"
    if reminder.event_kind == "meeting":
        meeting = await cache.meeting(reminder.event_id)
        if meeting is None or meeting.status != "scheduled":
            return "event cancelled or deleted"
        original = None
        if reminder.occurrence and meeting.rrule:
            # One occurrence of a series: its own (possibly moved) time, its own answers.
            found = await get_occurrence(cache.db, meeting, reminder.occurrence)
            if found is None or found.cancelled:
                return "occurrence cancelled"
            original = found.original
            meeting = replace(meeting, start=found.start, end=found.end)
        if now >= meeting.start:
            return "event already started"
        if reminder.user_id is not None:
            return [meeting_dm_post(meeting, reminder.user_id, late=late, occurrence=original)]
        delegations = [d for i in meeting.delegation_ids if (d := await cache.delegation(i))]
        return meeting_reminder_posts(
            meeting,
            delegations,
            late=late,
            preparatory=await cache.meeting(meeting.preparatory_id),
            debrief=await cache.meeting(meeting.debrief_id),
            occurrence=original,
        )
    deadline = await cache.deadline(reminder.event_id)
    if deadline is None or deadline.status != "scheduled":
        return "deadline cancelled or deleted"
    if now >= deadline.due:
        return "deadline already passed"
    if reminder.user_id is not None:
        return [deadline_dm_post(deadline, reminder.user_id, late=late)]
    delegation = await cache.delegation(deadline.delegation_id)
    return [deadline_reminder_post(deadline, delegation, late=late, now=now, tz=tz)]


LatestKey = tuple[str, int, str, str]  # kind, event, occurrence or "", member or ""


def _latest_key(reminder: Reminder) -> LatestKey:
    return (
        reminder.event_kind,
        reminder.event_id,
        reminder.occurrence or "",
        reminder.user_id or "",
    )


async def _latest_due(
    db: Database, due: list[Reminder], now: datetime
) -> dict[LatestKey, datetime]:
    """For each event (occurrence, recipient) of ``due``, the due time of its most recent
    reminder already due."""
    latest: dict[LatestKey, datetime] = {}
    for kind in ("meeting", "deadline"):
        ids = sorted({r.event_id for r in due if r.event_kind == kind})
        for first in range(0, len(ids), 500):
            chunk = ids[first : first + 500]
            rows = await db.fetchall(
                "SELECT event_id, COALESCE(occurrence, '') AS occ, COALESCE(user_id, '') AS usr,"
                " MAX(due_at) AS last FROM cal_reminders"
                f" WHERE status = 'pending' AND due_at <= ? AND event_kind = ?"
                f" AND event_id IN ({','.join('?' * len(chunk))}) GROUP BY event_id, occ, usr",
                (to_iso(now), kind, *chunk),
            )
            for row in rows:
                latest[(kind, row["event_id"], row["occ"], row["usr"])] = from_iso(row["last"])
    return latest


async def _fire_batch(
    conn: aiosqlite.Connection,
    cache: _Cache,
    due: list[Reminder],
    *,
    now: datetime,
    at_start: bool,
    tz: ZoneInfo,
    report: SweepReport,
) -> None:
    latest = await _latest_due(cache.db, due, now)
    await cache.prefetch([r.event_id for r in due if r.event_kind == "meeting"])
    sends: list[_Send] = []
    for reminder in due:
        if reminder.due < latest.get(_latest_key(reminder), reminder.due):
            # After an outage, J-7, J-1 and H-2 may all be due: one late post is
            # enough, the most recent one.
            await _skip(conn, reminder, "superseded by a later reminder", now)
            report.skipped += 1
            continue
        send = await _fire_one(
            conn, cache, reminder, now=now, at_start=at_start, tz=tz, report=report
        )
        if send is not None:
            sends.append(send)
    await _send_all(conn, sends, now=now, report=report)


async def send_due(
    db: Database,
    *,
    now: datetime,
    at_start: bool = False,
    tz: ZoneInfo = MONTREAL,
    batch: int = SWEEP_BATCH,
    on_commit: Callable[[list[int]], None] | None = None,
) -> SweepReport:
    """Send every pending reminder due at ``now`` without the clock (tests, one-off passes);
    overdue ones at start are marked late."""
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
            await _fire_batch(conn, cache, due, now=now, at_start=at_start, tz=tz, report=report)
        if on_commit is not None and report.outbox_ids:
            on_commit(report.outbox_ids[before:])
        if len(rows) < batch:
            return report


TIMER_KIND = "calendar.reminder"
PLAN_KIND = "calendar.plan"  # tops up the reminders of series and members (bot.calendar.planner)
PLAN_EVERY = timedelta(hours=6)


class CalendarService:
    """The calendar's part of the app: demo data, proposals listener, reminders on the clock."""

    name = "calendar"

    def __init__(self, ctx: Context, clock: Callable[[], datetime] = utc_now) -> None:
        self.ctx = ctx
        self.clock = clock
        self._prepared = False
        self.last_report: SweepReport | None = None
        # At construction, so that the proposals of documents relayed by services started
        # before this one (feeds, inbox) are not missed.
        from bot.calendar.proposals import ProposalListener

        ctx.pipeline.add_listener(ProposalListener(ctx.settings, clock=clock))
        self.feeds: CalendarFeeds | None = None

    def _serve_feeds(self) -> None:
        """Subscribable calendars on the app's web listener (routes before it starts)."""
        web: Any = getattr(self.ctx, "web", None)
        if web is None or self.feeds is not None or web.running:
            return
        from bot.calendar.actions import offsets_of
        from bot.web.calendar import CalendarFeeds

        ctx = self.ctx
        self.feeds = CalendarFeeds(
            lambda: ctx.db, defaults=offsets_of(ctx.settings), tz=ctx.settings.timezone
        )
        web.add_routes(self.feeds.routes())

    @property
    def tz(self) -> ZoneInfo:
        return self.ctx.settings.timezone

    async def _prepare(self) -> None:
        if self._prepared:
            return
        self._prepared = True
        from bot.calendar.demo import load_configured_calendar

        await load_configured_calendar(self.ctx.db, self.ctx.settings, now=self.clock())

    async def start(self) -> None:
        await self._prepare()
        self._serve_feeds()  # before App.start starts the listener
        worker: Any = self.ctx.outbox_worker
        listeners = getattr(worker, "on_recipient_unavailable", None)
        if listeners is not None and self._dm_refused not in listeners:
            listeners.append(self._dm_refused)
        self.ctx.clock.register(TIMER_KIND, self.fire)
        self.ctx.clock.register(PLAN_KIND, self.plan_due)
        await self.replan()

    async def replan(self) -> None:
        """Plan now, and again in ``PLAN_EVERY`` (the durable clock's row survives restarts)."""
        from bot.calendar.actions import offsets_of

        now, db = self.clock(), self.ctx.db
        async with db.transaction() as conn:
            await plan(db, now=now, defaults=offsets_of(self.ctx.settings), tz=self.tz, conn=conn)
            await schedule(conn, PLAN_KIND, "horizon", now + PLAN_EVERY)

    async def _dm_refused(self, conn: aiosqlite.Connection, row: Any) -> None:
        """A personal reminder refused (DMs closed): no more tries, one notice in a channel."""
        if row.kind != "dm-reminder" or not row.channel.startswith(DM_PREFIX):
            return
        from bot.calendar.members import direct_messages_closed

        await direct_messages_closed(conn, row.channel.removeprefix(DM_PREFIX), now=self.clock())

    async def plan_due(
        self, conn: aiosqlite.Connection, timers: Sequence[Timer], firing: Firing
    ) -> list[int]:
        from bot.calendar.actions import offsets_of

        await plan(
            self.ctx.db, now=firing.now, defaults=offsets_of(self.ctx.settings), tz=self.tz,
            conn=conn,
        )  # fmt: skip
        await schedule(conn, PLAN_KIND, "horizon", firing.now + PLAN_EVERY)
        return []

    async def stop(self) -> None:
        self.ctx.clock.unregister(TIMER_KIND)
        self.ctx.clock.unregister(PLAN_KIND)

    async def run_once(self) -> None:
        await self._prepare()
        from bot.calendar.actions import offsets_of

        await plan(self.ctx.db, now=self.clock(), defaults=offsets_of(self.ctx.settings),
                   tz=self.tz)  # fmt: skip
        self.last_report = await send_due(self.ctx.db, now=self.clock(), at_start=True, tz=self.tz)

    async def describe(self) -> str:
        """Upcoming meetings and deadlines, printed by `relais demo`."""
        from bot.calendar.demo import upcoming_summary

        return await upcoming_summary(self.ctx.db, self.ctx.settings, self.clock())

    async def fire(
        self, conn: aiosqlite.Connection, timers: Sequence[Timer], firing: Firing
    ) -> list[int]:
        """The clock's handler: send the reminders of these due timers, in its transaction."""
        db = self.ctx.db
        ids = [int(timer.key) for timer in timers]
        marks = ",".join("?" * len(ids))
        rows = await db.fetchall(
            f"SELECT * FROM cal_reminders WHERE status = 'pending' AND id IN ({marks})"
            " ORDER BY due_at, id",
            ids,
        )
        report = SweepReport(outbox_ids=[])
        await _fire_batch(
            conn,
            _Cache(db),
            [Reminder.from_row(row) for row in rows],
            now=firing.now,
            at_start=firing.at_start,
            tz=self.tz,
            report=report,
        )
        if report.sent or report.skipped:
            log.info(
                "reminders: %d sent (%d late), %d skipped",
                report.sent,
                report.late,
                report.skipped,
            )
        self.last_report = report
        return report.outbox_ids or []
