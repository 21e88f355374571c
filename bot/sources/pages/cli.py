"""`relais page URL [--selecteur CSS] [--json]`: what Relais watches on a page, and would post."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TextIO

from bot.messages import t
from bot.settings import Settings
from bot.sources.feeds.cli import (
    _analyse,
    item_json,
    loaded,
    read_operator_source,
    reader_may_leave,
    render_text,
)
from bot.sources.feeds.fetch import Fetcher
from bot.sources.feeds.poller import UnreadableFeed
from bot.sources.pages.extract import PageContent, SelectorError, check_selector
from bot.sources.pages.poller import _extract, change_document, read_page
from bot.timeutil import utc_now

EXIT_UNREADABLE = 2


async def load_page(source: str, selector: str | None, settings: Settings) -> PageContent:
    """A URL (through the bot's guarded fetcher) or a local HTML file of the operator."""
    if selector:
        try:
            check_selector(selector)
        except SelectorError:
            raise UnreadableFeed(t("feeds.config.bad_selector", value=selector)) from None

    async def remote(fetcher: Fetcher) -> PageContent:
        return await read_page(
            source,
            selector=selector,
            fetcher=fetcher,
            config_dir=settings.config_dir,
            local_allowed=False,
            max_body=settings.config.feeds.max_body_bytes,
        )

    async def local(data: bytes) -> PageContent:
        return await _extract(data, selector)

    return await read_operator_source(source, settings, remote, local)


async def page_command(
    source: str,
    selector: str | None,
    as_json: bool,
    settings: Settings,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the watched text and the post a change would make (all of it taken as added)."""
    stdout = out or sys.stdout
    content = await loaded(load_page(source, selector, settings), "pages.cli.unreadable", err)
    if content is None:
        return EXIT_UNREADABLE
    name = content.title or source
    doc = change_document(
        name, source, content, content.lines, channels=[], mention_role=None, now=utc_now()
    )
    analysis = await asyncio.to_thread(_analyse, doc, settings)
    with reader_may_leave(stdout):
        if as_json:
            payload = item_json(doc, analysis)
            payload.update(page_title=content.title, digest=content.digest, lines=content.lines)
            stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        else:
            header = t(
                "pages.cli.header", title=name, count=len(content.lines), digest=content.digest
            )
            print(header, file=stdout)
            print(t("pages.cli.would_post"), file=stdout)
            stdout.write(render_text(doc, analysis, settings))
    return 0
