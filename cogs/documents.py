"""`/document deposer fichier:<pièce jointe> [canal]` (staff): thin layer over the inbox upload."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.checks import StaffGroup
from bot.discord.cogs import GroupCog
from bot.discord.i18n import L
from bot.errors import RelaisError
from bot.messages import t
from bot.sources.documents import sizes_apart
from bot.sources.inbox.upload import deposit

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot

NO_PINGS = discord.AllowedMentions.none()


@app_commands.guild_only()
# Visible to everyone, run by staff only (StaffGroup): see README « Qui voit les commandes ».
class DocumentGroup(StaffGroup):
    def __init__(self, bot: RelaisBot) -> None:
        super().__init__(name=L("inbox.cmd.group"), description=L("inbox.cmd.group.desc"))
        self.bot = bot

    @app_commands.command(name=L("inbox.cmd.deposit"), description=L("inbox.cmd.deposit.desc"))
    @app_commands.rename(fichier=L("inbox.cmd.param.file"), canal=L("inbox.cmd.param.channel"))
    @app_commands.describe(
        fichier=L("inbox.cmd.param.file.desc"), canal=L("inbox.cmd.param.channel.desc")
    )
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
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await fichier.read()
        result = await deposit(
            app,
            data,
            fichier.filename,
            uploader=getattr(interaction.user, "display_name", None) or str(interaction.user),
            channel=canal,
        )
        await interaction.followup.send(result.message, ephemeral=True, allowed_mentions=NO_PINGS)

    @deposer.autocomplete("canal")
    async def _channel_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        keys = sorted(self.bot.app.settings.config.channels)
        wanted = current.casefold()
        return [app_commands.Choice(name=k, value=k) for k in keys if wanted in k.casefold()][:25]


class Documents(GroupCog):
    def __init__(self, bot: RelaisBot) -> None:
        super().__init__(bot, DocumentGroup(bot))


async def setup(bot: RelaisBot) -> None:
    await bot.add_cog(Documents(bot))
