"""The one error a user may read: ``RelaisError`` and the domain errors that subclass it.

Whatever the feature (calendar, announcements, feeds, documents, settings, store), a refusal
meant for a person is a ``RelaisError`` whose ``message`` is French, taken from the catalog in
``bot/messages``. The Discord adapter shows it as is, through one handler
(``bot.discord.errors.report``); anything else is a bug, logged, and answered with a generic
French sentence. This module imports nothing, so any module may raise it.
"""

from __future__ import annotations


class RelaisError(Exception):
    """A refusal or failure explained to a user; ``message`` is French, shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
