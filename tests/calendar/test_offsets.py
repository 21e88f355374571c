"""Reminder offsets: J-n keeps the wall-clock time across DST, J0 08:00 is the morning."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.calendar.model import CalendarError
from bot.calendar.offsets import offsets_from_config, parse_offset
from bot.settings import RelaisConfig
from bot.timeutil import MONTREAL


def montreal(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MONTREAL)


def test_days_before_keep_the_local_time_across_a_dst_change() -> None:
    # 2027-11-07: Montréal leaves daylight time. A meeting on 10 November at 9 h 30
    # is reminded on 3 November at 9 h 30 local, although the UTC offset differs.
    event = montreal(2027, 11, 10, 9, 30)
    due = parse_offset("J-7").due(event)
    assert due.astimezone(MONTREAL) == montreal(2027, 11, 3, 9, 30)
    assert (event - due).total_seconds() == 7 * 86400 + 3600


def test_hours_minutes_and_morning_of() -> None:
    event = montreal(2027, 9, 14, 9, 30)
    assert parse_offset("H-2").due(event).astimezone(MONTREAL) == montreal(2027, 9, 14, 7, 30)
    assert parse_offset("M-30").due(event).astimezone(MONTREAL) == montreal(2027, 9, 14, 9, 0)
    assert parse_offset("J0 08:00").due(event).astimezone(MONTREAL) == montreal(2027, 9, 14, 8, 0)
    assert parse_offset("J-1 17:00").due(event).astimezone(MONTREAL) == montreal(2027, 9, 13, 17, 0)


@pytest.mark.parametrize("spec", ["J+7", "H2", "J-1 25:00", "H-2 08:00", "semaine", ""])
def test_bad_offsets_refused(spec: str) -> None:
    with pytest.raises(CalendarError, match="invalide"):
        parse_offset(spec)


def test_offsets_from_settings_and_defaults() -> None:
    config = RelaisConfig.model_validate({"reminders": {"meetings": ["J-3", "M-30"]}})
    offsets = offsets_from_config(config)
    assert [o.spec for o in offsets.meetings] == ["J-3", "M-30"]
    assert [o.spec for o in offsets.deadlines] == ["J-14", "J-7", "J-1", "J0 08:00"]
    defaults = offsets_from_config({})
    assert [o.spec for o in defaults.meetings] == ["J-7", "J-1", "H-2"]
