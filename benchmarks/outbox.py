"""Outbox: throughput, kills past the nonce window, a 429 storm, an outage, a year of data.

Sections (all by default; pick some with --only throughput,kills,storm,outage,year):

- throughput: N posts to 10 channels through the fake Discord, by `relais run`;
- kills: the fake forgets nonces after 3 s; `relais run` is SIGKILLed 20 times at random
  moments (answers delayed, some lost), restarted sometimes within, sometimes past the
  window: posts shown twice and posts lost (both must be 0);
- storm: 30 × 429 (retry_after 0.5 s) on one post: total wait against the 15 s asked
  (target ≤ 1.2×); then 200 posts to 10 channels through 100 × 429;
- outage: Discord unreachable for --outage-seconds (120 by default): time from its return
  until posts resume and until a slash command is answered (target ≤ 30 s each);
- year: a simulated year (50 feeds × 5 items a day, 10 documents a day) with the daily
  retention: database size, p95 of /rechercher and of the outbox worker's queries.

The rows are written first (a backlog, as after an outage), then Relais runs as its own
process (`python -m bot run`, the Discord publisher, discord.py's rate-limit handling)
against the fake Discord, which sends per-channel rate-limit headers on every message and
answers 429 to a client that ignores them. Printed: posts per second (first to last message
seen by Discord), wall time, peak memory of the Relais process, 429s received, duplicates and
lost posts (both must be 0).

    .venv/bin/python benchmarks/outbox.py            # 1,000 posts, 10 channels
    .venv/bin/python benchmarks/outbox.py --quick    # 200 posts
    .venv/bin/python benchmarks/outbox.py --limit 5 --per 5   # Discord's real 5 per 5 s
    .venv/bin/python benchmarks/outbox.py --only outage --outage-seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import percentile
from bot.models import Embed, EmbedField, Post
from tests.e2e.fake_discord import FakeDiscord, RateLimit
from tests.e2e.harness import RelaisHarness, RelaisProcess

MESSAGES = "POST /channels/{channel_id}/messages"


def make_posts(count: int, channels: list[str], start: int = 0) -> list[Post]:
    return [
        Post(
            channel=channels[i % len(channels)],
            embeds=[
                Embed(
                    title=f"Communication n° {i} du ministère",
                    description="Le ministère de la Santé et des Services sociaux informe les "
                    "organismes communautaires du rehaussement du PSOC. " * 3,
                    url=f"https://www.msss.gouv.qc.ca/communiques/{i}",
                    fields=[EmbedField("Dates à retenir", "15 mars 2026 : dépôt des avis")],
                    footer="MSSS — communiqués",
                )
            ],
        )
        for i in range(start, start + count)
    ]


@contextlib.asynccontextmanager
async def discord_and_relais(
    channels: list[str], config_toml: str = "", **fake_options: Any
) -> AsyncIterator[RelaisHarness]:
    """A Relais harness in a scratch folder over a started fake Discord (``relais.fake``) with
    ``channels``; ``config_toml`` empty: the production outbox settings, no test shortcuts."""
    fake = FakeDiscord(channels=channels, **fake_options)
    await fake.start()
    try:
        with tempfile.TemporaryDirectory(prefix="relais-bench-") as scratch:
            yield RelaisHarness.create(fake, Path(scratch), config_toml=config_toml)
    finally:
        await fake.stop()


async def run(count: int, channel_count: int, limit: int, per: float) -> dict[str, float | int]:
    names = [f"salon-{i}" for i in range(channel_count)]
    limits = RateLimit(limit=limit, per=per)
    async with discord_and_relais(names, rate_limit=limits) as relais:
        fake = relais.fake
        posts = make_posts(count, names)
        row_ids = await relais.enqueue(*posts, kind="bench")
        proc = relais.process()
        started = time.monotonic()
        proc.start()
        peak_kib = 0

        def done() -> bool:
            nonlocal peak_kib
            peak_kib = max(peak_kib, proc.peak_rss_kib() or 0)
            return len(fake.messages) >= count

        await proc.wait_exit_or(done, within=max(120.0, count / limit * per * 2))
        try:
            rows = await relais.wait_sent(row_ids, within=60)
        except TimeoutError:
            rows = await relais.rows(row_ids)
        wall = time.monotonic() - started
        peak_kib = max(peak_kib, proc.peak_rss_kib() or 0)
        await proc.terminate()

    nonces = Counter(m.nonce for m in fake.messages)
    row_nonces = {r["nonce"] for r in rows}
    duplicates = sum(n - 1 for n in nonces.values() if n > 1)
    duplicates += len(fake.messages) - len({m.data["embeds"][0]["title"] for m in fake.messages})
    lost = len(row_nonces - set(nonces)) + sum(1 for r in rows if r["status"] != "sent")
    times = [m.created_at for m in fake.messages]
    span = max(times) - min(times) if len(times) > 1 else float("nan")
    statuses = Counter(r.status for r in fake.requests_to(MESSAGES))
    return {
        "posts": count,
        "channels": channel_count,
        "posts_per_s": (len(times) - 1) / span if span else float("nan"),
        "wall_s": wall,
        "peak_rss_mib": peak_kib / 1024,
        "http_429": statuses.get(429, 0),
        "nonce_resends": fake.nonce_hits,
        "duplicates": duplicates,
        "lost": lost,
    }


# ---------------------------------------------------------------------------- kills
KILL_CONFIG = """\
[relais]
staff_role = "Permanence"

[outbox]
poll_seconds = 0.2
nonce_trust_seconds = 2
outage_retry_seconds = 2
"""


def _exactly_once(fake: FakeDiscord, rows: list) -> tuple[int, int]:
    """(shown twice, lost) over ``rows``: by nonce (what Relais sent) and by title."""
    by_nonce = Counter(m.nonce for m in fake.messages)
    titles = Counter(m.data["embeds"][0]["title"] for m in fake.messages if m.data["embeds"])
    twice = sum(n - 1 for n in by_nonce.values() if n > 1)
    twice = max(twice, sum(n - 1 for n in titles.values() if n > 1))
    lost = sum(
        1
        for r in rows
        if r["status"] != "sent" or not r["message_id"] or r["nonce"] not in by_nonce
    )
    return twice, lost


async def run_kills(kills: int, seed: int = 3) -> dict[str, float | int]:
    rng = random.Random(seed)
    names = [f"salon-{i}" for i in range(5)]
    recovered = 0
    past_window = 0
    limits = RateLimit(limit=5, per=1.0)
    async with discord_and_relais(
        names, KILL_CONFIG, rate_limit=limits, nonce_window=3.0
    ) as relais:
        fake = relais.fake
        row_ids: list[int] = []
        proc = relais.process()
        fake.set_delay(MESSAGES, 0.3)  # created at once, answered late: kills land there
        for _ in range(kills):
            start = len(row_ids)
            row_ids += await relais.enqueue(*make_posts(30, names, start=start), kind="bench")
            if rng.random() < 0.5:
                fake.lose_next(MESSAGES, rng.randint(1, 2))
            proc.start()
            before = len(fake.messages)
            # kill at a random moment once this run is posting
            await proc.wait_exit_or(lambda b=before: len(fake.messages) > b, within=60)
            await asyncio.sleep(rng.uniform(0.0, 2.0))
            proc.kill()
            recovered += proc.output().count("was already posted")
            pause = rng.uniform(0.0, 6.0)
            past_window += pause > 3.0
            await asyncio.sleep(pause)
        fake.set_delay(MESSAGES, 0)
        proc.start()
        try:
            await proc.wait_exit_or(lambda: len(fake.messages) >= len(row_ids), within=300)
            rows = await relais.wait_sent(row_ids, within=120)
        except TimeoutError:
            rows = await relais.rows(row_ids)
        recovered += proc.output().count("was already posted")
        await proc.terminate()
    twice, lost = _exactly_once(fake, rows)
    return {
        "kills": kills,
        "posts": len(row_ids),
        "past_window": past_window,
        "nonce_hits": fake.nonce_hits,
        "recovered": recovered,
        "lost_answers": fake.responses_lost,
        "twice": twice,
        "lost": lost,
    }


# ---------------------------------------------------------------------------- storm
async def run_storm() -> dict[str, float]:
    names = [f"salon-{i}" for i in range(10)]
    async with discord_and_relais(names, rate_limit=RateLimit(limit=50, per=1.0)) as relais:
        fake = relais.fake
        await relais.start()
        target = fake.channel_named("salon-0").id
        fake.fail_next(MESSAGES, 429, count=30, retry_after=0.5, path_contains=target)
        started = time.monotonic()
        [one] = await relais.enqueue(make_posts(1, ["salon-0"])[0], kind="bench")
        await relais.wait_sent([one], within=120)
        single = fake.messages[-1].created_at - started

        fake.fail_next(MESSAGES, 429, count=100, retry_after=0.5)
        before = len(fake.messages)
        started = time.monotonic()
        ids = await relais.enqueue(*make_posts(200, names, start=1), kind="bench")
        rows = await relais.wait_sent(ids, within=600)
        heavy = max(m.created_at for m in fake.messages[before:]) - started
        await relais.stop()
    twice, lost = _exactly_once(fake, rows)
    return {"single_s": single, "asked_s": 15.0, "heavy_s": heavy, "twice": twice, "lost": lost}


# ---------------------------------------------------------------------------- outage
async def run_outage(seconds: float) -> dict[str, float | int]:
    names = ["general", "msss", "psoc", "annonces", "permanence"]
    async with discord_and_relais(names, rate_limit=RateLimit(limit=5, per=1.0)) as relais:
        fake = relais.fake
        proc: RelaisProcess = relais.process()
        ids = await relais.enqueue(*make_posts(5, names), kind="bench")
        proc.start()
        await relais.wait_sent(ids, within=60)
        await proc.wait_exit_or(lambda: fake.connected, within=30)
        down = asyncio.create_task(fake.outage(seconds))
        await asyncio.sleep(min(5.0, seconds / 4))
        during = await relais.enqueue(*make_posts(20, names, start=100), kind="bench")
        await down
        back = time.monotonic()
        await proc.wait_exit_or(
            lambda: any(m.created_at >= back for m in fake.messages), within=300
        )
        posts_resume = min(m.created_at for m in fake.messages if m.created_at >= back) - back
        await proc.wait_exit_or(lambda: fake.connected, within=300)
        staff = fake.add_member("Permanence", roles=["Permanence"])
        interaction = await fake.invoke_command("relais etat", member=staff)
        await fake.wait_response(interaction, within=60)
        command = time.monotonic() - back
        rows = await relais.wait_sent(ids + during, within=120)
        backlog = max(m.created_at for m in fake.messages) - back
        log = proc.output()
        await proc.terminate()
    twice, lost = _exactly_once(fake, rows)
    return {
        "outage_s": seconds,
        "posts_resume_s": posts_resume,
        "command_s": command,
        "backlog_s": backlog,
        "warnings": log.count(" WARNING "),
        "tracebacks": log.count("Traceback"),
        "twice": twice,
        "lost": lost,
    }


# ---------------------------------------------------------------------------- year
def _words(rng: random.Random) -> tuple[list[str], list[float]]:
    from benchmarks.search import vocabulary

    words, weights, _ = vocabulary(rng)
    return words, weights


def _text(rng: random.Random, words: list[str], weights: list[float], size: int) -> str:
    out: list[str] = []
    length = 0
    while length < size:
        sentence = " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(8, 25)))
        out.append(sentence.capitalize() + ".")
        length += len(out[-1]) + 1
    return " ".join(out)[:size]


async def run_year(days: int = 365, feeds: int = 50, per_feed: int = 5, docs: int = 10) -> dict:
    from bot.search.index import search
    from bot.store import outbox
    from bot.store.db import Database
    from bot.store.retention import prune
    from bot.timeutil import to_iso, utc_now

    rng = random.Random(5)
    words, weights = _words(rng)
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="relais-bench-year-") as scratch:
        path = Path(scratch) / "relais.db"
        db = await Database.open(path)
        await db.close()
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        for f in range(feeds):
            conn.execute(
                "INSERT INTO feeds(id, name, name_key, url, origin, created_at)"
                " VALUES (?, ?, ?, ?, 'config', ?)",
                (f + 1, f"Flux {f}", f"flux {f}", f"https://example.org/{f}.xml", to_iso(start)),
            )
        item = 0
        payload_bytes = 0
        wall = time.perf_counter()
        db = await Database.open(path)
        for day in range(days):
            now = start + timedelta(days=day)
            stamp = to_iso(now)
            conn.execute("BEGIN")
            for f in range(feeds):
                for _ in range(per_feed):
                    item += 1
                    text = _text(rng, words, weights, rng.randint(600, 3000))
                    title = " ".join(rng.choices(words[:300], k=rng.randint(4, 10))).capitalize()
                    cid = conn.execute(
                        "INSERT INTO communications(scope, external_id, source_kind, source_name,"
                        " kind, title, link, published, text, summary_json, channel, created_at)"
                        " VALUES (?, ?, 'feed', ?, 'rss', ?, ?, ?, ?, ?, 'msss', ?)",
                        (
                            f"feed:{f}",
                            f"i{item}",
                            f"Flux {f}",
                            title,
                            f"https://example.org/{f}/{item}",
                            stamp,
                            text,
                            json.dumps([text[:200]], ensure_ascii=False),
                            stamp,
                        ),
                    ).lastrowid
                    post = Post(
                        channel="msss",
                        embeds=[
                            Embed(
                                title=title,
                                description=text[:1500],
                                url=f"https://example.org/{item}",
                                fields=[EmbedField("Résumé", text[:400])],
                                footer=f"Flux {f}",
                            )
                        ],
                    )
                    payload = post.to_json()
                    payload_bytes += len(payload)
                    conn.execute(
                        "INSERT INTO outbox(kind, channel, payload, nonce, communication_id,"
                        " status, attempts, next_attempt_at, created_at, sent_at, channel_id,"
                        " message_id, attempted_at) VALUES ('communication', ?, ?, ?, ?, 'sent',"
                        " 1, ?, ?, ?, '1', ?, ?)",
                        (
                            f"salon-{f % 10}",
                            payload,
                            f"n{item}",
                            cid,
                            stamp,
                            stamp,
                            stamp,
                            str(10**17 + item),
                            stamp,
                        ),
                    )
                    conn.execute(
                        "INSERT INTO feed_items(feed_id, external_id, first_seen, relayed,"
                        " last_seen) VALUES (?, ?, ?, 1, ?)",
                        (f + 1, f"i{item}", stamp, stamp),
                    )
                # the feed's body holds its 20 latest items: they are seen again today
                conn.execute(
                    "UPDATE feed_items SET last_seen = ? WHERE feed_id = ? AND external_id IN"
                    " (SELECT external_id FROM feed_items WHERE feed_id = ?"
                    "  ORDER BY first_seen DESC LIMIT 20)",
                    (stamp, f + 1, f + 1),
                )
            for _ in range(docs):
                item += 1
                text = _text(rng, words, weights, rng.randint(3000, 20000))
                cid = conn.execute(
                    "INSERT INTO communications(scope, external_id, source_kind, source_name,"
                    " kind, title, published, text, summary_json, channel, created_at)"
                    " VALUES ('file', ?, 'inbox', 'Boîte de dépôt', 'pdf', ?, ?, ?, '[]',"
                    " 'psoc', ?)",
                    (f"sha{item}", f"Document {item}", stamp, text, stamp),
                ).lastrowid
                payload = Post(
                    channel="psoc",
                    embeds=[Embed(title=f"Document {item}", description=text[:3000])],
                ).to_json()
                payload_bytes += len(payload)
                conn.execute(
                    "INSERT INTO outbox(kind, channel, payload, nonce, communication_id, status,"
                    " attempts, next_attempt_at, created_at, sent_at, channel_id, message_id)"
                    " VALUES ('communication', 'psoc', ?, ?, ?, 'sent', 1, ?, ?, ?, '2', ?)",
                    (payload, f"n{item}", cid, stamp, stamp, stamp, str(10**17 + item)),
                )
            conn.execute("COMMIT")
            await prune(db, sent_posts_days=90, feed_items_days=90, now=now)
            if day % 60 == 59:
                print(f"  … day {day + 1}", flush=True)
        build_s = time.perf_counter() - wall
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        free *= conn.execute("PRAGMA page_size").fetchone()[0]
        conn.close()
        size = path.stat().st_size

        # a backlog as the worker sees it: 40 pending rows over 10 channels
        async with db.transaction() as tx:
            for i in range(40):
                await outbox.enqueue(
                    tx, Post(channel=f"salon-{i % 10}", content=f"n° {i}"), kind="bench"
                )
        from benchmarks.search import queries

        mixed = queries(random.Random(11))
        await search(db, "santé")
        search_ms = []
        for text, source, since in mixed:
            t0 = time.perf_counter()
            await search(db, text, source=source, since=since)
            search_ms.append((time.perf_counter() - t0) * 1000)
        worker_ms: dict[str, list[float]] = {
            "due_rows": [],
            "last_confirmed": [],
            "known_ids": [],
            "mark_attempted": [],
        }
        end = utc_now()
        for i in range(200):
            t0 = time.perf_counter()
            rows = await outbox.due_rows(db, end, limit=16)
            worker_ms["due_rows"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            await outbox.last_confirmed_message(db, f"salon-{i % 10}")
            worker_ms["last_confirmed"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            await outbox.known_message_ids(
                db, [str(10**17 + rng.randint(1, item)) for _ in range(5)]
            )
            worker_ms["known_ids"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            await outbox.mark_attempted(db, rows[i % len(rows)].id, end)
            worker_ms["mark_attempted"].append((time.perf_counter() - t0) * 1000)
        counts = await db.fetchone(
            "SELECT (SELECT COUNT(*) FROM communications) AS comms,"
            " (SELECT COUNT(*) FROM feed_items) AS items,"
            " (SELECT COUNT(*) FROM outbox WHERE pruned_at IS NOT NULL) AS pruned,"
            " (SELECT SUM(length(payload)) FROM outbox) AS payload"
        )
        await db.close()
    assert counts is not None
    return {
        "days": days,
        "communications": counts["comms"],
        "feed_items_kept": counts["items"],
        "feed_items_total": feeds * per_feed * days,
        "payloads_pruned": counts["pruned"],
        "payload_mib_kept": (counts["payload"] or 0) / 2**20,
        "payload_mib_written": payload_bytes / 2**20,
        "db_mib": size / 2**20,
        "free_mib": free / 2**20,
        "build_s": build_s,
        "search_p50": statistics.median(search_ms),
        "search_p95": percentile(search_ms, 0.95),
        "worker_p95": {k: percentile(v, 0.95) for k, v in worker_ms.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="throughput,kills,storm,outage,year")
    parser.add_argument("--quick", action="store_true", help="200 posts instead of 1,000")
    parser.add_argument("--posts", type=int, default=None)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--limit", type=int, default=5, help="messages per window per channel")
    parser.add_argument("--per", type=float, default=1.0, help="window in seconds")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--outage-seconds", type=float, default=120.0)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    only = set(args.only.split(","))
    failed = False
    if "throughput" in only:
        count = args.posts or (200 if args.quick else 1000)
        result = asyncio.run(run(count, args.channels, args.limit, args.per))
        print(
            f"outbox → fake Discord: {result['posts']} posts to {result['channels']} channels, "
            f"rate limit {args.limit} per {args.per:g} s per channel (Discord: 5 per 5 s)"
        )
        print(f"  throughput     {result['posts_per_s']:.1f} posts/s (first to last message)")
        print(f"  wall time      {result['wall_s']:.1f} s (process start to every row marked sent)")
        print(f"  peak memory    {result['peak_rss_mib']:.1f} MiB (RSS of the relais process)")
        print(f"  429 received   {result['http_429']}")
        print(f"  nonce resends  {result['nonce_resends']}")
        print(f"  duplicates     {result['duplicates']}")
        print(f"  lost           {result['lost']}")
        failed |= bool(result["duplicates"] or result["lost"])
    if "kills" in only:
        k = asyncio.run(run_kills(args.kills))
        print(
            f"kills: {k['kills']} SIGKILLs of `relais run` at random moments, {k['posts']} posts,"
            " nonce window 3 s"
        )
        print(f"  restarts past the window  {k['past_window']} of {k['kills']}")
        print(f"  answers lost on purpose   {k['lost_answers']}")
        print(f"  resends the nonce caught  {k['nonce_hits']}")
        print(f"  found in channel history  {k['recovered']}")
        print(f"  shown twice               {k['twice']}   (must be 0)")
        print(f"  lost                      {k['lost']}   (must be 0)")
        failed |= bool(k["twice"] or k["lost"])
    if "storm" in only:
        st = asyncio.run(run_storm())
        ratio = st["single_s"] / st["asked_s"]
        print("429 storm: 30 × 429 (retry_after 0.5 s) on one post")
        print(
            f"  total wait     {st['single_s']:.1f} s for {st['asked_s']:.0f} s asked"
            f" = {ratio:.2f}× (target ≤ 1.2×)"
        )
        print(
            f"  then 200 posts / 10 channels through 100 × 429: all delivered in "
            f"{st['heavy_s']:.1f} s; shown twice {st['twice']}, lost {st['lost']}"
        )
        failed |= ratio > 1.2 or bool(st["twice"] or st["lost"])
    if "outage" in only:
        o = asyncio.run(run_outage(args.outage_seconds))
        print(f"outage: Discord unreachable for {o['outage_s']:.0f} s")
        print(f"  posts resumed     {o['posts_resume_s']:.1f} s after it came back (target ≤ 30 s)")
        print(f"  command answered  {o['command_s']:.1f} s after it came back (target ≤ 30 s)")
        print(f"  backlog of 20     all posted {o['backlog_s']:.1f} s after it came back")
        print(
            f"  log: {o['warnings']} WARNING line(s), {o['tracebacks']} traceback(s);"
            f" shown twice {o['twice']}, lost {o['lost']}"
        )
        failed |= o["posts_resume_s"] > 30 or o["command_s"] > 30 or bool(o["twice"] or o["lost"])
    if "year" in only:
        y = asyncio.run(run_year(days=args.days))
        print(
            f"year: {y['days']} days, 50 feeds × 5 items/day + 10 documents/day,"
            " retention 90 days (built in {:.0f} s)".format(y["build_s"])
        )
        print(f"  communications    {y['communications']:,} (all kept, searchable)")
        print(f"  feed identities   {y['feed_items_kept']:,} kept of {y['feed_items_total']:,}")
        print(
            f"  sent payloads     {y['payloads_pruned']:,} emptied; {y['payload_mib_kept']:.0f}"
            f" MiB kept of {y['payload_mib_written']:.0f} MiB written"
        )
        print(
            f"  database          {y['db_mib']:.0f} MiB, of which {y['free_mib']:.0f} MiB free"
            " pages (reused by new rows: the file stops growing by the emptied payloads)"
        )
        print(
            f"  /rechercher       p50 {y['search_p50']:.1f} ms, p95 {y['search_p95']:.1f} ms"
            " (100 mixed queries)"
        )
        worker = ", ".join(f"{k} {v:.2f}" for k, v in y["worker_p95"].items())
        print(f"  outbox worker p95 (ms): {worker}")
    if failed:
        print("FAILED: a target was missed (see above)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
