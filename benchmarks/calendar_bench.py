"""Calendar benchmark: feeds, conditional GETs, /calendrier, 10,000 pending reminders.

    .venv/bin/python benchmarks/calendar_bench.py [--quick]

A calendar of 500 meetings (a third of them recurring over two years: weekly, every two
weeks, monthly by day, « le 3e mardi du mois ») and 200 deadlines, over 12 delegations,
some occurrences moved or cancelled. Measured on a real SQLite file and a real aiohttp
server on an ephemeral loopback port:
1. ICS generation per feed (public, one delegation, everything): time (p50 over runs, the
   cache emptied each time) and size;
2. a conditional GET answered 304 (If-None-Match): p50 / p95 over 200 requests, client side;
3. `/calendrier voir` expansion of occurrences (60 days, a member of two delegations);
4. the planner writing personal reminders by DM (40 members) on top of the delegations'
   reminders, until 10,000 pending rows; then the clock's first pass over them.
Targets (issue #14): a feed under 50 ms, a 304 under 5 ms, /calendrier under 50 ms.
"""

# Not calendar.py: run as a script, this folder comes first on sys.path, and a file named
# calendar.py there hides the standard library's (which aiohttp and email import) from every
# benchmark.
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web

from bot.calendar import members, planner, subscriptions
from bot.calendar.offsets import ReminderOffsets, parse_offset
from bot.calendar.recurrence import Recurrence, occurrence_key, series_start
from bot.store.db import Database
from bot.timeutil import MONTREAL, to_iso, utc_now
from bot.web.calendar import CalendarFeeds

DEFAULTS = ReminderOffsets(
    tuple(parse_offset(s) for s in ("J-7", "J-1", "H-2")),
    tuple(parse_offset(s) for s in ("J-14", "J-7", "J-1", "J0 08:00")),
)
SUBSCRIBERS = 40  # members with personal reminders (one delegation each, J-1 and H-2)
RULES = [
    Recurrence("weekly", weekday=1, count=104),
    Recurrence("weekly", interval=2, weekday=3, count=52),
    Recurrence("monthly", monthday=15, count=24),
    Recurrence("monthly", nth=3, weekday=1, count=24),
]


async def fill(db: Database, now: datetime, *, meetings: int, deadlines: int) -> list[int]:
    rng = random.Random(14)
    stamp = to_iso(now)
    async with db.transaction() as conn:
        delegation_ids = []
        for i in range(12):
            cursor = await conn.execute(
                "INSERT INTO cal_delegations(name, role, channel, created_at, public)"
                " VALUES (?, ?, ?, ?, ?)",
                (f"Délégation {i}", f"role-{i}", f"salon-{i}", stamp, int(i < 4)),
            )
            delegation_ids.append(int(cursor.lastrowid or 0))
        for i in range(meetings):
            recurring = i % 3 == 0
            day = now + timedelta(days=rng.randint(1, 700), hours=rng.randint(0, 8))
            start = day.astimezone(MONTREAL).replace(hour=9 + i % 6, minute=30, second=0)
            rule = RULES[i % len(RULES)] if recurring else None
            if rule is not None:
                start = series_start((now + timedelta(days=i % 20 + 1)).astimezone(MONTREAL)
                                     .replace(hour=9, minute=30, second=0), rule)  # fmt: skip
            cursor = await conn.execute(
                "INSERT INTO cal_meetings(title, start_at, end_at, place, notes, created_at,"
                " updated_at, rrule) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"Rencontre n° {i} du comité, ordre du jour, suivi des travaux",
                    to_iso(start),
                    to_iso(start + timedelta(hours=2)),
                    "MSSS, 1075, chemin Sainte-Foy, Québec",
                    "Ordre du jour : mandat, calendrier, indexation 2027-2028.",
                    stamp,
                    stamp,
                    rule.to_rule() if rule else None,
                ),
            )
            meeting_id = int(cursor.lastrowid or 0)
            for delegation_id in rng.sample(delegation_ids, rng.choice((1, 1, 2))):
                await conn.execute(
                    "INSERT INTO cal_meeting_delegations(meeting_id, delegation_id) VALUES (?, ?)",
                    (meeting_id, delegation_id),
                )
            if rule is not None and i % 6 == 0:  # some occurrences moved or cancelled
                original = start + timedelta(days=7 if rule.freq == "weekly" else 0)
                await conn.execute(
                    "INSERT OR IGNORE INTO cal_occurrence_changes(meeting_id, occurrence,"
                    " status, start_at, end_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (meeting_id, occurrence_key(original), "moved" if i % 12 else "cancelled",
                     to_iso(original + timedelta(days=1)), to_iso(original + timedelta(days=1,
                     hours=2)), stamp),
                )  # fmt: skip
        for i in range(deadlines):
            due = now + timedelta(days=rng.randint(1, 700))
            await conn.execute(
                "INSERT INTO cal_deadlines(title, due_at, delegation_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (f"Dépôt de l’avis n° {i}", to_iso(due),
                 rng.choice([None, *delegation_ids]), stamp, stamp),
            )  # fmt: skip
    return delegation_ids


def ms(values: list[float]) -> str:
    values = sorted(values)
    p50 = statistics.median(values) * 1000
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))] * 1000
    return f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"


async def main(quick: bool) -> None:
    runs = 5 if quick else 20
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "calendar.db")
        started = time.perf_counter()
        delegation_ids = await fill(db, now, meetings=500, deadlines=200)
        print(f"set-up: 500 meetings (167 recurring over two years), 200 deadlines, "
              f"12 delegations in {time.perf_counter() - started:.1f} s")  # fmt: skip

        # 1. ICS generation per feed.
        print("\n1. ICS generation (cache emptied each run)")
        for label, scope in (("public", None), ("one delegation", delegation_ids[5])):
            times, size = [], 0
            for _ in range(runs):
                t0 = time.perf_counter()
                body = await subscriptions.feed_body(db, scope, defaults=DEFAULTS, now=now)
                times.append(time.perf_counter() - t0)
                size = len(body)
            print(f"   {label:15s}: {ms(times)}, {size / 1024:.0f} KiB, "
                  f"{body.count(b'BEGIN:VEVENT')} events")  # fmt: skip
        from bot.calendar.actions import export_ics
        from bot.settings import Settings

        settings = Settings(config_dir=Path(folder), database_path=Path(folder) / "calendar.db")
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            body, _count = await export_ics(db, settings, now=now, days=800)
            times.append(time.perf_counter() - t0)
        print(f"   {'everything':15s}: {ms(times)}, {len(body) / 1024:.0f} KiB "
              f"(/calendrier ics, staff)")  # fmt: skip

        # 2. Conditional GET over HTTP.
        feeds = CalendarFeeds(lambda: db, defaults=DEFAULTS, clock=lambda: now)
        app = web.Application()
        app.add_routes(feeds.routes())
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        token = await subscriptions.ensure_token(db, delegation_ids[5], now=now)
        url = subscriptions.feed_url(f"http://127.0.0.1:{port}", token.token)
        async with aiohttp.ClientSession() as http:
            full = []
            for _ in range(runs):
                feeds._cache.clear()
                t0 = time.perf_counter()
                async with http.get(url) as answer:
                    await answer.read()
                    etag = answer.headers["ETag"]
                full.append(time.perf_counter() - t0)
            cond = []
            for _ in range(200):
                t0 = time.perf_counter()
                async with http.get(url, headers={"If-None-Match": etag}) as answer:
                    assert answer.status == 304
                    await answer.read()
                cond.append(time.perf_counter() - t0)
        await runner.cleanup()
        print("\n2. Over HTTP (loopback, keep-alive)")
        print(f"   200, feed built : {ms(full)}")
        print(f"   304             : {ms(cond)}")

        # 3. /calendrier voir.
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            found = await members.agenda(db, delegation_ids[3:5], now=now, days=60)
            times.append(time.perf_counter() - t0)
        print("\n3. /calendrier voir (60 days, member of two delegations)")
        print(f"   {ms(times)}: {len(found.mine)} + {len(found.public)} occurrences, "
              f"{len(found.my_deadlines) + len(found.public_deadlines)} deadlines")  # fmt: skip

        # 4. 10,000 pending reminders, DMs included.
        stamp = to_iso(now)
        t0 = time.perf_counter()
        async with db.transaction() as conn:
            for i in range(SUBSCRIBERS):
                user = str(10**17 + i)
                await conn.execute(
                    "INSERT INTO cal_dm_prefs(user_id, offsets, updated_at) VALUES (?, ?, ?)",
                    (user, "J-1, H-2", stamp),
                )
                for delegation_id in delegation_ids[i % 12 : i % 12 + 1]:
                    await conn.execute(
                        "INSERT INTO cal_dm_delegations(user_id, delegation_id) VALUES (?, ?)",
                        (user, delegation_id),
                    )
        added, _ = await planner.plan(db, now=now, defaults=DEFAULTS, horizon=timedelta(days=45))
        first = time.perf_counter() - t0
        rows = await db.fetchone(
            "SELECT COUNT(*) AS n, SUM(user_id IS NOT NULL) AS dm FROM cal_reminders"
            " WHERE status = 'pending'"
        )
        assert rows is not None
        # Top up with single meetings' delegation reminders to reach 10,000 pending rows.
        missing = max(0, 10_000 - int(rows["n"]))
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO cal_reminders(event_kind, event_id, offset_spec, due_at)"
                " VALUES ('meeting', ?, 'J-1', ?)",
                [
                    (2 + i % 400, to_iso(now + timedelta(days=30, seconds=i)))
                    for i in range(missing)
                ],
            )
        t0 = time.perf_counter()
        again, removed = await planner.plan(db, now=now, defaults=DEFAULTS)
        replan = time.perf_counter() - t0
        total = await db.fetchone(
            "SELECT COUNT(*) AS n, SUM(user_id IS NOT NULL) AS dm FROM cal_reminders"
            " WHERE status = 'pending'"
        )
        assert total is not None
        from bot import timers

        clock = timers.Clock(db, now=lambda: now)
        clock.register("calendar.reminder", lambda conn, due, firing: asyncio.sleep(0, []))
        t0 = time.perf_counter()
        next_due = await clock.next_due()
        pass_time = time.perf_counter() - t0
        print("\n4. Pending reminders")
        print(f"   planner, first pass ({SUBSCRIBERS} members opted in, 45 days ahead): "
              f"{added} rows in {first:.2f} s")  # fmt: skip
        print(f"   pending: {total['n']} rows, {total['dm']} by DM; re-plan with nothing new: "
              f"{replan * 1000:.0f} ms ({again} added, {removed} removed)")  # fmt: skip
        print(f"   clock's next due among them: {pass_time * 1000:.1f} ms "
              f"({next_due and next_due.isoformat()})")  # fmt: skip
        await db.close()
    print(f"\n(run at {utc_now():%Y-%m-%d %H:%M} UTC; machine shared, figures indicative)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    asyncio.run(main(parser.parse_args().quick))
