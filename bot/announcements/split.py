"""Cutting a long announcement into messages at paragraph boundaries (never mid-sentence).

A paragraph too long for one message is cut at its line breaks, and a line still too long
between its sentences (a Markdown file's paragraphs are joined into one line each); a
single sentence still too long is refused with the reason, rather than cut at an arbitrary
character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
# A sentence's end (its closing quotes and brackets with it) where the next one starts with
# a capital, maybe after an opening quote or dash: « p. 3 », « M. Roy » are not cut.
_SENTENCE_END = re.compile(
    r"(?<!\b[A-ZÀ-Þ])[.!?…]+(?:\s?[»”)\]*])*"  # the end, not an initial like « M. »
    r"(?=\s+[«“\"—–(\-]?\s?[A-ZÀ-ÖØ-Þ])"  # the next sentence's first letter
)


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


def sentences(line: str) -> list[str]:
    """The sentences of one line (each keeps its final punctuation and closing quotes)."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        out.append(line[start : match.end()].strip())
        start = match.end()
    out.append(line[start:].strip())
    return [part for part in out if part]


def split_text(text: str, limit: int, *, max_parts: int = 10) -> list[str]:
    """Messages of at most ``limit`` characters, cut between paragraphs (else between lines,
    else between sentences).

    Raises ``TooLong`` when one sentence alone exceeds ``limit`` or more than ``max_parts``
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
            separator = "\n\n" if index == 0 else "\n"
            if len(line) <= limit:
                pieces.append((separator, line))
                continue
            for number, sentence in enumerate(sentences(line)):
                if len(sentence) > limit:
                    raise TooLong("line", len(sentence), limit, excerpt=sentence[:60])
                pieces.append((separator if number == 0 else " ", sentence))
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
