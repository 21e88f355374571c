"""Parsing: identity, HTML, links, encodings and hostile bodies, all through parse_bytes."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sources.feeds.fastparse import fast_parse
from bot.sources.feeds.parse import (
    FeedParseError,
    ParsedFeed,
    html_to_text,
    parse_bytes,
    parse_feed,
    to_document,
)
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
    assert second.external_id.startswith("item:")  # title + date: no guid, no usable link


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
    assert without.external_id.startswith("item:")  # title only: the text is left out
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


async def test_parse_feed_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import bot.sources.feeds.parse as module

    seen: list[str] = []
    original = module.parse_fast

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(threading.current_thread().name)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "parse_fast", spy)
    parsed = await parse_feed(rss_feed(items=2), url=URL)
    assert len(parsed.items) == 2
    assert seen and seen[0] != threading.main_thread().name


def _summary(parsed: ParsedFeed) -> list[tuple[object, ...]]:
    return [
        (i.external_id, i.title, i.link, i.published, i.categories, i.author,
         " ".join(html_to_text(i.content).split()) if i.content_is_html else i.content.strip())
        for i in parsed.items
    ]


FOREIGN_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T &amp; co</title>
<link>https://exemple.org/</link>
<item><title>&lt;b&gt;Gras&lt;/b&gt; et &amp;amp;</title><link>/rel/1</link>
<guid>/rel/guid-1</guid><dc:date>2026-11-18T16:00:00-05:00</dc:date><dc:creator>Équipe</dc:creator>
<description>court</description><content:encoded><![CDATA[<p>Long contenu <em>riche</em></p>]]></content:encoded>
</item><item><guid isPermaLink="false">x-2</guid><description>Texte seul, sans titre.</description></item>
</channel></rss>""".encode()

FOREIGN_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;lt;i&amp;gt;b</title>
<link rel="self" href="https://exemple.org/self.atom"/><link href="https://exemple.org/"/>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Titre <b>XHTML</b></div></title>
<id>urn:x:1</id><link rel="alternate" href="/a/1"/><updated>2026-11-12T10:00:00-05:00</updated>
<category term="t" label="Étiquette"/><author><name>Moi</name></author>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Le 1<sup>er</sup> décembre.</p></div></content>
</entry><entry><title>Deux</title><id>urn:x:2</id><summary>Résumé simple</summary></entry></feed>""".encode()


@pytest.mark.parametrize(
    "body",
    [rss_feed(feed=1, items=4), FOREIGN_RSS, FOREIGN_ATOM,
     atom_feed([{"t": "<title>Un</title>", "i": "<id>urn:u</id>", "l": '<link href="/u"/>'}])],
    ids=["generated-rss", "rss-modules", "atom-xhtml", "generated-atom"],
)
def test_fast_path_and_feedparser_agree(body: bytes) -> None:
    assert fast_parse(body, "application/xml", lambda value: value) is not None  # not a fallback
    fast = parse_bytes(body, url=URL, content_type="application/xml")
    slow = parse_bytes(body, url=URL, content_type="application/xml", fast=False)
    assert fast.kind == slow.kind
    assert (fast.title, fast.link) == (slow.title, slow.link)
    assert _summary(fast) == _summary(slow)


def test_demo_feeds_read_the_same_on_both_paths(repo_dir: Path) -> None:
    for path in sorted((repo_dir / "config" / "demo" / "feeds").iterdir()):
        body = path.read_bytes()
        assert _summary(parse_bytes(body)) == _summary(parse_bytes(body, fast=False)), path.name


async def test_ill_formed_feeds_are_read_in_the_sandbox() -> None:
    broken = rss_feed(feed=5, items=2).replace(b"</channel></rss>", b"")
    parsed = await parse_feed(broken, url=URL)
    assert parsed.bozo and [i.external_id for i in parsed.items] == ["f5-item-1", "f5-item-0"]
    with pytest.raises(FeedParseError) as error:
        await parse_feed(b"<html><body>Ceci n'est pas un flux", url=URL)
    assert error.value.key == "feeds.error.not_a_feed"


async def test_pathological_markup_is_stopped_in_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    import resource

    from bot.sources.feeds import sandbox

    monkeypatch.setattr(sandbox, "TIMEOUT_SECONDS", 2.0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # 5 MB of unclosed tags: minutes and gigabytes for feedparser's loose parser.
    with pytest.raises(FeedParseError) as error:
        await parse_feed(b"<a>" * 1_600_000, url=URL)
    assert error.value.key == "feeds.error.too_complex"
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 64 * 1024  # the bot itself stayed small: the child took the blow
