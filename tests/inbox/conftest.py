"""Fixtures for the inbox tests: the inbox's settings (a quick quiet time) and a running
InboxService over the suite's real App (tests/conftest.py) and a tmp inbox."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.models import Document
from bot.settings import Settings, load_settings
from bot.sources.inbox import InboxService
from bot.sources.inbox.layout import iter_candidates
from tests.documents.conftest import demo_files, maker
from tests.helpers import wait_until

__all__ = ["demo_files", "maker", "wait_until"]


def make_settings(tmp_path: Path, **inbox: object) -> Settings:
    settings = load_settings(config_dir=tmp_path / "config", env_file=tmp_path / "absent.env")
    settings = settings.model_copy(
        update={"database_path": tmp_path / "relais.db", "inbox_path": tmp_path / "inbox"}
    )
    settings.config.inbox.stable_seconds = 0.2
    for key, value in inbox.items():
        setattr(settings.config.inbox, key, value)
    return settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def inbox(app: App) -> AsyncIterator[InboxService]:
    """The inbox watched as in production (inotify where there is one)."""
    async with running(InboxService(app)) as service:
        yield service


@pytest.fixture
async def polling_inbox(app: App) -> AsyncIterator[InboxService]:
    """The inbox in poll mode (a network share without inotify): a scan every 0.1 s."""
    app.settings.config.inbox.mode = "poll"
    app.settings.config.inbox.poll_interval_seconds = 0.1
    async with running(InboxService(app)) as service:
        yield service


@contextlib.asynccontextmanager
async def running(service: InboxService) -> AsyncIterator[InboxService]:
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


class FailingPipeline:
    """The real pipeline, except that relaying raises ``error``: a store that fails or a
    process stopped mid-relay, which a test cannot cause for real."""

    def __init__(self, real: Any, error: BaseException) -> None:
        self.real = real
        self.error = error

    async def is_known(self, doc: Document) -> bool:
        return bool(await self.real.is_known(doc))

    async def relay(self, doc: Document, *, channels: list[str] | None = None) -> Any:
        raise type(self.error)(*self.error.args)


async def wait_processed(service: InboxService, limit: float = 60.0) -> None:
    """Until every candidate file has left the inbox and nothing is in flight."""
    await wait_until(lambda: service.idle and not any(iter_candidates(service.root)), limit)


async def communications(app: App) -> list[dict[str, Any]]:
    rows = await app.db.fetchall("SELECT * FROM communications ORDER BY id")
    return [dict(r) for r in rows]


async def outbox_rows(app: App, kind: str | None = None) -> list[dict[str, Any]]:
    if kind:
        rows = await app.db.fetchall("SELECT * FROM outbox WHERE kind = ? ORDER BY id", (kind,))
    else:
        rows = await app.db.fetchall("SELECT * FROM outbox ORDER BY id")
    out = []
    for r in rows:
        item = dict(r)
        item["post"] = json.loads(item["payload"])
        out.append(item)
    return out
