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

_BOUNDARY = re.compile(r"([.!?…]+)([»\"”)\]]*)(\s+)(?=[\"«“(\[]?\s*[A-ZÀ-ÖØ-Ý0-9•–-])")
_WORD_BEFORE = re.compile(r"([\w.\-àâäéèêëîïôöùûüç°]+)$", re.IGNORECASE)


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


def _is_abbreviation(line: str, dot: int, following: str) -> bool:
    word_match = _WORD_BEFORE.search(line, 0, dot)
    if word_match is None:
        return False
    word = word_match.group(1).lower()
    if word == "h" and _AFTER_NUMBER.search(line, 0, word_match.start()):
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
# The number of an hour just before "h": "10 h", "10h" (the word is then "10h", never "h").
_AFTER_NUMBER = re.compile(r"\d[ \t\u00a0\u202f]?$")
