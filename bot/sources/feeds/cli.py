"""`relais feed SOURCE [--json]`: read one feed (URL or file) and show its items."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, TypeVar

from bot.messages import t
from bot.models import Document
from bot.settings import Settings
from bot.sources.feeds.fetch import Fetcher, FetchError, read_local
from bot.sources.feeds.parse import FeedParseError, ParsedFeed, parse_feed, to_document
from bot.sources.feeds.poller import UnreadableFeed, read_feed
from bot.sources.feeds.service import make_fetcher
from bot.text import Analysis, analyse
from bot.timeutil import to_iso, to_local, utc_now

EXIT_UNREADABLE = 2
T = TypeVar("T")


async def read_operator_source(
    source: str,
    settings: Settings,
    remote: Callable[[Fetcher], Awaitable[T]],
    local: Callable[[bytes], Awaitable[T]],
) -> T:
    """What `relais feed` and `relais page` read: a URL through the same guarded fetcher as
    the bot (``remote``), or a local file of the operator (its bytes given to ``local``)."""
    if source.lower().startswith(("http://", "https://")):
        fetcher = make_fetcher(settings)
        try:
            return await remote(fetcher)
        finally:
            await fetcher.close()
    path = Path(source.removeprefix("file://"))
    try:
        data = await asyncio.to_thread(read_local, path, settings.config.feeds.max_body_bytes)
    except FetchError as exc:
        raise UnreadableFeed(t(exc.key, **exc.values)) from None
    return await local(data)


async def load_source(source: str, settings: Settings) -> ParsedFeed:
    """A URL (through the same guarded fetcher as the bot) or a local file of the operator."""

    async def remote(fetcher: Fetcher) -> ParsedFeed:
        return await read_feed(
            source,
            fetcher=fetcher,
            config_dir=settings.config_dir,
            local_allowed=False,
            max_body=settings.config.feeds.max_body_bytes,
        )

    async def local(data: bytes) -> ParsedFeed:
        try:
            return await parse_feed(data, url=None)
        except FeedParseError as exc:
            raise UnreadableFeed(t(exc.key, **exc.values)) from None

    return await read_operator_source(source, settings, remote, local)


def _analyse(doc: Document, settings: Settings) -> Analysis:
    moment = doc.published or utc_now()
    reference = to_local(moment, settings.timezone).date()
    result = analyse(doc.text, reference=reference, title=doc.title)
    result.summary = result.summary[: settings.config.summary.sentences]
    return result


def item_json(doc: Document, analysis: Analysis) -> dict[str, Any]:
    return {
        "id": doc.external_id,
        "title": doc.title,
        "link": doc.link,
        "published": to_iso(doc.published) if doc.published else None,
        "summary": list(analysis.summary),
        "dates": [found.to_dict() for found in analysis.dates],
        "categories": list(doc.categories),
    }


def render_text(doc: Document, analysis: Analysis, settings: Settings) -> str:
    """The item as the console publisher would show its post."""
    # The CLI sits above every layer; the renderer is imported here, at use, so that the feeds
    # package itself never depends on bot.relay.
    from bot.relay.publisher import render_console
    from bot.relay.render import render_communication
    from bot.relay.routing import route

    channel = (doc.channels or route(doc, settings.config.routing))[0]
    post = render_communication(
        doc,
        analysis,
        channel=channel,
        communication_id=0,
        today=to_local(utc_now(), settings.timezone).date(),
        ping_role=doc.mention_role,
    )
    post.buttons = []  # nothing to take charge of outside Discord
    return render_console(post, settings.config.channels.get(channel, channel))


async def feed_command(
    source: str,
    as_json: bool,
    settings: Settings,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print each item of one feed; exit code 2 (and one French line) when it is unreadable."""
    stdout = out or sys.stdout
    feed = await loaded(load_source(source, settings), "feeds.cli.unreadable", err)
    if feed is None:
        return EXIT_UNREADABLE
    name = feed.title or source
    if not as_json:
        print(t("feeds.cli.header", title=name, kind=feed.kind, count=len(feed.items)), file=stdout)
    with reader_may_leave(stdout):
        for item in feed.items:
            doc = to_document(item, feed_name=name, feed=feed, feed_url=source)
            analysis = await asyncio.to_thread(_analyse, doc, settings)
            if as_json:
                stdout.write(json.dumps(item_json(doc, analysis), ensure_ascii=False) + "\n")
            else:
                stdout.write(render_text(doc, analysis, settings))
    return 0


async def loaded(load: Awaitable[T], unreadable_key: str, err: TextIO | None) -> T | None:
    """What an operator's command read, or None once it said in French why it could not."""
    try:
        return await load
    except UnreadableFeed as exc:
        print(t(unreadable_key, reason=exc.message), file=err or sys.stderr)
        return None


@contextmanager
def reader_may_leave(stdout: TextIO) -> Iterator[None]:
    """`relais feed … | head`: the reader left, which is not an error."""
    try:
        yield
        stdout.flush()
    except BrokenPipeError:
        if stdout is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
