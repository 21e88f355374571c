"""`/flux ajouter|modifier|retirer|liste|tester|etat|reprendre|importer|exporter` (staff).

A thin layer over FeedService: options parsed here, every decision made by the service,
the French texts in bot/messages/feeds.py.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.discord import ui
from bot.discord.checks import StaffGroup
from bot.discord.cogs import GroupCog
from bot.discord.confirm import ask
from bot.discord.publisher import DiscordPublisher
from bot.discord.slash import (
    choices,
    command,
    configured_channels,
    options,
    reply,
    thinking,
)
from bot.errors import RelaisError
from bot.messages import t
from bot.models import Post
from bot.relay.pipeline import reference_date
from bot.relay.render import escape_markdown, render_communication
from bot.safe_text import cut, fit_lines
from bot.sources.feeds.opml import MAX_OPML_BYTES
from bot.sources.feeds.service import (
    FeedService,
    FilterLine,
    ImportLine,
)
from bot.sources.feeds.store import FeedRecord
from bot.timeutil import discord_ts, to_local, utc_now

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot

LIST_LIMIT = 1900
PREVIEW_LINES = 20
CLEAR = "-"
log = logging.getLogger(__name__)
Destination = discord.Thread | discord.ForumChannel


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
        channels = ", ".join(
            f"<#{c}>" if c.isdigit() else escape_markdown(c) for c in record.feed.channels
        ) or t("feeds.status.default_channel")
        lines.append(
            t(
                "feeds.reply.list_line",
                name=escape_markdown(record.name)
                + (t("feeds.reply.list_page") if record.feed.kind == "page" else ""),
                channels=channels,
                interval=_interval(record.feed.interval_minutes),
                status=state_label(record),
            )
        )
    return cut("\n".join(lines), LIST_LIMIT)


def status_fields(record: FeedRecord) -> list[tuple[str, str]]:
    """(name, value) pairs of the `/flux etat` embed."""
    error = record.last_error
    if error and record.last_error_at:
        error = f"{discord_ts(record.last_error_at, 'f')} — {escape_markdown(error)}"
    return [
        (t("feeds.status.url"), cut(escape_markdown(record.current_url), 1024)),
        (t("feeds.status.kind"), t(f"feeds.choice.kind.{record.feed.kind}")),
        (t("feeds.status.state"), state_label(record)),
        (t("feeds.status.last_success"), _when(record.last_success)),
        (t("feeds.status.last_error"), cut(error or t("feeds.status.never"), 1024)),
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
    if not preview.feed.items and doc.kind == "page":
        return t("feeds.reply.test_page_header", count=len(doc.text.split("\n\n"))), post
    return t("feeds.reply.test_header", count=len(preview.feed.items)), post


def keyword_list(value: str | None) -> list[str] | None:
    """"a, b" → ["a", "b"]; "-" → [] (clear); None → unchanged."""
    if value is None:
        return None
    if value.strip() == CLEAR:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def pattern_list(value: str | None) -> list[str] | None:
    """One regular expression (alternation says "or"); "-" clears."""
    if value is None:
        return None
    return [] if value.strip() == CLEAR else [value.strip()]


def destination(salon: str | None, fil: Any | None) -> list[str] | None:
    if salon and fil is not None:
        raise RelaisError(t("feeds.reply.salon_and_thread"))
    if fil is not None:
        return [str(fil.id)]
    return [salon] if salon else None


def edit_changes(
    *,
    intervalle: int | None = None,
    channels: list[str] | None = None,
    role: str | None = None,
    sans_role: bool = False,
    inclure: str | None = None,
    exclure: str | None = None,
    inclure_regex: str | None = None,
    exclure_regex: str | None = None,
    affichage: str | None = None,
    selecteur: str | None = None,
) -> tuple[dict[str, Any], list[str], bool]:
    """(changes for the service, French summary parts, whether filters change)."""
    changes: dict[str, Any] = {}
    said: list[str] = []
    if intervalle is not None:
        changes["interval_minutes"] = intervalle
        said.append(t("feeds.change.interval", value=intervalle))
    if channels is not None:
        changes["channels"] = channels
        shown = ", ".join(f"<#{c}>" if c.isdigit() else escape_markdown(c) for c in channels)
        said.append(t("feeds.change.channels", value=shown))
    if sans_role:
        changes["role"] = None
        said.append(t("feeds.change.no_role"))
    elif role is not None:
        changes["role"] = role
        said.append(t("feeds.change.role", value=f"<@&{role}>" if role.isdigit() else role))
    filters = {
        "include": keyword_list(inclure),
        "exclude": keyword_list(exclure),
        "include_regex": pattern_list(inclure_regex),
        "exclude_regex": pattern_list(exclure_regex),
    }
    filtered = False
    for key, value in filters.items():
        if value is not None:
            changes[key] = value
            filtered = True
    if filtered:
        said.append(t("feeds.change.filters"))
    if affichage is not None:
        changes["show"] = affichage
        said.append(t("feeds.change.show", value=t(f"feeds.choice.show.{affichage}")))
    if selecteur is not None:
        changes["selector"] = None if selecteur.strip() == CLEAR else selecteur
        said.append(t("feeds.change.selector", value=escape_markdown(selecteur)))
    return changes, said, filtered


def _fit(lines: list[str], header: str, more_key: str) -> str:
    """Header and as many lines as fit one message, then « … et N autre(s) »."""
    return fit_lines([header, *lines], LIST_LIMIT - 40, lambda left: t(more_key, count=left))


def filter_preview_text(name: str, lines: list[FilterLine]) -> str:
    kept = sum(1 for line in lines if line.passed)
    header = t(
        "feeds.reply.preview_header",
        name=escape_markdown(name),
        count=len(lines),
        kept=kept,
        dropped=len(lines) - kept,
    )
    rendered = [
        t(
            "feeds.reply.preview_kept" if line.passed else "feeds.reply.preview_dropped",
            title=cut(escape_markdown(line.title or "(sans titre)"), 120),
            reason=cut(escape_markdown(line.reason), 120),
        )
        for line in lines[:PREVIEW_LINES]
    ]
    return _fit(rendered, header, "feeds.reply.preview_more")


def import_preview_text(lines: list[ImportLine]) -> str:
    counts = {status: sum(1 for line in lines if line.status == status)
              for status in ("new", "exists", "invalid")}
    header = t(
        "feeds.reply.import_header",
        total=len(lines),
        new=counts["new"],
        exists=counts["exists"],
        invalid=counts["invalid"],
    )
    rendered = []
    for line in lines:
        rendered.append(
            t(
                f"feeds.reply.import_line_{line.status}",
                name=escape_markdown(line.name),
                url=cut(escape_markdown(line.url), 200),
                reason=cut(escape_markdown(line.reason), 200),
            )
        )
    return _fit(rendered, header, "feeds.reply.preview_more")


class Confirm(ui.Confirm):
    """Confirmer / Annuler under an ephemeral preview; only its author may answer. An import
    may outlast Discord's 3 seconds: the click is acknowledged first, the outcome follows."""

    TIMEOUT = 600.0
    yes_key = "feeds.reply.confirm"
    no_key = "feeds.reply.cancel"
    aborted_key = "feeds.reply.cancelled"
    working_key = "feeds.reply.working"


# --- Discord surface --------------------------------------------------------------------------

PARAM = "feeds.cmd.param"


async def feed_names(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete of a feed option: the names of the feeds followed."""
    bot: Any = interaction.client
    return choices([record.name for record in await bot.app.feeds.feeds()], current)



class FluxGroup(StaffGroup):
    def __init__(self, bot: RelaisBot) -> None:
        super().__init__("feeds.cmd.group")
        self.bot = bot

    @property
    def service(self) -> FeedService:
        return self.bot.app.feeds

    @command("feeds.cmd.add")
    @options(
        PARAM,
        nom="name",
        adresse="url",
        salon="channel",
        intervalle="interval",
        role="role",
        fil="thread",
        type="kind",
        selecteur="selector",
    )
    @app_commands.autocomplete(salon=configured_channels)
    @app_commands.choices(
        type=[
            app_commands.Choice(name=t("feeds.choice.kind.feed"), value="feed"),
            app_commands.Choice(name=t("feeds.choice.kind.page"), value="page"),
        ]
    )
    async def ajouter(
        self,
        interaction: discord.Interaction,
        nom: str,
        adresse: str,
        salon: str | None = None,
        intervalle: app_commands.Range[int, 1, 1440] | None = None,
        role: discord.Role | None = None,
        fil: Destination | None = None,
        type: str = "feed",
        selecteur: str | None = None,
    ) -> None:
        channels = destination(salon, fil)
        await thinking(interaction)
        record = await self.service.add(
            nom,
            adresse,
            channel=channels[0] if channels else None,
            interval_minutes=intervalle,
            role=str(role.id) if role is not None else None,
            added_by=str(interaction.user.id),
            kind=type,
            selector=selecteur,
        )
        await reply(
            interaction,
            t(
                "feeds.reply.added_page" if record.feed.kind == "page" else "feeds.reply.added",
                name=escape_markdown(record.name),
                url=escape_markdown(record.feed.url),
                interval=_interval(record.feed.interval_minutes),
            ),
        )

    @command("feeds.cmd.edit")
    @options(
        PARAM,
        nom="name",
        intervalle="interval",
        salon="channel",
        fil="thread",
        role="role",
        sans_role="no_role",
        inclure="include",
        exclure="exclude",
        inclure_regex="include_regex",
        exclure_regex="exclude_regex",
        affichage="show",
        selecteur="selector",
    )
    @app_commands.autocomplete(nom=feed_names, salon=configured_channels)
    @app_commands.choices(
        affichage=[
            app_commands.Choice(name=t(f"feeds.choice.show.{value}"), value=value)
            for value in ("full", "summary", "title")
        ]
    )
    async def modifier(
        self,
        interaction: discord.Interaction,
        nom: str,
        intervalle: app_commands.Range[int, 1, 1440] | None = None,
        salon: str | None = None,
        fil: Destination | None = None,
        role: discord.Role | None = None,
        sans_role: bool = False,
        inclure: str | None = None,
        exclure: str | None = None,
        inclure_regex: str | None = None,
        exclure_regex: str | None = None,
        affichage: str | None = None,
        selecteur: str | None = None,
    ) -> None:
        changes, said, filtered = edit_changes(
            intervalle=intervalle,
            channels=destination(salon, fil),
            role=str(role.id) if role is not None else None,
            sans_role=sans_role,
            inclure=inclure,
            exclure=exclure,
            inclure_regex=inclure_regex,
            exclure_regex=exclure_regex,
            affichage=affichage,
            selecteur=selecteur,
        )
        if not changes:
            raise RelaisError(t("feeds.reply.edit_nothing"))
        service = self.service
        await thinking(interaction)
        record, proposed = await service.proposed(nom, changes)
        preview = await service.filter_preview(proposed) if filtered else None
        summary = ", ".join(said)

        async def apply() -> str:
            updated = await service.modify(record.name, changes)
            return t("feeds.reply.edited", name=escape_markdown(updated.name), changes=summary)

        if preview is None:
            await reply(interaction, await apply())
            return
        await Confirm(interaction.user.id, apply).show(
            interaction, filter_preview_text(proposed.name, preview)
        )

    @command("feeds.cmd.import")
    @options(PARAM, fichier="file", salon="channel")
    @app_commands.autocomplete(salon=configured_channels)
    async def importer(
        self,
        interaction: discord.Interaction,
        fichier: discord.Attachment,
        salon: str | None = None,
    ) -> None:
        if fichier.size > MAX_OPML_BYTES:
            raise RelaisError(t("feeds.reply.file_too_big", limit="1 Mo"))
        service = self.service
        await thinking(interaction)
        data = await fichier.read()
        lines = await service.import_preview(data)
        text = import_preview_text(lines)
        if not any(line.status == "new" for line in lines):
            await reply(interaction, text + "\n" + t("feeds.reply.import_nothing"))
            return
        author = str(interaction.user.id)

        async def apply() -> str:
            added, refused = await service.import_apply(lines, channel=salon, added_by=author)
            answer = t(
                "feeds.reply.imported",
                count=len(added),
                names=", ".join(escape_markdown(n) for n in added) or "—",
            )
            if refused:
                shown = "; ".join(f"{escape_markdown(n)} ({escape_markdown(r)})"
                                  for n, r in refused)
                answer += "\n" + t("feeds.reply.import_refused", lines=shown)
            return cut(answer, LIST_LIMIT)

        await Confirm(interaction.user.id, apply).show(interaction, text)

    @command("feeds.cmd.export")
    async def exporter(self, interaction: discord.Interaction) -> None:
        service = self.service
        data = await service.export_opml()
        count = len(await service.feeds())
        await reply(
            interaction,
            t("feeds.reply.exported", count=count),
            file=discord.File(io.BytesIO(data), filename="relais-flux.opml"),
        )

    @command("feeds.cmd.remove")
    @options(PARAM, nom="name")
    @app_commands.autocomplete(nom=feed_names)
    async def retirer(self, interaction: discord.Interaction, nom: str) -> None:
        async def apply() -> str:
            feed = await self.service.remove(nom)
            return t("feeds.reply.removed", name=escape_markdown(feed.name))

        # A destructive action: asked first, with buttons that say what they do.
        await ask(
            interaction,
            t("feeds.confirm.remove", name=escape_markdown(nom)),
            apply,
            confirm_label=t("feeds.confirm.remove_button"),
            danger=True,
        )

    @command("feeds.cmd.list")
    async def liste(self, interaction: discord.Interaction) -> None:
        await reply(interaction, list_text(await self.service.feeds()))

    @command("feeds.cmd.test")
    @options(PARAM, nom=("name", "name_or_url"))
    @app_commands.autocomplete(nom=feed_names)
    async def tester(self, interaction: discord.Interaction, nom: str) -> None:
        await thinking(interaction)
        header, post = await preview_post(self.bot.app, self.service, nom)
        embeds = [DiscordPublisher.build_embed(e) for e in post.embeds] if post else []
        await reply(interaction, header, embeds=embeds)

    @command("feeds.cmd.status")
    @options(PARAM, nom="name")
    @app_commands.autocomplete(nom=feed_names)
    async def etat(self, interaction: discord.Interaction, nom: str) -> None:
        record = await self.service.status(nom)
        embed = discord.Embed(
            title=cut(t("feeds.status.title", name=escape_markdown(record.name)), 256),
            colour=0x1F6FB2,
        )
        for name, value in status_fields(record):
            embed.add_field(name=name, value=value, inline=False)
        await reply(interaction, embed=embed)

    @command("feeds.cmd.resume")
    @options(PARAM, nom="name")
    @app_commands.autocomplete(nom=feed_names)
    async def reprendre(self, interaction: discord.Interaction, nom: str) -> None:
        record = await self.service.resume(nom)
        await reply(interaction, t("feeds.reply.resumed", name=escape_markdown(record.name)))


class Feeds(GroupCog):
    def __init__(self, bot: RelaisBot) -> None:
        super().__init__(bot, FluxGroup(bot))


async def setup(bot: RelaisBot) -> None:
    await bot.add_cog(Feeds(bot))
