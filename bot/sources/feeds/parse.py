"""Feed bytes → items with a stable identity, then → Document.

feedparser runs in a worker thread (about 8 ms of CPU for a 50 KB feed with sanitising off),
never on the event loop. Sanitising and relative-URI rewriting inside HTML are switched off:
Relais never shows feed HTML, it reduces it to text with inscriptis, so the sanitiser would be
pure cost (it is 60 % of feedparser's time). The item's own link is resolved here instead.

HTML → text conversion is deferred to ``to_document``: on a first poll every item is recorded
but at most one is posted, so converting the other nineteen would be wasted work.
"""

from __future__ import annotations

import asyncio
import calendar
import functools
import hashlib
import html
import io
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import feedparser
from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig

from bot.messages import t
from bot.models import Document
from bot.safe_text import cut
from bot.sources.feeds.errors import french_detail
from bot.sources.feeds.fastparse import fast_parse
from bot.sources.feeds.safety import FeedSafetyError, refuse_entity_doctype
from bot.text import clean_text

FeedKind = Literal["rss", "atom"]
log = logging.getLogger(__name__)

_TAG = re.compile(r"<[a-zA-Z/!?][^>]*>")
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|cite|code|em|font|i|kbd|mark|q|s|small|span|strong|sub|sup|u|wbr)\b[^>]*>",
    re.IGNORECASE,
)
_WS = re.compile(r"\s+")
_INSCRIPTIS = ParserConfig(css=CSS_PROFILES["strict"], display_links=False)
# Bound the work done for one item: longer content is cut before HTML conversion.
MAX_CONTENT_CHARS = 200_000
MAX_TITLE_CHARS = 500
# "<" characters above which the fast path is not tried (a 5 MB feed of 500 items has ~50,000).
MAX_FAST_TAGS = 200_000


class FeedParseError(Exception):
    """The body is not a usable feed; ``key``/``values`` give the French explanation."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key} {values}")
        self.key = key
        self.values = values


@dataclass
class FeedItem:
    external_id: str
    title: str  # plain text
    link: str | None
    published: datetime | None  # aware UTC
    content: str  # raw: HTML or plain text
    content_is_html: bool
    categories: list[str] = field(default_factory=list)
    author: str | None = None
    aliases: tuple[str, ...] = ()  # identities this item had under older rules


@dataclass
class ParsedFeed:
    kind: FeedKind
    title: str
    link: str | None
    items: list[FeedItem]
    bozo: bool = False  # ill-formed but readable

    def newest(self) -> FeedItem | None:
        """The most recent item: by date where items have one, else the first in the document."""
        if not self.items:
            return None
        dated = [item for item in self.items if item.published is not None]
        if dated:
            return max(dated, key=lambda item: item.published)  # type: ignore[arg-type,return-value]
        return self.items[0]


def body_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def strip_scripts(value: str) -> str:
    """Drop <script>/<style> elements with their text, in one linear pass.

    Each search starts where the previous one stopped (the next opening of each kind is
    remembered), so hostile titles full of "<script" cost linear time.
    """
    lowered = value.lower()
    if "<script" not in lowered and "<style" not in lowered:
        return value
    out: list[str] = []
    position = 0
    pending = {"<script": lowered.find("<script"), "<style": lowered.find("<style")}
    while True:
        for opening, found in pending.items():
            if 0 <= found < position:
                pending[opening] = lowered.find(opening, position)
        live = [(found, opening) for opening, found in pending.items() if found >= 0]
        if not live:
            out.append(value[position:])
            return "".join(out)
        start, opening = min(live)
        out.append(value[position:start])
        end = lowered.find("</" + opening[1:], start)
        if end < 0:
            return "".join(out)  # never closed: the rest is script
        close = lowered.find(">", end)
        position = len(value) if close < 0 else close + 1


def _plain(value: str | None) -> str:
    """Titles may carry HTML (and entities): reduce to one line of plain text.

    Script and style text goes with its element (feedparser's sanitiser does the same, and
    both parsing paths go through here, so they agree).
    """
    if not value:
        return ""
    if "<" in value:
        value = strip_scripts(value)
    # Inline tags vanish (« n<sup>o</sup> » stays « no »), others separate words.
    text = value if "<" not in value else _TAG.sub(" ", _INLINE_TAG.sub("", value))
    text = html.unescape(text) if "&" in text else text
    return _WS.sub(" ", text).strip()[:MAX_TITLE_CHARS]


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, TypeError, OSError):
                continue
    return None


def _safe_url(value: Any, base: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        absolute = urljoin(base, value) if base else value
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    # Only web links are shown: javascript:, data: and friends are dropped.
    return absolute if scheme in ("http", "https") else None


def _content(entry: Any) -> tuple[str, bool]:
    blocks = entry.get("content") or []
    best: Any = None
    for block in blocks:
        if best is None or len(block.get("value") or "") > len(best.get("value") or ""):
            best = block
    summary = entry.get("summary_detail") or {}
    if best is None or len(summary.get("value") or "") > len(best.get("value") or ""):
        best = summary or None
    if not best:
        return "", False
    value = (best.get("value") or "")[:MAX_CONTENT_CHARS]
    kind = (best.get("type") or "").lower()
    return value, "html" in kind or bool(_TAG.search(value))


def _categories(entry: Any) -> list[str]:
    names: list[str] = []
    for tag in entry.get("tags") or []:
        name = _plain(tag.get("label") or tag.get("term"))
        if name and name not in names:
            names.append(name)
    return names[:10]


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def item_identity(
    entry: Any, title: str, link: str | None, published: datetime | None, content: str
) -> tuple[str, tuple[str, ...]]:
    """(identity, older identities): guid, else link, else title and date.

    Without guid or link, the content is left out of the identity when the item has a title
    or a date: fixing a typo in the text must not make it a new item. Only an item with
    neither hashes its (whitespace-normalised) text. The older identity (title + date +
    content, used before) is returned too, so that items stored under it stay known.
    """
    guid = entry.get("id")
    if isinstance(guid, str) and guid.strip():
        return guid.strip()[:1000], ()
    if link:
        return link[:1000], ()
    when = published.isoformat() if published else ""
    legacy = "sha256:" + _digest(title, when, content)
    if title or when:
        return "item:" + _digest(_WS.sub(" ", title).strip().casefold(), when), (legacy,)
    return "text:" + _digest(_WS.sub(" ", content).strip()), (legacy,)


def parse_bytes(
    data: bytes, *, url: str | None = None, content_type: str | None = None, fast: bool = True
) -> ParsedFeed:
    """Parse a feed body, all in this process (blocking; the bot uses ``parse_feed``).

    ``fast=False`` forces feedparser (the tests compare both paths).
    """
    quick = parse_fast(data, url=url, content_type=content_type) if fast else None
    if quick is not None:
        return quick
    return parse_with_feedparser(data, url=url, content_type=content_type)


def parse_fast(
    data: bytes, *, url: str | None = None, content_type: str | None = None
) -> ParsedFeed | None:
    """The expat fast path (well-formed RSS 2.0 / Atom 1.0), or None for feedparser to handle.

    Raises FeedParseError for a DOCTYPE declaring entities, whatever the path.
    """
    try:
        refuse_entity_doctype(data, content_type)
    except FeedSafetyError as exc:
        raise FeedParseError(exc.key, **exc.values) from None
    if data.count(b"<") > MAX_FAST_TAGS:
        return None  # a tree that large is not a feed we want to build in memory
    remote = bool(url and urlsplit(url).scheme in ("http", "https"))

    def resolve(value: str) -> str:
        return urljoin(url, value) if remote and url else value

    try:
        quick = fast_parse(data, content_type, resolve)
    except Exception:  # anything odd (deep nesting, strange markup): feedparser decides
        log.debug("fast path gave up on %s", url, exc_info=True)
        return None
    if quick is None:
        return None
    version, feed, entries = quick
    return _build(version, feed, entries, url=url, bozo=False)


def parse_with_feedparser(
    data: bytes, *, url: str | None = None, content_type: str | None = None
) -> ParsedFeed:
    """feedparser, for ill-formed and less common feeds (run in a sandbox by ``parse_feed``)."""
    try:
        refuse_entity_doctype(data, content_type)
    except FeedSafetyError as exc:
        raise FeedParseError(exc.key, **exc.values) from None
    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = content_type
    if url and urlsplit(url).scheme in ("http", "https"):
        headers["content-location"] = url
        # With some headers but no type, feedparser flags every feed as ill-formed.
        headers.setdefault("content-type", "application/xml")
    try:
        result = feedparser.parse(
            io.BytesIO(data),  # never a str: feedparser would open paths and URLs
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser's ill-formed paths are many; none may escape
        raise FeedParseError("feeds.error.unreadable", detail=french_detail(exc)) from None
    feed = result.get("feed") or {}
    entries = result.get("entries") or []
    version = str(result.get("version") or "")
    if not entries and not feed.get("title") and not version:
        detail = result.get("bozo_exception")
        raise FeedParseError(
            "feeds.error.not_a_feed",
            detail=french_detail(detail, content_type) if detail else t("feeds.detail.empty"),
        )
    return _build(version, feed, entries, url=url, bozo=bool(result.get("bozo")))


def _build(
    version: str, feed: Any, entries: list[Any], *, url: str | None, bozo: bool
) -> ParsedFeed:
    kind: FeedKind = "atom" if version.startswith("atom") else "rss"
    feed_link = _safe_url(feed.get("link"), url)
    base = url if url and urlsplit(url).scheme in ("http", "https") else feed_link
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in entries:
        title = _plain(entry.get("title"))
        link = _safe_url(entry.get("link"), base)
        published = _when(entry)
        content, is_html = _content(entry)
        external_id, aliases = item_identity(entry, title, link, published, content)
        if external_id in seen:  # duplicate guids: the first occurrence wins
            continue
        seen.add(external_id)
        author = _plain(entry.get("author")) or None
        items.append(
            FeedItem(
                external_id=external_id,
                title=title,
                link=link,
                published=published,
                content=content,
                content_is_html=is_html,
                categories=_categories(entry),
                author=author,
                aliases=aliases,
            )
        )
    return ParsedFeed(
        kind=kind,
        title=_plain(feed.get("title")),
        link=feed_link,
        items=items,
        bozo=bozo,
    )


# One parsing thread: more threads would only fight for the GIL, and each extra CPU-bound
# thread delays the event loop (fetches, Discord) by a switch interval.
_PARSER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedparse")


async def parse_feed(
    data: bytes, *, url: str | None = None, content_type: str | None = None
) -> ParsedFeed:
    """Parse off the event loop: the fast path in a thread, feedparser in a sandbox process.

    feedparser's loose parser is super-linear on some hostile bodies (5 MB of unclosed tags
    takes minutes and gigabytes), so it runs in a child process with a CPU-time and memory
    limit; see ``bot.sources.feeds.sandbox``.
    """
    from bot.sources.feeds import sandbox

    loop = asyncio.get_running_loop()
    work = functools.partial(parse_fast, data, url=url, content_type=content_type)
    quick = await loop.run_in_executor(_PARSER, work)
    if quick is not None:
        return quick
    try:
        result: ParsedFeed = await sandbox.parse_in_sandbox(
            _sandboxed_parse, data, url=url, content_type=content_type
        )
    except sandbox.SandboxError as exc:
        raise FeedParseError(exc.key, **exc.values) from None
    return result


def _sandboxed_parse(
    data: bytes, *, url: str | None = None, content_type: str | None = None
) -> ParsedFeed:
    """What the sandbox's child runs: feedparser, its failures already in French (the
    sandbox knows nothing of feeds, so that this module may import it)."""
    try:
        return parse_with_feedparser(data, url=url, content_type=content_type)
    except (FeedParseError, MemoryError):
        raise
    except Exception as exc:
        raise FeedParseError("feeds.error.unreadable", detail=french_detail(exc)) from None


def html_to_text(value: str) -> str:
    """Readable text from feed HTML (keeps « 1<sup>er</sup> avril » and paragraphs)."""
    try:
        text = get_text(value, _INSCRIPTIS)
    except Exception:  # inscriptis on broken markup: fall back to stripping tags
        text = html.unescape(_TAG.sub(" ", value))
    return text


def item_text(item: FeedItem) -> str:
    raw = html_to_text(item.content) if item.content_is_html else html.unescape(item.content)
    return clean_text(raw)


def to_document(
    item: FeedItem,
    *,
    feed_name: str,
    feed: ParsedFeed,
    channels: list[str] | None = None,
    mention_role: str | None = None,
    feed_url: str | None = None,
) -> Document:
    """The Document the pipeline relays for one feed item."""
    text = item_text(item)
    title = item.title or _first_words(text) or feed.title or feed_name
    return Document(
        source_kind="feed",
        source_name=feed_name,
        kind=feed.kind,
        title=title,
        text=text,
        external_id=item.external_id,
        link=item.link,
        sender=item.author,
        published=item.published,
        categories=list(item.categories),
        channels=list(channels or []),
        mention_role=mention_role,
        meta={
            "feed_title": feed.title,
            "feed_link": feed.link,
            "feed_url": feed_url,
        },
    )


def _first_words(text: str, limit: int = 80) -> str:
    return cut(text.strip().split("\n", 1)[0], limit)
