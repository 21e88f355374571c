"""`/flux ajouter|retirer|liste|tester|etat|reprendre` (staff): thin layer over FeedService."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.checks import StaffGroup
from bot.discord.i18n import L
from bot.discord.publisher import DiscordPublisher
from bot.messages import t
from bot.models import Post
from bot.relay.pipeline import reference_date
from bot.relay.render import escape_markdown, render_communication
from bot.sources.feeds.service import FeedService
from bot.sources.feeds.store import FeedRecord
from bot.timeutil import discord_ts, to_local, utc_now

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot

NO_PINGS = discord.AllowedMentions.none()
LIST_LIMIT = 1900


# --- pure helpers (tested without Discord) ----------------------------------------------------


def _when(value: Any) -> str:
    return discord_ts(value, "f") + " (" + discord_ts(value, "R") + ")" if value else t(
        "feeds.status.never"
    )


def state_label(record: FeedRecord) -> str:
    if record.paused:
        return t("feeds.status.paused")
    if record.failures:
        return t("feeds.status.failing", failures=record.failures)
    return t("feeds.status.ok")


def _interval(value: float) -> str:
    return f"{value:g}"


def list_text(records: list[FeedRecord]) -> str:
    """The `/flux liste` reply (cut to fit one message)."""
    if not records:
        return t("feeds.reply.none")
    lines = [t("feeds.reply.list_header", count=len(records))]
    for record in records:
        channels = ", ".join(record.feed.channels) or t("feeds.status.default_channel")
        lines.append(
            t(
                "feeds.reply.list_line",
                name=escape_markdown(record.name),
                channels=escape_markdown(channels),
                interval=_interval(record.feed.interval_minutes),
                status=state_label(record),
            )
        )
    text = "\n".join(lines)
    return text if len(text) <= LIST_LIMIT else text[: LIST_LIMIT - 1] + "…"


def status_fields(record: FeedRecord) -> list[tuple[str, str]]:
    """(name, value) pairs of the `/flux etat` embed."""
    error = record.last_error
    if error and record.last_error_at:
        error = f"{discord_ts(record.last_error_at, 'f')} — {escape_markdown(error)}"
    return [
        (t("feeds.status.url"), escape_markdown(record.feed.url)[:1024]),
        (t("feeds.status.state"), state_label(record)),
        (t("feeds.status.last_success"), _when(record.last_success)),
        (t("feeds.status.last_error"), (error or t("feeds.status.never"))[:1024]),
        (
            t("feeds.status.next_poll"),
            t("feeds.status.paused") if record.paused else _when(record.next_poll or utc_now()),
        ),
        (t("feeds.status.items_relayed"), str(record.items_relayed)),
        (t("feeds.status.items_seen"), str(record.items_seen)),
    ]


async def preview_post(app: Any, service: FeedService, name_or_url: str) -> tuple[str, Post | None]:
    """What `/flux tester` shows: a header line and the post the newest item would make."""
    preview = await service.preview(name_or_url)
    doc = preview.document
    if doc is None:
        return t("feeds.reply.test_empty", name=escape_markdown(name_or_url)), None
    analysis = await app.pipeline.analyser(doc, reference_date(doc, app.settings))
    channel = doc.channels[0] if doc.channels else app.settings.config.routing.default_channel
    post = render_communication(
        doc,
        analysis,
        channel=channel,
        communication_id=0,
        today=to_local(utc_now(), app.settings.timezone).date(),
        ping_role=None,
    )
    return t("feeds.reply.test_header", count=len(preview.feed.items)), post


# --- Discord surface --------------------------------------------------------------------------


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FluxGroup(StaffGroup):
    def __init__(self, bot: RelaisBot) -> None:
        super().__init__(name=L("feeds.cmd.group"), description=L("feeds.cmd.group.desc"))
        self.bot = bot

    @property
    def service(self) -> FeedService:
        return self.bot.app.feeds

    async def _names(self, interaction: discord.Interaction, current: str) -> list[
        app_commands.Choice[str]
    ]:
        service = self.service
        wanted = current.casefold()
        return [
            app_commands.Choice(name=record.name[:100], value=record.name[:100])
            for record in await service.feeds()
            if wanted in record.name.casefold()
        ][:25]

    async def _channels(self, interaction: discord.Interaction, current: str) -> list[
        app_commands.Choice[str]
    ]:
        keys = sorted(self.bot.app.settings.config.channels)
        return [app_commands.Choice(name=k, value=k) for k in keys if current.casefold() in k][:25]

    @app_commands.command(name=L("feeds.cmd.add"), description=L("feeds.cmd.add.desc"))
    @app_commands.rename(
        nom=L("feeds.cmd.param.name"),
        adresse=L("feeds.cmd.param.url"),
        salon=L("feeds.cmd.param.channel"),
        intervalle=L("feeds.cmd.param.interval"),
        role=L("feeds.cmd.param.role"),
    )
    @app_commands.describe(
        nom=L("feeds.cmd.param.name.desc"),
        adresse=L("feeds.cmd.param.url.desc"),
        salon=L("feeds.cmd.param.channel.desc"),
        intervalle=L("feeds.cmd.param.interval.desc"),
        role=L("feeds.cmd.param.role.desc"),
    )
    async def ajouter(
        self,
        interaction: discord.Interaction,
        nom: str,
        adresse: str,
        salon: str | None = None,
        intervalle: app_commands.Range[int, 1, 1440] | None = None,
        role: discord.Role | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        record = await self.service.add(
            nom,
            adresse,
            channel=salon,
            interval_minutes=intervalle,
            role=str(role.id) if role is not None else None,
            added_by=str(interaction.user.id),
        )
        await interaction.followup.send(
            t(
                "feeds.reply.added",
                name=escape_markdown(record.name),
                url=escape_markdown(record.feed.url),
                interval=_interval(record.feed.interval_minutes),
            ),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name=L("feeds.cmd.remove"), description=L("feeds.cmd.remove.desc"))
    @app_commands.rename(nom=L("feeds.cmd.param.name"))
    @app_commands.describe(nom=L("feeds.cmd.param.name.desc"))
    async def retirer(self, interaction: discord.Interaction, nom: str) -> None:
        feed = await self.service.remove(nom)
        await interaction.response.send_message(
            t("feeds.reply.removed", name=escape_markdown(feed.name)),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name=L("feeds.cmd.list"), description=L("feeds.cmd.list.desc"))
    async def liste(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            list_text(await self.service.feeds()), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(name=L("feeds.cmd.test"), description=L("feeds.cmd.test.desc"))
    @app_commands.rename(nom=L("feeds.cmd.param.name"))
    @app_commands.describe(nom=L("feeds.cmd.param.name_or_url.desc"))
    async def tester(self, interaction: discord.Interaction, nom: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        header, post = await preview_post(self.bot.app, self.service, nom)
        embeds = [DiscordPublisher.build_embed(e) for e in post.embeds] if post else []
        await interaction.followup.send(
            header, embeds=embeds, ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(name=L("feeds.cmd.status"), description=L("feeds.cmd.status.desc"))
    @app_commands.rename(nom=L("feeds.cmd.param.name"))
    @app_commands.describe(nom=L("feeds.cmd.param.name.desc"))
    async def etat(self, interaction: discord.Interaction, nom: str) -> None:
        record = await self.service.status(nom)
        embed = discord.Embed(
            title=t("feeds.status.title", name=escape_markdown(record.name))[:256],
            colour=0x1F6FB2,
        )
        for name, value in status_fields(record):
            embed.add_field(name=name, value=value, inline=False)
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(name=L("feeds.cmd.resume"), description=L("feeds.cmd.resume.desc"))
    @app_commands.rename(nom=L("feeds.cmd.param.name"))
    @app_commands.describe(nom=L("feeds.cmd.param.name.desc"))
    async def reprendre(self, interaction: discord.Interaction, nom: str) -> None:
        record = await self.service.resume(nom)
        await interaction.response.send_message(
            t("feeds.reply.resumed", name=escape_markdown(record.name)),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @retirer.autocomplete("nom")
    @tester.autocomplete("nom")
    @etat.autocomplete("nom")
    @reprendre.autocomplete("nom")
    async def _name_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._names(interaction, current)

    @ajouter.autocomplete("salon")
    async def _channel_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._channels(interaction, current)


class Feeds(commands.Cog):
    def __init__(self, bot: RelaisBot) -> None:
        self.bot = bot
        self.group = FluxGroup(bot)
        bot.tree.add_command(self.group)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.group.name)


async def setup(bot: RelaisBot) -> None:
    await bot.add_cog(Feeds(bot))
