"""Feeds and pages benchmark: Relais and `reader` on the same work, from a local aiohttp server.

    .venv/bin/python benchmarks/feeds.py [--quick] [--feeds N] [--hosts H] [--pages P]

In one process run (the server runs in a child process, so its CPU is not ours):

* Relais, relay step counting items (fetch, parse, identities, dedupe, SQLite):
  cold (first poll of every feed), warm-304 (every feed answers 304), warm with 10 % of the
  feeds carrying one new item;
* ``reader`` (``update_feeds``) on the same feeds under its own URLs: the same three cycles;
* Relais with the full pipeline (summary, dates, render, outbox) on a cold cycle;
* pages: P watched pages whose chrome changes at every load (date banner, counter, session
  token, CSRF value); a first cycle stores them, a second one where 10 % really changed:
  wall time, changes posted, false changes (must be 0).

Wall time, CPU time (this process, all threads) and peak RSS (sampled every 5 ms) are printed
per cycle. The feeds are spread over H loopback addresses (127.0.0.1 …) because the fetcher
allows two requests at once per host, as it would for real, distinct sites; the allow-list
admits 127.0.0.0/8 for the run. Targets: Relais ≥ 4× reader cold, ≥ 2× reader warm-304,
pipeline cold ≤ 2× fetch-and-parse cold, 0 false page changes.
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


PREFIXES = ("relais", "reader", "pipeline")


def make_page(index: int, load: int, changed: bool) -> str:
    """A consultation page: its chrome changes at every load; its text only when ``changed``."""
    token = f"{(index * 7919 + load * 104729) % (1 << 64):016x}{load:04d}"
    extra = (
        (
            f"<p>Ajout : les mémoires sont attendus au plus tard le {10 + index % 18} "
            "janvier 2027 à 16 h.</p>"
        )
        if changed
        else ""
    )
    return (
        f"<!doctype html><html><head><title>Consultation {index}</title>"
        f"<script>var session = '{token}';</script></head><body>"
        f"<header><p>Mardi {1 + load % 28} décembre 2026, {8 + load % 10} h {load % 60:02d}</p>"
        f"</header><nav><a href='/?s={token}'>Accueil</a></nav><main>"
        f"<h1>Consultation {index} sur le PSOC</h1>"
        f"<p>Mis à jour il y a {load} minutes</p>{PARAGRAPH * 3}{extra}"
        f"<p>{1000 + load * 13} visites</p><p>Jeton de session : {token}</p>"
        f"<form><input type='hidden' name='csrf' value='{token}'></form></main>"
        f"<footer><p>Page générée le {1 + load % 28}/12/2026 en {load % 90} ms</p></footer>"
        "</body></html>"
    )


def serve(count: int, hosts: int, pages: int, ready: Any, bumps: Any, page_cycle: Any) -> None:
    bodies = {i: make_feed(i) for i in range(count)}
    bumped: dict[int, bytes] = {}
    loads = [0] * pages

    async def feed(request: web.Request) -> web.StreamResponse:
        index = int(request.match_info["index"])
        prefix = PREFIXES.index(request.match_info["prefix"])
        if bumps[prefix] and index % 10 == 0:
            body = bumped.get(index)
            if body is None:
                body = bumped[index] = make_feed(index, new=1)
            etag = f'"{index}-v2"'
        else:
            body, etag = bodies[index], f'"{index}-v1"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag}, content_type="application/rss+xml")

    async def page(request: web.Request) -> web.StreamResponse:
        index = int(request.match_info["index"])
        loads[index] += 1
        changed = page_cycle.value >= 2 and index % 10 == 0
        return web.Response(text=make_page(index, loads[index], changed), content_type="text/html")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{prefix}/{index}.xml", feed)
        app.router.add_get("/pages/{index}.html", page)
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
    print(
        f"{label:<28} wall {fig.wall:7.2f} s   cpu {fig.cpu:7.2f} s   peak RSS {fig.peak_mb:6.1f} MB"
        + (f"   {extra}" if extra else "")
    )


# --- Relais ---------------------------------------------------------------------------------------


async def open_relais(workdir: Path, use_pipeline: bool) -> tuple[Any, Any, Any, dict[str, int]]:
    from bot.settings import load_settings
    from bot.sources.feeds.service import FeedService
    from bot.store.db import Database

    config = workdir / "config"
    config.mkdir(parents=True)
    (config / "relais.toml").write_text(
        '[feeds]\nallow_hosts = ["127.0.0.0/8"]\n', encoding="utf-8"
    )
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
    return app, FeedService(app), db, relayed


async def relais_cycles(
    urls: list[str], workdir: Path, use_pipeline: bool, bump: Any, labels: tuple[str, ...]
) -> tuple[list[Figures], list[str]]:
    from bot.sources.feeds import store
    from bot.sources.feeds.config import FeedDef

    _app, service, db, relayed = await open_relais(workdir, use_pipeline)
    for index, url in enumerate(urls):
        await store.add_feed(db, FeedDef(name=f"Flux {index}", url=url, origin="discord"), None)
    figures: list[Figures] = []
    notes = []
    communications_before = 0
    for label in labels:
        if label == "warm-new":
            bump()
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


async def page_cycles(
    urls: list[str], workdir: Path, page_cycle: Any
) -> tuple[list[Figures], list[str]]:
    from bot.sources.feeds import store
    from bot.sources.feeds.config import FeedDef

    app, service, db, _ = await open_relais(workdir, use_pipeline=False)
    posted: list[str] = []

    async def record(doc: Any) -> Any:
        posted.append(doc.source_name)
        return SimpleNamespace(duplicate=False)

    app.pipeline.relay = record
    for index, url in enumerate(urls):
        await store.add_feed(
            db,
            FeedDef(name=f"Page {index}", url=url, origin="discord", kind="page", selector="main"),
            None,
        )
    figures: list[Figures] = []
    notes = []
    for cycle in (1, 2, 3):  # store; 10 % changed (+ noise everywhere); noise only
        page_cycle.value = 2 if cycle >= 2 else 1
        start = len(posted)
        with measure(figures):
            await service.run_once()
        names = posted[start:]
        expected = {f"Page {i}" for i in range(len(urls)) if i % 10 == 0} if cycle == 2 else set()
        false_changes = len([n for n in names if n not in expected])
        errors = await db.fetchone("SELECT count(*) FROM feed_state WHERE failures > 0")
        notes.append(
            f"changes posted {len(names)} (expected {len(expected)}), "
            f"false changes {false_changes}, pages in error {errors[0]}"
        )  # type: ignore[index]
        if cycle == 2:
            page_cycle.value = 3  # the changed text stays: later loads must not post again
    await service.stop()
    await db.close()
    return figures, notes


# --- reader ---------------------------------------------------------------------------------------


def reader_cycles(
    urls: list[str], workdir: Path, workers: int, bump: Any
) -> tuple[list[Figures], list[str]]:
    from reader import make_reader

    reader = make_reader(str(workdir / f"reader-{workers}.sqlite"), search_enabled=False)
    for url in urls:
        reader.add_feed(url)
    figures: list[Figures] = []
    notes = []
    for label in ("cold", "warm-304", "warm-new"):
        if label == "warm-new":
            bump()
        before = reader.get_entry_counts().total
        with measure(figures):
            reader.update_feeds(workers=workers, scheduled=False)  # every feed, every cycle
        entries = reader.get_entry_counts().total
        broken = sum(1 for feed in reader.get_feeds() if feed.last_exception)
        notes.append(f"entries stored {entries - before}, feeds in error {broken}")
    reader.close()
    return figures, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="100 feeds and 50 pages")
    parser.add_argument("--feeds", type=int, default=None)
    parser.add_argument("--pages", type=int, default=None)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--reader-workers", type=int, default=1)
    parser.add_argument("--no-reader", action="store_true", help="skip reader (ratios not shown)")
    args = parser.parse_args()
    count = args.feeds or (100 if args.quick else 1000)
    pages = args.pages or (50 if args.quick else 200)

    context = multiprocessing.get_context("fork")
    ready = context.Queue()
    bumps = context.Array("b", len(PREFIXES))
    page_cycle = context.Value("i", 1)
    server = context.Process(
        target=serve, args=(count, args.hosts, pages, ready, bumps, page_cycle), daemon=True
    )
    server.start()
    try:
        ports: list[int] = ready.get(timeout=120)

        def urls(prefix: str) -> list[str]:
            return [
                f"http://127.0.0.{i % args.hosts + 1}:{ports[i % args.hosts]}/{prefix}/{i}.xml"
                for i in range(count)
            ]

        def bumper(prefix: str) -> Any:
            def bump() -> None:
                bumps[PREFIXES.index(prefix)] = 1

            return bump

        size = len(make_feed(0))
        print(
            f"{count} feeds of 20 items, {size / 1000:.0f} KB each, on {args.hosts} loopback hosts"
            f" (2 requests at once per host); {pages} pages; machine: 2 shared cores"
        )
        print(f"RSS before the run: {rss_mb():.1f} MB")
        labels = ("cold", "warm-304", "warm-new")
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            relais, notes = asyncio.run(
                relais_cycles(urls("relais"), root / "relais", False, bumper("relais"), labels)
            )
            for label, fig, note in zip(labels, relais, notes, strict=True):
                report(f"Relais {label}", fig, note)
            reader: list[Figures] = []
            if not args.no_reader:
                reader, rnotes = reader_cycles(urls("reader"), root, args.reader_workers,
                                               bumper("reader"))
                for label, fig, note in zip(labels, reader, rnotes, strict=True):
                    report(f"reader {label}", fig, note)
            piped, pnotes = asyncio.run(relais_cycles(urls("pipeline"), root / "pipeline", True,
                                                      bumper("pipeline"), ("cold",)))
            report("Relais cold, full pipeline", piped[0], pnotes[0])
            page_urls = [
                f"http://127.0.0.{i % args.hosts + 1}:{ports[i % args.hosts]}/pages/{i}.html"
                for i in range(pages)
            ]
            watched, wnotes = asyncio.run(page_cycles(page_urls, root / "pages", page_cycle))
            for label, fig, note in zip(
                ("pages first", "pages 10 % changed", "pages noise only"),
                watched,
                wnotes,
                strict=True,
            ):
                report(label, fig, note)
        ratios = {label: reader[i].wall / relais[i].wall for i, label in enumerate(labels)} if reader else {}
        if ratios:
            print("Relais vs reader (wall): " + ", ".join(f"{k} {v:.1f}×" for k, v in ratios.items()))
            cpu = {label: reader[i].cpu / relais[i].cpu for i, label in enumerate(labels)}
            print("Relais vs reader (CPU):  " + ", ".join(f"{k} {v:.1f}×" for k, v in cpu.items()))
        pipeline_ratio = piped[0].wall / relais[0].wall
        print(f"pipeline cold / fetch-and-parse cold: {pipeline_ratio:.2f}× wall, "
              f"{piped[0].cpu / relais[0].cpu:.2f}× CPU")
        false_changes = sum(int(n.split("false changes ")[1].split(",")[0]) for n in wnotes)
        targets = [
            ("≥ 4× reader cold", ratios.get("cold", 0) >= 4),
            ("≥ 2× reader warm-304", ratios.get("warm-304", 0) >= 2),
            ("pipeline cold ≤ 2× fetch-and-parse", pipeline_ratio <= 2),
            ("0 false page changes", false_changes == 0),
            ("peak < 150 MB", max(f.peak_mb for f in relais + piped + watched) < 150),
        ]
        print(
            "targets: " + ", ".join(f"{name}: {'ok' if ok else 'MISSED'}" for name, ok in targets)
        )
    finally:
        server.terminate()
        server.join(5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
