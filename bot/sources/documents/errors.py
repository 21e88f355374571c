"""The one error type document readers let out."""

from __future__ import annotations

from bot.errors import RelaisError


class DocumentError(RelaisError):
    """A document that cannot be read; ``reason`` is French and is shown to staff as is.

    ``code`` is a short stable identifier (``pdf_encrypted``, ``zip_bomb``…) for tests, logs
    and JSON output; it never reaches users. ``incomplete`` marks a file whose structure says
    it is cut short (PDF trailer, zip directory, MIME closing boundary missing).
    """

    def __init__(self, reason: str, *, code: str = "unreadable", incomplete: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        # The file looks cut short (a copy still in progress): worth waiting for, not refusing.
        self.incomplete = incomplete

    def __str__(self) -> str:
        return self.reason
