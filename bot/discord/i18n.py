"""Command names and descriptions: French by default, English as Discord localisations.

``L("admin.cmd.etat")`` is a ``locale_str`` whose default text is the French catalog entry;
the translator answers English locales with the catalog entry ``key + ".en"``.
"""

from __future__ import annotations

from discord import Locale, app_commands

from bot.messages import CATALOG, t

ENGLISH_LOCALES = frozenset({Locale.american_english, Locale.british_english})


def L(key: str) -> app_commands.locale_str:
    """A French string from the catalog, marked for translation by its key."""
    return app_commands.locale_str(t(key), key=key)


class RelaisTranslator(app_commands.Translator):
    """Gives Discord the English text of every string marked with ``L``."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        if key is None or locale not in ENGLISH_LOCALES:
            return None
        return CATALOG.get(f"{key}.en")
