"""Retention: what Relais may forget after a while, and what it never forgets.

- Sent outbox rows keep their skeleton (id, kind, channel, nonce, dedupe_key, message id,
  dates) for ever: the dedupe_key keeps a reminder or a digest from being posted twice, the
  message id anchors the history check of the next post. Their payload (the post's JSON,
  most of their size) is emptied ``sent_posts_days`` after sending.
- A feed item's identity is forgotten only once the item has left its feed's body for
  longer than ``feed_items_days``: an item still in the feed is never forgotten (it would
  be posted again), whatever its age. Items of a feed not parsed since the identities began
  to be dated are all kept.
- A clock row that ran (``timers``, status ``done``) is deleted ``done_timers_days`` after it
  ran: nothing reads it again (a feature that schedules the same key inserts it anew).
- Communications and the search index are kept: they are the coalition's archive.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.db import Database
from bot.timeutil import to_iso

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pruned:
    payloads: int
    feed_items: int
    timers: int = 0


async def prune(
    db: Database,
    *,
    sent_posts_days: float,
    feed_items_days: float,
    now: datetime,
    done_timers_days: float = 30,
) -> Pruned:
    """Apply the retention (0 days: keep for ever). Batched, so writers never wait long."""
    payloads = 0
    if sent_posts_days > 0:
        cutoff = to_iso(now - timedelta(days=sent_posts_days))
        while True:
            async with db.transaction() as conn:
                rows = list(
                    await conn.execute_fetchall(
                        "SELECT id, channel FROM outbox WHERE status = 'sent' AND sent_at < ?"
                        " AND pruned_at IS NULL LIMIT 1000",
                        (cutoff,),
                    )
                )
                await conn.executemany(
                    "UPDATE outbox SET payload = ?, pruned_at = ? WHERE id = ?",
                    [(json.dumps({"channel": r[1]}), to_iso(now), r[0]) for r in rows],
                )
            payloads += len(rows)
            if len(rows) < 1000:
                break
    items = 0
    if feed_items_days > 0:
        cutoff = to_iso(now - timedelta(days=feed_items_days))
        latest = await db.fetchall(
            "SELECT feed_id, MAX(last_seen) AS seen FROM feed_items GROUP BY feed_id"
        )
        for row in latest:
            if row["seen"] is None:
                continue  # not parsed since identities are dated: cannot tell; keep all
            # Rows touched by the latest parse carry its time: they are in the feed now.
            bound = min(cutoff, row["seen"])
            async with db.transaction() as conn:
                cursor = await conn.execute(
                    "DELETE FROM feed_items WHERE feed_id = ?"
                    " AND coalesce(last_seen, first_seen) < ?"
                    " AND (last_seen IS NULL OR last_seen < ?)",
                    (row["feed_id"], bound, row["seen"]),
                )
                items += max(cursor.rowcount, 0)
    done_timers = 0
    if done_timers_days > 0:
        cutoff = to_iso(now - timedelta(days=done_timers_days))
        while True:
            async with db.transaction() as conn:
                cursor = await conn.execute(
                    "DELETE FROM timers WHERE id IN (SELECT id FROM timers"
                    " WHERE status = 'done' AND done_at < ? LIMIT 1000)",
                    (cutoff,),
                )
            done_timers += max(cursor.rowcount, 0)
            if cursor.rowcount < 1000:
                break
    if payloads or items or done_timers:
        log.info(
            "retention: %d sent payloads emptied, %d feed identities forgotten,"
            " %d done timers deleted", payloads, items, done_timers
        )
    return Pruned(payloads, items, done_timers)
