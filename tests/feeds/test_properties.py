"""Properties: arbitrary bytes and feed-like markup never make parsing raise anything else
than FeedParseError; identities are stable."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sources.feeds.parse import FeedParseError, parse_bytes
from tests.feeds.feedgen import rss_feed

FRAGMENTS = st.sampled_from([
    "<rss version=\"2.0\">", "<channel>", "</channel>", "<item>", "</item>", "<title>",
    "</title>", "<guid>", "</guid>", "<link>", "</link>", "<![CDATA[", "]]>", "&amp;", "&",
    "<", ">", "<!DOCTYPE rss>", "<feed xmlns=\"http://www.w3.org/2005/Atom\">", "<entry>",
    "</entry>", "é", "\x00", "<pubDate>Mon, 16 Nov 2026 14:00:00 -0500</pubDate>", "texte",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=40).map("".join), st.sampled_from(["utf-8", "latin-1"]))
def test_feed_like_markup_never_escapes(markup: str, encoding: str) -> None:
    data = markup.encode(encoding, "replace")
    try:
        feed = parse_bytes(data, url="https://exemple.org/flux.xml")
    except FeedParseError:
        return
    ids = [item.external_id for item in feed.items]
    assert len(ids) == len(set(ids))  # duplicates removed
    again = parse_bytes(data, url="https://exemple.org/flux.xml")
    assert [item.external_id for item in again.items] == ids


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_escape(data: bytes) -> None:
    try:
        parse_bytes(data, url="https://exemple.org/flux.xml")
    except FeedParseError:
        pass


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=5000))
def test_truncated_feeds_never_escape(cut: int) -> None:
    try:
        parse_bytes(rss_feed(items=3)[:cut], url="https://exemple.org/flux.xml")
    except FeedParseError:
        pass
