"""Hostile inputs benchmark: what each shape costs the running bot.

    .venv/bin/python benchmarks/hostile.py [--only NAME ...]

Every hostile shape is generated here (nothing is copied from anywhere), then dropped into
the watched inbox of a real App (real watcher, readers, pipeline with its analysis worker,
SQLite), each in a fresh process so that its peak memory is its own. For each shape: wall
time from the drop to the outcome, peak RSS (the bot's process and, separately, the largest
child: the analysis worker), and the worst event-loop lag seen by a 10 ms ticker while the
bot handles it. Targets: under 2 s and 300 MB per shape, loop lag under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import load_maker, load_module, status_mib

SENTENCE = (
    "La rencontre du comité de liaison aura lieu le 3 mars 2027 à Québec, et nous vous "
    "demandons de confirmer la présence de votre organisme. "
)


def one_line(size: int) -> bytes:
    return ("Avis du comité\n\n" + SENTENCE * (size // len(SENTENCE))).encode()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(1024):
                member.write(chunk)
    return out.getvalue()


def big_docx(maker: ModuleType) -> bytes:
    """A legitimate 14 MB report: 6,000 paragraphs, a table, and 12 MB of pictures."""
    paragraphs = [f"{n}. {SENTENCE * 3}" for n in range(6_000)]
    table = [["Étape", "Date"]] + [[f"Étape {n}", f"{n % 28 + 1} mars 2027"] for n in range(300)]
    data = maker.make_docx(
        title="Rapport annuel 2026",
        author="Table régionale",
        header="Rapport annuel",
        heading="Rapport annuel 2026",
        paragraphs=paragraphs,
        table=table,
    )
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as archive:
        for n in range(12):
            archive.writestr(f"word/media/photo{n}.jpeg", os.urandom(1_000_000))
    return out.getvalue()


def shapes(maker: ModuleType) -> dict[str, tuple[str, Callable[[], bytes]]]:
    hostile = load_module("hostile", "tests/documents/hostile.py")
    return {
        "ligne-100k": ("txt", lambda: one_line(100_000)),
        "ligne-1M": ("txt", lambda: one_line(1_000_000)),
        "ligne-2M": ("txt", lambda: one_line(2_000_000)),
        "mot-200k": ("txt", lambda: ("Avis\n\n" + "a" * 200_000).encode()),
        "cjk-200k": (
            "txt",
            lambda: ("通知\n\n" + "会议将于明年三月举行请确认出席" * 14_000).encode(),
        ),
        "points-100k": ("txt", lambda: ("Avis\n\n" + "." * 100_000).encode()),
        "zip-menteur": ("docx", lambda: hostile.lying_docx(1_000_000_000)),
        "zip-bombe": ("docx", zip_bomb),
        "docx-14M": ("docx", lambda: big_docx(maker)),
        "ecriture-lente": ("txt", lambda: one_line(200_000)),
        "courriel-200": ("eml", lambda: hostile.nested_eml(200)),
    }


# --------------------------------------------------------------------------- one shape


async def measure(shape: str, suffix: str, data: bytes) -> dict[str, object]:
    from bot.app import App
    from bot.relay.publisher import ConsolePublisher
    from bot.settings import load_settings
    from bot.sources.inbox import InboxService
    from bot.store.db import Database

    with tempfile.TemporaryDirectory(prefix="relais-bench-hostile-") as scratch:
        tmp = Path(scratch)
        settings = load_settings(config_dir=tmp / "config", env_file=tmp / "absent.env")
        settings = settings.model_copy(
            update={"database_path": tmp / "relais.db", "inbox_path": tmp / "inbox"}
        )
        settings.config.inbox.incomplete_seconds = 5.0
        db = await Database.open(settings.database_path)
        app = App(settings, db, ConsolePublisher(settings.config.channels, stream=io.StringIO()))
        outcome: dict[str, object] = {}
        done = asyncio.Event()

        def on_outcome(path: Path, result: str) -> None:
            outcome["result"] = result
            outcome["at"] = time.perf_counter()
            if result not in ("waiting", "requeued", "retry"):
                done.set()

        service = InboxService(app, on_outcome=on_outcome)
        await service.start()
        await asyncio.sleep(1.5)  # the watcher settles in
        worst = 0.0

        async def ticker() -> None:
            nonlocal worst
            while True:
                before = time.perf_counter()
                await asyncio.sleep(0.01)
                worst = max(worst, time.perf_counter() - before - 0.01)

        tick = asyncio.create_task(ticker())
        target = settings.inbox_path / f"{shape}.{suffix}"
        start = time.perf_counter()
        try:
            if shape == "ecriture-lente":
                # The writer keeps the file open 5 s and pauses longer than the quiet time.
                with target.open("wb") as handle:
                    step = len(data) // 5
                    for n in range(5):
                        handle.write(data[n * step : (n + 1) * step if n < 4 else len(data)])
                        handle.flush()
                        await asyncio.sleep(1.0)
                start = time.perf_counter()  # from the moment the writer is done
            else:
                target.write_bytes(data)
            async with asyncio.timeout(300):  # not wait_for on an event (gh-86296)
                await done.wait()
        finally:
            tick.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await tick
            posts = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'communication'")
            pool = getattr(app.pipeline.worker, "_pool", None)
            workers = list(getattr(pool, "_processes", {}) or {})
            worker_peak = max((status_mib(pid, "VmHWM") for pid in workers), default=0.0)
            await service.stop()
            app.pipeline.close()
            await db.close()
        wall = float(outcome["at"]) - start  # type: ignore[arg-type]
        summary = ""
        if posts:
            summary = json.loads(posts[0]["payload"])["embeds"][0]["description"][:60]
        return {
            "shape": shape,
            "bytes": len(data),
            "outcome": outcome.get("result"),
            "posts": len(posts),
            "wall_s": round(wall, 2),
            "rss_mb": round(status_mib("self", "VmHWM"), 1),
            "child_rss_mb": round(worker_peak, 1),
            "lag_ms": round(worst * 1000, 1),
            "summary": summary,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="shape names")
    parser.add_argument(
        "--one", nargs=3, metavar=("SHAPE", "SUFFIX", "PATH"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        shape, suffix, path = args.one
        print(json.dumps(asyncio.run(measure(shape, suffix, Path(path).read_bytes()))))
        return 0
    maker = load_maker()
    table = shapes(maker)
    wanted = args.only or list(table)
    print(f"Hostile inputs — {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(
        f"{'forme':<15}{'taille':>10}{'issue':>9}{'posts':>6}{'durée':>8}{'RSS':>9}"
        f"{'worker':>9}{'latence':>9}"
    )
    failures = 0
    with tempfile.TemporaryDirectory(prefix="relais-bench-shapes-") as scratch:
        for shape in wanted:
            suffix, make = table[shape]
            path = Path(scratch) / f"{shape}.{suffix}"
            path.write_bytes(make())
            done = subprocess.run(
                [sys.executable, __file__, "--one", shape, suffix, str(path)],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                print(f"{shape:<15} ÉCHEC\n{done.stderr[-2000:]}")
                failures += 1
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            ok = (
                r["wall_s"] < 2
                and r["rss_mb"] < 300
                and r["child_rss_mb"] < 300
                and r["lag_ms"] < 100
            )
            failures += not ok
            print(
                f"{shape:<15}{r['bytes'] / 1e6:>8.2f}Mo{r['outcome']!s:>9}{r['posts']:>6}"
                f"{r['wall_s']:>7.2f}s{r['rss_mb']:>7.0f}Mo{r['child_rss_mb']:>7.0f}Mo"
                f"{r['lag_ms']:>7.0f}ms {'OK' if ok else 'AU-DESSUS DE LA CIBLE'}"
            )
    print("cibles : < 2 s, < 300 Mo, latence de la boucle < 100 ms")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
