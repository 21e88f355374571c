"""The calendar cog's Discord pieces: modals, confirmation, the guild's directory and events.

A private module of the ``cogs.calendar`` package (its cog is in ``_cog.py``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import discord
from discord import app_commands
from discord.http import Route

from bot.calendar import actions, proposals
from bot.calendar import repository as repo
from bot.calendar.dateinput import parse_datetime, parse_end
from bot.calendar.mirror import EventSpec
from bot.calendar.model import Deadline, Meeting
from bot.calendar.posts import esc
from bot.calendar.recurrence import parse_recurrence, series_start
from bot.discord import ui
from bot.discord.checks import require_staff
from bot.discord.confirm import ask
from bot.discord.slash import NO_PINGS, reply
from bot.messages import t
from bot.timeutil import format_local, to_local, utc_now

if TYPE_CHECKING:
    from bot.calendar.mirror import EventMirror


class CalendarHost(Protocol):
    """What the views and modals use of the cog (``_cog.CalendarCog`` provides it): a
    protocol, so that this module never imports the cog that imports it."""

    @property
    def db(self) -> Any: ...

    @property
    def settings(self) -> Any: ...

    @property
    def tz(self) -> Any: ...

    def mirror(self, guild: discord.Guild | None) -> EventMirror | None: ...


log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@!?(\d+)>")
_URL = re.compile(r"^https?://\S+$")


# --- pure helpers ------------------------------------------------------------------------


def split_place(text: str | None) -> tuple[str | None, str | None]:
    """One field holds a place, a video link, or both on separate lines."""
    place, link = [], None
    for line in (text or "").splitlines():
        line = line.strip()
        if _URL.match(line) and link is None:
            link = line
        elif line:
            place.append(line)
    return (", ".join(place) or None), link


def parse_people(text: str | None, names: dict[str, str]) -> list[tuple[str, str | None]]:
    """« <@12>, Marie Tremblay » → [("12", display), ("Marie Tremblay", "Marie Tremblay")]."""
    people: list[tuple[str, str | None]] = []
    for part in re.split(r"[,;\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        ids = _MENTION.findall(part)
        if ids:
            people.extend((user_id, names.get(user_id)) for user_id in ids)
        else:
            people.append((part, part))
    return people


def input_form(value: datetime, tz: Any) -> str:
    """What staff see in a modal to edit a date: the form they would type."""
    return to_local(value, tz).strftime("%Y-%m-%d %H:%M")


# --- Discord implementations of the core's small interfaces --------------------------------


class GuildDirectory:
    def __init__(self, guild: discord.Guild) -> None:
        self.guild = guild

    def has_role(self, ref: str) -> bool:
        role = self.guild.get_role(int(ref)) if ref.isdigit() else None
        return role is not None and not role.is_default()

    def has_channel(self, ref: str) -> bool:
        return ref.isdigit() and self.guild.get_channel(int(ref)) is not None


class GuildEventMirror:
    """Guild scheduled events with an external location, through REST."""

    def __init__(self, guild: discord.Guild) -> None:
        self.guild = guild

    async def count_events(self) -> int:
        return len(await self.guild.fetch_scheduled_events())

    def _payload(self, spec: EventSpec) -> dict[str, Any]:
        return {
            "name": spec.name,
            "privacy_level": discord.PrivacyLevel.guild_only.value,
            "scheduled_start_time": spec.start.isoformat(),
            "scheduled_end_time": spec.end.isoformat(),
            "entity_type": discord.EntityType.external.value,
            "entity_metadata": {"location": spec.location},
            "description": spec.description,
            "recurrence_rule": spec.recurrence,
        }

    async def create_event(self, spec: EventSpec) -> str:
        if spec.recurrence is not None:
            # discord.py 2.7 does not send recurrence_rule: the REST call, as documented.
            route = Route("POST", "/guilds/{guild_id}/scheduled-events", guild_id=self.guild.id)
            data = await self.guild._state.http.request(route, json=self._payload(spec))
            return str(data["id"])
        event = await self.guild.create_scheduled_event(
            name=spec.name,
            start_time=spec.start,
            end_time=spec.end,
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location=spec.location,
            description=spec.description,
        )
        return str(event.id)

    async def update_event(self, event_id: str, spec: EventSpec) -> None:
        if spec.recurrence is not None:
            route = Route(
                "PATCH", "/guilds/{guild_id}/scheduled-events/{event_id}",
                guild_id=self.guild.id, event_id=int(event_id),
            )  # fmt: skip
            await self.guild._state.http.request(route, json=self._payload(spec))
            return
        event = await self.guild.fetch_scheduled_event(int(event_id))
        await event.edit(
            name=spec.name,
            start_time=spec.start,
            end_time=spec.end,
            location=spec.location,
            description=spec.description,
            entity_type=discord.EntityType.external,
        )

    async def delete_event(self, event_id: str) -> None:
        try:
            event = await self.guild.fetch_scheduled_event(int(event_id))
        except discord.NotFound:
            return
        await event.delete()


async def mark_proposal_done(message: discord.Message | None, proposal_id: int) -> None:
    """Grey out the buttons of a decided proposal on the staff post, so that everyone sees
    which dates are handled (a second click would only be told so)."""
    if message is None:
        return
    prefix = f"cal:prop:{proposal_id}:"
    try:
        view = discord.ui.View.from_message(message, timeout=None)
        found = False
        for item in view.children:
            if isinstance(item, discord.ui.Button) and (item.custom_id or "").startswith(prefix):
                item.disabled = True
                found = True
        if not found:
            return
        view.stop()  # a finished view is not kept in memory: clicks go through the router
        await message.edit(view=view)
    except discord.HTTPException as exc:
        log.warning("proposal post %s not updated: %s", message.id, exc)


# --- confirmation --------------------------------------------------------------------------


def staff_command() -> Any:
    """Run-time staff check for one command of a group members also use (/calendrier)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        require_staff(interaction)  # NotStaff: answered in French by the one handler
        return True

    return app_commands.check(predicate)


# --- modals ----------------------------------------------------------------------------------


def _field(
    label: str,
    *,
    default: str | None = None,
    required: bool = True,
    long: bool = False,
    max_length: int = 200,
) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        label=t(label)[:45],
        default=default,
        required=required,
        max_length=max_length,
        style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
    )


async def _saved(
    cog: CalendarHost,
    kind: str,
    item: Any,
    fields: dict[str, Any],
    at: datetime,
    *,
    add: Callable[[], Awaitable[actions.Outcome]],
    edit: Callable[[Any, dict[str, Any]], Awaitable[actions.Outcome]],
) -> str:
    """What a confirmed modal does: add the item (``item`` None) or save the fields that
    changed; the French answer (with the scheduled event's problem, if any)."""
    if item is None:
        outcome = await add()
        text = t(
            f"calendar.added.{kind}",
            id=outcome.item.id,
            title=esc(fields["title"]),
            when=format_local(at, tz=cog.tz),
            reminders=outcome.reminders,
        )
    else:
        outcome = await edit(item, {k: v for k, v in fields.items() if getattr(item, k) != v})
        text = t("calendar.updated", title=esc(outcome.item.title))
    return text + (f"\n{outcome.mirror_error}" if outcome.mirror_error else "")


class MeetingModal(ui.Modal):
    def __init__(
        self,
        cog: CalendarHost,
        delegation_ids: tuple[int, ...],
        meeting: Meeting | None = None,
        links: dict[str, int] | None = None,
        recurrence: str | None = None,
        reminders: str | None = None,
    ) -> None:
        super().__init__(title=t("calendar.modal.edit" if meeting else "calendar.modal.meeting"))
        self.cog, self.delegation_ids, self.meeting = cog, delegation_ids, meeting
        self.links = links or {}
        # Typed as command options (a modal holds five fields at most).
        self.recurrence, self.reminders = recurrence, reminders
        tz = cog.tz
        place = "\n".join(p for p in (meeting.place, meeting.video_link) if p) if meeting else None
        self.title_in = _field("calendar.modal.title", default=meeting.title if meeting else None)
        self.start_in = _field(
            "calendar.modal.start", default=input_form(meeting.start, tz) if meeting else None
        )
        self.end_in = _field(
            "calendar.modal.end", default=input_form(meeting.end, tz) if meeting else None
        )
        self.place_in = _field(
            "calendar.modal.place", default=place, required=False, long=True, max_length=500
        )
        self.notes_in = _field(
            "calendar.modal.notes",
            default=meeting.notes if meeting else None,
            required=False,
            long=True,
            max_length=1000,
        )
        for item in (self.title_in, self.start_in, self.end_in, self.place_in, self.notes_in):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        now, tz, db, settings = utc_now(), self.cog.tz, self.cog.db, self.cog.settings
        rule = None
        # A date that cannot be read raises CalendarError: the one handler (Modal.on_error)
        # answers with its French sentence, and nothing is written.
        start = parse_datetime(self.start_in.value, now=now, tz=tz)
        end = parse_end(self.end_in.value, start=start, now=now, tz=tz)
        if self.recurrence:
            # « le 3e mardi du mois » typed with a start on another day: the series
            # starts on the first day that fits, at the time typed.
            rule = parse_recurrence(
                self.recurrence, first_day=to_local(start, tz).date(), now=now, tz=tz
            ).rule
            length = end - start
            start = series_start(start, rule, tz)
            end = start + length
        place, link = split_place(self.place_in.value)
        fields: dict[str, Any] = {
            "title": self.title_in.value.strip(),
            "start": start,
            "end": end,
            "place": place,
            "video_link": link,
            "notes": self.notes_in.value or None,
        }
        if rule is not None:
            fields["rrule"] = rule.to_rule()
        if self.reminders:
            fields["reminder_offsets"] = self.reminders
        names = [
            d.name for d in [await repo.get_delegation(db, i) for i in self.delegation_ids] if d
        ]
        summary = t(
            "calendar.confirm.meeting",
            title=esc(fields["title"]),
            start=format_local(start, tz=tz),
            end=format_local(end, tz=tz),
            delegations=", ".join(esc(n) for n in names) or t("calendar.none"),
            place=esc(" ".join(p for p in (place, link) if p)) or t("calendar.none"),
        )
        if rule is not None:
            summary += "\n" + t("calendar.confirm.recurrence", rule=esc(rule.describe()))
        if self.reminders:
            summary += "\n" + t("calendar.confirm.reminders", offsets=esc(self.reminders))
        mirror = self.cog.mirror(interaction.guild)
        meeting = self.meeting

        async def apply() -> str:
            return await _saved(
                self.cog, "meeting", meeting, fields, start,
                add=lambda: actions.add_meeting(
                    db, settings, repo.MeetingDraft(delegation_ids=self.delegation_ids, **fields),
                    now=utc_now(), mirror=mirror, **self.links,
                ),
                edit=lambda item, changes: actions.edit_meeting(
                    db, settings, item.id, now=utc_now(), mirror=mirror, **changes
                ),
            )  # fmt: skip

        label = "calendar.confirm.add_meeting" if meeting is None else "calendar.confirm.save"
        await ask(interaction, summary, apply, confirm_label=t(label))


class DeadlineModal(ui.Modal):
    def __init__(
        self,
        cog: CalendarHost,
        delegation_id: int | None,
        deadline: Deadline | None = None,
        reminders: str | None = None,
    ) -> None:
        super().__init__(title=t("calendar.modal.edit" if deadline else "calendar.modal.deadline"))
        self.cog, self.delegation_id, self.deadline = cog, delegation_id, deadline
        self.reminders = reminders
        tz = cog.tz
        self.title_in = _field("calendar.modal.title", default=deadline.title if deadline else None)
        self.due_in = _field(
            "calendar.modal.due", default=input_form(deadline.due, tz) if deadline else None
        )
        period = deadline.period_start if deadline else None
        self.period_in = _field(
            "calendar.modal.period",
            required=False,
            default=input_form(period, tz) if period else None,
        )
        self.notes_in = _field(
            "calendar.modal.notes",
            required=False,
            long=True,
            max_length=1000,
            default=deadline.notes if deadline else None,
        )
        for item in (self.title_in, self.due_in, self.period_in, self.notes_in):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        now, tz, db, settings = utc_now(), self.cog.tz, self.cog.db, self.cog.settings
        due = parse_datetime(
            self.due_in.value, now=now, tz=tz, default_time=proposals.DEADLINE_TIME
        )
        period = (
            parse_datetime(
                self.period_in.value,
                now=now,
                tz=tz,
                allow_past=True,
                default_time=datetime.min.time(),
            )
            if self.period_in.value.strip()
            else None
        )
        fields: dict[str, Any] = {
            "title": self.title_in.value.strip(),
            "due": due,
            "period_start": period,
            "notes": self.notes_in.value or None,
        }
        if self.reminders:
            fields["reminder_offsets"] = self.reminders
        who = await repo.get_delegation(db, self.delegation_id) if self.delegation_id else None
        summary = t(
            "calendar.confirm.deadline",
            title=esc(fields["title"]),
            due=format_local(due, tz=tz),
            period=format_local(period, with_time=False, tz=tz) if period else t("calendar.none"),
            delegation=esc(who.name) if who else t("calendar.list.everyone"),
        )
        deadline = self.deadline

        async def apply() -> str:
            return await _saved(
                self.cog, "deadline", deadline, fields, due,
                add=lambda: actions.add_deadline(
                    db, settings, repo.DeadlineDraft(delegation_id=self.delegation_id, **fields),
                    now=utc_now(),
                ),
                edit=lambda item, changes: actions.edit_deadline(
                    db, settings, item.id, now=utc_now(), **changes
                ),
            )  # fmt: skip

        label = "calendar.confirm.add_deadline" if deadline is None else "calendar.confirm.save"
        await ask(interaction, summary, apply, confirm_label=t(label))


class DelegationPick(ui.View):
    """Which delegation a proposal is for (ephemeral, staff only)."""

    def __init__(
        self,
        cog: CalendarHost,
        proposal_id: int,
        action: str,
        options: list[tuple[str, str]],
        source: discord.Message | None = None,
    ) -> None:
        super().__init__(staff=True)
        self.cog, self.proposal_id, self.action = cog, proposal_id, action
        self.source = source  # the staff post holding the proposal's buttons
        select: discord.ui.Select[Any] = discord.ui.Select(
            placeholder=t("calendar.proposal.pick_delegation"),
            options=[
                discord.SelectOption(label=label[:100], value=value)
                for label, value in options[:25]
            ],
        )
        select.callback = self.chosen  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def chosen(self, interaction: discord.Interaction) -> None:
        value = self.select.values[0]
        self.stop()

        async def decide() -> str:
            text = await proposals.decide(
                self.cog.db,
                self.cog.settings,
                self.proposal_id,
                self.action,  # type: ignore[arg-type]
                by=str(interaction.user.id),
                now=utc_now(),
                delegation_id=int(value) if value.isdigit() else None,
            )
            proposal = await proposals.get_proposal(self.cog.db, self.proposal_id)
            if self.action == "meeting" and proposal is not None and proposal.item_id:
                # A meeting from a proposal is mirrored like one typed in the modal.
                problem = await actions.mirror_meeting(
                    self.cog.db,
                    self.cog.mirror(interaction.guild),
                    proposal.item_id,
                    now=utc_now(),
                )
                text += f"\n{problem}" if problem else ""
            return text

        decided = await ui.answer_in_place(interaction, decide, "proposal decision")
        if decided:  # after the answer: Discord wants one within 3 s
            await mark_proposal_done(self.source, self.proposal_id)


PAGE_LIMIT = 1800


# --- pages ---------------------------------------------------------------------------------


def paginate(lines: list[str], *, heading: str, limit: int = PAGE_LIMIT) -> list[str]:
    """Lines cut into pages of one message each, never inside a line."""
    pages: list[str] = []
    current: list[str] = [heading]
    for line in lines:
        if len("\n".join([*current, line])) > limit and len(current) > 1:
            pages.append("\n".join(current))
            current = [heading]
        current.append(line[:limit])
    pages.append("\n".join(current))
    if len(pages) > 1:
        pages = [
            f"{page}\n\n{t('calendar.page', page=i, pages=len(pages))}"
            for i, page in enumerate(pages, start=1)
        ]
    return pages


class Pages(discord.ui.View):
    """« Précédente » / « Suivante » under a list longer than one message."""

    def __init__(self, pages: list[str], author_id: int, timeout: float = 600) -> None:
        super().__init__(timeout=timeout)
        self.pages, self.index, self.author_id = pages, 0, author_id
        self.previous: discord.ui.Button[Any] = discord.ui.Button(
            label=t("calendar.page.previous"), style=discord.ButtonStyle.secondary, disabled=True
        )
        self.next: discord.ui.Button[Any] = discord.ui.Button(
            label=t("calendar.page.next"), style=discord.ButtonStyle.primary
        )
        self.previous.callback = self._previous  # type: ignore[method-assign]
        self.next.callback = self._next  # type: ignore[method-assign]
        self.add_item(self.previous)
        self.add_item(self.next)

    async def _show(self, interaction: discord.Interaction) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        await interaction.response.edit_message(
            content=self.pages[self.index], view=self, allowed_mentions=NO_PINGS
        )

    async def _previous(self, interaction: discord.Interaction) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    async def _next(self, interaction: discord.Interaction) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)


async def send_pages(
    interaction: discord.Interaction, pages: list[str], *, ephemeral: bool = True
) -> None:
    if len(pages) == 1:
        await reply(interaction, pages[0], ephemeral=ephemeral)
        return
    await reply(interaction, pages[0], view=Pages(pages, interaction.user.id), ephemeral=ephemeral)
