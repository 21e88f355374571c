"""Turning what a person types into a safe FTS5 query.

People type quotes, stars, NEAR, parentheses and hyphens; FTS5 would read them as syntax and
fail (or match something else). Each word is therefore quoted as a plain string, and the
words are required together (implicit AND). Accents and case are handled by the index's
tokenizer (``unicode61 remove_diacritics 2``), so « reunion » finds « réunion ».
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 300
MAX_TERMS = 12

# French elisions: « l'implication » searches « implication ».
_ELISION = re.compile(r"(?i)\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\w)")
# A word, or hyphenated compound (« RQ-ACA », « 2021-2022 ») kept together as a phrase.
_WORD = re.compile(r"\w+(?:-\w+)*")
_PARTS = re.compile(r"[\W_]+")

# Frequent French words: requiring them adds nothing and makes a query read long posting lists.
_STOP_WORDS = frozenset(
    """
    a au aux avec ce ces cet cette dans de des du elle elles en est et il ils la le les leur
    leurs lui ma mais me mes mon ne nos notre nous on ou par pas pour qu que qui sa se ses son
    sont sur ta te tes ton un une vos votre vous y
    """.split()
)


@dataclass(frozen=True)
class FtsQuery:
    terms: tuple[str, ...]  # the words kept, as typed (for messages)

    def all_of(self) -> str:
        """Every word required (the normal query)."""
        return " ".join(_quote(term) for term in self.terms)

    def any_of(self) -> str:
        """Any word (the fallback when no communication holds them all)."""
        return " OR ".join(_quote(term) for term in self.terms)


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _quote(term: str) -> str:
    # Terms hold only word characters and spaces; doubling quotes is FTS5's escape anyway.
    return '"' + term.replace('"', '""') + '"'


def parse_query(text: str) -> FtsQuery | None:
    """The words of ``text`` as an FTS5 query; None when nothing searchable is left."""
    text = unicodedata.normalize("NFKC", text or "")[:MAX_QUERY_CHARS]
    text = _ELISION.sub("", text)
    terms: list[str] = []
    for match in _WORD.finditer(text):
        parts = [p for p in _PARTS.split(match.group(0)) if p]
        if parts:
            terms.append(" ".join(parts))
    if not terms:
        return None
    meaningful = [term for term in terms if " " in term or _fold(term) not in _STOP_WORDS]
    if meaningful:
        terms = meaningful
    unique: list[str] = []
    seen: set[str] = set()
    for term in terms:
        key = _fold(term)
        if key not in seen:
            seen.add(key)
            unique.append(term)
    return FtsQuery(terms=tuple(unique[:MAX_TERMS]))
