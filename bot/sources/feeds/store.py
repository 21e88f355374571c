"""Feed rows in SQLite: definitions, polling state and the items seen per feed."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.fold import fold
from bot.sources.feeds.config import FeedDef
from bot.store.db import Database
from bot.timeutil import from_iso, to_iso, utc_now


@dataclass
class FeedRecord:
    id: int
    feed: FeedDef
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    final_url: str | None = None
    initialized: bool = False
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    next_poll: datetime | None = None
    failures: int = 0
    paused: bool = False
    items_relayed: int = 0
    items_seen: int = 0
    moved_url: str | None = None  # where a permanent redirect (301/308) sent us

    @property
    def name(self) -> str:
        return self.feed.name

    @property
    def current_url(self) -> str:
        """The address polled: the moved one once a server said the feed moved for good."""
        return self.moved_url or self.feed.url


_SELECT = """
SELECT f.*, s.etag, s.last_modified, s.body_hash, s.final_url, s.initialized, s.last_success,
       s.last_error, s.last_error_at, s.next_poll, s.failures, s.paused, s.items_relayed,
       s.moved_url
FROM feeds f JOIN feed_state s ON s.feed_id = f.id
"""


def _opt_dt(value: str | None) -> datetime | None:
    return from_iso(value) if value else None


def _record(row: sqlite3.Row, items_seen: int = 0) -> FeedRecord:
    regex = json.loads(row["regex_json"] or "{}")
    feed = FeedDef(
        name=row["name"],
        url=row["url"],
        channels=tuple(json.loads(row["channels_json"])),
        interval_minutes=float(row["interval_minutes"]),
        role=row["role"],
        include=tuple(json.loads(row["include_json"])),
        exclude=tuple(json.loads(row["exclude_json"])),
        origin=row["origin"],
        kind=row["kind"],
        include_regex=tuple(regex.get("include", [])),
        exclude_regex=tuple(regex.get("exclude", [])),
        show=row["show"],
        selector=row["selector"],
    )
    return FeedRecord(
        id=row["id"],
        feed=feed,
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_hash=row["body_hash"],
        final_url=row["final_url"],
        initialized=bool(row["initialized"]),
        last_success=_opt_dt(row["last_success"]),
        last_error=row["last_error"],
        last_error_at=_opt_dt(row["last_error_at"]),
        next_poll=_opt_dt(row["next_poll"]),
        failures=row["failures"],
        paused=bool(row["paused"]),
        items_relayed=row["items_relayed"],
        items_seen=items_seen,
        moved_url=row["moved_url"],
    )


def _definition_values(feed: FeedDef) -> tuple[object, ...]:
    return (
        feed.name,
        feed.key,
        feed.url,
        feed.origin,
        json.dumps(list(feed.channels), ensure_ascii=False),
        feed.interval_minutes,
        feed.role,
        json.dumps(list(feed.include), ensure_ascii=False),
        json.dumps(list(feed.exclude), ensure_ascii=False),
        feed.kind,
        feed.selector,
        json.dumps(
            {"include": list(feed.include_regex), "exclude": list(feed.exclude_regex)},
            ensure_ascii=False,
        ),
        feed.show,
    )


async def _insert(conn: aiosqlite.Connection, feed: FeedDef, added_by: str | None) -> int:
    cursor = await conn.execute(
        "INSERT INTO feeds(name, name_key, url, origin, channels_json, interval_minutes, role,"
        " include_json, exclude_json, kind, selector, regex_json, show, added_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*_definition_values(feed), added_by, to_iso(utc_now())),
    )
    feed_id = int(cursor.lastrowid or 0)
    await conn.execute("INSERT INTO feed_state(feed_id) VALUES (?)", (feed_id,))
    return feed_id


async def sync_config_feeds(db: Database, feeds: Sequence[FeedDef]) -> None:
    """Make the config-declared feeds of the table match the file (state kept by name).

    A feed whose URL changed starts afresh (validators, hash and seen items belong to the old
    URL would be wrong); the pipeline's own dedupe still prevents reposting an item.
    """
    async with db.transaction() as conn:
        rows = await (await conn.execute("SELECT id, name_key, url, origin FROM feeds")).fetchall()
        existing = {row["name_key"]: row for row in rows}
        wanted = {feed.key for feed in feeds}
        for row in rows:
            if row["origin"] == "config" and row["name_key"] not in wanted:
                await conn.execute("DELETE FROM feeds WHERE id = ?", (row["id"],))
        for feed in feeds:
            current = existing.get(feed.key)
            if current is None:
                await _insert(conn, feed, added_by="config")
                continue
            await conn.execute(
                "UPDATE feeds SET name=?, name_key=?, url=?, origin=?, channels_json=?,"
                " interval_minutes=?, role=?, include_json=?, exclude_json=?, kind=?,"
                " selector=?, regex_json=?, show=? WHERE id=?",
                (*_definition_values(feed), current["id"]),
            )
            if current["url"] != feed.url:
                await conn.execute(
                    "UPDATE feed_state SET etag=NULL, last_modified=NULL, body_hash=NULL,"
                    " final_url=NULL, failures=0, paused=0, paused_at=NULL, next_poll=NULL,"
                    " moved_url=NULL WHERE feed_id=?",
                    (current["id"],),
                )


async def add_feed(db: Database, feed: FeedDef, added_by: str | None) -> int | None:
    """Insert a feed; None when the name is already taken."""
    async with db.transaction() as conn:
        taken = await (
            await conn.execute("SELECT 1 FROM feeds WHERE name_key = ?", (feed.key,))
        ).fetchone()
        if taken:
            return None
        return await _insert(conn, feed, added_by)


async def update_feed(db: Database, feed_id: int, feed: FeedDef) -> None:
    """Replace a feed's definition (`/flux modifier`); its polling state is kept."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE feeds SET name=?, name_key=?, url=?, origin=?, channels_json=?,"
            " interval_minutes=?, role=?, include_json=?, exclude_json=?, kind=?,"
            " selector=?, regex_json=?, show=? WHERE id=?",
            (*_definition_values(feed), feed_id),
        )
        # The new interval applies from now, not after the old one ran out.
        await conn.execute("UPDATE feed_state SET next_poll=NULL WHERE feed_id=?", (feed_id,))


async def record_move(conn: aiosqlite.Connection, record: FeedRecord, url: str) -> None:
    """A permanent redirect: feeds added from Discord change address, config ones remember it."""
    if record.feed.origin == "discord":
        await conn.execute("UPDATE feeds SET url=? WHERE id=?", (url, record.id))
        await conn.execute("UPDATE feed_state SET moved_url=NULL WHERE feed_id=?", (record.id,))
    else:
        await conn.execute("UPDATE feed_state SET moved_url=? WHERE feed_id=?", (url, record.id))


async def count_items(db: Database, feed_id: int) -> int:
    row = await db.fetchone("SELECT count(*) FROM feed_items WHERE feed_id = ?", (feed_id,))
    return int(row[0]) if row else 0


async def remove_feed(db: Database, feed_id: int) -> None:
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))


async def get_feed(db: Database, name: str) -> FeedRecord | None:
    row = await db.fetchone(_SELECT + " WHERE f.name_key = ?", (fold(name.strip()),))
    if row is None:
        return None
    return _record(row, await count_items(db, row["id"]))


async def get_feed_by_id(db: Database, feed_id: int) -> FeedRecord | None:
    row = await db.fetchone(_SELECT + " WHERE f.id = ?", (feed_id,))
    return _record(row) if row else None


async def list_feeds(db: Database) -> list[FeedRecord]:
    rows = await db.fetchall(_SELECT + " ORDER BY f.name_key")
    return [_record(row) for row in rows]


async def known_ids(db: Database, feed_id: int, ids: Iterable[str]) -> set[str]:
    wanted = list(ids)
    known: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = await db.fetchall(
            f"SELECT external_id FROM feed_items WHERE feed_id = ? AND external_id IN ({marks})",
            (feed_id, *chunk),
        )
        known.update(row[0] for row in rows)
    return known


async def record_items(
    conn: aiosqlite.Connection, feed_id: int, ids: Iterable[str], *, relayed: bool, now: datetime
) -> None:
    stamp = to_iso(now)
    await conn.executemany(
        "INSERT INTO feed_items(feed_id, external_id, first_seen, relayed, last_seen)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(feed_id, external_id) DO UPDATE SET"
        " relayed = max(relayed, excluded.relayed), last_seen = excluded.last_seen",
        [(feed_id, external_id, stamp, int(relayed), stamp) for external_id in ids],
    )


async def touch_items(
    conn: aiosqlite.Connection, feed_id: int, ids: Iterable[str], *, now: datetime
) -> None:
    """The items of this parse are in the feed now: retention keeps their identities."""
    stamp = to_iso(now)
    wanted = list(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        await conn.execute(
            f"UPDATE feed_items SET last_seen = ? WHERE feed_id = ?"
            f" AND external_id IN ({','.join('?' * len(chunk))})",
            (stamp, feed_id, *chunk),
        )


async def count_relayed(conn: aiosqlite.Connection, feed_id: int, count: int) -> None:
    await conn.execute(
        "UPDATE feed_state SET items_relayed = items_relayed + ? WHERE feed_id = ?",
        (count, feed_id),
    )


async def record_success(
    conn: aiosqlite.Connection,
    feed_id: int,
    *,
    now: datetime,
    next_poll: datetime,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
    final_url: str | None,
    initialized: bool,
) -> None:
    await conn.execute(
        "UPDATE feed_state SET etag=?, last_modified=?, body_hash=coalesce(?, body_hash),"
        " final_url=coalesce(?, final_url), initialized=max(initialized, ?), last_success=?,"
        " next_poll=?, failures=0 WHERE feed_id=?",
        (
            etag,
            last_modified,
            body_hash,
            final_url,
            int(initialized),
            to_iso(now),
            to_iso(next_poll),
            feed_id,
        ),
    )


async def record_failure(
    conn: aiosqlite.Connection,
    feed_id: int,
    *,
    now: datetime,
    next_poll: datetime,
    error: str,
    failures: int,
    pause: bool,
) -> None:
    await conn.execute(
        "UPDATE feed_state SET last_error=?, last_error_at=?, next_poll=?, failures=?,"
        " paused=?, paused_at=CASE WHEN ? THEN ? ELSE paused_at END WHERE feed_id=?",
        (
            error,
            to_iso(now),
            to_iso(next_poll),
            failures,
            int(pause),
            int(pause),
            to_iso(now),
            feed_id,
        ),
    )


async def resume_feed(db: Database, feed_id: int) -> bool:
    """Unpause; True when the feed was paused."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE feed_state SET paused=0, paused_at=NULL, failures=0, next_poll=NULL"
            " WHERE feed_id=? AND paused=1",
            (feed_id,),
        )
        return cursor.rowcount > 0
