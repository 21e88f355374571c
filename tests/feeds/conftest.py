"""A real aiohttp server on 127.0.0.1 whose routes are set per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from bot.settings import Settings, load_settings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class FeedServer:
    base: str
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[web.Request] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def serve(self, path: str, body: bytes, *, status: int = 200, headers: dict[str, str] | None = None,
              content_type: str = "application/rss+xml") -> str:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(body=body, status=status, headers=headers or {},
                                content_type=content_type)

        return self.route(path, handler)


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer(base="")

    async def dispatch(request: web.Request) -> web.StreamResponse:
        server.requests.append(request)
        server.hits[request.path] = server.hits.get(request.path, 0) + 1
        handler = server.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="introuvable")
        return await handler(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", dispatch)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.base = f"http://127.0.0.1:{port}"
    yield server
    await runner.cleanup()


RELAIS_TOML = """
[channels]
staff = "permanence"
general = "general"
msss = "msss"
psoc = "psoc"
annonces = "annonces"
digest = "general"

[feeds]
file = "feeds.toml"
allow_hosts = {allow}
timeout_seconds = {timeout}
max_failures_before_pause = 3
"""


def make_settings(tmp_path: Path, *, allow: list[str] | None = None, timeout: float = 3,
                  feeds_toml: str = "") -> Settings:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    allow_value = "[" + ", ".join(f'"{a}"' for a in (allow or [])) + "]"
    (config / "relais.toml").write_text(
        RELAIS_TOML.format(allow=allow_value, timeout=timeout), encoding="utf-8"
    )
    (config / "feeds.toml").write_text(feeds_toml, encoding="utf-8")
    settings = load_settings(config_dir=config, env_file=tmp_path / "absent.env")
    settings.database_path = tmp_path / "relais.db"
    return settings


