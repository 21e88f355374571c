"""Feeds end to end: `/flux` through the real client and the fake Discord, a real feed server on
127.0.0.1, the service polling, the post in #msss once, across a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.harness import TEST_CONFIG, RelaisHarness
from tests.feeds.conftest import FeedServer
from tests.feeds.feedgen import rss_feed
from tests.feeds.test_service import VersionedFeed
from tests.helpers import wait_until

CONFIG = TEST_CONFIG + '\n[feeds]\nallow_hosts = ["127.0.0.1"]\ntimeout_seconds = 5\n'
EMBED_LINKS = 1 << 14


@pytest.fixture
async def relais(tmp_path: Path) -> AsyncIterator[tuple[RelaisHarness, FakeDiscord]]:
    async with FakeDiscord() as fake:
        everyone = fake.roles[fake.guild_id]
        everyone.permissions = str(int(everyone.permissions) | EMBED_LINKS)
        harness = RelaisHarness.create(fake, tmp_path, config_toml=CONFIG, with_services=True)
        try:
            yield harness, fake
        finally:
            await harness.__aexit__(None, None, None)


def titles(fake: FakeDiscord, channel: str) -> list[str]:
    return [e.get("title", "") for m in fake.messages_in(channel) for e in m.embeds]


async def answer(fake: FakeDiscord, interaction: str) -> dict[str, Any]:
    """The visible answer: the callback, or the follow-up after a deferral."""
    first = await fake.wait_response(interaction)
    if first["type"] != 5:
        return first["data"]
    await wait_until(lambda: bool(fake.followups_of(interaction)))
    return fake.followups_of(interaction)[0]


async def poll_now(relais: RelaisHarness) -> None:
    assert relais.app is not None
    await relais.app.db.execute("UPDATE feed_state SET next_poll = NULL")
    service = relais.app.feeds
    assert service is not None
    service.wake()


async def test_flux_commands_and_relay_once(
    relais: tuple[RelaisHarness, FakeDiscord], feed_server: FeedServer
) -> None:
    harness, fake = relais
    feed = VersionedFeed(rss_feed(feed=1, items=3))
    url = feed_server.route("/msss.xml", feed)
    await harness.start()
    staff = fake.add_member("Julie Permanence", roles=["Permanence"])
    member = fake.add_member("Membre")

    refused = await answer(fake, await fake.invoke_command(
        "flux ajouter", {"nom": "Intrus", "adresse": url}, member=member))
    assert refused["flags"] & 64 and "Permanence" in refused["content"]

    private = await answer(fake, await fake.invoke_command(
        "flux ajouter", {"nom": "Interne", "adresse": "http://10.1.2.3/flux.xml"}, member=staff))
    assert "non publique" in private["content"]

    added = await answer(fake, await fake.invoke_command(
        "flux ajouter",
        {"nom": "MSSS — Communiqués", "adresse": url, "salon": "msss", "intervalle": 1},
        member=staff,
    ))
    assert "ajouté" in added["content"]

    # The first poll posts only the newest of the three items.
    await wait_until(lambda: len(titles(fake, "msss")) == 1)
    assert titles(fake, "msss")[0].startswith("Communiqué 1-2")

    feed.update(rss_feed(feed=1, items=4))
    await poll_now(harness)
    await wait_until(lambda: len(titles(fake, "msss")) == 2)
    assert titles(fake, "msss")[1].startswith("Communiqué 1-3")

    status = await answer(fake, await fake.invoke_command(
        "flux etat", {"nom": "msss — communiqués"}, member=staff))
    fields = {f["name"]: f["value"] for f in status["embeds"][0]["fields"]}
    assert fields["Éléments relayés"] == "2" and fields["Éléments connus"] == "4"

    listing = await answer(fake, await fake.invoke_command("flux liste", member=staff))
    assert "MSSS — Communiqués" in listing["content"] and "toutes les 1 min" in listing["content"]

    preview = await answer(fake, await fake.invoke_command(
        "flux tester", {"nom": "MSSS — Communiqués"}, member=staff))
    assert "rien n’a été publié" in preview["content"]
    assert preview["embeds"][0]["title"].startswith("Communiqué 1-3")
    assert len(titles(fake, "msss")) == 2

    # Restart: nothing is posted again, and only the next new item appears.
    await harness.restart()
    feed.update(rss_feed(feed=1, items=5))
    await poll_now(harness)
    await wait_until(lambda: len(titles(fake, "msss")) == 3)
    await harness.settled()  # the polls and the posts are over: nothing more comes
    assert [t[:15] for t in titles(fake, "msss")] == ["Communiqué 1-2 ", "Communiqué 1-3 ", "Communiqué 1-4 "]

    asked = await fake.invoke_command("flux retirer", {"nom": "MSSS — Communiqués"}, member=staff)
    [question] = await fake.wait_responses(asked)
    assert [b["label"] for b in question.buttons()] == ["Retirer le flux", "Ne rien faire"]
    removed = await fake.wait_response(
        await fake.click_button(question.buttons()[0]["custom_id"], message=question, member=staff)
    )
    assert "retiré" in removed["data"]["content"]
