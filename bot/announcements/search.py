"""Full-text search over everything relayed (FTS5 index of migration 0005)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.announcements.query import FtsQuery, parse_query
from bot.store.db import Database
from bot.timeutil import from_iso, to_iso

# Column weights for bm25: a word in the title says more than one in the summary, which
# says more than one deep in the text.
_WEIGHTS = "10.0, 4.0, 1.0"


@dataclass(frozen=True)
class SearchHit:
    communication_id: int
    title: str
    source_name: str
    at: datetime  # published, else relayed
    link: str | None  # the Discord post, else the original link
    excerpt: str  # plain text around the words found (untrusted: escape before showing)


@dataclass(frozen=True)
class SearchResult:
    query: FtsQuery | None
    hits: list[SearchHit]
    relaxed: bool = False  # True when no communication held every word and any word was used


async def _run(
    db: Database, match: str, source: str | None, since: datetime | None, limit: int
) -> list[SearchHit]:
    # Rank inside the index alone, then read only the few rows shown: joining every match
    # to its (large) communication row before the LIMIT is what makes a search slow.
    filters: list[str] = []
    params: list[object] = [match]
    if source:
        filters.append("(c.source_name = ? COLLATE NOCASE OR c.source_kind = ? COLLATE NOCASE)")
        params += [source, source]
    if since is not None:
        # published precedes the (large) text in the row; created_at is only read without it.
        filters.append("COALESCE(c.published, c.created_at) >= ?")
        params.append(to_iso(since))
    if filters:
        # CROSS JOIN keeps the index as the outer loop: one row lookup per match.
        best = (
            f"SELECT c.id AS id, bm25(communications_fts, {_WEIGHTS}) AS score"
            " FROM communications_fts CROSS JOIN communications c"
            " ON c.id = communications_fts.rowid WHERE communications_fts MATCH ? AND "
            + " AND ".join(filters)
        )
    else:
        best = (
            f"SELECT rowid AS id, bm25(communications_fts, {_WEIGHTS}) AS score"
            " FROM communications_fts WHERE communications_fts MATCH ?"
        )
    params.append(limit)
    rows = await db.fetchall(
        f"WITH best AS ({best} ORDER BY score LIMIT ?)"
        " SELECT c.id, c.title, c.source_name, c.published, c.created_at, c.link,"
        " (SELECT o.message_url FROM outbox o WHERE o.communication_id = c.id"
        "   AND o.status = 'sent' AND o.message_url IS NOT NULL ORDER BY o.id LIMIT 1)"
        "   AS post_url"
        " FROM best JOIN communications c ON c.id = best.id ORDER BY best.score",
        params,
    )
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    marks = ",".join("?" * len(ids))
    excerpts = await db.fetchall(
        "SELECT rowid AS id, snippet(communications_fts, -1, '', '', '…', 24) AS excerpt"
        f" FROM communications_fts WHERE communications_fts MATCH ? AND rowid IN ({marks})",
        [match, *ids],
    )
    by_id = {row["id"]: row["excerpt"] for row in excerpts}
    return [_hit(row, by_id.get(row["id"], "")) for row in rows]


def _hit(row: sqlite3.Row, excerpt: str) -> SearchHit:
    return SearchHit(
        communication_id=row["id"],
        title=row["title"],
        source_name=row["source_name"],
        at=from_iso(row["published"] or row["created_at"]),
        link=row["post_url"] or row["link"],
        excerpt=" ".join((excerpt or "").split()),
    )


async def search(
    db: Database,
    query: str,
    source: str | None = None,
    since: datetime | None = None,
    limit: int = 10,
) -> SearchResult:
    """Best matches first. Syntax characters typed by people are taken as plain text."""
    parsed = parse_query(query)
    if parsed is None:
        return SearchResult(query=None, hits=[])
    limit = max(1, min(limit, 50))
    hits = await _run(db, parsed.all_of(), source, since, limit)
    if hits or len(parsed.terms) == 1:
        return SearchResult(query=parsed, hits=hits)
    return SearchResult(
        query=parsed, hits=await _run(db, parsed.any_of(), source, since, limit), relaxed=True
    )


async def sources(db: Database) -> list[str]:
    """Source names known to the store (for the command's autocompletion)."""
    rows = await db.fetchall(
        "SELECT source_name, COUNT(*) AS n FROM communications GROUP BY source_name"
        " ORDER BY n DESC LIMIT 100"
    )
    return [r["source_name"] for r in rows]
