"""DiscordPublisher against the fake Discord: resolution, mentions, files, error mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.discord.publisher import DiscordPublisher
from bot.models import Post
from bot.relay.publisher import (
    ChannelUnavailable,
    PermanentPublishError,
    TransientPublishError,
)
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.harness import RelaisHarness

MESSAGES = "POST /channels/{channel_id}/messages"


async def _publisher(relais: RelaisHarness) -> DiscordPublisher:
    await relais.start()
    assert relais.app is not None
    publisher = relais.app.publisher
    assert isinstance(publisher, DiscordPublisher)
    relais.app.services.clear()
    await relais.app.outbox_worker.stop()  # the test calls the publisher itself
    return publisher


async def test_channels_resolve_by_key_name_and_id(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    publisher = await _publisher(relais)
    msss = fake_discord.channel_named("msss")
    ref = await publisher.publish(Post(channel="msss", content="par clé"), "n1")
    assert ref.channel_id == msss.id
    ref = await publisher.publish(Post(channel="#MSSS", content="par nom"), "n2")
    assert ref.channel_id == msss.id
    ref = await publisher.publish(Post(channel=msss.id, content="par id"), "n3")
    assert ref.channel_id == msss.id and ref.message_id == fake_discord.messages[-1].id
    assert ref.url and ref.url.endswith(f"/{msss.id}/{ref.message_id}")
    with pytest.raises(ChannelUnavailable, match="introuvable"):
        await publisher.publish(Post(channel="inconnu", content="x"), "n4")
    assert len(fake_discord.messages) == 3


async def test_everyone_and_roles_ping_only_when_the_post_says_so(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    publisher = await _publisher(relais)
    role = fake_discord.role_named("Comité PSOC")
    await publisher.publish(
        Post(channel="annonces", content="Assemblée générale", ping_everyone=True), "e1"
    )
    message = fake_discord.messages[-1]
    assert message.content == "@everyone Assemblée générale"
    assert message.pings() == {"everyone"}

    await publisher.publish(
        Post(channel="psoc", content="x" * 2000, ping_roles=["comité psoc", "Rôle absent"]), "e2"
    )
    message = fake_discord.messages[-1]
    assert len(message.content) == 2000 and message.content.startswith(f"<@&{role.id}> x")
    assert message.pings() == {f"role:{role.id}"}


async def test_files_over_ten_mebibytes_are_skipped(
    relais: RelaisHarness, fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    publisher = await _publisher(relais)
    small = tmp_path / "avis.txt"
    small.write_text("Avis du comité", encoding="utf-8")
    big = tmp_path / "gros.pdf"
    with big.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)
    post = Post(channel="msss", content="Documents", files=[str(big), str(small), "/absent.pdf"])
    await publisher.publish(post, "f1")
    assert fake_discord.messages[-1].files == [("avis.txt", small.stat().st_size)]


@pytest.mark.parametrize(
    ("status", "code", "via", "expected"),
    [
        (400, 50035, True, PermanentPublishError),  # invalid form body: retrying cannot help
        (403, 50013, True, ChannelUnavailable),  # missing permissions: waits for staff
        (403, 50001, True, ChannelUnavailable),  # missing access
        (404, 10003, True, ChannelUnavailable),  # channel deleted meanwhile
        (429, 0, False, TransientPublishError),  # a 429 discord.py will not retry itself
    ],
)
async def test_discord_errors_map_to_publish_errors(
    relais: RelaisHarness,
    fake_discord: FakeDiscord,
    status: int,
    code: int,
    via: bool,
    expected: type[Exception],
) -> None:
    publisher = await _publisher(relais)
    fake_discord.fail_next(MESSAGES, status, code=code, via=via)
    with pytest.raises(expected):
        await publisher.publish(Post(channel="msss", content="x"), "err")
    assert fake_discord.messages == []
    # the failure was injected once: the next attempt goes through
    await publisher.publish(Post(channel="msss", content="x"), "err")
    assert len(fake_discord.messages) == 1
