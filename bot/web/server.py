"""One aiohttp listener for every HTTP route of Relais (``[web] listen`` in relais.toml).

Features add their routes before ``start``; ``/sante`` and ``/metrics`` come from
``bot.web.health``, calendars from ``bot.web.calendar``. An empty ``listen`` (or "off")
disables the listener: ``start`` and ``stop`` then do nothing and ``port`` stays None.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiohttp import web

from bot.settings import WebListenError, parse_listen

__all__ = ["WebListenError", "WebServer", "parse_listen"]

log = logging.getLogger(__name__)


class WebServer:
    def __init__(self, listen: str, *, public_url: str = "") -> None:
        self.listen = listen
        self.address = parse_listen(listen)
        self.public_url = public_url.strip().rstrip("/")
        self._app = web.Application()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._port: int | None = None

    @property
    def enabled(self) -> bool:
        return self.address is not None

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def app(self) -> web.Application:
        """The aiohttp application (state shared by handlers goes in ``app[...]``)."""
        return self._app

    def add_routes(self, routes: Iterable[web.AbstractRouteDef]) -> None:
        if self._runner is not None:
            raise RuntimeError("routes must be added before the web listener starts")
        self._app.add_routes(list(routes))

    async def start(self) -> None:
        """Bind and serve; ``OSError`` (port taken, address unknown) propagates to the caller."""
        if self.address is None or self._runner is not None:
            return
        host, port = self.address
        runner = web.AppRunner(
            self._app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner, self._site = runner, site
        # The port the system chose when listen asked for 0.
        addresses = runner.addresses
        self._port = int(addresses[0][1]) if addresses else port
        log.info("web listener on %s", self.base_url)

    async def stop(self) -> None:
        runner, self._runner, self._site = self._runner, None, None
        if runner is not None:
            await runner.cleanup()
        self._port = None

    @property
    def port(self) -> int | None:
        """The bound port (the real one when ``listen`` asked for port 0); None when not serving."""
        return self._port

    @property
    def base_url(self) -> str:
        """``public_url`` when set (a reverse proxy in front), else http://host:port."""
        if self.public_url:
            return self.public_url
        if self.address is None:
            return ""
        host, port = self.address
        port = self._port if self._port is not None else port
        if host in ("0.0.0.0", "", "::"):
            host = "127.0.0.1" if host != "::" else "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"
