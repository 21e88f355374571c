"""French text: cleaning, sentences, dates and summaries (pure; no Discord, no network).

Public API (importing this package stays light: no heavy module at import time; the optional
LLM back end lives in ``bot.text.llm`` and imports aiohttp only when used):

- ``clean_text(raw) -> str``
- ``split_sentences(text) -> list[str]``
- ``find_dates(text, reference) -> list[FoundDate]`` and ``document_date(text) -> date | None``
- ``summarize(text, title=None, max_sentences=3) -> list[str]``
- ``analyse(text, reference=..., title=None, max_sentences=3) -> Analysis``
- ``dates_to_remember(dates, today, limit=None)`` / ``future_dates(dates, today)``
- ``describe(found) -> "du 18 au 24 octobre 2021"``, ``kind_name(found) -> "Rencontre"``
- optional LLM summary: ``bot.text.llm`` (``LLMConfig``, ``analyse_with_llm``, ``make_analyser``)
"""

from __future__ import annotations

from datetime import date

from bot.text.clean import clean_text
from bot.text.dates import find_dates
from bot.text.model import Analysis, DateKind, FoundDate, Precision
from bot.text.remember import dates_to_remember, describe, future_dates, kind_name
from bot.text.sentences import split_sentences
from bot.text.summary import summarize
from bot.text.years import document_date

__all__ = [
    "SUMMARY_BUDGET",
    "Analysis",
    "DateKind",
    "FoundDate",
    "Precision",
    "analyse",
    "clean_text",
    "dates_to_remember",
    "describe",
    "document_date",
    "find_dates",
    "future_dates",
    "kind_name",
    "reference_kind_of",
    "split_sentences",
    "summarize",
    "summary_prefix",
]


def analyse(
    text: str,
    *,
    reference: date,
    title: str | None = None,
    max_sentences: int = 3,
    reference_kind: str = "given",
) -> Analysis:
    """Summary and dates of one communication.

    ``reference`` is the communication's own date (e-mail or feed date); a date line in the
    text itself ("Québec, le 13 janvier 2021") takes precedence for inferring missing years.
    ``reference_kind`` (see ``reference_kind_of``) says how far ``reference`` can be trusted.
    """
    cleaned = clean_text(text)
    return Analysis(
        summary=summarize(summary_prefix(cleaned), title=title, max_sentences=max_sentences),
        dates=find_dates(cleaned, reference, reference_kind=reference_kind),
    )


# The summary reads the first 200 KB of cleaned text: what a communication asks or announces
# is said early, and the ranking's cost grows with the text. Dates read all of it (linear).
SUMMARY_BUDGET = 200_000


def summary_prefix(cleaned: str, budget: int = SUMMARY_BUDGET) -> str:
    """The head of ``cleaned`` the summary reads, cut at a line break when there is one."""
    if len(cleaned) <= budget:
        return cleaned
    head = cleaned[:budget]
    cut = head.rfind("\n", budget // 2)
    return head[:cut] if cut > 0 else head


def reference_kind_of(kind: str, published: bool, precision: object = None) -> str:
    """How trustworthy a document's date is as the anchor of its dates: "email" (its Date
    header), "given" (a feed's or a letterhead's date), "metadata" (a file's properties, often
    a template's), "today" (no date at all: the moment it arrived, the last resort)."""
    if not published:
        return "today"
    if precision == "metadata":
        return "metadata"
    return "email" if kind == "eml" else "given"
