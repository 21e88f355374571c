"""Delegations: the few members mandated to a committee, their Discord role and channel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import aiosqlite

from bot.calendar.model import CalendarError, Delegation, Member
from bot.messages import t
from bot.store.db import Database
from bot.timeutil import to_iso


class GuildDirectory(Protocol):
    """What the Discord side knows: used to refuse unknown roles and channels."""

    def has_role(self, ref: str) -> bool: ...

    def has_channel(self, ref: str) -> bool: ...


async def _members(
    db_or_conn: Database | aiosqlite.Connection, delegation_id: int
) -> tuple[Member, ...]:
    sql = (
        "SELECT user_id, display_name, member_role FROM cal_delegation_members"
        " WHERE delegation_id = ? ORDER BY member_role, rowid"
    )
    if isinstance(db_or_conn, Database):
        rows = await db_or_conn.fetchall(sql, (delegation_id,))
    else:
        rows = list(await db_or_conn.execute_fetchall(sql, (delegation_id,)))
    return tuple(Member(r["user_id"], r["display_name"], r["member_role"]) for r in rows)


async def create_delegation(
    db: Database,
    name: str,
    role: str,
    channel: str,
    *,
    now: datetime,
    directory: GuildDirectory | None = None,
    public: bool = False,
) -> Delegation:
    name, role, channel = name.strip(), role.strip(), channel.strip()
    if not name:
        raise CalendarError(t("calendar.delegation.name_required"))
    if not role or (directory is not None and not directory.has_role(role)):
        raise CalendarError(t("calendar.error.unknown_role", role=role))
    if not channel or (directory is not None and not directory.has_channel(channel)):
        raise CalendarError(t("calendar.error.unknown_channel", channel=channel))
    if await find_delegation(db, name) is not None:
        raise CalendarError(t("calendar.delegation.exists", name=name))
    delegation_id = await db.execute(
        "INSERT INTO cal_delegations(name, role, channel, created_at, public)"
        " VALUES (?, ?, ?, ?, ?)",
        (name, role, channel, to_iso(now), int(public)),
    )
    return Delegation(delegation_id, name, role, channel, public=public)


async def get_delegation(db: Database, delegation_id: int) -> Delegation | None:
    row = await db.fetchone("SELECT * FROM cal_delegations WHERE id = ?", (delegation_id,))
    return Delegation.from_row(row, await _members(db, delegation_id)) if row else None


async def find_delegation(db: Database, name_or_id: str) -> Delegation | None:
    text = name_or_id.strip()
    if text.isdigit():
        found = await get_delegation(db, int(text))
        if found:
            return found
    row = await db.fetchone("SELECT id FROM cal_delegations WHERE name = ?", (text,))
    return await get_delegation(db, row["id"]) if row else None


async def require_delegation(db: Database, name_or_id: str) -> Delegation:
    found = await find_delegation(db, name_or_id)
    if found is None:
        raise CalendarError(t("calendar.delegation.unknown", name=name_or_id))
    return found


async def list_delegations(db: Database) -> list[Delegation]:
    rows = await db.fetchall("SELECT * FROM cal_delegations ORDER BY name")
    # Every member in one query (a member command and every feed rebuild list them all).
    members: dict[int, list[Member]] = {}
    for m in await db.fetchall(
        "SELECT delegation_id, user_id, display_name, member_role FROM cal_delegation_members"
        " ORDER BY delegation_id, member_role, rowid"
    ):
        members.setdefault(m["delegation_id"], []).append(
            Member(m["user_id"], m["display_name"], m["member_role"])
        )
    return [Delegation.from_row(r, tuple(members.get(r["id"], ()))) for r in rows]


async def set_members(
    db: Database,
    delegation_id: int,
    delegates: Sequence[tuple[str, str | None]],
    substitutes: Sequence[tuple[str, str | None]] = (),
) -> Delegation:
    """Replace the named delegates and substitutes: (user id or name, display name)."""
    if await get_delegation(db, delegation_id) is None:
        raise CalendarError(t("calendar.delegation.unknown", name=delegation_id))
    async with db.transaction() as conn:
        await conn.execute(
            "DELETE FROM cal_delegation_members WHERE delegation_id = ?", (delegation_id,)
        )
        for member_role, people in (("delegate", delegates), ("substitute", substitutes)):
            for user_id, display in people:
                await conn.execute(
                    "INSERT OR REPLACE INTO cal_delegation_members"
                    "(delegation_id, user_id, display_name, member_role) VALUES (?, ?, ?, ?)",
                    (delegation_id, user_id, display, member_role),
                )
    found = await get_delegation(db, delegation_id)
    assert found is not None
    return found


async def delegations_by_id(db: Database) -> dict[int, Delegation]:
    return {d.id: d for d in await list_delegations(db)}
