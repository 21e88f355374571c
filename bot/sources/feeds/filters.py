"""Which feed items are relayed: keywords and regular expressions on title, text, categories.

Patterns come from staff (and, through a shared `feeds.toml`, from anyone who edits it), and
they run over text strangers wrote. Python's ``re`` backtracks: ``(a+)+b`` over a long title
takes forever while holding the GIL. Patterns are therefore compiled with RE2 (google-re2),
which runs in time linear in the text whatever the pattern, and refuses what it cannot do
that way (backreferences, lookarounds) with a French explanation. The text is also cut to a
bounded length before matching.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import re2

from bot.fold import fold
from bot.messages import t

MAX_PATTERN_CHARS = 300
MAX_PATTERNS = 20
MAX_MATCH_CHARS = 20_000  # of title + text + categories: enough for any real item


class FilterError(Exception):
    """A pattern refused; ``message`` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _strip_accents(pattern: str) -> str:
    # Not casefolded: that would turn \\S into \\s; RE2 ignores case by itself.
    decomposed = unicodedata.normalize("NFKD", pattern)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print its English complaint to stderr
    options.case_sensitive = False
    options.max_mem = 8 << 20  # a pattern whose automaton needs more is refused
    return options


def compile_patterns(patterns: Sequence[str]) -> list[Any]:
    if len(patterns) > MAX_PATTERNS:
        raise FilterError(t("feeds.filter.too_many", limit=MAX_PATTERNS))
    compiled = []
    for pattern in patterns:
        if len(pattern) > MAX_PATTERN_CHARS:
            raise FilterError(t("feeds.filter.too_long", limit=MAX_PATTERN_CHARS))
        try:
            compiled.append(re2.compile(_strip_accents(pattern), _options()))
        except Exception:  # re2.error: backreference, lookaround, bad syntax, too big
            raise FilterError(t("feeds.filter.bad_regex", pattern=pattern[:80])) from None
    return compiled


@dataclass(frozen=True)
class Decision:
    passed: bool
    reason: str  # French, for the preview: which rule decided


@dataclass(frozen=True)
class Filters:
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    include_regex: tuple[Any, ...]
    exclude_regex: tuple[Any, ...]
    include_sources: tuple[str, ...] = ()
    exclude_sources: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        include_regex: Sequence[str] = (),
        exclude_regex: Sequence[str] = (),
    ) -> Filters:
        return cls(
            include=tuple(fold(k) for k in include),
            exclude=tuple(fold(k) for k in exclude),
            include_regex=tuple(compile_patterns(include_regex)),
            exclude_regex=tuple(compile_patterns(exclude_regex)),
            include_sources=tuple(include_regex),
            exclude_sources=tuple(exclude_regex),
        )

    @property
    def empty(self) -> bool:
        return not (self.include or self.exclude or self.include_regex or self.exclude_regex)

    def decide(self, title: str, text: str, categories: Iterable[str] = ()) -> Decision:
        """Include (any keyword or pattern, when there are some), then exclude (none)."""
        if self.empty:
            return Decision(True, t("feeds.filter.no_filter"))
        haystack = fold("\n".join([title, *categories, text]))[:MAX_MATCH_CHARS]
        for keyword in self.exclude:
            if keyword in haystack:
                return Decision(False, t("feeds.filter.excluded_word", word=keyword))
        for source, pattern in zip(self.exclude_sources, self.exclude_regex, strict=True):
            if pattern.search(haystack):
                return Decision(False, t("feeds.filter.excluded_regex", pattern=source))
        if not self.include and not self.include_regex:
            return Decision(True, t("feeds.filter.not_excluded"))
        for keyword in self.include:
            if keyword in haystack:
                return Decision(True, t("feeds.filter.included_word", word=keyword))
        for source, pattern in zip(self.include_sources, self.include_regex, strict=True):
            if pattern.search(haystack):
                return Decision(True, t("feeds.filter.included_regex", pattern=source))
        return Decision(False, t("feeds.filter.no_include"))
