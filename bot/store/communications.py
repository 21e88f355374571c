"""Relayed communications: what was posted, once, with its analysis."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from bot.store.db import Database
from bot.timeutil import to_iso, utc_now


@dataclass
class NewCommunication:
    scope: str
    external_id: str
    source_kind: str
    source_name: str
    kind: str
    title: str
    text: str
    channel: str
    link: str | None = None
    sender: str | None = None
    published: datetime | None = None
    summary: list[str] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    parent_id: int | None = None


async def exists(db: Database | aiosqlite.Connection, scope: str, external_id: str) -> bool:
    sql = "SELECT 1 FROM communications WHERE scope = ? AND external_id = ?"
    if isinstance(db, Database):
        return await db.fetchone(sql, (scope, external_id)) is not None
    async with db.execute(sql, (scope, external_id)) as cursor:
        return await cursor.fetchone() is not None


async def insert(conn: aiosqlite.Connection, item: NewCommunication) -> int | None:
    """Insert inside the caller's transaction; None when (scope, external_id) is known."""
    cursor = await conn.execute(
        "INSERT INTO communications(scope, external_id, source_kind, source_name, kind, title,"
        " link, sender, published, text, summary_json, dates_json, categories_json, channel,"
        " parent_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(scope, external_id) DO NOTHING",
        (
            item.scope,
            item.external_id,
            item.source_kind,
            item.source_name,
            item.kind,
            item.title,
            item.link,
            item.sender,
            to_iso(item.published) if item.published else None,
            item.text,
            json.dumps(item.summary, ensure_ascii=False),
            json.dumps(item.dates, ensure_ascii=False),
            json.dumps(item.categories, ensure_ascii=False),
            item.channel,
            item.parent_id,
            to_iso(utc_now()),
        ),
    )
    return cursor.lastrowid if cursor.rowcount == 1 else None


async def get(db: Database, communication_id: int) -> sqlite3.Row | None:
    return await db.fetchone("SELECT * FROM communications WHERE id = ?", (communication_id,))


async def post_link(db: Database, communication_id: int) -> str | None:
    """Link to the first Discord message of this communication, once it is sent."""
    row = await db.fetchone(
        "SELECT message_url FROM outbox WHERE communication_id = ? AND status = 'sent'"
        " AND message_url IS NOT NULL ORDER BY id LIMIT 1",
        (communication_id,),
    )
    return row["message_url"] if row else None
