"""Posts the calendar sends: reminders, change and cancellation notices, listings.

Pure functions of the records. Titles may come from relayed documents (proposals): they are
escaped and never ping; only the delegation's role, in ``Post.ping_roles``, is pinged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.calendar.model import ATTENDANCE_STATUSES, Deadline, Delegation, Meeting
from bot.messages import t
from bot.models import DM_PREFIX, Button, Embed, EmbedField, Post
from bot.safe_text import cut, escape_markdown
from bot.timeutil import MONTREAL, discord_ts, format_local, to_local

MEETING_COLOR = 0x2E86C1
DEADLINE_COLOR = 0xD35400
CANCEL_COLOR = 0x7F8C8D
GENERAL_CHANNEL = "general"


def esc(text: str | None) -> str:
    """Text shown literally in Discord (``bot.safe_text.escape_markdown``): no markup, no
    pings, no controls."""
    return escape_markdown(text) if text else ""


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters (``bot.safe_text.cut``)."""
    return cut(text, limit)


def when(start: datetime, end: datetime | None = None) -> str:
    """Discord timestamps: each reader sees their own zone."""
    text = f"{discord_ts(start, 'F')} ({discord_ts(start, 'R')})"
    if end is not None:
        text = f"{discord_ts(start, 'F')} – {discord_ts(end, 't')} ({discord_ts(start, 'R')})"
    return text


def safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"^https?://[^\s<>]+$", url) else None


def attendance_buttons(meeting_id: int, occurrence: datetime | None = None) -> list[Button]:
    """Présent·e / Absent·e / Incertain·e; for one occurrence of a series, its original start
    travels in the id (« cal:att:12:present:1789567200 »)."""
    styles = {"present": "success", "absent": "danger", "uncertain": "secondary"}
    suffix = f":{int(occurrence.timestamp())}" if occurrence is not None else ""
    return [
        Button(
            custom_id=f"cal:att:{meeting_id}:{status}{suffix}",
            label=t(f"calendar.attendance.{status}"),
            style=styles[status],  # type: ignore[arg-type]
        )
        for status in ATTENDANCE_STATUSES
    ]


def meeting_fields(
    meeting: Meeting,
    delegations: Sequence[Delegation],
    preparatory: Meeting | None = None,
    debrief: Meeting | None = None,
) -> list[EmbedField]:
    fields = [EmbedField(t("calendar.field.when"), when(meeting.start, meeting.end))]
    if meeting.place:
        fields.append(EmbedField(t("calendar.field.place"), clip(esc(meeting.place), 1024), True))
    link = safe_url(meeting.video_link)
    if link:
        fields.append(EmbedField(t("calendar.field.link"), link, True))
    if delegations:
        names = ", ".join(esc(d.name) for d in delegations)
        fields.append(EmbedField(t("calendar.field.delegations"), clip(names, 1024)))
    if preparatory is not None and preparatory.status == "scheduled":
        text = f"{esc(preparatory.title)} — {when(preparatory.start)}"
        if preparatory.place:
            text += f"\n{esc(preparatory.place)}"
        prep_link = safe_url(preparatory.video_link)
        if prep_link:
            text += f"\n{prep_link}"
        fields.append(EmbedField(t("calendar.field.preparatory"), clip(text, 1024)))
    if debrief is not None and debrief.status == "scheduled":
        fields.append(
            EmbedField(
                t("calendar.field.debrief"),
                clip(f"{esc(debrief.title)} — {when(debrief.start)}", 1024),
            )
        )
    if meeting.notes:
        fields.append(EmbedField(t("calendar.field.notes"), clip(esc(meeting.notes), 1024)))
    return fields


def _by_channel(delegations: Sequence[Delegation]) -> dict[str, list[Delegation]]:
    groups: dict[str, list[Delegation]] = defaultdict(list)
    for delegation in delegations:
        groups[delegation.channel].append(delegation)
    return dict(groups)


def _to_delegations(
    delegations: Sequence[Delegation],
    content: str,
    embed: Embed | None = None,
    buttons: list[Button] | None = None,
) -> list[Post]:
    """One post per channel of ``delegations`` (the general channel when none), pinging the
    roles of the delegations that channel serves."""
    return [
        Post(
            channel=channel,
            content=content,
            embeds=[embed] if embed is not None else [],
            ping_roles=[d.role for d in group],
            buttons=list(buttons or []),
        )
        for channel, group in (_by_channel(delegations) or {GENERAL_CHANNEL: []}).items()
    ]


def _to_delegation(delegation: Delegation | None, content: str, embed: Embed | None = None) -> Post:
    """A deadline's one post: to its delegation's channel, pinging its role (the general
    channel, no ping, when it is everyone's)."""
    return _to_delegations([delegation] if delegation else [], content, embed)[0]


def meeting_reminder_posts(
    meeting: Meeting,
    delegations: Sequence[Delegation],
    *,
    late: bool,
    preparatory: Meeting | None = None,
    debrief: Meeting | None = None,
    occurrence: datetime | None = None,
) -> list[Post]:
    """One post per channel of the meeting's delegations, pinging their roles.
    ``occurrence``: the original start of the occurrence of a series it is about."""
    key = "calendar.reminder.meeting.late" if late else "calendar.reminder.meeting.content"
    content = t(key, title=esc(meeting.title), relative=discord_ts(meeting.start, "R"))
    embed = Embed(
        title=clip(esc(meeting.title), 256),
        url=safe_url(meeting.video_link),
        color=MEETING_COLOR,
        fields=meeting_fields(meeting, delegations, preparatory, debrief),
        footer=t("calendar.attendance.prompt"),
    )
    return _to_delegations(delegations, content, embed, attendance_buttons(meeting.id, occurrence))


def dm_channel(user_id: str) -> str:
    """The logical channel of a direct message to a member (resolved by the publisher)."""
    return f"{DM_PREFIX}{user_id}"


def meeting_dm_post(
    meeting: Meeting, user_id: str, *, late: bool, occurrence: datetime | None = None
) -> Post:
    """A member's own reminder, by direct message: no ping, the answer buttons."""
    key = "calendar.dm.meeting.late" if late else "calendar.dm.meeting"
    return Post(
        channel=dm_channel(user_id),
        content=t(key, title=esc(meeting.title), relative=discord_ts(meeting.start, "R")),
        embeds=[
            Embed(
                title=clip(esc(meeting.title), 256),
                url=safe_url(meeting.video_link),
                color=MEETING_COLOR,
                fields=meeting_fields(meeting, []),
                footer=t("calendar.dm.footer"),
            )
        ],
        buttons=attendance_buttons(meeting.id, occurrence),
    )


def deadline_dm_post(deadline: Deadline, user_id: str, *, late: bool) -> Post:
    key = "calendar.dm.deadline.late" if late else "calendar.dm.deadline"
    return Post(
        channel=dm_channel(user_id),
        content=t(key, title=esc(deadline.title), relative=discord_ts(deadline.due, "R")),
        embeds=[deadline_embed(deadline, None)],
    )


def deadline_reminder_post(
    deadline: Deadline,
    delegation: Delegation | None,
    *,
    late: bool,
    now: datetime,
    tz: ZoneInfo = MONTREAL,
) -> Post:
    same_day = to_local(deadline.due, tz).date() == to_local(now, tz).date()
    if late:
        key = "calendar.reminder.deadline.late"
    elif same_day:
        key = "calendar.reminder.deadline.today"
    else:
        key = "calendar.reminder.deadline.content"
    content = t(
        key,
        title=esc(deadline.title),
        relative=discord_ts(deadline.due, "R"),
        time=discord_ts(deadline.due, "t"),
    )
    return _to_delegation(delegation, content, deadline_embed(deadline, delegation))


def deadline_embed(deadline: Deadline, delegation: Delegation | None) -> Embed:
    fields = [EmbedField(t("calendar.field.due"), when(deadline.due))]
    if deadline.period_start is not None:
        fields.append(
            EmbedField(
                t("calendar.field.period"),
                f"{discord_ts(deadline.period_start, 'D')} → {discord_ts(deadline.due, 'D')}",
            )
        )
    fields.append(
        EmbedField(
            t("calendar.field.delegations"),
            esc(delegation.name) if delegation else t("calendar.list.everyone"),
        )
    )
    if deadline.notes:
        fields.append(EmbedField(t("calendar.field.notes"), clip(esc(deadline.notes), 1024)))
    return Embed(title=clip(esc(deadline.title), 256), color=DEADLINE_COLOR, fields=fields)


def meeting_changed_posts(
    before: Meeting, after: Meeting, delegations: Sequence[Delegation]
) -> list[Post]:
    content = t("calendar.changed.meeting", title=esc(after.title))
    fields = []
    if (before.start, before.end) != (after.start, after.end):
        fields.append(EmbedField(t("calendar.changed.before"), when(before.start, before.end)))
    fields.extend(meeting_fields(after, delegations))
    embed = Embed(
        title=clip(esc(after.title), 256),
        color=MEETING_COLOR,
        fields=fields[:25],
        url=safe_url(after.video_link),
    )
    return _to_delegations(delegations, content, embed)


def meeting_cancelled_posts(meeting: Meeting, delegations: Sequence[Delegation]) -> list[Post]:
    content = t(
        "calendar.cancelled.meeting",
        title=esc(meeting.title),
        when=discord_ts(meeting.start, "F"),
    )
    return _to_delegations(delegations, content)


def deadline_changed_post(after: Deadline, delegation: Delegation | None) -> Post:
    content = t("calendar.changed.deadline", title=esc(after.title))
    return _to_delegation(delegation, content, deadline_embed(after, delegation))


def deadline_cancelled_post(deadline: Deadline, delegation: Delegation | None) -> Post:
    content = t(
        "calendar.cancelled.deadline", title=esc(deadline.title), when=discord_ts(deadline.due, "F")
    )
    return _to_delegation(delegation, content)


# --- listings ------------------------------------------------------------------------------


def _week_start(moment: datetime, tz: ZoneInfo) -> datetime:
    local = to_local(moment, tz)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, datetime.min.time(), tzinfo=tz)


def agenda_pages(
    items: Sequence[tuple[datetime, str]],
    *,
    heading: str,
    empty: str,
    tz: ZoneInfo = MONTREAL,
    limit: int = 1800,
) -> list[str]:
    """Lines grouped under « Semaine du … » headings, in pages of one message each (shown
    with « Précédente » / « Suivante »): nothing is cut off."""
    if not items:
        return [empty]
    pages: list[list[str]] = [[f"**{heading}**"]]
    current: datetime | None = None
    for moment, line in items:
        week = _week_start(moment, tz)
        title = f"__{t('calendar.list.week', date=format_local(week, with_time=False, tz=tz))}__"
        block = ["", title, line] if week != current else [line]
        if len("\n".join([*pages[-1], *block])) > limit and len(pages[-1]) > 1:
            pages.append([f"**{heading}**", "", title])
            block = [line]
        pages[-1].extend(block)
        current = week
    texts = ["\n".join(page) for page in pages]
    if len(texts) > 1:
        texts = [
            f"{text}\n\n{t('calendar.page', page=i, pages=len(texts))}"
            for i, text in enumerate(texts, start=1)
        ]
    return texts


def meeting_line(
    meeting: Meeting,
    delegations: dict[int, Delegation],
    *,
    moved: bool = False,
    details: bool = True,
) -> str:
    """A listing's line; ``moved``: an occurrence moved off its series' day; ``details``:
    with the place and the link (staff listings; members' agendas stay short)."""
    names = ", ".join(esc(delegations[i].name) for i in meeting.delegation_ids if i in delegations)
    line = f"• `r{meeting.id}` {when(meeting.start, meeting.end)} — **{esc(meeting.title)}**"
    if meeting.status == "cancelled":
        line = f"• `r{meeting.id}` ~~{esc(meeting.title)}~~ {t('calendar.list.cancelled')}"
    if moved:
        line += " " + t("calendar.list.moved")
    if names:
        line += f" ({names})"
    if not details:
        return line
    if meeting.place:
        line += f"\n  {clip(esc(meeting.place), 150)}"
    link = safe_url(meeting.video_link)
    if link:
        line += f"\n  <{link}>"
    return line


def deadline_line(
    deadline: Deadline, delegations: dict[int, Delegation], *, details: bool = True
) -> str:
    who = (
        esc(delegations[deadline.delegation_id].name)
        if deadline.delegation_id in delegations
        else t("calendar.list.everyone")
    )
    line = f"• `e{deadline.id}` {when(deadline.due)} — **{esc(deadline.title)}** ({who})"
    if details and deadline.period_start is not None:
        period = f"{discord_ts(deadline.period_start, 'D')} → {discord_ts(deadline.due, 'D')}"
        line += f"\n  {t('calendar.field.period')} : {period}"
    return line


# --- announcements of new, changed and cancelled items ----------------------------------------


def meeting_announced_posts(
    meeting: Meeting,
    delegations: Sequence[Delegation],
    *,
    recurrence: str | None = None,
    next_dates: Sequence[datetime] = (),
    occurrence: datetime | None = None,
) -> list[Post]:
    """A new meeting (or series) told to its delegations: their role pinged once per channel,
    the date as a Discord timestamp, and the answer buttons (for the next occurrence)."""
    first = next_dates[0] if next_dates else meeting.start
    content = t(
        "calendar.announce.meeting",
        title=esc(meeting.title),
        when=discord_ts(first, "F"),
        relative=discord_ts(first, "R"),
    )
    fields = meeting_fields(
        replace(meeting, start=first, end=first + (meeting.end - meeting.start)), delegations
    )
    if recurrence:
        dates = ", ".join(discord_ts(d, "d") for d in next_dates[:6])
        fields.insert(
            1,
            EmbedField(
                t("calendar.field.recurrence"),
                clip(
                    f"{esc(recurrence)}\n{t('calendar.announce.next', dates=dates)}"
                    if dates
                    else esc(recurrence),
                    1024,
                ),
            ),
        )
    embed = Embed(
        title=clip(esc(meeting.title), 256),
        url=safe_url(meeting.video_link),
        color=MEETING_COLOR,
        fields=fields[:25],
        footer=t("calendar.announce.footer"),
    )
    return _to_delegations(delegations, content, embed, attendance_buttons(meeting.id, occurrence))


def deadline_announced_post(deadline: Deadline, delegation: Delegation | None) -> Post:
    content = t(
        "calendar.announce.deadline",
        title=esc(deadline.title),
        when=discord_ts(deadline.due, "F"),
        relative=discord_ts(deadline.due, "R"),
    )
    return _to_delegation(delegation, content, deadline_embed(deadline, delegation))


def occurrence_moved_posts(
    meeting: Meeting,
    delegations: Sequence[Delegation],
    *,
    original: datetime,
    start: datetime,
    end: datetime,
) -> list[Post]:
    content = t(
        "calendar.announce.moved",
        title=esc(meeting.title),
        before=discord_ts(original, "F"),
        when=discord_ts(start, "F"),
        relative=discord_ts(start, "R"),
    )
    moved = replace(meeting, start=start, end=end)
    embed = Embed(
        title=clip(esc(meeting.title), 256),
        color=MEETING_COLOR,
        fields=[EmbedField(t("calendar.changed.before"), when(original)),
                *meeting_fields(moved, delegations)][:25],
    )  # fmt: skip
    return _to_delegations(delegations, content, embed, attendance_buttons(meeting.id, original))


def occurrence_cancelled_posts(
    meeting: Meeting, delegations: Sequence[Delegation], *, start: datetime
) -> list[Post]:
    content = t("calendar.cancelled.meeting", title=esc(meeting.title), when=discord_ts(start, "F"))
    return _to_delegations(delegations, content)
