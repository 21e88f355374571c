"""`relais run` as a real process, killed with SIGKILL while posts are pending."""

from __future__ import annotations

import sys

import pytest

from bot.models import Post
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.harness import RelaisHarness

MESSAGES = "POST /channels/{channel_id}/messages"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses SIGKILL")


async def test_killed_process_posts_each_row_exactly_once_after_restart(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    channels = ["general", "msss", "psoc", "annonces"]
    posts = [Post(channel=channels[i % 4], content=f"Communication n° {i}") for i in range(24)]
    row_ids = await relais.enqueue(*posts)  # pending before Relais even starts

    # Discord creates each message, then answers late: a kill in that window leaves a row
    # that Discord accepted but Relais never marked sent (the case the nonce is for).
    fake_discord.set_delay(MESSAGES, 0.4)
    proc = relais.process()
    proc.start()
    await proc.wait_exit_or(
        lambda: len(fake_discord.messages) >= 4 and fake_discord.answers_pending >= 1, within=60
    )
    proc.kill()
    posted_before_kill = len(fake_discord.messages)
    assert posted_before_kill < len(posts), "everything was posted before the kill"
    rows = await relais.rows(row_ids)
    unmarked = [r for r in rows if r["status"] == "pending" and r["nonce"] in _nonces(fake_discord)]
    assert unmarked, "no row was caught between Discord's acceptance and the database"

    fake_discord.set_delay(MESSAGES, 0)
    proc.start()
    try:
        await proc.wait_exit_or(
            lambda: len(fake_discord.messages) >= len(posts) and fake_discord.nonce_hits >= 1,
            within=60,
        )
        rows = await relais.wait_sent(row_ids, within=30)
    finally:
        code = await proc.terminate()
    assert code == 0, proc.output()[-3000:]

    contents = [m.content for m in fake_discord.messages]
    assert sorted(contents) == sorted(p.content for p in posts)  # none lost, none doubled
    by_nonce = {m.nonce: m for m in fake_discord.messages}
    assert len(by_nonce) == len(posts)
    for row in rows:
        assert by_nonce[row["nonce"]].id == row["message_id"]  # the resend found the original
    # per-channel order survived the crash
    for channel in channels:
        numbers = [int(m.content.split()[-1]) for m in fake_discord.messages_in(channel)]
        assert numbers == sorted(numbers)


def _nonces(fake: FakeDiscord) -> set[str | None]:
    return {m.nonce for m in fake.messages}


async def test_a_wrong_token_stops_relais_with_a_french_message(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    fake_discord.token = "le-bon-jeton"
    proc = relais.process()
    proc.start()
    code = await proc.wait_exit(within=30)
    assert code == 2, proc.output()[-2000:]
    assert "Discord refuse le jeton DISCORD_TOKEN" in proc.output()
    assert "Traceback" not in proc.output()
