"""Command names and descriptions: French by default, English localisations from the catalog."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from discord import Locale, app_commands

from bot.app import App
from bot.discord.checks import StaffGroup
from bot.discord.client import RelaisBot
from bot.discord.i18n import L, RelaisTranslator
from tests.helpers import make_settings

CONTEXT: app_commands.TranslationContext[Any, Any] = app_commands.TranslationContext(
    location=app_commands.TranslationContextLocation.other, data=None
)


async def test_marked_string_is_french_with_an_english_localisation() -> None:
    marked = L("admin.cmd.etat")
    assert marked.message == "etat"
    assert marked.extras["key"] == "admin.cmd.etat"
    translator = RelaisTranslator()
    assert await translator.translate(marked, Locale.american_english, CONTEXT) == "status"
    assert await translator.translate(marked, Locale.british_english, CONTEXT) == "status"
    assert await translator.translate(marked, Locale.french, CONTEXT) is None


async def test_unmarked_string_is_left_alone() -> None:
    plain = app_commands.locale_str("etat")
    assert await RelaisTranslator().translate(plain, Locale.american_english, CONTEXT) is None


async def _loaded_bot(tmp_path: Path) -> RelaisBot:
    """Relais's bot with every cog loaded (not connected)."""
    app = await App.create(make_settings(tmp_path))
    try:
        bot = RelaisBot(app)
        await bot.tree.set_translator(RelaisTranslator())
        await bot.load_cogs()
        assert bot.failed_cogs == {}
        return bot
    finally:
        await app.close()


async def _command_tree(tmp_path: Path) -> list[dict[str, Any]]:
    """What Relais would send Discord for its commands, translations included."""
    bot = await _loaded_bot(tmp_path)
    translator = RelaisTranslator()
    return [await c.get_translated_payload(bot.tree, translator) for c in bot.tree.get_commands()]


def _walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every command, group and option of the tree."""
    for item in items:
        yield item
        yield from _walk(item.get("options", []))


async def test_every_name_and_description_has_an_english_entry(tmp_path: Path) -> None:
    """The contract of every cog: each French name and description has its "key.en"."""
    tree = await _command_tree(tmp_path)
    found = list(_walk(tree))
    assert {"relais", "flux", "annonce", "document", "calendrier"} <= {c["name"] for c in tree}
    assert any(i["name"] == "etat" for i in found)  # the walk itself works
    missing = [
        i["name"]
        for i in found
        if not i.get("name_localizations", {}).get("en-US")
        or not i.get("description_localizations", {}).get("en-US")
    ]
    assert missing == []


async def test_command_names_are_valid_for_discord(tmp_path: Path) -> None:
    """Discord refuses a sync with a bad name: lowercase, 1-32 letters, digits, - or _."""
    valid = re.compile(r"^[-_\w]{1,32}$")
    found = list(_walk(await _command_tree(tmp_path)))
    assert len(found) > 50
    for item in found:
        for text in (item["name"], item.get("name_localizations", {}).get("en-US", "")):
            assert valid.match(text) and text == text.lower(), (item["name"], text)


async def test_every_staff_group_is_for_the_server_only(tmp_path: Path) -> None:
    """The staff role is the server's: a staff command is never offered in direct messages."""
    bot = await _loaded_bot(tmp_path)
    staff = [c for c in bot.tree.get_commands() if isinstance(c, StaffGroup)]
    assert {"relais", "flux", "annonce", "document", "delegation"} <= {g.name for g in staff}
    assert all(g.guild_only for g in staff)
