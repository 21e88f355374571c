"""Checks of the announcements' configuration (``[digest]`` of relais.toml) for `relais check`."""

from __future__ import annotations

from apscheduler.triggers.cron import CronTrigger

from bot.messages import t
from bot.settings import Settings, SettingsError


def digest_trigger(settings: Settings) -> CronTrigger:
    """The digest's schedule; raises ``SettingsError`` (French) when the cron is unusable."""
    cron = settings.config.digest.cron
    try:
        return CronTrigger.from_crontab(cron, timezone=settings.timezone)
    except ValueError as exc:
        raise SettingsError(
            t("announcements.config.bad_cron", cron=cron, error=str(exc))
        ) from None


def validate_settings(settings: Settings) -> None:
    digest = settings.config.digest
    if not digest.enabled:
        return
    digest_trigger(settings)
    if digest.channel not in settings.config.channels:
        raise SettingsError(
            t(
                "announcements.config.unknown_digest_channel",
                channel=digest.channel,
                known=", ".join(settings.config.channels),
            )
        )
