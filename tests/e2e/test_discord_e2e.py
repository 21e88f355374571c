"""The real discord.py client, driven by Relais, against the fake Discord on loopback."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import discord
from discord import app_commands

from bot.errors import RelaisError
from bot.models import Button, Document, Embed, EmbedField, Post
from bot.timeutil import to_iso, utc_now
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.harness import RelaisHarness
from tests.helpers import wait_until

MESSAGES = "POST /channels/{channel_id}/messages"


async def test_login_syncs_commands_once_with_english_localisations(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot = await relais.start()
    assert bot.user is not None and str(bot.user.id) == fake_discord.app_id
    assert fake_discord.identify_count == 1
    assert bot.commands_synced is True
    assert fake_discord.command_puts == {fake_discord.guild_id: 1}  # guild only, never global
    command = fake_discord.find_command("relais")
    assert command["name_localizations"]["en-US"] == "relais"
    etat = next(o for o in command["options"] if o["name"] == "etat")
    assert etat["name_localizations"]["en-US"] == "status"
    assert etat["description"].startswith("État de Relais")
    # No default_member_permissions: staff without "Manage Server" see the commands too; the
    # staff role is checked when one runs (README « Qui voit les commandes »).
    assert command.get("default_member_permissions") is None

    # Same commands at the next start: nothing is sent to Discord.
    bot = await relais.restart()
    assert bot.commands_synced is False
    assert fake_discord.command_puts == {fake_discord.guild_id: 1}
    assert fake_discord.identify_count == 2


async def test_outbox_row_is_posted_as_an_embed_to_its_channel(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    when = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
    post = Post(
        channel="psoc",
        embeds=[
            Embed(
                title="Rehaussement du PSOC 2026-2027",
                description="Le ministère annonce une consultation sur le PSOC.",
                url="https://www.msss.gouv.qc.ca/communiques/psoc",
                color=0x1F6FB2,
                fields=[EmbedField(name="Dates à retenir", value="15 mars 2026 : dépôt des avis")],
                footer="MSSS — communiqués",
                timestamp=to_iso(when),
            )
        ],
        buttons=[Button(custom_id="e2e:1", label="Suivre")],
    )
    digest = Post(channel="digest", content="Résumé de la semaine")  # digest → #general
    row_ids = await relais.enqueue(post, digest)
    rows = await relais.wait_sent(row_ids)

    [message] = fake_discord.messages_in("psoc")
    embed = message.embeds[0]
    assert embed["title"] == "Rehaussement du PSOC 2026-2027"
    assert embed["url"] == "https://www.msss.gouv.qc.ca/communiques/psoc"
    assert embed["fields"][0]["name"] == "Dates à retenir"
    assert embed["footer"]["text"] == "MSSS — communiqués"
    assert datetime.fromisoformat(embed["timestamp"]) == when
    assert message.payload["components"][0]["components"][0]["custom_id"] == "e2e:1"
    # the row records the Discord message and was sent with its own nonce
    assert rows[0]["message_id"] == message.id
    assert rows[0]["channel_id"] == fake_discord.channel_named("psoc").id
    assert message.nonce == rows[0]["nonce"] and message.payload["enforce_nonce"] is True
    assert rows[0]["message_url"].endswith(f"/{message.channel_id}/{message.id}")
    assert [m.content for m in fake_discord.messages_in("general")] == ["Résumé de la semaine"]


async def test_row_for_a_missing_channel_waits_until_the_channel_exists(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    [row_id] = await relais.enqueue(Post(channel="delegations", content="Bonjour la délégation"))
    await _wait_waiting(relais, row_id)
    [row] = await relais.rows([row_id])
    assert row["status"] == "pending" and row["attempts"] == 0
    assert "delegations" in row["waiting_reason"]
    assert fake_discord.messages == []

    # Staff creates the channel; Discord tells the bot over the gateway.
    await fake_discord.create_channel("delegations")
    assert relais.app is not None
    await relais.app.db.execute(
        "UPDATE outbox SET next_attempt_at = ? WHERE id = ?", (to_iso(utc_now()), row_id)
    )
    relais.app.outbox_worker.wake()
    await relais.wait_sent([row_id])
    assert [m.content for m in fake_discord.messages_in("delegations")] == ["Bonjour la délégation"]


async def test_a_429_and_a_500_are_answered_by_a_retry(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    fake_discord.fail_next(MESSAGES, 429, retry_after=0.2, path_contains=_cid(fake_discord, "msss"))
    fake_discord.fail_next(MESSAGES, 500, path_contains=_cid(fake_discord, "psoc"))
    ids = await relais.enqueue(
        Post(channel="msss", content="après un 429"), Post(channel="psoc", content="après un 500")
    )
    rows = await relais.wait_sent(ids)

    statuses = {
        name: [
            r.status
            for r in fake_discord.requests_to(MESSAGES)
            if _cid(fake_discord, name) in r.path
        ]
        for name in ("msss", "psoc")
    }
    assert statuses == {"msss": [429, 200], "psoc": [500, 200]}
    assert [m.content for m in fake_discord.messages_in("msss")] == ["après un 429"]
    assert [m.content for m in fake_discord.messages_in("psoc")] == ["après un 500"]
    # discord.py retried inside one publish: the outbox counted a single attempt
    assert [r["attempts"] for r in rows] == [1, 1]


async def test_gateway_reconnect_resumes_the_session(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot = await relais.start()
    session = bot.ws.session_id if bot.ws else None
    await fake_discord.drop_gateway(code=4000)
    # An event while the bot is away is replayed by the RESUME, not lost.
    await fake_discord.create_channel("nouvelles")
    await fake_discord.wait_until(lambda: fake_discord.resume_count == 1 and fake_discord.connected)
    assert fake_discord.identify_count == 1  # resumed, not a new session
    assert fake_discord.resume_paths == ["/resume"]  # at READY's resume_gateway_url
    assert bot.ws is not None and bot.ws.session_id == session
    await wait_until(lambda: discord.utils.get(bot.get_all_channels(), name="nouvelles") is not None)

    [row_id] = await relais.enqueue(Post(channel="nouvelles", content="Toujours là"))
    await relais.wait_sent([row_id])
    assert [m.content for m in fake_discord.messages_in("nouvelles")] == ["Toujours là"]


async def test_untrusted_mentions_in_a_feed_title_ping_nobody(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    assert relais.app is not None
    role_id = fake_discord.role_named("Comité PSOC").id
    doc = Document(
        source_kind="feed",
        source_name="msss",
        kind="rss",
        title=f"Alerte @everyone <@&{role_id}> @here : avis sur le PSOC",
        text=f"Bonjour @everyone, <@&{role_id}> doit répondre avant le 15 mars 2026.",
        external_id="https://www.msss.gouv.qc.ca/communiques/42",
        link="https://www.msss.gouv.qc.ca/communiques/42",
        published=datetime(2026, 2, 20, 15, 0, tzinfo=UTC),
    )
    result = await relais.app.pipeline.relay(doc)
    assert result.outbox_ids
    await relais.wait_sent(result.outbox_ids)
    assert fake_discord.messages, "the relayed communication was not posted"
    for message in fake_discord.messages:
        assert message.pings() == set()
        assert message.allowed_mentions == {"parse": []}  # nothing may ping

    # A row that names a role pings that role, and only it, even with @everyone in the text.
    [row_id] = await relais.enqueue(
        Post(channel="psoc", content="Nouvel avis @everyone", ping_roles=["Comité PSOC"])
    )
    await relais.wait_sent([row_id])
    message = fake_discord.messages[-1]
    assert message.content.startswith(f"<@&{role_id}>")
    assert message.pings() == {f"role:{role_id}"}
    assert message.allowed_mentions is not None
    assert [str(r) for r in message.allowed_mentions["roles"]] == [role_id]
    assert message.allowed_mentions["parse"] == []


async def test_relais_etat_shows_backlog_and_set_aside_rows_to_staff_only(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    fake_discord.fail_next(MESSAGES, 400, code=50035)  # payload refused: set aside
    [bad] = await relais.enqueue(Post(channel="msss", content="refusé"))
    await relais.wait_rows([bad], "set_aside")
    [waiting] = await relais.enqueue(Post(channel="inexistant", content="attend"))
    await _wait_waiting(relais, waiting)

    staff = fake_discord.add_member("Agente de la permanence", roles=["Permanence"])
    interaction = await fake_discord.invoke_command("relais etat", member=staff)
    answer = await fake_discord.wait_response(interaction)
    assert answer["data"]["flags"] & 64  # ephemeral
    [embed] = answer["data"]["embeds"]
    assert embed["title"] == "État de Relais"
    text = " ".join(f"{f['name']} {f['value']}" for f in embed["fields"])
    assert "0.1.0" in text
    assert re.search(r"En marche depuis (\d+ h )?\d+ min \(depuis <t:\d+:f>\)", text)
    assert "Pour les renvoyer : `/relais reprendre`" in text
    assert "dont 1 en attente d’un salon" in text
    assert "Mises de côté (1)" in text and f"n° {bad}" in text

    member = fake_discord.add_member("Membre")
    interaction = await fake_discord.invoke_command("relais etat", member=member)
    answer = await fake_discord.wait_response(interaction)
    assert answer["data"]["flags"] & 64
    assert "réservée à la permanence" in answer["data"]["content"]


async def test_command_errors_are_answered_in_french_by_one_handler(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    bot = await relais.start()

    @app_commands.command(name="panne", description="Commande de test qui échoue")
    async def panne(interaction: discord.Interaction) -> None:
        raise RuntimeError("boom")

    @app_commands.command(name="refus", description="Commande de test qui refuse")
    async def refus(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        raise RelaisError("Ce flux est déjà suivi.")

    bot.tree.add_command(panne)
    bot.tree.add_command(refus)
    assert await bot.sync_commands() is True  # the JSON changed: synced again
    assert fake_discord.command_puts[fake_discord.guild_id] == 2

    answer = await fake_discord.wait_response(await fake_discord.invoke_command("panne"))
    assert answer["data"]["flags"] & 64
    assert answer["data"]["content"].startswith("Oups, une erreur interne")

    interaction = await fake_discord.invoke_command("refus")
    await fake_discord.wait_until(lambda: bool(fake_discord.followups_of(interaction)))
    [followup] = fake_discord.followups_of(interaction)
    assert followup["content"] == "Ce flux est déjà suivi." and followup["flags"] & 64


async def test_buttons_of_posts_sent_before_a_restart_still_work(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    [row_id] = await relais.enqueue(
        Post(channel="general", content="Date proposée", buttons=[Button("date:7:ok", "Confirmer")])
    )
    await relais.wait_sent([row_id])
    [message] = fake_discord.messages

    bot = await relais.restart()
    clicks: list[str] = []

    async def confirm(interaction: discord.Interaction, custom_id: str) -> None:
        clicks.append(custom_id)
        await interaction.response.send_message("Date confirmée.", ephemeral=True)

    bot.register_button_handler("date", confirm)
    answer = await fake_discord.wait_response(
        await fake_discord.click_button("date:7:ok", message=message)
    )
    assert clicks == ["date:7:ok"]
    assert answer["data"]["content"] == "Date confirmée."

    answer = await fake_discord.wait_response(await fake_discord.click_button("inconnu:1"))
    assert answer["data"]["content"] == "Ce bouton n’est plus actif."


# ---------------------------------------------------------------------- helpers
def _cid(fake: FakeDiscord, name: str) -> str:
    return fake.channel_named(name).id


async def _wait_waiting(relais: RelaisHarness, row_id: int) -> None:
    """Until the row is postponed because its channel is missing."""

    async def waiting() -> bool:
        [row] = await relais.rows([row_id])
        return bool(row["waiting_reason"])

    await wait_until(waiting)


async def test_a_refused_command_sync_does_not_stop_posting(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    fake_discord.fail_next("PUT /applications/{app_id}/guilds/{guild_id}/commands", 403, code=50001)
    bot = await relais.start()
    assert bot.commands_synced is False and fake_discord.commands == {}
    [row_id] = await relais.enqueue(Post(channel="msss", content="Toujours publié"))
    await relais.wait_sent([row_id])
    # not remembered as synced: the next start tries again
    bot = await relais.restart()
    assert bot.commands_synced is True and fake_discord.find_command("relais")


async def test_every_cog_loads(relais: RelaisHarness) -> None:
    bot = await relais.start()
    assert bot.failed_cogs == {}
    assert "cogs.admin" in bot.extensions


async def test_staff_send_set_aside_rows_again_once_each(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    fake_discord.fail_next(
        MESSAGES, 400, count=2, code=50035, path_contains=_cid(fake_discord, "msss")
    )
    first, second = await relais.enqueue(
        Post(channel="msss", content="première"), Post(channel="msss", content="seconde")
    )
    await relais.wait_rows([first], "set_aside")
    await relais.wait_rows([second], "set_aside")
    assert fake_discord.messages_in("msss") == []
    staff = fake_discord.add_member("Agente de la permanence", roles=["Permanence"])

    async def reprendre(options: dict[str, object] | None = None, member: object = staff) -> str:
        interaction = await fake_discord.invoke_command(
            "relais reprendre",
            options,
            member=member,  # type: ignore[arg-type]
        )
        answer = await fake_discord.wait_response(interaction)
        assert answer["data"]["flags"] & 64
        return str(answer["data"]["content"])

    assert "réservée à la permanence" in await reprendre(member=fake_discord.add_member("Membre"))
    assert (
        await reprendre({"numero": first})
        == f"La publication n° {first} est remise dans la file d’envoi."
    )
    await relais.wait_sent([first])
    assert (
        await reprendre({"numero": first}) == f"La publication n° {first} n’est pas mise de côté."
    )
    assert await reprendre() == "1 publication(s) remise(s) dans la file d’envoi."
    rows = await relais.wait_sent([first, second])
    assert [m.content for m in fake_discord.messages_in("msss")] == ["première", "seconde"]
    assert [r["message_id"] for r in rows] == [m.id for m in fake_discord.messages_in("msss")]
    assert await reprendre() == "Aucune publication n’est mise de côté."
    command = fake_discord.find_command("relais")
    retry = next(o for o in command["options"] if o["name"] == "reprendre")
    assert retry["name_localizations"]["en-US"] == "retry"
    assert retry["options"][0]["name_localizations"]["en-US"] == "number"
