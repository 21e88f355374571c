"""French messages of the announcements feature."""

MESSAGES: dict[str, str] = {}
