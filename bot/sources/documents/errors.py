"""The one error type document readers let out."""

from __future__ import annotations

from bot.errors import RelaisError


class DocumentError(RelaisError):
    """A document that cannot be read; ``reason`` is French and is shown to staff as is.

    ``code`` is a short stable identifier (``pdf_encrypted``, ``zip_bomb``…) for tests, logs
    and JSON output; it never reaches users.
    """

    def __init__(self, reason: str, *, code: str = "unreadable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def __str__(self) -> str:
        return self.reason
