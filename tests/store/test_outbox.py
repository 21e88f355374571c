from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import aiosqlite

from bot import timers
from bot.models import Embed, Post
from bot.relay.outbox_worker import UNREACHABLE, OutboxWorker
from bot.relay.publisher import ChannelUnavailable, PermanentPublishError, TransientPublishError
from bot.settings import OutboxSection
from bot.store import outbox
from bot.store.db import Database
from bot.timers import Clock
from bot.timeutil import to_iso, utc_now
from tests.helpers import RecordingPublisher, wait_until

FAST = OutboxSection(
    max_attempts=3, base_delay_seconds=0.01, max_delay_seconds=0.05, poll_seconds=0.01
)


async def _db(tmp_path: Path) -> Database:
    return await Database.open(tmp_path / "o.db")


async def test_enqueue_is_idempotent_by_dedupe_key(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    async with db.transaction() as conn:
        first = await outbox.enqueue(
            conn, Post(channel="general", content="a"), kind="t", dedupe_key="k"
        )
        second = await outbox.enqueue(
            conn, Post(channel="general", content="b"), kind="t", dedupe_key="k"
        )
    assert first is not None and second is None
    rows = await db.fetchall("SELECT payload, nonce FROM outbox")
    assert len(rows) == 1 and Post.from_json(rows[0]["payload"]).content == "a"
    assert 1 <= len(rows[0]["nonce"]) <= 25
    await db.close()


async def test_rollback_of_cause_drops_its_row(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    try:
        async with db.transaction() as conn:
            await outbox.enqueue(conn, Post(channel="general"), kind="t")
            raise ValueError
    except ValueError:
        pass
    assert await db.fetchall("SELECT id FROM outbox") == []
    await db.close()


async def test_worker_sends_in_order_per_channel_and_marks_sent(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    async with db.transaction() as conn:
        for i in range(5):
            await outbox.enqueue(conn, Post(channel="a", content=f"a{i}"), kind="t")
            await outbox.enqueue(conn, Post(channel="b", content=f"b{i}"), kind="t")
    publisher = RecordingPublisher()
    worker = OutboxWorker(db, publisher, FAST)
    await worker.run_until_idle()
    contents = [p.content for p, _ in publisher.sent]
    assert [c for c in contents if c.startswith("a")] == [f"a{i}" for i in range(5)]
    assert [c for c in contents if c.startswith("b")] == [f"b{i}" for i in range(5)]
    counts = await outbox.counts(db)
    assert (counts.pending, counts.sent) == (0, 10)
    row = await db.fetchone("SELECT message_url FROM outbox WHERE id = 1")
    assert row is not None and row["message_url"].startswith("https://discord.test/")
    await worker.run_until_idle()
    assert len(publisher.sent) == 10  # a sent row is never sent again
    await db.close()


async def test_transient_failure_retries_with_same_nonce(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    async with db.transaction() as conn:
        await outbox.enqueue(conn, Post(channel="a", content="x"), kind="t")
    publisher = RecordingPublisher(
        fail=lambda post, n: TransientPublishError("503") if n == 1 else None
    )
    worker = OutboxWorker(db, publisher, FAST)
    await worker.process_due()
    assert publisher.sent == []
    row = await db.fetchone("SELECT attempts, status, last_error, nonce FROM outbox")
    assert row is not None and row["attempts"] == 1 and row["status"] == "pending"
    assert "503" in row["last_error"]
    worker_nonce = row["nonce"]
    await _wait_due(db)
    await worker.run_until_idle()
    assert [n for _, n in publisher.sent] == [worker_nonce]
    await db.close()


async def test_row_failing_repeatedly_is_set_aside_and_staff_told(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    async with db.transaction() as conn:
        await outbox.enqueue(
            conn, Post(channel="a", content="x", embeds=[Embed(title="t")]), kind="t"
        )
        await outbox.enqueue(conn, Post(channel="a", content="after"), kind="t")
    publisher = RecordingPublisher(
        fail=lambda post, n: (
            PermanentPublishError("400 invalid embed") if post.content == "x" else None
        )
    )
    worker = OutboxWorker(db, publisher, FAST)
    await worker.run_until_idle()
    counts = await outbox.counts(db)
    assert counts.set_aside == 1
    sent = [p for p, _ in publisher.sent]
    assert [p.content for p in sent if p.channel == "a"] == ["after"]  # the channel is not blocked
    notices = [p for p in sent if p.channel == "staff"]
    assert len(notices) == 1 and "400 invalid embed" in (notices[0].embeds[0].description or "")
    assert await outbox.requeue(db, 1)
    assert (await outbox.counts(db)).set_aside == 0
    await db.close()


async def test_transient_errors_exhaust_attempts(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    async with db.transaction() as conn:
        await outbox.enqueue(conn, Post(channel="a"), kind="t")
    publisher = RecordingPublisher(
        fail=lambda post, n: TransientPublishError("down") if post.channel == "a" else None
    )
    worker = OutboxWorker(db, publisher, FAST)
    for _ in range(FAST.max_attempts):
        await _wait_due(db)
        await worker.process_due()
    row = await db.fetchone("SELECT status, attempts FROM outbox WHERE id = 1")
    assert row is not None and row["status"] == "set_aside" and row["attempts"] == FAST.max_attempts
    await db.close()


async def test_missing_channel_waits_without_spending_attempts(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    async with db.transaction() as conn:
        await outbox.enqueue(conn, Post(channel="nowhere"), kind="t")
    publisher = RecordingPublisher(fail=lambda post, n: ChannelUnavailable("salon inconnu"))
    worker = OutboxWorker(db, publisher, FAST)
    await worker.process_due()
    row = await db.fetchone("SELECT status, attempts, waiting_reason, next_attempt_at FROM outbox")
    assert row is not None
    assert (row["status"], row["attempts"], row["waiting_reason"]) == (
        "pending",
        0,
        "salon inconnu",
    )
    assert row["next_attempt_at"] > (utc_now() + timedelta(seconds=10)).isoformat()
    assert (await outbox.counts(db)).waiting == 1
    await db.close()


async def _one_row_per_sink(conn: aiosqlite.Connection) -> None:
    """Row 1 for Discord, row 2 for a second sink ("mail"), both in #general."""
    for target in ("discord", "mail"):
        await outbox.enqueue(
            conn, Post(channel="general"), kind="t", dedupe_key=target, target=target
        )


async def _wait_due(db: Database) -> None:
    await db.execute(
        "UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00+00:00' WHERE status = 'pending'"
    )


async def test_each_worker_takes_only_the_rows_of_its_own_sink(tmp_path: Path) -> None:
    """One post for two sinks is two rows; a retry for one sink never resends to the other."""
    db = await _db(tmp_path)
    async with db.transaction() as conn:
        for target in ("discord", "mail"):
            await outbox.enqueue(
                conn,
                Post(channel="general", content=f"avis {target}"),
                kind="t",
                dedupe_key=f"avis:{target}",
                target=target,
            )
    discord = RecordingPublisher()
    mail = RecordingPublisher(
        fail=lambda post, n: TransientPublishError("421 busy") if n == 1 else None
    )
    discord_worker = OutboxWorker(db, discord, FAST)
    mail_worker = OutboxWorker(db, mail, FAST, target="mail")
    assert [r.target for r in await outbox.due_rows(db, utc_now(), target="mail")] == ["mail"]

    await mail_worker.process_due()  # fails once: its row waits for a retry
    await discord_worker.run_until_idle()
    assert [p.content for p, _ in discord.sent] == ["avis discord"]
    assert mail.sent == []
    mail_row = await db.fetchone("SELECT id, status, attempts FROM outbox WHERE target = 'mail'")
    assert mail_row is not None and (mail_row["status"], mail_row["attempts"]) == ("pending", 1)

    await _wait_due(db)
    await discord_worker.run_until_idle()  # the mail row due again is not Discord's
    await mail_worker.run_until_idle()
    assert [p.content for p, _ in discord.sent] == ["avis discord"]
    assert [p.content for p, _ in mail.sent] == ["avis mail"]
    assert (await outbox.counts(db)).sent == 2
    await db.close()


async def test_history_of_one_sink_is_not_read_as_another_s(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    async with db.transaction() as conn:
        await _one_row_per_sink(conn)
    await outbox.mark_sent(db, 2, channel_id="general", message_id="m-1", url=None)
    assert await outbox.last_confirmed_message(db, "general") is None
    assert await outbox.last_confirmed_message(db, "general", "mail") == "m-1"
    assert await outbox.known_message_ids(db, ["m-1"]) == set()
    assert await outbox.known_message_ids(db, ["m-1"], "mail") == {"m-1"}
    await db.close()


async def test_the_worker_waits_for_a_commit_or_the_clock_never_polls(tmp_path: Path) -> None:
    """No polling: with an hour as its longest sleep, the worker still sends a row written
    by any commit at once, and a postponed row when the clock says it is due."""
    db = await _db(tmp_path)
    publisher = RecordingPublisher()
    worker = OutboxWorker(db, publisher, OutboxSection(poll_seconds=3600))
    clock = Clock(db)
    worker.attach(clock)
    clock.start()
    worker.start()
    try:
        async with db.transaction() as conn:  # nobody calls worker.wake(): the commit does
            await outbox.enqueue(conn, Post(channel="general", content="tout de suite"), kind="t")
            await outbox.enqueue(
                conn,
                Post(channel="msss", content="dans deux secondes"),
                kind="t",
                not_before=utc_now() + timedelta(seconds=2),
            )
        await wait_until(lambda: len(publisher.sent) == 1)
        assert publisher.sent[0][0].content == "tout de suite"
        await wait_until(lambda: len(publisher.sent) == 2)
        assert publisher.sent[1][0].content == "dans deux secondes"
    finally:
        await worker.stop()
        await clock.stop()
        await db.close()


async def test_discord_back_makes_due_only_its_own_sink_s_waiting_rows(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    later = utc_now() + timedelta(hours=1)
    async with db.transaction() as conn:
        await _one_row_per_sink(conn)
    for row_id in (1, 2):
        await outbox.mark_waiting(db, row_id, reason=UNREACHABLE, at=later)
    await OutboxWorker(db, RecordingPublisher(), FAST).discord_back()
    rows = await db.fetchall("SELECT target, next_attempt_at FROM outbox ORDER BY id")
    assert rows[0]["next_attempt_at"] < later.isoformat()  # Discord's row goes now
    assert rows[1]["next_attempt_at"] == to_iso(later)  # the mail row keeps waiting
    await db.close()


async def test_a_put_off_row_holds_one_clock_row_of_its_sink_until_it_is_settled(
    tmp_path: Path,
) -> None:
    """Migration 0020: the worker keeps no timer; the clock wakes it when a row falls due."""
    db = await _db(tmp_path)
    later = utc_now() + timedelta(hours=1)
    async with db.transaction() as conn:
        await _one_row_per_sink(conn)
        await outbox.enqueue(conn, Post(channel="msss"), kind="t", not_before=later)
    assert [(t.kind, t.key) for t in await timers.pending(db)] == [("outbox.discord", "3")]

    await outbox.mark_retry(db, 2, error="421", at=later + timedelta(minutes=1))
    await outbox.postpone(db, 1, error="429", at=later)
    pending = {(t.kind, t.key): t.due for t in await timers.pending(db)}
    assert pending == {
        ("outbox.discord", "1"): later.replace(microsecond=0),
        ("outbox.discord", "3"): later.replace(microsecond=0),
        ("outbox.mail", "2"): (later + timedelta(minutes=1)).replace(microsecond=0),
    }

    await outbox.mark_sent(db, 2, channel_id="general", message_id="m-1", url=None)
    async with db.transaction() as conn:
        await outbox.set_aside(conn, 1, error="refusé")
    assert [(t.kind, t.key) for t in await timers.pending(db)] == [("outbox.discord", "3")]
    # Made due now (Discord is back): the worker is woken by the commit, the timer goes.
    await outbox.mark_waiting(db, 3, reason=UNREACHABLE, at=later)
    await outbox.due_now(db, UNREACHABLE)
    assert await timers.pending(db) == []
    await db.close()
