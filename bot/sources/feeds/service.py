"""The feeds Service: polls every feed on its own interval, and the staff operations on feeds.

Each active feed is a row on the durable clock (kind ``feeds.poll``, kept from
``feed_state.next_poll`` by triggers): the clock claims the due ones and polls them outside its
transaction, a bounded number at once (two per host at most, in the fetcher). A feed that
hangs, fails or misbehaves only delays itself: each poll is bounded by the fetch timeout and
never raises; it ends by writing the feed's next poll time, which moves its row.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.context import Context
from bot.errors import RelaisError
from bot.messages import t
from bot.models import Document
from bot.settings import Settings
from bot.sources.feeds import store
from bot.sources.feeds.config import (
    FeedDef,
    FeedDefinitionError,
    allow_list,
    load_feeds,
    validate_feed,
)
from bot.sources.feeds.fetch import Fetcher
from bot.sources.feeds.parse import ParsedFeed, to_document
from bot.sources.feeds.poller import (
    PollContext,
    PollOutcome,
    UnreadableFeed,
    poll_feed,
    poll_source,
    read_feed,
)
from bot.sources.feeds.safety import FeedSafetyError, check_url_resolves_public
from bot.store.db import Database
from bot.timers import Firing, Timer
from bot.timeutil import utc_now

log = logging.getLogger(__name__)

# Feeds polled at once (two per host at most, in the fetcher).
MAX_CONCURRENT_POLLS = 32
# Each active feed is a row of this kind on the clock (kept by triggers, migration 0019).
POLL_KIND = "feeds.poll"
# A claimed poll is left alone this long: far beyond a poll (fetch timeout, then at most a few
# relays); a crash in the middle polls again once it has passed.
POLL_LEASE = timedelta(minutes=10)


class FeedAdminError(RelaisError):
    """A staff operation refused; ``message`` is the French reply."""


@dataclass
class Preview:
    feed: ParsedFeed
    document: Document | None  # the newest item, as it would be relayed


def make_fetcher(settings: Settings) -> Fetcher:
    section = settings.config.feeds
    return Fetcher(
        allow_hosts=allow_list(settings),
        user_agent=section.user_agent,
        timeout=section.timeout_seconds,
        max_body=section.max_body_bytes,
    )


# --- shaping feeds from Discord: modify, filter preview, OPML ----------------------------------

PREVIEW_ITEMS = 20


@dataclass
class FilterLine:
    title: str
    link: str | None
    passed: bool
    reason: str


@dataclass
class ImportLine:
    name: str
    url: str
    kind: str
    status: str  # "new", "exists", "invalid"
    reason: str = ""


def _definition_raw(feed: FeedDef) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "name": feed.name,
        "url": feed.url,
        "kind": feed.kind,
        "channels": list(feed.channels),
        "interval_minutes": feed.interval_minutes,
        "include": list(feed.include),
        "exclude": list(feed.exclude),
        "include_regex": list(feed.include_regex),
        "exclude_regex": list(feed.exclude_regex),
        "show": feed.show,
    }
    if feed.role:
        raw["role"] = feed.role
    if feed.selector:
        raw["selector"] = feed.selector
    return raw


class _Shaping:
    """Mixed into FeedService: the `/flux modifier|importer|exporter` operations."""

    settings: Settings
    db: Database
    fetcher: Fetcher

    def wake(self) -> None:
        raise NotImplementedError  # FeedService's

    async def _get(self, name: str) -> store.FeedRecord:
        raise NotImplementedError  # FeedService's

    def validate(self, raw: dict[str, Any], where: str) -> FeedDef:
        try:
            return validate_feed(
                raw,
                source="Discord",
                where=where,
                default_interval=self.settings.config.feeds.default_interval_minutes,
                known_channels=self.settings.config.channels.keys(),
                origin="discord",
            )
        except FeedDefinitionError as exc:
            raise FeedAdminError(exc.message) from None

    async def proposed(
        self, name: str, changes: dict[str, Any]
    ) -> tuple[store.FeedRecord, FeedDef]:
        """The definition `/flux modifier` would give a feed (checked, nothing stored)."""
        record = await self._get(name)
        if record.feed.origin == "config":
            raise FeedAdminError(t("feeds.reply.config_owned", name=record.name))
        raw = _definition_raw(record.feed)
        for key, value in changes.items():
            if value is None:
                raw.pop(key, None)
            else:
                raw[key] = value
        return record, self.validate(raw, "/flux modifier")

    async def modify(self, name: str, changes: dict[str, Any]) -> store.FeedRecord:
        record, feed = await self.proposed(name, changes)
        await store.update_feed(self.db, record.id, feed)
        self.wake()
        updated = await store.get_feed_by_id(self.db, record.id)
        assert updated is not None
        return updated

    async def filter_preview(self, feed: FeedDef) -> list[FilterLine]:
        """Which of the feed's last 20 items the filters of ``feed`` keep or drop (read now)."""
        local_ok = feed.origin == "config"
        max_body = self.settings.config.feeds.max_body_bytes
        try:
            if feed.kind == "page":
                from bot.sources.pages.poller import read_page

                content = await read_page(
                    feed.url, selector=feed.selector, fetcher=self.fetcher,
                    config_dir=self.settings.config_dir, local_allowed=local_ok,
                    max_body=max_body,
                )
                decision = feed.filters.decide(content.title, content.text)
                return [FilterLine(content.title or feed.name, feed.url, decision.passed,
                                   decision.reason)]
            parsed = await read_feed(
                feed.url, fetcher=self.fetcher, config_dir=self.settings.config_dir,
                local_allowed=local_ok, max_body=max_body,
            )
        except UnreadableFeed as exc:
            raise FeedAdminError(t("feeds.reply.test_error", reason=exc.message)) from None
        lines = []
        for item in parsed.items[:PREVIEW_ITEMS]:
            doc = to_document(item, feed_name=feed.name, feed=parsed)
            decision = feed.filters.decide(doc.title, doc.text, doc.categories)
            lines.append(FilterLine(doc.title, doc.link, decision.passed, decision.reason))
        return lines

    async def import_preview(self, data: bytes) -> list[ImportLine]:
        """What importing this OPML file would do, line by line (nothing stored)."""
        from bot.sources.feeds.opml import OpmlError, parse_opml

        try:
            entries = parse_opml(data)
        except OpmlError as exc:
            raise FeedAdminError(exc.message) from None
        existing = await store.list_feeds(self.db)
        names = {r.feed.key for r in existing}
        urls = {r.feed.url for r in existing} | {r.current_url for r in existing}
        lines: list[ImportLine] = []
        for entry in entries:
            raw = {"name": entry.name, "url": entry.url, "kind": entry.kind}
            try:
                feed = self.validate(raw, "OPML")
                await check_url_resolves_public(feed.url, allow_list(self.settings))
            except FeedAdminError as exc:
                lines.append(ImportLine(entry.name, entry.url, entry.kind, "invalid", exc.message))
                continue
            except FeedSafetyError as exc:
                reason = t(exc.key, **exc.values)
                lines.append(ImportLine(entry.name, entry.url, entry.kind, "invalid", reason))
                continue
            if feed.url in urls:
                lines.append(ImportLine(feed.name, feed.url, feed.kind, "exists",
                                        t("feeds.import.same_url")))
            elif feed.key in names:
                lines.append(ImportLine(feed.name, feed.url, feed.kind, "exists",
                                        t("feeds.import.same_name")))
            else:
                names.add(feed.key)
                urls.add(feed.url)
                lines.append(ImportLine(feed.name, feed.url, feed.kind, "new"))
        return lines

    async def import_apply(
        self, lines: list[ImportLine], *, channel: str | None, added_by: str | None
    ) -> tuple[list[str], list[tuple[str, str]]]:
        """Add the "new" lines; (names added, (name, French reason) refused)."""
        added: list[str] = []
        refused: list[tuple[str, str]] = []
        for line in lines:
            if line.status != "new":
                continue
            raw: dict[str, Any] = {"name": line.name, "url": line.url, "kind": line.kind}
            if channel:
                raw["channels"] = [channel]
            try:
                feed = self.validate(raw, "OPML")
                await check_url_resolves_public(feed.url, allow_list(self.settings))
            except FeedAdminError as exc:
                refused.append((line.name, exc.message))
                continue
            except FeedSafetyError as exc:
                refused.append((line.name, t(exc.key, **exc.values)))
                continue
            if await store.add_feed(self.db, feed, added_by) is None:
                refused.append((line.name, t("feeds.reply.exists", name=feed.name)))
                continue
            added.append(feed.name)
        if added:
            self.wake()
        return added, refused

    async def export_opml(self) -> bytes:
        from bot.sources.feeds.opml import export_opml

        records = await store.list_feeds(self.db)
        return export_opml([r.feed for r in records], now=utc_now())


class FeedService(_Shaping):
    name = "feeds"

    def __init__(self, app: Context) -> None:
        self.app = app
        self.settings = app.settings
        self.db = app.db
        self.fetcher = make_fetcher(app.settings)
        self._synced = False

    # --- Service contract ------------------------------------------------------------------

    async def start(self) -> None:
        await self.sync()
        self.app.clock.register_work(
            POLL_KIND, self._poll_due, lease=POLL_LEASE, concurrency=MAX_CONCURRENT_POLLS
        )

    async def stop(self) -> None:
        # Polls in progress are stopped before the fetcher closes under them (a closed
        # fetcher would be recorded as the feed's failure); their rows run again at start.
        self.app.clock.unregister(POLL_KIND)
        await self.app.clock.cancel_work(POLL_KIND)
        await self.fetcher.close()

    async def run_once(self) -> None:
        """Poll every active feed once, now (for `relais demo`)."""
        await self.sync()
        slots = asyncio.Semaphore(MAX_CONCURRENT_POLLS)

        async def one(record: store.FeedRecord) -> None:
            async with slots:
                await self._poll(record)

        records = [r for r in await store.list_feeds(self.db) if not r.paused]
        await asyncio.gather(*(one(record) for record in records))

    # --- polling -----------------------------------------------------------------------------

    async def sync(self) -> None:
        """Bring config-declared feeds into the database (once per service)."""
        if self._synced:
            return
        await store.sync_config_feeds(self.db, load_feeds(self.settings))
        self._synced = True

    def wake(self) -> None:
        """A feed was added or changed: its timer moved in that commit, which woke the clock
        already; look again anyway (a caller that wrote feed_state by hand, tests)."""
        self.app.clock.wake()

    def _context(self) -> PollContext:
        section = self.settings.config.feeds
        return PollContext(
            db=self.db,
            fetcher=self.fetcher,
            relay=self.app.pipeline.relay,
            config_dir=self.settings.config_dir,
            max_body=section.max_body_bytes,
            max_failures=section.max_failures_before_pause,
            max_new_per_poll=section.max_new_per_poll,
            default_channel=self.settings.config.routing.default_channel,
        )

    async def _poll_due(self, timer: Timer, firing: Firing) -> None:
        """The clock's work for a due feed (claimed, outside its transaction): the poll ends
        by writing the feed's next poll time, which moves the timer (migration 0019)."""
        record = await store.get_feed_by_id(self.db, int(timer.key))
        if record is not None and not record.paused:
            await self._poll(record)

    async def _poll(self, record: store.FeedRecord) -> PollOutcome:
        if record.feed.kind == "page":
            from bot.sources.pages.poller import page_changed

            return await poll_source(self._context(), record, page_changed, "page")
        return await poll_feed(self._context(), record)

    # --- staff operations (used by cogs/feeds.py) ------------------------------------------

    async def add(
        self,
        name: str,
        url: str,
        *,
        channel: str | None = None,
        interval_minutes: float | None = None,
        role: str | None = None,
        added_by: str | None = None,
        kind: str = "feed",
        selector: str | None = None,
    ) -> store.FeedRecord:
        """Add a feed (or a page) from Discord: http(s) only, public address (or allow-listed)."""
        raw: dict[str, Any] = {"name": name, "url": url}
        if kind != "feed":
            raw["kind"] = kind
        if selector:
            raw["selector"] = selector
        if channel:
            raw["channels"] = [channel]
        if interval_minutes is not None:
            raw["interval_minutes"] = interval_minutes
        if role:
            raw["role"] = role
        feed = self.validate(raw, "/flux ajouter")
        try:
            await check_url_resolves_public(feed.url, allow_list(self.settings))
        except FeedSafetyError as exc:
            raise FeedAdminError(t(exc.key, **exc.values)) from None
        feed_id = await store.add_feed(self.db, feed, added_by)
        if feed_id is None:
            raise FeedAdminError(t("feeds.reply.exists", name=feed.name))
        self.wake()
        record = await store.get_feed_by_id(self.db, feed_id)
        assert record is not None
        return record

    async def remove(self, name: str) -> FeedDef:
        record = await self._get(name)
        if record.feed.origin == "config":
            raise FeedAdminError(t("feeds.reply.config_owned", name=record.name))
        await store.remove_feed(self.db, record.id)
        return record.feed

    async def feeds(self) -> list[store.FeedRecord]:
        return await store.list_feeds(self.db)

    async def status(self, name: str) -> store.FeedRecord:
        return await self._get(name)

    async def resume(self, name: str) -> store.FeedRecord:
        record = await self._get(name)
        if not await store.resume_feed(self.db, record.id):
            raise FeedAdminError(t("feeds.reply.not_paused", name=record.name))
        self.wake()
        return await self._get(name)

    async def preview(self, name_or_url: str) -> Preview:
        """Read a feed now (known name, or a URL) and build its newest item; nothing is stored."""
        record = await store.get_feed(self.db, name_or_url)
        if record is not None:
            url, local_ok, feed_name = record.feed.url, record.feed.origin == "config", record.name
            channels, role = list(record.feed.channels), record.feed.role
        else:
            url, local_ok, feed_name = name_or_url.strip(), False, "aperçu"
            channels, role = [], None
            if not url.lower().startswith(("http://", "https://")):
                raise FeedAdminError(t("feeds.reply.unknown", name=name_or_url))
            try:
                await check_url_resolves_public(url, allow_list(self.settings))
            except FeedSafetyError as exc:
                raise FeedAdminError(t(exc.key, **exc.values)) from None
        if record is not None and record.feed.kind == "page":
            return await self._page_preview(record)
        try:
            parsed = await read_feed(
                url,
                fetcher=self.fetcher,
                config_dir=self.settings.config_dir,
                local_allowed=local_ok,
                max_body=self.settings.config.feeds.max_body_bytes,
            )
        except UnreadableFeed as exc:
            raise FeedAdminError(t("feeds.reply.test_error", reason=exc.message)) from None
        newest = parsed.newest()
        doc = None
        if newest is not None:
            doc = to_document(
                newest,
                feed_name=feed_name,
                feed=parsed,
                channels=channels,
                mention_role=role,
                feed_url=url,
            )
        return Preview(feed=parsed, document=doc)

    async def _page_preview(self, record: store.FeedRecord) -> Preview:
        """A watched page: its current text, posted as if all of it had just been added."""
        from bot.sources.pages.poller import change_document, read_page

        feed = record.feed
        try:
            content = await read_page(
                record.current_url,
                selector=feed.selector,
                fetcher=self.fetcher,
                config_dir=self.settings.config_dir,
                local_allowed=feed.origin == "config",
                max_body=self.settings.config.feeds.max_body_bytes,
            )
        except UnreadableFeed as exc:
            raise FeedAdminError(t("feeds.reply.test_error", reason=exc.message)) from None
        doc = change_document(
            feed.name,
            record.current_url,
            content,
            content.lines,
            channels=list(feed.channels),
            mention_role=feed.role,
            now=utc_now(),
            show=feed.show,
        )
        page = ParsedFeed(kind="rss", title=content.title, link=record.current_url, items=[])
        return Preview(feed=page, document=doc)

    async def _get(self, name: str) -> store.FeedRecord:
        record = await store.get_feed(self.db, name)
        if record is None:
            raise FeedAdminError(t("feeds.reply.unknown", name=name))
        return record
