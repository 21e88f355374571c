"""Issue 16, point 2 end to end: staff shape feeds from Discord (real discord.py client, the fake
Discord, a feed server on 127.0.0.1): /flux modifier with a filter preview and confirmation,
OPML import (preview, confirm) and export, posting into a thread and into a forum."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.sources.feeds import store
from tests.e2e.fake_discord import FakeDiscord, RecordedMessage
from tests.e2e.harness import RelaisHarness
from tests.feeds.conftest import FeedServer
from tests.feeds.feedgen import rss_feed
from tests.feeds.test_feeds_e2e import answer, poll_now, relais  # noqa: F401
from tests.feeds.test_service import VersionedFeed
from tests.helpers import wait_until

Relais = tuple[RelaisHarness, FakeDiscord]


async def shown(fake: FakeDiscord, interaction: str) -> RecordedMessage:
    """The last visible message an interaction produced (its follow-up after a deferral)."""
    await fake.wait_responses(interaction, 1)
    return [m for m in fake.responses_to(interaction) if m.content or m.embeds][-1]


async def click(fake: FakeDiscord, message: RecordedMessage, label: str,
                member: dict[str, Any], *, reply: bool = True) -> str:
    """Click a button of ``message``; the text the bot answered (its follow-up, or the edit)."""
    button = next(b for b in message.buttons() if b.get("label") == label)
    clicked = await fake.click_button(button["custom_id"], message=message, member=member)
    first = await fake.wait_response(clicked)
    if not reply:
        return str(first["data"].get("content", ""))
    await wait_until(lambda: bool(fake.followups_of(clicked)))
    return str(fake.followups_of(clicked)[-1]["content"])


def embed_titles(messages: list[RecordedMessage]) -> list[str]:
    return [e.get("title", "") for m in messages for e in m.embeds]


def mixed_feed(count: int) -> bytes:
    """Items alternating between a PSOC consultation and an unrelated maintenance notice."""
    extra = "".join(
        f"<item><title>{'Consultation PSOC' if n % 2 else 'Maintenance du portail'} n° {n}</title>"
        f"<guid isPermaLink='false'>mixte-{n}</guid><category>{'PSOC' if n % 2 else 'TI'}</category>"
        f"<description>Texte {n}.</description></item>"
        for n in range(count, 0, -1)
    )
    return rss_feed(feed=9, items=0, extra_items=extra)


async def test_modify_with_filter_preview_and_confirmation(
    relais: Relais, feed_server: FeedServer  # noqa: F811
) -> None:
    harness, fake = relais
    feed = VersionedFeed(mixed_feed(24))
    url = feed_server.route("/mixte.xml", feed)
    await harness.start()
    staff = fake.add_member("Julie Permanence", roles=["Permanence"])
    await answer(fake, await fake.invoke_command(
        "flux ajouter", {"nom": "Mixte", "adresse": url, "salon": "psoc"}, member=staff))
    await wait_until(lambda: len(fake.messages_in("psoc")) == 1)

    # A backreference cannot run in linear time: refused in French, nothing changed.
    refused = await answer(fake, await fake.invoke_command(
        "flux modifier", {"nom": "Mixte", "exclure_regex": r"(\w)\1"}, member=staff))
    assert "refusée" in refused["content"] and "temps linéaire" in refused["content"]

    interaction = await fake.invoke_command(
        "flux modifier",
        {"nom": "Mixte", "inclure_regex": r"consultation\s+psoc", "exclure": "n° 23, n° 21"},
        member=staff,
    )
    preview = await shown(fake, interaction)
    assert "20 derniers éléments" in preview.content
    assert "8 retenu(s), 12 écarté(s)" in preview.content  # of items 24…5: odd ones but 23, 21
    assert "✅ Consultation PSOC n° 19" in preview.content
    assert "🚫 Maintenance du portail n° 24" in preview.content
    assert "mot exclu « n° 23 »" in preview.content
    record = await store.get_feed(harness.app.db, "Mixte")  # type: ignore[union-attr]
    assert record is not None and record.feed.include_regex == ()  # not before confirmation
    assert "modifié" in await click(fake, preview, "Confirmer", staff)
    record = await store.get_feed(harness.app.db, "Mixte")  # type: ignore[union-attr]
    assert record is not None and record.feed.include_regex == (r"consultation\s+psoc",)

    feed.update(mixed_feed(28))  # 25 … 28: only 25 and 27 are PSOC consultations
    await poll_now(harness)
    await wait_until(lambda: len(fake.messages_in("psoc")) == 3)
    assert embed_titles(fake.messages_in("psoc"))[1:] == ["Consultation PSOC n° 25",
                                                         "Consultation PSOC n° 27"]

    # Without filter options the change applies at once; "what the post shows" included.
    done = await answer(fake, await fake.invoke_command(
        "flux modifier", {"nom": "Mixte", "intervalle": 30, "affichage": "title"}, member=staff))
    assert "toutes les 30 min" in done["content"]
    record = await store.get_feed(harness.app.db, "Mixte")  # type: ignore[union-attr]
    assert record is not None and record.feed.interval_minutes == 30 and record.feed.show == "title"
    feed.update(mixed_feed(29))
    await poll_now(harness)
    await wait_until(lambda: len(fake.messages_in("psoc")) == 4)
    title_only = fake.messages_in("psoc")[3].embeds[0]
    assert title_only["title"] == "Consultation PSOC n° 29" and not title_only.get("description")

    # Cancel leaves everything as it was.
    interaction = await fake.invoke_command(
        "flux modifier", {"nom": "Mixte", "inclure": "-", "inclure_regex": "-"}, member=staff)
    preview = await shown(fake, interaction)
    assert "18 retenu(s), 2 écarté(s)" in preview.content  # the excluded words stay
    assert "Annulé" in await click(fake, preview, "Annuler", staff, reply=False)
    record = await store.get_feed(harness.app.db, "Mixte")  # type: ignore[union-attr]
    assert record is not None and record.feed.include_regex == (r"consultation\s+psoc",)


async def test_posting_into_a_thread_and_into_a_forum(
    relais: Relais, feed_server: FeedServer  # noqa: F811
) -> None:
    harness, fake = relais
    thread = fake.add_thread("veille-psoc", fake.channel_named("psoc"))
    forum = fake.add_channel("forum-veille", type=15)
    in_thread = VersionedFeed(rss_feed(feed=1, items=2))
    in_forum = VersionedFeed(rss_feed(feed=2, items=2))
    await harness.start()
    staff = fake.add_member("Julie Permanence", roles=["Permanence"])
    await answer(fake, await fake.invoke_command(
        "flux ajouter",
        {"nom": "Dans un fil", "adresse": feed_server.route("/fil.xml", in_thread), "fil": thread},
        member=staff))
    await answer(fake, await fake.invoke_command(
        "flux ajouter",
        {"nom": "Dans un forum", "adresse": feed_server.route("/forum.xml", in_forum),
         "fil": forum},
        member=staff))
    await wait_until(lambda: len(fake.messages_in(thread.id)) == 1)
    await wait_until(lambda: len(fake.threads_of(forum)) == 1)
    in_thread.update(rss_feed(feed=1, items=4))
    in_forum.update(rss_feed(feed=2, items=4))
    await poll_now(harness)
    await wait_until(lambda: len(fake.messages_in(thread.id)) == 3)
    await wait_until(lambda: len(fake.threads_of(forum)) == 3)
    # One forum post per item, titled after it, its embed inside.
    posts = fake.threads_of(forum)
    assert [p.name[:14] for p in posts] == ["Communiqué 2-1", "Communiqué 2-2", "Communiqué 2-3"]
    for post in posts:
        [message] = fake.messages_in(post.id)
        assert message.embeds[0]["title"] == post.name
    assert not fake.messages_in("psoc")  # the thread's parent got nothing directly
    # The thread can also be chosen afterwards with /flux modifier.
    done = await answer(fake, await fake.invoke_command(
        "flux modifier", {"nom": "Dans un forum", "fil": thread}, member=staff))
    assert f"<#{thread.id}>" in done["content"]


OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Abonnements</title></head><body>
<outline text="Santé">
  <outline type="rss" text="MSSS — Communiqués" xmlUrl="{one}"/>
  <outline type="rss" text="Coalition &lt;b&gt;nouvelles&lt;/b&gt;" xmlUrl="{two}"/>
</outline>
<outline type="rss" text="Déjà là" xmlUrl="{known}"/>
<outline type="rss" text="Privé" xmlUrl="http://10.0.0.8/flux.xml"/>
</body></opml>"""


async def test_opml_import_with_preview_and_export(
    relais: Relais, feed_server: FeedServer  # noqa: F811
) -> None:
    harness, fake = relais
    one = feed_server.serve("/un.xml", rss_feed(feed=1, items=1))
    two = feed_server.serve("/deux.xml", rss_feed(feed=2, items=1))
    known = feed_server.serve("/connu.xml", rss_feed(feed=3, items=1))
    await harness.start()
    staff = fake.add_member("Julie Permanence", roles=["Permanence"])
    await answer(fake, await fake.invoke_command(
        "flux ajouter", {"nom": "Connu", "adresse": known}, member=staff))

    hostile = ('<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "x">]><opml><body>'
               '<outline xmlUrl="http://exemple.org/&a;"/></body></opml>')
    refused = await answer(fake, await fake.invoke_command(
        "flux importer", {"fichier": ("abonnements.opml", hostile.encode("utf-16"))}, member=staff))
    assert "entités" in refused["content"]

    body = OPML.format(one=one, two=two, known=known).encode()
    interaction = await fake.invoke_command(
        "flux importer", {"fichier": ("abonnements.opml", body), "salon": "msss"}, member=staff)
    preview = await shown(fake, interaction)
    assert "4 flux, dont 2 à ajouter, 1 déjà suivi(s) et 1 refusé(s)" in preview.content
    assert "adresse déjà suivie" in preview.content
    assert await store.get_feed(harness.app.db, "MSSS — Communiqués") is None  # type: ignore[union-attr]
    assert "2 flux ajouté(s)" in await click(fake, preview, "Confirmer", staff)
    imported = await store.get_feed(harness.app.db, "MSSS — Communiqués")  # type: ignore[union-attr]
    assert imported is not None and imported.feed.channels == ("msss",)
    assert await store.get_feed(harness.app.db, "Coalition b nouvelles b") is not None  # type: ignore[union-attr]
    await wait_until(lambda: len(fake.messages_in("msss")) == 2)  # each posts its newest item

    exported = await answer(fake, await fake.invoke_command("flux exporter", member=staff))
    assert "3 flux exporté(s)" in exported["content"]
    name, blob = fake.uploads[-1]
    assert name == "relais-flux.opml"
    text = blob.decode()
    for url in (one, two, known):
        assert f'xmlUrl="{url}"' in text
    # What was exported imports back as "already watched", nothing new.
    again = await answer(fake, await fake.invoke_command(
        "flux importer", {"fichier": ("retour.opml", blob)}, member=staff))
    assert "Aucun nouveau flux" in again["content"]
    assert json.dumps(again, ensure_ascii=False).count("➕") == 0


async def test_a_page_added_from_discord(relais: Relais, feed_server: FeedServer) -> None:  # noqa: F811
    harness, fake = relais
    state = {"html": "<main><p>Consultation ouverte.</p></main>"}

    async def page(request: web.Request) -> web.StreamResponse:
        return web.Response(text=state["html"], content_type="text/html")

    url = feed_server.route("/page", page)
    await harness.start()
    assert harness.app is not None
    staff = fake.add_member("Julie Permanence", roles=["Permanence"])
    added = await answer(fake, await fake.invoke_command(
        "flux ajouter", {"nom": "Page consultation", "adresse": url, "type": "page",
                         "selecteur": "main", "salon": "psoc"}, member=staff))
    assert "ajouté" in added["content"]
    record = await store.get_feed(harness.app.db, "Page consultation")
    assert record is not None and record.feed.kind == "page" and record.feed.selector == "main"
    await harness.settled()  # the first poll stored the first version (and posts nothing)
    row = await harness.app.db.fetchone("SELECT count(*) FROM page_versions")
    assert row is not None and row[0] == 1
    assert not fake.messages_in("psoc")
    state["html"] = ("<main><p>Consultation ouverte.</p><p>Les mémoires sont attendus au plus "
                     "tard le 15 janvier 2027.</p></main>")
    await poll_now(harness)
    await wait_until(lambda: len(fake.messages_in("psoc")) == 1)
    embed = fake.messages_in("psoc")[0].embeds[0]
    assert embed["title"].startswith("Mise à jour")
    assert "15 janvier 2027" in json.dumps(embed, ensure_ascii=False)
