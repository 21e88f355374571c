"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.settings import Settings
from bot.store.db import Database
from tests.helpers import RecordingPublisher, make_settings

# Every Relais a test starts listens on an ephemeral port: tests run beside each other and
# beside a real Relais on 8765.
os.environ.setdefault("RELAIS_WEB_LISTEN", "127.0.0.1:0")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The coalition's real samples beside the repository; skip where they are absent."""
    if not (SHARED / "samples").is_dir():
        pytest.skip("../shared/samples is absent: real samples are not available here")
    return SHARED


@pytest.fixture
def repo_dir() -> Path:
    return REPO


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated Relais database in a real file, ``tmp_path / "relais.db"`` (where the
    ``settings`` fixtures of the feature folders put it too)."""
    database = await Database.open(tmp_path / "relais.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings, the database and the inbox in ``tmp_path`` (a feature folder may
    override this fixture with its own)."""
    return make_settings(tmp_path)


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
async def app(settings: Settings, publisher: RecordingPublisher) -> AsyncIterator[App]:
    """A real App (real SQLite file, real pipeline) over ``settings``, not started: a test
    starts the parts it drives."""
    database = await Database.open(settings.database_path)
    application = App(settings, database, publisher)
    pipeline = application.pipeline  # a test may swap it for a broken one
    try:
        yield application
    finally:
        await application.stop()
        pipeline.close()
        await database.close()
