"""Composition root: the store, the pipeline, the outbox worker and every feature service.

The only module that knows every feature. Each feature service is built the same way,
``Service(app)`` where ``app`` is seen through ``bot.context.Context``, and held as a typed
attribute (``app.calendar``, ``app.announcements``…): the cogs reach a feature by name, never
by looking it up. Features import ``bot.context``, never this module.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import timers
from bot.announcements.service import AnnouncementService
from bot.calendar.reminders import CalendarService
from bot.context import Service
from bot.messages import t
from bot.relay.outbox_worker import OutboxWorker
from bot.relay.pipeline import Pipeline
from bot.relay.publisher import ConsolePublisher, Publisher
from bot.settings import Settings
from bot.sources.feeds.service import FeedService
from bot.sources.inbox import InboxService
from bot.store.db import Database, DatabaseLost
from bot.store.lock import InstanceLock
from bot.timers import Clock
from bot.timeutil import utc_now
from bot.web import health
from bot.web.server import WebServer

log = logging.getLogger(__name__)

# How often the database file's identity is checked (a file deleted or replaced under a
# running SQLite is not an error for SQLite: writes would go to the unlinked inode).
DB_WATCH_SECONDS = 2.0
# Retention is a row on the clock (work: it writes in batches of its own), run once a day;
# a first install runs it a minute after start (not in the way of start-up).
RETENTION_KIND = "store.retention"
RETENTION_FIRST = timedelta(minutes=1)
RETENTION_EVERY = timedelta(days=1)


class App:
    def __init__(self, settings: Settings, db: Database, publisher: Publisher) -> None:
        self.settings = settings
        self.db = db
        self.publisher = publisher
        self.pipeline = Pipeline(db, settings)
        self.outbox_worker = OutboxWorker(db, publisher, settings.config.outbox)
        # Every row due at a time (reminders, scheduled announcements…): bot/timers.py.
        self.clock = Clock(db)
        # The worker wakes after every commit (its start) and when the clock says a put-off
        # row is due: no feature wakes it by hand.
        self.outbox_worker.attach(self.clock)
        # Cron expressions only (the weekly digest).
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        # Services add their routes (calendars...) before start; health and metrics are ours.
        web_config = settings.config.web
        self.web = WebServer(web_config.listen, public_url=web_config.public_url)
        # The features, in start order (stopped in reverse). The calendar first: its proposal
        # listener must hear the documents the inbox and the feeds relay from their start.
        self.calendar = CalendarService(self)
        self.inbox = InboxService(self)
        self.announcements = AnnouncementService(self)
        self.feeds = FeedService(self)
        self.services: list[Service] = [self.calendar, self.inbox, self.announcements, self.feeds]
        self.web.add_routes(health.routes(self))
        # Set by the Discord adapter: is the gateway connected now? None in console mode.
        self.gateway_connected: Callable[[], bool] | None = None
        self.started_at = utc_now()
        self._running = False
        self.lock: InstanceLock | None = None
        # Set when the App must stop on its own (database lost); the runner exits non-zero.
        self.fatal: str | None = None
        self.on_fatal: list[Callable[[], None]] = []
        self._watch: asyncio.Task[None] | None = None

    @classmethod
    async def create(
        cls, settings: Settings, publisher: Publisher | None = None, *, exclusive: bool = False
    ) -> App:
        """``exclusive``: take the instance lock first (``relais run``), so that migrations
        and everything after run in one process per database."""
        lock = InstanceLock(settings.database_path).acquire() if exclusive else None
        try:
            db = await Database.open(settings.database_path)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if publisher is None:
            publisher = ConsolePublisher(settings.config.channels)
        app = cls(settings, db, publisher)
        app.lock = lock
        return app

    async def _watch_database(self) -> None:
        while True:
            await asyncio.sleep(DB_WATCH_SECONDS)
            try:
                self.db.check_identity()
            except DatabaseLost as exc:
                self.stop_fatally(str(exc))
                return

    async def _schedule_retention(self) -> None:
        """Serve the daily retention row; keep its time across restarts (a bot restarted
        every night still prunes), else due a minute from now."""
        self.clock.register_work(
            RETENTION_KIND, self._retention_due, lease=timedelta(hours=1), concurrency=1
        )
        if not await timers.pending(self.db, RETENTION_KIND):
            async with self.db.transaction() as conn:
                await timers.schedule(conn, RETENTION_KIND, "daily", utc_now() + RETENTION_FIRST)

    async def _retention_due(self, timer: timers.Timer, firing: timers.Firing) -> None:
        await self.apply_retention()
        async with self.db.transaction() as conn:
            await timers.schedule(conn, RETENTION_KIND, "daily", firing.now + RETENTION_EVERY)

    async def apply_retention(self) -> None:
        from bot.store.retention import prune

        config = self.settings.config.retention
        try:
            await prune(
                self.db,
                sent_posts_days=config.sent_posts_days,
                feed_items_days=config.feed_items_days,
                done_timers_days=config.done_timers_days,
                now=utc_now(),
            )
        except Exception:
            log.exception("retention failed; will try again tomorrow")

    def stop_fatally(self, message: str) -> None:
        """Report in French and ask the runner to stop (it then exits with code 2)."""
        if self.fatal is not None:
            return
        self.fatal = message
        log.error("stopping: %s", message)
        print(message, file=sys.stderr, flush=True)
        for callback in self.on_fatal:
            callback()

    def set_publisher(self, publisher: Publisher) -> None:
        """The Discord publisher only exists once the client is logged in."""
        self.publisher = publisher
        self.outbox_worker.publisher = publisher

    async def start(self) -> None:
        """Start the scheduler, the services, then the worker (which sends what is pending)."""
        if self._running:
            return
        self._running = True
        self._watch = asyncio.create_task(self._watch_database(), name="database-watch")
        self.scheduler.start()
        # The worker first: whatever a broken feature does, pending posts still go out.
        self.outbox_worker.start()
        for service in self.services:
            log.info("starting service %s", service.name)
            try:
                await service.start()
            except Exception:
                log.exception("service %s failed to start; the others keep running", service.name)
        await self._schedule_retention()
        # Last: the handlers are registered, the first pass serves what fell due while stopped.
        self.clock.start()
        await self._start_web()

    async def _start_web(self) -> None:
        """The listener is for operators (health, metrics, calendars): when its port is taken,
        Relais says so and keeps posting rather than stopping the coalition's feed."""
        try:
            await self.web.start()
        except OSError as exc:
            log.error(
                "web listener could not bind %s (%s); running without it", self.web.listen, exc
            )
            print(t("web.bind_failed", listen=self.web.listen, error=exc), file=sys.stderr)

    async def run_once(self) -> None:
        """One pass over every source, then send everything due (`relais demo`)."""
        for service in self.services:
            try:
                await service.run_once()
            except Exception:
                log.exception("service %s failed its pass", service.name)
        await self.outbox_worker.run_until_idle()

    async def stop(self) -> None:
        if not self._running:
            await self.clock.stop()  # tests start the clock without the app
            return
        await self.web.stop()
        for service in reversed(self.services):
            try:
                await service.stop()
            except Exception:
                log.exception("service %s failed to stop cleanly", service.name)
        await self.clock.stop()
        await self.outbox_worker.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        self._running = False

    async def close(self) -> None:
        await self.stop()
        self.pipeline.close()
        await self.db.close()
        self.release_lock()

    def release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None
