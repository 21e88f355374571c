"""Calendar commands and buttons: a thin layer over ``bot.calendar`` (modals and other
Discord pieces in ``cogs/calendar/_ui.py``).

Members: `/rencontres`, `/echeances`. Staff: `/calendrier ajouter-rencontre|ajouter-echeance|
modifier|annuler|ics|presences`, `/delegation creer|membres|liste`. Buttons: attendance
("cal:att:<meeting>:<status>") on reminders, proposals ("cal:prop:<id>:<action>") for staff.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.calendar import actions, attendance, proposals
from bot.calendar import repository as repo
from bot.calendar.mirror import EventMirror, sync_all
from bot.calendar.model import Deadline, Meeting
from bot.calendar.offsets import offsets_from_text, offsets_text
from bot.calendar.posts import esc
from bot.calendar.recurrence import parse_recurrence
from bot.discord.checks import StaffGroup
from bot.discord.confirm import ask
from bot.discord.i18n import L
from bot.discord.slash import choices, command, options, reply
from bot.errors import RelaisError
from bot.messages import t
from bot.safe_text import cut, fit_lines
from bot.timeutil import format_local, utc_now
from cogs.calendar._ui import (
    DeadlineModal,
    DelegationPick,
    GuildDirectory,
    GuildEventMirror,
    MeetingModal,
    mark_proposal_done,
    parse_people,
    send_pages,
    staff_command,
)

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot

log = logging.getLogger(__name__)
OPT = "calendar.opt"


# --- commands ----------------------------------------------------------------------------------


async def delegation_names(
    interaction: discord.Interaction,
    current: str,
) -> list[app_commands.Choice[str]]:
    bot: Any = interaction.client
    return choices([d.name for d in await repo.list_delegations(bot.app.db)], current)


# No default_permissions on staff groups: Discord would hide them from staff without
# "Manage Server". Every staff subcommand checks the configured staff role at run time
# (staff_command); an administrator may narrow visibility in Server Settings → Integrations.
@app_commands.guild_only()
class CalendarGroup(app_commands.Group):
    def __init__(self, cog: CalendarCog) -> None:
        super().__init__(
            name=L("calendar.cmd.calendrier"), description=L("calendar.cmd.calendrier.desc")
        )
        self.cog = cog

    @command("calendar.cmd.ajouter_rencontre")
    @options(OPT, "delegation", "prepare", "retroaction", "recurrence", "rappels")
    @app_commands.autocomplete(delegation=delegation_names)
    @staff_command()
    async def add_meeting(
        self,
        interaction: discord.Interaction,
        delegation: str | None = None,
        prepare: str | None = None,
        retroaction: str | None = None,
        recurrence: str | None = None,
        rappels: str | None = None,
    ) -> None:
        if recurrence:  # refused before the modal opens: nothing typed is lost
            _check_recurrence(recurrence)
        reminders = _check_offsets(rappels) if rappels else None
        ids = ((await repo.require_delegation(self.cog.db, delegation)).id,) if delegation else ()
        links = {}
        for name, ref in (("prepares", prepare), ("debriefs", retroaction)):
            if ref:
                kind, number = actions.parse_ref(ref)
                if kind != "meeting":
                    raise RelaisError(t("calendar.error.bad_id", text=ref))
                links[name] = (await repo.require_meeting(self.cog.db, number)).id
        await interaction.response.send_modal(
            MeetingModal(self.cog, ids, links=links, recurrence=recurrence, reminders=reminders)
        )

    @command("calendar.cmd.ajouter_echeance")
    @options(OPT, "delegation", "rappels")
    @app_commands.autocomplete(delegation=delegation_names)
    @staff_command()
    async def add_deadline(
        self,
        interaction: discord.Interaction,
        delegation: str | None = None,
        rappels: str | None = None,
    ) -> None:
        found = await repo.require_delegation(self.cog.db, delegation) if delegation else None
        reminders = _check_offsets(rappels) if rappels else None
        await interaction.response.send_modal(
            DeadlineModal(self.cog, found.id if found else None, reminders=reminders)
        )

    @command("calendar.cmd.modifier")
    @options(OPT, "element")
    @staff_command()
    async def edit(self, interaction: discord.Interaction, element: str) -> None:
        kind, number = actions.parse_ref(element)
        if kind == "meeting":
            meeting = await repo.require_meeting(self.cog.db, number)
            modal: discord.ui.Modal = MeetingModal(self.cog, meeting.delegation_ids, meeting)
        else:
            deadline = await repo.require_deadline(self.cog.db, number)
            modal = DeadlineModal(self.cog, deadline.delegation_id, deadline)
        await interaction.response.send_modal(modal)

    @command("calendar.cmd.annuler")
    @options(OPT, "element")
    @staff_command()
    async def cancel(self, interaction: discord.Interaction, element: str) -> None:
        kind, number = actions.parse_ref(element)
        db, settings, mirror = self.cog.db, self.cog.settings, self.cog.mirror(interaction.guild)
        item: Meeting | Deadline = await (
            repo.require_meeting(db, number)
            if kind == "meeting"
            else repo.require_deadline(db, number)
        )

        async def apply() -> str:
            if kind == "meeting":
                outcome = await actions.cancel_meeting(
                    db, settings, number, now=utc_now(), mirror=mirror
                )
            else:
                outcome = await actions.cancel_deadline(db, settings, number, now=utc_now())
            return t("calendar.cancelled", title=esc(outcome.item.title))

        when = item.start if isinstance(item, Meeting) else item.due
        summary = t(
            "calendar.confirm.cancel",
            title=esc(item.title),
            when=format_local(when, tz=self.cog.tz),
        )
        label = (
            "calendar.confirm.cancel_meeting"
            if kind == "meeting"
            else ("calendar.confirm.cancel_deadline")
        )
        await ask(interaction, summary, apply, confirm_label=t(label))

    @command("calendar.cmd.ics")
    @staff_command()
    async def ics(self, interaction: discord.Interaction) -> None:
        data, count = await actions.export_ics(self.cog.db, self.cog.settings, now=utc_now())
        await reply(
            interaction,
            t("calendar.ics.ready", count=count),
            file=discord.File(io.BytesIO(data), filename="relais-calendrier.ics"),
        )

    @command("calendar.cmd.presences")
    @options(OPT, "element", date=("date", "presences_date"))
    @staff_command()
    async def presences(
        self, interaction: discord.Interaction, element: str, date: str | None = None
    ) -> None:
        kind, number = actions.parse_ref(element)
        if kind != "meeting":
            raise RelaisError(t("calendar.error.bad_id", text=element))
        occurrence = await actions.occurrence_for_tally(
            self.cog.db, self.cog.settings, number, date, now=utc_now()
        )
        tally = await attendance.tally(self.cog.db, number, occurrence)
        await reply(interaction, cut(tally.text(), 2000))


def _check_recurrence(text: str) -> None:
    parse_recurrence(text, first_day=utc_now().date(), now=utc_now())


def _check_offsets(text: str) -> str:
    """« J-7, H-2 » checked and written back in its canonical form."""
    return offsets_text(offsets_from_text(text, ()))


@app_commands.guild_only()
class DelegationGroup(StaffGroup):
    def __init__(self, cog: CalendarCog) -> None:
        super().__init__("calendar.cmd.delegation")
        self.cog = cog

    @command("calendar.cmd.creer")
    @options(OPT, "nom", "role", "salon")
    async def create(
        self,
        interaction: discord.Interaction,
        nom: str,
        role: discord.Role,
        salon: discord.TextChannel,
    ) -> None:
        assert interaction.guild is not None
        directory = GuildDirectory(interaction.guild)
        # Named in the refusal by what staff see, not by id.
        if not directory.has_role(str(role.id)):
            raise RelaisError(t("calendar.error.unknown_role", role=role.name))
        if not directory.has_channel(str(salon.id)):
            raise RelaisError(t("calendar.error.unknown_channel", channel=salon.name))
        created = await repo.create_delegation(
            self.cog.db,
            nom,
            str(role.id),
            str(salon.id),
            now=utc_now(),
            directory=directory,
        )
        await reply(
            interaction,
            t(
                "calendar.delegation.created",
                name=esc(created.name),
                role=role.mention,
                channel=salon.mention,
            ),
        )

    @command("calendar.cmd.membres")
    @options(OPT, "nom", "delegues", "substituts")
    @app_commands.autocomplete(nom=delegation_names)
    async def members(
        self,
        interaction: discord.Interaction,
        nom: str,
        delegues: str,
        substituts: str | None = None,
    ) -> None:
        found = await repo.require_delegation(self.cog.db, nom)
        names: dict[str, str] = {}
        data: dict[str, Any] = dict(interaction.data or {})
        resolved: dict[str, Any] = data.get("resolved") or {}
        for user_id, member in dict(resolved.get("members") or {}).items():
            names[user_id] = member.get("nick") or ""
        for user_id, user in dict(resolved.get("users") or {}).items():
            names[user_id] = names.get(user_id) or user.get("global_name") or user.get("username")
        updated = await repo.set_members(
            self.cog.db,
            found.id,
            parse_people(delegues, names),
            parse_people(substituts, names),
        )
        await reply(interaction, _members_line(updated, "calendar.delegation.members_set"))

    @command("calendar.cmd.liste")
    async def list_(self, interaction: discord.Interaction) -> None:
        found = await repo.list_delegations(self.cog.db)
        if not found:
            text = t("calendar.delegation.list.empty")
        else:
            lines = [f"**{t('calendar.delegation.list.title')}**"]
            lines += [_members_line(d, "calendar.delegation.list.line") for d in found]
            text = fit_lines(lines, 2000)
        await reply(interaction, text)


def _ref_mention(ref: str, kind: str) -> str:
    if ref.isdigit():
        return f"<@&{ref}>" if kind == "role" else f"<#{ref}>"
    return esc(ref)


def _members_line(delegation: Any, key: str) -> str:
    def who(member_role: str) -> str:
        people = [m for m in delegation.members if m.member_role == member_role]
        return ", ".join(
            f"<@{m.user_id}>" if m.user_id.isdigit() else esc(m.display_name or m.user_id)
            for m in people
        ) or t("calendar.none")

    return t(
        key,
        name=esc(delegation.name),
        role=_ref_mention(delegation.role, "role"),
        channel=_ref_mention(delegation.channel, "channel"),
        delegates=who("delegate"),
        substitutes=who("substitute"),
    )


class CalendarCog(commands.Cog):
    def __init__(self, bot: RelaisBot) -> None:
        self.bot = bot
        self.calendar_group = CalendarGroup(self)
        self.delegation_group = DelegationGroup(self)
        bot.tree.add_command(self.calendar_group)
        bot.tree.add_command(self.delegation_group)
        bot.register_button_handler("cal", self.on_button)  # attendance: every member
        bot.register_button_handler("cal:prop", self.on_button, staff=True)  # proposals
        self._mirrored = False

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.calendar_group.name)
        self.bot.tree.remove_command(self.delegation_group.name)

    @property
    def db(self) -> Any:
        return self.bot.app.db

    @property
    def settings(self) -> Any:
        return self.bot.app.settings

    @property
    def tz(self) -> Any:
        return self.settings.timezone


    def mirror(self, guild: discord.Guild | None) -> EventMirror | None:
        """Scheduled events are mirrored when configured and Relais may manage events."""
        if guild is None or not self.settings.config.calendar.mirror_scheduled_events:
            return None
        me = guild.me
        if me is None or not me.guild_permissions.manage_events:
            return None
        return GuildEventMirror(guild)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self._mirrored:
            return
        self._mirrored = True
        guild = self.bot.get_guild(self.settings.discord_guild_id or 0)
        mirror = self.mirror(guild)
        if mirror is not None:
            try:
                done = await sync_all(self.db, mirror, now=utc_now())
                log.info("scheduled events mirrored: %s", done)
            except discord.HTTPException as exc:
                log.warning("scheduled events not mirrored: %s", exc)

    # members' commands
    @command("calendar.cmd.rencontres")
    @options(OPT, "delegation", "jours", "partager")
    @app_commands.autocomplete(delegation=delegation_names)
    @app_commands.guild_only()
    async def rencontres(
        self,
        interaction: discord.Interaction,
        delegation: str | None = None,
        jours: app_commands.Range[int, 1, 366] = 30,
        partager: bool = False,
    ) -> None:
        pages = await actions.meetings_pages(
            self.db, self.settings, now=utc_now(), days=jours, delegation=delegation
        )
        await send_pages(interaction, pages, ephemeral=not partager)

    @command("calendar.cmd.echeances")
    @options(OPT, "jours", "partager")
    @app_commands.guild_only()
    async def echeances(
        self,
        interaction: discord.Interaction,
        jours: app_commands.Range[int, 1, 366] = 30,
        partager: bool = False,
    ) -> None:
        pages = await actions.deadlines_pages(self.db, self.settings, now=utc_now(), days=jours)
        await send_pages(interaction, pages, ephemeral=not partager)

    # buttons
    async def on_button(self, interaction: discord.Interaction, custom_id: str) -> None:
        parts = custom_id.split(":")
        if len(parts) in (4, 5) and parts[1] == "att":
            parsed = attendance.parse_attendance(custom_id)
            if parsed is None:
                return
            meeting_id, status, occurrence = parsed
            # A refusal (CalendarError) goes to the one handler of buttons (ButtonRouter).
            text = await attendance.record(
                self.db,
                meeting_id,
                user_id=str(interaction.user.id),
                user_name=interaction.user.display_name,
                status=status,
                now=utc_now(),
                occurrence=occurrence,
            )
            await reply(interaction, text)
        elif len(parts) == 4 and parts[1] == "prop" and parts[2].isdigit():
            await self.on_proposal(interaction, int(parts[2]), parts[3])

    async def on_proposal(
        self, interaction: discord.Interaction, proposal_id: int, action: str
    ) -> None:
        if action not in ("meeting", "deadline", "ignore"):
            return
        if action == "ignore":
            text = await proposals.decide(
                self.db, self.settings, proposal_id, "ignore", by=str(interaction.user.id),
                now=utc_now(),
            )  # fmt: skip
            await reply(interaction, text)
            # After the answer (Discord wants one within 3 s); a refusal never gets here.
            await mark_proposal_done(interaction.message, proposal_id)
            return
        options = [(d.name, str(d.id)) for d in await repo.list_delegations(self.db)][:24]
        options.append((t("calendar.proposal.everyone"), "none"))
        await reply(
            interaction,
            t("calendar.proposal.pick_delegation"),
            view=DelegationPick(self, proposal_id, action, options, interaction.message),
        )


async def setup(bot: RelaisBot) -> None:
    await bot.add_cog(CalendarCog(bot))
