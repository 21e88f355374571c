"""The weekly digest: the week's communications by source, the next 14 days, what nobody took.

``build_digest`` is pure (plain data in, posts out); ``gather`` reads the store. The calendar
tables belong to the calendar feature: while they are absent the digest simply has no
calendar section.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from bot.messages import t
from bot.models import Embed, Post
from bot.relay.render import cut, escape_markdown, safe_link
from bot.store.db import Database
from bot.timeutil import discord_ts, from_iso, to_iso

log = logging.getLogger(__name__)

DESCRIPTION_MAX = 4000
TITLE_IN_LINE_MAX = 150
COLOR_DIGEST = 0x4C8C4A
# The untaken list is a reminder, not an archive: the oldest ones, then a count.
UNTAKEN_SHOWN = 15


@dataclass(frozen=True)
class DigestItem:
    communication_id: int
    title: str
    source_name: str
    at: datetime  # when it was relayed
    link: str | None  # its Discord post, else its original link


@dataclass(frozen=True)
class DigestEvent:
    kind: str  # "meeting" or "deadline"
    title: str
    at: datetime


@dataclass
class DigestData:
    start: datetime
    end: datetime
    items: list[DigestItem] = field(default_factory=list)
    events: list[DigestEvent] = field(default_factory=list)
    untaken: list[DigestItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.items or self.events or self.untaken)


def _item_line(item: DigestItem, *, with_source: bool = False) -> str:
    title = cut(escape_markdown(item.title.strip() or "(sans titre)"), TITLE_IN_LINE_MAX)
    link = safe_link(item.link)
    shown = f"[{title}]({link})" if link else title
    line = f"• {shown} — {discord_ts(item.at, 'd')}"
    if with_source:
        line += f" — {escape_markdown(item.source_name)}"
    return line


def _event_line(event: DigestEvent) -> str:
    label = t("announcements.digest.meeting" if event.kind == "meeting" else
              "announcements.digest.deadline")
    title = cut(escape_markdown(event.title), TITLE_IN_LINE_MAX)
    return f"• {discord_ts(event.at, 'F')} — {label} : {title}"


def digest_lines(data: DigestData) -> list[str]:
    lines: list[str] = []
    if data.items:
        lines.append(t("announcements.digest.section.communications", count=len(data.items)))
        ordered = sorted(data.items, key=lambda i: (i.source_name.casefold(), i.at))
        for source, group in groupby(ordered, key=lambda i: i.source_name):
            lines.append(f"__{escape_markdown(source)}__")
            lines.extend(_item_line(item) for item in group)
        lines.append("")
    if data.events:
        lines.append(t("announcements.digest.section.events"))
        lines.extend(_event_line(e) for e in sorted(data.events, key=lambda e: e.at))
        lines.append("")
    if data.untaken:
        lines.append(t("announcements.digest.section.untaken", count=len(data.untaken)))
        untaken = sorted(data.untaken, key=lambda i: i.at)
        lines.extend(_item_line(i, with_source=True) for i in untaken[:UNTAKEN_SHOWN])
        if len(untaken) > UNTAKEN_SHOWN:
            lines.append(t("announcements.digest.more", count=len(untaken) - UNTAKEN_SHOWN))
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _chunks(lines: Iterable[str], limit: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = cut(line, limit)
        if current and size + len(line) + 1 > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return [c.strip("\n") for c in chunks if c.strip()]


def build_digest(data: DigestData, *, channel: str) -> list[Post]:
    """The digest's posts (one embed each, within Discord's limits); [] for an empty week."""
    if data.empty:
        return []
    chunks = _chunks(digest_lines(data), DESCRIPTION_MAX)
    title = t(
        "announcements.digest.title",
        start=discord_ts(data.start, "D"),
        end=discord_ts(data.end, "D"),
    )
    posts = []
    for index, chunk in enumerate(chunks):
        embed = Embed(
            title=title if index == 0 else None,
            description=chunk,
            color=COLOR_DIGEST,
            footer=t("announcements.post.part", n=index + 1, total=len(chunks))
            if len(chunks) > 1 else None,
        )
        posts.append(Post(channel=channel, embeds=[embed]))
    return posts


# -- reading the store ----------------------------------------------------------------------

_POST_URL = (
    "(SELECT o.message_url FROM outbox o WHERE o.communication_id = c.id AND o.status = 'sent'"
    " AND o.message_url IS NOT NULL ORDER BY o.id LIMIT 1)"
)


def _item(row: sqlite3.Row) -> DigestItem:
    return DigestItem(
        communication_id=row["id"],
        title=row["title"],
        source_name=row["source_name"],
        at=from_iso(row["created_at"]),
        link=row["post_url"] or row["link"],
    )


async def gather(
    db: Database,
    now: datetime,
    *,
    days: int = 7,
    horizon_days: int = 14,
    untaken_after_days: int = 3,
    untaken_window_days: int = 30,
) -> DigestData:
    start = now - timedelta(days=days)
    rows = await db.fetchall(
        f"SELECT c.id, c.title, c.source_name, c.created_at, c.link, {_POST_URL} AS post_url"
        " FROM communications c WHERE c.created_at >= ? AND c.created_at < ?"
        " AND c.parent_id IS NULL ORDER BY c.created_at",
        (to_iso(start), to_iso(now)),
    )
    data = DigestData(start=start, end=now, items=[_item(r) for r in rows])
    data.events = await _events(db, now, now + timedelta(days=horizon_days))
    # Only communications posted with a « Pris en charge » button are expected to be taken.
    untaken = await db.fetchall(
        f"SELECT c.id, c.title, c.source_name, c.created_at, c.link, {_POST_URL} AS post_url"
        " FROM communications c WHERE c.created_at < ? AND c.created_at >= ?"
        " AND c.parent_id IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.communication_id = c.id)"
        " AND EXISTS (SELECT 1 FROM outbox o WHERE o.communication_id = c.id"
        "   AND o.payload LIKE '%\"follow:take:' || c.id || '\"%')"
        " ORDER BY c.created_at",
        (
            to_iso(now - timedelta(days=untaken_after_days)),
            to_iso(now - timedelta(days=untaken_window_days)),
        ),
    )
    data.untaken = [_item(r) for r in untaken]
    return data


async def _events(db: Database, start: datetime, end: datetime) -> list[DigestEvent]:
    events: list[DigestEvent] = []
    queries = (
        ("meeting", "SELECT title, start_at AS at FROM cal_meetings WHERE status = 'scheduled'"
         " AND start_at >= ? AND start_at < ? ORDER BY start_at"),
        ("deadline", "SELECT title, due_at AS at FROM cal_deadlines WHERE status = 'scheduled'"
         " AND due_at >= ? AND due_at < ? ORDER BY due_at"),
    )
    for kind, sql in queries:
        try:
            rows = await db.fetchall(sql, (to_iso(start), to_iso(end)))
        except sqlite3.OperationalError as err:
            # The calendar feature is optional: no table, no section.
            log.info("digest: no %s section (%s)", kind, err)
            continue
        events.extend(DigestEvent(kind, r["title"], from_iso(r["at"])) for r in rows)
    return events
