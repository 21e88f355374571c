"""The fetcher against a real aiohttp server on 127.0.0.1: politeness and hostile servers."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc

import pytest
from aiohttp import web

from bot.sources.feeds.fetch import Fetcher, FetchError, parse_max_age, parse_retry_after
from bot.sources.feeds.safety import AllowList
from tests.feeds.conftest import FeedServer
from tests.feeds.feedgen import rss_feed

LOOPBACK = AllowList.parse(["127.0.0.1"])


def fetcher(**kwargs: object) -> Fetcher:
    options: dict[str, object] = {"allow_hosts": LOOPBACK, "timeout": 2.0}
    options.update(kwargs)
    return Fetcher(**options)  # type: ignore[arg-type]


async def test_plain_fetch_sends_clear_user_agent_and_gzip(feed_server: FeedServer) -> None:
    body = rss_feed(items=3)

    async def handler(request: web.Request) -> web.StreamResponse:
        assert "gzip" in request.headers.get("Accept-Encoding", "")
        return web.Response(body=gzip.compress(body), headers={"Content-Encoding": "gzip"},
                            content_type="application/rss+xml")

    url = feed_server.route("/gz.xml", handler)
    async with fetcher() as f:
        result = await f.fetch(url)
    assert result.status == 200
    assert result.body == body
    assert "Relais" in feed_server.requests[0].headers["User-Agent"]


async def test_conditional_get_sends_validators_and_never_empty_ones(feed_server: FeedServer) -> None:
    body = rss_feed(items=2)

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(body=body, headers={"ETag": '"v1"', "Last-Modified": "Mon, 16 Nov 2026 19:00:00 GMT"},
                            content_type="application/rss+xml")

    url = feed_server.route("/cond.xml", handler)
    async with fetcher() as f:
        first = await f.fetch(url, etag="", last_modified="   ")
        second = await f.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert "If-None-Match" not in feed_server.requests[0].headers
    assert "If-Modified-Since" not in feed_server.requests[0].headers
    assert first.etag == '"v1"' and first.last_modified
    assert second.status == 304 and second.body is None
    assert feed_server.requests[1].headers["If-Modified-Since"] == first.last_modified


async def test_cache_control_and_retry_after_are_reported_capped(feed_server: FeedServer) -> None:
    feed_server.serve("/cached.xml", rss_feed(items=1), headers={"Cache-Control": "public, max-age=999999"})
    feed_server.serve("/busy.xml", b"occupe", status=503, headers={"Retry-After": "120"})
    async with fetcher() as f:
        cached = await f.fetch(feed_server.url("/cached.xml"))
        with pytest.raises(FetchError) as busy:
            await f.fetch(feed_server.url("/busy.xml"))
    assert cached.max_age == 3600
    assert busy.value.retry_after == 120
    assert busy.value.key == "feeds.error.http" and busy.value.values["status"] == 503


def test_header_parsers() -> None:
    assert parse_retry_after("30") == 30
    assert parse_retry_after("99999999") == 6 * 3600
    assert parse_retry_after("n'importe quoi") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_max_age("no-cache") == 0
    assert parse_max_age('max-age="60"') == 60
    assert parse_max_age(None) is None


@pytest.mark.parametrize(("status", "permanent"), [(404, False), (410, True), (500, False)])
async def test_http_errors(feed_server: FeedServer, status: int, permanent: bool) -> None:
    url = feed_server.serve(f"/e{status}.xml", b"erreur", status=status)
    async with fetcher() as f:
        with pytest.raises(FetchError) as error:
            await f.fetch(url)
    assert error.value.values["status"] == status
    assert error.value.permanent is permanent


async def test_redirect_loop_is_detected(feed_server: FeedServer) -> None:
    async def a(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop-b")

    async def b(request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/loop-a")

    url = feed_server.route("/loop-a", a)
    feed_server.route("/loop-b", b)
    async with fetcher() as f:
        with pytest.raises(FetchError) as error:
            await f.fetch(url)
    assert error.value.key == "feeds.error.redirect_loop"
    assert sum(feed_server.hits.values()) == 2


async def test_redirect_chain_is_limited_to_five(feed_server: FeedServer) -> None:
    async def hop(request: web.Request) -> web.StreamResponse:
        number = int(request.path.rsplit("/", 1)[1])
        raise web.HTTPTemporaryRedirect(f"/r/{number + 1}")

    for n in range(20):
        feed_server.route(f"/r/{n}", hop)
    feed_server.serve("/r/5", rss_feed(items=1))
    async with fetcher() as f:
        ok = await f.fetch(feed_server.url("/r/0"))  # exactly five redirects: accepted
        assert ok.url.endswith("/r/5")
        feed_server.routes["/r/5"] = hop
        with pytest.raises(FetchError) as error:
            await f.fetch(feed_server.url("/r/0"))
    assert error.value.key == "feeds.error.too_many_redirects"


async def test_redirect_to_a_non_http_scheme_is_refused(feed_server: FeedServer) -> None:
    async def to_file(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("file:///etc/passwd")

    url = feed_server.route("/to-file", to_file)
    async with fetcher() as f:
        with pytest.raises(FetchError) as error:
            await f.fetch(url)
    assert error.value.key == "feeds.error.scheme"


async def test_slow_server_that_never_finishes_times_out(feed_server: FeedServer) -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        await response.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
        await asyncio.sleep(3600)
        return response

    url = feed_server.route("/slow.xml", slow)
    async with fetcher(timeout=1.0) as f:
        with pytest.raises(FetchError) as error:
            await asyncio.wait_for(f.fetch(url), timeout=10)
    assert error.value.key == "feeds.error.timeout"


async def _stream_50_mb(request: web.Request, *, declare: bool) -> web.StreamResponse:
    size = 50 * 1024 * 1024
    headers = {"Content-Type": "application/rss+xml"}
    if declare:
        headers["Content-Length"] = str(size)
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    chunk = b"<item>" + b"x" * (1024 * 1024 - 6)
    try:
        for _ in range(50):
            await response.write(chunk)
    except (ConnectionResetError, RuntimeError):
        pass
    return response


@pytest.mark.parametrize("declare", [True, False])
async def test_fifty_megabyte_body_is_cut_with_bounded_memory(feed_server: FeedServer, declare: bool) -> None:
    async def huge(request: web.Request) -> web.StreamResponse:
        return await _stream_50_mb(request, declare=declare)

    url = feed_server.route("/huge.xml", huge)
    key, peak = await _refused_with_peak(url)
    assert key == "feeds.error.too_big"
    assert peak < 20 * 1024 * 1024


async def _refused_with_peak(url: str) -> tuple[str, int]:
    """The refusal a 5 MB fetcher gives ``url``, and the peak memory Python used meanwhile."""
    tracemalloc.start()
    try:
        async with fetcher(max_body=5_000_000) as f:
            with pytest.raises(FetchError) as error:
                await f.fetch(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return error.value.key, peak


async def test_gzip_bomb_is_cut_after_decompression(feed_server: FeedServer) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * (60 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 1_000_000

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip"},
                            content_type="application/rss+xml")

    url = feed_server.route("/bomb.xml", handler)
    key, peak = await _refused_with_peak(url)
    assert key == "feeds.error.too_big"
    assert peak < 30 * 1024 * 1024


async def test_at_most_two_requests_at_once_per_host(feed_server: FeedServer) -> None:
    state = {"now": 0, "max": 0}
    body = rss_feed(items=1)

    async def handler(request: web.Request) -> web.StreamResponse:
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        await asyncio.sleep(0.05)
        state["now"] -= 1
        return web.Response(body=body, content_type="application/rss+xml")

    for n in range(8):
        feed_server.route(f"/c{n}.xml", handler)
    async with fetcher() as f:
        results = await asyncio.gather(*(f.fetch(feed_server.url(f"/c{n}.xml")) for n in range(8)))
    assert all(r.status == 200 for r in results)
    assert state["max"] == 2


async def test_loopback_refused_unless_allow_listed(feed_server: FeedServer) -> None:
    url = feed_server.serve("/ok.xml", rss_feed(items=1))
    async with Fetcher(timeout=2.0) as f:
        with pytest.raises(FetchError) as literal:
            await f.fetch(url)
        with pytest.raises(FetchError) as named:
            await f.fetch(url.replace("127.0.0.1", "localhost"))
    assert literal.value.key == "feeds.error.private_address"
    assert named.value.key == "feeds.error.private_address"
    assert feed_server.requests == []


async def test_redirect_from_allowed_host_to_private_address_is_refused(feed_server: FeedServer) -> None:
    port = feed_server.base.rsplit(":", 1)[1]

    async def bounce(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"http://127.0.0.1:{port}/secret")

    feed_server.route("/bounce", bounce)
    feed_server.serve("/secret", b"secret")
    async with Fetcher(allow_hosts=AllowList.parse(["localhost"]), timeout=2.0) as f:
        with pytest.raises(FetchError) as error:
            await f.fetch(f"http://localhost:{port}/bounce")
    assert error.value.key == "feeds.error.private_address"
    assert "/secret" not in feed_server.hits
