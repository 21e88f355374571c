"""The outbox worker's back-off: each failed attempt waits twice as long, up to a ceiling."""

from __future__ import annotations

from pathlib import Path

from bot.models import Post
from bot.relay.outbox_worker import OutboxWorker
from bot.relay.publisher import TransientPublishError
from bot.settings import OutboxSection
from bot.store import outbox
from bot.store.db import Database
from bot.timeutil import from_iso, utc_now
from tests.helpers import RecordingPublisher

CONFIG = OutboxSection(
    max_attempts=7, base_delay_seconds=10, max_delay_seconds=60, poll_seconds=0.01
)


async def test_retries_back_off_exponentially_up_to_the_ceiling(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "o.db")
    async with db.transaction() as conn:
        await outbox.enqueue(conn, Post(channel="a", content="x"), kind="t")
    worker = OutboxWorker(
        db, RecordingPublisher(fail=lambda post, n: TransientPublishError("503")), CONFIG
    )
    delays: list[float] = []
    for _ in range(CONFIG.max_attempts - 1):
        await db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00+00:00'")
        before = utc_now()
        await worker.process_due()
        row = await db.fetchone("SELECT status, next_attempt_at FROM outbox")
        assert row is not None and row["status"] == "pending"
        delays.append((from_iso(row["next_attempt_at"]) - before).total_seconds())
    # 10, 20, 40, then 60 at most; ±20 % of jitter so that channels do not retry in step
    for delay, expected in zip(delays, [10, 20, 40, 60, 60, 60], strict=True):
        assert expected * 0.8 - 1 <= delay <= expected * 1.2 + 1, delays
    await db.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00+00:00'")
    await worker.process_due()
    row = await db.fetchone("SELECT status, attempts FROM outbox WHERE id = 1")
    assert row is not None and (row["status"], row["attempts"]) == ("set_aside", 7)
    await db.close()
