"""Why a parser gave up, told in French (feedparser's and Python's own messages are English).

Imports nothing of the feeds package, so the sandbox child can use it without the parser.
"""

from __future__ import annotations

from bot.messages import t

__all__ = ["french_detail"]


def french_detail(exc: object, content_type: str | None = None) -> str:
    """Why a parser gave up, in French: feedparser's and Python's messages are English."""
    name = type(exc).__name__
    if name == "NonXMLContentType":
        kind = (content_type or "").split(";", 1)[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            return t("feeds.detail.html_page")
        return t("feeds.detail.not_xml", kind=kind[:60] or "?")
    if name == "SAXParseException":
        line = getattr(exc, "getLineNumber", lambda: None)()
        return t("feeds.detail.xml_syntax", line=line if isinstance(line, int) else "?")
    if name.startswith("CharacterEncoding"):
        return t("feeds.detail.encoding")
    if isinstance(exc, MemoryError):
        return t("feeds.detail.memory")
    if isinstance(exc, RecursionError):
        return t("feeds.detail.nesting")
    if isinstance(exc, UnicodeError):
        return t("feeds.detail.encoding")
    return t("feeds.detail.other")
