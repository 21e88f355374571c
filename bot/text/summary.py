"""Extractive French summary: the 2 to 4 sentences that say what a communication asks,
announces or decides, in reading order.

Candidates exclude what a member never needs in a summary: addresses, salutations, signatures
and copy lists, tables of contents, ALL-CAPS lines, URLs, ``date : item`` lines (they go to
"Dates à retenir"), questions and headings. Remaining sentences are ranked by centrality
(frequency of their content words in the document), cue words (demande, recommande,
se tiendra, échéance, report…), position, and a strong preference for a report's own synthesis
(conclusion, word from the president, highlights) when the document is long.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.safe_text import cut, cut_words
from bot.text.clean import clean_text
from bot.text.lexicon import MONTH_NAMES, STOP_WORDS
from bot.text.sentences import split_sentences

MAX_WORDS = 60
MIN_WORDS = 6
MAX_CHARS = 400  # a sentence longer than this has no spaces to cut it by words
LONG_DOCUMENT = 5000  # characters: beyond this a report's own synthesis is preferred

_MONTHS = "|".join(MONTH_NAMES)
_DATE_ITEM = re.compile(
    rf"^\s*(?:[-•*✓▪◦–·►]\s*)?[^:]{{0,40}}(?:\b(?:{_MONTHS})\b|\b\d{{1,2}}/\d{{1,2}}|\bdate)"
    rf"[^:]{{0,25}}:",
    re.IGNORECASE,
)
_URL_PREFIX = re.compile(r"https?://|www\.|mailto:", re.IGNORECASE)
_DOT_WORD = re.compile(r"\.\w")


def _has_link(text: str) -> bool:
    """A URL or an e-mail address in ``text``.

    Same answer as ``https?://|www\\.|\\S+@\\S+\\.\\w+|mailto:`` but linear: that pattern
    re-scanned a long token from each of its letters (35 s on a 200,000-letter word).
    """
    if _URL_PREFIX.search(text):
        return True
    if "@" not in text:
        return False
    for token in text.split():
        at = token.find("@", 1)
        if at > 0 and _DOT_WORD.search(token, at + 2):
            return True
    return False


_ADDRESS = re.compile(
    r"\b[A-CEGHJ-NPR-TVXY]\d[A-CEGHJ-NPR-TV-Z] ?\d[A-CEGHJ-NPR-TV-Z]\d\b"
    r"|^\s*\d+[\s,]+(?:rue|chemin|boulevard|boul\.|avenue|av\.|route|rang|place|côte)\b"
    r"|\b(?:bureau|local|suite|étage|C\.P\.|case postale)\s*\d+|\(Québec\)|Tél\.?\s*:|Téléc",
    re.IGNORECASE,
)
_SALUTATION = re.compile(
    r"^(?:bonjour|bonsoir|salut|madame|monsieur|mesdames|messieurs|cher|chère|chers|chères"
    r"|à qui de droit|bonne journée|au plaisir|merci)\b[^.!?]{0,60}[,!]?\s*$"
    r"|salutations|veuillez agréer|recevez,?\s|nous vous prions d.{1,3}agréer|cordialement"
    r"|en vous remerciant|meilleures? (?:salutations|sentiments)",
    re.IGNORECASE,
)
_COPY_LIST = re.compile(
    r"^\s*(?:c\.?\s?c\.?|copie conforme|en copie(?: conforme)?|p\.\s?j\.)\s*:?", re.IGNORECASE
)
# The formula that closes a letter: what follows is signatures and copy lists.
_CLOSER = re.compile(
    r"veuillez agréer|nous vous prions d.{1,3}agréer|recevez.{0,40}salutations"
    r"|salutations (?:distinguées|respectueuses|les meilleures|cordiales)"
    r"|(?:sincères|meilleures|cordiales|nos) salutations|^\s*(?:cordialement|bien à vous"
    r"|amicalement|salutations|solidairement)\b",
    re.IGNORECASE,
)
# A run of points is only tried from its first point (else 100,000 points cost n²).
_TOC = re.compile(r"(?:\bp\.\s?\d{1,3}|(?<!\.)\.{3,}+\s*+\d{1,3}|…\s*\d{1,3})\s*$", re.IGNORECASE)
_SUBJECT = re.compile(
    r"^\s*(?:objet|object|subject|re|tr|fw|de|from|envoyé|sent|à|a|to|cc|cci|bcc|date)\s*:"
    r"|a écrit\s*:\s*$|wrote\s*:\s*$",
    re.IGNORECASE,
)
_SYNTHESIS_HEADING = re.compile(
    r"^\s*(?:\d+[.)]\s*)?(?:en\s+)?(?:conclusion|synthèse|sommaire(?: exécutif)?|en résumé|"
    r"résumé|faits saillants|points saillants|mot d[ue] (?:la |l['’])?(?:président|présidente|"
    r"direction|coordination|directeur|directrice)\w*|le mot d\w+ .{0,30}|bilan|en bref|"
    r"à retenir)\s*:?\s*$",
    re.IGNORECASE,
)
_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p, re.IGNORECASE), w)
    for p, w in (
        (r"\b(?:nous )?(?:vous )?demand\w*", 0.5),
        (r"\brecommand\w*", 0.4),
        (r"\bse tiendr\w*|\baura lieu\b|\bconvoqu\w*", 0.6),
        (r"\béchéan\w*|\bdate limite\b|\bau plus tard\b|\bd['’]ici le\b", 0.4),
        (r"\breport\w*|\bannul\w*", 0.3),
        (r"\binvit\w*|\bannon\w*|\bconfirm\w*|\bdécid\w*|\badopt\w*|\blanc\w*", 0.3),
        (r"\bnous (?:vous )?(?:souhaitons|espérons|sollicitons|proposons|rappelons)\b", 0.3),
        (r"\bpremière rencontre\b|\bprochaine rencontre\b", 0.4),
        (r"\bconsultation\b|\bfinancement\b|\bbudget\w*|\bmandat\b", 0.1),
    )
)
_HAS_DAY_DATE = re.compile(rf"\b(?:1er|[0-3]?\d)\s+(?:{_MONTHS})\b", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]{3,}")


@dataclass
class _Candidate:
    index: int
    text: str
    synthesis: bool
    bullet: bool
    score: float = 0.0


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.7


def _skip_line(line: str) -> bool:
    return bool(
        _is_caps(line)
        or _has_link(line)
        or _ADDRESS.search(line)
        or _TOC.search(line)
        or _SUBJECT.match(line)
        or _DATE_ITEM.match(line)
    )


def _candidates(text: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    synthesis = False
    index = 0
    for raw_line in text.split("\n"):
        # A quoted e-mail's lines (« > La rencontre… ») are read without their markers.
        line = raw_line.lstrip(" \t>").strip() if raw_line.startswith(">") else raw_line.strip()
        if not line:
            continue
        if _COPY_LIST.match(line):
            break  # copy lists end the useful part of a letter
        if _SYNTHESIS_HEADING.match(line):
            synthesis = True
            continue
        words = line.split()
        # A short line without final punctuation is a heading: it closes a synthesis section.
        if len(words) <= 8 and line[-1] not in ".!?;:,»)":
            if synthesis and not _SYNTHESIS_HEADING.match(line):
                synthesis = False
            continue
        if _CLOSER.search(line) and len(words) <= 40:
            break  # salutation at the end of a letter: what follows is signature and copies
        if _skip_line(line):
            continue
        bullet = bool(re.match(r"^\s*(?:[-•*✓▪◦–·►]|\d{1,2}[.)])\s*", line))
        for sentence in split_sentences(line):
            sentence = re.sub(r"^\s*(?:[-•*✓▪◦–·►]|\d{1,2}[.)])\s*", "", sentence).strip()
            n = len(sentence.split())
            index += 1
            if n < MIN_WORDS or n > MAX_WORDS:
                continue
            if sentence.endswith("?") or _SALUTATION.search(sentence) or _has_link(sentence):
                continue
            if sentence[:1].islower():
                continue  # the second half of something (a wrapped line, a cut clause)
            out.append(_Candidate(index, sentence, synthesis, bullet))
    return out


def _stems(sentence: str) -> list[str]:
    return [w[:7] for w in (x.lower() for x in _WORDS.findall(sentence)) if w not in STOP_WORDS]


def _score(cands: list[_Candidate], title: str | None, long_document: bool) -> None:
    stems = [_stems(c.text) for c in cands]
    tf: Counter[str] = Counter()
    for s in stems:
        tf.update(set(s))
    title_stems = set(_stems(title)) if title else set()
    raw = []
    for s in stems:
        unique = set(s)
        raw.append(sum(math.log1p(tf[w] - 1) for w in unique) / math.sqrt(len(unique) + 4))
    top = max(raw, default=0.0) or 1.0
    for rank, (c, r, s) in enumerate(zip(cands, raw, stems, strict=True)):
        score = r / top
        score += sum(w for pattern, w in _CUES if pattern.search(c.text))
        if title_stems:
            score += 0.3 * len(title_stems & set(s)) / len(title_stems)
        if _HAS_DAY_DATE.search(c.text):
            score += 0.3
        if rank < 2:
            score += 0.25  # a letter says what it wants early
        if c.bullet:
            score -= 0.15
        if c.synthesis and long_document:
            score += 1.5
        c.score = score


def summarize(text: str, *, title: str | None = None, max_sentences: int = 3) -> list[str]:
    """2 to ``max_sentences`` (at most 4) sentences, in reading order; fewer if the text is thin."""
    limit = max(1, min(max_sentences, 4))
    cleaned = clean_text(text)
    cands = _candidates(cleaned)
    if not cands:
        return _fallback(cleaned, limit)
    long_document = len(cleaned) >= LONG_DOCUMENT
    _score(cands, title, long_document)
    chosen = sorted(cands, key=lambda c: (-c.score, c.index))[:limit]
    chosen = _drop_near_duplicates(chosen)
    return [c.text for c in sorted(chosen, key=lambda c: c.index)]


def _drop_near_duplicates(chosen: list[_Candidate]) -> list[_Candidate]:
    kept: list[_Candidate] = []
    for c in chosen:
        s = set(_stems(c.text))
        if any(len(s & set(_stems(k.text))) > 0.8 * max(len(s), 1) for k in kept):
            continue
        kept.append(c)
    return kept


def _fallback(cleaned: str, limit: int) -> list[str]:
    """Short or odd texts (a one-line feed item): their first sentences, trimmed."""
    out = []
    for sentence in split_sentences(cleaned):
        if _has_link(sentence) or _is_caps(sentence):
            continue
        # Then by characters: one long word, a text without spaces (CJK).
        out.append(cut(cut_words(sentence, MAX_WORDS), MAX_CHARS))
        if len(out) >= limit:
            break
    return out
