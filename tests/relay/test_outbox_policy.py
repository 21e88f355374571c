"""The outbox worker's three policies: rate limits as Discord asks, outages never set
aside, real failures backed off; and channels that do not wait for one another."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.models import Post
from bot.relay.outbox_worker import UNREACHABLE, OutboxWorker
from bot.relay.publisher import (
    DiscordUnreachable,
    PermanentPublishError,
    PublishedRef,
    RateLimitedError,
)
from bot.settings import OutboxSection
from bot.store import outbox
from bot.store.db import Database
from bot.timeutil import from_iso, utc_now
from tests.helpers import RecordingPublisher, wait_until

CONFIG = OutboxSection(
    max_attempts=3,
    base_delay_seconds=10,
    max_delay_seconds=60,
    poll_seconds=0.05,
    outage_retry_seconds=5,
)


async def _db_with(tmp_path: Path, *posts: Post) -> Database:
    db = await Database.open(tmp_path / "o.db")
    async with db.transaction() as conn:
        for post in posts:
            await outbox.enqueue(conn, post, kind="t")
    return db


async def _make_due(db: Database) -> None:
    await db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00+00:00'")


async def test_a_rate_limit_waits_what_discord_asked_and_counts_no_failure(
    tmp_path: Path,
) -> None:
    db = await _db_with(tmp_path, Post(channel="a", content="x"))
    publisher = RecordingPublisher(fail=lambda post, n: RateLimitedError("429", retry_after=7))
    worker = OutboxWorker(db, publisher, CONFIG)
    for _ in range(CONFIG.max_attempts + 2):
        await _make_due(db)
        before = utc_now()
        await worker.process_due()
        row = await db.fetchone("SELECT * FROM outbox")
        assert row is not None
        wait = (from_iso(row["next_attempt_at"]) - before).total_seconds()
        assert 6 <= wait <= 8, wait  # retry_after (stored to the second), no back-off on top
    assert (row["status"], row["attempts"]) == ("pending", 0)
    await db.close()


async def test_an_outage_is_retried_every_few_seconds_and_never_set_aside(
    tmp_path: Path,
) -> None:
    db = await _db_with(tmp_path, Post(channel="a", content="x"))
    publisher = RecordingPublisher(fail=lambda post, n: DiscordUnreachable("connexion refusée"))
    worker = OutboxWorker(db, publisher, CONFIG)
    waits = []
    for _ in range(CONFIG.max_attempts * 4):
        await _make_due(db)
        before = utc_now()
        await worker.process_due()
        row = await db.fetchone("SELECT * FROM outbox")
        assert row is not None
        waits.append((from_iso(row["next_attempt_at"]) - before).total_seconds())
    assert (row["status"], row["attempts"], row["waiting_reason"]) == ("pending", 0, UNREACHABLE)
    assert max(waits) <= CONFIG.outage_retry_seconds + 1, waits
    assert worker.in_outage

    # Discord is back: the rows waiting for it are due at once, the outage is over.
    publisher.fail = None
    await db.execute("UPDATE outbox SET next_attempt_at = '2999-01-01T00:00:00+00:00'")
    await worker.discord_back()
    await worker.process_due()
    row = await db.fetchone("SELECT * FROM outbox")
    assert row is not None and row["status"] == "sent"
    assert not worker.in_outage
    await db.close()


class GatedPublisher(RecordingPublisher):
    """Posts to "lent" hang until ``gate`` opens (a channel stuck in a long 429 wait)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def publish(self, post: Post, nonce: str) -> PublishedRef:
        if post.channel == "lent":
            await self.gate.wait()
        return await super().publish(post, nonce)


async def test_a_stuck_channel_does_not_hold_the_other_channels(tmp_path: Path) -> None:
    posts = [Post(channel="lent", content="bloqué"), Post(channel="lent", content="derrière")]
    posts += [Post(channel=f"vite-{i % 3}", content=f"n° {i}") for i in range(9)]
    db = await _db_with(tmp_path, *posts)
    publisher = GatedPublisher()
    worker = OutboxWorker(db, publisher, CONFIG)
    worker.start()
    try:
        await wait_until(lambda: len(publisher.sent) == 9, within=20)
        assert all(post.channel.startswith("vite") for post, _ in publisher.sent)
        publisher.gate.set()
        await wait_until(lambda: len(publisher.sent) == 11, within=20)
    finally:
        await worker.stop()
    lent = [post.content for post, _ in publisher.sent if post.channel == "lent"]
    assert lent == ["bloqué", "derrière"]  # order within the channel kept
    await db.close()


async def test_a_post_set_aside_tells_staff_once_with_the_error_as_plain_text(
    tmp_path: Path,
) -> None:
    db = await _db_with(tmp_path, Post(channel="a", content="x"))
    hostile = "refusé par @everyone <@&42> **gras** _x_"
    publisher = RecordingPublisher(
        fail=lambda post, n: PermanentPublishError(hostile) if post.channel == "a" else None
    )
    worker = OutboxWorker(db, publisher, CONFIG)
    await worker.process_due()
    row = await db.fetchone("SELECT status FROM outbox WHERE channel = 'a'")
    assert row is not None and row["status"] == "set_aside"
    notices = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'notice'")
    assert len(notices) == 1
    notice = Post.from_json(notices[0]["payload"])
    assert notice.channel == "staff"
    body = notice.embeds[0].description
    assert "@everyone" not in body and "<@&42>" not in body
    assert "**gras**" not in body and "\\*\\*gras\\*\\*" in body
    await db.close()
