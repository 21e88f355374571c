"""cogs/feeds.py: its pure helpers and the command tree, without a Discord connection."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import discord
from discord.ext import commands

from bot.app import App
from bot.relay.publisher import ConsolePublisher
from bot.sources.feeds import store
from bot.sources.feeds.service import FeedAdminError, FeedService
from bot.store.db import Database
from cogs import feeds as cog
from tests.feeds.conftest import FeedServer, make_settings
from tests.feeds.feedgen import rss_feed


async def make_app(tmp_path: Path) -> App:
    settings = make_settings(tmp_path, allow=["127.0.0.1"], timeout=2)
    db = await Database.open(settings.database_path)
    return App(settings, db, ConsolePublisher(settings.config.channels, stream=io.StringIO()))


async def test_list_status_and_preview(tmp_path: Path, feed_server: FeedServer) -> None:
    app = await make_app(tmp_path)
    service = FeedService(app)
    try:
        assert cog.list_text([]) == "Aucun flux n’est suivi pour l’instant."
        url = feed_server.serve("/a.xml", rss_feed(feed=1, items=3))
        try:
            await service.add("MSSS *gras* @everyone", url)
        except FeedAdminError as exc:
            assert exc.message.startswith("Nom « MSSS *gras* @everyone » invalide")
        else:
            raise AssertionError("markdown in a feed name was accepted")
        await service.add("MSSS — Communiqués", url, channel="msss")
        records = await service.feeds()
        text = cog.list_text(records)
        assert "**MSSS — Communiqués** → msss · toutes les 5 min · actif" in text

        header, post = await cog.preview_post(app, service, "msss — communiqués")
        assert "3 élément(s)" in header
        assert post is not None and post.channel == "msss"
        assert post.embeds[0].title and post.embeds[0].title.startswith("Communiqué 1-2")
        assert await app.db.fetchall("SELECT 1 FROM outbox") == []  # a preview posts nothing
        by_url = await service.preview(url)  # a feed not (yet) followed, by its address
        assert by_url.document is not None and by_url.document.external_id == "f1-item-2"

        await service.run_once()
        record = await store.get_feed(app.db, "MSSS — Communiqués")
        assert record is not None
        fields = dict(cog.status_fields(record))
        assert fields["Éléments relayés"] == "1"
        assert fields["Éléments connus"] == "3"
        assert fields["Dernier succès"].startswith("<t:")
        assert fields["Dernière erreur"] == "jamais"
    finally:
        await service.stop()
        await app.db.close()


async def test_preview_of_an_unknown_name_or_private_url_is_refused(tmp_path: Path) -> None:
    app = await make_app(tmp_path)
    service = FeedService(app)
    try:
        for value, expected in (("inconnu", "Aucun flux"), ("http://10.0.0.8/flux.xml", "non publique")):
            try:
                await cog.preview_post(app, service, value)
            except FeedAdminError as exc:
                assert expected in exc.message
            else:
                raise AssertionError(f"{value} was accepted")
    finally:
        await service.stop()
        await app.db.close()


async def test_command_tree_is_french_with_english_localisations(tmp_path: Path) -> None:
    from bot.discord.i18n import RelaisTranslator

    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())
    bot.app = SimpleNamespace(services=[], settings=make_settings(tmp_path))  # type: ignore[attr-defined]
    await cog.setup(bot)  # type: ignore[arg-type]
    await bot.tree.set_translator(RelaisTranslator())
    [group] = [c for c in bot.tree.get_commands() if c.name == "flux"]
    payload = await group.get_translated_payload(bot.tree, RelaisTranslator())  # type: ignore[arg-type]
    assert payload["name"] == "flux"
    assert payload["name_localizations"]["en-US"] == "feeds"
    names = {option["name"] for option in payload["options"]}
    assert names == {"ajouter", "modifier", "retirer", "liste", "tester", "etat", "reprendre",
                     "importer", "exporter"}
    ajouter = next(o for o in payload["options"] if o["name"] == "ajouter")
    assert [o["name"] for o in ajouter["options"]] == [
        "nom", "adresse", "salon", "intervalle", "role", "fil", "type", "selecteur"
    ]
    fil = next(o for o in ajouter["options"] if o["name"] == "fil")
    assert set(fil["channel_types"]) >= {11, 15}  # threads and forum channels
    assert ajouter["options"][1]["name_localizations"]["en-US"] == "url"
    await bot.close()
