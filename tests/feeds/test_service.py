"""The feeds service end to end: real aiohttp server, real SQLite, the real pipeline and outbox."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import App
from bot.relay.publisher import ConsolePublisher
from bot.settings import Settings, SettingsError
from bot.sources.feeds import store
from bot.sources.feeds.poller import backoff_delay, poll_feed
from bot.sources.feeds.service import FeedAdminError, FeedService
from bot.store.db import Database
from tests.feeds.conftest import FeedServer, make_settings
from tests.feeds.feedgen import rss_feed


class VersionedFeed:
    """A feed whose content staff change during a test; answers 304 to a matching ETag."""

    def __init__(self, body: bytes) -> None:
        self.version = 1
        self.body = body

    def update(self, body: bytes) -> None:
        self.version += 1
        self.body = body

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        etag = f'"v{self.version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=self.body, headers={"ETag": etag}, content_type="application/rss+xml")


async def open_app(settings: Settings) -> App:
    db = await Database.open(settings.database_path)
    return App(settings, db, ConsolePublisher(settings.config.channels, stream=io.StringIO()))


@asynccontextmanager
async def feeds_app(settings: Settings) -> AsyncIterator[tuple[App, FeedService]]:
    """A real App over ``settings`` and its feed service; stopped and closed after."""
    application = await open_app(settings)
    service = FeedService(application)
    try:
        yield application, service
    finally:
        await service.stop()
        await application.db.close()


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    application = await open_app(make_settings(tmp_path, allow=["127.0.0.1"], timeout=2))
    yield application
    await application.db.close()


async def posts(db: Database, kind: str = "communication") -> list[dict[str, object]]:
    rows = await db.fetchall("SELECT channel, payload FROM outbox WHERE kind = ? ORDER BY id", (kind,))
    return [dict(json.loads(row["payload"]), channel=row["channel"]) for row in rows]


async def relayed_ids(db: Database) -> list[str]:
    rows = await db.fetchall("SELECT external_id FROM communications WHERE source_kind='feed' ORDER BY id")
    return [row[0] for row in rows]


async def test_first_poll_posts_newest_only_then_each_new_item_once(
    app: App, feed_server: FeedServer, tmp_path: Path
) -> None:
    feed = VersionedFeed(rss_feed(feed=1, items=5))
    url = feed_server.route("/msss.xml", feed)
    service = FeedService(app)
    await service.add("MSSS — Communiqués", url, channel="msss", added_by="staff#1")

    await service.run_once()
    assert await relayed_ids(app.db) == ["f1-item-4"]
    first = (await posts(app.db))[0]
    assert first["channel"] == "msss"
    assert first["embeds"][0]["url"] == "https://msss.exemple.gouv.qc.ca/f1/communique-4"  # type: ignore[index]

    feed.update(rss_feed(feed=1, items=7))  # two new items
    await service.run_once()
    assert await relayed_ids(app.db) == ["f1-item-4", "f1-item-5", "f1-item-6"]  # oldest first

    await service.run_once()  # same version: 304
    assert feed_server.requests[-1].headers.get("If-None-Match") == '"v2"'
    assert len(await relayed_ids(app.db)) == 3
    record = await store.get_feed(app.db, "msss — communiqués")
    assert record is not None and record.items_relayed == 3 and record.items_seen == 7
    await service.stop()

    # Restart: a new app on the same database never posts an item again.
    again = await open_app(app.settings)
    try:
        feed.update(rss_feed(feed=1, items=8))
        restarted = FeedService(again)
        await restarted.run_once()
        await restarted.stop()
        assert await relayed_ids(again.db) == ["f1-item-4", "f1-item-5", "f1-item-6", "f1-item-7"]
    finally:
        await again.db.close()


async def test_unchanged_body_is_not_parsed_again(app: App, feed_server: FeedServer) -> None:
    url = feed_server.serve("/same.xml", rss_feed(feed=2, items=3))  # no validators at all
    service = FeedService(app)
    await service.add("Même contenu", url)
    ctx = service._context()
    record = await store.get_feed(app.db, "Même contenu")
    assert record is not None
    assert (await poll_feed(ctx, record)).status == "parsed"
    record = await store.get_feed(app.db, "Même contenu")
    assert record is not None
    assert (await poll_feed(ctx, record)).status == "unchanged"
    await service.stop()


async def test_failures_back_off_then_pause_and_tell_staff_once(app: App, feed_server: FeedServer) -> None:
    url = feed_server.serve("/broken.xml", b"panne", status=500)
    service = FeedService(app)
    await service.add("Site en panne", url, interval_minutes=5)
    ctx = service._context()
    delays = []
    for _ in range(4):
        record = await store.get_feed(app.db, "Site en panne")
        assert record is not None
        outcome = await poll_feed(ctx, record)
        assert outcome.status == "error" and "500" in (outcome.error or "")
        after = await store.get_feed(app.db, "Site en panne")
        assert after is not None and after.next_poll is not None and after.last_error_at is not None
        delays.append(round((after.next_poll - after.last_error_at).total_seconds() / 60))
    assert delays == [5, 10, 20, 40]  # doubling from the interval
    record = await store.get_feed(app.db, "Site en panne")
    assert record is not None and record.paused and record.failures == 4
    notices = await posts(app.db, "feeds.paused")
    assert len(notices) == 1  # paused at the 3rd failure; the 4th told nobody again
    assert notices[0]["channel"] == "staff"
    assert "Site en panne" in notices[0]["embeds"][0]["title"]  # type: ignore[index]

    hits = feed_server.hits["/broken.xml"]
    await service.run_once()  # paused feeds are not polled
    assert feed_server.hits["/broken.xml"] == hits
    await service.resume("site en panne")
    record = await store.get_feed(app.db, "Site en panne")
    assert record is not None and not record.paused and record.failures == 0
    with pytest.raises(FeedAdminError):
        await service.resume("site en panne")
    await service.stop()


def test_backoff_is_capped_at_six_hours() -> None:
    assert backoff_delay(5, 1, None).total_seconds() == 300
    assert backoff_delay(5, 30, None).total_seconds() == 6 * 3600
    assert backoff_delay(5, 1, 3600).total_seconds() == 3600


async def test_gone_feed_is_paused_at_once(app: App, feed_server: FeedServer) -> None:
    url = feed_server.serve("/gone.xml", b"parti", status=410)
    service = FeedService(app)
    await service.add("Disparu", url)
    await service.run_once()
    record = await store.get_feed(app.db, "Disparu")
    assert record is not None and record.paused and record.failures == 1
    assert len(await posts(app.db, "feeds.paused")) == 1
    await service.stop()


async def test_a_hanging_feed_does_not_hold_the_others(tmp_path: Path, feed_server: FeedServer) -> None:
    application = await open_app(make_settings(tmp_path, allow=["127.0.0.1"], timeout=60))
    released = asyncio.Event()

    async def hang(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        await response.write(b"<rss")
        await released.wait()
        return response

    feed_server.route("/hang.xml", hang)
    good = feed_server.serve("/good.xml", rss_feed(feed=9, items=2))
    service = FeedService(application)
    try:
        await service.add("Lent", feed_server.url("/hang.xml"))
        await service.add("Rapide", good)
        await service.start()
        application.clock.start()  # the polls are the clock's work
        for _ in range(200):
            if await relayed_ids(application.db):
                break
            await asyncio.sleep(0.05)
        assert await relayed_ids(application.db) == ["f9-item-1"]
        slow = await store.get_feed(application.db, "Lent")
        assert slow is not None and slow.last_error is None and slow.last_success is None
        released.set()  # the slow server finally ends its (broken) body
        for _ in range(400):
            slow = await store.get_feed(application.db, "Lent")
            assert slow is not None
            if slow.last_error:
                break
            await asyncio.sleep(0.05)
        assert slow.last_error and "pas un flux" in slow.last_error
    finally:
        released.set()
        await service.stop()
        await application.clock.stop()
        await application.db.close()


async def test_relay_failure_is_retried_and_posted_once(app: App, feed_server: FeedServer) -> None:
    url = feed_server.serve("/retry.xml", rss_feed(feed=3, items=2))
    service = FeedService(app)
    await service.add("Reprise", url)
    ctx = service._context()
    real = ctx.relay
    calls = {"n": 0}

    async def flaky(doc):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("disque plein")
        return await real(doc)

    ctx.relay = flaky
    record = await store.get_feed(app.db, "Reprise")
    assert record is not None
    assert (await poll_feed(ctx, record)).status == "error"
    record = await store.get_feed(app.db, "Reprise")
    assert record is not None and not record.initialized
    assert (await poll_feed(ctx, record)).relayed == 1
    record = await store.get_feed(app.db, "Reprise")
    assert record is not None
    assert (await poll_feed(ctx, record)).relayed == 0
    assert await relayed_ids(app.db) == ["f3-item-1"]
    await service.stop()


async def test_keyword_filters(app: App, feed_server: FeedServer) -> None:
    feed = VersionedFeed(rss_feed(feed=4, items=1))
    url = feed_server.route("/filtre.xml", feed)
    service = FeedService(app)
    record = await service.add("Filtré", url)
    await app.db.execute(
        "UPDATE feeds SET exclude_json = ? WHERE id = ?", (json.dumps(["portail"]), record.id)
    )
    await service.run_once()
    extra = (
        "<item><title>Interruption du PORTAIL</title><guid isPermaLink='false'>maint</guid></item>"
        "<item><title>Nouvelle rencontre</title><guid isPermaLink='false'>rencontre</guid></item>"
    )
    feed.update(rss_feed(feed=4, items=1, extra_items=extra))
    await service.run_once()
    assert await relayed_ids(app.db) == ["f4-item-0", "rencontre"]
    await service.stop()


async def test_discord_additions_are_checked(tmp_path: Path, feed_server: FeedServer) -> None:
    application = await open_app(make_settings(tmp_path, allow=[]))
    service = FeedService(application)
    try:
        with pytest.raises(FeedAdminError) as private:
            await service.add("Interne", feed_server.url("/x.xml"))
        assert "non publique" in private.value.message
        with pytest.raises(FeedAdminError) as local:
            await service.add("Fichier", "file:///etc/passwd")
        assert "http" in local.value.message
        with pytest.raises(FeedAdminError):
            await service.add("Chemin", "demo/feeds/msss-communiques.xml")
        with pytest.raises(FeedAdminError) as channel:
            await service.add("Salon", "https://exemple.org/flux.xml", channel="inexistant")
        assert "inexistant" in channel.value.message
        with pytest.raises(FeedAdminError):
            await service.add("", "https://exemple.org/flux.xml")
        assert await service.feeds() == []
        assert feed_server.requests == []
    finally:
        await service.stop()
        await application.db.close()


async def test_config_feeds_are_synced_and_local_files_allowed(tmp_path: Path) -> None:
    feeds_toml = '[[feed]]\nname = "Démo locale"\nurl = "demo.xml"\nchannels = ["psoc"]\n'
    settings = make_settings(tmp_path, feeds_toml=feeds_toml)
    (settings.config_dir / "demo.xml").write_bytes(rss_feed(feed=5, items=3))
    application = await open_app(settings)
    service = FeedService(application)
    try:
        await service.run_once()
        assert await relayed_ids(application.db) == ["f5-item-2"]
        assert (await posts(application.db))[0]["channel"] == "psoc"
        with pytest.raises(FeedAdminError) as owned:
            await service.remove("démo locale")
        assert "config/feeds.toml" in owned.value.message
        preview = await service.preview("Démo locale")
        assert preview.document is not None and preview.document.external_id == "f5-item-2"
        assert len(await relayed_ids(application.db)) == 1  # a preview posts nothing
    finally:
        await service.stop()
        await application.db.close()


async def test_add_list_remove(app: App, feed_server: FeedServer) -> None:
    service = FeedService(app)
    url = feed_server.serve("/a.xml", rss_feed(feed=6, items=1))
    await service.add("Flux A", url, channel="general", interval_minutes=2, role="Délégation PSOC")
    with pytest.raises(FeedAdminError) as duplicate:
        await service.add("flux a", url)
    assert "déjà" in duplicate.value.message
    [record] = await service.feeds()
    assert record.feed.channels == ("general",) and record.feed.interval_minutes == 2
    assert record.feed.role == "Délégation PSOC" and record.feed.origin == "discord"
    await service.run_once()
    assert (await posts(app.db))[0]["ping_roles"] == ["Délégation PSOC"]
    removed = await service.remove("FLUX A")
    assert removed.name == "Flux A"
    assert await service.feeds() == []
    with pytest.raises(FeedAdminError):
        await service.status("Flux A")
    await service.stop()


def test_bad_feeds_toml_is_explained_in_french(tmp_path: Path) -> None:
    from bot.sources.feeds.config import load_feeds

    cases = {
        '[[feed]]\nname = "A"\nurl = "https://exemple.org/a.xml"\ninterval = 5\n': "clé inconnue « interval »",
        '[[feed]]\nname = "A"\nurl = "https://exemple.org/a.xml"\ninterval_minutes = 0.5\n': "au moins 1",
        '[[feed]]\nname = "A"\nurl = "ftp://exemple.org/a.xml"\n': "http",
        '[[feed]]\nname = "A"\nurl = "https://exemple.org/a.xml"\nchannels = ["nulle-part"]\n': "nulle-part",
        '[[feed]]\nname = "A"\nurl = "a.xml"\n[[feed]]\nname = "a"\nurl = "b.xml"\n': "déjà utilisé",
        "[[feed]\n": "TOML invalide",
    }
    for index, (text, expected) in enumerate(cases.items()):
        folder = tmp_path / str(index)
        folder.mkdir()
        settings = make_settings(folder, feeds_toml=text)
        with pytest.raises(SettingsError) as error:
            load_feeds(settings)
        assert expected in str(error.value), (text, str(error.value))
        assert "feeds.toml" in str(error.value)
