"""Announcements end to end: `/annonce planifier` through the real client and the fake
Discord, Relais restarted, the announcement posted once at its time; refusals; follow-up
button; search."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.announcements.service import get_service
from bot.models import Document
from bot.store.db import Database
from bot.timeutil import MONTREAL, to_iso, utc_now
from tests.e2e.fake_discord import FakeDiscord, RecordedMessage
from tests.e2e.harness import RelaisHarness


@pytest.fixture
async def relais_services(
    fake_discord: FakeDiscord, tmp_path: Path
) -> AsyncIterator[RelaisHarness]:
    harness = RelaisHarness.create(fake_discord, tmp_path, with_services=True)
    grant_embed_links(fake_discord)
    try:
        yield harness
    finally:
        await harness.__aexit__(None, None, None)


EMBED_LINKS = 1 << 14


def grant_embed_links(fake: FakeDiscord) -> None:
    """Relais posts embeds: a real server gives its role « Intégrer des liens »."""
    everyone = fake.roles[fake.guild_id]
    everyone.permissions = str(int(everyone.permissions) | EMBED_LINKS)


def revoke_embed_links(fake: FakeDiscord) -> None:
    everyone = fake.roles[fake.guild_id]
    everyone.permissions = str(int(everyone.permissions) & ~EMBED_LINKS)


async def wait_until(predicate: Callable[[], bool], within: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)


def record_response_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """The message objects the fake creates for interaction responses (it keeps no list)."""
    created: list[dict[str, Any]] = []
    make = fake._message_object

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        message = make(*args, **kwargs)
        created.append(message)
        return message

    fake._message_object = recording  # type: ignore[method-assign]
    return created


async def submit_modal(
    fake: FakeDiscord, modal: dict[str, Any], values: dict[str, str], member: dict[str, Any]
) -> str:
    """Answer a modal the bot opened (callback type 9), as Discord sends a MODAL_SUBMIT."""
    rows = []
    for row in modal["data"]["components"]:
        field = row["components"][0]
        value = next((v for k, v in values.items() if field["label"].startswith(k)), "")
        rows.append(
            {"type": 1, "components": [{"type": 4, "custom_id": field["custom_id"],
                                        "value": value}]}
        )
    data = fake._interaction_base(5, member, "permanence")
    data["data"] = {"custom_id": modal["data"]["custom_id"], "components": rows}
    await fake.dispatch("INTERACTION_CREATE", data)
    return str(data["id"])


async def click_in_response(
    fake: FakeDiscord,
    responses: list[dict[str, Any]],
    answer: dict[str, Any],
    label: str,
    member: dict[str, Any],
) -> dict[str, Any]:
    button = next(
        c for row in answer["data"]["components"] for c in row["components"]
        if c.get("label") == label
    )
    # discord.py routes the click by the id of the ephemeral message holding the view.
    holder = next(m for m in responses if json.dumps(button["custom_id"]) in json.dumps(m))
    message = RecordedMessage(holder["id"], holder["channel_id"], {}, holder)
    return await fake.wait_response(
        await fake.click_button(button["custom_id"], message=message, member=member)
    )


def announcements_in(fake: FakeDiscord, channel: str, title: str) -> list[RecordedMessage]:
    return [
        m for m in fake.messages_in(channel)
        if any(e.get("title") == title for e in m.embeds)
    ]


async def test_scheduled_announcement_posted_once_across_restarts(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    await relais.start()
    staff = fake.add_member("Julie Permanence", roles=["Permanence"])
    responses = record_response_messages(fake)
    title = "Assemblée générale annuelle"

    # Staff schedule through the command: modal, preview showing the parsed time, Confirmer.
    modal = await fake.wait_response(
        await fake.invoke_command(
            "annonce planifier",
            {"quand": "2099-09-14 09:30", "salons": "general, psoc", "role": "Comité PSOC"},
            member=staff,
        )
    )
    assert modal["type"] == 9, modal
    preview = await fake.wait_response(
        await submit_modal(
            fake, modal, {"Titre": title, "Texte": "Bonjour,\n\nL’AG aura lieu au local."}, staff
        )
    )
    content = preview["data"]["content"]
    assert "<t:4093075800:F>" in content  # 14 September 2099, 9:30 in Montréal
    assert "« general », « psoc »" in content
    assert preview["data"]["embeds"][0]["title"] == title
    done = await click_in_response(fake, responses, preview, "Confirmer", staff)
    assert "planifiée" in done["data"]["content"]
    assert relais.app is not None
    [row] = await relais.app.db.fetchall("SELECT id, status FROM announcements")
    assert row["status"] == "scheduled"
    assert announcements_in(fake, "general", title) == []

    # Relais stops; meanwhile the time draws near (the row is moved to a few seconds ahead).
    await relais.stop()
    db = await Database.open(relais.settings.database_path)
    await db.execute(
        "UPDATE announcements SET due_at = ? WHERE id = ?",
        (to_iso(utc_now() + timedelta(seconds=3)), row["id"]),
    )
    await db.close()
    await relais.start()
    await wait_until(lambda: len(announcements_in(fake, "psoc", title)) == 1, within=30)
    await wait_until(lambda: len(announcements_in(fake, "general", title)) == 1, within=30)
    [posted] = announcements_in(fake, "psoc", title)
    role_id = fake.role_named("Comité PSOC").id
    assert posted.pings() == {f"role:{role_id}"}  # the chosen role, never @everyone

    # Another restart: nothing is posted a second time.
    await relais.restart()
    assert relais.app is not None
    assert await get_service(relais.app).send_all_due() == 0  # nothing left to send
    await asyncio.sleep(0.5)
    assert len(announcements_in(fake, "general", title)) == 1
    assert len(announcements_in(fake, "psoc", title)) == 1


async def test_refusals_answer_in_french_and_post_nothing(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    await relais.start()
    assert relais.app is not None
    member = fake.add_member("Membre")
    refused = await fake.wait_response(
        await fake.invoke_command("annonce publier", {"salons": "general"}, member=member)
    )
    assert "réservée à la permanence" in refused["data"]["content"]
    staff = fake.add_member("Julie", roles=["Permanence"])
    past = await fake.wait_response(
        await fake.invoke_command(
            "annonce planifier", {"quand": "2001-01-01 10:00", "salons": "general"}, member=staff
        )
    )
    assert "passée" in past["data"]["content"]
    unknown = await fake.wait_response(
        await fake.invoke_command("annonce publier", {"salons": "nulle-part"}, member=staff)
    )
    assert "« nulle-part » inconnu" in unknown["data"]["content"]
    modal = await fake.wait_response(
        await fake.invoke_command("annonce publier", {"salons": "general"}, member=staff)
    )
    too_long = await fake.wait_response(
        await submit_modal(fake, modal, {"Titre": "Long", "Texte": "x" * 4000 + "y"}, staff)
    )
    # 4,001 characters in one line cannot be one Discord message: refused with the reason.
    assert "Rien n’a été publié" in too_long["data"]["content"]
    assert await relais.app.db.fetchall("SELECT id FROM announcements") == []
    assert await relais.app.db.fetchall(
        "SELECT id FROM outbox WHERE kind = 'announcement'"
    ) == []


async def test_channel_the_bot_cannot_post_in_is_refused(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake = fake_discord
    revoke_embed_links(fake)  # the bot may write but not show embeds: nothing would be seen
    async with RelaisHarness.create(fake, tmp_path, with_services=True) as relais:
        assert relais.app is not None
        staff = fake.add_member("Julie", roles=["Permanence"])
        modal = await fake.wait_response(
            await fake.invoke_command("annonce publier", {"salons": "general"}, member=staff)
        )
        answer = await fake.wait_response(
            await submit_modal(fake, modal, {"Titre": "AG", "Texte": "Bonjour"}, staff)
        )
        assert "ne peut pas publier dans le salon « general »" in answer["data"]["content"]
        assert await relais.app.db.fetchall("SELECT id FROM announcements") == []


async def test_follow_up_button_and_search(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    await relais.start()
    assert relais.app is not None
    result = await relais.app.pipeline.relay(
        Document(
            source_kind="feed",
            source_name="msss",
            kind="rss",
            title="Cadre normatif du PSOC",
            text="Le ministère publie le cadre normatif révisé. Une rencontre élargie suivra.",
            external_id="cadre-1",
            link="https://www.msss.gouv.qc.ca/cadre",
        ),
        channels=["msss"],
    )
    assert result.communication_id is not None
    relais.app.outbox_worker.wake()
    await relais.wait_sent(result.outbox_ids)
    [post] = [m for m in fake.messages_in("msss") if "Cadre normatif" in json.dumps(m.embeds)]
    custom_id = f"follow:take:{result.communication_id}"
    assert custom_id in json.dumps(post.payload.get("components"))

    member = fake.add_member("Membre")
    refused = await fake.wait_response(
        await fake.click_button(custom_id, message=post, member=member)
    )
    assert "réservée à la permanence" in refused["data"]["content"]
    staff = fake.add_member("Julie", roles=["Permanence"])
    taken = await fake.wait_response(await fake.click_button(custom_id, message=post, member=staff))
    assert taken["type"] == 7  # the post itself is updated
    assert "Pris en charge par Julie" in json.dumps(taken["data"], ensure_ascii=False)
    rows = await relais.app.db.fetchall("SELECT taken_by_name FROM followups")
    assert [r["taken_by_name"] for r in rows] == ["Julie"]

    # Search finds it without accents, ephemeral, with a link to the Discord post.
    answer = await fake.wait_response(
        await fake.invoke_command("rechercher", {"texte": '"ministere NEAR(elargie'},
                                  member=member)
    )
    data = answer["data"]
    assert data["flags"] & 64
    assert "Cadre normatif du PSOC" in data["content"]
    assert post.id in data["content"]  # the message link ends with the post's id


def test_discord_ts_matches_montreal() -> None:
    # The preview asserts a fixed Discord timestamp; check it is 14 Sept 2099 9:30 in Montréal.
    from datetime import datetime

    assert int(datetime(2099, 9, 14, 9, 30, tzinfo=MONTREAL).timestamp()) == 4093075800


async def test_list_modify_cancel_and_history(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    await relais.start()
    assert relais.app is not None
    service = get_service(relais.app)
    from bot.announcements import store
    from bot.announcements.draft import Draft

    ann_id = await service.schedule(
        Draft("Fermeture estivale", "Les bureaux ferment.", ["general"]),
        service.parse_when("2099-07-01 09:00"),
        store.Actor("1", "Marc"),
    )
    staff = fake.add_member("Julie", roles=["Permanence"])
    responses = record_response_messages(fake)
    listed = await fake.wait_response(await fake.invoke_command("annonce liste", member=staff))
    assert f"n° {ann_id}" in listed["data"]["content"]
    assert "Fermeture estivale" in listed["data"]["content"]

    modal = await fake.wait_response(
        await fake.invoke_command(
            "annonce modifier", {"numero": ann_id, "quand": "2099-07-02 10:00"}, member=staff
        )
    )
    assert modal["type"] == 9
    fields = [row["components"][0] for row in modal["data"]["components"]]
    assert fields[0]["value"] == "Fermeture estivale"  # prefilled
    preview = await fake.wait_response(
        await submit_modal(fake, modal, {"Titre": "Fermeture d’été", "Texte": "Fermé."}, staff)
    )
    done = await click_in_response(fake, responses, preview, "Confirmer", staff)
    assert "modifiée" in done["data"]["content"]
    changed = await store.get(relais.app.db, ann_id)
    assert changed is not None and changed.title == "Fermeture d’été"
    assert changed.due_at == service.parse_when("2099-07-02 10:00")

    cancelled = await fake.wait_response(
        await fake.invoke_command("annonce annuler", {"numero": ann_id}, member=staff)
    )
    assert "annulée" in cancelled["data"]["content"]
    again = await fake.wait_response(
        await fake.invoke_command("annonce annuler", {"numero": ann_id}, member=staff)
    )
    assert "n’est plus planifiée" in again["data"]["content"]
    history = await fake.wait_response(
        await fake.invoke_command("annonce historique", member=staff)
    )
    text = history["data"]["content"]
    assert text.index("**Julie** a annulé") < text.index("**Julie** a modifié")
    assert "**Marc** a planifié" in text


async def test_publish_now_pings_nobody_unless_chosen(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    await relais.start()
    staff = fake.add_member("Julie", roles=["Permanence"])
    responses = record_response_messages(fake)

    async def publish(title: str, options: dict[str, Any]) -> None:
        modal = await fake.wait_response(
            await fake.invoke_command("annonce publier", options, member=staff)
        )
        preview = await fake.wait_response(
            await submit_modal(
                fake, modal, {"Titre": title, "Texte": "Salut @everyone et @here !"}, staff
            )
        )
        done = await click_in_response(fake, responses, preview, "Confirmer", staff)
        assert "publiée" in done["data"]["content"]

    await publish("Sans mention", {"salons": "annonces"})
    await wait_until(lambda: len(announcements_in(fake, "annonces", "Sans mention")) == 1)
    [quiet] = announcements_in(fake, "annonces", "Sans mention")
    assert quiet.pings() == set()  # « @everyone » typed in the text pings nobody

    await publish("Avec mention", {"salons": "annonces", "tout_le_monde": True})
    await wait_until(lambda: len(announcements_in(fake, "annonces", "Avec mention")) == 1)
    [loud] = announcements_in(fake, "annonces", "Avec mention")
    assert loud.pings() == {"everyone"}  # staff ticked it explicitly
