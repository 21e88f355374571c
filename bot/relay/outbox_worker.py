"""Sends outbox rows through a publisher: in order per channel, retried, never silently dropped.

Each channel's head row is sent by a task of its own, so a channel that waits (rate limit,
slow answer) never holds the others back. Three kinds of trouble, three policies:

- a rate limit: discord.py already waits ``retry_after`` inside the request; if Discord still
  says 429, the row goes again once the time Discord asked for has passed, without counting
  a failed attempt (no second back-off on top of Discord's);
- an outage (no answer from Discord): rows wait a few seconds at most between tries, are
  never set aside for it, and go at once when Discord is back; one WARNING when it starts,
  one INFO when it ends;
- a real failure (an error about this post): exponential back-off, set aside after
  ``max_attempts``.

A row whose first attempt may have reached Discord longer ago than Discord keeps nonces is
looked for in the channel's history before it is sent again: found means sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

import aiosqlite

from bot import safe_text
from bot.messages import t
from bot.models import staff_notice
from bot.relay.outage import OutageLog
from bot.relay.publisher import (
    ChannelUnavailable,
    DiscordUnreachable,
    HistoryPublisher,
    PermanentPublishError,
    PublishedRef,
    Publisher,
    RateLimitedError,
    RecipientUnavailable,
    TransientPublishError,
)
from bot.settings import OutboxSection
from bot.store import outbox
from bot.store.db import Database
from bot.timers import Clock, Firing, Timer
from bot.timeutil import utc_now

log = logging.getLogger(__name__)

CHANNEL_WAIT = timedelta(seconds=30)
UNREACHABLE = "Discord injoignable"
# A message cannot be older than the row's first attempt; this covers clock skew.
CLOCK_SLACK = timedelta(seconds=60)


class OutboxWorker:
    """Sends the rows of one sink (``target``, e.g. "discord") through its publisher; rows of
    other sinks are left to their own workers."""

    def __init__(
        self,
        db: Database,
        publisher: Publisher,
        config: OutboxSection,
        target: str = outbox.DISCORD,
    ) -> None:
        self.db = db
        self.publisher = publisher
        self.config = config
        self.target = target
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._warned_channels: set[str] = set()
        # Called (in the transaction setting the row aside) when a direct message is refused.
        self.on_recipient_unavailable: list[
            Callable[[aiosqlite.Connection, outbox.OutboxRow], Awaitable[None]]
        ] = []
        self._inflight: dict[str, asyncio.Task[None]] = {}
        self._outage_streak = 0
        self.outage = OutageLog()  # shared with the gateway (bot.discord.client)
        self.sent = 0
        self.recovered = 0  # rows found already in Discord's history, not sent again

    def wake(self) -> None:
        """Rows were written or moved: look now (called after every commit of the database)."""
        self._wake.set()

    @property
    def timer_kind(self) -> str:
        """The clock kind of this sink's put-off rows (migration 0020 keeps one per row)."""
        return f"outbox.{self.target}"

    def attach(self, clock: Clock) -> None:
        """Be woken by the clock when a put-off row falls due: the worker keeps no timer."""
        clock.register(self.timer_kind, self._due)

    async def _due(self, conn: aiosqlite.Connection, due: Sequence[Timer], firing: Firing) -> None:
        self.wake()

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            # Any commit may have written a row (a feature's notice, a requeue): look then.
            self.db.after_commit.append(self.wake)
            self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self.db.after_commit.remove(self.wake)
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            task, self._task = self._task, None
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:
                task.cancel()
        inflight = list(self._inflight.values())
        if inflight:
            _, pending = await asyncio.wait(inflight, timeout=10)
            for task in pending:
                task.cancel()

    @property
    def in_outage(self) -> bool:
        return "posts" in self.outage.down

    async def discord_back(self) -> None:
        """The gateway is connected again: rows waiting for Discord go now."""
        count = await outbox.due_now(self.db, UNREACHABLE, self.target)
        if count:
            log.debug("%d outbox rows due again: Discord is back", count)
        self.wake()

    # ------------------------------------------------------------------ scheduling
    async def _run(self) -> None:
        """Wait for a wake (a commit, a send that ended, the clock when a put-off row falls
        due) or, at the longest, ``poll_seconds`` (rows another process wrote): no polling."""
        while not self._stopping:
            self._wake.clear()  # before looking: a wake during the pass is kept
            try:
                await self._dispatch()
            except Exception:
                log.exception("outbox pass failed; will try again")
            waiter = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait(
                    {waiter, *self._inflight.values()},
                    timeout=self.config.poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                waiter.cancel()

    async def _dispatch(self) -> int:
        """Start a send for each due channel head, as slots allow; never waits for them."""
        free = self.config.concurrency - len(self._inflight)
        if free <= 0:
            return 0
        rows = await outbox.due_rows(
            self.db, utc_now(), limit=free, exclude=self._inflight.keys(), target=self.target
        )
        for row in rows:
            task = asyncio.create_task(self._send(row), name=f"outbox-{row.id}")
            self._inflight[row.channel] = task
            task.add_done_callback(functools.partial(self._finished, row.channel))
        return len(rows)

    def _finished(self, channel: str, task: asyncio.Task[None]) -> None:
        if self._inflight.get(channel) is task:
            del self._inflight[channel]
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox send task failed", exc_info=task.exception())
        self._wake.set()  # the channel's next row may be due

    async def process_due(self) -> int:
        """Send the head row of every channel that is due; returns how many were handled."""
        rows = await outbox.due_rows(
            self.db,
            utc_now(),
            limit=self.config.concurrency * 4,
            exclude=self._inflight.keys(),
            target=self.target,
        )
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

    # ------------------------------------------------------------------ one row
    async def _find_sent(self, row: outbox.OutboxRow) -> PublishedRef | None:
        """The message of this row, if an earlier attempt reached Discord after all."""
        finder = getattr(self.publisher, "find_sent", None)
        if finder is None or row.attempted_at is None:
            return None
        age = (utc_now() - row.attempted_at).total_seconds()
        if age < self.config.nonce_trust_seconds:
            return None  # Discord still holds the nonce: a resend returns the original
        publisher: HistoryPublisher = self.publisher  # type: ignore[assignment]
        after = await outbox.last_confirmed_message(self.db, row.channel, self.target)
        candidates = await publisher.find_sent(
            row.post, after_message_id=after, not_before=row.attempted_at - CLOCK_SLACK
        )
        known = await outbox.known_message_ids(
            self.db, (c.message_id for c in candidates), self.target
        )
        fresh = [c for c in candidates if c.message_id not in known]
        return fresh[0] if fresh else None

    async def _send(self, row: outbox.OutboxRow) -> None:
        try:
            found = await self._find_sent(row)
            if found is not None:
                log.info(
                    "outbox row %s was already posted (message %s): not sent again",
                    row.id,
                    found.message_id,
                )
                self.recovered += 1
                ref = found
            else:
                if row.attempted_at is None:
                    await outbox.mark_attempted(self.db, row.id, utc_now())
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
        except RateLimitedError as exc:
            # discord.py already slept what Discord asked; wait only what is still asked.
            log.info("outbox row %s still rate limited; again in %.1fs", row.id, exc.retry_after)
            await outbox.postpone(
                self.db,
                row.id,
                error=str(exc),
                at=utc_now() + timedelta(seconds=exc.retry_after),
            )
        except DiscordUnreachable as exc:
            await self._unreachable(row, str(exc))
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
            if self.in_outage:
                await self._outage_over()

    async def _unreachable(self, row: outbox.OutboxRow, error: str) -> None:
        self._outage_streak += 1
        self.outage.lost("posts", error)
        delay = min(2.0 ** min(self._outage_streak - 1, 10), self.config.outage_retry_seconds)
        delay *= random.uniform(0.7, 1.0)
        log.debug("outbox row %s: Discord unreachable; again in %.1fs", row.id, delay)
        await outbox.mark_waiting(
            self.db, row.id, reason=UNREACHABLE, at=utc_now() + timedelta(seconds=delay)
        )

    async def _outage_over(self) -> None:
        self._outage_streak = 0
        self.outage.back("posts")
        await self.discord_back()

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
            await outbox.set_aside(conn, row.id, error=error)
            for listener in self.on_recipient_unavailable:
                await listener(conn, row)

    async def _give_up(self, row: outbox.OutboxRow, error: str) -> None:
        log.error("outbox row %s set aside: %s", row.id, error)
        async with self.db.transaction() as conn:
            await outbox.set_aside(conn, row.id, error=error)
            if row.kind != "notice":
                # The error is Discord's or the network's words: shown as text, never markup.
                notice = staff_notice(
                    t("outbox.set_aside.title"),
                    t(
                        "outbox.set_aside.body",
                        id=row.id,
                        kind=row.kind,
                        channel=safe_text.inline(row.channel, 100),
                        error=safe_text.inline(error, 500),
                    ),
                    color=0xE67E22,
                )
                await outbox.enqueue(conn, notice, kind="notice", dedupe_key=f"set-aside:{row.id}")
