"""The calendar as a member sees it: my delegations, my agenda, my own reminders.

A member's delegations are those whose Discord role they hold (the interaction tells us their
roles: no privileged members intent needed) plus those that name them as delegate or
substitute. Personal reminders (`/rappels`) are direct messages at lead times each member
chooses; a member whose direct messages are closed gets ONE notice in a channel, and no more
attempts until they turn reminders on again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiosqlite

from bot.calendar import repository as repo
from bot.calendar.delegations import delegations_by_id, list_delegations
from bot.calendar.model import CalendarError, Deadline, Delegation
from bot.calendar.occurrences import Listed, occurrences_between
from bot.calendar.offsets import Offset, offsets_from_text, offsets_text
from bot.calendar.posts import GENERAL_CHANNEL, esc
from bot.calendar.subscriptions import is_public_deadline, is_public_meeting
from bot.messages import t
from bot.models import Post
from bot.store.db import Database
from bot.store.outbox import enqueue
from bot.timeutil import MONTREAL, to_iso

DEFAULT_DM_OFFSETS = "J-1, H-2"
MAX_DM_OFFSETS = 5


async def member_delegations(
    db: Database, user_id: str, role_ids: Iterable[str], role_names: Iterable[str] = ()
) -> list[Delegation]:
    ids = {str(r) for r in role_ids}
    names = {n.casefold() for n in role_names}
    found = []
    for delegation in await list_delegations(db):
        role = delegation.role.strip().lstrip("@")
        if (
            role in ids
            or role.casefold() in names
            or any(m.user_id == user_id for m in delegation.members)
        ):
            found.append(delegation)
    return found


# --- agenda --------------------------------------------------------------------------------


@dataclass
class Agenda:
    mine: list[Listed]
    my_deadlines: list[Deadline]
    public: list[Listed]
    public_deadlines: list[Deadline]
    delegations: dict[int, Delegation]


async def agenda(
    db: Database,
    delegation_ids: Sequence[int],
    *,
    now: datetime,
    days: int = 60,
    tz: ZoneInfo = MONTREAL,
) -> Agenda:
    """Next meetings and deadlines of my delegations, then everything public (the rest)."""
    until = now + timedelta(days=days)
    listed = await occurrences_between(db, start=now, end=until, tz=tz)
    deadlines = await repo.upcoming_deadlines(db, now=now, until=until)
    by_id = await delegations_by_id(db)
    mine_ids = set(delegation_ids)
    mine: list[Listed] = []
    public: list[Listed] = []
    for item in listed:  # one pass: mine first, else public, never both
        if not mine_ids.isdisjoint(item.meeting.delegation_ids):
            mine.append(item)
        elif is_public_meeting(item.meeting, by_id):
            public.append(item)
    my_deadlines = [d for d in deadlines if d.delegation_id in mine_ids]
    public_deadlines = [
        d for d in deadlines if d.delegation_id not in mine_ids and is_public_deadline(d, by_id)
    ]
    return Agenda(mine, my_deadlines, public, public_deadlines, by_id)


# --- personal reminders --------------------------------------------------------------------


@dataclass(frozen=True)
class DmPrefs:
    user_id: str
    offsets: tuple[Offset, ...]
    enabled: bool
    closed: bool
    delegation_ids: tuple[int, ...]


def parse_dm_offsets(text: str | None) -> tuple[Offset, ...]:
    """« J-1, H-2 » (what /rappels accepts); French refusal naming the bad part."""
    offsets = offsets_from_text(text or DEFAULT_DM_OFFSETS, ())
    if not offsets:
        raise CalendarError(t("calendar.dm.no_offsets"))
    if len(offsets) > MAX_DM_OFFSETS:
        raise CalendarError(t("calendar.dm.too_many", max=MAX_DM_OFFSETS))
    return offsets


async def dm_prefs(db: Database, user_id: str) -> DmPrefs | None:
    row = await db.fetchone("SELECT * FROM cal_dm_prefs WHERE user_id = ?", (user_id,))
    if row is None:
        return None
    links = await db.fetchall(
        "SELECT delegation_id FROM cal_dm_delegations WHERE user_id = ? ORDER BY delegation_id",
        (user_id,),
    )
    return DmPrefs(
        user_id,
        offsets_from_text(row["offsets"], ()),
        bool(row["enabled"]),
        row["dm_closed_at"] is not None,
        tuple(r["delegation_id"] for r in links),
    )


async def start_dm_reminders(
    db: Database,
    user_id: str,
    delegation_ids: Sequence[int],
    *,
    offsets: str | None,
    now: datetime,
) -> DmPrefs:
    """Turn a member's reminders on (again) for these delegations at these lead times."""
    parsed = parse_dm_offsets(offsets)
    if not delegation_ids:
        raise CalendarError(t("calendar.dm.no_delegation"))
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO cal_dm_prefs(user_id, offsets, enabled, dm_closed_at, updated_at)"
            " VALUES (?, ?, 1, NULL, ?) ON CONFLICT(user_id) DO UPDATE SET"
            " offsets = excluded.offsets, enabled = 1, dm_closed_at = NULL,"
            " updated_at = excluded.updated_at",
            (user_id, offsets_text(parsed), to_iso(now)),
        )
        await conn.execute("DELETE FROM cal_dm_delegations WHERE user_id = ?", (user_id,))
        await conn.executemany(
            "INSERT INTO cal_dm_delegations(user_id, delegation_id) VALUES (?, ?)",
            [(user_id, d) for d in dict.fromkeys(delegation_ids)],
        )
    found = await dm_prefs(db, user_id)
    assert found is not None
    return found


async def _drop_pending_dms(
    conn: aiosqlite.Connection, user_id: str, reason: str, now: datetime
) -> None:
    await conn.execute(
        "UPDATE cal_reminders SET status = 'skipped', reason = ?, done_at = ?"
        " WHERE user_id = ? AND status = 'pending'",
        (reason, to_iso(now), user_id),
    )


async def stop_dm_reminders(db: Database, user_id: str, *, now: datetime) -> bool:
    """Turn a member's reminders off; True when they were on."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE cal_dm_prefs SET enabled = 0, updated_at = ? WHERE user_id = ? AND enabled = 1",
            (to_iso(now), user_id),
        )
        await _drop_pending_dms(conn, user_id, "personal reminders turned off", now)
        return cursor.rowcount > 0


async def direct_messages_closed(
    conn: aiosqlite.Connection, user_id: str, *, now: datetime
) -> int | None:
    """Discord refused a direct message to ``user_id``: stop trying, and tell them ONCE in
    the channel of one of their delegations (or the general channel). In the caller's
    transaction; returns the notice's outbox id (None when already told)."""
    async with conn.execute(
        "SELECT dm_closed_at FROM cal_dm_prefs WHERE user_id = ?", (user_id,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None or row["dm_closed_at"] is not None:
        await _drop_pending_dms(conn, user_id, "direct messages closed", now)
        return None
    await conn.execute(
        "UPDATE cal_dm_prefs SET dm_closed_at = ?, updated_at = ? WHERE user_id = ?",
        (to_iso(now), to_iso(now), user_id),
    )
    await _drop_pending_dms(conn, user_id, "direct messages closed", now)
    async with conn.execute(
        "SELECT d.channel FROM cal_dm_delegations l JOIN cal_delegations d"
        " ON d.id = l.delegation_id WHERE l.user_id = ? ORDER BY d.id LIMIT 1",
        (user_id,),
    ) as cursor:
        channel_row = await cursor.fetchone()
    channel = channel_row["channel"] if channel_row else GENERAL_CHANNEL
    notice = Post(
        channel=channel,
        content=t("calendar.dm.closed_notice", user=f"<@{esc(user_id)}>"),
        ping_users=[user_id],
    )
    return await enqueue(
        conn, notice, kind="notice", dedupe_key=f"dm-closed:{user_id}:{to_iso(now)}"
    )
