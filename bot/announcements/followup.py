"""Follow-up of relayed communications: who took one (« Pris en charge ») and when.

The button itself is added by the relay's renderer (custom_id ``follow:take:<id>``); this
module records the first staff member who presses it. A second press changes nothing.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.messages import t
from bot.store.db import Database
from bot.timeutil import discord_ts, from_iso, to_iso, utc_now

PREFIX = "follow"
_CUSTOM_ID = re.compile(r"^follow:take:(\d{1,18})$")


@dataclass(frozen=True)
class FollowUp:
    communication_id: int
    taken_by_id: str
    taken_by_name: str
    taken_at: datetime

    def line(self) -> str:
        """French line shown on the post: who took it and when (Discord timestamp)."""
        return t(
            "announcements.follow.taken_line",
            name=self.taken_by_name,
            when=discord_ts(self.taken_at, "f"),
        )


def custom_id(communication_id: int) -> str:
    return f"follow:take:{communication_id}"


def parse_custom_id(value: str) -> int | None:
    match = _CUSTOM_ID.match(value)
    return int(match.group(1)) if match else None


def _from_row(row: sqlite3.Row) -> FollowUp:
    return FollowUp(
        communication_id=row["communication_id"],
        taken_by_id=row["taken_by_id"],
        taken_by_name=row["taken_by_name"],
        taken_at=from_iso(row["taken_at"]),
    )


async def get(db: Database, communication_id: int) -> FollowUp | None:
    row = await db.fetchone(
        "SELECT * FROM followups WHERE communication_id = ?", (communication_id,)
    )
    return _from_row(row) if row else None


async def take(
    db: Database,
    communication_id: int,
    *,
    user_id: str,
    user_name: str,
    now: datetime | None = None,
) -> tuple[FollowUp, bool] | None:
    """Record who takes the communication; (record, True) when this call took it,
    (earlier record, False) when someone had already, None when it does not exist."""
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT 1 FROM communications WHERE id = ?", (communication_id,)
        ) as cursor:
            if await cursor.fetchone() is None:
                return None
        cursor = await conn.execute(
            "INSERT INTO followups(communication_id, taken_by_id, taken_by_name, taken_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(communication_id) DO NOTHING",
            (communication_id, user_id, user_name, to_iso(now or utc_now())),
        )
        taken = cursor.rowcount == 1
        async with conn.execute(
            "SELECT * FROM followups WHERE communication_id = ?", (communication_id,)
        ) as cursor:
            row = await cursor.fetchone()
    assert row is not None
    return _from_row(row), taken
