"""Aware datetimes: stored in UTC, shown in America/Montreal."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MONTREAL = ZoneInfo("America/Montreal")


def utc_now() -> datetime:
    return datetime.now(UTC)


def ensure_aware(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime refused: {dt!r}")
    return dt


def to_iso(dt: datetime) -> str:
    """UTC ISO 8601 text, the only form datetimes take in the database."""
    return ensure_aware(dt).astimezone(UTC).isoformat(timespec="seconds")


def from_iso(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        # Only our own columns are read here, and they are written by to_iso: treat as UTC.
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def to_local(dt: datetime, tz: ZoneInfo = MONTREAL) -> datetime:
    return ensure_aware(dt).astimezone(tz)


def discord_ts(dt: datetime, style: str = "F") -> str:
    """A Discord timestamp markup, shown to each reader in their own time zone."""
    return f"<t:{int(ensure_aware(dt).timestamp())}:{style}>"


FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
FRENCH_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def format_local(dt: datetime, *, with_time: bool = True, tz: ZoneInfo = MONTREAL) -> str:
    """French human form, e.g. « lundi 14 septembre 2026, 9 h 30 » (for the console and files)."""
    local = to_local(dt, tz)
    day = "1er" if local.day == 1 else str(local.day)
    text = f"{FRENCH_WEEKDAYS[local.weekday()]} {day} {FRENCH_MONTHS[local.month - 1]} {local.year}"
    if with_time:
        text += f", {local.hour} h {local.minute:02d}" if local.minute else f", {local.hour} h"
    return text


async def wait_event(event: asyncio.Event, timeout: float) -> bool:
    """Wait for ``event`` at most ``timeout`` seconds; True when it was set.

    Not ``asyncio.wait_for``: on Python 3.11 it can swallow a cancellation that arrives just as
    the event is set (CPython gh-86296), and a loop stopped at that moment would run for ever.
    """
    try:
        async with asyncio.timeout(timeout):
            await event.wait()
    except TimeoutError:
        return False
    return True
