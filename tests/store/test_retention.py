"""Retention forgets sent payloads and feed identities that cannot come back, nothing else."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from bot import timers
from bot.app import RETENTION_KIND, App
from bot.models import Post
from bot.relay.publisher import ConsolePublisher
from bot.settings import WebSection
from bot.store import outbox
from bot.store.db import Database
from bot.store.retention import prune
from bot.timeutil import to_iso, utc_now
from tests.helpers import make_settings


async def test_sent_payloads_are_emptied_after_the_retention_and_rows_stay(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "r.db")
    now = utc_now()
    async with db.transaction() as conn:
        old = await outbox.enqueue(
            conn, Post(channel="general", content="x" * 5000), kind="reminder", dedupe_key="r:1"
        )
        recent = await outbox.enqueue(conn, Post(channel="general", content="récent"), kind="t")
        pending = await outbox.enqueue(conn, Post(channel="msss", content="en attente"), kind="t")
    for row_id, days in ((old, 200), (recent, 10)):
        await db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ? WHERE id = ?",
            (to_iso(now - timedelta(days=days)), f"m{row_id}", row_id),
        )
    await db.execute(
        "UPDATE outbox SET created_at = ? WHERE id = ?",
        (to_iso(now - timedelta(days=400)), pending),
    )
    result = await prune(db, sent_posts_days=90, feed_items_days=90, now=now)
    assert result.payloads == 1
    rows = {r["id"]: r for r in await db.fetchall("SELECT * FROM outbox")}
    assert len(rows[old]["payload"]) < 100 and rows[old]["pruned_at"] is not None
    assert rows[old]["message_id"] == f"m{old}"  # still anchors the history check
    assert "récent" in rows[recent]["payload"]
    assert "en attente" in rows[pending]["payload"]  # never sent: never touched
    async with db.transaction() as conn:  # the dedupe key still refuses a second reminder
        again = await outbox.enqueue(
            conn, Post(channel="general", content="x"), kind="reminder", dedupe_key="r:1"
        )
    assert again is None
    assert (await prune(db, sent_posts_days=90, feed_items_days=90, now=now)).payloads == 0
    await db.close()


async def test_feed_identities_are_forgotten_only_once_out_of_their_feed(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "f.db")
    now = utc_now()

    def ago(days: float) -> str:
        return to_iso(now - timedelta(days=days))

    async with db.transaction() as conn:
        for feed_id in (1, 2):
            await conn.execute(
                "INSERT INTO feeds(id, name, name_key, url, origin, created_at)"
                " VALUES (?, ?, ?, 'https://example.org/rss', 'config', ?)",
                (feed_id, f"flux {feed_id}", f"flux {feed_id}", ago(500)),
            )
        items = [
            # feed 1 was last parsed 1 hour ago
            (1, "still-in-feed-since-a-year", ago(365), ago(1 / 24)),
            (1, "left-100-days-ago", ago(300), ago(100)),
            (1, "left-10-days-ago", ago(300), ago(10)),
            (1, "from-before-dating-left", ago(300), None),
            # feed 2 was never parsed since identities are dated: nothing can be told
            (2, "old-undated", ago(300), None),
        ]
        await conn.executemany(
            "INSERT INTO feed_items(feed_id, external_id, first_seen, relayed, last_seen)"
            " VALUES (?, ?, ?, 1, ?)",
            items,
        )
    result = await prune(db, sent_posts_days=90, feed_items_days=90, now=now)
    left = {r[0] for r in await db.fetchall("SELECT external_id FROM feed_items")}
    assert left == {"still-in-feed-since-a-year", "left-10-days-ago", "old-undated"}
    assert result.feed_items == 2
    # 0 days: keep for ever
    await db.execute(
        "UPDATE feed_items SET last_seen = ? WHERE external_id = 'left-10-days-ago'", (ago(5000),)
    )
    assert (await prune(db, sent_posts_days=0, feed_items_days=0, now=now)).feed_items == 0
    await db.close()


async def test_each_parse_dates_the_items_present_so_retention_keeps_them(
    tmp_path: Path,
) -> None:
    from bot.sources.feeds import store as feed_store

    db = await Database.open(tmp_path / "p.db")
    now = utc_now()
    long_ago = now - timedelta(days=400)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO feeds(id, name, name_key, url, origin, created_at)"
            " VALUES (1, 'f', 'f', 'https://example.org/rss', 'config', ?)",
            (to_iso(long_ago),),
        )
        await feed_store.record_items(conn, 1, ["a", "b"], relayed=False, now=long_ago)
        # today's parse still has "a"; "b" left the feed 400 days ago
        await feed_store.touch_items(conn, 1, ["a"], now=now)
    await prune(db, sent_posts_days=90, feed_items_days=90, now=now)
    left = {r[0] for r in await db.fetchall("SELECT external_id FROM feed_items")}
    assert left == {"a"}
    await db.close()


async def test_done_timers_are_deleted_after_the_retention_pending_ones_never(db: Database) -> None:
    now = utc_now()
    async with db.transaction() as conn:
        for key in ("old", "recent", "waiting"):
            await timers.schedule(conn, "test", key, now - timedelta(days=400))
        for key, days in (("old", 31), ("recent", 5)):
            await conn.execute(
                "UPDATE timers SET status = 'done', done_at = ? WHERE key = ?",
                (to_iso(now - timedelta(days=days)), key),
            )
    result = await prune(db, sent_posts_days=90, feed_items_days=90, done_timers_days=30, now=now)
    assert result.timers == 1
    rows = await db.fetchall("SELECT key, status FROM timers ORDER BY key")
    assert [(r["key"], r["status"]) for r in rows] == [("recent", "done"), ("waiting", "pending")]
    kept = await prune(db, sent_posts_days=90, feed_items_days=90, done_timers_days=0,
                       now=now + timedelta(days=400))
    assert kept.timers == 0


async def test_the_daily_retention_is_a_clock_row_kept_across_restarts(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, web=WebSection(listen="off"))

    async def started() -> App:
        publisher = ConsolePublisher(settings.config.channels, stream=io.StringIO())
        app = await App.create(settings, publisher)
        await app.start()
        return app

    app = await started()
    try:
        (first,) = await timers.pending(app.db, RETENTION_KIND)
        assert timedelta(0) < first.due - utc_now() <= timedelta(minutes=1)
    finally:
        await app.close()
    app = await started()  # a restart keeps the time the row had
    try:
        assert [t.due for t in await timers.pending(app.db, RETENTION_KIND)] == [first.due]
        await app.clock.run_due(first.due + timedelta(seconds=1))
        (after,) = await timers.pending(app.db, RETENTION_KIND)
        assert after.due >= first.due + timedelta(hours=23)
    finally:
        await app.close()
