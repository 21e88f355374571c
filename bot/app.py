"""Composition root: the store, the pipeline, the outbox worker and every feature service."""

from __future__ import annotations

import logging
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.relay.outbox_worker import OutboxWorker
from bot.relay.pipeline import Pipeline
from bot.relay.publisher import ConsolePublisher, Publisher
from bot.settings import Settings
from bot.store.db import Database
from bot.timeutil import utc_now

log = logging.getLogger(__name__)


class Service(Protocol):
    """A feature that runs beside the bot: feeds poller, inbox watcher, reminders…"""

    name: str

    async def start(self, app: App) -> None: ...

    async def stop(self) -> None: ...

    async def run_once(self, app: App) -> None: ...


def build_services(app: App) -> list[Service]:
    """Every feature service, in start order. Imports stay local: the composition is the only
    place that knows all features."""
    services: list[Service] = []
    from bot.calendar.reminders import CalendarService

    services.append(CalendarService(app))
    from bot.sources.inbox import InboxService

    services.append(InboxService(app.settings))
    from bot.announcements.service import AnnouncementService

    services.append(AnnouncementService())
    from bot.sources.feeds.service import FeedService

    services.append(FeedService(app))
    return services


class App:
    def __init__(self, settings: Settings, db: Database, publisher: Publisher) -> None:
        self.settings = settings
        self.db = db
        self.publisher = publisher
        self.pipeline = Pipeline(db, settings)
        self.outbox_worker = OutboxWorker(db, publisher, settings.config.outbox)
        self.pipeline.on_enqueued(self.outbox_worker.wake)
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.services: list[Service] = build_services(self)
        self.started_at = utc_now()
        self._running = False

    @classmethod
    async def create(cls, settings: Settings, publisher: Publisher | None = None) -> App:
        db = await Database.open(settings.database_path)
        if publisher is None:
            publisher = ConsolePublisher(settings.config.channels)
        return cls(settings, db, publisher)

    def set_publisher(self, publisher: Publisher) -> None:
        """The Discord publisher only exists once the client is logged in."""
        self.publisher = publisher
        self.outbox_worker.publisher = publisher

    async def start(self) -> None:
        """Start the scheduler, the services, then the worker (which sends what is pending)."""
        if self._running:
            return
        self._running = True
        self.scheduler.start()
        # The worker first: whatever a broken feature does, pending posts still go out.
        self.outbox_worker.start()
        for service in self.services:
            log.info("starting service %s", service.name)
            try:
                await service.start(self)
            except Exception:
                log.exception("service %s failed to start; the others keep running", service.name)

    async def run_once(self) -> None:
        """One pass over every source, then send everything due (`relais demo`)."""
        for service in self.services:
            try:
                await service.run_once(self)
            except Exception:
                log.exception("service %s failed its pass", service.name)
        await self.outbox_worker.run_until_idle()

    async def stop(self) -> None:
        if not self._running:
            return
        for service in reversed(self.services):
            try:
                await service.stop()
            except Exception:
                log.exception("service %s failed to stop cleanly", service.name)
        await self.outbox_worker.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self._running = False

    async def close(self) -> None:
        await self.stop()
        self.pipeline.close()
        await self.db.close()
