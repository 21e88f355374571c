"""Untrusted text made inert wherever it is shown: Discord posts and notices, the console.

Text that strangers wrote (feed items, documents, file names) must never ping, never break
formatting, never reorder what is around it and never drive a terminal. One module does it
all, so that every place that shows such text does it the same way:

- ``strip_controls``: C0/C1 controls (ESC, BEL…), bidirectional overrides, embeddings and
  isolates (U+202A–U+202E, U+2066–U+2069: « fichier‮fdp.exe » shows as « fichierexe.pdf »),
  marks and stray zero-width characters (U+200B, U+2060, U+FEFF, U+200E/F);
- ``neutralise_mentions``: @everyone, @here, <@id>, <@&id>, <#id> made inert;
- ``escape_markdown``: shown literally (no bold, links, headings, quotes, pings);
- ``inline``: a title or a name on one line, escaped and cut;
- ``cut`` / ``split``: Discord's limits, at a sentence or a word when one is near;
  ``cut_words``: at most so many words;
- ``fit_lines``: a list shown in one message, whole lines only;
- ``for_terminal``: console and ``relais ingest`` output.

All of it is linear in the input.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# C0 except tab and line feed, DEL, C1; bidi embeddings/overrides/isolates and marks; stray
# zero-width characters (zero-width joiners are kept: emoji and some scripts need them).
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")
_LINE_START = re.compile(r"^(\s*)([>#-]|\d+\.)", re.MULTILINE)
_MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#)(\d+)>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_ZWSP = "\u200b"


def strip_controls(text: str) -> str:
    """Without controls, bidi overrides/isolates and stray zero-width characters.

    A carriage return becomes a line feed; other controls disappear.
    """
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def neutralise_mentions(text: str) -> str:
    """Make @everyone, @here and <@…> inert even where allowed_mentions would not apply."""

    def repl(match: re.Match[str]) -> str:
        if match.group(1):
            return f"@{_ZWSP}{match.group(1)}"
        return f"<{match.group(2)}{_ZWSP}{match.group(3)}>"

    return _MENTION.sub(repl, text)


def escape_markdown(text: str) -> str:
    """Untrusted text shown literally: no bold, links, headings, quotes or pings."""
    escaped = _MARKDOWN.sub(r"\\\1", strip_controls(text))
    escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    return neutralise_mentions(escaped)


def inline(text: str, limit: int = 200) -> str:
    """A title or a name: one line, escaped, at most ``limit`` characters."""
    flat = _SPACES.sub(" ", strip_controls(text)).strip()
    return cut(escape_markdown(flat), limit)


def cut(text: str, limit: int) -> str:
    """Shorten to ``limit`` characters, at a sentence end when one is near, else at a word."""
    if len(text) <= limit:
        return text
    ellipsis = "…"
    window = text[: max(limit - len(ellipsis), 0)]
    sentence_end = max(
        window.rfind(". "), window.rfind(".\n"), window.rfind("! "), window.rfind("? ")
    )
    if sentence_end >= limit // 2:
        return window[: sentence_end + 1]
    space = window.rfind(" ")
    if space >= limit // 2:
        window = window[:space]
    # Never leave a dangling escape backslash that would swallow the ellipsis.
    if window.endswith("\\") and not window.endswith("\\\\"):
        window = window[:-1]
    return window.rstrip() + ellipsis


def cut_words(text: str, max_words: int) -> str:
    """The first ``max_words`` words then « … », or ``text`` as it is when it has no more."""
    words = text.split()
    return text if len(words) <= max_words else " ".join(words[:max_words]) + "…"


def fit_lines(
    lines: list[str], limit: int, more: Callable[[int], str] | None = None
) -> str:
    """As many whole lines as fit in ``limit`` characters (the first always), one per line;
    ``more(n)`` is then added on its own line, beyond ``limit``, for the ``n`` left out."""
    kept = lines[:1]
    size = len(kept[0]) if kept else 0
    for line in lines[1:]:
        size += 1 + len(line)
        if size > limit:
            break
        kept.append(line)
    text = "\n".join(kept)
    left = len(lines) - len(kept)
    return text + "\n" + more(left) if left and more is not None else text


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line breaks, else spaces, else anywhere
    (never inside an escape)."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        at = window.rfind("\n")
        if at < limit // 2:
            at = window.rfind(" ")
        if at < limit // 2:
            at = limit
            while at > 1 and window[at - 1] == "\\":
                at -= 1
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def for_terminal(text: str) -> str:
    """Console output: no escape sequences (colours, titles, cursor moves), no bell, no
    bidi trickery; line breaks and tabs kept."""
    return strip_controls(_ANSI.sub("", text))
