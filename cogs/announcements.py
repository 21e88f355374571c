"""`/annonce publier|planifier|liste|modifier|annuler|historique` (staff) and the
« Pris en charge » button (custom_id "follow:take:<communication_id>").

Thin: parse the interaction, call ``bot.announcements``, show the French answer. The group is
staff-only at run time (``StaffGroup``), whatever a server admin did with the default
permissions; the button route too. Refusals (``AnnouncementError``, a ``RelaisError``) reach
the one error handler as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.announcements import followup, store
from bot.announcements.draft import AnnouncementError, Draft, normalise_channels, render
from bot.announcements.service import AnnouncementService
from bot.discord import ui
from bot.discord.checks import StaffGroup
from bot.discord.cogs import GroupCog
from bot.discord.confirm import ask
from bot.discord.publisher import DiscordPublisher
from bot.discord.slash import NO_PINGS, command, options, reply
from bot.errors import RelaisError
from bot.messages import t
from bot.relay.publisher import ChannelUnavailable
from bot.relay.render import cut, escape_markdown
from bot.safe_text import fit_lines
from bot.timeutil import discord_ts, utc_now

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot

log = logging.getLogger(__name__)
REPLY_MAX = 1900


# --- pure helpers (tested without Discord) ----------------------------------------------------


def when_text(value: datetime) -> tuple[str, str]:
    return discord_ts(value, "F"), discord_ts(value, "R")


def preview_header(draft: Draft, due_at: datetime | None, parts: int) -> str:
    channels = ", ".join(f"« {c} »" for c in draft.channels)
    ping = ""
    if draft.ping_everyone:
        ping += t("announcements.preview.ping_everyone")
    if draft.ping_roles:
        ping += t("announcements.preview.ping_roles", roles=", ".join(
            f"<@&{r}>" if r.isdigit() else r for r in draft.ping_roles))
    if due_at is None:
        text = t("announcements.preview.header", channels=channels, ping=ping)
    else:
        when, relative = when_text(due_at)
        text = t("announcements.preview.header_scheduled", when=when, relative=relative,
                 channels=channels, ping=ping)
    if parts > 1:
        text += "\n" + t("announcements.preview.parts", parts=parts)
    return text


def list_text(items: list[store.Announcement]) -> str:
    if not items:
        return t("announcements.list.empty")
    lines = [t("announcements.list.header")]
    for item in items:
        when, relative = when_text(item.due_at)
        lines.append(
            t(
                "announcements.list.line",
                id=item.id,
                title=cut(escape_markdown(item.title), 80),
                when=when,
                relative=relative,
                channels=", ".join(item.channels),
                author=escape_markdown(item.author_name),
            )
        )
    return cut("\n".join(lines), REPLY_MAX)


def history_detail(entry: store.HistoryEntry) -> str:
    """Where and for when (published, scheduled, sent), or what a modification changed."""
    text = ""
    if entry.action == "modified":
        changes = [t(f"announcements.history.change.{c}") for c in entry.changed
                   if c in store.CHANGE_FIELDS] or [t("announcements.history.change.none")]
        text += t("announcements.history.detail.changed", changes=", ".join(changes))
    if entry.due_at is not None:
        text += t("announcements.history.detail.due", when=discord_ts(entry.due_at, "f"))
    if entry.channels:
        text += t("announcements.history.detail.channels",
                  channels=", ".join(escape_markdown(c) for c in entry.channels))
    return text


def history_text(entries: list[store.HistoryEntry]) -> str:
    if not entries:
        return t("announcements.history.empty")
    lines = [
        t(
            "announcements.history.line",
            when=discord_ts(entry.at, "f"),
            actor=escape_markdown(entry.actor_name),
            action=t(f"announcements.history.{entry.action}"),
            id=entry.announcement_id,
            title=cut(escape_markdown(entry.title), 80),
        ) + history_detail(entry)
        for entry in entries
    ]
    # The most recent first: what does not fit is the oldest.
    return fit_lines([t("announcements.history.header"), *lines], REPLY_MAX)


def channel_list(raw: str, known: dict[str, str]) -> list[str]:
    return normalise_channels(raw.split(","), known)


def role_refs(role: discord.Role | None) -> list[str]:
    if role is None:
        return []
    if role.is_default():  # the @everyone role: only through the explicit option
        raise RelaisError(t("announcements.error.everyone_as_role"))
    return [str(role.id)]


def actor_of(interaction: discord.Interaction) -> store.Actor:
    return store.Actor(str(interaction.user.id), interaction.user.display_name)


# --- views and modals ------------------------------------------------------------------------


class Confirm(ui.Confirm):
    """Confirmer / Annuler under the ephemeral preview; only its author may answer."""

    # Seconds before the preview expires (an interaction token lives 15 minutes).
    TIMEOUT = 600.0
    yes_key = "announcements.button.confirm"
    no_key = "announcements.button.cancel"
    aborted_key = "announcements.done.aborted"
    expired_key = "announcements.done.timeout"


class AnnouncementModal(ui.Modal):
    """Title and text; on submit, an ephemeral preview asks for confirmation."""

    def __init__(
        self,
        *,
        title: str,
        on_submit: Callable[[discord.Interaction, str, str], Awaitable[None]],
        default_title: str | None = None,
        default_body: str | None = None,
    ) -> None:
        super().__init__(title=title[:45], timeout=900)
        self.title_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=t("announcements.modal.field_title")[:45],
            max_length=256,
            default=default_title,
        )
        self.body_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=t("announcements.modal.field_body")[:45],
            style=discord.TextStyle.paragraph,
            max_length=4000,
            default=default_body,
        )
        self.add_item(self.title_input)
        self.add_item(self.body_input)
        self._on_submit = on_submit

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self._on_submit(interaction, self.title_input.value, self.body_input.value)


# --- commands --------------------------------------------------------------------------------

PARAM = "announcements.param"


class AnnonceGroup(StaffGroup):
    def __init__(self, cog: AnnouncementsCog) -> None:
        super().__init__("announcements.cmd.group")
        self.cog = cog

    @command("announcements.cmd.publish")
    @options(PARAM, salons="channels", role="role", tout_le_monde="everyone")
    async def publier(
        self,
        interaction: discord.Interaction,
        salons: str,
        role: discord.Role | None = None,
        tout_le_monde: bool = False,
    ) -> None:
        await self.cog.open_draft(interaction, salons, role, tout_le_monde, when=None)

    @command("announcements.cmd.schedule")
    @options(PARAM, quand="when", salons="channels", role="role", tout_le_monde="everyone")
    async def planifier(
        self,
        interaction: discord.Interaction,
        quand: str,
        salons: str,
        role: discord.Role | None = None,
        tout_le_monde: bool = False,
    ) -> None:
        await self.cog.open_draft(interaction, salons, role, tout_le_monde, when=quand)

    @command("announcements.cmd.list")
    async def liste(self, interaction: discord.Interaction) -> None:
        await reply(interaction, list_text(await store.scheduled(self.cog.db)))

    @command("announcements.cmd.modify")
    @options(
        PARAM,
        numero="id",
        quand="when",
        salons="channels",
        role=("role", "role_edit"),
        sans_role="no_role",
        tout_le_monde=("everyone", "everyone_edit"),
    )
    async def modifier(
        self,
        interaction: discord.Interaction,
        numero: int,
        quand: str | None = None,
        salons: str | None = None,
        role: discord.Role | None = None,
        sans_role: bool = False,
        tout_le_monde: bool | None = None,
    ) -> None:
        if role is not None and sans_role:
            raise RelaisError(t("announcements.error.role_and_no_role"))
        roles = [] if sans_role else (role_refs(role) if role is not None else None)
        await self.cog.open_edit(interaction, numero, quand, salons, roles, tout_le_monde)

    @command("announcements.cmd.cancel")
    @options(PARAM, numero="id")
    async def annuler(self, interaction: discord.Interaction, numero: int) -> None:
        service = self.cog.service
        actor = actor_of(interaction)
        found = await store.get(self.cog.db, numero)
        if found is None or found.status != "scheduled":
            await service.cancel(numero, actor)  # refuses, in French, through the one handler
            return
        title = found.title

        async def apply() -> str:
            await service.cancel(numero, actor)
            return t("announcements.done.cancelled", id=numero)

        # A destructive action: asked first, with buttons that say what they do.
        await ask(
            interaction,
            t("announcements.confirm.cancel", id=numero, title=escape_markdown(title)),
            apply,
            confirm_label=t("announcements.confirm.cancel_button"),
            danger=True,
        )

    @modifier.autocomplete("numero")
    @annuler.autocomplete("numero")
    async def _scheduled_numbers(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        found = await store.scheduled(self.cog.db)
        return [
            app_commands.Choice(name=f"{a.id} · {a.title}"[:100], value=a.id)
            for a in found
            if not current or current in str(a.id) or current.casefold() in a.title.casefold()
        ][:25]

    @command("announcements.cmd.history")
    async def historique(self, interaction: discord.Interaction) -> None:
        await reply(interaction, history_text(await store.history(self.cog.db, limit=20)))

    @publier.autocomplete("salons")
    @planifier.autocomplete("salons")
    @modifier.autocomplete("salons")
    async def _channels(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return channel_choices(self.cog.known_channels(), current)


def channel_choices(known: dict[str, str], current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for a comma-separated list: complete the last item."""
    done, _, last = current.rpartition(",")
    prefix = (done + ", ") if done else ""
    wanted = last.strip().casefold()
    return [
        app_commands.Choice(name=(prefix + key)[:100], value=(prefix + key)[:100])
        for key in known
        if wanted in key.casefold()
    ][:25]


class AnnouncementsCog(GroupCog):
    def __init__(self, bot: RelaisBot) -> None:
        super().__init__(bot, AnnonceGroup(self))
        bot.register_button_handler(followup.PREFIX, self.on_follow, staff=True)
        bot.app.announcements.channel_check = self.channel_check
        bot.app.announcements.mention_check = self.mention_check

    @property
    def db(self) -> Any:
        return self.bot.app.db

    @property
    def service(self) -> AnnouncementService:
        return self.bot.app.announcements

    def known_channels(self) -> dict[str, str]:
        return self.service.known_channels()

    def channel_check(self, key: str) -> str | None:
        """Why the bot cannot post in ``key``, or None (only known once connected)."""
        publisher = self.bot.app.publisher
        if not isinstance(publisher, DiscordPublisher):
            return None
        try:
            channel = publisher.resolve_channel(key)
        except ChannelUnavailable as exc:
            return t("announcements.error.cannot_post", channel=key, reason=str(exc))
        guild = publisher.guild
        me = guild.me if guild is not None else None
        if me is not None and isinstance(channel, discord.abc.GuildChannel):
            perms = channel.permissions_for(me)
            if not (perms.view_channel and perms.send_messages and perms.embed_links):
                return t(
                    "announcements.error.cannot_post",
                    channel=key,
                    reason=t("announcements.error.no_permission"),
                )
        return None

    def mention_check(self, draft: Draft) -> str | None:
        """Why a chosen mention would notify nobody, or None (only known once connected)."""
        publisher = self.bot.app.publisher
        if not isinstance(publisher, DiscordPublisher) or publisher.guild is None:
            return None
        for name in draft.ping_roles:
            if not publisher.resolve_roles([name]):
                return t("announcements.error.unknown_role", role=name)
        me = publisher.guild.me
        if me is None:
            return None
        roles = publisher.resolve_roles(draft.ping_roles)
        for key in draft.channels:
            try:
                channel = publisher.resolve_channel(key)
            except ChannelUnavailable:
                continue  # channel_check says why
            if not isinstance(channel, discord.abc.GuildChannel):
                continue
            # Discord drops an @everyone (or a locked role) the bot may not mention, silently.
            may_mention_all = channel.permissions_for(me).mention_everyone
            if draft.ping_everyone and not may_mention_all:
                return t("announcements.error.cannot_mention_everyone", channel=key)
            for role in roles:
                if not role.mentionable and not may_mention_all:
                    return t(
                        "announcements.error.role_not_mentionable", role=role.name, channel=key
                    )
        return None

    # -- publish / schedule ---------------------------------------------------------------------

    async def open_draft(
        self,
        interaction: discord.Interaction,
        salons: str,
        role: discord.Role | None,
        everyone: bool,
        *,
        when: str | None,
    ) -> None:
        service = self.service
        channels = channel_list(salons, self.known_channels())
        roles = role_refs(role)
        due_at = None
        if when is not None:
            due_at = service.parse_when(when)  # refused before any typing

        async def submitted(modal_interaction: discord.Interaction, title: str, body: str) -> None:
            draft = Draft(title=title, body=body, channels=channels, ping_roles=roles,
                          ping_everyone=everyone)
            actor = actor_of(modal_interaction)

            async def act() -> str:
                if due_at is None:
                    ann_id = await service.publish(draft, actor)
                    return t("announcements.done.published", id=ann_id,
                             channels=", ".join(channels))
                ann_id = await service.schedule(draft, due_at, actor)
                shown, relative = when_text(due_at)
                return t("announcements.done.scheduled", id=ann_id, when=shown, relative=relative)

            await self.preview(modal_interaction, draft, due_at, act)

        await interaction.response.send_modal(
            AnnouncementModal(title=t("announcements.modal.title"), on_submit=submitted)
        )

    async def preview(
        self,
        interaction: discord.Interaction,
        draft: Draft,
        due_at: datetime | None,
        action: Callable[[], Awaitable[str]],
    ) -> None:
        parts = self.service.validate(draft)  # refusals: the modal's on_error answers
        if due_at is not None and due_at <= utc_now():
            raise AnnouncementError(t("announcements.error.past"))
        first = render(draft, author=interaction.user.display_name)[0]
        embeds = [DiscordPublisher.build_embed(e) for e in first.embeds]
        await Confirm(interaction.user.id, action).show(
            interaction, preview_header(draft, due_at, len(parts)), embeds=embeds
        )

    # -- modify -----------------------------------------------------------------------------------

    async def open_edit(
        self,
        interaction: discord.Interaction,
        numero: int,
        quand: str | None,
        salons: str | None,
        roles: list[str] | None = None,
        everyone: bool | None = None,
    ) -> None:
        """None for ``roles`` / ``everyone``: keep what the announcement had."""
        service = self.service
        current = await store.get(self.db, numero)
        if current is None:
            raise RelaisError(t("announcements.error.not_found", id=numero))
        if current.status != "scheduled":
            raise RelaisError(
                t("announcements.error.not_scheduled", id=numero,
                  status=t(f"announcements.status.{current.status}"))
            )
        channels = channel_list(salons, self.known_channels()) if salons else current.channels
        due_at = None
        if quand:
            due_at = service.parse_when(quand)

        async def submitted(modal_interaction: discord.Interaction, title: str, body: str) -> None:
            draft = Draft(
                title=title,
                body=body,
                channels=channels,
                ping_roles=current.ping_roles if roles is None else roles,
                ping_everyone=current.ping_everyone if everyone is None else everyone,
            )
            actor = actor_of(modal_interaction)

            async def act() -> str:
                updated = await service.modify(numero, actor, draft=draft, due_at=due_at)
                shown, relative = when_text(updated.due_at)
                return t("announcements.done.modified", id=numero, when=shown, relative=relative)

            await self.preview(modal_interaction, draft, due_at or current.due_at, act)

        await interaction.response.send_modal(
            AnnouncementModal(
                title=t("announcements.modal.edit_title", id=numero),
                on_submit=submitted,
                default_title=current.title,
                default_body=current.body[:4000],
            )
        )

    # -- follow-up button -------------------------------------------------------------------------

    async def on_follow(self, interaction: discord.Interaction, custom_id: str) -> None:
        communication_id = followup.parse_custom_id(custom_id)
        result = (
            await followup.take(
                self.db,
                communication_id,
                user_id=str(interaction.user.id),
                user_name=interaction.user.display_name,
            )
            if communication_id is not None
            else None
        )
        if result is None:
            await reply(interaction, t("announcements.follow.unknown"))
            return
        record, taken_now = result
        if not taken_now:
            await reply(
                interaction,
                t("announcements.follow.already", name=escape_markdown(record.taken_by_name),
                  when=discord_ts(record.taken_at, "f")),
            )
            return
        message = interaction.message
        if message is None:
            await reply(interaction, t("announcements.follow.done"))
            return
        embeds = list(message.embeds)
        if embeds:
            embeds[0] = embeds[0].copy().add_field(
                name=t("announcements.follow.field"),
                value=t(
                    "announcements.follow.taken_line",
                    name=escape_markdown(record.taken_by_name),
                    when=discord_ts(record.taken_at, "f"),
                ),
                inline=False,
            )
        view = discord.ui.View(timeout=None)
        view.add_item(
            discord.ui.Button(
                custom_id=custom_id,
                label=t("announcements.follow.taken_label", name=record.taken_by_name)[:80],
                style=discord.ButtonStyle.success,
                disabled=True,
            )
        )
        view.stop()
        await interaction.response.edit_message(
            content=message.content or None,
            embeds=embeds,
            view=view,
            allowed_mentions=NO_PINGS,
        )


async def setup(bot: RelaisBot) -> None:
    await bot.add_cog(AnnouncementsCog(bot))
