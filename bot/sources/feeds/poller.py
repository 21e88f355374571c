"""One poll of one feed: fetch → (skip if unchanged) → parse → dedupe → relay → state.

Never raises for a broken or hostile feed: the error is recorded on the feed (French text),
the feed backs off (doubling from its interval, capped at 6 h), and after repeated failures
(at once for a body built to attack the parser) it is paused and staff are told once, by an
outbox post written in the same transaction.

No floods: the first poll that finds items posts only the newest (an empty or unreadable
first read does not count); later, at most ``max_new_per_poll`` items are posted in full and
the rest listed in one post of links; a poll where every item of a known feed is new (a site
migration that changed every guid) posts nothing and tells staff once. A 301/308 moves the
feed to its new address for good (staff told once).
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

from bot import safe_text
from bot.messages import t
from bot.models import Document, Embed, Post, staff_notice
from bot.sources.feeds import store
from bot.sources.feeds.fetch import Fetcher, FetchError, read_local, resolve_local
from bot.sources.feeds.parse import (
    FeedItem,
    FeedParseError,
    ParsedFeed,
    body_hash,
    french_detail,
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
    max_new_per_poll: int = 5
    default_channel: str = "general"  # where a feed without channels posts its overflow list


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
    moved_to: str | None = None


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
                moved_to=result.moved_to,
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


async def fetch_changed(
    ctx: PollContext, record: store.FeedRecord, now: datetime
) -> Fetched | None:
    """One conditional fetch of a feed or page: a permanent redirect remembered, a 304 (or an
    empty body) recorded as a success and answered None; else what was fetched."""
    fetched = await fetch_source(
        record.current_url,
        fetcher=ctx.fetcher,
        config_dir=ctx.config_dir,
        local_allowed=record.feed.origin == "config",
        max_body=ctx.max_body,
        etag=record.etag,
        last_modified=record.last_modified,
    )
    if fetched.moved_to and fetched.moved_to != record.current_url:
        await _moved(ctx, record, fetched.moved_to, now)
    if fetched.status == 304 or fetched.body is None:
        await _success(ctx, record, now, fetched, body_hash_=None)
        return None
    return fetched


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


MIGRATION_MIN_ITEMS = 3


def looks_like_migration(
    parsed: ParsedFeed, new: list[FeedItem], seen_before: int, last_success: datetime | None
) -> bool:
    """Every item of an already-known feed is new at once, and they are old news: the site
    changed its identifiers (a new CMS, a new domain in the guids).

    A feed that shows only its latest item or two legitimately renews them all, and a feed
    whose whole content is replaced by items dated after our last read (a weekly bulletin) is
    news: both are posted (within the per-poll cap). Without dates, nothing tells: posted too.
    """
    if seen_before == 0 or len(parsed.items) < MIGRATION_MIN_ITEMS or len(new) != len(parsed.items):
        return False
    dated = [item.published for item in new if item.published is not None]
    if not dated or last_success is None:
        return False
    older = sum(1 for when in dated if when <= last_success)
    return older * 5 >= len(dated) * 4  # at least 80 % published before our last read


# What one kind of source does with a body that changed (a feed parses items, a page compares
# its text); every failure it raises is recorded by ``poll_source``.
PollBody = Callable[[PollContext, store.FeedRecord, datetime, Fetched], Awaitable[PollOutcome]]


async def poll_source(
    ctx: PollContext, record: store.FeedRecord, body: PollBody, what: str = "feed"
) -> PollOutcome:
    """Poll one feed or page once: the conditional fetch, then ``body`` on what changed;
    every failure ends up recorded on it (back-off, then a pause), never raised."""
    now = utc_now()
    try:
        fetched = await fetch_changed(ctx, record, now)
        if fetched is None or fetched.body is None:
            return PollOutcome(status="not_modified")
        return await body(ctx, record, now, fetched)
    except UnreadableFeed as exc:
        return await _failure(ctx, record, now, exc.message, exc.retry_after, exc.permanent)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.exception("%s %s: unexpected error", what, record.feed.name)
        return await _failure(
            ctx, record, now, t("feeds.error.internal", detail=french_detail(exc)), None, False
        )


async def poll_feed(ctx: PollContext, record: store.FeedRecord) -> PollOutcome:
    """Poll one feed once; every failure ends up recorded on the feed, never raised."""
    return await poll_source(ctx, record, _feed_changed, "feed")


async def _feed_changed(
    ctx: PollContext, record: store.FeedRecord, now: datetime, fetched: Fetched
) -> PollOutcome:
    assert fetched.body is not None
    digest = body_hash(fetched.body)
    if record.initialized and digest == record.body_hash:
        await _success(ctx, record, now, fetched, body_hash_=digest)
        return PollOutcome(status="unchanged")
    try:
        parsed = await parse_feed(fetched.body, url=fetched.url, content_type=fetched.content_type)
    except FeedParseError as exc:
        # A body built to attack the parser will not become a feed by waiting.
        permanent = exc.key == "feeds.error.entities"
        raise UnreadableFeed(t(exc.key, **exc.values), permanent=permanent) from None
    return await _handle_items(ctx, record, now, fetched, digest, parsed)


async def _handle_items(
    ctx: PollContext,
    record: store.FeedRecord,
    now: datetime,
    fetched: Fetched,
    digest: str,
    parsed: ParsedFeed,
) -> PollOutcome:
    feed = record.feed
    wanted = [i.external_id for i in parsed.items] + [a for i in parsed.items for a in i.aliases]
    known = await store.known_ids(ctx.db, record.id, wanted)
    new = [
        item
        for item in parsed.items
        if item.external_id not in known and not any(a in known for a in item.aliases)
    ]
    migrated = False
    if record.initialized and new and len(new) == len(parsed.items):
        seen = await store.count_items(ctx.db, record.id)
        migrated = looks_like_migration(parsed, new, seen, record.last_success)
    candidates = [] if migrated else items_to_relay(record, parsed, new)
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
        doc.meta["show"] = feed.show
        if feed.accepts(doc.title, doc.text, doc.categories):
            documents.append(doc)
    # Beyond the cap, the oldest are listed in one post of links instead of one post each.
    overflow: list[Document] = []
    if len(documents) > ctx.max_new_per_poll:
        cut_at = len(documents) - ctx.max_new_per_poll
        overflow, documents = documents[:cut_at], documents[cut_at:]
    to_relay = {doc.external_id for doc in documents}
    silent = [item.external_id for item in new if item.external_id not in to_relay]
    # Items not posted are remembered now; posted ones only once the pipeline has them, so a
    # crash in between means a retry (which the pipeline's own dedupe turns into a no-op).
    async with ctx.db.transaction() as conn:
        await store.record_items(conn, record.id, silent, relayed=False, now=now)
        await store.touch_items(conn, record.id, (i.external_id for i in parsed.items), now=now)
        if overflow:
            await outbox.enqueue(
                conn,
                overflow_post(record, overflow, ctx.default_channel),
                kind="feeds.overflow",
                dedupe_key=f"feeds.overflow:{record.id}:{overflow[0].external_id[:200]}",
            )
        if migrated:
            log.warning("feed %s: every identifier changed, %d items kept silent",
                        feed.name, len(new))
            await outbox.enqueue(
                conn,
                migration_notice(record, len(new)),
                kind="feeds.migrated",
                dedupe_key=f"feeds.migrated:{record.id}:{digest}",
            )
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
    # An empty first read (a feed not yet filled, a placeholder page) does not count as the
    # first poll: otherwise the 50 items it shows later would all be "new".
    await _success(
        ctx, record, now, fetched, body_hash_=digest, initialized=bool(parsed.items)
    )
    return PollOutcome(
        status="parsed", new_items=len(new), relayed=len(relayed), relayed_ids=relayed
    )


async def _moved(ctx: PollContext, record: store.FeedRecord, url: str, now: datetime) -> None:
    """A 301/308: poll the new address from now on, and tell staff once."""
    log.info("feed %s moved permanently to %s", record.feed.name, url)
    async with ctx.db.transaction() as conn:
        await store.record_move(conn, record, url)
        await outbox.enqueue(
            conn,
            moved_notice(record, url),
            kind="feeds.moved",
            dedupe_key=f"feeds.moved:{record.id}:{url[:500]}",
        )
    record.moved_url = url


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


def _inert(text: str) -> str:
    """Server-controlled text (error details, URLs) shown literally, pinging nobody."""
    return safe_text.escape_markdown(text).replace("@", "@\u200b")


def paused_notice(record: store.FeedRecord, failures: int, error: str) -> Post:
    name = _inert(record.feed.name)
    page = record.feed.kind == "page"
    body = t(
        "feeds.paused.body_page" if page else "feeds.paused.body",
        name=name,
        url=_inert(record.current_url),
        failures=failures,
        error=_inert(error),
    )
    title = t("feeds.paused.title_page" if page else "feeds.paused.title", name=name)
    return staff_notice(title, body, color=COLOR_WARNING)


def _link_target(url: str) -> str:
    """A URL safe inside Markdown's (…): no spaces, parentheses or angle brackets."""
    return "".join(c if c not in " ()<>" else f"%{ord(c):02X}" for c in url)


def overflow_post(record: store.FeedRecord, docs: list[Document], default_channel: str) -> Post:
    """One post listing the new items beyond the per-poll cap: titles and links."""
    lines = []
    for doc in docs[:40]:
        title = _inert(doc.title.strip() or "(sans titre)")[:150]
        lines.append(f"• [{title}]({_link_target(doc.link)})" if doc.link else f"• {title}")
    if len(docs) > 40:
        lines.append(t("feeds.overflow.more", count=len(docs) - 40))
    channels = list(record.feed.channels) or [default_channel]
    return Post(
        channel=channels[0],
        embeds=[
            Embed(
                title=t("feeds.overflow.title", count=len(docs), name=_inert(record.feed.name))[
                    :256
                ],
                description="\n".join(lines)[:4000],
            )
        ],
    )


def moved_notice(record: store.FeedRecord, url: str) -> Post:
    key = "feeds.moved.body" if record.feed.origin == "discord" else "feeds.moved.body_config"
    body = t(key, name=_inert(record.feed.name), old=_inert(record.current_url), new=_inert(url))
    return staff_notice(
        t("feeds.moved.title", name=_inert(record.feed.name)), body, color=COLOR_WARNING
    )


def migration_notice(record: store.FeedRecord, count: int) -> Post:
    body = t("feeds.migrated.body", name=_inert(record.feed.name), count=count)
    return staff_notice(
        t("feeds.migrated.title", name=_inert(record.feed.name)), body, color=COLOR_WARNING
    )
