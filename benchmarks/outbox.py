"""Outbox throughput: N posts to 10 channels through the fake Discord, by `relais run`.

The rows are written first (a backlog, as after an outage), then Relais runs as its own
process (`python -m bot run`, the Discord publisher, discord.py's rate-limit handling)
against the fake Discord, which sends per-channel rate-limit headers on every message and
answers 429 to a client that ignores them. Printed: posts per second (first to last message
seen by Discord), wall time, peak memory of the Relais process, 429s received, duplicates and
lost posts (both must be 0).

    .venv/bin/python benchmarks/outbox.py            # 1,000 posts, 10 channels
    .venv/bin/python benchmarks/outbox.py --quick    # 200 posts
    .venv/bin/python benchmarks/outbox.py --limit 5 --per 5   # Discord's real 5 per 5 s
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.models import Embed, EmbedField, Post
from tests.e2e.fake_discord import FakeDiscord, RateLimit
from tests.e2e.harness import RelaisHarness

MESSAGES = "POST /channels/{channel_id}/messages"


def make_posts(count: int, channels: list[str]) -> list[Post]:
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
        for i in range(count)
    ]


async def run(count: int, channel_count: int, limit: int, per: float) -> dict[str, float | int]:
    names = [f"salon-{i}" for i in range(channel_count)]
    fake = FakeDiscord(channels=names, rate_limit=RateLimit(limit=limit, per=per))
    await fake.start()
    try:
        with tempfile.TemporaryDirectory(prefix="relais-bench-") as scratch:
            # production outbox settings (no test shortcuts)
            relais = RelaisHarness.create(fake, Path(scratch), config_toml="")
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
    finally:
        await fake.stop()

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 posts instead of 1,000")
    parser.add_argument("--posts", type=int, default=None)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--limit", type=int, default=5, help="messages per window per channel")
    parser.add_argument("--per", type=float, default=1.0, help="window in seconds")
    args = parser.parse_args()
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
    if result["duplicates"] or result["lost"]:
        print("  FAILED: every post must be delivered exactly once")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
