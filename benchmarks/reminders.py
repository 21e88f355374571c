"""Clock benchmark: 10,000 pending rows of mixed kinds, 1,000 falling due at once, idle CPU.

    .venv/bin/python benchmarks/reminders.py [--quick]

Everything goes through the one durable clock (bot/timers.py) of a real App:
1. 10,000 pending rows (calendar reminders, scheduled announcements and generic timers, weeks
   ahead): time from the services' start to the clock asleep on its earliest row, and memory.
2. 1,000 reminders due within the same minute (and, separately, within the same second):
   lateness from each reminder's due time to the commit of its outbox row, p50/p99/max.
3. CPU used by the running app (clock, outbox worker, services) with 10,000 pending rows,
   over ~10 s with nothing due, read from /proc/self/stat.
4. Polls on the clock: 1,000 rows of a work kind (claimed, then run outside the clock's
   transaction, 32 at once, as feed polls are) due in the same second, each "poll" a 20 ms
   wait standing for the network that then reschedules its row: lateness from due to the
   start of its work, and until the last one rescheduled.
Targets (issue #13): load under 1 s, p99 lateness under 1 s, idle CPU under 1 %.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import percentile, status_mib
from bot import timers
from bot.app import App
from bot.relay.publisher import ConsolePublisher
from bot.settings import RelaisConfig, Settings, WebSection
from bot.store.db import Database
from bot.timeutil import from_iso, to_iso, utc_now


async def fill(db: Database, dues: list[datetime], *, start_after: timedelta) -> None:
    """One meeting per reminder, written directly (set-up is not what is measured)."""
    now = to_iso(utc_now())
    async with db.transaction() as conn:
        delegation = await conn.execute(
            "INSERT INTO cal_delegations(name, role, channel, created_at)"
            " VALUES ('Groupe de travail', 'GT', 'psoc', ?)",
            (now,),
        )
        delegation_id = delegation.lastrowid
        for due in dues:
            start = due + start_after
            cursor = await conn.execute(
                "INSERT INTO cal_meetings(title, start_at, end_at, place, created_at, updated_at)"
                " VALUES (?, ?, ?, 'Québec', ?, ?)",
                (
                    "Rencontre du groupe de travail",
                    to_iso(start),
                    to_iso(start + timedelta(hours=2)),
                    now,
                    now,
                ),
            )
            await conn.execute(
                "INSERT INTO cal_meeting_delegations(meeting_id, delegation_id) VALUES (?, ?)",
                (cursor.lastrowid, delegation_id),
            )
            await conn.execute(
                "INSERT INTO cal_reminders(event_kind, event_id, offset_spec, due_at)"
                " VALUES ('meeting', ?, 'H-2', ?)",
                (cursor.lastrowid, to_iso(due)),
            )


async def make_app(workdir: Path) -> App:
    config = workdir / "config"
    config.mkdir(parents=True, exist_ok=True)
    # No web listener: the benchmark measures the clock, and must run beside a real Relais.
    settings = Settings(
        config_dir=config,
        database_path=workdir / "bench.db",
        config=RelaisConfig(web=WebSection(listen="off")),
    )
    db = await Database.open(settings.database_path)
    return App(settings, db, ConsolePublisher(stream=io.StringIO()))


async def fill_mixed(app: App, count: int) -> None:
    """A third each: calendar reminders, scheduled announcements, generic timers."""
    base = utc_now().replace(microsecond=0) + timedelta(days=3)
    third = count // 3
    await fill(
        app.db,
        [base + timedelta(minutes=i) for i in range(count - 2 * third)],
        start_after=timedelta(hours=2),
    )
    now = to_iso(utc_now())
    async with app.db.transaction() as conn:
        for i in range(third):
            await conn.execute(
                "INSERT INTO announcements(title, body, channels_json, due_at, status,"
                " author_name, created_at, updated_at)"
                " VALUES ('Annonce', 'Bonjour', '[\"general\"]', ?, 'scheduled', 'Julie', ?, ?)",
                (to_iso(base + timedelta(minutes=i, seconds=30)), now, now),
            )
        for i in range(third):
            await timers.schedule(
                conn, "bench.retry", str(i), base + timedelta(minutes=i, seconds=15), {"n": i}
            )


async def _nothing(conn: object, due: object, firing: object) -> None:
    return None


def cpu_seconds() -> float:
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def startup(
    count: int, workdir: Path, *, trace: bool, idle_seconds: float = 0
) -> dict[str, float]:
    app = await make_app(workdir)
    await fill_mixed(app, count)
    app.clock.register("bench.retry", _nothing)
    gc.collect()
    rss_before = status_mib("self")
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    await app.start()
    await app.clock.wait_idle()
    elapsed = time.perf_counter() - began
    pending = await app.db.fetchone("SELECT COUNT(*) AS n FROM timers WHERE status = 'pending'")
    result = {"seconds": elapsed, "pending": float(pending["n"] if pending else 0)}
    if trace:
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["traced_mib"] = current / 2**20
        result["traced_peak_mib"] = peak / 2**20
    result["rss_delta_mib"] = status_mib("self") - rss_before
    if idle_seconds:
        await asyncio.sleep(1)  # let the services settle (first file pass, worker idle)
        cpu, wall = cpu_seconds(), time.perf_counter()
        await asyncio.sleep(idle_seconds)
        result["idle_cpu_percent"] = 100 * (cpu_seconds() - cpu) / (time.perf_counter() - wall)
    await app.close()
    return result


async def burst(count: int, window_seconds: int, workdir: Path) -> list[float]:
    """Lateness (s) of ``count`` reminders due over ``window_seconds`` seconds."""
    app = await make_app(workdir)
    first = utc_now().replace(microsecond=0) + timedelta(seconds=3)
    dues = [first + timedelta(seconds=(i * window_seconds) // count) for i in range(count)]
    await fill(app.db, dues, start_after=timedelta(hours=2))
    committed: dict[int, datetime] = {}
    all_sent = asyncio.Event()

    def stamp(outbox_ids: list[int]) -> None:
        now = utc_now()  # just after the commit of the batch holding these rows
        for outbox_id in outbox_ids:
            committed[outbox_id] = now
        if len(committed) >= count:
            all_sent.set()

    app.clock.on_enqueued.append(stamp)
    try:
        await app.start()
        try:
            await asyncio.wait_for(all_sent.wait(), timeout=window_seconds + 60)
        except TimeoutError:
            pass  # reported below as reminders not sent
    finally:
        await app.stop()
    rows = await app.db.fetchall(
        "SELECT due_at, outbox_id FROM cal_reminders WHERE status = 'sent'"
    )
    sent_twice = await app.db.fetchone(
        "SELECT COUNT(*) - COUNT(DISTINCT dedupe_key) AS n FROM outbox"
    )
    await app.db.close()
    if len(rows) != count or (sent_twice and sent_twice["n"]):
        raise SystemExit(f"only {len(rows)} of {count} reminders sent, or some twice")
    return [(committed[r["outbox_id"]] - from_iso(r["due_at"])).total_seconds() for r in rows]


async def polls(count: int, workdir: Path) -> tuple[list[float], float]:
    """Lateness (s) from due to the start of each poll's work; seconds until all are done."""
    app = await make_app(workdir)
    first = utc_now().replace(microsecond=0) + timedelta(seconds=3)
    async with app.db.transaction() as conn:
        for i in range(count):
            await timers.schedule(conn, "bench.poll", str(i), first)
    started: list[float] = []
    finished = asyncio.Event()
    done = 0

    async def poll(timer: timers.Timer, firing: timers.Firing) -> None:
        nonlocal done
        started.append((utc_now() - timer.due).total_seconds())
        await asyncio.sleep(0.02)  # the network
        async with app.db.transaction() as conn:
            await timers.schedule(conn, "bench.poll", timer.key, firing.now + timedelta(hours=1))
        done += 1
        if done == count:
            finished.set()

    app.clock.register_work("bench.poll", poll, lease=timedelta(minutes=10), concurrency=32)
    try:
        await app.start()
        await asyncio.wait_for(finished.wait(), timeout=120)
        total = (utc_now() - first).total_seconds()
    finally:
        await app.close()
    return started, total


def show_lateness(title: str, values: list[float]) -> None:
    print(
        f"{title}: p50 {percentile(values, 0.5):.3f} s, p99 {percentile(values, 0.99):.3f} s, "
        f"max {max(values):.3f} s, mean {statistics.fmean(values):.3f} s "
        f"(target p99 < 1 s)"
    )


async def main(quick: bool) -> None:
    pending = 2_000 if quick else 10_000
    due = 1_000
    window = 15 if quick else 60
    idle = 3.0 if quick else 10.0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        timing = await startup(pending, root / "a", trace=False, idle_seconds=idle)
        memory = await startup(pending, root / "b", trace=True)
        print(
            f"start-up with {pending:,} pending rows of three kinds: {timing['seconds']:.3f} s "
            f"until the clock sleeps on the earliest ({int(timing['pending']):,} pending; "
            f"target < 1 s)"
        )
        print(
            f"memory: {memory['traced_mib']:.1f} MiB kept by Python after start "
            f"(peak {memory['traced_peak_mib']:.1f} MiB during start-up), "
            f"RSS +{timing['rss_delta_mib']:.1f} MiB"
        )
        print(
            f"idle CPU of the running app with {pending:,} pending rows over {idle:.0f} s: "
            f"{timing['idle_cpu_percent']:.2f} % (target < 1 %)"
        )
        show_lateness(
            f"{due:,} reminders due within the same {window} s",
            await burst(due, window, root / "c"),
        )
        show_lateness(f"{due:,} reminders due in the same second", await burst(due, 1, root / "d"))
        started, total = await polls(due, root / "e")
        print(
            f"{due:,} polls due in the same second (claimed, 32 at once, 20 ms each): start "
            f"p50 {percentile(started, 0.5):.3f} s, p99 {percentile(started, 0.99):.3f} s; "
            f"all rescheduled {total:.2f} s after due (floor {due * 0.02 / 32:.2f} s)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 pending, 15 s window")
    asyncio.run(main(parser.parse_args().quick))
