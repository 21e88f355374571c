"""Inbox benchmark: from a file appearing in the folder to its outbox row.

    .venv/bin/python benchmarks/inbox.py [--quick] [--poll]

Prints p50/p95 latency for a 5 KB e-mail and a 25-page PDF, dropped one at a time into a
watched folder (real watcher, real readers, real pipeline, real SQLite), then the throughput
and peak memory when 200 files are dropped at once. Targets: p95 < 1 s (e-mail), < 3 s (PDF).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import load_maker, percentile
from bot.app import App
from bot.relay.publisher import ConsolePublisher
from bot.settings import load_settings
from bot.sources.inbox import InboxService
from bot.store.db import Database
from bot.timeutil import wait_event

PARAGRAPH = (
    "Le ministère de la Santé et des Services sociaux informe les organismes communautaires "
    "que la rencontre du comité de liaison se tiendra le 14 octobre 2026 à Québec. Les "
    "regroupements sont invités à transmettre leurs commentaires d’ici le 30 septembre 2026. "
)


def email(maker: ModuleType, n: int) -> bytes:
    body = f"Québec, le 2 septembre 2026\n\nObjet : Avis no {n}\n\n" + PARAGRAPH * 13
    data: bytes = maker.make_eml(
        subject=f"Avis no {n} : comité de liaison",
        sender="MSSS <dssgac@msss.example>",
        date="Wed, 02 Sep 2026 14:05:00 -0400",
        body=body,
        message_id=f"<bench-{n}@msss.example>",
    )
    return data


def pdf(maker: ModuleType, n: int) -> bytes:
    pages = [[f"Bulletin {n} — page {p}", PARAGRAPH * 5] for p in range(1, 26)]
    data: bytes = maker.make_pdf(pages, title=f"Bulletin {n}")
    return data


class Bench:
    def __init__(self, root: Path, poll: bool) -> None:
        self.root = root
        self.poll = poll
        self.done: dict[str, float] = {}
        self.outcomes: dict[str, str] = {}
        self.event = asyncio.Event()

    def on_outcome(self, path: Path, outcome: str) -> None:
        self.done[path.name] = time.perf_counter()
        self.outcomes[path.name] = outcome
        self.event.set()

    async def wait_for(self, names: set[str], limit: float = 300.0) -> None:
        deadline = time.perf_counter() + limit
        while not names <= self.done.keys():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{len(names - self.done.keys())} files not processed")
            self.event.clear()
            await wait_event(self.event, 1.0)


async def run(quick: bool, poll: bool) -> None:
    maker = load_maker()
    with tempfile.TemporaryDirectory(prefix="relais-bench-inbox-") as scratch:
        tmp = Path(scratch)
        settings = load_settings(config_dir=tmp / "config", env_file=tmp / "absent.env")
        settings = settings.model_copy(
            update={"database_path": tmp / "relais.db", "inbox_path": tmp / "inbox"}
        )
        if poll:
            settings.config.inbox.mode = "poll"
            settings.config.inbox.poll_interval_seconds = 0.2
        db = await Database.open(settings.database_path)
        app = App(settings, db, ConsolePublisher(settings.config.channels, stream=io.StringIO()))
        bench = Bench(settings.inbox_path, poll)
        service = InboxService(app, on_outcome=bench.on_outcome)
        await service.start()
        await asyncio.sleep(1.5)  # let the watcher settle in (and its first rescan pass)
        print(
            f"Inbox benchmark — mode {settings.config.inbox.mode}, "
            f"stable_seconds={settings.config.inbox.stable_seconds}"
        )
        try:
            for label, make, count, target in (
                ("e-mail 5 KB", email, 6 if quick else 30, 1.0),
                ("PDF 25 pages", pdf, 3 if quick else 12, 3.0),
            ):
                latencies = []
                size = 0
                for n in range(count):
                    data = make(maker, n)
                    size = len(data)
                    name = f"{label.split()[0].lower()}-{n}.{'eml' if make is email else 'pdf'}"
                    start = time.perf_counter()
                    (settings.inbox_path / name).write_bytes(data)
                    await bench.wait_for({name})
                    assert bench.outcomes[name] == "posted", bench.outcomes[name]
                    latencies.append(bench.done[name] - start)
                p50 = statistics.median(latencies)
                p95 = percentile(latencies, 0.95)
                verdict = "OK" if p95 < target else "AU-DESSUS DE LA CIBLE"
                print(
                    f"{label:>14} ({size / 1024:.1f} Ko, n={count}): p50 {p50 * 1000:.0f} ms, "
                    f"p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
                    f"(cible p95 < {target:g} s: {verdict})"
                )

            batch = 60 if quick else 200
            before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            files = {f"lot-{n:03d}.eml": email(maker, 10_000 + n) for n in range(batch)}
            start = time.perf_counter()
            for name, data in files.items():
                (settings.inbox_path / name).write_bytes(data)
            written = time.perf_counter() - start
            await bench.wait_for(set(files), limit=600)
            elapsed = max(bench.done[n] for n in files) - start
            after_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            posted = sum(bench.outcomes[n] == "posted" for n in files)
            rows = await db.fetchone(
                "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'communication'"
            )
            print(
                f"{batch} fichiers déposés d'un coup (écriture {written * 1000:.0f} ms): "
                f"{posted} publiés en {elapsed:.2f} s → {batch / elapsed:.1f} fichiers/s; "
                f"lignes outbox 'communication' au total: {rows['n'] if rows else '?'}"
            )
            print(
                f"mémoire max du processus (ru_maxrss): {after_kib / 1024:.1f} Mo "
                f"(avant le lot: {before_kib / 1024:.1f} Mo)"
            )
        finally:
            await service.stop()
            await db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer files")
    parser.add_argument("--poll", action="store_true", help="polling mode instead of inotify")
    args = parser.parse_args()
    asyncio.run(run(args.quick, args.poll))
    return 0


if __name__ == "__main__":
    sys.exit(main())
