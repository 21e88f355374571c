"""What a feature may use of the application, and the one shape every feature service has.

A feature (calendar, announcements, feeds, inbox…) depends on this module, never on
``bot.app``: the composition root knows the features, the features know only this interface.
It imports no feature, so nothing here can close an import circle.

The shape of a service::

    class ThingService:
        name = "thing"

        def __init__(self, ctx: Context) -> None: ...   # no I/O: nothing runs yet
        async def start(self) -> None: ...              # register handlers, start tasks
        async def stop(self) -> None: ...               # let work in progress finish
        async def run_once(self) -> None: ...           # one pass, for `relais demo`

``bot.app.App`` builds each one as ``ThingService(app)``, holds it as a typed attribute
(``app.thing``), starts them in order and stops them in reverse order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.models import Document
    from bot.settings import Settings
    from bot.store.db import Database
    from bot.timers import Clock
    from bot.web.server import WebServer


class Relay(Protocol):
    """The pipeline as features see it: documents in, communications and posts out."""

    async def relay(self, doc: Document, *, channels: list[str] | None = None) -> Any: ...

    async def is_known(self, doc: Document) -> bool: ...

    def add_listener(self, listener: Any) -> None: ...


class Waker(Protocol):
    """The outbox worker as features see it: told that rows were enqueued."""

    def wake(self) -> None: ...


class Context(Protocol):
    """The application's parts a feature service is built from (``bot.app.App`` has them)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def db(self) -> Database: ...

    @property
    def pipeline(self) -> Relay: ...

    @property
    def outbox_worker(self) -> Waker: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def scheduler(self) -> AsyncIOScheduler: ...

    @property
    def web(self) -> WebServer: ...  # add routes in __init__ or start(); served after start


class Service(Protocol):
    """A feature that runs beside the bot."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def run_once(self) -> None: ...
