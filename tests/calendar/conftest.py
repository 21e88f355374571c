"""Fixtures of the calendar tests: a real SQLite file, a fixed 'now', default settings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.calendar.offsets import DEFAULT_DEADLINE_OFFSETS, DEFAULT_MEETING_OFFSETS, parse_offset
from bot.settings import Settings
from bot.store.db import Database

# A Sunday afternoon in November, Montréal on standard time (UTC-5).
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
MEETING_OFFSETS = tuple(parse_offset(s) for s in DEFAULT_MEETING_OFFSETS)
DEADLINE_OFFSETS = tuple(parse_offset(s) for s in DEFAULT_DEADLINE_OFFSETS)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    config_dir = tmp_path / "config"
    config_dir.mkdir(exist_ok=True)
    return Settings(config_dir=config_dir, database_path=tmp_path / "relais.db")


async def count(db: Database, table: str, where: str = "1") -> int:
    row = await db.fetchone(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}")
    assert row is not None
    return int(row["n"])


async def snapshot(db: Database) -> dict[str, int]:
    """Row counts of every table a calendar write may touch: 'changes nothing' checks."""
    tables = (
        "cal_delegations",
        "cal_delegation_members",
        "cal_meetings",
        "cal_meeting_delegations",
        "cal_deadlines",
        "cal_reminders",
        "cal_attendance",
        "cal_proposals",
        "outbox",
    )
    return {table: await count(db, table) for table in tables}
