"""Which channel(s) a communication goes to."""

from __future__ import annotations

from bot.fold import fold
from bot.models import Document
from bot.settings import RoutingSection


def route(doc: Document, routing: RoutingSection) -> list[str]:
    """The source's own channels win; else the first rule whose words appear; else the default."""
    if doc.channels:
        return list(dict.fromkeys(doc.channels))
    haystack = fold(" ".join([doc.title, *doc.categories, doc.text[:5000]]))
    for rule in routing.rules:
        if any(fold(word) in haystack for word in rule.match):
            return [rule.channel]
    return [routing.default_channel]
