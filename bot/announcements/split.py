"""Cutting a long announcement into messages at paragraph boundaries (never mid-sentence).

A paragraph too long for one message is cut at its line breaks; a single line still too long
is refused with the reason, rather than cut at an arbitrary character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


@dataclass(frozen=True)
class TooLong(Exception):
    """A piece that cannot be placed in one message, or too many messages."""

    reason: str  # "line" (one line over the limit) or "parts" (more messages than allowed)
    length: int
    limit: int
    excerpt: str = ""

    def __str__(self) -> str:
        return f"{self.reason}: {self.length} > {self.limit}"


def paragraphs(text: str) -> list[str]:
    """Paragraphs of ``text``; a fenced code block stays one paragraph."""
    raw = [p.strip("\n") for p in _BLANK_LINES.split(text.replace("\r\n", "\n").strip())]
    merged: list[str] = []
    open_fence = False
    for para in raw:
        if not para.strip():
            continue
        if open_fence and merged:
            merged[-1] += "\n\n" + para
        else:
            merged.append(para)
        if para.count("```") % 2 == 1:
            open_fence = not open_fence
    return merged


def split_text(text: str, limit: int, *, max_parts: int = 10) -> list[str]:
    """Messages of at most ``limit`` characters, cut between paragraphs (else between lines).

    Raises ``TooLong`` when one line alone exceeds ``limit`` or more than ``max_parts``
    messages would be needed.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[tuple[str, str]] = []  # (separator before it, text)
    for para in paragraphs(text):
        if len(para) <= limit:
            pieces.append(("\n\n", para))
            continue
        for index, line in enumerate(para.split("\n")):
            if len(line) > limit:
                raise TooLong("line", len(line), limit, excerpt=line[:60])
            pieces.append(("\n\n" if index == 0 else "\n", line))
    parts: list[str] = []
    current = ""
    for separator, piece in pieces:
        if not current:
            current = piece
        elif len(current) + len(separator) + len(piece) <= limit:
            current += separator + piece
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    if len(parts) > max_parts:
        raise TooLong("parts", len(parts), max_parts)
    return parts
