"""`relais check` for the calendar: reminder offsets and config/calendar.toml, nothing written."""

from __future__ import annotations

from bot.calendar.demo import configured_file, plan_calendar, read_calendar_file
from bot.calendar.model import CalendarError
from bot.calendar.offsets import offsets_from_config
from bot.settings import Settings, SettingsError
from bot.timeutil import utc_now


def validate_settings(settings: Settings) -> None:
    """Raise ``SettingsError`` (French, naming file and item) when the calendar cannot load."""
    try:
        offsets_from_config(settings.config)
        path = configured_file(settings)
        if path is not None:
            plan_calendar(read_calendar_file(path), path, now=utc_now(), tz=settings.timezone)
    except CalendarError as exc:
        raise SettingsError(exc.message) from None
