"""French feeds generated for the tests (and the benchmark): no copy of shared files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

BASE_DAY = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
PARAGRAPH = (
    "<p>Le ministère de la Santé et des Services sociaux annonce la tenue d’une "
    "<strong>consultation</strong> sur la convention du Programme de soutien aux organismes "
    "communautaires. La période de consultation se tiendra du 23 novembre au 11 décembre 2026. "
    "Les avis doivent être transmis au plus tard le 11 décembre 2026 à 16 h.</p>"
)


def rss_item(feed: int, number: int, *, paragraphs: int = 1, guid: bool = True,
             date: bool = True, link: bool = True) -> str:
    when = BASE_DAY + timedelta(hours=number)
    parts = [f"<title>Communiqué {feed}-{number} : consultation PSOC &amp; convention</title>"]
    if link:
        parts.append(f"<link>https://msss.exemple.gouv.qc.ca/f{feed}/communique-{number}</link>")
    if guid:
        parts.append(f'<guid isPermaLink="false">f{feed}-item-{number}</guid>')
    if date:
        parts.append(f"<pubDate>{format_datetime(when)}</pubDate>")
    parts.append("<category>PSOC</category>")
    parts.append(f"<description><![CDATA[{PARAGRAPH * paragraphs}]]></description>")
    return "<item>" + "".join(parts) + "</item>\n"


def rss_feed(feed: int = 1, items: int = 5, *, first: int = 0, paragraphs: int = 1,
             title: str = "Communiqués du ministère (test)", extra_items: str = "") -> bytes:
    """Newest first, as real feeds list them: item numbers first+items-1 … first."""
    body = "".join(
        rss_item(feed, n, paragraphs=paragraphs) for n in range(first + items - 1, first - 1, -1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://msss.exemple.gouv.qc.ca/f{feed}/</link>"
        "<description>Flux de test</description><language>fr-ca</language>"
        f"{extra_items}{body}</channel></rss>"
    ).encode()


def atom_feed(entries: list[dict[str, str]], title: str = "Nouvelles de la coalition (test)") -> bytes:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>urn:test:coalition</id>",
        '<link rel="alternate" href="https://coalition.exemple.org/"/>',
        "<updated>2026-11-18T16:00:00-05:00</updated>",
    ]
    for entry in entries:
        out.append("<entry>" + "".join(entry.values()) + "</entry>")
    out.append("</feed>")
    return "".join(out).encode()
