"""One poll of one watched page: fetch → extract → compare → post what was added, once.

The same guards as feeds (the shared Fetcher: SSRF check at connection time, size cap,
conditional GET, redirects remembered) and the same failure path (backoff, then a pause
with a French reason and one notice to staff).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.messages import t
from bot.models import Document
from bot.sources.feeds import store
from bot.sources.feeds.fetch import Fetcher
from bot.sources.feeds.parse import french_detail
from bot.sources.feeds.poller import (
    Fetched,
    PollContext,
    PollOutcome,
    UnreadableFeed,
    _success,
    fetch_source,
)
from bot.sources.feeds.safety import header_codec
from bot.sources.pages import store as page_store
from bot.sources.pages.extract import (
    INLINE_BYTES,
    INLINE_TAGS,
    PageContent,
    added_lines,
    extract,
    extract_in_child,
)

log = logging.getLogger(__name__)

MAX_POST_LINES = 60


@dataclass
class PageChange:
    content: PageContent
    added: list[str]
    first: bool  # no earlier version: nothing to compare with


async def read_page(
    url: str,
    *,
    selector: str | None,
    fetcher: Fetcher,
    config_dir: Path,
    local_allowed: bool,
    max_body: int,
) -> PageContent:
    """Fetch and extract, no state (for `relais page` and `/flux tester`)."""
    fetched = await fetch_source(
        url, fetcher=fetcher, config_dir=config_dir, local_allowed=local_allowed, max_body=max_body
    )
    assert fetched.body is not None
    return await _extract(fetched.body, selector, fetched.content_type)


_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


async def _extract(
    body: bytes, selector: str | None, content_type: str | None = None
) -> PageContent:
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind not in _HTML_TYPES:
        raise UnreadableFeed(t("pages.error.not_html", kind=kind[:60]))
    # An unknown charset: the page's own <meta> (or detection) decides.
    encoding = header_codec(content_type)
    try:
        if len(body) > INLINE_BYTES or body.count(b"<") > INLINE_TAGS:
            content = await _extract_in_sandbox(body, selector, encoding)
        else:
            content = await asyncio.to_thread(extract, body, selector, encoding)
    except UnreadableFeed:
        raise
    except Exception as exc:  # bs4/lxml on hostile markup: a French reason, never a crash
        log.warning("page extraction failed: %r", exc)
        raise UnreadableFeed(t("pages.error.unreadable", detail=french_detail(exc))) from None
    if selector and not content.matched:
        raise UnreadableFeed(t("pages.error.selector_nothing", selector=selector))
    if not content.lines:
        raise UnreadableFeed(t("pages.error.empty"))
    return content


async def _extract_in_sandbox(
    body: bytes, selector: str | None, encoding: str | None
) -> PageContent:
    """A big page: extracted in a child process limited in time and memory."""
    from bot.sources.feeds import sandbox

    work = functools.partial(extract_in_child, selector=selector, encoding=encoding)
    try:
        result: PageContent = await sandbox.parse_in_sandbox(
            work, body, url=None, content_type=None
        )
    except sandbox.SandboxError as exc:
        key = "pages.error.too_complex" if exc.key == "feeds.error.too_complex" else exc.key
        raise UnreadableFeed(t(key, **exc.values)) from None
    return result


def change_document(
    record_name: str,
    url: str,
    content: PageContent,
    added: list[str],
    *,
    channels: list[str],
    mention_role: str | None,
    now: datetime,
    show: str = "full",
) -> Document:
    """The communication a change makes: what was added, titled after the page."""
    shown = added[:MAX_POST_LINES]
    text = "\n\n".join(shown)
    if len(added) > MAX_POST_LINES:
        text += "\n\n" + t("pages.post.more", count=len(added) - MAX_POST_LINES)
    return Document(
        source_kind="feed",
        source_name=record_name,
        kind="page",
        title=t("pages.post.title", title=content.title or record_name),
        text=text,
        external_id=f"page:{content.digest}",
        link=url,
        published=now,
        channels=channels,
        mention_role=mention_role,
        meta={"page_title": content.title, "feed_url": url, "show": show},
    )


async def page_changed(
    ctx: PollContext, record: store.FeedRecord, now: datetime, fetched: Fetched
) -> PollOutcome:
    """What a poll of a page (``poller.poll_source``) does with a body that changed: compare
    its text with the last version, post what was added once."""
    assert fetched.body is not None
    feed = record.feed
    content = await _extract(fetched.body, feed.selector, fetched.content_type)
    previous = await page_store.get_version(ctx.db, record.id)
    digest = content.digest
    if previous is not None and previous.digest == digest:
        await _success(ctx, record, now, fetched, body_hash_=None)
        return PollOutcome(status="unchanged")
    added = added_lines(previous.keys, content) if previous is not None else []
    relayed: list[str] = []
    if previous is not None and added:
        doc = change_document(
            feed.name,
            record.current_url,
            content,
            added,
            channels=list(feed.channels),
            mention_role=feed.role,
            now=now,
            show=feed.show,
        )
        if feed.accepts(doc.title, doc.text):
            result = await ctx.relay(doc)
            if not getattr(result, "duplicate", False):
                relayed.append(doc.external_id)
    # Saved after the relay: a crash in between polls again, and the pipeline's dedupe
    # (the version's digest is the item's identity) keeps the change posted once.
    async with ctx.db.transaction() as conn:
        await page_store.save_version(
            conn, record.id, digest, content.lines, now=now, changed=previous is not None
        )
        if relayed:
            await store.count_relayed(conn, record.id, len(relayed))
    await _success(ctx, record, now, fetched, body_hash_=None, initialized=True)
    return PollOutcome(
        status="parsed", new_items=len(added), relayed=len(relayed), relayed_ids=relayed
    )
