"""A web page → its main text, as lines, and a fingerprint that ignores noise.

Extraction: the elements a CSS selector picks (soupsieve, through BeautifulSoup), otherwise
the page's main content: ``<main>``, ``[role=main]``, the largest ``<article>``, else the body
without its navigation, header, footer, asides and forms. Scripts, styles, templates and
hidden inputs never count (CSRF values and session tokens live there).

Noise: what changes at every load without the page saying anything new (today's date in a
banner, « mis à jour il y a 3 minutes », visit counters, session tokens shown as text) is
blanked out of each line before fingerprinting, so it never makes a poll a change. A date
inside a sentence is kept: a deadline moved from the 11th to the 18th is a change.

Everything here is linear in the size of the page (the body is capped by the fetcher).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from bot.fold import fold
from bot.timeutil import FRENCH_WEEKDAYS

MAX_LINES = 5_000
# Larger pages (or pages with more tags) are read in the sandbox child: building a tree of a
# hostile 5 MB page holds the GIL for seconds, which would freeze the bot.
INLINE_BYTES = 400_000
INLINE_TAGS = 20_000
MAX_LINE_CHARS = 2_000
_DROP = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head")
_CHROME = ("nav", "header", "footer", "aside", "form", "menu", "dialog")
_BLOCKS = (
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "caption",
    "blockquote", "pre", "figcaption", "summary", "address",
)

_MONTHS = (
    "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|"
    "janv|fevr|avr|juil|sept|oct|nov|dec"
)
_DAYS = "|".join(FRENCH_WEEKDAYS)
_RUN = re.compile(r"[A-Za-z0-9_-]{16,}")
_HEX = re.compile(r"\b[0-9a-fA-F]{12,}\b")
_TIME = re.compile(r"\b\d{1,2}\s?(?:h|:)\s?\d{2}(?::\d{2})?\b|\b\d{1,2}\s?h\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\bil y a\s+\d+\s+\w+", re.IGNORECASE)
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ][\d:.+Z-]+)?\b", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
# Lines that stamp the page (when it was updated, generated, printed): their figures are noise.
# Narrow on purpose: « consultation », « vue », « session » are everyday words of real content.
_STAMP_WORDS = re.compile(
    r"mis(?:e)? a jour|modifiee? (?:le|:)|derniere (?:modification|revision|mise)|"
    r"consultee? (?:le|:)|generee? (?:le|en|:)|imprimee? le|aujourd|copyright|\u00a9"
)
# Counters anywhere in a line: « 1 234 visites », « 12 vues », « 3 commentaires ».
_COUNTER = re.compile(
    # The number starts where a run of digits starts (linear): « 1 234 », « 12 », « 12345 ».
    r"(?<![\d.,])(?:\d{1,3}(?:[\s.,]\d{3})+|\d+)\s*"
    r"(vues?|visites?|visiteurs?|lecteurs?|abonnes?|partages?|commentaires?|reactions?|j'aime)\b"
)
_DATE_WORD = re.compile(rf"^(?:le|du|au|a|{_DAYS}|{_MONTHS}|\d{{1,4}}(?:er)?|‹\w+›)$")
_SEPARATORS = re.compile(r"[\s,.;:/()-]+")
_NUMBER = re.compile(r"\d[\d\s.,]*")
_WS = re.compile(r"\s+")


class SelectorError(Exception):
    """The CSS selector is not valid."""


class PageError(Exception):
    """Extraction failed; ``key``/``values`` name the French message (the sandbox reads them)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def check_selector(selector: str) -> None:
    """Compile the selector once (soupsieve's own syntax check)."""
    import soupsieve

    try:
        soupsieve.compile(selector)
    except Exception as exc:  # soupsieve.SelectorSyntaxError and friends
        raise SelectorError(str(exc)) from None


@dataclass
class PageContent:
    title: str
    lines: list[str]  # the main text, one block per line, as shown
    matched: bool = True  # False when a selector was given and matched nothing
    keys: list[str] = field(default_factory=list)  # the lines with noise blanked out

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def digest(self) -> str:
        return fingerprint(self.keys)


def _token(match: re.Match[str]) -> str:
    run = match.group(0)
    # Session tokens mix letters and digits; long plain words do not.
    has_digit = any(c.isdigit() for c in run)
    has_letter = any(c.isalpha() for c in run)
    return "‹jeton›" if has_digit and has_letter else run


def _date_only(key: str) -> bool:
    words = [w for w in _SEPARATORS.split(key) if w]
    return bool(words) and all(_DATE_WORD.match(w) for w in words)


def noise_key(line: str) -> str:
    """The line as compared between two versions: noise blanked, case and accents folded."""
    key = fold(_WS.sub(" ", line).strip())
    key = _RUN.sub(_token, key)
    key = _HEX.sub("‹jeton›", key)
    key = _RELATIVE.sub("‹il y a›", key)
    key = _ISO.sub("‹date›", key)
    key = _NUMERIC_DATE.sub("‹date›", key)
    key = _TIME.sub("‹heure›", key)
    key = _COUNTER.sub(r"# \1", key)
    if _STAMP_WORDS.search(key):
        # A line that stamps the page (update time, counters, session): its figures are noise.
        key = _NUMBER.sub("#", key)
        key = re.sub(rf"\b(?:{_DAYS}|{_MONTHS})\b", "‹date›", key)
    elif _date_only(key):
        key = "‹date›"
    return key


def fingerprint(keys: list[str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for key in keys:
        if key:
            digest.update(key.encode("utf-8", "surrogatepass"))
            digest.update(b"\n")
    return digest.hexdigest()


def _soup(html: bytes | str, encoding: str | None = None) -> Any:
    from bs4 import BeautifulSoup

    try:
        declared = encoding if isinstance(html, bytes) else None
        return BeautifulSoup(html, "lxml", from_encoding=declared)
    except Exception:  # lxml missing or refusing the bytes: the standard library's parser
        return BeautifulSoup(html, "html.parser")


def _lines_of(element: Any) -> list[str]:
    """Text blocks of an element, in document order, without repeating nested blocks."""
    lines: list[str] = []
    blocks = element.find_all(_BLOCKS)
    if not blocks:
        text = _WS.sub(" ", element.get_text(" ", strip=True)).strip()
        return [text[:MAX_LINE_CHARS]] if text else []
    for block in blocks:
        if block.find_parent(_BLOCKS) is not None:
            continue  # its text is already in the enclosing block
        text = _WS.sub(" ", block.get_text(" ", strip=True)).strip()
        if text:
            lines.append(text[:MAX_LINE_CHARS])
        if len(lines) >= MAX_LINES:
            break
    return lines


def extract(
    html: bytes | str, selector: str | None = None, encoding: str | None = None
) -> PageContent:
    """The main content of a page (blocking: a few ms per 100 KB; run it in a thread).

    ``encoding`` is the HTTP header's charset, which wins over the page's own ``<meta>``.
    """
    soup = _soup(html, encoding)
    title_tag = soup.find("title")
    title = _WS.sub(" ", title_tag.get_text(" ", strip=True)).strip()[:300] if title_tag else ""
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for hidden in soup.find_all("input"):
        hidden.decompose()
    chosen: list[Any]
    matched = True
    if selector:
        chosen = list(soup.select(selector))
        matched = bool(chosen)
    else:
        chosen = []
        main = soup.find("main") or soup.find(attrs={"role": "main"})
        if main is not None:
            chosen = [main]
        else:
            articles = soup.find_all("article")
            if articles:
                chosen = [max(articles, key=lambda a: len(a.get_text()))]
        if not chosen:
            body = soup.find("body") or soup
            for tag in body.find_all(_CHROME):
                tag.decompose()
            chosen = [body]
    lines: list[str] = []
    for element in chosen:
        lines.extend(_lines_of(element))
        if len(lines) >= MAX_LINES:
            break
    lines = lines[:MAX_LINES]
    keys = [noise_key(line) for line in lines]
    return PageContent(title=title, lines=lines, matched=matched, keys=keys)


def extract_in_child(
    data: bytes, *, url: str | None, content_type: str | None, selector: str | None = None,
    encoding: str | None = None,
) -> PageContent:
    """``extract`` with the sandbox's calling convention (run by bot.sources.feeds.sandbox),
    its failures already in French."""
    try:
        return extract(data, selector, encoding)
    except MemoryError:
        raise
    except Exception as exc:
        from bot.sources.feeds.errors import french_detail

        raise PageError("pages.error.unreadable", detail=french_detail(exc)) from None


def added_lines(old_keys: list[str], new: PageContent) -> list[str]:
    """Lines of the new version whose (noise-free) text was not in the old one, in order."""
    before = set(old_keys)
    seen: set[str] = set()
    added: list[str] = []
    for line, key in zip(new.lines, new.keys, strict=True):
        if key and key not in before and key not in seen and key != "‹date›":
            added.append(line)
            seen.add(key)
    return added
