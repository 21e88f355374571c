"""Every string a user reads, in French, looked up by key.

One catalog module per feature keeps the strings of a feature together (as Red-DiscordBot's
per-cog catalogs do) while ``t`` stays the single way to read them.
"""

from __future__ import annotations

import importlib
import pkgutil

# Every catalog module of this package, found rather than listed: a feature adds its module
# and nothing else changes (parallel work on features never touches this file).
CATALOG: dict[str, str] = {}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
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
