"""The one answer to every failure in front of a user: French, ephemeral, logged when unexpected.

Slash commands (``bot.tree.on_error``), buttons of posts (``ButtonRouter``), and the views and
modals of ``bot.discord.ui`` all end in ``report``. A ``RelaisError`` (a domain refusal:
calendar, announcements, feeds, documents…) is shown as written; a check failure gets its
sentence; anything else is a bug: logged with its traceback, answered with a generic sentence.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discord.slash import reply
from bot.errors import RelaisError
from bot.messages import t

log = logging.getLogger(__name__)

class NotStaff(app_commands.CheckFailure):
    """The member lacks the staff role; ``kind`` says what they tried (the refusal differs)."""

    def __init__(self, role: str, kind: str = "command") -> None:
        super().__init__(role)
        self.role = role
        self.kind = kind


def _unwrap(error: BaseException) -> BaseException:
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        original = getattr(error, "original", None) or error.__cause__
        if isinstance(original, RelaisError):
            return original
    return error


def message_for(error: BaseException) -> str:
    """The French sentence shown for ``error``."""
    error = _unwrap(error)
    if isinstance(error, RelaisError):
        return error.message
    if isinstance(error, NotStaff):
        return t(f"discord.error.not_staff.{error.kind}", role=error.role)
    if isinstance(error, app_commands.MissingPermissions | app_commands.BotMissingPermissions):
        return t("discord.error.permissions")
    if isinstance(error, app_commands.NoPrivateMessage):
        return t("discord.error.guild_only")
    if isinstance(error, app_commands.CommandOnCooldown):
        return t("discord.error.cooldown", seconds=max(1, round(error.retry_after)))
    if isinstance(error, app_commands.TransformerError):
        return t("discord.error.bad_value", value=str(error.value)[:100])
    if isinstance(error, app_commands.CheckFailure):
        return t("discord.error.check")
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return t("discord.error.outdated")
    return t("discord.error.internal")


def expected(error: BaseException) -> bool:
    """A refusal meant for the user (not logged as a failure)."""
    return isinstance(_unwrap(error), RelaisError | app_commands.CheckFailure)


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """``reply``, for the error path: an answer Discord refuses is logged, not raised."""
    try:
        await reply(interaction, text)
    except discord.HTTPException:
        log.warning("could not tell the user about an error (interaction %s)", interaction.id)


def explain(error: BaseException, where: str) -> str:
    """Log what is not a refusal; the French sentence to show for ``error``."""
    if not expected(error):
        log.error("%s failed", where, exc_info=error)
    return message_for(error)


async def report(interaction: discord.Interaction, error: BaseException, where: str) -> None:
    """The single handler: log what is not a refusal, answer in French."""
    await send_ephemeral(interaction, explain(error, where))


async def on_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """Installed as ``bot.tree.on_error``: every command error ends here."""
    command = interaction.command.qualified_name if interaction.command else "?"
    await report(interaction, error, f"app command /{command}")
