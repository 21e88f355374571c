"""Reminder offsets as written in config/relais.toml: « J-7 », « H-2 », « J0 08:00 ».

- ``J-n``: n days before, at the event's own wall-clock time (a DST change in between does
  not shift it by an hour);
- ``J-n HH:MM``: n days before, at that local time (``J0 08:00``: the morning of the day);
- ``H-n`` / ``M-n``: n hours / minutes before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.calendar.model import CalendarError
from bot.messages import t
from bot.timeutil import MONTREAL

DEFAULT_MEETING_OFFSETS = ("J-7", "J-1", "H-2")
DEFAULT_DEADLINE_OFFSETS = ("J-14", "J-7", "J-1", "J0 08:00")

_SPEC = re.compile(
    r"^\s*(?:(?P<unit>[JjHhMm])\s*(?:-\s*(?P<n>\d{1,3})|(?P<zero>0)))"
    r"(?:\s+(?P<hh>\d{1,2})\s*[:h]\s*(?P<mm>\d{2}))?\s*$"
)


@dataclass(frozen=True)
class Offset:
    spec: str
    unit: str  # "J", "H" or "M"
    amount: int
    at: time | None = None

    def due(self, event_at: datetime, tz: ZoneInfo = MONTREAL) -> datetime:
        """When this reminder falls for an event at ``event_at`` (aware); returned in UTC."""
        if self.unit == "H":
            return (event_at - timedelta(hours=self.amount)).astimezone(UTC)
        if self.unit == "M":
            return (event_at - timedelta(minutes=self.amount)).astimezone(UTC)
        local = event_at.astimezone(tz)
        day = local.date() - timedelta(days=self.amount)
        wall = self.at or local.time().replace(tzinfo=None)
        # fold=0 and the zoneinfo normalisation place a skipped wall time just after the gap.
        return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def parse_offset(spec: str) -> Offset:
    match = _SPEC.match(spec)
    if not match:
        raise CalendarError(t("calendar.offset.invalid", spec=spec))
    unit = match["unit"].upper()
    amount = 0 if match["zero"] else int(match["n"])
    at = None
    if match["hh"] is not None:
        hour, minute = int(match["hh"]), int(match["mm"])
        if hour > 23 or minute > 59 or unit != "J":
            raise CalendarError(t("calendar.offset.invalid", spec=spec))
        at = time(hour, minute)
    return Offset(spec.strip(), unit, amount, at)


def offsets_from_text(text: str | None, default: Sequence[Offset]) -> tuple[Offset, ...]:
    """« J-7, H-2 » as stored on a meeting or a member's preference; empty: ``default``."""
    if text is None or not text.strip():
        return tuple(default)
    return tuple(parse_offset(part) for part in text.replace(";", ",").split(",") if part.strip())


def offsets_text(offsets: Sequence[Offset]) -> str:
    return ", ".join(o.spec for o in offsets)


@dataclass(frozen=True)
class ReminderOffsets:
    meetings: tuple[Offset, ...]
    deadlines: tuple[Offset, ...]


def offsets_from_config(config: Any) -> ReminderOffsets:
    """Read ``settings.config.reminders`` (an object or a dict), falling back to the defaults."""
    section = (
        getattr(config, "reminders", None)
        if not isinstance(config, dict)
        else (config.get("reminders"))
    )

    def pick(name: str, default: tuple[str, ...]) -> tuple[Offset, ...]:
        raw = None
        if isinstance(section, dict):
            raw = section.get(name)
        elif section is not None:
            raw = getattr(section, name, None)
        specs = default if raw is None else tuple(raw)
        return tuple(parse_offset(s) for s in specs)

    return ReminderOffsets(
        meetings=pick("meetings", DEFAULT_MEETING_OFFSETS),
        deadlines=pick("deadlines", DEFAULT_DEADLINE_OFFSETS),
    )
