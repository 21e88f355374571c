"""Feeds benchmark: 1,000 feeds (20 items, ~50 KB each) from a local aiohttp server.

    .venv/bin/python benchmarks/feeds.py [--quick] [--feeds N] [--hosts H] [--pipeline]

Cycles measured in this process (the server runs in a child process, so its CPU is not ours):

* cold: every feed polled for the first time (fetch, parse, identities, dedupe, all items
  written to SQLite, the newest item of each feed handed to the relay);
* warm: 90 % of the feeds answer 304, 10 % carry one new item.

Then the same feeds, on fresh URLs, are updated by the ``reader`` library (``update_feeds``)
for comparison. Wall time, CPU time (this process, all threads) and peak RSS (sampled every
5 ms) are printed per cycle. The feeds are spread over H loopback addresses (127.0.0.1 …) because
the fetcher allows two requests at once per host, as it would for real, distinct sites; the
allow-list admits 127.0.0.0/8 for the run.

By default the relay step only counts items (what is measured is the feed side); ``--pipeline``
relays through the real pipeline (summary, dates, render, outbox) instead.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web

PARAGRAPH = (
    "<p>Le ministère de la Santé et des Services sociaux annonce la tenue d’une "
    "<strong>consultation</strong> sur la convention du Programme de soutien aux organismes "
    "communautaires. La période de consultation se tiendra du 23 novembre au 11 décembre 2026; "
    "les avis doivent être transmis au plus tard le 11 décembre 2026 à 16 h.</p>"
)
BASE = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def make_feed(feed: int, items: int = 20, new: int = 0) -> bytes:
    parts = []
    for number in range(items + new - 1, -1, -1):
        when = format_datetime(BASE + timedelta(hours=number))
        parts.append(
            f"<item><title>Communiqué {feed}-{number} : consultation &amp; convention</title>"
            f"<link>https://msss.exemple.gouv.qc.ca/f{feed}/communique-{number}</link>"
            f'<guid isPermaLink="false">f{feed}-{number}</guid><pubDate>{when}</pubDate>'
            f"<category>PSOC</category><description><![CDATA[{PARAGRAPH * 6}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Flux {feed}</title><link>https://msss.exemple.gouv.qc.ca/f{feed}/</link>"
        "<description>Banc d’essai</description>" + "".join(parts) + "</channel></rss>"
    ).encode()


# --- the server (child process) -----------------------------------------------------------------


def serve(count: int, hosts: int, ready: Any, bump: Any) -> None:
    bodies = {i: make_feed(i) for i in range(count)}
    bumped: dict[int, bytes] = {}

    async def feed(request: web.Request) -> web.StreamResponse:
        index = int(request.match_info["index"])
        if bump.is_set() and index % 10 == 0:
            body = bumped.get(index)
            if body is None:
                body = bumped[index] = make_feed(index, new=1)
            etag = f'"{index}-v2"'
        else:
            body, etag = bodies[index], f'"{index}-v1"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag}, content_type="application/rss+xml")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{prefix}/{index}.xml", feed)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        ports = []
        for host in range(hosts):
            site = web.TCPSite(runner, f"127.0.0.{host + 1}", 0, backlog=1024)
            await site.start()
            ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        ready.put(ports)
        await asyncio.Event().wait()

    asyncio.run(main())


# --- measuring ------------------------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1_048_576


@dataclass
class Figures:
    wall: float
    cpu: float
    peak_mb: float


@contextmanager
def measure(figures: list[Figures]) -> Iterator[None]:
    peak = [rss_mb()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.005):
            peak[0] = max(peak[0], rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        stop.set()
        sampler.join()
        figures.append(Figures(wall, cpu, max(peak[0], rss_mb())))


def report(label: str, fig: Figures, extra: str = "") -> None:
    print(f"{label:<28} wall {fig.wall:7.2f} s   cpu {fig.cpu:7.2f} s   peak RSS {fig.peak_mb:6.1f} MB"
          + (f"   {extra}" if extra else ""))


# --- Relais ---------------------------------------------------------------------------------------


async def relais_cycles(urls: list[str], workdir: Path, use_pipeline: bool) -> tuple[list[Figures], list[str]]:
    from bot.settings import load_settings
    from bot.sources.feeds import store
    from bot.sources.feeds.config import FeedDef
    from bot.sources.feeds.service import FeedService
    from bot.store.db import Database

    config = workdir / "config"
    config.mkdir()
    (config / "relais.toml").write_text('[feeds]\nallow_hosts = ["127.0.0.0/8"]\n', encoding="utf-8")
    settings = load_settings(config_dir=config, env_file=workdir / "none.env")
    db = await Database.open(workdir / "relais.db")
    relayed = {"count": 0}

    async def count(doc: Any) -> Any:
        relayed["count"] += 1
        return SimpleNamespace(duplicate=False)

    if use_pipeline:
        from bot.relay.pipeline import Pipeline

        pipeline: Any = Pipeline(db, settings)
    else:
        pipeline = SimpleNamespace(relay=count)
    app = SimpleNamespace(settings=settings, db=db, pipeline=pipeline)
    service = FeedService(app)
    for index, url in enumerate(urls):
        await store.add_feed(db, FeedDef(name=f"Flux {index}", url=url, origin="discord"), None)
    figures: list[Figures] = []
    notes = []
    communications_before = 0
    for label in ("cold", "warm"):
        if label == "warm":
            bump_event.set()
        before = relayed["count"]
        rows_before = await db.fetchone("SELECT count(*) FROM feed_items")
        with measure(figures):
            await service.run_once()
        rows = await db.fetchone("SELECT count(*) FROM feed_items")
        errors = await db.fetchone("SELECT count(*) FROM feed_state WHERE failures > 0")
        relayed_now = relayed["count"] - before
        if use_pipeline:
            done = await db.fetchone("SELECT count(*) FROM communications")
            total = int(done[0]) if done else 0
            relayed_now, communications_before = total - communications_before, total
        notes.append(
            f"items stored {int(rows[0]) - int(rows_before[0])}, relayed {relayed_now}, "  # type: ignore[index]
            f"feeds in error {errors[0]}"  # type: ignore[index]
        )
    await service.stop()
    await db.close()
    return figures, notes


# --- reader ---------------------------------------------------------------------------------------


def reader_cycle(urls: list[str], workdir: Path, workers: int) -> tuple[Figures, str]:
    from reader import make_reader

    reader = make_reader(str(workdir / f"reader-{workers}.sqlite"), search_enabled=False)
    for url in urls:
        reader.add_feed(url)
    figures: list[Figures] = []
    with measure(figures):
        reader.update_feeds(workers=workers)
    entries = reader.get_entry_counts().total
    broken = sum(1 for feed in reader.get_feeds() if feed.last_exception)
    reader.close()
    return figures[0], f"entries stored {entries}, feeds in error {broken}"


bump_event: Any = None


def main() -> int:
    global bump_event
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="100 feeds instead of 1,000")
    parser.add_argument("--feeds", type=int, default=None)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--pipeline", action="store_true", help="relay through the real pipeline")
    parser.add_argument("--reader-workers", type=int, default=1)
    parser.add_argument("--no-reader", action="store_true")
    args = parser.parse_args()
    count = args.feeds or (100 if args.quick else 1000)

    context = multiprocessing.get_context("fork")
    ready, bump_event = context.Queue(), context.Event()
    server = context.Process(target=serve, args=(count, args.hosts, ready, bump_event), daemon=True)
    server.start()
    try:
        ports: list[int] = ready.get(timeout=120)

        def urls(prefix: str) -> list[str]:
            return [
                f"http://127.0.0.{i % args.hosts + 1}:{ports[i % args.hosts]}/{prefix}/{i}.xml"
                for i in range(count)
            ]

        size = len(make_feed(0))
        print(f"{count} feeds of 20 items, {size / 1000:.0f} KB each, on {args.hosts} loopback hosts"
              f" (2 requests at once per host); relay: {'pipeline' if args.pipeline else 'count'}")
        baseline = rss_mb()
        print(f"RSS before the run: {baseline:.1f} MB")
        with tempfile.TemporaryDirectory() as tmp:
            figures, notes = asyncio.run(relais_cycles(urls("relais"), Path(tmp), args.pipeline))
            report("Relais cold", figures[0], notes[0])
            report("Relais warm (90 % 304)", figures[1], notes[1])
            if not args.no_reader:
                bump_event.clear()  # reader reads the same 1,000 feeds as Relais' cold cycle
                fig, note = reader_cycle(urls("reader"), Path(tmp), args.reader_workers)
                report(f"reader cold (workers={args.reader_workers})", fig, note)
                print(f"Relais is {fig.wall / figures[0].wall:.1f}× faster than reader on the cold "
                      f"cycle (wall), {fig.cpu / figures[0].cpu:.1f}× less CPU")
        targets = [
            ("warm < 2 s", figures[1].wall < 2),
            ("cold < 15 s", figures[0].wall < 15),
            ("peak < 150 MB", max(f.peak_mb for f in figures) < 150),
        ]
        print("targets: " + ", ".join(f"{name}: {'ok' if ok else 'MISSED'}" for name, ok in targets))
    finally:
        server.terminate()
        server.join(5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
