"""One poll of one feed: fetch → (skip if unchanged) → parse → dedupe → relay → state.

Never raises for a broken or hostile feed: the error is recorded on the feed (French text),
the feed backs off (doubling from its interval, capped at 6 h), and after repeated failures
it is paused and staff are told once, by an outbox post written in the same transaction.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from bot.messages import t
from bot.models import Document, Embed, Post
from bot.sources.feeds import store
from bot.sources.feeds.fetch import Fetcher, FetchError, read_local, resolve_local
from bot.sources.feeds.parse import (
    FeedItem,
    FeedParseError,
    ParsedFeed,
    body_hash,
    parse_feed,
    to_document,
)
from bot.store import outbox
from bot.store.db import Database
from bot.timeutil import to_iso, utc_now

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
STAFF_CHANNEL = "staff"
COLOR_WARNING = 0xE0A100


class RelayResultLike(Protocol):
    duplicate: bool


Relay = Callable[[Document], Awaitable[Any]]


@dataclass
class PollContext:
    db: Database
    fetcher: Fetcher
    relay: Relay
    config_dir: Path
    max_body: int = 5_000_000
    max_failures: int = 8


@dataclass
class PollOutcome:
    status: Literal["not_modified", "unchanged", "parsed", "error"]
    new_items: int = 0
    relayed: int = 0
    error: str | None = None
    paused: bool = False
    relayed_ids: list[str] = field(default_factory=list)


@dataclass
class Fetched:
    status: int
    body: bytes | None
    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    max_age: float | None = None


class UnreadableFeed(Exception):
    """Fetching or parsing failed; ``message`` is the French explanation."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.permanent = permanent


async def fetch_source(
    url: str,
    *,
    fetcher: Fetcher,
    config_dir: Path,
    local_allowed: bool,
    max_body: int,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """Bytes of a feed, from the web or (config-declared feeds only) a local file."""
    try:
        if re.match(r"^https?://", url, re.IGNORECASE):
            result = await fetcher.fetch(url, etag=etag, last_modified=last_modified)
            return Fetched(
                status=result.status,
                body=result.body,
                url=result.url,
                etag=result.etag,
                last_modified=result.last_modified,
                content_type=result.content_type,
                max_age=result.max_age,
            )
        if not local_allowed:
            raise UnreadableFeed(t("feeds.error.local_forbidden"))
        path = resolve_local(url, config_dir)
        data = await asyncio.to_thread(read_local, path, max_body)
        return Fetched(status=200, body=data, url=path.as_uri())
    except FetchError as exc:
        raise UnreadableFeed(
            t(exc.key, **exc.values), retry_after=exc.retry_after, permanent=exc.permanent
        ) from None


async def read_feed(
    url: str, *, fetcher: Fetcher, config_dir: Path, local_allowed: bool, max_body: int
) -> ParsedFeed:
    """Fetch and parse, no state (for `/flux tester` and `relais feed`)."""
    fetched = await fetch_source(
        url, fetcher=fetcher, config_dir=config_dir, local_allowed=local_allowed, max_body=max_body
    )
    assert fetched.body is not None  # no validators sent: never a 304
    try:
        return await parse_feed(fetched.body, url=fetched.url, content_type=fetched.content_type)
    except FeedParseError as exc:
        raise UnreadableFeed(t(exc.key, **exc.values)) from None


def backoff_delay(interval_minutes: float, failures: int, retry_after: float | None) -> timedelta:
    """Doubling from the poll interval at each consecutive failure, capped at 6 h."""
    base = timedelta(minutes=interval_minutes)
    delay = base * (2 ** min(max(failures - 1, 0), 16))
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return min(delay, MAX_BACKOFF)


def success_delay(interval_minutes: float, max_age: float | None) -> timedelta:
    delay = timedelta(minutes=interval_minutes)
    if max_age:
        delay = max(delay, timedelta(seconds=max_age))  # max_age is capped by the fetcher
    return delay


def items_to_relay(
    record: store.FeedRecord, parsed: ParsedFeed, new: list[FeedItem]
) -> list[FeedItem]:
    """Oldest first; on the first poll only the newest item (no flood when a feed is added)."""
    if not new:
        return []
    if not record.initialized:
        newest = parsed.newest()
        return [newest] if newest is not None and newest in new else []
    # Feeds list newest first: relay in reverse document order, then by date where known.
    ordered = list(reversed(new))
    if all(item.published is not None for item in ordered):
        ordered.sort(key=lambda item: item.published)  # type: ignore[arg-type,return-value]
    return ordered


async def poll_feed(ctx: PollContext, record: store.FeedRecord) -> PollOutcome:
    """Poll one feed once; every failure ends up recorded on the feed, never raised."""
    now = utc_now()
    feed = record.feed
    try:
        fetched = await fetch_source(
            feed.url,
            fetcher=ctx.fetcher,
            config_dir=ctx.config_dir,
            local_allowed=feed.origin == "config",
            max_body=ctx.max_body,
            etag=record.etag,
            last_modified=record.last_modified,
        )
        if fetched.status == 304 or fetched.body is None:
            await _success(ctx, record, now, fetched, body_hash_=None)
            return PollOutcome(status="not_modified")
        digest = body_hash(fetched.body)
        if record.initialized and digest == record.body_hash:
            await _success(ctx, record, now, fetched, body_hash_=digest)
            return PollOutcome(status="unchanged")
        try:
            parsed = await parse_feed(
                fetched.body, url=fetched.url, content_type=fetched.content_type
            )
        except FeedParseError as exc:
            raise UnreadableFeed(t(exc.key, **exc.values)) from None
        return await _handle_items(ctx, record, now, fetched, digest, parsed)
    except UnreadableFeed as exc:
        return await _failure(ctx, record, now, exc.message, exc.retry_after, exc.permanent)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.exception("feed %s: unexpected error", feed.name)
        return await _failure(
            ctx, record, now, t("feeds.error.internal", detail=type(exc).__name__), None, False
        )


async def _handle_items(
    ctx: PollContext,
    record: store.FeedRecord,
    now: datetime,
    fetched: Fetched,
    digest: str,
    parsed: ParsedFeed,
) -> PollOutcome:
    feed = record.feed
    known = await store.known_ids(ctx.db, record.id, (i.external_id for i in parsed.items))
    new = [item for item in parsed.items if item.external_id not in known]
    candidates = items_to_relay(record, parsed, new)
    documents: list[Document] = []
    for item in candidates:
        doc = to_document(
            item,
            feed_name=feed.name,
            feed=parsed,
            channels=list(feed.channels),
            mention_role=feed.role,
            feed_url=feed.url,
        )
        if feed.accepts(doc.title, doc.text):
            documents.append(doc)
    to_relay = {doc.external_id for doc in documents}
    silent = [item.external_id for item in new if item.external_id not in to_relay]
    # Items not posted are remembered now; posted ones only once the pipeline has them, so a
    # crash in between means a retry (which the pipeline's own dedupe turns into a no-op).
    async with ctx.db.transaction() as conn:
        await store.record_items(conn, record.id, silent, relayed=False, now=now)
        await store.touch_items(conn, record.id, (i.external_id for i in parsed.items), now=now)
    relayed: list[str] = []
    for doc in documents:
        result = await ctx.relay(doc)
        duplicate = bool(getattr(result, "duplicate", False))
        async with ctx.db.transaction() as conn:
            await store.record_items(conn, record.id, [doc.external_id], relayed=True, now=now)
            if not duplicate:
                await store.count_relayed(conn, record.id, 1)
        if not duplicate:
            relayed.append(doc.external_id)
    await _success(ctx, record, now, fetched, body_hash_=digest, initialized=True)
    return PollOutcome(
        status="parsed", new_items=len(new), relayed=len(relayed), relayed_ids=relayed
    )


async def _success(
    ctx: PollContext,
    record: store.FeedRecord,
    now: datetime,
    fetched: Fetched,
    *,
    body_hash_: str | None,
    initialized: bool = False,
) -> None:
    next_poll = now + success_delay(record.feed.interval_minutes, fetched.max_age)
    async with ctx.db.transaction() as conn:
        await store.record_success(
            conn,
            record.id,
            now=now,
            next_poll=next_poll,
            # A 304 carries no new validators most of the time: keep the ones we have.
            etag=fetched.etag or (record.etag if fetched.status == 304 else None),
            last_modified=fetched.last_modified
            or (record.last_modified if fetched.status == 304 else None),
            body_hash=body_hash_,
            final_url=fetched.url if fetched.status == 200 else None,
            initialized=initialized,
        )


async def _failure(
    ctx: PollContext,
    record: store.FeedRecord,
    now: datetime,
    message: str,
    retry_after: float | None,
    permanent: bool,
) -> PollOutcome:
    failures = record.failures + 1
    pause = permanent or failures >= ctx.max_failures
    next_poll = now + backoff_delay(record.feed.interval_minutes, failures, retry_after)
    log.warning("feed %s failed (%d in a row): %s", record.feed.name, failures, message)
    async with ctx.db.transaction() as conn:
        await store.record_failure(
            conn,
            record.id,
            now=now,
            next_poll=next_poll,
            error=message,
            failures=failures,
            pause=pause,
        )
        if pause and not record.paused:
            await outbox.enqueue(
                conn,
                paused_notice(record, failures, message),
                kind="feeds.paused",
                dedupe_key=f"feeds.paused:{record.id}:{to_iso(now)}",
            )
    return PollOutcome(status="error", error=message, paused=pause)


_MARKDOWN = re.compile(r"([\\*_~`|\[\]>#])")


def _inert(text: str) -> str:
    """Server-controlled text (error details, URLs) shown literally, pinging nobody."""
    return _MARKDOWN.sub(r"\\\1", text).replace("@", "@\u200b")


def paused_notice(record: store.FeedRecord, failures: int, error: str) -> Post:
    name = _inert(record.feed.name)
    body = t(
        "feeds.paused.body",
        name=name,
        url=_inert(record.feed.url),
        failures=failures,
        error=_inert(error),
    )
    return Post(
        channel=STAFF_CHANNEL,
        embeds=[
            Embed(
                title=t("feeds.paused.title", name=name)[:256],
                description=body[:4000],
                color=COLOR_WARNING,
            )
        ],
    )
