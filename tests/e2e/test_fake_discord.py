"""The fake Discord itself: what other helpers' end-to-end tests rely on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import discord
import pytest

from bot.discord.client import RelaisBot
from tests.e2e.fake_discord import EMBED_LINKS, FakeDiscord, RateLimit
from tests.e2e.harness import RelaisHarness
from tests.helpers import wait_until


async def _started(relais: RelaisHarness) -> tuple[RelaisBot, discord.Guild]:
    """Relais started: its client, and the guild as that client sees it."""
    bot = await relais.start()
    guild = bot.get_guild(int(relais.fake.guild_id))
    assert guild is not None
    return bot, guild


async def test_scheduled_events_crud_through_discord_py(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    _, guild = await _started(relais)
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
    _, guild = await _started(relais)
    member_data = fake_discord.add_member("Déléguée")
    member = await guild.fetch_member(int(member_data["user"]["id"]))
    role = guild.get_role(int(fake_discord.role_named("Comité PSOC").id))
    assert role is not None
    await member.add_roles(role)
    assert member_data["roles"] == [str(role.id)]


async def test_same_nonce_within_the_window_returns_the_same_message() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        url = f"{fake.api_base}/channels/{fake.channel_named('msss').id}/messages"
        headers = {"Authorization": f"Bot {fake.token}"}
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
                url, json={"content": str(i)}, headers={"Authorization": f"Bot {fake.token}"}
            ) as r:
                statuses.append(r.status)
                remaining.append(r.headers["X-RateLimit-Remaining"])
                if r.status == 429:
                    assert r.headers["Via"] and (await r.json())["retry_after"] > 0
        assert statuses == [200, 200, 429]
        assert remaining == ["1", "0", "0"]
        assert len(fake.messages) == 2


async def test_requests_without_the_fakes_own_bot_token_are_refused() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        async with http.get(f"{fake.api_base}/users/@me") as response:
            assert response.status == 401
        # another fake's token (a stray client of another test reusing the port) is refused
        async with FakeDiscord() as other:
            assert other.token != fake.token
            for token, status in ((other.token, 401), (fake.token, 200)):
                headers = {"Authorization": f"Bot {token}"}
                async with http.get(f"{fake.api_base}/users/@me", headers=headers) as response:
                    assert response.status == status


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


async def test_interaction_responses_and_followups_are_recorded_as_messages(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot = await relais.start()
    clicks: list[str] = []

    class Choice(discord.ui.View):
        @discord.ui.button(label="Oui", custom_id="choix:oui")
        async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            clicks.append("oui")
            await interaction.response.edit_message(content="Choisi : oui", view=None)

    @discord.app_commands.command(name="sonder", description="Sondage de test")
    async def sonder(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Votre choix ?", view=Choice(), ephemeral=True)
        await interaction.followup.send(embed=discord.Embed(title="Détails"), ephemeral=True)

    @discord.app_commands.command(name="lent", description="Réponse différée")
    async def lent(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content="Terminé.")

    bot.tree.add_command(sonder)
    bot.tree.add_command(lent)
    await bot.sync_commands()

    interaction = await fake_discord.invoke_command("sonder", channel="msss")
    answer, details = await fake_discord.wait_responses(interaction, count=2)
    assert answer.content == "Votre choix ?" and answer.ephemeral
    assert answer.channel_id == fake_discord.channel_named("msss").id
    assert [b["label"] for b in answer.buttons()] == ["Oui"]
    assert details.embeds[0]["title"] == "Détails" and details.ephemeral
    assert fake_discord.messages == []  # responses are not channel posts

    # The view lives on the response message: a click on it reaches the bot.
    click = await fake_discord.click_button("choix:oui", message=answer)
    await fake_discord.wait_response(click)
    assert clicks == ["oui"]
    assert answer.content == "Choisi : oui" and answer.components == [] and answer.edits == 1

    deferred = await fake_discord.invoke_command("lent")
    await fake_discord.wait_until(
        lambda: [m.edits for m in fake_discord.responses_to(deferred)] == [1]
    )
    [done] = fake_discord.responses_to(deferred)
    assert done.content == "Terminé." and done.ephemeral


async def test_a_modal_the_bot_opened_is_submitted_by_the_fake(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot = await relais.start()
    submitted: list[tuple[str, str, str]] = []

    class Note(discord.ui.Modal, title="Nouvelle note"):
        titre: discord.ui.TextInput[Note] = discord.ui.TextInput(label="Titre de la note")
        texte: discord.ui.TextInput[Note] = discord.ui.TextInput(
            label="Texte", style=discord.TextStyle.paragraph, custom_id="note-texte"
        )

        async def on_submit(self, interaction: discord.Interaction) -> None:
            submitted.append((interaction.user.name, self.titre.value, self.texte.value))
            await interaction.response.send_message(f"Note « {self.titre.value} » reçue.")

    @discord.app_commands.command(name="noter", description="Écrire une note")
    async def noter(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Note())

    bot.tree.add_command(noter)
    await bot.sync_commands()
    author = fake_discord.add_member("Rédactrice")
    opened = await fake_discord.invoke_command("noter", member=author)
    modal = await fake_discord.wait_response(opened)
    assert modal["type"] == 9 and modal["data"]["title"] == "Nouvelle note"

    with pytest.raises(KeyError):
        await fake_discord.submit_modal(opened, {"Inexistant": "x"})
    # values by the start of a label, or by custom_id; the opener submits
    submission = await fake_discord.submit_modal(
        opened, {"Titre": "AG annuelle", "note-texte": "Le 12 juin."}
    )
    [reply] = await fake_discord.wait_responses(submission)
    assert submitted == [("Rédactrice", "AG annuelle", "Le 12 juin.")]
    assert reply.content == "Note « AG annuelle » reçue." and not reply.ephemeral

    unanswered = await fake_discord.invoke_command("relais etat")
    await fake_discord.wait_response(unanswered)
    with pytest.raises(ValueError):
        await fake_discord.submit_modal(unanswered, {})


async def test_the_bot_may_embed_links_until_a_test_withdraws_it(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot, guild = await _started(relais)
    channel = guild.get_channel(int(fake_discord.channel_named("msss").id))
    assert isinstance(channel, discord.TextChannel)
    perms = channel.permissions_for(guild.me)
    assert perms.embed_links and perms.send_messages and perms.attach_files

    seen: list[discord.Permissions] = []

    @discord.app_commands.command(name="droits", description="Droits du bot")
    async def droits(interaction: discord.Interaction) -> None:
        seen.append(interaction.app_permissions)
        await interaction.response.send_message("ok", ephemeral=True)

    bot.tree.add_command(droits)
    await bot.sync_commands()

    # Withdrawn while connected: the client learns it from GUILD_ROLE_UPDATE.
    await fake_discord.revoke_bot_permissions(EMBED_LINKS)
    # Polled on the client's side: the fake is not told when the client has learnt it.
    await wait_until(lambda: not channel.permissions_for(guild.me).embed_links)
    assert channel.permissions_for(guild.me).send_messages
    await fake_discord.wait_response(await fake_discord.invoke_command("droits"))
    assert not seen[-1].embed_links and seen[-1].send_messages

    await fake_discord.grant_bot_permissions(EMBED_LINKS)
    await wait_until(lambda: channel.permissions_for(guild.me).embed_links)


async def test_an_interaction_is_answered_only_once() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        iid = fake.snowflake()
        token = "tok_test"
        fake._interaction_tokens[token] = iid
        url = f"{fake.api_base}/interactions/{iid}/{token}/callback"
        statuses = []
        for content in ("un", "deux"):
            body = {"type": 4, "data": {"content": content}}
            async with http.post(url, json=body) as response:
                statuses.append(response.status)
        assert statuses == [200, 400]
        assert [m.content for m in fake.responses_to(iid)] == ["un"]


async def test_nonces_expire_after_the_window_and_history_is_served_like_discords(
    tmp_path: Path,
) -> None:
    async with FakeDiscord(nonce_window=0.2) as fake:
        relais = RelaisHarness.create(fake, tmp_path)
        bot = await relais.start()
        try:
            channel = bot.get_channel(int(fake.channel_named("msss").id))
            assert isinstance(channel, discord.TextChannel)
            first = await channel.send("un", nonce="r-fixe")
            again = await channel.send("un", nonce="r-fixe")
            assert again.id == first.id and fake.nonce_hits == 1  # within the window
            await asyncio.sleep(0.3)
            late = await channel.send("un", nonce="r-fixe")
            assert late.id != first.id  # past the window: shown twice, as on Discord
            fake.post_as_user("msss", "d'un membre")
            newest_first = [m.content async for m in channel.history(limit=10)]
            assert newest_first == ["d'un membre", "un", "un"]
            after = [m.id async for m in channel.history(after=first, oldest_first=True)]
            assert after[0] == late.id and len(after) == 2
        finally:
            await relais.stop()
