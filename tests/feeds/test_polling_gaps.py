"""Issue 16, point 1: the gaps of the first version, each against a loopback HTTP server."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import App
from bot.sources.feeds import store
from bot.sources.feeds.fetch import Fetcher, FetchError
from bot.sources.feeds.parse import french_detail, item_identity, parse_bytes
from bot.sources.feeds.safety import (
    AllowList,
    FeedSafetyError,
    is_public_ip,
    refuse_entity_doctype,
)
from bot.sources.feeds.service import FeedService
from bot.timeutil import utc_now
from tests.feeds.conftest import FeedServer
from tests.feeds.feedgen import rss_feed, rss_item
from tests.feeds.test_service import VersionedFeed, app, posts, relayed_ids  # noqa: F401

# --- 301/308 remembered -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
async def test_permanent_redirect_updates_the_stored_url_and_tells_staff_once(
    app: App, feed_server: FeedServer, status: int  # noqa: F811
) -> None:
    feed = VersionedFeed(rss_feed(feed=1, items=3))
    new_url = feed_server.route("/nouveau.xml", feed)

    async def moved(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": "/nouveau.xml"})

    old_url = feed_server.route("/ancien.xml", moved)
    service = FeedService(app)
    await service.add("Déménagé", old_url)
    await service.run_once()
    record = await store.get_feed(app.db, "Déménagé")
    assert record is not None and record.feed.url == new_url and record.current_url == new_url
    feed.update(rss_feed(feed=1, items=4))
    await service.run_once()
    await service.run_once()
    assert feed_server.hits["/ancien.xml"] == 1  # later polls go straight to the new address
    assert feed_server.hits["/nouveau.xml"] == 3
    notices = await posts(app.db, "feeds.moved")
    assert len(notices) == 1 and notices[0]["channel"] == "staff"
    assert "nouveau.xml" in notices[0]["embeds"][0]["description"]  # type: ignore[index]
    assert await relayed_ids(app.db) == ["f1-item-2", "f1-item-3"]
    await service.stop()


async def test_temporary_redirect_is_not_remembered(app: App, feed_server: FeedServer) -> None:  # noqa: F811
    feed_server.serve("/ailleurs.xml", rss_feed(feed=2, items=2))

    async def temporary(request: web.Request) -> web.StreamResponse:
        return web.Response(status=302, headers={"Location": "/ailleurs.xml"})

    url = feed_server.route("/temp.xml", temporary)
    service = FeedService(app)
    await service.add("Temporaire", url)
    await service.run_once()
    record = await store.get_feed(app.db, "Temporaire")
    assert record is not None and record.current_url == url
    assert await posts(app.db, "feeds.moved") == []
    await service.stop()


async def test_config_feed_keeps_its_definition_but_polls_the_new_address(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    from tests.feeds.conftest import make_settings
    from tests.feeds.test_service import feeds_app

    feed_server.serve("/v2.xml", rss_feed(feed=3, items=2))

    async def moved(request: web.Request) -> web.StreamResponse:
        return web.Response(status=301, headers={"Location": "/v2.xml"})

    old = feed_server.route("/v1.xml", moved)
    toml = f'[[feed]]\nname = "Config"\nurl = "{old}"\n'
    settings = make_settings(tmp_path, allow=["127.0.0.1"], feeds_toml=toml)
    async with feeds_app(settings) as (application, service):
        await service.run_once()
        await service.run_once()
        record = await store.get_feed(application.db, "Config")
        assert record is not None and record.feed.url == old
        assert record.current_url == feed_server.url("/v2.xml")
        assert feed_server.hits["/v1.xml"] == 1
        notices = await posts(application.db, "feeds.moved")
        assert len(notices) == 1 and "feeds.toml" in notices[0]["embeds"][0]["description"]  # type: ignore[index]


# --- no floods ----------------------------------------------------------------------------------


async def test_new_items_beyond_the_cap_go_into_one_post_of_links(
    app: App, feed_server: FeedServer  # noqa: F811
) -> None:
    feed = VersionedFeed(rss_feed(feed=4, items=2))
    url = feed_server.route("/beaucoup.xml", feed)
    service = FeedService(app)
    await service.add("Prolifique", url, channel="msss")
    await service.run_once()
    assert await relayed_ids(app.db) == ["f4-item-1"]
    feed.update(rss_feed(feed=4, items=14))  # 12 new items, cap 5
    await service.run_once()
    await service.run_once()
    ids = await relayed_ids(app.db)
    assert ids == ["f4-item-1"] + [f"f4-item-{n}" for n in range(9, 14)]  # the 5 newest
    listed = await posts(app.db, "feeds.overflow")
    assert len(listed) == 1 and listed[0]["channel"] == "msss"
    description = listed[0]["embeds"][0]["description"]  # type: ignore[index]
    for number in range(2, 9):
        assert f"https://msss.exemple.gouv.qc.ca/f4/communique-{number})" in description
    assert "communique-9)" not in description
    await service.stop()


@pytest.mark.parametrize(
    ("first_body", "first_type"),
    [(rss_feed(feed=5, items=0), "application/rss+xml"), (b"<html>maintenance</html>", "text/html")],
    ids=["empty", "unreadable"],
)
async def test_an_empty_or_unreadable_first_poll_does_not_count_as_initialised(
    app: App, feed_server: FeedServer, first_body: bytes, first_type: str  # noqa: F811
) -> None:
    state = {"body": first_body, "type": first_type}

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=state["body"], content_type=state["type"])  # type: ignore[arg-type]

    url = feed_server.route("/plus-tard.xml", handler)
    service = FeedService(app)
    await service.add("Plus tard", url)
    await service.run_once()
    record = await store.get_feed(app.db, "Plus tard")
    assert record is not None and not record.initialized
    state.update(body=rss_feed(feed=5, items=50), type="application/rss+xml")
    await service.run_once()
    assert await relayed_ids(app.db) == ["f5-item-49"]  # the newest only: no flood
    assert await posts(app.db, "feeds.overflow") == []
    await service.stop()


async def test_a_site_migration_that_changes_every_guid_posts_nothing(
    app: App, feed_server: FeedServer  # noqa: F811
) -> None:
    feed = VersionedFeed(rss_feed(feed=7, items=20))
    url = feed_server.route("/migration.xml", feed)
    service = FeedService(app)
    await service.add("Migré", url)
    await service.run_once()
    migrated = rss_feed(feed=7, items=20).replace(b'isPermaLink="false">f7-', b'isPermaLink="false">nouveau-cms-')
    feed.update(migrated)
    await service.run_once()
    assert await relayed_ids(app.db) == ["f7-item-19"]
    assert await posts(app.db, "feeds.overflow") == []
    notices = await posts(app.db, "feeds.migrated")
    assert len(notices) == 1 and notices[0]["channel"] == "staff"
    # And the next genuinely new item is posted normally.
    feed.update(migrated.replace(b"<language>fr-ca</language>", b"<language>fr-ca</language>"
                                 + rss_item(7, 99).encode()))
    await service.run_once()
    assert await relayed_ids(app.db) == ["f7-item-19", "f7-item-99"]
    await service.stop()


# --- identity of items without guid or link -----------------------------------------------------


def _guidless(text: str) -> bytes:
    item = (
        "<item><title>Avis aux organismes</title><pubDate>Mon, 02 Nov 2026 14:00:00 GMT</pubDate>"
        f"<description>{text}</description></item>"
    )
    return rss_feed(feed=8, items=0, extra_items=item)


async def test_fixing_a_typo_does_not_repost_an_item_without_guid(
    app: App, feed_server: FeedServer  # noqa: F811
) -> None:
    feed = VersionedFeed(_guidless("La consultaton se termine le 11 décembre."))
    url = feed_server.route("/sans-guid.xml", feed)
    service = FeedService(app)
    await service.add("Sans guid", url)
    await service.run_once()
    feed.update(_guidless("La consultation se termine le 11 décembre 2026."))
    await service.run_once()
    assert len(await relayed_ids(app.db)) == 1
    await service.stop()


async def test_items_stored_under_the_old_identity_stay_known(
    app: App, feed_server: FeedServer  # noqa: F811
) -> None:
    body = _guidless("Texte inchangé.")
    parsed = parse_bytes(body, url=None)
    item = parsed.items[0]
    legacy = item.aliases[0]
    assert legacy.startswith("sha256:") and item.external_id.startswith("item:")
    feed = VersionedFeed(body)
    url = feed_server.route("/ancien-id.xml", feed)
    service = FeedService(app)
    record = await service.add("Ancien identifiant", url)
    async with app.db.transaction() as conn:
        await store.record_items(conn, record.id, [legacy], relayed=True, now=utc_now())
        await conn.execute("UPDATE feed_state SET initialized=1 WHERE feed_id=?", (record.id,))
    await service.run_once()
    assert await relayed_ids(app.db) == []
    await service.stop()


def test_identity_without_title_or_date_hashes_the_text() -> None:
    first, _ = item_identity({}, "", None, None, "Un   texte")
    again, _ = item_identity({}, "", None, None, "Un texte")
    assert first == again and first.startswith("text:")


# --- entity declarations, whatever the encoding -----------------------------------------------

HOSTILE = (
    '<?xml version="1.0" encoding="{enc}"?>\n'
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    '<rss version="2.0"><channel><title>&b;</title><item><title>x</title></item></channel></rss>'
)


def _encode(enc: str) -> bytes:
    if enc == "utf-7":
        # "<" written as +ADw-: no "<!ENTITY" in the bytes, but a UTF-7 reader sees one.
        text = HOSTILE.format(enc=enc)
        head, tail = text.split("\n", 1)
        return (head + "\n").encode() + tail.replace("<", "+ADw-").encode("ascii")
    return HOSTILE.format(enc=enc).encode(enc)


@pytest.mark.parametrize("enc", ["cp037", "cp500", "utf-7", "utf-16", "utf-16-le", "utf-32", "utf-32-be"])
def test_entity_check_holds_in_every_encoding(enc: str) -> None:
    data = _encode(enc)
    assert b"<!ENTITY" not in data
    with pytest.raises(FeedSafetyError):
        refuse_entity_doctype(data)


def test_entity_check_follows_the_http_charset() -> None:
    text = HOSTILE.format(enc="utf-8").split("\n", 1)[1].replace("<", "+ADw-")
    with pytest.raises(FeedSafetyError):
        refuse_entity_doctype(text.encode(), "application/xml; charset=utf-7")


def test_a_plain_doctype_in_ebcdic_is_accepted() -> None:
    plain = '<?xml version="1.0" encoding="cp037"?><!DOCTYPE rss><rss version="2.0"></rss>'
    refuse_entity_doctype(plain.encode("cp037"))


@pytest.mark.parametrize("enc", ["cp037", "utf-7", "utf-16"])
async def test_a_re_encoded_billion_laughs_pauses_the_feed_at_once(
    app: App, feed_server: FeedServer, enc: str  # noqa: F811
) -> None:
    url = feed_server.serve("/rires.xml", _encode(enc), content_type="application/xml")
    service = FeedService(app)
    await service.add("Rires", url)
    await service.run_once()
    await service.run_once()
    record = await store.get_feed(app.db, "Rires")
    assert record is not None and record.paused
    assert record.last_error is not None and "entités" in record.last_error
    assert len(await posts(app.db, "feeds.paused")) == 1
    await service.stop()


# --- every IPv6 form of an IPv4 address ------------------------------------------------------

EMBEDDED = [
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
    "64:ff9b:1::a00:1",  # local-use NAT64
    "::ffff:0:a9fe:a9fe",  # SIIT
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::7f00:1",  # IPv4-compatible
    "::a00:1",
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "fec0::1",  # site-local
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]


@pytest.mark.parametrize("address", EMBEDDED)
def test_embedded_ipv4_forms_are_judged_by_the_ipv4_they_carry(address: str) -> None:
    assert not is_public_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "::ffff:8.8.8.8", "2002:808:808::1",
                                     "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_stay_public(address: str) -> None:
    assert is_public_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize("host", ["[64:ff9b::7f00:1]", "[::ffff:0:7f00:1]", "[fec0::1]"])
async def test_fetcher_refuses_embedded_loopback_literals(host: str) -> None:
    async with Fetcher(allow_hosts=AllowList()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(f"http://{host}:8080/flux.xml")
    assert caught.value.key == "feeds.error.private_address"


# --- French, always ------------------------------------------------------------------------------


async def test_an_html_page_is_explained_in_french(app: App, feed_server: FeedServer) -> None:  # noqa: F811
    url = feed_server.serve("/page.html", b"<html><body><p>Bonjour</p></body></html>",
                            content_type="text/html")
    service = FeedService(app)
    await service.add("Page HTML", url)
    await service.run_once()
    record = await store.get_feed(app.db, "Page HTML")
    assert record is not None and record.last_error is not None
    assert "page web" in record.last_error
    assert "media type" not in record.last_error and "text/html" not in record.last_error
    await service.stop()


@pytest.mark.parametrize("exc", [MemoryError(), RecursionError(), ValueError("boom"),
                                 UnicodeDecodeError("utf-8", b"x", 0, 1, "bad")])
def test_parser_failures_are_told_in_french(exc: BaseException) -> None:
    detail = french_detail(exc)
    assert type(exc).__name__ not in detail and "boom" not in detail and detail


# --- the fast path agrees with feedparser ------------------------------------------------------

ATOM = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>T</title><id>urn:x</id>{}</feed>")
FAST_CASES = {
    "base64 title": ATOM.format('<entry><title type="text" mode="base64">Q29uc3VsdGF0aW9u</title>'
                                "<id>urn:1</id></entry>"),
    "relative atom id": ATOM.format('<entry><title>x</title><id>/nouvelles/1</id>'
                                    '<link href="/nouvelles/1"/></entry>'),
    "script in title": ATOM.format('<entry><title type="html">Avis &lt;script&gt;alert(1)'
                                   "&lt;/script&gt; important</title><id>urn:2</id></entry>"),
    "dc:title only": ('<?xml version="1.0"?><rss version="2.0" '
                      'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>'
                      '<item><dc:title>Titre DC</dc:title><guid isPermaLink="false">a</guid>'
                      "</item></channel></rss>"),
}


@pytest.mark.parametrize("case", sorted(FAST_CASES))
@pytest.mark.parametrize("url", ["https://exemple.org/flux/atom.xml", None])
def test_fast_path_gives_what_feedparser_gives(case: str, url: str | None) -> None:
    body = FAST_CASES[case].encode()
    fast = parse_bytes(body, url=url, fast=True)
    slow = parse_bytes(body, url=url, fast=False)
    assert [(i.external_id, i.title, i.link) for i in fast.items] == [
        (i.external_id, i.title, i.link) for i in slow.items
    ]
    titles = {i.title for i in fast.items}
    assert "Q29uc3VsdGF0aW9u" not in titles and "" not in titles
    assert not any("alert" in title for title in titles)


# --- analysis only where it is needed -------------------------------------------------------


async def test_each_posted_item_is_analysed_once_and_nothing_else_is(
    app: App, feed_server: FeedServer  # noqa: F811
) -> None:
    analysed: list[str] = []
    real = app.pipeline.analyser

    async def counting(doc, reference):  # type: ignore[no-untyped-def]
        analysed.append(doc.external_id)
        return await real(doc, reference)

    app.pipeline.analyser = counting
    feed = VersionedFeed(rss_feed(feed=11, items=20))
    url = feed_server.route("/analyse.xml", feed)
    service = FeedService(app)
    record = await service.add("Analyse", url)
    await service.run_once()
    assert analysed == ["f11-item-19"]  # 20 items stored, the newest posted: one analysis
    await app.db.execute("UPDATE feeds SET exclude_json = ? WHERE id = ?",
                         ('["communiqué 11-21"]', record.id))
    feed.update(rss_feed(feed=11, items=30))  # 10 new: one filtered out, 5 posted, 4 listed
    await service.run_once()
    await service.run_once()
    ids = await relayed_ids(app.db)
    assert analysed == ids and len(ids) == 6 and "f11-item-21" not in ids
    # A relay that already happened (a crash before the poll recorded it) costs no analysis.
    async with app.db.transaction() as conn:
        await conn.execute("DELETE FROM feed_items WHERE external_id = 'f11-item-29'")
    await app.db.execute("UPDATE feed_state SET body_hash = NULL, etag = NULL")
    await service.run_once()
    assert analysed == ids
    await service.stop()


async def test_a_feed_whose_content_is_all_replaced_by_fresh_items_is_news(
    app: App, feed_server: FeedServer  # noqa: F811
) -> None:
    from datetime import timedelta
    from email.utils import format_datetime

    def bulletin(week: int) -> bytes:
        when = format_datetime(utc_now() + timedelta(minutes=week))
        items = "".join(
            f"<item><title>Semaine {week}, activité {n}</title>"
            f"<guid isPermaLink='false'>s{week}-a{n}</guid><pubDate>{when}</pubDate></item>"
            for n in range(4)
        )
        return rss_feed(feed=12, items=0, extra_items=items)

    feed = VersionedFeed(bulletin(1))
    url = feed_server.route("/bulletin.xml", feed)
    service = FeedService(app)
    await service.add("Bulletin", url)
    await service.run_once()
    feed.update(bulletin(2))  # every guid new, but dated after our last read: not a migration
    await service.run_once()
    assert len(await relayed_ids(app.db)) == 1 + 4
    assert await posts(app.db, "feeds.migrated") == []
    await service.stop()
