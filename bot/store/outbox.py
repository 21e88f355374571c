"""The outbox: every post Relais makes is a row here before it is a Discord message.

A row is written in the transaction of its cause; the worker sends it and records the
Discord message only after Discord accepted it. The nonce chosen here travels with every
attempt, so a resend after a crash is recognised by Discord instead of shown twice.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.models import Post
from bot.store.db import Database
from bot.timeutil import from_iso, to_iso, utc_now

# The sink of a row (migration 0018). Each worker takes only the rows of its own target, so a
# retry for one sink never resends to another; the queries below all filter on it.
DISCORD = "discord"


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    channel: str
    post: Post
    nonce: str
    attempts: int
    communication_id: int | None
    # The first moment a request for this row may have reached Discord (None: never tried).
    attempted_at: datetime | None = None
    target: str = DISCORD

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> OutboxRow:
        attempted = row["attempted_at"] if "attempted_at" in row.keys() else None
        return cls(
            id=row["id"],
            kind=row["kind"],
            channel=row["channel"],
            post=Post.from_json(row["payload"]),
            nonce=row["nonce"],
            attempts=row["attempts"],
            communication_id=row["communication_id"],
            attempted_at=from_iso(attempted) if attempted else None,
            target=row["target"],
        )


def new_nonce() -> str:
    # Discord accepts nonces up to 25 characters.
    return "r" + secrets.token_hex(10)


async def enqueue(
    conn: aiosqlite.Connection,
    post: Post,
    *,
    kind: str,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
    communication_id: int | None = None,
    target: str = DISCORD,
) -> int | None:
    """Add a post to send; None when a row with the same ``dedupe_key`` already exists.
    ``target`` names the sink that sends it (see migration 0018)."""
    (row,) = await enqueue_rows(
        conn,
        [(post, dedupe_key)],
        kind=kind,
        not_before=not_before,
        communication_id=communication_id,
        target=target,
    )
    return row


async def enqueue_all(
    conn: aiosqlite.Connection,
    posts: Iterable[tuple[Post, str | None]],
    *,
    kind: str,
    communication_id: int | None = None,
    target: str = DISCORD,
) -> list[int]:
    """``enqueue`` each (post, dedupe key) in the caller's transaction; the ids of the rows
    written (a key already queued is skipped, not an error: a retry never posts twice)."""
    rows = await enqueue_rows(
        conn, posts, kind=kind, communication_id=communication_id, target=target
    )
    return [row for row in rows if row is not None]


# Rows per INSERT statement (9 values each, far below SQLite's 32,766 variables).
_ROWS_PER_INSERT = 500


async def enqueue_rows(
    conn: aiosqlite.Connection,
    posts: Iterable[tuple[Post, str | None]],
    *,
    kind: str,
    communication_id: int | None = None,
    not_before: datetime | None = None,
    target: str = DISCORD,
) -> list[int | None]:
    """``enqueue`` each (post, dedupe key) in a few statements rather than one per post (a
    burst of reminders spent most of its time in round trips to SQLite's thread); one id per
    post, in order, None where its key was already queued."""
    wanted = list(posts)
    ids: list[int | None] = []
    now = to_iso(utc_now())
    due = to_iso(not_before) if not_before is not None else now
    for first in range(0, len(wanted), _ROWS_PER_INSERT):
        chunk = wanted[first : first + _ROWS_PER_INSERT]
        values = [
            (
                kind,
                post.channel,
                post.to_json(),
                new_nonce(),
                key,
                communication_id,
                due,
                now,
                target,
            )
            for post, key in chunk
        ]
        marks = ",".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(values))
        # A key met twice in one statement is one row, as two enqueue calls would give.
        async with conn.execute(
            "INSERT INTO outbox(kind, channel, payload, nonce, dedupe_key, communication_id,"
            f" next_attempt_at, created_at, target) VALUES {marks}"
            " ON CONFLICT(dedupe_key) DO NOTHING RETURNING id, nonce",
            [value for row in values for value in row],
        ) as cursor:
            written = {row[1]: int(row[0]) for row in await cursor.fetchall()}
        ids.extend(written.get(row[3]) for row in values)
    return ids


async def due_rows(
    db: Database,
    now: datetime,
    limit: int = 50,
    exclude: Iterable[str] = (),
    target: str = DISCORD,
) -> list[OutboxRow]:
    """The oldest pending row of each channel of ``target``, if it is due: per-channel order
    is kept, and a row of another sink is never picked.

    ``exclude``: channels whose head is being sent right now (not picked twice)."""
    busy = sorted(set(exclude))
    skip = f" AND o.channel NOT IN ({','.join('?' * len(busy))})" if busy else ""
    rows = await db.fetchall(
        "SELECT o.* FROM outbox o JOIN ("
        "  SELECT channel, MIN(id) AS id FROM outbox WHERE status = 'pending' AND target = ?"
        "  GROUP BY channel"
        f") head ON head.id = o.id WHERE o.next_attempt_at <= ?{skip} ORDER BY o.id LIMIT ?",
        (target, to_iso(now), *busy, limit),
    )
    return [OutboxRow.from_row(r) for r in rows]


async def mark_attempted(db: Database, row_id: int, at: datetime) -> None:
    """Written before the first request of a row: from then on it may be in Discord."""
    await db.execute(
        "UPDATE outbox SET attempted_at = ? WHERE id = ? AND attempted_at IS NULL",
        (to_iso(at), row_id),
    )


async def last_confirmed_message(db: Database, channel: str, target: str = DISCORD) -> str | None:
    """The id of the last message Relais knows ``target`` posted for ``channel``."""
    row = await db.fetchone(
        "SELECT message_id FROM outbox WHERE status = 'sent' AND channel = ? AND target = ?"
        " AND message_id IS NOT NULL ORDER BY id DESC LIMIT 1",
        (channel, target),
    )
    return str(row["message_id"]) if row is not None else None


async def known_message_ids(
    db: Database, message_ids: Iterable[str], target: str = DISCORD
) -> set[str]:
    """Which of these messages of ``target`` are already recorded as some row's message."""
    wanted = list(dict.fromkeys(message_ids))
    if not wanted:
        return set()
    rows = await db.fetchall(
        f"SELECT message_id FROM outbox WHERE message_id IN ({','.join('?' * len(wanted))})"
        " AND target = ?",
        (*wanted, target),
    )
    return {str(r["message_id"]) for r in rows}


async def due_now(db: Database, reason: str, target: str = DISCORD) -> int:
    """Rows of ``target`` postponed for ``reason`` (e.g. Discord unreachable) become due."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE outbox SET next_attempt_at = ?"
            " WHERE status = 'pending' AND waiting_reason = ? AND target = ?",
            (to_iso(utc_now()), reason, target),
        )
        return cursor.rowcount


async def mark_sent(
    db: Database, row_id: int, *, channel_id: str, message_id: str, url: str | None
) -> None:
    await db.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, channel_id = ?, message_id = ?,"
        " message_url = ?, attempts = attempts + 1, last_error = NULL, waiting_reason = NULL"
        " WHERE id = ?",
        (to_iso(utc_now()), channel_id, message_id, url, row_id),
    )


async def mark_retry(db: Database, row_id: int, *, error: str, at: datetime) -> None:
    await db.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
        " waiting_reason = NULL"
        " WHERE id = ?",
        (error[:2000], to_iso(at), row_id),
    )


async def mark_waiting(db: Database, row_id: int, *, reason: str, at: datetime) -> None:
    """Postpone without counting an attempt: the channel is not there yet."""
    await db.execute(
        "UPDATE outbox SET waiting_reason = ?, next_attempt_at = ? WHERE id = ?",
        (reason[:2000], to_iso(at), row_id),
    )


async def postpone(db: Database, row_id: int, *, error: str, at: datetime) -> None:
    """Try again at ``at`` without counting a failed attempt (a rate limit is not a failure)."""
    await db.execute(
        "UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?",
        (error[:2000], to_iso(at), row_id),
    )


async def set_aside(conn: aiosqlite.Connection, row_id: int, *, error: str) -> None:
    """No more attempts for this row (in the caller's transaction, with what it tells)."""
    await conn.execute(
        "UPDATE outbox SET status = 'set_aside', attempts = attempts + 1, last_error = ?"
        " WHERE id = ?",
        (error[:2000], row_id),
    )


async def requeue(db: Database, row_id: int) -> bool:
    """Give a set-aside row another chance (staff decision)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?"
            " WHERE id = ? AND status = 'set_aside'",
            (to_iso(utc_now()), row_id),
        )
        return cursor.rowcount == 1


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    waiting: int
    set_aside: int
    sent: int


async def counts(db: Database) -> OutboxCounts:
    row = await db.fetchone(
        "SELECT"
        " SUM(status = 'pending') AS pending,"
        " SUM(status = 'pending' AND waiting_reason IS NOT NULL) AS waiting,"
        " SUM(status = 'set_aside') AS set_aside,"
        " SUM(status = 'sent') AS sent FROM outbox"
    )
    assert row is not None
    return OutboxCounts(*(int(row[k] or 0) for k in ("pending", "waiting", "set_aside", "sent")))


async def set_aside_rows(db: Database, limit: int = 10) -> list[sqlite3.Row]:
    return await db.fetchall(
        "SELECT id, kind, channel, last_error, created_at FROM outbox"
        " WHERE status = 'set_aside' ORDER BY id DESC LIMIT ?",
        (limit,),
    )
