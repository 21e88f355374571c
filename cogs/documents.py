"""`/document deposer fichier:<pièce jointe> [canal]` (staff): thin layer over the inbox upload."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.checks import StaffGroup
from bot.discord.cogs import GroupCog
from bot.discord.slash import command, configured_channels, options, reply, thinking
from bot.errors import RelaisError
from bot.messages import t
from bot.sources.documents import sizes_apart
from bot.sources.inbox.upload import deposit

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot


class DocumentGroup(StaffGroup):
    def __init__(self, bot: RelaisBot) -> None:
        super().__init__("inbox.cmd.group")
        self.bot = bot

    @command("inbox.cmd.deposit")
    @options("inbox.cmd.param", fichier="file", canal="channel")
    @app_commands.autocomplete(canal=configured_channels)
    async def deposer(
        self,
        interaction: discord.Interaction,
        fichier: discord.Attachment,
        canal: str | None = None,
    ) -> None:
        app = self.bot.app
        limit = app.settings.config.inbox.max_file_bytes
        if fichier.size > limit:
            shown, bound = sizes_apart(fichier.size, limit)
            raise RelaisError(t("inbox.cmd.too_large", size=shown, limit=bound))
        # Reading, analysing and waiting for the post take longer than Discord's 3 seconds.
        await thinking(interaction)
        data = await fichier.read()
        result = await deposit(
            app,
            data,
            fichier.filename,
            uploader=getattr(interaction.user, "display_name", None) or str(interaction.user),
            channel=canal,
        )
        await reply(interaction, result.message)


class Documents(GroupCog):
    def __init__(self, bot: RelaisBot) -> None:
        super().__init__(bot, DocumentGroup(bot))


async def setup(bot: RelaisBot) -> None:
    await bot.add_cog(Documents(bot))
