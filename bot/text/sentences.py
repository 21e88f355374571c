"""A French sentence splitter that knows its abbreviations.

Kept whole: ``M.``/``Mme``/``MM.``, ``p. 6``/``pp. 28``, abbreviated months (``févr.``),
``c.-à-d.``, initials (``J. Tremblay``), inclusive writing (``représentant.e.s``,
``participant.es``: a point without a following space never ends a sentence).
Each line of the (cleaned) text is at least its own sentence: headings, list items and
signature lines never merge into their neighbours.
"""

from __future__ import annotations

import re

from bot.text.lexicon import MONTH_ABBREVIATIONS

# Words that a point follows without ending the sentence.
ABBREVIATIONS = frozenset(
    {
        "m", "mm", "mme", "mmes", "mlle", "dr", "me", "pr", "st", "ste", "p", "pp", "no", "nos",
        "art", "al", "vol", "chap", "cf", "ex", "env", "tél", "tel", "téléc", "boul", "av",
        "ch", "éd", "fig", "réf", "min", "max", "approx", "adj", "dir", "coord", "prés",
        "vs", "inc", "ltée", "jr", "sr", "hon", "mgr", "c.-à-d", "c-à-d", "à-d", "n°", "ss",
    }
    | set(MONTH_ABBREVIATIONS)
)  # fmt: skip
# After these a capital letter is a name: "M. Tremblay" never ends anything.
_TITLES = frozenset({"m", "mm", "mme", "mmes", "mlle", "dr", "me", "pr", "st", "ste", "mgr", "hon"})

# Linear on any input: a match only starts at the first mark of a run (the look-behind) and
# never gives back what it took (possessive), so 100,000 dots cost one pass, not n².
_BOUNDARY = re.compile(
    r"(?<![.!?…])([.!?…]++)([»\"”)\]]*+)(\s++)(?=[\"«“(\[]?\s*[A-ZÀ-ÖØ-Ý0-9•–-])"
)
# Longer than this, the word before a point is no abbreviation (and is not scanned further).
_MAX_WORD = 64


def split_sentences(text: str) -> list[str]:
    """Sentences in reading order; every line break of the input is a boundary."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            out.extend(_split_line(line))
    return out


def _split_line(line: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(line):
        punct = m.group(1)
        if punct == "." and _is_abbreviation(line, m.start(), line[m.end() :]):
            continue
        piece = line[start : m.start(3)].strip()
        if piece:
            parts.append(piece)
        start = m.end()
    tail = line[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def _word_start(line: str, dot: int) -> int:
    """Where the word (letters, digits, points, hyphens) ending at ``dot`` starts; -1 when it
    is longer than ``_MAX_WORD``. Scans backwards only over that word: searching the line
    from its start for every point was quadratic on one-line documents."""
    i = dot
    floor = max(0, dot - _MAX_WORD)
    while i > 0 and _is_word_char(line[i - 1]):
        if i == floor:
            return -1
        i -= 1
    return i


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_.-°"


def _after_number(line: str, start: int) -> bool:
    """A decimal digit just before ``start``, maybe one space between ("10 h", "10h")."""
    i = start
    if i > 0 and line[i - 1] in " \t\u00a0\u202f":
        i -= 1
    return i > 0 and line[i - 1].isdecimal()


def _is_abbreviation(line: str, dot: int, following: str) -> bool:
    start = _word_start(line, dot)
    if start < 0 or start == dot:
        return False
    word = line[start:dot].lower()
    if word == "h" and _after_number(line, start):
        # "à 10 h. L'assemblée…": an hour ends the sentence like any word.
        return False
    last = word.rsplit(".", 1)[-1] if "." in word and not word.startswith("c.") else word
    if word in ABBREVIATIONS or last in ABBREVIATIONS:
        if last in _TITLES or word in _TITLES:
            return True
        if last in MONTH_ABBREVIATIONS:
            # "14 févr. 2024" continues; "… le 1er oct. Ensuite, …" ends.
            return bool(following[:1].isdigit()) or not following[:1].isupper()
        if last in ("p", "pp", "no", "art", "vol", "chap", "n°"):
            return bool(following[:1].isdigit())
        return True
    # Initials ("J. Tremblay", "A.-M. Roy") and "c.-à-d." style compounds; inclusive writing
    # ("représentant.e.s.") ends a sentence like any word.
    if _INITIALS.fullmatch(word):
        return True
    return word.endswith("-à-d")


_INITIALS = re.compile(r"(?:[^\W\d_]\.-?)*[^\W\d_]")
