"""The single answer to app-command errors: French, ephemeral, logged when unexpected."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.messages import t

log = logging.getLogger(__name__)


class UserError(app_commands.AppCommandError):
    """Raise from a command with a French message (from the catalog) to show it as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotStaff(app_commands.CheckFailure):
    """The member lacks the staff role (see ``bot.discord.checks.staff_only``)."""

    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


def message_for(error: Exception) -> str:
    """The French sentence shown for ``error``."""
    if isinstance(error, app_commands.CommandInvokeError) and isinstance(error.original, UserError):
        error = error.original
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, NotStaff):
        return t("discord.error.not_staff", role=error.role)
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


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Answer once, whether or not the command already answered or deferred."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error (interaction %s)", interaction.id)


async def on_app_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """Installed as ``bot.tree.on_error``: every command error ends here."""
    expected = isinstance(error, UserError | app_commands.CheckFailure) or (
        isinstance(error, app_commands.CommandInvokeError) and isinstance(error.original, UserError)
    )
    if not expected:
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error("app command /%s failed", command, exc_info=error)
    await send_ephemeral(interaction, message_for(error))
