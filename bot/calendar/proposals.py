"""Dates found in a relayed communication, proposed to staff for the calendar.

The pipeline calls ``ProposalListener`` inside the relay transaction: the proposals and the
staff post are written with the communication or not at all. A staff button then turns one
proposal into a meeting or a deadline (or sets it aside), once.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiosqlite

from bot.calendar import repository as repo
from bot.calendar.dateinput import localize
from bot.calendar.model import CalendarError
from bot.calendar.offsets import offsets_from_config
from bot.calendar.posts import clip, esc
from bot.messages import t
from bot.models import Button, Embed, Post
from bot.store.db import Database
from bot.store.outbox import enqueue
from bot.timeutil import MONTREAL, format_local, to_iso, to_local, utc_now

log = logging.getLogger(__name__)

PROPOSED_KINDS = ("rencontre", "echeance", "periode")
PER_POST = 5  # one row of 3 buttons per date: Discord shows 5 rows per message
STAFF_CHANNEL = "staff"
MEETING_START = time(9, 0)
MEETING_HOURS = 3
DEADLINE_TIME = time(17, 0)  # an opinion is filed by the end of the office day
Action = Literal["meeting", "deadline", "ignore"]
_ACTIONS = (("meeting", "primary"), ("deadline", "primary"), ("ignore", "secondary"))


@dataclass(frozen=True)
class Proposal:
    id: int
    communication_id: int | None
    start_iso: str
    end_iso: str | None
    kind: str
    text: str
    label: str
    status: str
    item_id: int | None
    doubtful: bool = False  # year inferred with doubt: the line says « année déduite »

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Proposal:
        return cls(
            row["id"],
            row["communication_id"],
            row["date"],
            row["end_date"],
            row["kind"],
            row["found_text"],
            row["label"],
            row["status"],
            row["item_id"],
            bool(row["year_doubt"]) if "year_doubt" in row.keys() else False,
        )

    @property
    def start_day(self) -> date:
        return date.fromisoformat(self.start_iso)

    @property
    def last_day(self) -> date:
        return date.fromisoformat(self.end_iso) if self.end_iso else self.start_day


def _when(proposal: Proposal, tz: ZoneInfo) -> str:
    noon = datetime.combine(proposal.start_day, time(12), tz)
    start = format_local(noon, with_time=False, tz=tz)
    if proposal.end_iso:
        end = format_local(
            datetime.combine(proposal.last_day, time(12), tz), with_time=False, tz=tz
        )
        return f"{start} → {end}"
    return start


def proposal_posts(
    title: str, proposals: Sequence[Proposal], tz: ZoneInfo = MONTREAL
) -> list[Post]:
    posts = []
    for first in range(0, len(proposals), PER_POST):
        chunk = proposals[first : first + PER_POST]
        lines = [t("calendar.proposal.intro", title=clip(esc(title), 300)), ""]
        buttons: list[Button] = []
        for row, (number, proposal) in enumerate(enumerate(chunk, start=first + 1)):
            lines.append(
                t(
                    "calendar.proposal.line",
                    number=number,
                    when=_when(proposal, tz),
                    label=clip(esc(proposal.label), 300),
                    kind=t(f"calendar.proposal.kind.{proposal.kind}"),
                )
                + (t("calendar.proposal.year_inferred") if proposal.doubtful else "")
            )
            for action, style in _ACTIONS:
                buttons.append(
                    Button(
                        custom_id=f"cal:prop:{proposal.id}:{action}",
                        label=t(f"calendar.proposal.button.{action}", number=number),
                        style=style,  # type: ignore[arg-type]
                        row=row,  # the three choices of a date side by side, on its own row
                    )
                )
        embed = Embed(title=t("calendar.proposal.title"), description=clip("\n".join(lines), 4000))
        posts.append(Post(channel=STAFF_CHANNEL, embeds=[embed], buttons=buttons))
    return posts


class ProposalListener:
    """``pipeline.add_listener(ProposalListener(settings))``."""

    def __init__(self, settings: Any, clock: Callable[[], datetime] = utc_now) -> None:
        self.settings = settings
        self.clock = clock

    @property
    def tz(self) -> ZoneInfo:
        return getattr(self.settings, "timezone", MONTREAL)

    async def __call__(
        self, conn: aiosqlite.Connection, communication_id: int, doc: Any, analysis: Any
    ) -> None:
        today = to_local(self.clock(), self.tz).date()
        created: list[Proposal] = []
        for found in getattr(analysis, "dates", []):
            if found.kind not in PROPOSED_KINDS or found.precision != "day":
                continue
            last = date.fromisoformat(found.end) if found.end else found.start()
            if last <= today:
                continue
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO cal_proposals(communication_id, date, end_date, precision,"
                " kind, found_text, label, created_at, year_doubt)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    communication_id,
                    found.date,
                    found.end,
                    found.precision,
                    found.kind,
                    found.text,
                    found.label or found.text,
                    to_iso(self.clock()),
                    int(getattr(found, "doubtful", False)),
                ),
            )
            if cursor.rowcount == 1 and cursor.lastrowid is not None:
                created.append(
                    Proposal(
                        cursor.lastrowid,
                        communication_id,
                        found.date,
                        found.end,
                        found.kind,
                        found.text,
                        found.label or found.text,
                        "pending",
                        None,
                        bool(getattr(found, "doubtful", False)),
                    )
                )
        for index, post in enumerate(proposal_posts(doc.title, created, self.tz)):
            await enqueue(
                conn,
                post,
                kind="proposal",
                communication_id=communication_id,
                dedupe_key=f"proposals:{communication_id}:{index}",
            )


async def get_proposal(db: Database, proposal_id: int) -> Proposal | None:
    row = await db.fetchone("SELECT * FROM cal_proposals WHERE id = ?", (proposal_id,))
    return Proposal.from_row(row) if row else None


async def decide(
    db: Database,
    settings: Any,
    proposal_id: int,
    action: Action,
    *,
    by: str,
    now: datetime,
    delegation_id: int | None = None,
) -> str:
    """Apply a staff decision; returns the French answer. Refusals raise CalendarError."""
    tz: ZoneInfo = getattr(settings, "timezone", MONTREAL)
    proposal = await get_proposal(db, proposal_id)
    if proposal is None:
        raise CalendarError(t("calendar.proposal.unknown", id=proposal_id))
    if proposal.status != "pending":
        raise CalendarError(
            t("calendar.proposal.done", status=t(f"calendar.proposal.status.{proposal.status}"))
        )
    if delegation_id is not None and await repo.get_delegation(db, delegation_id) is None:
        raise CalendarError(t("calendar.delegation.unknown", name=delegation_id))
    title = clip(proposal.label.strip() or proposal.text, 200)
    offsets = offsets_from_config(getattr(settings, "config", {}))
    async with db.transaction() as conn:
        claimed = await conn.execute(
            "UPDATE cal_proposals SET status = ?, decided_by = ?, decided_at = ?"
            " WHERE id = ? AND status = 'pending'",
            ({"ignore": "ignored"}.get(action, action), by, to_iso(now), proposal_id),
        )
        if claimed.rowcount != 1:
            raise CalendarError(t("calendar.proposal.done", status="?"))
        if action == "ignore":
            return t("calendar.proposal.ignored", label=esc(title))
        if action == "meeting":
            start = localize(proposal.start_day, MEETING_START, tz)
            if start <= now:
                raise CalendarError(t("calendar.proposal.past"))
            draft: repo.Draft = repo.MeetingDraft(
                title=title,
                start=start,
                end=start + timedelta(hours=MEETING_HOURS),
                delegation_ids=(delegation_id,) if delegation_id else (),
                source_communication_id=proposal.communication_id,
            )
            defaults, at = offsets.meetings, start
        else:
            due = localize(proposal.last_day, DEADLINE_TIME, tz)
            if due <= now:
                raise CalendarError(t("calendar.proposal.past"))
            period = localize(proposal.start_day, time(0, 0), tz) if proposal.end_iso else None
            draft = repo.DeadlineDraft(
                title=title,
                due=due,
                period_start=period,
                delegation_id=delegation_id,
                source_communication_id=proposal.communication_id,
            )
            defaults, at = offsets.deadlines, due
        item_id, count = await repo.insert_item(conn, draft, now=now, offsets=defaults, tz=tz)
        answer = t(
            f"calendar.added.{action}",
            id=item_id,
            title=esc(title),
            when=format_local(at, tz=tz),
            reminders=count,
        )
        await conn.execute(
            "UPDATE cal_proposals SET item_id = ? WHERE id = ?", (item_id, proposal_id)
        )
    log.info("proposal %s -> %s %s by %s", proposal_id, action, item_id, by)
    return answer
