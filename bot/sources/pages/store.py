"""The last version of each watched page (table page_versions, migration 0009)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.sources.pages.extract import noise_key
from bot.store.db import Database
from bot.timeutil import to_iso


@dataclass
class PageVersion:
    digest: str
    lines: list[str]

    @property
    def keys(self) -> list[str]:
        return [noise_key(line) for line in self.lines]


async def get_version(db: Database, feed_id: int) -> PageVersion | None:
    row = await db.fetchone("SELECT digest, text FROM page_versions WHERE feed_id = ?", (feed_id,))
    if row is None:
        return None
    return PageVersion(digest=row["digest"], lines=row["text"].split("\n") if row["text"] else [])


async def save_version(
    conn: aiosqlite.Connection,
    feed_id: int,
    digest: str,
    lines: list[str],
    *,
    now: datetime,
    changed: bool,
) -> None:
    stamp = to_iso(now)
    await conn.execute(
        "INSERT INTO page_versions(feed_id, digest, text, seen_at, changed_at) VALUES (?,?,?,?,?)"
        " ON CONFLICT(feed_id) DO UPDATE SET digest=excluded.digest, text=excluded.text,"
        " seen_at=excluded.seen_at,"
        " changed_at=CASE WHEN ? THEN excluded.seen_at ELSE page_versions.changed_at END",
        (feed_id, digest, "\n".join(lines), stamp, stamp if changed else None, int(changed)),
    )
