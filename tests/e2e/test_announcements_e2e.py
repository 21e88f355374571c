"""Announcements end to end: `/annonce planifier` through the real client and the fake
Discord, Relais restarted, the announcement posted once at its time; refusals; follow-up
button; search."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.announcements import store
from bot.announcements.draft import AnnouncementError, Draft
from bot.app import App
from bot.models import Document
from bot.store.db import Database
from bot.timeutil import MONTREAL, to_iso, utc_now
from tests.e2e.fake_discord import EMBED_LINKS, FakeDiscord, RecordedMessage
from tests.e2e.harness import RelaisHarness
from tests.helpers import wait_until

MENTION_EVERYONE = 1 << 17  # « Mentionner @everyone, @here et tous les rôles »
MARC = store.Actor("1", "Marc")


async def open_modal(
    fake: FakeDiscord, path: str, options: dict[str, Any], member: dict[str, Any]
) -> str:
    """Invoke ``/path``; the bot must answer with a modal. Returns the interaction id."""
    interaction_id = await fake.invoke_command(path, options, member=member)
    answer = await fake.wait_response(interaction_id)
    assert answer["type"] == 9, answer
    return interaction_id


async def preview_of(
    fake: FakeDiscord, command_id: str, title: str, body: str
) -> RecordedMessage:
    """Submit the modal opened by ``command_id``; the ephemeral answer (preview or refusal)."""
    submit_id = await fake.submit_modal(command_id, {"Titre": title, "Texte": body})
    [answer] = await fake.wait_responses(submit_id)
    return answer


async def click(
    fake: FakeDiscord, message: RecordedMessage, label: str, member: dict[str, Any]
) -> dict[str, Any]:
    button = next(b for b in message.buttons() if b.get("label") == label)
    return await fake.wait_response(
        await fake.click_button(button["custom_id"], message=message, member=member)
    )


async def planned(
    relais: RelaisHarness, draft: Draft, when: str = "2099-07-01 09:00"
) -> tuple[App, int]:
    """Relais started, ``draft`` planned by Marc for ``when`` (not through Discord): the
    running App and the announcement's n°."""
    app = await relais.start_app()
    service = app.announcements
    return app, await service.schedule(draft, service.parse_when(when), MARC)


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
    title = "Assemblée générale annuelle"

    # Staff schedule through the command: modal, preview showing the parsed time, Confirmer.
    command = await open_modal(
        fake,
        "annonce planifier",
        {"quand": "2099-09-14 09:30", "salons": "general, psoc", "role": "Comité PSOC"},
        staff,
    )
    preview = await preview_of(fake, command, title, "Bonjour,\n\nL’AG aura lieu au local.")
    assert preview.ephemeral
    assert "<t:4093075800:F>" in preview.content  # 14 September 2099, 9:30 in Montréal
    assert "« general », « psoc »" in preview.content
    assert preview.embeds[0]["title"] == title
    assert preview.pings() == set()  # the preview names the role without pinging it
    done = await click(fake, preview, "Confirmer", staff)
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
    assert posted.allowed_mentions is not None
    assert "everyone" not in posted.allowed_mentions.get("parse", [])
    assert [str(r) for r in posted.allowed_mentions.get("roles", [])] == [role_id]

    # Another restart: nothing is posted a second time.
    await relais.restart()
    assert relais.app is not None
    assert await relais.app.announcements.send_all_due() == 0  # nothing left to send
    await relais.settled()
    assert len(announcements_in(fake, "general", title)) == 1
    assert len(announcements_in(fake, "psoc", title)) == 1


async def test_refusals_answer_in_french_and_post_nothing(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    app = await relais.start_app()
    # Not staff: refused at run time, whatever the command's default permissions say (the
    # fake does not apply them, as a server admin who opened the command to all would not).
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
    everyone_role = await fake.wait_response(
        await fake.invoke_command(
            "annonce publier", {"salons": "general", "role": fake.roles[fake.guild_id]},
            member=staff,
        )
    )
    assert "cochez l’option" in everyone_role["data"]["content"]
    command = await open_modal(fake, "annonce publier", {"salons": "general"}, staff)
    too_long = await preview_of(fake, command, "Long", "x" * 4000 + "y")
    # 4,001 characters in one line cannot be one Discord message: refused with the reason.
    assert "Rien n’a été publié" in too_long.content
    assert too_long.buttons() == []

    # Annuler under a preview: nothing recorded, nothing posted.
    command = await open_modal(fake, "annonce publier", {"salons": "general"}, staff)
    preview = await preview_of(fake, command, "Brouillon", "Rien à publier.")
    aborted = await click(fake, preview, "Annuler", staff)
    assert aborted["type"] == 7 and "rien n’a été publié" in aborted["data"]["content"]
    await relais.settled()
    assert await app.db.fetchall("SELECT id FROM announcements") == []
    assert await app.db.fetchall(
        "SELECT id FROM outbox WHERE kind = 'announcement'"
    ) == []
    assert announcements_in(fake, "general", "Brouillon") == []


async def test_channel_the_bot_cannot_post_in_is_refused(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake = fake_discord
    async with RelaisHarness.create(fake, tmp_path, with_services=True) as relais:
        assert relais.app is not None
        # The bot may write but not show embeds: nothing would be seen.
        await fake.revoke_bot_permissions(EMBED_LINKS)
        staff = fake.add_member("Julie", roles=["Permanence"])
        command = await open_modal(fake, "annonce publier", {"salons": "general"}, staff)
        answer = await preview_of(fake, command, "AG", "Bonjour")
        assert "ne peut pas publier dans le salon « general »" in answer.content
        assert answer.buttons() == []
        assert await relais.app.db.fetchall("SELECT id FROM announcements") == []


async def test_follow_up_button_and_search(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    app = await relais.start_app()
    result = await app.pipeline.relay(
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
    app.outbox_worker.wake()
    await relais.wait_sent(result.outbox_ids)
    [post] = [m for m in fake.messages_in("msss") if "Cadre normatif" in json.dumps(m.embeds)]
    custom_id = f"follow:take:{result.communication_id}"
    assert custom_id in [b["custom_id"] for b in post.buttons()]

    member = fake.add_member("Membre")
    refused = await fake.wait_response(
        await fake.click_button(custom_id, message=post, member=member)
    )
    # A button's refusal, not a command's.
    assert refused["data"]["content"] == (
        "Ce bouton est réservé à la permanence (rôle « Permanence »)."
    )
    staff = fake.add_member("Julie", roles=["Permanence"])
    taken = await fake.wait_response(await fake.click_button(custom_id, message=post, member=staff))
    assert taken["type"] == 7  # the post itself is updated
    shown = json.dumps(taken["data"], ensure_ascii=False)
    assert "Pris en charge par Julie, <t:" in shown  # who, and when
    rows = await app.db.fetchall("SELECT taken_by_name FROM followups")
    assert [r["taken_by_name"] for r in rows] == ["Julie"]
    second = await fake.wait_response(
        await fake.click_button(custom_id, message=post, member=fake.add_member(
            "Marc", roles=["Permanence"]))
    )
    assert "Déjà pris en charge par Julie" in second["data"]["content"]

    # Search finds it without accents, ephemeral, with a link to the Discord post.
    answer = await fake.wait_response(
        await fake.invoke_command("rechercher", {"texte": '"ministere NEAR(elargie'},
                                  member=member)
    )
    data = answer["data"]
    assert data["flags"] & 64
    assert "Cadre normatif du PSOC" in data["content"]
    assert post.id in data["content"]  # the message link ends with the post's id


async def test_search_both_ways_with_filters(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    app = await relais.start_app()
    ids = []
    for source, title, text in (
        ("msss", "Bulletin du reseau", "Le reseau communautaire se mobilise (sans accents)."),
        ("ctroc", "Lettre de la CTROC", "Le réseau des tables régionales répond au ministère."),
    ):
        result = await app.pipeline.relay(
            Document(source_kind="feed", source_name=source, kind="rss", title=title, text=text,
                     external_id=title, link="https://example.org/" + source),
            channels=["msss"],
        )
        ids += result.outbox_ids
    app.outbox_worker.wake()
    await relais.wait_sent(ids)
    member = fake.add_member("Membre")

    async def ask(options: dict[str, Any]) -> str:
        answer = await fake.wait_response(
            await fake.invoke_command("rechercher", options, member=member)
        )
        assert answer["data"]["flags"] & 64
        return str(answer["data"]["content"])

    both = await ask({"texte": "réseau"})
    assert "Bulletin du reseau" in both and "Lettre de la CTROC" in both
    assert "Bulletin du reseau" in await ask({"texte": "reseau"})
    only = await ask({"texte": "reseau", "source": "ctroc"})
    assert "Lettre de la CTROC" in only and "Bulletin" not in only
    none_yet = await ask({"texte": "réseau", "depuis": "2099-01-01"})
    assert "Aucune communication" in none_yet
    since = await ask({"texte": "réseau", "depuis": "1er janvier 2020"})
    assert "(2)" in since
    bad = await ask({"texte": "réseau", "depuis": "la semaine des quatre jeudis"})
    assert "Je ne comprends pas la date « la semaine des quatre jeudis »" in bad
    syntax = await ask({"texte": '"*()'})
    assert "Indiquez au moins un mot" in syntax


def test_discord_ts_matches_montreal() -> None:
    # The preview asserts a fixed Discord timestamp; check it is 14 Sept 2099 9:30 in Montréal.
    from datetime import datetime

    assert int(datetime(2099, 9, 14, 9, 30, tzinfo=MONTREAL).timestamp()) == 4093075800


async def test_list_modify_cancel_and_history(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    app, ann_id = await planned(
        relais, Draft("Fermeture estivale", "Les bureaux ferment.", ["general"])
    )
    staff = fake.add_member("Julie", roles=["Permanence"])
    listed = await fake.wait_response(await fake.invoke_command("annonce liste", member=staff))
    assert f"n° {ann_id}" in listed["data"]["content"]
    assert "Fermeture estivale" in listed["data"]["content"]

    command = await open_modal(
        fake, "annonce modifier", {"numero": ann_id, "quand": "2099-07-02 10:00"}, staff
    )
    [modal] = [c for c in fake.interaction_callbacks[command] if c["type"] == 9]
    assert "Fermeture estivale" in json.dumps(modal["data"], ensure_ascii=False)  # prefilled
    preview = await preview_of(fake, command, "Fermeture d’été", "Fermé.")
    done = await click(fake, preview, "Confirmer", staff)
    assert "modifiée" in done["data"]["content"]
    changed = await store.get(app.db, ann_id)
    assert changed is not None and changed.title == "Fermeture d’été"
    assert changed.due_at == app.announcements.parse_when("2099-07-02 10:00")

    # Asked first (« Annuler l’annonce » / « Ne rien faire »), then done.
    asked = await fake.invoke_command("annonce annuler", {"numero": ann_id}, member=staff)
    [question] = await fake.wait_responses(asked)
    assert [b["label"] for b in question.buttons()] == ["Annuler l’annonce", "Ne rien faire"]
    cancelled = await fake.wait_response(
        await fake.click_button(question.buttons()[0]["custom_id"], message=question, member=staff)
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
    assert "**Marc** a planifié l’annonce" in text
    by_marc = next(line for line in text.splitlines() if "**Marc** a planifié" in line)
    # When it was done, and for when and where it was planned.
    assert by_marc.startswith("<t:") and "pour le <t:" in by_marc and "dans general" in by_marc
    assert "(titre, texte, heure)" in text


async def test_modify_changes_role_and_everyone(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    app, ann_id = await planned(
        relais,
        Draft("Rappel", "Le dépôt ferme vendredi.", ["annonces"], ping_roles=["Comité PSOC"]),
    )
    staff = fake.add_member("Julie", roles=["Permanence"])
    await fake.grant_bot_permissions(MENTION_EVERYONE)
    both = await fake.wait_response(
        await fake.invoke_command(
            "annonce modifier",
            {"numero": ann_id, "role": "Permanence", "sans_role": True},
            member=staff,
        )
    )
    assert "pas les deux" in both["data"]["content"]

    command = await open_modal(
        fake, "annonce modifier", {"numero": ann_id, "sans_role": True, "tout_le_monde": True},
        staff,
    )
    preview = await preview_of(fake, command, "Rappel", "Le dépôt ferme vendredi.")
    assert "en mentionnant @everyone" in preview.content and "Comité" not in preview.content
    assert preview.pings() == set()
    await click(fake, preview, "Confirmer", staff)
    changed = await store.get(app.db, ann_id)
    assert changed is not None
    assert (changed.ping_roles, changed.ping_everyone) == ([], True)
    [entry, *_] = await store.history(app.db)
    assert entry.changed == ["roles", "everyone"]

    # When its time comes, the modified mentions are what Discord is allowed to ping.
    assert await store.send_due(app.db, ann_id, now=changed.due_at)
    app.outbox_worker.wake()
    await wait_until(lambda: len(announcements_in(fake, "annonces", "Rappel")) == 1)
    [posted] = announcements_in(fake, "annonces", "Rappel")
    assert posted.pings() == {"everyone"}


async def test_publish_now_pings_nobody_unless_chosen(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = relais_services, fake_discord
    await relais.start()
    staff = fake.add_member("Julie", roles=["Permanence"])

    async def publish(title: str, options: dict[str, Any]) -> RecordedMessage:
        command = await open_modal(fake, "annonce publier", options, staff)
        preview = await preview_of(fake, command, title, "Salut @everyone et @here !")
        assert preview.pings() == set()
        done = await click(fake, preview, "Confirmer", staff)
        assert "publiée" in done["data"]["content"]
        await wait_until(lambda: len(announcements_in(fake, "annonces", title)) == 1)
        [posted] = announcements_in(fake, "annonces", title)
        return posted

    # Staff typed @everyone and @here in the title and the text without ticking the option.
    quiet = await publish("Sans mention @everyone", {"salons": "annonces"})
    assert quiet.pings() == set()
    assert quiet.allowed_mentions is not None
    assert quiet.allowed_mentions.get("parse") == []  # what the request allowed: nothing
    assert "@everyone" not in quiet.content and "@here" not in quiet.content

    # Ticked, but Relais may not mention @everyone there: Discord would drop it silently.
    command = await open_modal(
        fake, "annonce publier", {"salons": "annonces", "tout_le_monde": True}, staff
    )
    refused = await preview_of(fake, command, "Avec mention", "Bonjour")
    assert "permission « Mentionner @everyone »" in refused.content
    assert refused.buttons() == []
    await fake.grant_bot_permissions(MENTION_EVERYONE)
    loud = await publish("Avec mention", {"salons": "annonces", "tout_le_monde": True})
    assert loud.pings() == {"everyone"}  # staff ticked it explicitly
    assert loud.allowed_mentions is not None
    assert loud.allowed_mentions.get("parse") == ["everyone"]


async def test_expired_preview_says_so_and_posts_nothing(
    relais_services: RelaisHarness, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    relais, fake = relais_services, fake_discord
    await relais.start()
    # discord.py loads each extension as a fresh module: patch the one the bot runs.
    monkeypatch.setattr(sys.modules["cogs.announcements"].Confirm, "TIMEOUT", 0.5)
    assert relais.app is not None
    staff = fake.add_member("Julie", roles=["Permanence"])
    command = await open_modal(fake, "annonce publier", {"salons": "general"}, staff)
    preview = await preview_of(fake, command, "Oubliée", "Personne ne confirme.")
    assert preview.buttons()
    await fake.wait_until(lambda: "Aperçu expiré" in preview.content)
    assert preview.buttons() == []
    assert await relais.app.db.fetchall("SELECT id FROM announcements") == []


async def test_unknown_role_is_refused_before_anything_is_recorded(
    relais_services: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, _ = relais_services, fake_discord
    app = await relais.start_app()
    service = app.announcements

    # A file header (or any caller) naming a role the server does not have: nobody would be
    # notified, so it is refused with the reason rather than posted silently.
    with pytest.raises(AnnouncementError, match="Rôle « Délégation fantôme » introuvable"):
        await service.publish(
            Draft("AG", "Texte", ["general"], ping_roles=["Délégation fantôme"]),
            store.Actor(None, "fichier ag.md"),
        )
    assert await app.db.fetchall("SELECT id FROM announcements") == []
    await service.publish(
        Draft("AG", "Texte", ["general"], ping_roles=["Comité PSOC"]), store.Actor(None, "x")
    )
    assert len(await app.db.fetchall("SELECT id FROM announcements")) == 1
