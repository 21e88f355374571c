"""The gateway's reconnect back-off is capped: commands work again soon after an outage."""

from __future__ import annotations

import discord.client

from bot.discord.client import RECONNECT_CAP_SECONDS, CappedBackoff


def test_client_connect_uses_the_capped_backoff() -> None:
    # Client.connect builds ExponentialBackoff() by this name at each call
    assert discord.client.ExponentialBackoff is CappedBackoff  # type: ignore[attr-defined]


def test_delays_grow_then_stay_under_the_cap_with_jitter() -> None:
    backoff = CappedBackoff()
    delays = [backoff.delay() for _ in range(60)]
    assert all(0 < d <= RECONNECT_CAP_SECONDS for d in delays)
    assert delays[0] <= 1.0  # the first retry is quick
    late = delays[10:]
    assert min(late) >= RECONNECT_CAP_SECONDS * 0.6
    assert len({round(d, 3) for d in late}) > 1  # jittered, not in step
