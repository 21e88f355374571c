"""Feed polls on the durable clock: one timer per active feed, kept by triggers (0019)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import timers
from bot.app import App
from bot.sources.feeds import store
from bot.sources.feeds.service import POLL_KIND, FeedService
from tests.feeds.conftest import FeedServer, make_settings
from tests.feeds.feedgen import rss_feed
from tests.feeds.test_service import open_app, relayed_ids


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await open_app(make_settings(tmp_path, allow=["127.0.0.1"], timeout=2))
    yield application
    await application.clock.stop()
    await application.db.close()


async def poll_timers(app: App) -> dict[str, str]:
    return {t.key: timers.to_iso(t.due) for t in await timers.pending(app.db, POLL_KIND)}


async def test_a_feed_is_polled_by_the_clock_and_its_timer_follows_the_feed(
    app: App, feed_server: FeedServer
) -> None:
    good = feed_server.serve("/bon.xml", rss_feed(feed=4, items=2))
    gone = feed_server.serve("/parti.xml", b"parti", status=410)
    service = FeedService(app)
    await service.start()
    record = await service.add("Bon", good, interval_minutes=30)
    other = await service.add("Parti", gone)
    # Never polled: due now.
    assert set(await poll_timers(app)) == {str(record.id), str(other.id)}
    app.clock.start()
    await app.clock.wait_idle()
    await app.clock.stop()  # what follows is the triggers' doing alone
    assert await relayed_ids(app.db) == ["f4-item-1"]
    polled = await store.get_feed(app.db, "Bon")
    assert polled is not None and polled.next_poll is not None
    # The poll wrote the next poll time: the timer moved there; the gone feed paused, no timer.
    assert await poll_timers(app) == {str(record.id): timers.to_iso(polled.next_poll)}
    resumed = await service.resume("Parti")
    assert str(resumed.id) in await poll_timers(app)  # due now again
    await service.remove("Bon")
    assert str(record.id) not in await poll_timers(app)
    await service.stop()
