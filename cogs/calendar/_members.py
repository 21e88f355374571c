"""The calendar in members' hands: `/calendrier voir|abonnement`, `/rappels`, `/aide`, plus
the staff's `/calendrier deplacer|annuler-date|flux`, autocompletion of ids, and pages.

Added to the calendar cog's `/calendrier` group at setup (one group per name on Discord).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.calendar import actions, members, subscriptions
from bot.calendar import repository as repo
from bot.calendar.dateinput import parse_datetime, parse_day, parse_end
from bot.calendar.model import Meeting
from bot.calendar.occurrences import load_meetings
from bot.calendar.offsets import offsets_text
from bot.calendar.posts import deadline_line, esc, meeting_line
from bot.discord import slash
from bot.discord.checks import is_staff
from bot.discord.confirm import ask
from bot.discord.i18n import L
from bot.errors import RelaisError
from bot.messages import t
from bot.safe_text import fit_lines
from bot.timeutil import format_local, to_iso, utc_now
from cogs.calendar._ui import paginate, send_pages, staff_command

if TYPE_CHECKING:
    from bot.discord.client import RelaisBot

log = logging.getLogger(__name__)
OPT = "calendar.opt"


def _app(interaction: discord.Interaction) -> Any:
    return getattr(interaction.client, "app")  # noqa: B009 (RelaisBot.app, typed loosely)


def _role_ids(user: discord.abc.User) -> tuple[list[str], list[str]]:
    roles = getattr(user, "roles", []) or []
    return [str(r.id) for r in roles], [r.name for r in roles]


async def _my_delegations(interaction: discord.Interaction) -> list[Any]:
    ids, names = _role_ids(interaction.user)
    return await members.member_delegations(
        _app(interaction).db, str(interaction.user.id), ids, names
    )


# --- autocompletion ------------------------------------------------------------------------


async def element_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Meetings (r12) and deadlines (e4) still ahead, by id or words of their title."""
    db, now = _app(interaction).db, utc_now()
    wanted = current.strip().casefold()
    choices: list[app_commands.Choice[str]] = []
    meetings = await load_meetings(
        db,
        "m.status = 'scheduled' AND (m.end_at > ? OR m.rrule IS NOT NULL)"
        " ORDER BY m.start_at LIMIT 200",
        (to_iso(now),),
    )
    tz = _app(interaction).settings.timezone
    for meeting in meetings:
        ref = f"r{meeting.id}"
        label = f"{ref} · {meeting.title} · {format_local(meeting.start, tz=tz)}"
        if meeting.rrule:
            label = f"{ref} · {meeting.title} · " + t("calendar.autocomplete.series")
        if not wanted or wanted in label.casefold():
            choices.append(app_commands.Choice(name=label[:100], value=ref))
    rows = await db.fetchall(
        "SELECT id, title, due_at FROM cal_deadlines WHERE status = 'scheduled' AND due_at > ?"
        " ORDER BY due_at LIMIT 200",
        (to_iso(now),),
    )
    for row in rows:
        ref = f"e{row['id']}"
        label = f"{ref} · {row['title']}"
        if not wanted or wanted in label.casefold():
            choices.append(app_commands.Choice(name=label[:100], value=ref))
    return choices[:25]


# --- /calendrier voir ----------------------------------------------------------------------


def _occurrence_line(item: Any, by_id: dict[int, Any]) -> str:
    occurrence = item.occurrence
    shown = replace(item.meeting, start=occurrence.start, end=occurrence.end)
    return meeting_line(shown, by_id, moved=occurrence.moved, details=False)


def _deadline_line(deadline: Any, by_id: dict[int, Any]) -> str:
    return deadline_line(deadline, by_id, details=False)


async def agenda_pages(interaction: discord.Interaction, days: int) -> list[str]:
    app = _app(interaction)
    mine = await _my_delegations(interaction)
    found = await members.agenda(
        app.db, [d.id for d in mine], now=utc_now(), days=days, tz=app.settings.timezone
    )
    lines: list[str] = []
    if mine:
        lines.append(f"__{t('calendar.agenda.mine', names=', '.join(esc(d.name) for d in mine))}__")
        items = [(i.occurrence.start, _occurrence_line(i, found.delegations)) for i in found.mine]
        items += [(d.due, _deadline_line(d, found.delegations)) for d in found.my_deadlines]
        lines += [line for _, line in sorted(items, key=lambda x: x[0])] or [
            t("calendar.agenda.none")
        ]
        lines.append("")
    lines.append(f"__{t('calendar.agenda.public')}__")
    items = [(i.occurrence.start, _occurrence_line(i, found.delegations)) for i in found.public]
    items += [(d.due, _deadline_line(d, found.delegations)) for d in found.public_deadlines]
    lines += [line for _, line in sorted(items, key=lambda x: x[0])] or [t("calendar.agenda.none")]
    return paginate(lines, heading=f"**{t('calendar.agenda.title', days=days)}**")


# --- the commands --------------------------------------------------------------------------


@slash.command("calendar.cmd.voir")
@slash.options(OPT, "jours", "partager")
async def voir(
    interaction: discord.Interaction,
    jours: app_commands.Range[int, 1, 366] = 60,
    partager: bool = False,
) -> None:
    await send_pages(interaction, await agenda_pages(interaction, jours), ephemeral=not partager)


@slash.command("calendar.cmd.abonnement")
async def abonnement(interaction: discord.Interaction) -> None:
    app = _app(interaction)
    base = getattr(getattr(app, "web", None), "base_url", "") or ""
    if not base:
        await slash.reply(interaction, t("calendar.feed.off"))
        return
    mine = await _my_delegations(interaction)
    links = await subscriptions.feed_links(app.db, base, [d.id for d in mine], now=utc_now())
    lines = [t("calendar.feed.intro")]
    lines += [f"• **{esc(name)}** : <{url}>" for name, url in links]
    lines.append(t("calendar.feed.howto"))
    await slash.reply(interaction, fit_lines(lines, 2000))


def _day(text: str, interaction: discord.Interaction) -> date:
    """The local day of an occurrence as staff type it (« 16 février », « 2027-02-16 »)."""
    return parse_day(text, now=utc_now(), tz=_app(interaction).settings.timezone)


@slash.command("calendar.cmd.deplacer")
@slash.options(OPT, "element", "date", "nouvelle", "fin")
@app_commands.autocomplete(element=element_choices)
@staff_command()
async def deplacer(
    interaction: discord.Interaction,
    element: str,
    date: str,
    nouvelle: str,
    fin: str | None = None,
) -> None:
    app = _app(interaction)
    db, settings, tz, now = app.db, app.settings, app.settings.timezone, utc_now()
    meeting = await _series_meeting(db, element)
    number = meeting.id
    day = _day(date, interaction)
    start = parse_datetime(nouvelle, now=now, tz=tz)
    end = parse_end(fin, start=start, now=now, tz=tz) if fin else None
    summary = t(
        "calendar.confirm.move_summary",
        title=esc(meeting.title),
        date=format_local(datetime.combine(day, time(12), tz), with_time=False, tz=tz),
        when=format_local(start, tz=tz),
    )

    async def apply() -> str:
        await actions.move_occurrence(
            db, settings, number, day, start=start, end=end, now=utc_now()
        )
        return t("calendar.moved", title=esc(meeting.title), when=format_local(start, tz=tz))

    await ask(interaction, summary, apply, confirm_label=t("calendar.confirm.move"))


@slash.command("calendar.cmd.annuler_date")
@slash.options(OPT, "element", "date")
@app_commands.autocomplete(element=element_choices)
@staff_command()
async def annuler_date(interaction: discord.Interaction, element: str, date: str) -> None:
    app = _app(interaction)
    db, settings = app.db, app.settings
    meeting = await _series_meeting(db, element)
    number = meeting.id
    day = _day(date, interaction)
    summary = t("calendar.confirm.cancel_one_summary", title=esc(meeting.title), date=date)

    async def apply() -> str:
        await actions.cancel_occurrence(db, settings, number, day, now=utc_now())
        return t("calendar.cancelled", title=esc(meeting.title))

    await ask(interaction, summary, apply, confirm_label=t("calendar.confirm.cancel_one"),
              danger=True)  # fmt: skip


@slash.command("calendar.cmd.flux")
@slash.options(OPT, "action", delegation=("delegation", "flux_delegation"))
@app_commands.choices(
    action=[
        app_commands.Choice(name=L("calendar.flux.renew"), value="renew"),
        app_commands.Choice(name=L("calendar.flux.revoke"), value="revoke"),
    ]
)
@staff_command()
async def flux(
    interaction: discord.Interaction, action: str, delegation: str | None = None
) -> None:
    """Staff: re-issue (old link dies, new one given) or revoke a calendar's link."""
    app = _app(interaction)
    found = await repo.require_delegation(app.db, delegation) if delegation else None
    scope = found.id if found else None
    name = esc(found.name) if found else t("calendar.feed.public")
    base = getattr(getattr(app, "web", None), "base_url", "") or ""

    async def apply() -> str:
        if action == "revoke":
            count = await subscriptions.revoke(app.db, scope, now=utc_now())
            return t("calendar.flux.revoked", name=name, count=count)
        token = await subscriptions.issue_token(app.db, scope, now=utc_now())
        return t("calendar.flux.renewed", name=name, url=subscriptions.feed_url(base, token.token))

    label = "calendar.flux.revoke" if action == "revoke" else "calendar.flux.renew"
    await ask(interaction, t("calendar.flux.confirm", name=name), apply,
              confirm_label=t(label), danger=True)  # fmt: skip


async def _series_meeting(db: Any, element: str) -> Meeting:
    """The meeting an occurrence command names (« r12 »); a deadline is refused."""
    kind, number = actions.parse_ref(element)
    if kind != "meeting":
        raise RelaisError(t("calendar.error.bad_id", text=element))
    return await repo.require_meeting(db, number)


class Rappels(app_commands.Group):
    """Personal reminders by direct message."""

    def __init__(self) -> None:
        super().__init__(name=L("calendar.cmd.rappels"), description=L("calendar.cmd.rappels.desc"),
                         guild_only=True)  # fmt: skip

    @slash.command("calendar.cmd.activer")
    @slash.options(OPT, "delais")
    async def activer(self, interaction: discord.Interaction, delais: str | None = None) -> None:
        app = _app(interaction)
        mine = await _my_delegations(interaction)
        prefs = await members.start_dm_reminders(
                app.db, str(interaction.user.id), [d.id for d in mine], offsets=delais,
                now=utc_now(),
            )  # fmt: skip
        await actions.replan(app.db, app.settings, now=utc_now())
        await slash.reply(
            interaction,
            t(
                "calendar.dm.on",
                offsets=offsets_text(prefs.offsets),
                names=", ".join(esc(d.name) for d in mine),
            ),
        )

    @slash.command("calendar.cmd.desactiver")
    async def desactiver(self, interaction: discord.Interaction) -> None:
        app = _app(interaction)
        was_on = await members.stop_dm_reminders(app.db, str(interaction.user.id), now=utc_now())
        await slash.reply(
            interaction, t("calendar.dm.off" if was_on else "calendar.dm.off_already")
        )

    @slash.command("calendar.cmd.etat")
    async def etat(self, interaction: discord.Interaction) -> None:
        app = _app(interaction)
        prefs = await members.dm_prefs(app.db, str(interaction.user.id))
        if prefs is None or not prefs.enabled:
            text = t("calendar.dm.state_off")
        elif prefs.closed:
            text = t("calendar.dm.state_closed")
        else:
            by_id = await repo.delegations_by_id(app.db)
            names = ", ".join(esc(by_id[i].name) for i in prefs.delegation_ids if i in by_id)
            text = t("calendar.dm.state_on", offsets=offsets_text(prefs.offsets), names=names)
        await slash.reply(interaction, text)


@slash.command("calendar.cmd.aide")
async def aide(interaction: discord.Interaction) -> None:
    """What I can do, by role."""
    app = _app(interaction)
    staff = is_staff(interaction.user, app.settings.config.relais.staff_role)
    lines = [t("help.title"), "", t("help.members")]
    if staff:
        lines += ["", t("help.staff")]
    else:
        lines += ["", t("help.not_staff", role=esc(app.settings.config.relais.staff_role))]
    await send_pages(interaction, paginate(lines, heading=""), ephemeral=True)


class MembersCog(commands.Cog):
    def __init__(self, bot: RelaisBot, calendar_group: app_commands.Group) -> None:
        self.bot = bot
        self.rappels = Rappels()
        bot.tree.add_command(self.rappels)
        bot.tree.add_command(aide)
        added: list[Any] = [voir, abonnement, deplacer, annuler_date, flux]
        for new in added:
            calendar_group.add_command(new)
        # Ids typed by hand before (r12, e4): now chosen from a list, by title.
        existing: list[Any] = list(calendar_group.commands)
        for command in existing:
            if command in (deplacer, annuler_date) or not isinstance(command, app_commands.Command):
                continue
            if any(p.name == "element" for p in command.parameters):
                command.autocomplete("element")(element_choices)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.rappels.name)
        self.bot.tree.remove_command(aide.name)


async def setup_members(bot: RelaisBot, calendar_group: app_commands.Group) -> None:
    await bot.add_cog(MembersCog(bot, calendar_group))
