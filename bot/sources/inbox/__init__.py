"""The inbox: a watched folder whose documents are read, relayed, then filed away."""

from bot.sources.inbox.service import InboxService

__all__ = ["InboxService"]
