"""Announcements as rows: created, changed, cancelled, sent — each step in the history.

Sending is one transaction: the outbox rows (with dedupe keys ``announce:<id>:…``), the row
marked sent and the history line. A job that fires twice, or again after a restart, finds
the row already sent and does nothing: the announcement is posted once.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot.announcements.draft import AnnouncementError, Draft, render
from bot.messages import t
from bot.models import Post
from bot.store import outbox
from bot.store.db import Database
from bot.timeutil import from_iso, to_iso, utc_now

KIND = "announcement"


@dataclass(frozen=True)
class Announcement:
    id: int
    title: str
    body: str
    channels: list[str]
    ping_roles: list[str]
    ping_everyone: bool
    due_at: datetime
    status: str
    origin: str
    author_id: str | None
    author_name: str
    created_at: datetime
    sent_at: datetime | None

    @property
    def draft(self) -> Draft:
        return Draft(
            title=self.title,
            body=self.body,
            channels=list(self.channels),
            ping_roles=list(self.ping_roles),
            ping_everyone=self.ping_everyone,
        )


@dataclass(frozen=True)
class HistoryEntry:
    announcement_id: int
    title: str
    action: str
    actor_name: str
    at: datetime
    detail: str
    channels: list[str] = field(default_factory=list)  # where it was (or will be) posted
    due_at: datetime | None = None  # when it was scheduled for
    changed: list[str] = field(default_factory=list)  # for "modified": CHANGE_FIELDS items


# What a modification may change, in the order the history names them.
CHANGE_FIELDS = ("title", "body", "channels", "roles", "everyone", "due_at")


@dataclass(frozen=True)
class Actor:
    id: str | None
    name: str


def _from_row(row: sqlite3.Row) -> Announcement:
    return Announcement(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        channels=json.loads(row["channels_json"]),
        ping_roles=json.loads(row["ping_roles_json"]),
        ping_everyone=bool(row["ping_everyone"]),
        due_at=from_iso(row["due_at"]),
        status=row["status"],
        origin=row["origin"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        created_at=from_iso(row["created_at"]),
        sent_at=from_iso(row["sent_at"]) if row["sent_at"] else None,
    )


def _detail(
    *,
    channels: list[str] | None = None,
    due_at: datetime | None = None,
    changed: list[str] | None = None,
) -> str:
    """The history's detail column: JSON, so that the history can say where and for when."""
    data: dict[str, object] = {}
    if channels:
        data["channels"] = channels
    if due_at is not None:
        data["due_at"] = to_iso(due_at)
    if changed:
        data["changed"] = changed
    return json.dumps(data, ensure_ascii=False) if data else ""


def _parse_detail(action: str, detail: str) -> tuple[list[str], datetime | None, list[str]]:
    """(channels, due_at, changed) of a detail. Older rows held plain text: the channels
    joined by commas for « published », the ISO time for « scheduled », free words else."""
    if not detail:
        return [], None, []
    try:
        data = json.loads(detail)
    except ValueError:
        data = None
    if isinstance(data, dict):
        due = data.get("due_at")
        return (
            [str(c) for c in data.get("channels", [])],
            from_iso(due) if isinstance(due, str) else None,
            [str(c) for c in data.get("changed", [])],
        )
    if action == "published":
        return [c.strip() for c in detail.split(",") if c.strip()], None, []
    if action == "scheduled":
        with contextlib.suppress(ValueError):
            return [], from_iso(detail), []
    return [], None, []


def _changes(current: Announcement, new: Draft, due_at: datetime | None) -> list[str]:
    changed = []
    if new.title.strip() != current.title:
        changed.append("title")
    if new.body != current.body:
        changed.append("body")
    if list(new.channels) != current.channels:
        changed.append("channels")
    if list(new.ping_roles) != current.ping_roles:
        changed.append("roles")
    if bool(new.ping_everyone) != current.ping_everyone:
        changed.append("everyone")
    if due_at is not None and to_iso(due_at) != to_iso(current.due_at):
        changed.append("due_at")
    return changed


async def _history(
    conn: aiosqlite.Connection, announcement_id: int, action: str, actor: Actor, detail: str = ""
) -> None:
    await conn.execute(
        "INSERT INTO announcement_history(announcement_id, action, actor_id, actor_name, at,"
        " detail) VALUES (?, ?, ?, ?, ?, ?)",
        (announcement_id, action, actor.id, actor.name, to_iso(utc_now()), detail),
    )


# A draft and its time, as written by both a new announcement and a modification.
DRAFT_COLUMNS = "title, body, channels_json, ping_roles_json, ping_everyone, due_at"


def _draft_values(draft: Draft, due_at: datetime) -> tuple[object, ...]:
    """The values of ``DRAFT_COLUMNS``, in their order."""
    return (
        draft.title.strip(),
        draft.body,
        json.dumps(draft.channels, ensure_ascii=False),
        json.dumps(draft.ping_roles, ensure_ascii=False),
        int(draft.ping_everyone),
        to_iso(due_at),
    )


async def _insert(
    conn: aiosqlite.Connection,
    draft: Draft,
    *,
    due_at: datetime,
    status: str,
    actor: Actor,
    origin: str,
) -> int:
    now = to_iso(utc_now())
    cursor = await conn.execute(
        f"INSERT INTO announcements({DRAFT_COLUMNS}, status, origin, author_id, author_name,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*_draft_values(draft, due_at), status, origin, actor.id, actor.name, now, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def _enqueue_all(
    conn: aiosqlite.Connection, announcement_id: int, draft: Draft, author: str
) -> list[int]:
    keyed: list[tuple[Post, str | None]] = []
    part_of: dict[str, int] = {}
    for post in render(draft, author=author):
        part = part_of.get(post.channel, 0)
        part_of[post.channel] = part + 1
        keyed.append((post, f"announce:{announcement_id}:{post.channel}:{part}"))
    return await outbox.enqueue_all(conn, keyed, kind=KIND)


async def publish_now(
    db: Database, draft: Draft, *, actor: Actor, origin: str = "discord"
) -> tuple[int, list[int]]:
    """Record and queue an announcement at once; (announcement id, outbox ids)."""
    now = utc_now()
    async with db.transaction() as conn:
        announcement_id = await _insert(
            conn, draft, due_at=now, status="sent", actor=actor, origin=origin
        )
        await conn.execute(
            "UPDATE announcements SET sent_at = ? WHERE id = ?", (to_iso(now), announcement_id)
        )
        ids = await _enqueue_all(conn, announcement_id, draft, actor.name)
        await _history(
            conn, announcement_id, "published", actor, _detail(channels=draft.channels)
        )
    return announcement_id, ids


async def schedule(
    db: Database,
    draft: Draft,
    due_at: datetime,
    *,
    actor: Actor,
    origin: str = "discord",
    now: datetime | None = None,
) -> int:
    if due_at <= (now or utc_now()):
        raise AnnouncementError(t("announcements.error.past"))
    async with db.transaction() as conn:
        announcement_id = await _insert(
            conn, draft, due_at=due_at, status="scheduled", actor=actor, origin=origin
        )
        await _history(
            conn,
            announcement_id,
            "scheduled",
            actor,
            _detail(channels=draft.channels, due_at=due_at),
        )
    return announcement_id


async def get(db: Database, announcement_id: int) -> Announcement | None:
    row = await db.fetchone("SELECT * FROM announcements WHERE id = ?", (announcement_id,))
    return _from_row(row) if row else None


async def scheduled(db: Database) -> list[Announcement]:
    rows = await db.fetchall(
        "SELECT * FROM announcements WHERE status = 'scheduled' ORDER BY due_at, id"
    )
    return [_from_row(r) for r in rows]


async def _require_scheduled(
    conn: aiosqlite.Connection, announcement_id: int
) -> sqlite3.Row:
    async with conn.execute(
        "SELECT * FROM announcements WHERE id = ?", (announcement_id,)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise AnnouncementError(t("announcements.error.not_found", id=announcement_id))
    if row["status"] != "scheduled":
        raise AnnouncementError(
            t(
                "announcements.error.not_scheduled",
                id=announcement_id,
                status=t(f"announcements.status.{row['status']}"),
            )
        )
    return row


async def modify(
    db: Database,
    announcement_id: int,
    *,
    actor: Actor,
    draft: Draft | None = None,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> Announcement:
    """Change a scheduled announcement's text, channels, roles or time."""
    if due_at is not None and due_at <= (now or utc_now()):
        raise AnnouncementError(t("announcements.error.past"))
    async with db.transaction() as conn:
        row = await _require_scheduled(conn, announcement_id)
        current = _from_row(row)
        new = draft or current.draft
        when = due_at or current.due_at
        await conn.execute(
            f"UPDATE announcements SET ({DRAFT_COLUMNS}, updated_at) ="
            " (?, ?, ?, ?, ?, ?, ?) WHERE id = ?",
            (*_draft_values(new, when), to_iso(utc_now()), announcement_id),
        )
        changed = _changes(current, new, due_at)
        await _history(
            conn,
            announcement_id,
            "modified",
            actor,
            _detail(
                channels=new.channels if "channels" in changed else None,
                due_at=due_at if "due_at" in changed else None,
                changed=changed,
            ),
        )
    updated = await get(db, announcement_id)
    assert updated is not None
    return updated


async def cancel(db: Database, announcement_id: int, *, actor: Actor) -> Announcement:
    async with db.transaction() as conn:
        await _require_scheduled(conn, announcement_id)
        await conn.execute(
            "UPDATE announcements SET status = 'cancelled', updated_at = ? WHERE id = ?",
            (to_iso(utc_now()), announcement_id),
        )
        await _history(conn, announcement_id, "cancelled", actor)
    cancelled = await get(db, announcement_id)
    assert cancelled is not None
    return cancelled


async def send_due(db: Database, announcement_id: int, now: datetime | None = None) -> list[int]:
    """Queue a scheduled announcement whose time has come; [] when it is not (or no longer)
    due. Posts and the « sent » mark are one transaction: never half, never twice."""
    async with db.transaction() as conn:
        return await send_due_in(conn, announcement_id, now or utc_now())


async def send_due_in(
    conn: aiosqlite.Connection, announcement_id: int, now: datetime
) -> list[int]:
    """``send_due`` inside the caller's transaction (the clock's, which marks its timer done)."""
    async with conn.execute(
        "SELECT * FROM announcements WHERE id = ? AND status = 'scheduled' AND due_at <= ?",
        (announcement_id, to_iso(now)),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return []
    announcement = _from_row(row)
    ids = await _enqueue_all(conn, announcement.id, announcement.draft, announcement.author_name)
    await conn.execute(
        "UPDATE announcements SET status = 'sent', sent_at = ?, updated_at = ? WHERE id = ?",
        (to_iso(now), to_iso(now), announcement.id),
    )
    await _history(
        conn, announcement.id, "sent", Actor(None, "Relais"),
        _detail(channels=announcement.channels),
    )
    return ids


async def history(db: Database, limit: int = 20) -> list[HistoryEntry]:
    rows = await db.fetchall(
        "SELECT h.announcement_id, a.title, h.action, h.actor_name, h.at, h.detail"
        " FROM announcement_history h JOIN announcements a ON a.id = h.announcement_id"
        " ORDER BY h.id DESC LIMIT ?",
        (limit,),
    )
    entries = []
    for r in rows:
        channels, due_at, changed = _parse_detail(r["action"], r["detail"])
        entries.append(
            HistoryEntry(
                announcement_id=r["announcement_id"],
                title=r["title"],
                action=r["action"],
                actor_name=r["actor_name"],
                at=from_iso(r["at"]),
                detail=r["detail"],
                channels=channels,
                due_at=due_at,
                changed=changed,
            )
        )
    return entries
