"""Full-text search over everything relayed (FTS5 index of migration 0005)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.search.query import FtsQuery, parse_query
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


# Beyond this many matches of the full text, bm25 over all of them costs more than a
# search should (it reads every match's sizes); the full-text stage then shows the most
# recent ones. Title and summary matches are always ranked by bm25.
RANK_ALL_MAX = 4000


def _filters(source: str | None, since: datetime | None) -> tuple[list[str], list[object]]:
    filters: list[str] = []
    params: list[object] = []
    if source:
        filters.append("(c.source_name = ? COLLATE NOCASE OR c.source_kind = ? COLLATE NOCASE)")
        params += [source, source]
    if since is not None:
        # published precedes the (large) text in the row; created_at is only read without it.
        filters.append("COALESCE(c.published, c.created_at) >= ?")
        params.append(to_iso(since))
    return filters, params


async def _best_ids(
    db: Database,
    match: str,
    filters: tuple[list[str], list[object]],
    limit: int,
    *,
    exclude: list[int],
    by_rank: bool = True,
) -> list[int]:
    """Ids of the best matches, ranked inside the index: joining every match to its large
    communication row before the LIMIT is what would make a search slow."""
    conditions, params = filters
    order = f"bm25(communications_fts, {_WEIGHTS})" if by_rank else "communications_fts.rowid DESC"
    where = ["communications_fts MATCH ?", *conditions]
    if exclude:
        where.append(f"communications_fts.rowid NOT IN ({','.join('?' * len(exclude))})")
    if conditions:
        # CROSS JOIN keeps the index as the outer loop: one row lookup per match.
        source = (
            "communications_fts CROSS JOIN communications c ON c.id = communications_fts.rowid"
        )
    else:
        source = "communications_fts"
    rows = await db.fetchall(
        f"SELECT communications_fts.rowid AS id FROM {source} WHERE {' AND '.join(where)}"
        f" ORDER BY {order} LIMIT ?",
        [match, *params, *exclude, limit],
    )
    return [row["id"] for row in rows]


async def _run(
    db: Database, match: str, source: str | None, since: datetime | None, limit: int
) -> list[SearchHit]:
    filters = _filters(source, since)
    # Stage 1: matches in titles and summaries (short columns: cheap to rank, and the best).
    ids = await _best_ids(db, f"{{title summary}} : ({match})", filters, limit, exclude=[])
    if len(ids) < limit:
        # Stage 2: the full text, ranked by bm25 unless the words are everywhere.
        count = await db.fetchone(
            "SELECT COUNT(*) AS n FROM communications_fts WHERE communications_fts MATCH ?",
            (match,),
        )
        by_rank = count is None or count["n"] <= RANK_ALL_MAX
        ids += await _best_ids(
            db, match, filters, limit - len(ids), exclude=ids, by_rank=by_rank
        )
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(
        "SELECT c.id, c.title, c.source_name, c.published, c.created_at, c.link,"
        " (SELECT o.message_url FROM outbox o WHERE o.communication_id = c.id"
        "   AND o.status = 'sent' AND o.message_url IS NOT NULL ORDER BY o.id LIMIT 1)"
        f"   AS post_url FROM communications c WHERE c.id IN ({marks})",
        ids,
    )
    excerpts = await db.fetchall(
        "SELECT rowid AS id, snippet(communications_fts, -1, '', '', '…', 24) AS excerpt"
        f" FROM communications_fts WHERE communications_fts MATCH ? AND rowid IN ({marks})",
        [match, *ids],
    )
    by_id = {row["id"]: row for row in rows}
    excerpt_of = {row["id"]: row["excerpt"] for row in excerpts}
    return [_hit(by_id[i], excerpt_of.get(i, "")) for i in ids if i in by_id]


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
