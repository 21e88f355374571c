"""Delivery past Discord's nonce window, rate-limit storms and outages, through the real
discord.py client against the fake Discord (whose nonces expire after a fraction of a second
here, where Discord keeps them a few minutes)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.models import Embed, Post
from tests.e2e.fake_discord import READ_MESSAGE_HISTORY, FakeDiscord
from tests.e2e.harness import TEST_CONFIG, RelaisHarness
from tests.helpers import wait_until

MESSAGES = "POST /channels/{channel_id}/messages"
HISTORY = "GET /channels/{channel_id}/messages"
# The fake forgets nonces after 0.3 s. Relais trusts no nonce here (0 s): every resend is
# preceded by a history check, so a loaded machine cannot land a resend between Relais's
# decision and the fake's expiry (in production: 60 s of trust against Discord's minutes).
SHORT_NONCE_CONFIG = TEST_CONFIG + "nonce_trust_seconds = 0\noutage_retry_seconds = 1\n"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(nonce_window=0.3) as fake:
        yield fake


@pytest.fixture
async def relais_short(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[RelaisHarness]:
    harness = RelaisHarness.create(fake, tmp_path, config_toml=SHORT_NONCE_CONFIG)
    try:
        yield harness
    finally:
        await harness.__aexit__(None, None, None)


def _cid(fake: FakeDiscord, name: str) -> str:
    return fake.channel_named(name).id


async def test_a_lost_answer_resent_after_the_nonce_expired_is_found_in_history(
    relais_short: RelaisHarness, fake: FakeDiscord
) -> None:
    await relais_short.start()
    fake.lose_next(MESSAGES)  # Discord creates the message; Relais never hears of it
    post = Post(channel="msss", embeds=[Embed(title="Avis du MSSS", description="Texte.")])
    [row_id] = await relais_short.enqueue(post)
    await fake.wait_until(lambda: fake.responses_lost == 1, within=30)
    fake.post_as_user("msss", "Un membre écrit entre-temps")
    [row] = await relais_short.wait_sent([row_id], within=30)

    assert len(fake.messages_in("msss")) == 1, "shown twice"
    assert row["message_id"] == fake.messages_in("msss")[0].id
    assert fake.nonce_hits == 0  # the nonce had expired: the history check did it
    assert fake.requests_to(HISTORY), "history was not read"
    assert relais_short.app is not None and relais_short.app.outbox_worker.recovered == 1


async def test_an_identical_post_after_a_confirmed_one_is_not_mistaken_for_it(
    relais_short: RelaisHarness, fake: FakeDiscord
) -> None:
    await relais_short.start()
    same = Post(channel="psoc", content="Rappel : dépôt des avis vendredi")
    [first] = await relais_short.enqueue(same)
    await relais_short.wait_sent([first])
    fake.lose_next(MESSAGES)
    [second] = await relais_short.enqueue(same)
    rows = await relais_short.wait_sent([first, second], within=30)

    messages = fake.messages_in("psoc")
    assert [m.content for m in messages] == [same.content, same.content]
    assert [r["message_id"] for r in rows] == [m.id for m in messages]


async def test_a_post_that_never_arrived_is_sent_after_the_history_check(
    relais_short: RelaisHarness, fake: FakeDiscord
) -> None:
    await relais_short.start()
    # Three 503s beyond discord.py's retries: no message exists, the outbox retries later.
    fake.fail_next(MESSAGES, 503, count=1)
    [row_id] = await relais_short.enqueue(Post(channel="general", content="Bonjour"))
    [row] = await relais_short.wait_sent([row_id], within=30)
    assert [m.content for m in fake.messages_in("general")] == ["Bonjour"]
    assert row["message_id"] == fake.messages_in("general")[0].id


async def test_without_read_history_permission_the_post_is_still_sent(
    relais_short: RelaisHarness, fake: FakeDiscord
) -> None:
    await relais_short.start()
    await fake.revoke_bot_permissions(READ_MESSAGE_HISTORY)
    fake.fail_next(MESSAGES, 503, count=1)
    [row_id] = await relais_short.enqueue(Post(channel="general", content="Sans historique"))
    await relais_short.wait_sent([row_id], within=30)
    assert [m.content for m in fake.messages_in("general")] == ["Sans historique"]


async def test_a_429_storm_is_waited_out_as_discord_asks_without_failed_attempts(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    # 12 answers 429 in a row: more than discord.py's 5 tries of one request. TEST_CONFIG
    # allows 4 attempts: a row that counted each exhausted request as a failure is set aside.
    fake_discord.fail_next(MESSAGES, 429, count=12, retry_after=0.05)
    ids = await relais.enqueue(Post(channel="msss", content="pendant la tempête"))
    [row] = await relais.wait_sent(ids, within=30)
    assert row["attempts"] == 1
    assert [m.content for m in fake_discord.messages_in("msss")] == ["pendant la tempête"]


async def test_one_rate_limited_channel_does_not_hold_the_others_back(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    slow = _cid(fake_discord, "annonces")
    # annonces answers 429 with a long retry_after: discord.py sleeps inside its request.
    fake_discord.fail_next(MESSAGES, 429, count=1, retry_after=30, path_contains=slow)
    [held] = await relais.enqueue(Post(channel="annonces", content="lent"))
    await fake_discord.wait_until(lambda: any(slow in r.path for r in fake_discord.requests))
    others = await relais.enqueue(
        *(Post(channel=c, content=f"{c} {i}") for i in range(3) for c in ("msss", "psoc"))
    )
    await relais.wait_sent(others, within=20)
    rows = await relais.rows([held])
    assert rows[0]["status"] == "pending"  # still in its 30 s wait, alone


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL")
async def test_killed_with_answers_in_flight_then_restarted_past_the_nonce_window(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    relais = RelaisHarness.create(fake, tmp_path, config_toml=SHORT_NONCE_CONFIG)
    channels = ["general", "msss", "psoc"]
    posts = [Post(channel=channels[i % 3], content=f"Communication n° {i}") for i in range(15)]
    row_ids = await relais.enqueue(*posts)
    fake.set_delay(MESSAGES, 0.5)  # created, then answered late: a kill leaves them unmarked
    proc = relais.process()
    try:
        proc.start()
        await proc.wait_exit_or(
            lambda: len(fake.messages) >= 3 and fake.answers_pending >= 2, within=60
        )
        proc.kill()
        rows = await relais.rows(row_ids)
        in_discord = {m.nonce for m in fake.messages}
        unmarked = [r for r in rows if r["status"] == "pending" and r["nonce"] in in_discord]
        assert unmarked, "no row was caught between Discord's acceptance and the database"
        fake.set_delay(MESSAGES, 0)
        await wait_until(lambda: fake.answers_pending == 0)  # every late answer ended
        fake.expire_nonces()  # restarted past the nonce window
        proc.start()
        await proc.wait_exit_or(lambda: len(fake.messages) >= len(posts), within=60)
        rows = await relais.wait_sent(row_ids, within=30)
    finally:
        await proc.terminate()
        await relais.__aexit__(None, None, None)
    contents = sorted(m.content for m in fake.messages)
    assert contents == sorted(p.content for p in posts)  # none lost, none shown twice
    by_id = {m.id: m for m in fake.messages}
    for row in rows:
        assert by_id[row["message_id"]].nonce == row["nonce"]
    assert fake.nonce_hits == 0


async def test_an_outage_is_one_warning_and_one_info_and_posts_resume(
    relais_short: RelaisHarness, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    await relais_short.start()
    caplog.set_level(logging.INFO)
    outage = asyncio.create_task(fake.outage(3.0))
    await fake.wait_until(lambda: not fake.connected, within=10)
    ids = await relais_short.enqueue(
        *(Post(channel="msss", content=f"pendant la panne {i}") for i in range(3))
    )
    await outage
    await relais_short.wait_sent(ids, within=40)
    await fake.wait_until(lambda: fake.connected, within=40)
    outage_log = relais_short.app.outbox_worker.outage  # type: ignore[union-attr]
    # Relais's own state: polled (the fake's waiter wakes only on what the fake records).
    await wait_until(lambda: not outage_log.active, within=40)
    records = [r for r in caplog.records if r.name.startswith(("bot.", "discord"))]
    warnings = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert [m for m in warnings if "Discord unreachable" in m] == warnings[-1:], warnings
    assert not any("Attempting a reconnect" in r.getMessage() for r in records)
    assert not any(r.exc_info for r in records if r.levelno >= logging.WARNING)
    infos = [r.getMessage() for r in records if r.levelno == logging.INFO]
    assert sum(m.startswith("Discord reachable again") for m in infos) == 1, infos
    assert outage_log.outages == 1
    contents = [m.content for m in fake.messages_in("msss")]
    assert contents == [f"pendant la panne {i}" for i in range(3)]
