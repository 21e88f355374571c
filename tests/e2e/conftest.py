"""Fixtures of the end-to-end tests: a fake Discord, and Relais running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.harness import RelaisHarness


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture
async def relais(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[RelaisHarness]:
    """Relais (not yet started: call ``await relais.start()``) against ``fake_discord``."""
    harness = RelaisHarness.create(fake_discord, tmp_path)
    try:
        yield harness
    finally:
        await harness.__aexit__(None, None, None)


@pytest.fixture
async def relais_services(
    fake_discord: FakeDiscord, tmp_path: Path
) -> AsyncIterator[RelaisHarness]:
    """The same, with every feature service (calendar, announcements, feeds, inbox)."""
    harness = RelaisHarness.create(fake_discord, tmp_path, with_services=True)
    try:
        yield harness
    finally:
        await harness.__aexit__(None, None, None)
