"""Search and digest benchmark: 50,000 communications of 2–20 KB of generated French text.

Prints: time to load and index them (triggers), time to rebuild the index from scratch,
database size, p50/p95 of 100 mixed queries through ``bot.search.index.search``,
and the time to gather and build the digest of a week of 500 communications.

    .venv/bin/python benchmarks/search.py            # 50,000 communications
    .venv/bin/python benchmarks/search.py --quick    # 5,000
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.digest.weekly import build_digest, gather
from bot.search.index import search
from bot.store.db import Database
from bot.timeutil import to_iso

# Frequent words first (Zipf-like sampling gives them most of the text, as in real French).
COMMON = """
de la le et les des à en du un une pour dans que qui sur par est au avec ce sont aux ne
pas plus leur nous vous il elle se sa son ses ont été être fait cette ces comme mais ou
tout tous toutes lors aussi ainsi afin entre depuis sans sous vers chez dont où
""".split()
DOMAIN = """
ministère santé services sociaux organismes communautaires programme soutien financement
mission globale régional régionale table concertation coalition regroupement délégation
comité liaison stratégique groupe travail rencontre préparatoire rétroaction échéance
consultation avis cadre normatif reddition comptes établissement centre intégré CISSS
CIUSSS direction santé publique population jeunesse aînés santé mentale dépendance
itinérance handicap déficience intellectuelle physique proches aidants soutien domicile
prévention promotion violence conjugale sexuelle hébergement crise écoute entraide
développement social pauvreté exclusion logement sécurité alimentaire transport bénévoles
rehaussement indexation enveloppe budgétaire subvention formulaire demande dépôt date
limite période annonce bulletin communiqué lettre ministre sous-ministre adjoint
fonctionnaire directeur générale coordonnatrice conseil administration assemblée membres
reconnaissance autonomie action communautaire autonome politique gouvernementale plan
d'action orientations ministérielles territoire Montérégie Outaouais Laurentides
Lanaudière Estrie Mauricie Saguenay Abitibi Gaspésie Côte-Nord Capitale-Nationale
Chaudière-Appalaches Bas-Saint-Laurent Laval Montréal modalités calendrier
""".split()
RARE_ROOTS = """
réforme équité accessibilité pérennité transparence imputabilité gouvernance partenariat
collaboration intersectorielle arrimage continuum trajectoire protocole entente convention
modernisation harmonisation bonification consolidation priorisation évaluation
""".split()
SUFFIXES = ["", "s", "ment", "tion", "aire", "ique", "isme", "ité", "eur", "rice", "ance"]
SOURCES = ["msss", "ctroc", "inbox", "inbox/psoc", "upload", "feed-santé-publique"]

QUERIES_TEMPLATES = [
    "{d}",
    "{d} {d}",
    "{r}",
    "{r} {d}",
    "{d} {c}",
    '"{d} {d}',
    "{d}*",
    "{d} NEAR {r}",
    "(({d}",
    "{dna}",
    "{dna} {dna}",
    "{c} {d} {d}",
    "{r} {r}",
]


def strip_accents(word: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def vocabulary(rng: random.Random) -> tuple[list[str], list[float], list[str]]:
    rare = sorted({root + s for root in RARE_ROOTS for s in SUFFIXES})
    # Thousands of distinct tokens with a long tail, like real letters and bulletins.
    tail = [f"{rng.choice(DOMAIN)[:5]}{rng.choice(RARE_ROOTS)[:4]}{i}" for i in range(20000)]
    words = COMMON + DOMAIN + rare + tail
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(words))]
    return words, list(itertools.accumulate(weights)), rare


def make_text(rng: random.Random, words: list[str], cum_weights: list[float]) -> str:
    target = rng.randint(2_000, 20_000)
    paragraphs: list[str] = []
    size = 0
    while size < target:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            chosen = rng.choices(words, cum_weights=cum_weights, k=rng.randint(8, 30))
            sentences.append(" ".join(chosen).capitalize() + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:target]


def populate(path: Path, count: int, now: datetime, seed: int = 7) -> float:
    """Write ``count`` communications (the FTS triggers index them); returns seconds."""
    rng = random.Random(seed)
    words, weights, _ = vocabulary(rng)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    week = 500
    started = time.perf_counter()
    conn.execute("BEGIN")
    for i in range(count):
        if i >= count - week:  # the last 500 fall in the past week
            created = now - timedelta(minutes=rng.randint(1, 7 * 24 * 60 - 1))
        else:
            created = now - timedelta(days=rng.randint(8, 3 * 365), minutes=rng.randint(0, 1440))
        title = " ".join(rng.choices(DOMAIN, k=rng.randint(3, 9))).capitalize()
        text = make_text(rng, words, weights)
        summary = [s.strip() + "." for s in text.split(".")[:3] if s.strip()]
        source = rng.choice(SOURCES)
        cursor = conn.execute(
            "INSERT INTO communications(scope, external_id, source_kind, source_name, kind,"
            " title, link, published, text, summary_json, channel, created_at)"
            " VALUES (?, ?, 'feed', ?, 'rss', ?, ?, ?, ?, ?, 'msss', ?)",
            (
                f"feed:{source}",
                f"item-{i}",
                source,
                title,
                f"https://www.msss.gouv.qc.ca/{i}",
                to_iso(created),
                text,
                json.dumps(summary, ensure_ascii=False),
                to_iso(created),
            ),
        )
        comm_id = cursor.lastrowid
        if created > now - timedelta(days=30):
            payload = json.dumps(
                {
                    "channel": "msss",
                    "buttons": [{"custom_id": f"follow:take:{comm_id}", "label": "Pris en charge"}],
                }
            )
            conn.execute(
                "INSERT INTO outbox(kind, channel, payload, nonce, communication_id, status,"
                " next_attempt_at, created_at, message_url) VALUES ('communication', 'msss',"
                " ?, ?, ?, 'sent', ?, ?, ?)",
                (
                    payload,
                    f"n{comm_id}",
                    comm_id,
                    to_iso(created),
                    to_iso(created),
                    f"https://discord.com/channels/1/2/{comm_id}",
                ),
            )
        if i % 5000 == 4999:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
            print(f"  … {i + 1} communications", flush=True)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def rebuild(path: Path) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO communications_fts(communications_fts) VALUES ('delete-all')")
    conn.execute(
        "INSERT INTO communications_fts(rowid, title, summary, text)"
        " SELECT id, title, summary, text FROM communications_search_source"
    )
    conn.execute("COMMIT")
    conn.execute("INSERT INTO communications_fts(communications_fts) VALUES ('optimize')")
    elapsed = time.perf_counter() - started
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return elapsed


def queries(rng: random.Random, n: int = 100) -> list[tuple[str, str | None, datetime | None]]:
    _, _, rare = vocabulary(random.Random(1))
    out: list[tuple[str, str | None, datetime | None]] = []
    for i in range(n):
        template = QUERIES_TEMPLATES[i % len(QUERIES_TEMPLATES)]
        text = template
        while "{d}" in text or "{r}" in text or "{c}" in text or "{dna}" in text:
            text = text.replace("{d}", rng.choice(DOMAIN), 1)
            text = text.replace("{r}", rng.choice(rare), 1)
            text = text.replace("{c}", rng.choice(COMMON), 1)
            text = text.replace("{dna}", strip_accents(rng.choice(DOMAIN)), 1)
        source = rng.choice(SOURCES) if i % 5 == 0 else None
        since = datetime(2025, 6, 1, tzinfo=UTC) if i % 7 == 0 else None
        out.append((text, source, since))
    return out


async def measure(path: Path, now: datetime) -> None:
    db = await Database.open(path)
    try:
        mixed = queries(random.Random(11))
        await search(db, "santé")  # warm the page cache once, as a running bot would be
        times = []
        found = 0
        for text, source, since in mixed:
            started = time.perf_counter()
            result = await search(db, text, source=source, since=since)
            times.append((time.perf_counter() - started) * 1000)
            found += bool(result.hits)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"queries: {len(times)} mixed, {found} with results")
        print(
            f"  p50 {p50:.1f} ms   p95 {p95:.1f} ms   max {times[-1]:.1f} ms  (target p95 < 50 ms)"
        )
        started = time.perf_counter()
        data = await gather(db, now)
        posts = build_digest(data, channel="digest")
        elapsed = time.perf_counter() - started
        print(
            f"digest: {len(data.items)} communications of the week, {len(data.untaken)} untaken, "
            f"{len(posts)} post(s), built in {elapsed * 1000:.0f} ms"
        )
    finally:
        await db.close()


async def prepare(path: Path) -> None:
    db = await Database.open(path)  # applies every migration, 0005 included
    await db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 communications")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="database path to keep")
    args = parser.parse_args()
    count = args.count or (5_000 if args.quick else 50_000)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        asyncio.run(prepare(path))
        print(f"generating and indexing {count} communications of 2–20 KB …", flush=True)
        load = populate(path, count, now)
        conn = sqlite3.connect(path)
        text_bytes = conn.execute("SELECT SUM(LENGTH(CAST(text AS BLOB))) FROM communications")
        total_text = text_bytes.fetchone()[0]
        conn.close()
        print(f"load + live indexing (triggers): {load:.1f} s ({total_text / 1e6:.0f} MB of text)")
        print(f"index rebuild from scratch: {rebuild(path):.1f} s")
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        print(f"database size: {size / 1e6:.0f} MB")
        asyncio.run(measure(path, now))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
