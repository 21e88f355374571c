"""Command names and descriptions: French by default, English localisations from the catalog."""

from __future__ import annotations

import re
from typing import Any

from discord import Locale, app_commands

from bot.discord.i18n import L, RelaisTranslator
from bot.messages import CATALOG
from tests.conftest import REPO

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


def test_every_key_marked_in_cogs_has_an_english_entry() -> None:
    """The contract of every cog: L("x") needs "x" and "x.en" in its catalog."""
    used: set[str] = set()
    for path in sorted((REPO / "cogs").glob("*.py")):
        used.update(re.findall(r"""\bL\(\s*["']([\w.\-]+)["']\s*\)""", path.read_text("utf-8")))
    assert "admin.cmd.etat" in used  # the scan itself works
    missing = sorted(k for k in used if k not in CATALOG or f"{k}.en" not in CATALOG)
    assert missing == []


def test_command_names_are_valid_for_discord() -> None:
    """Discord refuses a sync with a bad name: lowercase, 1-32 letters, digits, - or _."""
    valid = re.compile(r"^[-_\w]{1,32}$")
    names: set[str] = set()
    for path in sorted((REPO / "cogs").glob("*.py")):
        names.update(
            re.findall(r"""\bname\s*=\s*L\(\s*["']([\w.\-]+)["']\s*\)""", path.read_text("utf-8"))
        )
    assert "admin.cmd.etat" in names
    for key in sorted(names):
        for text in (CATALOG.get(key, ""), CATALOG.get(f"{key}.en", "")):
            assert valid.match(text) and text == text.lower(), (key, text)
