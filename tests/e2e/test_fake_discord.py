"""The fake Discord itself: what other helpers' end-to-end tests rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import discord

from tests.e2e.fake_discord import FakeDiscord, RateLimit
from tests.e2e.harness import RelaisHarness


async def test_scheduled_events_crud_through_discord_py(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot = await relais.start()
    guild = bot.get_guild(int(fake_discord.guild_id))
    assert guild is not None
    start = datetime(2026, 4, 14, 13, 30, tzinfo=UTC)
    event = await guild.create_scheduled_event(
        name="Comité de liaison MSSS",
        start_time=start,
        end_time=start + timedelta(hours=2),
        entity_type=discord.EntityType.external,
        location="Québec",
        privacy_level=discord.PrivacyLevel.guild_only,
        description="Rencontre préparatoire",
    )
    assert event.name == "Comité de liaison MSSS" and event.start_time == start
    assert fake_discord.scheduled_events[str(event.id)]["entity_metadata"] == {"location": "Québec"}
    edited = await event.edit(name="Comité de liaison (reportée)")
    assert edited is not None and edited.name == "Comité de liaison (reportée)"
    fetched = await guild.fetch_scheduled_events()
    assert [e.name for e in fetched] == ["Comité de liaison (reportée)"]
    await event.delete()
    assert fake_discord.scheduled_events == {}


async def test_roles_can_be_given_to_members(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot = await relais.start()
    guild = bot.get_guild(int(fake_discord.guild_id))
    assert guild is not None
    member_data = fake_discord.add_member("Déléguée")
    member = await guild.fetch_member(int(member_data["user"]["id"]))
    role = guild.get_role(int(fake_discord.role_named("Comité PSOC").id))
    assert role is not None
    await member.add_roles(role)
    assert member_data["roles"] == [str(role.id)]


async def test_same_nonce_within_the_window_returns_the_same_message() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        url = f"{fake.api_base}/channels/{fake.channel_named('msss').id}/messages"
        headers = {"Authorization": "Bot x"}
        body = {"content": "un", "nonce": "abc", "enforce_nonce": True}
        async with http.post(url, json=body, headers=headers) as first:
            one = await first.json()
            assert first.headers["Content-Type"] == "application/json"
        async with http.post(url, json={**body, "content": "deux"}, headers=headers) as again:
            two = await again.json()
        async with http.post(url, json={"content": "trois", "nonce": "abc"}, headers=headers) as r:
            three = await r.json()  # without enforce_nonce, Discord creates a new message
        assert one["id"] == two["id"] != three["id"]
        assert [m.content for m in fake.messages] == ["un", "trois"]
        assert fake.nonce_hits == 1


async def test_a_client_ignoring_rate_limit_headers_gets_429() -> None:
    async with (
        FakeDiscord(rate_limit=RateLimit(limit=2, per=60)) as fake,
        aiohttp.ClientSession() as http,
    ):
        url = f"{fake.api_base}/channels/{fake.channel_named('msss').id}/messages"
        statuses, remaining = [], []
        for i in range(3):
            async with http.post(
                url, json={"content": str(i)}, headers={"Authorization": "Bot x"}
            ) as r:
                statuses.append(r.status)
                remaining.append(r.headers["X-RateLimit-Remaining"])
                if r.status == 429:
                    assert r.headers["Via"] and (await r.json())["retry_after"] > 0
        assert statuses == [200, 200, 429]
        assert remaining == ["1", "0", "0"]
        assert len(fake.messages) == 2


async def test_requests_without_a_bot_token_are_refused() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        async with http.get(f"{fake.api_base}/users/@me") as response:
            assert response.status == 401


async def test_command_options_of_every_kind_reach_the_command(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot = await relais.start()
    received: dict[str, object] = {}

    @discord.app_commands.command(name="deposer", description="Déposer un document")
    async def deposer(
        interaction: discord.Interaction,
        titre: str,
        nombre: int,
        salon: discord.TextChannel,
        role: discord.Role,
        membre: discord.Member,
        fichier: discord.Attachment,
    ) -> None:
        received.update(
            titre=titre,
            nombre=nombre,
            salon=salon.name,
            role=role.name,
            membre=membre.display_name,
            fichier=(fichier.filename, await fichier.read()),
        )
        await interaction.response.send_message("Reçu.", ephemeral=True)

    async def suggest(
        interaction: discord.Interaction, current: str
    ) -> list[discord.app_commands.Choice[str]]:
        return [discord.app_commands.Choice(name=f"{current} 2026", value=f"{current}-2026")]

    @discord.app_commands.command(name="chercher", description="Chercher")
    @discord.app_commands.autocomplete(terme=suggest)
    async def chercher(interaction: discord.Interaction, terme: str) -> None:
        await interaction.response.send_message(terme)

    bot.tree.add_command(deposer)
    bot.tree.add_command(chercher)
    await bot.sync_commands()
    someone = fake_discord.add_member("Josée")
    interaction = await fake_discord.invoke_command(
        "deposer",
        {
            "titre": "Avis PSOC",
            "nombre": 3,
            "salon": "psoc",
            "role": "Comité PSOC",
            "membre": someone,
            "fichier": ("avis.txt", "Avis du comité".encode()),
        },
    )
    answer = await fake_discord.wait_response(interaction)
    assert answer["data"]["content"] == "Reçu."
    assert received == {
        "titre": "Avis PSOC",
        "nombre": 3,
        "salon": "psoc",
        "role": "Comité PSOC",
        "membre": "Josée",
        "fichier": ("avis.txt", "Avis du comité".encode()),
    }

    interaction = await fake_discord.invoke_command(
        "chercher", {"terme": "budget"}, focused="terme"
    )
    answer = await fake_discord.wait_response(interaction)
    assert answer == {
        "type": 8,
        "data": {"choices": [{"name": "budget 2026", "value": "budget-2026"}]},
    }


async def test_op7_reconnect_and_unknown_session_resume(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot = await relais.start()
    await fake_discord.request_reconnect()
    await fake_discord.wait_until(lambda: fake_discord.resume_count == 1 and fake_discord.connected)
    # A session Discord forgot: RESUME is answered with op 9, the client identifies anew.
    fake_discord.forget_sessions()
    await fake_discord.drop_gateway()
    await fake_discord.wait_until(lambda: fake_discord.identify_count == 2, within=30)
    await fake_discord.wait_until(lambda: fake_discord.connected)
    assert bot.ws is not None and bot.ws.session_id == fake_discord.session_id
