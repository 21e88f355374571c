"""Sends outbox rows through a publisher: in order per channel, retried, never silently dropped."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import timedelta

import aiosqlite

from bot.messages import t
from bot.models import Embed, Post
from bot.relay.publisher import (
    ChannelUnavailable,
    PermanentPublishError,
    Publisher,
    RecipientUnavailable,
    TransientPublishError,
)
from bot.settings import OutboxSection
from bot.store import outbox
from bot.store.db import Database
from bot.timeutil import utc_now

log = logging.getLogger(__name__)

CHANNEL_WAIT = timedelta(seconds=30)


class OutboxWorker:
    def __init__(self, db: Database, publisher: Publisher, config: OutboxSection) -> None:
        self.db = db
        self.publisher = publisher
        self.config = config
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._warned_channels: set[str] = set()
        # Called (in the transaction setting the row aside) when a direct message is refused.
        self.on_recipient_unavailable: list[
            Callable[[aiosqlite.Connection, outbox.OutboxRow], Awaitable[None]]
        ] = []
        self.sent = 0

    def wake(self) -> None:
        """New rows were written: look now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            task, self._task = self._task, None
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:
                task.cancel()

    async def _run(self) -> None:
        while not self._stopping:
            try:
                sent = await self.process_due()
            except Exception:
                log.exception("outbox pass failed; will try again")
                sent = 0
            if sent:
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.config.poll_seconds)
            except TimeoutError:
                pass

    async def process_due(self) -> int:
        """Send the head row of every channel that is due; returns how many were handled."""
        rows = await outbox.due_rows(self.db, utc_now(), limit=self.config.concurrency * 4)
        if not rows:
            return 0
        semaphore = asyncio.Semaphore(self.config.concurrency)

        async def one(row: outbox.OutboxRow) -> None:
            async with semaphore:
                await self._send(row)

        await asyncio.gather(*(one(r) for r in rows))
        return len(rows)

    async def run_until_idle(self, timeout: float = 30.0) -> None:
        """Send everything that is due now (used by `relais demo` and tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if not await self.process_due():
                return

    async def _send(self, row: outbox.OutboxRow) -> None:
        try:
            ref = await self.publisher.publish(row.post, row.nonce)
        except ChannelUnavailable as exc:
            if row.channel not in self._warned_channels:
                self._warned_channels.add(row.channel)
                log.warning("channel %r unavailable; row %s waits: %s", row.channel, row.id, exc)
            await outbox.mark_waiting(
                self.db,
                row.id,
                reason=str(exc) or "channel unavailable",
                at=utc_now() + CHANNEL_WAIT,
            )
        except RecipientUnavailable as exc:
            await self._recipient_unavailable(row, str(exc))
        except PermanentPublishError as exc:
            await self._give_up(row, str(exc))
        except (TransientPublishError, OSError, TimeoutError) as exc:
            await self._retry(row, f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # an unexpected bug must not lose the row either
            log.exception("unexpected error sending outbox row %s", row.id)
            await self._retry(row, f"{type(exc).__name__}: {exc}")
        else:
            self._warned_channels.discard(row.channel)
            await outbox.mark_sent(
                self.db, row.id, channel_id=ref.channel_id, message_id=ref.message_id, url=ref.url
            )
            self.sent += 1

    async def _retry(self, row: outbox.OutboxRow, error: str) -> None:
        attempts = row.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._give_up(row, error)
            return
        delay = min(
            self.config.base_delay_seconds * 2 ** (attempts - 1), self.config.max_delay_seconds
        )
        delay *= random.uniform(0.8, 1.2)
        log.warning("outbox row %s failed (%s); retry %s in %.1fs", row.id, error, attempts, delay)
        await outbox.mark_retry(
            self.db, row.id, error=error, at=utc_now() + timedelta(seconds=delay)
        )

    async def _recipient_unavailable(self, row: outbox.OutboxRow, error: str) -> None:
        """A direct message refused: set aside without a staff notice; the listeners (the
        calendar) react in the same transaction, e.g. by one notice to the member."""
        log.warning("outbox row %s: recipient unavailable (%s)", row.id, error)
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'set_aside', attempts = attempts + 1, last_error = ?"
                " WHERE id = ?",
                (error[:2000], row.id),
            )
            for listener in self.on_recipient_unavailable:
                await listener(conn, row)
        self.wake()

    async def _give_up(self, row: outbox.OutboxRow, error: str) -> None:
        log.error("outbox row %s set aside: %s", row.id, error)
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'set_aside', attempts = attempts + 1, last_error = ?"
                " WHERE id = ?",
                (error[:2000], row.id),
            )
            if row.kind != "notice":
                notice = Post(
                    channel="staff",
                    embeds=[
                        Embed(
                            title=t("outbox.set_aside.title"),
                            description=t(
                                "outbox.set_aside.body",
                                id=row.id,
                                kind=row.kind,
                                channel=row.channel,
                                error=error[:500],
                            ),
                            color=0xE67E22,
                        )
                    ],
                )
                await outbox.enqueue(conn, notice, kind="notice", dedupe_key=f"set-aside:{row.id}")
        self.wake()
