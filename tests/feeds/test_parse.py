"""Parsing: identity, HTML, links, encodings and hostile bodies, all through parse_bytes."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime

import pytest

from bot.sources.feeds.parse import FeedParseError, parse_bytes, parse_feed, to_document
from bot.sources.feeds.safety import FeedSafetyError, refuse_entity_doctype
from tests.feeds.feedgen import atom_feed, rss_feed, rss_item

URL = "https://msss.exemple.gouv.qc.ca/rss/communiques.xml"


def test_rss_items_become_documents() -> None:
    parsed = parse_bytes(rss_feed(feed=7, items=3), url=URL, content_type="application/rss+xml")
    assert parsed.kind == "rss" and not parsed.bozo
    assert [i.external_id for i in parsed.items] == ["f7-item-2", "f7-item-1", "f7-item-0"]
    doc = to_document(parsed.items[0], feed_name="MSSS", feed=parsed, channels=["msss"])
    assert doc.source_kind == "feed" and doc.kind == "rss" and doc.source_name == "MSSS"
    assert doc.title == "Communiqué 7-2 : consultation PSOC & convention"
    assert doc.published == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
    assert doc.categories == ["PSOC"]
    assert "<strong>" not in doc.text and "consultation sur la convention" in doc.text
    assert doc.channels == ["msss"]
    assert parsed.newest() is parsed.items[0]


def test_html_in_titles_and_relative_links() -> None:
    body = atom_feed([
        {
            "title": '<title type="html">Info-PSOC n&lt;sup&gt;o&lt;/sup&gt; 3 : &lt;b&gt;urgent&lt;/b&gt;'
                     " &lt;script&gt;&lt;/script&gt;@everyone</title>",
            "id": "<id>urn:test:1</id>",
            "link": '<link href="/nouvelles/info-psoc-3"/>',
            "updated": "<updated>2026-11-18T16:00:00-05:00</updated>",
            "content": '<content type="html">&lt;p&gt;Le 1&lt;sup&gt;er&lt;/sup&gt; décembre 2026.&lt;/p&gt;</content>',
        },
        {
            "title": "<title>Lien dangereux</title>",
            "link": '<link href="javascript:alert(1)"/>',
            "updated": "<updated>2026-11-17T16:00:00-05:00</updated>",
        },
    ])
    parsed = parse_bytes(body, url="https://coalition.exemple.org/flux/nouvelles.atom")
    first, second = parsed.items
    assert parsed.kind == "atom"
    assert first.title == "Info-PSOC no 3 : urgent @everyone"
    assert first.link == "https://coalition.exemple.org/nouvelles/info-psoc-3"
    doc = to_document(first, feed_name="Coalition", feed=parsed)
    assert "1er décembre 2026" in doc.text
    assert second.link is None  # javascript: is never shown
    assert second.external_id.startswith("sha256:")


def test_relative_links_of_a_local_feed_resolve_against_the_feed_link() -> None:
    extra = "<item><title>Relatif</title><link>/avis/relatif</link></item>"
    parsed = parse_bytes(rss_feed(feed=2, items=0, extra_items=extra), url=None)
    assert parsed.items[0].link == "https://msss.exemple.gouv.qc.ca/avis/relatif"
    assert parsed.items[0].external_id == "https://msss.exemple.gouv.qc.ca/avis/relatif"


def test_items_without_id_or_date_get_a_stable_identity() -> None:
    extra = rss_item(3, 1, guid=False, date=False) + rss_item(3, 2, guid=False, date=False, link=False)
    body = rss_feed(feed=3, items=0, extra_items=extra)
    first = parse_bytes(body, url=URL)
    again = parse_bytes(body, url=URL)
    with_link, without = first.items
    assert with_link.external_id == "https://msss.exemple.gouv.qc.ca/f3/communique-1"
    assert without.external_id.startswith("sha256:")
    assert [i.external_id for i in first.items] == [i.external_id for i in again.items]
    assert with_link.published is None
    # No dates at all: the first item in the document is taken as the newest.
    assert first.newest() is with_link


def test_duplicate_guids_keep_the_first_occurrence() -> None:
    extra = rss_item(4, 1) + rss_item(4, 1).replace("Communiqué 4-1", "Doublon")
    parsed = parse_bytes(rss_feed(feed=4, items=0, extra_items=extra), url=URL)
    assert len(parsed.items) == 1
    assert parsed.items[0].title.startswith("Communiqué 4-1")


def test_malformed_xml_is_read_loosely_or_refused_cleanly() -> None:
    broken = rss_feed(feed=5, items=2).replace(b"</title>", b"", 1).replace(b"</channel></rss>", b"")
    parsed = parse_bytes(broken, url=URL)
    assert parsed.bozo
    assert len(parsed.items) == 2
    with pytest.raises(FeedParseError) as error:
        parse_bytes(b"<html><body>Ceci n'est pas un flux", url=URL, content_type="text/html")
    assert error.value.key == "feeds.error.not_a_feed"
    with pytest.raises(FeedParseError):
        parse_bytes(b"\x00\xff\xfe garbage \x89PNG", url=URL)


def test_wrong_encodings_still_give_readable_text() -> None:
    latin1 = rss_feed(feed=6, items=1).decode().replace("UTF-8", "ISO-8859-1").encode("latin-1", "replace")
    parsed = parse_bytes(latin1, url=URL, content_type="application/rss+xml")
    assert "Communiqué" in parsed.items[0].title
    # Declared UTF-8 in the header, but the bytes are Latin-1: no exception, items still read.
    lying = rss_feed(feed=6, items=1).decode().encode("latin-1", "replace")
    parsed = parse_bytes(lying, url=URL, content_type="application/rss+xml; charset=utf-8")
    assert len(parsed.items) == 1 and parsed.items[0].title.startswith("Communiqu")
    utf16 = rss_feed(feed=6, items=1).decode().replace("UTF-8", "UTF-16").encode("utf-16")
    parsed = parse_bytes(utf16, url=URL)
    assert parsed.items[0].title.startswith("Communiqué 6-0")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&secret;</title></item></channel></rss>
"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "xxe"])
def test_entity_declaring_doctype_is_refused(body: bytes) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(FeedParseError) as error:
            parse_bytes(body, url=URL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.value.key == "feeds.error.entities"
    assert peak < 5 * 1024 * 1024


def test_entity_doctype_hidden_in_utf16_is_refused() -> None:
    with pytest.raises(FeedSafetyError):
        refuse_entity_doctype(EXTERNAL_ENTITY.decode().encode("utf-16"))
    with pytest.raises(FeedSafetyError):
        refuse_entity_doctype(EXTERNAL_ENTITY.decode().encode("utf-16-be"))


def test_plain_doctype_is_accepted() -> None:
    body = rss_feed(feed=8, items=1).replace(
        b"<rss", b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss', 1
    )
    assert len(parse_bytes(body, url=URL).items) == 1


async def test_parse_feed_runs_off_the_event_loop() -> None:
    import threading

    seen: list[str] = []
    import bot.sources.feeds.parse as module

    original = module.feedparser.parse

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(threading.current_thread().name)
        return original(*args, **kwargs)

    module.feedparser.parse = spy  # type: ignore[assignment]
    try:
        parsed = await parse_feed(rss_feed(items=2), url=URL)
    finally:
        module.feedparser.parse = original  # type: ignore[assignment]
    assert len(parsed.items) == 2
    assert seen and seen[0] != threading.main_thread().name
