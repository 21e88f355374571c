"""Every string a user reads, in French, looked up by key.

One catalog module per feature keeps the strings of a feature together (as Red-DiscordBot's
per-cog catalogs do) while ``t`` stays the single way to read them.
"""

from __future__ import annotations

from bot.messages import (
    announcements,
    calendar,
    calendar_members,
    core,
    deploy,
    feeds,
    inbox,
    store,
    text,
)

CATALOG: dict[str, str] = {}
for _module in (core, feeds, inbox, text, calendar, calendar_members, announcements, store, deploy):
    _dupes = CATALOG.keys() & _module.MESSAGES.keys()
    if _dupes:
        raise RuntimeError(f"duplicate message keys: {sorted(_dupes)}")
    CATALOG.update(_module.MESSAGES)


def t(key: str, /, **values: object) -> str:
    """Return the French message ``key`` with ``values`` substituted."""
    try:
        template = CATALOG[key]
    except KeyError:
        raise KeyError(f"unknown message key: {key}") from None
    return template.format(**values) if values else template
