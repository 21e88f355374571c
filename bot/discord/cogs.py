"""The shape of a cog whose commands are slash-command groups: added on load, removed on
unload (so that reloading an extension never leaves a stale or duplicated group)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot


class GroupCog(commands.Cog):
    def __init__(self, bot: RelaisBot, *groups: app_commands.Group) -> None:
        self.bot = bot
        self.groups = groups
        for group in groups:
            bot.tree.add_command(group)

    async def cog_unload(self) -> None:
        for group in self.groups:
            self.bot.tree.remove_command(group.name)
